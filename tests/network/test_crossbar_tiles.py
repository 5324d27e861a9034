"""Tiles, G_eff (exact IR drop as a matrix) and the IO configuration (calibrated ADC, noise, bound management)."""

import numpy as np
import pytest

from matsim.core.errors import ConfigError
from matsim.network.crossbar import Crossbar, CrossbarSolution
from matsim.network.crossbar.analysis import digits_split
from matsim.network.crossbar.dnn import AnalogMLP
from matsim.network.crossbar.io import IOParameters
from matsim.network.crossbar.tiles import TiledMatrix


@pytest.fixture(scope="module")
def digits():
    return digits_split(0)


@pytest.mark.parametrize("rw, rc, rd, rs", [(1.0, 1.0, 0.0, 0.0), (2.0, 3.0, 1.0, 1.5), (0.0, 2.0, 0.0, 0.0),
                                            (2.0, 0.0, 0.0, 0.0), (20.0, 20.0, 5.0, 5.0)])
def test_geff_reproduces_full_solve(rw, rc, rd, rs):
    rng = np.random.default_rng(3)
    G = rng.uniform(1e-6, 1e-3, (23, 17))
    xb = Crossbar(23, 17, G, r_wire_row=rw, r_wire_col=rc, r_driver=rd, r_sense=rs)
    V = rng.uniform(-0.3, 0.3, (6, 23))
    I = xb.solve_many(V, quiet=True).i_out
    Ge = xb.effective_conductance()
    assert np.max(np.abs(V @ Ge.T - I)) <= 1e-10 * np.max(np.abs(I))
    if rw == rc == 0:
        assert np.allclose(Ge, G.T, rtol=1e-14)
    # strong IR drop is visible: G_eff is not G^T
    assert np.max(np.abs(Ge - G.T)) > 1e-6 * np.max(G)


def test_geff_backward_read_is_the_transpose():
    """Reciprocity: driving the bit lines (sense terminals) and reading the word-line driver currents is G_eff^T."""
    rng = np.random.default_rng(4)
    xb = Crossbar(9, 7, rng.uniform(1e-6, 1e-4, (9, 7)), r_wire_row=2.0, r_wire_col=3.0, r_driver=1.0, r_sense=1.5)
    vc = rng.uniform(-0.2, 0.2, 7)
    sol = xb.solve(np.zeros(9), v_cols=vc)
    i_driver = xb.system.g_row0 * sol.v_row[:, 0]
    assert np.allclose(i_driver, xb.effective_conductance().T @ vc, rtol=1e-10, atol=0)


def test_geff_is_refreshed_after_reprogramming():
    rng = np.random.default_rng(5)
    xb = Crossbar(12, 10, rng.uniform(1e-6, 1e-4, (12, 10)), r_wire_row=5.0, r_wire_col=5.0)
    G1 = xb.effective_conductance()
    assert xb.effective_conductance() is G1                    # cached
    G2 = rng.uniform(1e-6, 1e-4, (12, 10))
    xb.set_conductances(G2)
    V = rng.uniform(0, 0.2, (3, 12))
    assert np.allclose(V @ xb.effective_conductance().T, xb.solve_many(V, quiet=True).i_out, rtol=1e-10, atol=0)
    # 1T1R cells: a new gate voltage (changed in place) changes the cells -> G_eff is recomputed
    xt = Crossbar(8, 6, rng.uniform(1e-6, 1e-4, (8, 6)), r_wire_row=5.0, r_wire_col=5.0, cell="1T1R")
    Ge = xt.effective_conductance().copy()
    xt.cell.a.V_gate = np.linspace(0.5, 1.2, 8)
    V = rng.uniform(0, 0.5, (2, 8))
    Gn = xt.effective_conductance()
    assert not np.allclose(Gn, Ge, rtol=1e-6)
    assert np.allclose(V @ Gn.T, xt.solve_many(V, quiet=True).i_out, rtol=1e-10, atol=0)


def test_tile_weff_matches_crossbar_solve():
    """A layer split over 2 x 3 tiles: its forward pass equals the sum of exact tile solves (1 Ohm wires)."""
    rng = np.random.default_rng(6)
    io = IOParameters(r_wire=1.0, G_max=1e-3, tile_size=(8, 6))
    W = rng.uniform(-1, 1, (7, 13))
    t = TiledMatrix(13, 7, io, w_max=1.0)
    t.set_weights(W)
    assert t.n_tiles == 2 * 3
    x = rng.uniform(0, 1, (4, 13))
    v = 0.1

    def solved():
        ref = np.zeros((4, 7))
        for key, rb, cb in t.tiles():
            I = t.crossbars[key].solve_many(v * x[:, rb], quiet=True).i_out
            ref[:, cb] += (I[:, 0::2] - I[:, 1::2]) / (v * (io.G_max - io.G_min))
        return ref

    y, ref = t.forward(x), solved()
    assert np.max(np.abs(y - ref)) <= 1e-10 * np.max(np.abs(ref))
    assert np.max(np.abs(y - x @ W.T)) > 1e-4          # the IR drop is there
    # reprogramming refreshes the tiles' G_eff
    t.set_weights(0.5 * W[::-1])
    y2, ref2 = t.forward(x), solved()
    assert np.max(np.abs(y2 - ref2)) <= 1e-10 * np.max(np.abs(ref2))
    assert np.max(np.abs(y2 - y)) > 0.1


def test_read_alone_equals_read_in_batch_after_calibration():
    rng = np.random.default_rng(7)
    xb = Crossbar(16, 12, rng.uniform(1e-6, 1e-4, (16, 12)), r_wire_row=2.0, r_wire_col=2.0)
    X = rng.uniform(0, 1, (20, 16))
    X[0] *= 0.1                                          # a weak input: a per-call range would rescale it
    xb.calibrate_adc(rng.uniform(0, 1, (50, 16)), bits_dac=4)
    alone = xb.read(X[0], bits_dac=4, bits_adc=4)
    batch = xb.read(X, bits_dac=4, bits_adc=4)
    assert np.array_equal(alone, batch[0])
    # additive output noise relative to the calibrated full scale: same size for a weak and a strong input
    noisy = xb.read(X, out_noise=0.01, seed=1) - xb.read(X)
    assert 0.005 < np.std(noisy / xb.adc_range) < 0.02
    # the uncalibrated (per-call) range is what made them differ
    xb.adc_range = None
    assert not np.array_equal(xb.read(X[0], bits_dac=4, bits_adc=4), xb.read(X, bits_dac=4, bits_adc=4)[0])


def test_network_read_alone_equals_batch(digits):
    Xtr, Xte, ytr, yte = digits
    io = IOParameters(bits_dac=4, bits_adc=4, r_wire=2.0, G_max=1e-3, tile_size=(32, 8))
    trained = AnalogMLP([64, 12, 10], None, seed=1).fit(Xtr[:300], ytr[:300], epochs=2, lr=0.02)
    net = AnalogMLP([64, 12, 10], None, seed=1, io=io)
    for a, b in zip(trained.layers, net.layers, strict=True):
        b.C = a.C.copy()
    net.calibrate(Xtr[:200])
    one = net.predict_logits(Xte[:1])
    many = net.predict_logits(Xte[:25])
    assert np.array_equal(one[0], many[0])
    # one ADC range per tile instead of per column: coarser, still batch-independent
    io.adc_per = "tile"
    net.calibrate(Xtr[:200])
    r = net.layers[0].tile.adc_range[(0, 0)]
    assert np.all(r == r[0])
    assert np.array_equal(net.predict_logits(Xte[:1])[0], net.predict_logits(Xte[:25])[0])


def test_ideal_io_passes_equal_float_passes(digits):
    Xtr, Xte, ytr, yte = digits
    rng = np.random.default_rng(8)
    a = AnalogMLP([64, 16, 10], None, seed=0).fit(Xtr[:200], ytr[:200], epochs=1, lr=0.02)
    b = AnalogMLP([64, 16, 10], None, seed=0, io=IOParameters(tile_size=(20, 8)))
    for la, lb in zip(a.layers, b.layers, strict=True):
        lb.C = la.C.copy()
        x = rng.uniform(0, 1, (30, la.n_in))
        d = rng.standard_normal((30, la.n_out))
        f, hw = la.forward(x), lb.forward(x)
        assert lb.tile.n_tiles > 1
        assert np.max(np.abs(hw - f)) <= 1e-12 * np.max(np.abs(f))
        bf, bh = la.backward(d), lb.backward(d)
        assert np.max(np.abs(bh - bf)) <= 1e-12 * np.max(np.abs(bf))
    # whole training runs agree too
    c = AnalogMLP([64, 16, 10], None, seed=0, io=IOParameters(tile_size=(20, 8))).fit(Xtr[:200], ytr[:200],
                                                                                      epochs=1, lr=0.02)
    for la, lc in zip(a.layers, c.layers, strict=True):
        assert np.max(np.abs(la.weights - lc.weights)) <= 1e-12


def test_each_nonideality_lowers_trained_accuracy(digits):
    Xtr, Xte, ytr, yte = digits

    def acc(**kw):
        net = AnalogMLP([64, 10], None, seed=0, io=IOParameters(**kw)).fit(Xtr, ytr, epochs=3, lr=0.02)
        return net.score(Xte, yte)

    ideal = acc()
    assert ideal >= 0.88
    for kw in (dict(bits_dac=2), dict(bits_adc=2), dict(out_noise=0.5), dict(inp_noise=0.5), dict(w_noise=0.5),
               dict(r_wire=300.0, G_max=1e-3)):                  # IR drop in both passes (G_eff per update)
        assert acc(**kw) < ideal - 0.02, kw
    # milder settings cost less (monotone in the strength of the non-ideality)
    assert acc(out_noise=0.05) > acc(out_noise=0.5)


@pytest.mark.parametrize("kw, field", [(dict(tile_size=0), "tile_size"), (dict(tile_size=(8, 1)), "tile_size"),
                                       (dict(bits_adc=0), "bits_adc"), (dict(bits_dac=1), "bits_dac"),
                                       (dict(out_noise=-1), "out_noise"), (dict(r_wire=-1.0), "r_wire"),
                                       (dict(adc_per="row"), "adc_per")])
def test_bad_io_parameters(kw, field):
    with pytest.raises(ConfigError, match=field):
        IOParameters(**kw)


def test_bad_calibration_width():
    xb = Crossbar(8, 4, 1e-5)
    with pytest.raises(ConfigError, match="calibration"):
        xb.calibrate_adc(np.ones((5, 7)))
    net = AnalogMLP([8, 3], None, seed=0, io=IOParameters(bits_adc=4))
    with pytest.raises(ConfigError, match="calibration"):
        net.calibrate(np.ones((5, 9)))
    with pytest.raises(ConfigError, match="adc_range"):       # a read before calibration
        net.predict_logits(np.ones((2, 8)))


def test_batched_newton_equals_one_by_one():
    """Nonlinear cells: one vectorized Newton for a batch gives the one-input-at-a-time solutions."""
    from compact import StanfordPKU
    rng = np.random.default_rng(9)
    xb = Crossbar(12, 10, StanfordPKU(), r_wire_row=2.0, r_wire_col=2.0, cell="1S1R",
                  state=rng.uniform(0.3e-9, 1.7e-9, (1, 12, 10)))
    V = rng.uniform(0, 1.0, (7, 12))
    a = xb.solve_many(V, quiet=True, batch_newton=False)
    b = xb.solve_many(V, quiet=True, batch_newton=True)
    assert np.max(np.abs(a.i_out - b.i_out)) <= 1e-9 * np.max(np.abs(a.i_out))
    for k in (0, 6):
        assert xb.kcl_residual(CrossbarSolution(*(getattr(b, f)[k] for f in CrossbarSolution.ARRAYS)), V[k]) < 1e-9


def test_nonlinear_tiles_read_by_the_exact_solve():
    """Compact-model (StanfordPKU, sinh I-V) tiles: the forward read is the exact batched Newton solve of every
    tile, summed digitally; at a small read voltage it approaches the linear product, at a larger one the
    sinh nonlinearity shows."""
    from compact import StanfordPKU
    rng = np.random.default_rng(10)
    W = rng.uniform(-1, 1, (3, 9))
    x = rng.uniform(0, 1, (5, 9))
    err = {}
    for v in (0.02, 0.3):
        io = IOParameters(cell_model=StanfordPKU(), v_read=v, G_min=1e-5, G_max=1e-4, r_wire=1.0, tile_size=(5, 4),
                          noise_management=False)     # input scaling would change a nonlinear read
        t = TiledMatrix(9, 3, io, w_max=1.0)
        t.set_weights(W)
        assert t.n_tiles == 4
        y = t.forward(x)
        ref = np.zeros_like(y)
        for key, rb, cb in t.tiles():
            I = t.crossbars[key].solve_many(v * x[:, rb], quiet=True, batch_newton=False).i_out
            ref[:, cb] += (I[:, 0::2] - I[:, 1::2]) / (v * (io.G_max - io.G_min))
        assert np.max(np.abs(y - ref)) <= 1e-8 * np.max(np.abs(ref))
        err[v] = np.max(np.abs(y - x @ W.T))
        assert t.backward(rng.standard_normal((2, 3))).shape == (2, 9)
    assert err[0.02] < 0.02 and err[0.3] > 3 * err[0.02]
