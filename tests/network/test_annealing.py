"""Max-cut with a noisy memristor Hopfield network: noise helps, exact optimum by enumeration."""

import itertools

import networkx as nx
import numpy as np
import pytest

from compact.nbox_ascoli import NbOxAscoli
from matsim.core.errors import ConfigError, MissingFileError
from matsim.network.annealing import (HopfieldMaxCut, as_weight_matrix, compare, cut_value, exact_maxcut,
                                      parse_graph)


def test_cut_value_and_exact_enumeration_against_brute_force():
    g = nx.gnp_random_graph(8, 0.5, seed=3)
    for u, v in g.edges:
        g[u][v]["weight"] = 1.0 + (u * v) % 3
    W = as_weight_matrix(g)
    brute = max(sum(d["weight"] for u, v, d in g.edges(data=True) if s[u] != s[v])
                for s in itertools.product([0, 1], repeat=8))
    best, spins = exact_maxcut(g)
    assert best == pytest.approx(brute)
    assert cut_value(W, spins) == pytest.approx(brute)
    # complete bipartite graph: optimum = all edges
    assert exact_maxcut(nx.complete_bipartite_graph(4, 5))[0] == 20


def test_noisy_annealing_beats_zero_noise_on_random_16_node_graphs():
    """Against ONE zero-noise descent (a weak baseline); the equal-budget comparison with restarts,
    simulated annealing and one-exchange is in test_annealing_baselines.py."""
    ratios, zero = [], []
    for seed in range(6):
        g = nx.gnp_random_graph(16, 0.5, seed=100 + seed)
        c = compare(g, noise=0.8, n_sweeps=60, n_runs=6, seed=seed)
        ratios.append(c["noisy_ratio"])
        zero.append(c["zero_noise_ratio"])
        assert c["noisy_ratio"] <= 1.0 + 1e-12
        assert c["restarts_ratio"] <= 1.0 + 1e-12 and c["annealing_sa_ratio"] <= 1.0 + 1e-12
    assert np.mean(ratios) >= 0.95
    assert np.mean(ratios) > np.mean(zero) + 0.01


def test_zero_noise_network_never_raises_energy_and_stops():
    g = nx.gnp_random_graph(16, 0.5, seed=7)
    net = HopfieldMaxCut(g, noise=0.0, seed=1)
    ds = net.run(20)
    cuts = ds["cut"].values[0]
    assert np.all(np.diff(cuts) >= -1e-12)            # asynchronous descent: cut never drops
    assert cuts[-1] == cuts[-5]                        # converged to a fixed point
    s = ds["spins"].values[0]
    h = net.J @ s
    assert np.all(h * s >= 0)                          # every neuron agrees with its field


def test_same_seed_same_result_and_noise_schedule():
    g = nx.gnp_random_graph(12, 0.5, seed=2)
    a = HopfieldMaxCut(g, noise=1.0, seed=5).run(30, n_runs=3)
    b = HopfieldMaxCut(g, noise=1.0, seed=5).run(30, n_runs=3)
    assert np.array_equal(a["cut"].values, b["cut"].values)
    assert a["sigma"].values[0] == 1.0 and a["sigma"].values[-1] == 0.0


def test_device_noise_as_annealing_temperature():
    """Johnson + shot noise of a compact device with a read-voltage ramp anneals the network."""
    dev = NbOxAscoli()
    ratios = []
    for seed in range(3):
        g = nx.gnp_random_graph(16, 0.5, seed=200 + seed)
        net = HopfieldMaxCut.from_device(g, dev, x=[300.0], seed=seed)
        ds = net.run(60, n_runs=4)
        sig = ds["sigma"].values
        assert sig[0] > 1.0 > sig[-1] and np.all(np.diff(sig) < 0)
        ratios.append(float(ds["final_cut"].mean()) / exact_maxcut(g)[0])
    assert np.mean(ratios) >= 0.95


def test_parse_graph_and_bad_inputs(tmp_path):
    g = parse_graph("random:n=10,p=0.4,seed=2")
    assert g.number_of_nodes() == 10
    f = tmp_path / "g.txt"
    f.write_text("# triangle\n0 1 1.0\n1 2 2.0\n0 2 1.5\n")
    assert exact_maxcut(parse_graph(str(f)))[0] == pytest.approx(3.5)
    with pytest.raises(ConfigError, match="graph"):
        parse_graph("random:n=ten")
    with pytest.raises(MissingFileError):
        parse_graph(str(tmp_path / "missing.txt"))
    with pytest.raises(ConfigError, match="graph"):
        as_weight_matrix(np.array([[0, 1], [2, 0]]))
    with pytest.raises(ConfigError, match="noise"):
        HopfieldMaxCut(nx.path_graph(3), noise=-1.0)
    with pytest.raises(ConfigError, match="graph"):
        exact_maxcut(nx.path_graph(30))
    with pytest.raises(ConfigError, match="v_read"):
        HopfieldMaxCut.from_device(nx.path_graph(3), NbOxAscoli(), v_read=(0.1, 0.01))
