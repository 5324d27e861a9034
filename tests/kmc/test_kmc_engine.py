"""BKL engine: Fenwick tree statistics, engine identity, lattice-gas physics, restart, bad input."""

import numpy as np
import pytest
from scipy import stats

import kmc
from kmc import validation
from kmc.fenwick import FenwickTree, PyFenwickTree
from matsim.core.errors import ConfigError


def test_fenwick_prefix_and_updates_match_brute_force():
    rng = np.random.default_rng(3)
    rates = rng.random(37) * 10.0 ** rng.integers(-30, 10, 37)   # 40 decades of rates
    tree, py = FenwickTree(37, rates), PyFenwickTree(37, rates)
    for _ in range(300):                                         # random updates, incl. zeros
        i, r = int(rng.integers(37)), float(rng.random() * 10.0 ** rng.integers(-30, 10))
        r = 0.0 if rng.random() < 0.2 else r
        rates[i] = r
        tree.set(i, r)
        py.set(i, r)
    assert tree.total() == py.total() == pytest.approx(rates.sum(), rel=1e-12)
    fresh = FenwickTree(37, rates)                               # no round-off drift: exact rebuild
    assert np.array_equal(fresh.tree, tree.tree)
    cum = np.cumsum(rates)
    for u in rng.random(500):
        target = u * cum[-1]
        want = int(np.searchsorted(cum, target, side="right"))
        got = tree.select(target)
        assert got == py.select(target)
        assert rates[got] > 0
        assert got == want or abs(cum[want] - target) < 1e-12 * cum[-1]


def test_fenwick_selection_frequencies_chi_square():
    rng = np.random.default_rng(11)
    rates = np.array([0.0, 1.0, 5.0, 0.5, 0.0, 2.5, 1e-3, 8.0, 3.0, 0.0, 4.0])
    tree = FenwickTree(len(rates), rates)
    n = 200_000
    picks = np.array([tree.select(u * tree.total()) for u in rng.random(n)])
    counts = np.bincount(picks, minlength=len(rates))
    assert counts[rates == 0].sum() == 0
    nz = rates > 0.01
    expected = n * rates[nz] / rates.sum()
    chi2 = ((counts[nz] - expected) ** 2 / expected).sum()
    assert stats.chi2.sf(chi2, nz.sum() - 1) > 1e-3


def test_numba_and_python_engines_give_the_same_trajectory():
    kw = dict(shape=(6, 5, 4), spacing_m=3e-10, Ea_eV=0.4, nu_Hz=1e13, T_K=400.0, E_field_V_per_m=2e8,
              periodic=False, n_particles=50, seed=7)
    a = kmc.LatticeGas(**kw).run(n_events=3000, quiet=True)
    b = kmc.LatticeGas(**kw, engine="python").run(n_events=3000, quiet=True)
    assert a.time == b.time and np.array_equal(a.positions(), b.positions())
    s = a.sites()
    assert s.min() >= 0 and np.all(s.max(axis=0) < np.array([6, 5, 4]))   # reflecting walls respected


@pytest.mark.parametrize("T_K", [300.0, 500.0])
@pytest.mark.parametrize("E", [0.0, 4e8])
def test_lattice_gas_D_and_v_match_analytic(T_K, E):
    Ea = 0.3 if T_K == 300 else 0.5
    r = validation.lattice_gas_drift(Ea_eV=Ea, T_K=T_K, E_field_V_per_m=E, n_particles=3000,
                                     hops_per_particle=40, seed=int(T_K + E / 1e6))
    assert abs(r["D"] - r["D_analytic"]) < 4 * r["D_err"]
    assert abs(r["v"] - r["v_analytic"]) < 4 * r["v_err"]
    if E > 0:   # the drift is resolved, not just consistent with zero
        assert r["v"] > 5 * r["v_err"]


def test_arrhenius_fit_recovers_barrier():
    T = np.array([250.0, 300.0, 400.0, 500.0])
    D = [validation.lattice_gas_drift(Ea_eV=0.45, T_K=t, n_particles=2000, hops_per_particle=30, seed=i)["D"]
         for i, t in enumerate(T)]
    Ea, D0 = validation.arrhenius_fit(T, D)
    assert Ea == pytest.approx(0.45, abs=0.01)
    assert D0 == pytest.approx((2.5e-10) ** 2 * 1e13, rel=0.15)


def test_restart_continues_identically(tmp_path):
    kw = dict(shape=(8, 8, 8), Ea_eV=0.3, E_field_V_per_m=1e8, n_particles=200, seed=5)
    ref = kmc.LatticeGas(**kw).run(2e-9, quiet=True)
    ref.run(5e-9, quiet=True)
    a = kmc.LatticeGas(**kw).run(2e-9, quiet=True)
    a.save(tmp_path / "gas.npz")
    b = kmc.load(tmp_path / "gas.npz").run(5e-9, quiet=True)
    assert b.n_events == ref.n_events > 0
    assert np.array_equal(b.positions(), ref.positions()) and b.time == ref.time
    assert np.array_equal(b.displacements(), ref.displacements())


@pytest.mark.parametrize("kw, field", [
    (dict(T_K=-5.0), "T_K"), (dict(nu_Hz=0.0), "nu_Hz"), (dict(shape=(0, 4, 4)), "shape[0]"),
    (dict(n_particles=0), "n_particles"), (dict(engine="cuda"), "engine"), (dict(spacing_m=np.nan), "spacing_m"),
])
def test_bad_input_names_the_field(kw, field):
    with pytest.raises(ConfigError) as exc:
        kmc.LatticeGas(**kw)
    assert exc.value.field == field
