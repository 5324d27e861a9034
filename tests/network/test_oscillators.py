"""Coupled Pearson-Anson Mott oscillators: locking in phase (resistor) / anti-phase (capacitor)."""

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp

from compact.nbox_ascoli import NbOxAscoli
from matsim.core.errors import ConfigError, ConvergenceError
from matsim.network.oscillators import Cell, MottNetwork, analyze, spike_times


@pytest.fixture(scope="module")
def cell():
    """NbOx cell biased at 400 K on the NDR branch through 200 Ohm, C = 1.3 x the largest stable C."""
    dev = NbOxAscoli()
    ss = dev.small_signal(400.0)
    R_s = 200.0
    C_max = dev.p.C_th * (ss["G"] + 1 / R_s) / abs(ss["a"])
    return Cell(dev, float(ss["v"] + ss["i"] * R_s), R_s, 1.3 * C_max)


@pytest.fixture(scope="module")
def single(cell):
    ds = MottNetwork([cell]).simulate(2e-6, n_out=4000)
    return ds, analyze(ds)


def test_single_cell_oscillates_and_stable_cell_does_not(cell, single):
    ds, a = single
    f = a["frequency"][0]
    assert 5e6 < f < 1e8
    assert np.ptp(ds["T"].values[0, 2000:]) > 50.0          # relaxation: large thermal swing
    stable = Cell(cell.device, cell.V_s, cell.R_s, 0.5 * cell.C)   # edge of chaos: quiescent
    ds2 = MottNetwork([stable]).simulate(2e-6, n_out=2000)
    assert np.isnan(analyze(ds2)["frequency"][0])
    assert ds2["T"].values[0, -1] == pytest.approx(400.0, abs=0.5)


def test_resistive_coupling_locks_in_phase(cell, single):
    f0 = single[1]["frequency"][0]
    ds = MottNetwork.pair(cell, R_c=200.0).simulate(30 / f0, n_out=12000, v0=[0.1, 0.2])
    a = analyze(ds)
    assert a["locking"][1] > 0.99
    assert a["mode"] == "in-phase"
    assert a["frequency"][0] == pytest.approx(a["frequency"][1], rel=1e-3)


def test_capacitive_coupling_locks_anti_phase(cell, single):
    f0 = single[1]["frequency"][0]
    ds = MottNetwork.pair(cell, C_c=0.5 * cell.C).simulate(30 / f0, n_out=12000, v0=[0.1, 0.2])
    a = analyze(ds)
    assert a["locking"][1] > 0.99
    assert a["mode"] == "anti-phase"
    assert abs(a["phase"][1] - 0.5) < 0.05
    # anti-phase mode charges C + 2 C_c: slower than the free cell
    assert a["frequency"][0] < f0


def test_graph_and_matrix_coupling_agree(cell):
    g = nx.Graph()
    g.add_edge(0, 1, R=300.0)
    g.add_edge(1, 2, R=300.0)
    net_g = MottNetwork.identical(cell, 3, g)
    R = sp.csr_matrix(np.array([[0, 300.0, 0], [300.0, 0, 300.0], [0, 300.0, 0]]))
    net_m = MottNetwork.identical(cell, 3, R)
    y = net_g.initial_state(v0=[0.1, 0.2, 0.15], x0=[[320.0, 350.0, 380.0]])
    assert np.allclose(net_g.rhs(0.0, y), net_m.rhs(0.0, y))
    # charge conservation: with zero device current and no sources, coupling currents sum to zero
    assert abs(net_g.L_G.sum()) < 1e-12


def test_spike_times_on_a_known_signal():
    t = np.linspace(0, 1, 10001)
    s = np.sin(2 * np.pi * 7 * t)
    st = spike_times(s, t, threshold=0.0)
    assert np.allclose(np.diff(st), 1 / 7, rtol=1e-3)


def test_bad_inputs(cell):
    g = nx.Graph()
    g.add_nodes_from(range(3))
    g.add_edge(0, 1, R=100.0)
    with pytest.raises(ConfigError, match="disconnected"):
        MottNetwork.identical(cell, 3, g)
    with pytest.raises(ConfigError, match="R_s"):
        Cell(cell.device, 1.0, -5.0, 1e-10)
    with pytest.raises(ConfigError, match="coupling"):
        MottNetwork.identical(cell, 2, {"R": [[0, 10.0], [20.0, 0]]})
    # a stiff source far outside the device's range: the filament heats into the T_max window
    hot = Cell(cell.device, 50.0, 0.01, cell.C)
    with pytest.raises(ConfigError, match="V_s"):
        MottNetwork([hot]).simulate(1e-6, n_out=200)
    # an explicit integrator on this stiff circuit exhausts its evaluation budget: a clear error
    with pytest.raises(ConvergenceError, match="stiff"):
        MottNetwork([cell]).simulate(2e-6, method="RK45", max_evals=3000)


def test_jacobian_sparsity_covers_the_true_jacobian(cell):
    g = nx.path_graph(4)
    nx.set_edge_attributes(g, 300.0, "R")
    g.add_edge(0, 3, C=1e-11)
    net = MottNetwork.identical(cell, 4, g)
    y = net.initial_state(v0=[0.1, 0.2, 0.15, 0.18], x0=[[330.0, 360.0, 390.0, 420.0]])
    J = np.empty((y.size, y.size))
    for k in range(y.size):
        h = 1e-6 * max(abs(y[k]), 1.0)
        e = np.zeros_like(y)
        e[k] = h
        J[:, k] = (net.rhs(0, y + e) - net.rhs(0, y - e)) / (2 * h)
    pattern = net.jacobian_sparsity().toarray() > 0
    assert not np.any((np.abs(J) > 1e-9 * np.abs(J).max()) & ~pattern)


def test_ring_of_cells_synchronizes_in_phase(cell, single):
    f0 = single[1]["frequency"][0]
    g = nx.cycle_graph(12)
    nx.set_edge_attributes(g, 200.0, "R")
    ds = MottNetwork.identical(cell, 12, g).simulate(22 / f0, n_out=4000, seed=1, jitter=0.05)
    a = analyze(ds)
    assert np.all(a["locking"] > 0.99)
    assert np.all(np.minimum(a["phase"], 1 - a["phase"]) < 0.02)


def test_nbo2_cell_precharged_far_above_threshold_melts_into_the_window_and_is_rejected():
    """C v0^2 / 2 dumped into the filament: precharging C to 0.5 V_s (~10 V_th) brings far more heat than
    C_th (T_max - T_0), so T runs into the model's heating window (a numerical bound, not the device):
    ``validity_bounds`` (T_max - T_window, below NbO2's melting point 2188 K) makes that an error naming
    V_s; starting at the threshold voltage keeps the spikes well inside the model range."""
    from compact.mott import MottThermal
    from matsim.network.neurons import MottNeuron
    from matsim.network.pearson_anson import pearson_anson_cell

    dev = MottThermal.nbo2()
    p = dev.p
    T_hi = dev.validity_bounds()[1][0]
    assert T_hi == pytest.approx(p.T_max - p.T_window) and p.T_max < 2188.0     # NbO2 melts at 1915 C
    v_th = dev.ndr_window()[2]
    cell, i_op = pearson_anson_cell(dev)
    assert 0.5 * cell.C * (0.5 * cell.V_s) ** 2 > 10 * p.C_th * (p.T_max - p.T_ambient)
    t_end = 3 / MottNeuron(dev, cell.C).firing_rate(i_op)
    ds = MottNetwork.pair(cell, R_c=cell.R_s).simulate(t_end, n_out=2000, v0=[0.0, v_th])
    assert float(ds["T"].max()) < T_hi - 500.0
    with pytest.raises(ConfigError, match=r"V_s \(cell 1\)"):
        MottNetwork.pair(cell, R_c=cell.R_s).simulate(t_end, n_out=2000, v0=[0.0, 0.5 * cell.V_s])


def test_nbo2_neuron_driven_into_the_heating_window_is_rejected():
    """An input whose steady state needs T above T_max - T_window (the window, not the device, would
    hold T there) is an error naming I_in; one below it is not."""
    from compact.mott import MottThermal
    from matsim.network.neurons import MottNeuron

    dev = MottThermal.nbo2()
    T_hi = dev.validity_bounds()[1][0]
    n = MottNeuron(dev, 1e-15)
    t_end = 20 * dev.thermal_time_constant
    ok = n.simulate(dev.steady_current(T_hi - 200.0), t_end, n_out=400)
    assert float(ok["T"][-1]) == pytest.approx(T_hi - 200.0, abs=20.0)
    with pytest.raises(ConfigError, match="I_in"):
        n.simulate(3 * dev.steady_current(T_hi), t_end, n_out=400)
