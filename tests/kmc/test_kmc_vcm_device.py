"""Device-scale machinery of the VCM cell (issue #23, item 7): the speed-ups change no results.

* the lateral-FFT solve of the uniform Poisson network equals the SuperLU solve (exact method: round-off);
* on a grid above ``FFT_MIN_SITES`` the filament capacitance solve from the table + FFT equals the
  Green's-column superposition, and the same seed gives the same trajectory through both;
* the incrementally updated potential equals a fresh Poisson solve after many KMC moves at device scale;
* the incremental heat matrix A_0 + ΔA equals the assembled one; the numba filament flood fill equals
  the connected-components definition; the warm-started compliance solve lands on the compliance.
"""

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

import kmc
import kmc.vcm as KV
import kmc.vcm_conduction as KC
from kmc.grid import FixedNetwork, Grid
from kmc.lateral_fft import UniformNetwork
from kmc.vcm_thermal import ThermalNetwork, ThermalParameters
from matsim import materials
from matsim.core.units import eps0

A = 0.25e-9
EPS_A = 25 * eps0 * A


@pytest.mark.parametrize("shape", [(3, 4, 5), (8, 8, 12), (1, 1, 6), (5, 2, 3)])
def test_fft_poisson_equals_the_sparse_direct_solve(shape):
    g = Grid(shape, A)
    src = np.random.default_rng(0).normal(size=g.n) * 1.6e-19
    ref = FixedNetwork(g, EPS_A, EPS_A, EPS_A).solve(0.3, 1.0, src)
    fft = UniformNetwork(g, EPS_A).solve(0.3, 1.0, src)
    assert np.abs(ref).max() > 1.0
    assert np.abs(fft - ref).max() < 1e-12 * np.abs(ref).max()


def _filament_cell(seed=3, **kw):
    """20 x 20 x 12 = 4800 sites (>= FFT_MIN_SITES): a column filament over 2/3 of the oxide + 2 %
    random vacancies, tunnelling conduction, at 1.5 V."""
    shape = (20, 20, 12)
    cell = kmc.VCMCell("HfO2", shape=shape, seed=seed, conduction="tunnel", field_update_changes=1, **kw)
    rng = np.random.default_rng(7)
    cell.vac[rng.random(cell.grid.n) < 0.02] = 1
    for k in range(8):
        cell.vac[np.ravel_multi_index((10, 10, k), shape)] = 1
    cell.set_voltage(1.5)
    return cell


def test_fft_filament_capacitance_equals_green_columns_and_same_seed_same_trajectory(monkeypatch):
    assert 20 * 20 * 12 >= KV.FFT_MIN_SITES
    fast = _filament_cell()
    assert fast.filament_mask().sum() >= 8
    monkeypatch.setattr(KV, "FFT_MIN_SITES", 10**9)          # the SuperLU + Green's-column path
    ref = _filament_cell(green_table=fast._gtab / KV.q)
    assert isinstance(ref._poisson, FixedNetwork) and isinstance(fast._poisson, UniformNetwork)
    assert np.abs(fast.phi_applied - ref.phi_applied).max() < 1e-10
    assert np.abs(fast.phi - ref.phi).max() < 1e-10
    for cell in (fast, ref):
        cell.evolve(1.0, max_events=400)
    assert fast.event_counts() == ref.event_counts() and fast.event_counts()["ion_hops"] > 0
    assert np.array_equal(fast.vac, ref.vac) and np.array_equal(fast.ion, ref.ion)
    assert fast.time == pytest.approx(ref.time, rel=1e-9)
    assert np.abs(fast.phi - ref.phi).max() < 1e-9


def test_incremental_potential_equals_a_fresh_solve_at_device_scale():
    """10 nm x 10 nm x 2.5 nm (40 x 40 x 10 sites), 2000 frozen-field KMC moves of charged vacancies
    and ions: the incremental φ equals a fresh Poisson solve (FFT, and the SuperLU solve) to 1e-8 V."""
    p = materials.get("HfO2").with_values(E_hop_vacancy=0.75)
    cell = kmc.VCMCell(p, shape=(40, 40, 10), seed=4, T_ambient_K=1100.0, initial_vacancy_fraction=0.01,
                       field_update_changes=10**9, field_update_events=10**9, compliance_A=None,
                       conduction="tunnel")
    cell.set_voltage(1.0)
    rng = np.random.default_rng(0)
    cell.ion[rng.choice(np.nonzero(cell.vac == 0)[0], 60, replace=False)] = 1
    cell.update_fields()
    n, _ = cell.advance(float("inf"), 2000)
    c = cell.event_counts()
    assert n == 2000 and c["vacancy_hops"] > 20 and c["ion_hops"] > 20
    phi_q = cell.phi - cell.phi_applied
    fresh = cell.charge_potential()
    charge = KV.q * (cell.zvac + cell._par[KV.VK.ZI] * cell.ion)
    direct = FixedNetwork(cell.grid, cell._poisson_w, cell._poisson_w, cell._poisson_w).solve(0.0, 0.0, charge)
    assert np.abs(fresh).max() > 0.1
    assert np.abs(phi_q - fresh).max() < 1e-8
    assert np.abs(direct - fresh).max() < 1e-10


def test_incremental_heat_matrix_equals_the_assembled_one():
    g = Grid((8, 8, 10), A)
    fil = np.random.default_rng(1).random(g.n) < 0.2
    for h in (10e-9, 0.0):
        t = ThermalNetwork(g, ThermalParameters(0.5, 5.9, 20.0, h, 1e-8, 2.5e-10))
        full = t.matrix(fil)
        delta = t.matrix(np.zeros(g.n, dtype=bool)) + t.delta_matrix(fil)
        assert abs(full - delta).max() < 1e-12 * abs(full).max()


def test_filament_flood_fill_equals_connected_components():
    rng = np.random.default_rng(2)
    cell = kmc.VCMCell("HfO2", shape=(6, 5, 8), seed=1)
    g = cell.grid
    for frac in (0.1, 0.3, 0.5):
        cell.vac[:] = rng.random(g.n) < frac
        v = cell.vac > 0
        both = v[g.bond_a] & v[g.bond_b]
        rows = np.concatenate([g.bond_a[both], g.bottom[v[g.bottom]], g.top[v[g.top]]])
        cols = np.concatenate([g.bond_b[both], np.full(v[g.bottom].sum(), g.n), np.full(v[g.top].sum(), g.n + 1)])
        graph = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(g.n + 2, g.n + 2))
        _, lab = connected_components(graph, directed=False)
        ref = v & ((lab[:g.n] == lab[g.n]) | (lab[:g.n] == lab[g.n + 1]))
        assert np.array_equal(cell.filament_mask(), ref)


def test_warm_started_compliance_solve_lands_on_the_compliance():
    cell = _filament_cell()
    for k in range(8, 12):                                  # complete the filament
        cell.vac[np.ravel_multi_index((10, 10, k), cell.shape)] = 1
    net = cell._tat
    icc = 2e-6
    cold = KV.TunnelNetwork(cell.grid, net.g_f, net.g_t, net.ell * cell.a, net.E_A, 1e-12, net.alpha)
    first = net.solve(cell.vac, cell.temp, 3.0, icc, 300.0)
    assert net._v_cc == pytest.approx(first.v_cell)
    cell.vac[np.ravel_multi_index((3, 3, 5), cell.shape)] = 1    # one more defect: warm start
    warm = net.solve(cell.vac, cell.temp, 3.0, icc, 300.0)
    ref = cold.solve(cell.vac, cell.temp, 3.0, icc, 300.0)
    assert first.v_cell < 3.0 and warm.current == pytest.approx(icc, rel=2 * KC.CC_RTOL)
    assert warm.v_cell == pytest.approx(ref.v_cell, rel=1e-4)
    low = net.solve(cell.vac, cell.temp, 0.01, icc, 300.0)      # below the compliance: the full voltage
    assert low.v_cell == 0.01 and low.current < icc


def test_filament_gap_bfs_equals_dijkstra():
    rng = np.random.default_rng(5)
    for shape in ((6, 5, 8), (1, 1, 7), (4, 4, 12)):
        cell = kmc.VCMCell("HfO2", shape=shape, seed=1)
        for frac in (0.0, 0.2, 0.45, 0.7, 1.0):
            cell.vac[:] = rng.random(cell.grid.n) < frac
            assert cell.filament_gap() == cell._filament_gap_dijkstra()


def test_batched_tree_rebuild_and_deduplicated_touches_keep_the_trajectory():
    """Frozen fields, 20 % charged vacancies: a charge move touches most rates (> 600 of 8192: batches above
    size/16 rebuild the Fenwick tree, bkl_run_batch computes them in one call, a hop into a stale
    site is listed once). The plain-Python reference engine (one path update per touched event)
    gives the identical trajectory (and the same rates to round-off)."""
    out = []
    for engine in ("numba", "python"):
        c = kmc.VCMCell(shape=(6, 6, 8), seed=2, initial_vacancy_fraction=0.2, engine=engine,
                        conduction="lattice", field_update_changes=10**9, field_update_events=10**9)
        c.set_voltage(1.0)
        n, _ = c.advance(float("inf"), 300)
        out.append((n, c.time, c.vac.copy(), c.ion.copy(), c.counts.copy(), c.rates().copy(), c.total_rate()))
    assert out[0][0] == 300 and out[0][4][1] > 50          # ion hops: charges move
    assert out[0][1] == out[1][1]
    for a, b in zip(out[0][2:5], out[1][2:5], strict=True):
        assert np.array_equal(a, b)
    # rates: numba (LLVM) and Python arithmetic already differ in the last bit before any event
    assert np.allclose(out[0][5], out[1][5], rtol=1e-14, atol=0.0)
    assert out[0][6] == pytest.approx(out[1][6], rel=1e-14)
