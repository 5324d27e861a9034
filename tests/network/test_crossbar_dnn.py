"""Analog DNN on crossbars (sklearn digits): float baseline, analog inference, pulsed training, Tiki-Taka."""

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from compact import ECRAM, StanfordPKU
from matsim.core.errors import ConfigError
from matsim.network.crossbar.dnn import (AnalogMLP, CompactPulsedDevice, PulsedDevice, ecram_like,
                                        state_for_conductance)


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return train_test_split(X / 16.0, y, test_size=0.25, random_state=0, stratify=y)


@pytest.fixture(scope="module")
def float_net(digits):
    Xtr, Xte, ytr, yte = digits
    return AnalogMLP([64, 10], None, seed=0).fit(Xtr, ytr, epochs=10, lr=0.02)


def test_float_baseline_and_ideal_analog_inference(digits, float_net):
    Xtr, Xte, ytr, yte = digits
    acc = float_net.score(Xte, yte)
    assert acc >= 0.95
    # ideal devices, ideal wires: the crossbar read is the exact product -> same predictions
    analog = float_net.score(Xte, yte, crossbars=float_net.to_crossbars())
    assert abs(analog - acc) <= 0.02
    logits = float_net.predict_logits(Xte[:20])
    alog = float_net.predict_logits(Xte[:20], crossbars=float_net.to_crossbars())
    assert np.allclose(alog, logits, rtol=1e-9, atol=1e-9)


def test_ir_drop_and_adc_degrade_gracefully(digits, float_net):
    Xtr, Xte, ytr, yte = digits
    acc = float_net.score(Xte, yte)
    big_r = float_net.score(Xte, yte, crossbars=float_net.to_crossbars(G_max=1e-3, r_wire_row=50.0, r_wire_col=50.0))
    assert big_r < acc                     # strong IR drop costs accuracy
    two_bit = float_net.score(Xte, yte, crossbars=float_net.to_crossbars(), bits_dac=2, bits_adc=2)
    eight_bit = float_net.score(Xte, yte, crossbars=float_net.to_crossbars(), bits_dac=8, bits_adc=8)
    assert two_bit < eight_bit and eight_bit >= acc - 0.02


def test_training_with_1000_state_symmetric_device(digits):
    Xtr, Xte, ytr, yte = digits
    net = AnalogMLP([64, 10], ecram_like(1000), seed=0).fit(Xtr, ytr, epochs=10, lr=0.02)
    assert net.score(Xte, yte) >= 0.90
    assert net.history_[-1] < net.history_[0]


def test_training_with_compact_ecram_pulses(digits):
    """compact.ECRAM (1000 states, 2 % up/down mismatch, 5 % cycle-to-cycle noise) drives the updates."""
    Xtr, Xte, ytr, yte = digits
    dev = CompactPulsedDevice(ECRAM())
    assert dev.n_states == 1000
    net = AnalogMLP([64, 10], dev, seed=0).fit(Xtr, ytr, epochs=10, lr=0.02)
    acc = net.score(Xte, yte)
    print(f"compact.ECRAM pulsed SGD: {acc:.3f}")
    assert acc >= 0.90


def test_tikitaka_beats_sgd_on_asymmetric_device(digits):
    Xtr, Xte, ytr, yte = digits
    dev = PulsedDevice(n_states=100, asymmetry=1.0)
    sgd = AnalogMLP([64, 10], dev, "sgd", seed=0).fit(Xtr, ytr, epochs=10, lr=0.02).score(Xte, yte)
    tt = AnalogMLP([64, 10], dev, "tikitaka", seed=0).fit(Xtr, ytr, epochs=10, lr=0.02).score(Xte, yte)
    print(f"asymmetric device (100 states, soft bounds): SGD {sgd:.3f}, Tiki-Taka {tt:.3f}")
    assert tt > sgd + 0.02


def test_tikitaka_beats_sgd_on_soft_bounds_compact_ecram(digits):
    """compact.ECRAM with strongly state-dependent steps (nu = 3, 100 states): the compact model's own
    apply_pulses drives both algorithms."""
    Xtr, Xte, ytr, yte = digits
    dev = CompactPulsedDevice(ECRAM(nu=3.0, n_states=100))
    sgd = AnalogMLP([64, 10], dev, "sgd", seed=0).fit(Xtr, ytr, epochs=10, lr=0.02).score(Xte, yte)
    tt = AnalogMLP([64, 10], dev, "tikitaka", seed=0).fit(Xtr, ytr, epochs=10, lr=0.02).score(Xte, yte)
    print(f"compact.ECRAM nu=3, 100 states: SGD {sgd:.3f}, Tiki-Taka {tt:.3f}")
    assert tt > sgd + 0.05 and tt >= 0.90


def test_pulsed_device_closed_form_matches_pulse_by_pulse():
    dev = PulsedDevice(n_states=50, asymmetry=0.7)
    rng = np.random.default_rng(0)
    w = np.array([0.3, -0.5])
    step = w.copy()
    for _ in range(17):
        step = step + dev.dw_min * (1 - dev.asymmetry * step / dev.w_max)
    assert np.allclose(dev.apply_pulses(w, np.array([17, 17]), rng), step, rtol=1e-12)
    # symmetric device: n up then n down returns exactly
    sym = PulsedDevice(n_states=50)
    assert np.allclose(sym.apply_pulses(sym.apply_pulses(w, 5, rng), -5, rng), w)


def test_state_for_conductance_round_trip_with_stanford_pku():
    m = StanfordPKU()
    G = np.array([[2e-6 * 5, 5e-5], [1e-4, 3e-4]])
    x = state_for_conductance(m, G, v_read=0.2)
    assert np.allclose(m.current(0.2, x) / 0.2, G, rtol=1e-8)
    with pytest.raises(ConfigError, match="window"):
        state_for_conductance(m, np.array([1.0]), 0.2)


def test_bad_input(digits):
    Xtr, Xte, ytr, yte = digits
    with pytest.raises(ConfigError, match="X"):
        AnalogMLP([64, 10]).fit(Xtr[:, :10], ytr)
    with pytest.raises(ConfigError, match="asymmetry"):
        PulsedDevice(asymmetry=2.0)
    with pytest.raises(ConfigError, match="device"):
        AnalogMLP([64, 10], None, "tikitaka")


def test_same_seed_same_training(digits):
    Xtr, Xte, ytr, yte = digits
    dev = PulsedDevice(n_states=50, asymmetry=0.5, noise=0.3)
    a = AnalogMLP([64, 10], dev, "tikitaka", seed=3).fit(Xtr[:200], ytr[:200], epochs=1)
    b = AnalogMLP([64, 10], dev, "tikitaka", seed=3).fit(Xtr[:200], ytr[:200], epochs=1)
    c = AnalogMLP([64, 10], dev, "tikitaka", seed=4).fit(Xtr[:200], ytr[:200], epochs=1)
    assert np.array_equal(a.layers[0].weights, b.layers[0].weights)
    assert not np.array_equal(a.layers[0].weights, c.layers[0].weights)
