"""Pulsed training devices from compact models: lookup tables of the model's own pulse response."""

import numpy as np
import pytest

from compact import ECRAM, VTEAM, JARTVCM, StanfordPKU, TaOxExtended, Yakopcic
from compact.selector import Selector
from matsim.core.errors import ConfigError
from matsim.network.crossbar.devices import LUTPulsedDevice, Pulse, pulse_train
from matsim.network.crossbar.dnn import PulsedDevice

# pulses (amplitude V, width s) that raise / lower the read conductance of each model
PULSES = {
    "StanfordPKU": (StanfordPKU, (1.4, 1e-9), (-1.2, 1e-9)),
    "JARTVCM": (JARTVCM, (-1.2, 1e-9), (0.45, 1e-9)),
    "VTEAM": (VTEAM, (-0.22, 1e-10), (0.21, 1e-10)),
    "Yakopcic": (Yakopcic, (0.5, 1e-6), (-0.5, 1e-6)),
    "TaOxExtended": (TaOxExtended, (0.45, 1e-6), (-0.42, 1e-6)),
    "ECRAM": (ECRAM, (1.0, 1e-6), (-1.0, 1e-6)),
}


def lut_train(dev, w0, sign, n):
    w = [w0]
    for _ in range(n):
        w.append(float(dev.apply_pulses(np.array([w[-1]]), np.array([sign]))[0]))
    return dev.conductance(np.array(w))


@pytest.fixture(scope="module")
def pku():
    return LUTPulsedDevice.from_compact(StanfordPKU(), up=(1.4, 1e-9), down=(-1.2, 1e-9), noise=0.0)


def test_from_compact_reproduces_stanford_pulse_by_pulse(pku):
    """The table device follows the model's own pulse-by-pulse conductance (integrated dstate_dt) to 1 %,
    from states that are not table nodes, in both directions (abrupt SET, gradual RESET)."""
    m = StanfordPKU()
    assert pku.window[1] / pku.window[0] > 10
    for g0 in (0.47e-9, 0.71e-9, 0.93e-9):          # gaps inside the window of these pulses
        for p, sign in (((1.4, 1e-9), 1), ((-1.2, 1e-9), -1)):
            _, G = pulse_train(m, Pulse(*p), np.array([g0]), 40)
            G_lut = lut_train(pku, float(pku.weight(G[0])), sign, 40)
            assert np.max(np.abs(G_lut - G) / G) < 0.01, (g0, p)
            assert sign * (G[-1] - G[0]) > 0


def test_same_api_as_pulsed_device(pku):
    assert PulsedDevice.from_compact(StanfordPKU(), up=Pulse(1.4, 1e-9), down=Pulse(-1.2, 1e-9)).n_states == pku.n_states
    # the symmetry point: up and down steps equal there, not at w = 0 for this device
    w = np.array([pku.symmetry_point])
    assert pku.step(w, True)[0] == pytest.approx(-pku.step(w, False)[0], rel=1e-3)
    assert abs(pku.symmetry_point) > 0.05
    assert pku.dw_min > 0 and pku.n_states == round(2 * pku.w_max / pku.dw_min)


@pytest.mark.parametrize("name", list(PULSES))
def test_apply_pulses_for_every_switching_model(name):
    cls, up, down = PULSES[name]
    m = cls()
    dev = PulsedDevice.from_compact(m, up=up, down=down, max_pulses=300, noise=0.0)
    w0 = np.zeros(5)
    assert np.all(dev.apply_pulses(w0, np.full(5, 3)) > w0)
    assert np.all(dev.apply_pulses(w0, np.full(5, -3)) < w0)
    _, G = pulse_train(m, Pulse(*up), np.asarray(m.initial_state()) if name != "Yakopcic" else np.array([0.3]), 10)
    if dev.window[0] < G[0] < dev.window[1]:
        G_lut = lut_train(dev, float(dev.weight(G[0])), 1, 10)
        ok = G <= dev.window[1]
        assert np.max(np.abs(G_lut[ok] - G[ok]) / G[ok]) < 0.01


def test_cycle_and_device_variation():
    m = ECRAM()
    spread = {"n_states": 0.3, "asym": ("normal", 2.0)}
    dev = LUTPulsedDevice.from_compact(m, up=(1.0, 1e-6), down=(-1.0, 1e-6), d2d=spread, n_devices=4, seed=3,
                                       max_pulses=400)
    assert dev.noise == m.p.sigma_c2c                       # the model's own cycle-to-cycle noise by default
    assert dev.n_devices == 4
    idx = dev.device_index((6, 7))
    assert set(np.unique(idx)) <= {0, 1, 2, 3} and len(np.unique(idx)) > 1
    assert not np.array_equal(idx, dev.device_index((6, 7), array=1))     # e.g. Tiki-Taka's A vs C
    sp = dev.symmetry_points((6, 7))
    assert np.ptp(dev.symmetry_point_d) > 0.01               # device-to-device spread of the symmetry point
    assert sp.shape == (6, 7)
    w = np.zeros((6, 7))
    a = dev.apply_pulses(w, np.full((6, 7), 5), np.random.default_rng(0))
    b = dev.apply_pulses(w, np.full((6, 7), 5), np.random.default_rng(0))
    c = dev.apply_pulses(w, np.full((6, 7), 5))            # no rng: deterministic steps
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    # deterministic 5-pulse steps differ between devices
    assert np.ptp(c) > 0.1 * np.mean(c)


def test_device_without_pulse_response():
    with pytest.raises(ConfigError, match="up"):            # below the SET threshold: nothing moves
        LUTPulsedDevice.from_compact(StanfordPKU(), up=(0.1, 1e-9), down=(-1.2, 1e-9), max_pulses=20)
    with pytest.raises(ConfigError, match="up"):            # wrong polarity
        LUTPulsedDevice.from_compact(StanfordPKU(), up=(-1.2, 1e-9), down=(1.4, 1e-9), max_pulses=20)
    with pytest.raises(ConfigError, match="up|down"):       # a selector has no memory
        LUTPulsedDevice.from_compact(Selector(), up=(1.0, 1e-9), down=(-1.0, 1e-9), max_pulses=20)
    with pytest.raises(ConfigError, match="model"):
        LUTPulsedDevice.from_compact(1e-5, up=(1.0, 1e-9), down=(-1.0, 1e-9))
    with pytest.raises(ConfigError, match="width"):
        Pulse(1.0, 0.0)


# ---- training algorithms with table devices ------------------------------------------------------------
@pytest.fixture(scope="module")
def digits():
    from matsim.network.crossbar.analysis import digits_split
    return digits_split(0)


def test_zero_shift_references_a_to_the_symmetry_point(pku):
    from matsim.network.crossbar.dnn import AnalogLinear
    on = AnalogLinear(8, 3, pku, "tikitaka", seed=0)
    off = AnalogLinear(8, 3, pku, "tikitaka", seed=0, zero_shift=False)
    assert np.allclose(on.A_ref, pku.symmetry_point) and np.allclose(on.A, on.A_ref)
    assert np.all(off.A_ref == 0)
    # alternating up/down pulses drive a device to its symmetry point: A read relative to it stays ~0
    rng = np.random.default_rng(0)
    w = np.full(20, -0.8)
    for _ in range(400):
        w = pku.apply_pulses(w, np.ones(20, int), rng)
        w = pku.apply_pulses(w, -np.ones(20, int), rng)
    assert np.allclose(w, pku.symmetry_point, atol=3 * pku.dw_min)


@pytest.mark.parametrize("algo", ["tikitaka", "ttv2", "chopped"])
def test_tiki_taka_variants_train(digits, algo):
    from matsim.network.crossbar.dnn import AnalogMLP
    Xtr, Xte, ytr, yte = digits
    dev = PulsedDevice(n_states=100, asymmetry=1.0)
    net = AnalogMLP([64, 10], dev, algo, seed=0, chop_every=10).fit(Xtr, ytr, epochs=3, lr=0.02)
    assert net.score(Xte, yte) >= 0.85
    layer = net.layers[0]
    if algo != "tikitaka":                     # TTv2: only whole pulses leave the digital buffer
        assert np.all(np.abs(layer.H) < dev.dw_min + 1e-12)


def test_global_drift_compensation_removes_uniform_drift(digits):
    """With one drift exponent for all cells and no read noise, drift is a global scale per layer, which GDC
    removes exactly: the accuracy stays that of t0 at every time; without GDC it changes."""
    from matsim.network.crossbar.analysis import accuracy_over_time
    from matsim.network.crossbar.dnn import AnalogMLP
    Xtr, Xte, ytr, yte = digits
    net = AnalogMLP([64, 16, 10], None, seed=0).fit(Xtr, ytr, epochs=3, lr=0.02)
    ds = accuracy_over_time(net, Xte, yte, program=False, nu_std=0.0, read_noise=0.0, nu_mean=0.1)
    assert np.all(ds.accuracy_gdc.values == ds.accuracy_gdc.values[0])
    assert np.any(ds.accuracy.values != ds.accuracy.values[0])
    noisy = accuracy_over_time(net, Xte, yte, program=False, nu_std=0.03, read_noise=0.02)
    assert noisy.accuracy_gdc.values[-1] < noisy.accuracy_gdc.values[0]      # drift spread is not compensated


def test_accuracy_over_time_with_write_verify():
    """Weights written by write-verify (5 %) onto StanfordPKU cells keep the float predictions at t0."""
    from matsim.network.crossbar.analysis import accuracy_over_time
    from matsim.network.crossbar.dnn import AnalogMLP
    rng = np.random.default_rng(2)
    net = AnalogMLP([6, 3], None, seed=4)
    X = rng.uniform(0, 1, (200, 6))
    y = np.argmax(net.predict_logits(X), axis=1)                    # float accuracy 1 by construction
    ds = accuracy_over_time(net, X, y, times=(1.0, 3.156e7), nu_mean=0.1, nu_std=0.05)
    assert ds.attrs["fraction_in_tolerance"] == [1.0]
    assert ds.accuracy.values[0] >= 0.9
    assert ds.accuracy.values[1] < ds.accuracy.values[0]               # a year of drift spread costs accuracy
