"""Crossbar nodal solve: exactness, Kirchhoff's law, nonlinear cells, bad input."""

import numpy as np
import pytest

from compact.selector import Selector
from matsim.core.errors import ConfigError, ConvergenceError
from matsim.network.crossbar import Crossbar


def netlist_solve(G, v, rw, rc, rd=0.0, rs=0.0):
    """Hand-written MNA of an M x N crossbar, one node at a time (independent of the package's code).

    Node (i,j,'r') word line, (i,j,'c') bit line; driver V_i -> rd + rw -> (i,0,'r'); (M-1,j,'c') -> rw + rs -> 0.
    """
    M, N = G.shape
    idx = {}
    for i in range(M):
        for j in range(N):
            idx[(i, j, "r")] = len(idx)
            idx[(i, j, "c")] = len(idx)
    A = np.zeros((len(idx), len(idx)))
    b = np.zeros(len(idx))

    def resistor(a, c, g):
        A[a, a] += g
        A[c, c] += g
        A[a, c] -= g
        A[c, a] -= g

    for i in range(M):
        a = idx[(i, 0, "r")]
        A[a, a] += 1 / (rd + rw)
        b[a] += v[i] / (rd + rw)
        for j in range(N - 1):
            resistor(idx[(i, j, "r")], idx[(i, j + 1, "r")], 1 / rw)
    for j in range(N):
        a = idx[(M - 1, j, "c")]
        A[a, a] += 1 / (rc + rs)
        for i in range(M - 1):
            resistor(idx[(i, j, "c")], idx[(i + 1, j, "c")], 1 / rc)
    for i in range(M):
        for j in range(N):
            resistor(idx[(i, j, "r")], idx[(i, j, "c")], G[i, j])
    x = np.linalg.solve(A, b)
    i_out = np.array([x[idx[(M - 1, j, "c")]] / (rc + rs) for j in range(N)])
    vr = np.array([[x[idx[(i, j, "r")]] for j in range(N)] for i in range(M)])
    return i_out, vr


def test_ideal_wires_give_matrix_vector_product_exactly():
    rng = np.random.default_rng(1)
    G = rng.uniform(1e-6, 1e-4, (40, 30))
    v = rng.uniform(-0.3, 0.3, 40)
    sol = Crossbar(40, 30, G).solve(v)
    ref = G.T @ v
    assert np.max(np.abs(sol.i_out - ref)) <= 1e-12 * np.max(np.abs(ref))
    V = rng.uniform(0, 0.2, (5, 40))
    many = Crossbar(40, 30, G).solve_many(V)
    assert np.allclose(many.i_out, V @ G, rtol=1e-12, atol=0)


def test_3x3_with_wires_matches_hand_netlist_and_kcl():
    G = np.array([[1e-4, 2e-5, 5e-5], [3e-5, 8e-5, 1e-5], [6e-5, 4e-5, 9e-5]])
    v = np.array([0.3, -0.1, 0.2])
    xb = Crossbar(3, 3, G, r_wire_row=50.0, r_wire_col=80.0, r_driver=100.0, r_sense=20.0)
    sol = xb.solve(v)
    ref, vr = netlist_solve(G, v, 50.0, 80.0, 100.0, 20.0)
    assert np.allclose(sol.i_out, ref, rtol=1e-10, atol=0)
    assert np.allclose(sol.v_row, vr, rtol=1e-10, atol=1e-14)
    assert xb.kcl_residual(sol, v) < 1e-9
    # current conservation: everything the drivers push in leaves through the sense amplifiers
    i_in = (v - sol.v_row[:, 0]) / 150.0
    assert abs(i_in.sum() - sol.i_out.sum()) < 1e-12 * np.abs(sol.i_out).sum()
    # IR drop lowers the output below the ideal product
    assert np.linalg.norm(sol.i_out - G.T @ v) > 1e-3 * np.linalg.norm(G.T @ v)


@pytest.mark.parametrize("rw, rc", [(2.0, 3.0), (0.0, 5.0), (5.0, 0.0)])
def test_wires_match_netlist_larger_and_one_sided(rw, rc):
    rng = np.random.default_rng(2)
    G = rng.uniform(1e-6, 1e-3, (7, 5))
    v = rng.uniform(0, 0.5, 7)
    xb = Crossbar(7, 5, G, r_wire_row=rw, r_wire_col=rc)
    sol = xb.solve(v)
    ref, _ = netlist_solve(G, v, max(rw, 1e-9), max(rc, 1e-9))
    assert np.allclose(sol.i_out, ref, rtol=1e-6)
    assert xb.kcl_residual(sol, v) < 1e-9


def test_batched_linear_equals_single_solves():
    rng = np.random.default_rng(3)
    G = rng.uniform(1e-6, 1e-4, (20, 16))
    xb = Crossbar(20, 16, G, r_wire_row=5.0, r_wire_col=5.0)
    V = rng.uniform(0, 0.3, (4, 20))
    many = xb.solve_many(V)
    for k in range(4):
        assert np.allclose(many.i_out[k], xb.solve(V[k]).i_out, rtol=1e-11)


def test_1s1r_newton_kcl_and_selector_suppresses_sneak_currents():
    rng = np.random.default_rng(4)
    G = rng.uniform(1e-5, 1e-4, (16, 16))
    v = np.zeros(16)
    v[3] = 1.0
    xb = Crossbar(16, 16, G, r_wire_row=10.0, r_wire_col=10.0, cell="1S1R")
    sol = xb.solve(v)
    assert sol.residual < 1e-10 and xb.kcl_residual(sol, v) < 1e-9
    # series law holds cell by cell: selector current == device current
    sel = Selector()
    u = xb.cell.split(sol.v_cell)
    assert np.allclose(sel.current(u), G * (sol.v_cell - u), rtol=1e-9, atol=1e-18)
    # with selectors, unselected rows carry far less current than in the passive (1R) array
    passive = Crossbar(16, 16, G, r_wire_row=10.0, r_wire_col=10.0).solve(v)
    mask = np.ones(16, bool)
    mask[3] = False
    assert np.abs(sol.i_cell[mask]).sum() < 0.05 * np.abs(passive.i_cell[mask]).sum()


def test_compact_model_device_cells_and_state_shape():
    sel = Selector()
    xb = Crossbar(8, 6, sel, r_wire_row=1.0, r_wire_col=1.0)
    v = np.linspace(0.1, 0.6, 8)
    sol = xb.solve(v)
    assert xb.kcl_residual(sol, v) < 1e-9
    assert np.allclose(sol.i_cell, sel.current(sol.v_cell), rtol=1e-12)
    with pytest.raises(ConfigError, match="state"):
        Crossbar(8, 6, sel, state=np.zeros((1, 6, 8)))


def test_bad_input_errors():
    G = np.full((4, 4), 1e-4)
    with pytest.raises(ConfigError, match="conductances"):
        Crossbar(4, 4, -G)
    with pytest.raises(ConfigError, match="conductances"):
        Crossbar(4, 5, G)
    with pytest.raises(ConfigError, match="r_wire_row"):
        Crossbar(4, 4, G, r_wire_row=-1.0)
    with pytest.raises(ConfigError, match="v_rows"):
        Crossbar(4, 4, G).solve(np.ones(3))
    with pytest.raises(ConfigError, match="v_rows"):
        Crossbar(4, 4, G).solve(np.array([0.1, np.nan, 0.1, 0.1]))
    with pytest.raises(ConfigError, match="cell"):
        Crossbar(4, 4, G, cell="2T2R")
    xb = Crossbar(4, 4, G, r_wire_row=10.0, r_wire_col=10.0, cell="1S1R")
    with pytest.raises(ConvergenceError, match="residual"):
        xb.solve(np.full(4, 2.0), max_iter=1)


def test_stanford_pku_1s1r_array_with_wires_obeys_kcl():
    from compact import StanfordPKU
    rng = np.random.default_rng(5)
    gaps = rng.uniform(0.3e-9, 1.7e-9, (1, 24, 20))
    xb = Crossbar(24, 20, StanfordPKU(), state=gaps, r_wire_row=2.0, r_wire_col=2.0, r_driver=10.0,
                  r_sense=5.0, cell="1S1R")
    v = rng.uniform(0, 1.0, 24)
    sol = xb.solve(v)
    assert sol.residual < 1e-10 and xb.kcl_residual(sol, v) < 1e-9
    many = xb.solve_many(np.vstack([v, 0.5 * v]), quiet=True)
    assert np.allclose(many.i_out[0], sol.i_out, rtol=1e-8)
    assert np.all(np.abs(many.i_out[1]) < np.abs(sol.i_out))       # half the drive, far less than half the current
    assert sol.to_dataset()["i_out"].attrs["units"] == "A"


class _NDRDevice(__import__("compact").CompactModel):
    """Static N-shaped (tunnel-diode-like) test device: I = g (v - 3 v^2 + 2.2 v^3) for v >= 0 (odd in v),
    dI/dV < 0 between ~0.25 and 0.66 V."""

    name = "NDR"

    @classmethod
    def default_parameters(cls):
        from matsim.core.parameters import ParameterSet
        return ParameterSet({"g": (1e-4, "S", "test")})

    def current(self, v, x=None, T=None):
        a = np.abs(v)
        return self.p.g * np.sign(v) * (a - 3 * a ** 2 + 2.2 * a ** 3)

    def conductance(self, v, x=None, T=None, dv=0.0):
        a = np.abs(v)
        return self.p.g * (1 - 6 * a + 6.6 * a ** 2)

    def dstate_dt(self, v, x, T=None):
        return np.zeros_like(x)

    def state_bounds(self):
        return np.array([0.0]), np.array([1.0])


def test_negative_differential_conductance_uses_direct_solver_and_converges():
    dev = _NDRDevice()
    xb = Crossbar(6, 5, dev, r_wire_row=20.0, r_wire_col=20.0)
    v = np.full(6, 0.45)
    sol = xb.solve(v)
    assert np.any(dev.conductance(sol.v_cell) < 0)          # cells sit in their NDR region
    assert xb.kcl_residual(sol, v) < 1e-9


def test_solve_many_in_chunks_equals_single_batch():
    rng = np.random.default_rng(6)
    G = rng.uniform(1e-6, 1e-4, (30, 20))
    xb = Crossbar(30, 20, G, r_wire_row=1.0, r_wire_col=1.0)
    V = rng.uniform(0, 0.2, (10, 30))
    many = xb.solve_many(V, max_batch=3)
    assert many.i_out.shape == (10, 20)
    assert np.allclose(many.i_out, xb.solve_many(V).i_out, rtol=1e-10)
