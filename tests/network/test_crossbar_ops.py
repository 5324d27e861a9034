"""Crossbar operations: DAC/ADC read, pulses vs the compact model's own integrator, write-verify, disturb."""

import numpy as np
import pytest

from compact import StanfordPKU
from matsim.core.errors import ConfigError
from matsim.network.crossbar import Crossbar, LinearTransistor
from matsim.network.crossbar.dnn import state_for_conductance
from matsim.network.crossbar.operations import apply_drift, disturb_map, integrate_pulse, quantize


def test_read_quantization_noise_and_drift():
    rng = np.random.default_rng(0)
    G = rng.uniform(1e-6, 1e-4, (32, 8))
    xb = Crossbar(32, 8, G, r_wire_row=1.0, r_wire_col=1.0)
    x = rng.uniform(-1, 1, (5, 32))
    exact = xb.solve_many(0.2 * x).i_out
    assert np.allclose(xb.read(x, v_read=0.2), exact, rtol=1e-12)
    # 8-bit ADC: error at most half an LSB of the auto range
    i8 = xb.read(x, v_read=0.2, bits_adc=8)
    lsb = np.max(np.abs(exact)) / 127
    assert np.max(np.abs(i8 - exact)) <= 0.5 * lsb * (1 + 1e-9)
    assert len(np.unique(xb.read(x, v_read=0.2, bits_adc=2))) <= 3
    # DAC: inputs quantized before the array
    assert np.allclose(quantize([0.26, -0.74], 3), [1 / 3, -2 / 3])
    # read noise: seeded, relative
    n1 = xb.read(x, v_read=0.2, read_noise=0.05, seed=3)
    assert np.array_equal(n1, xb.read(x, v_read=0.2, read_noise=0.05, seed=3))
    assert 0.01 < np.std(n1 / exact - 1) < 0.1
    assert np.allclose(apply_drift(1e-4, 100.0, 0.05), 1e-4 * 100 ** -0.05)
    # ideal wires: drifted read = uniformly scaled currents; the array itself is unchanged
    xi = Crossbar(32, 8, G)
    drifted = xi.read(x, v_read=0.2, drift_nu=0.05, t_read=100.0)
    assert np.allclose(drifted, xi.read(x, v_read=0.2) * 100 ** -0.05, rtol=1e-12)
    assert np.array_equal(xi.element.G, G)
    with pytest.raises(ConfigError, match="x"):
        xb.read(np.ones(31))


def test_integrate_pulse_matches_model_simulate():
    m = StanfordPKU()
    x0 = np.array([1.2e-9])
    for v, dur in ((1.4, 20e-9), (-1.4, 20e-9)):
        ref = m.simulate(v, np.linspace(0, dur, 50), x0=x0, rtol=1e-8)["g"].values[-1]
        got = integrate_pulse(m, np.array([v]), x0.reshape(1, 1), dur, max_frac=0.01)[0, 0]
        assert abs(got - ref) <= 0.01 * abs(ref - x0[0]) + 1e-14


def test_64x64_write_verify_4bit_within_5_percent():
    """Kim et al., Nat. Commun. 12, 5198 (2021): 64x64 passive array, 4-bit, 5 % write-verify."""
    m = StanfordPKU()
    n = 64
    rng = np.random.default_rng(0)
    levels = np.linspace(20e-6, 200e-6, 16)
    target = levels[rng.integers(0, 16, (n, n))]
    formed = state_for_conductance(m, np.full((n, n), 100e-6), 0.1)   # after forming: all cells at 100 uS
    xb = Crossbar(n, n, m, state=formed)
    ds = xb.program(target, scheme="V/2", tolerance=0.05, max_pulses=100, quiet=True)
    print(f"64x64 4-bit write-verify: {ds.attrs['fraction_in_tolerance']:.4f} in tolerance, "
          f"{ds.attrs['total_pulses']} pulses")
    assert ds.attrs["fraction_in_tolerance"] >= 0.95
    G = xb.cell_conductance(0.1)
    assert np.mean(np.abs(G / target - 1) <= 0.05) >= 0.95
    assert ds.pulses.values.max() <= 100


def test_half_bias_disturb_v2_visible_v3_reduced():
    m = StanfordPKU()
    n = 12
    lrs = np.full((1, n, n), 1.0e-9)
    d2 = disturb_map(Crossbar(n, n, m, state=lrs), 3, 4, 2.4, 20, scheme="V/2")
    d3 = disturb_map(Crossbar(n, n, m, state=lrs), 3, 4, 2.4, 20, scheme="V/3")
    half = np.zeros((n, n), bool)
    half[3, :] = half[:, 4] = True
    half[3, 4] = False
    print(f"half-selected disturb after 20 pulses of 2.4 V: V/2 {np.max(np.abs(d2[half])):.3g}, "
          f"V/3 {np.max(np.abs(d3[half])):.3g}")
    assert np.max(np.abs(d2[half])) > 0.1                     # V/2: half-selected cells see 1.2 V and switch
    unselected = ~half
    unselected[3, 4] = False
    assert np.max(np.abs(d2[unselected])) == 0.0             # V/2: unselected cells see 0 V
    assert np.max(np.abs(d3[half | unselected])) < 1e-3 * np.max(np.abs(d2[half]))


def test_1t1r_gate_controls_cell_and_program_errors():
    G = np.full((4, 4), 1e-4)
    on = Crossbar(4, 4, G, cell="1T1R", transistor=LinearTransistor(V_gate=1.5)).solve(np.full(4, 0.1))
    off = Crossbar(4, 4, G, cell="1T1R", transistor=LinearTransistor(V_gate=0.0)).solve(np.full(4, 0.1))
    assert np.all(off.i_out < 1e-3 * on.i_out)
    gt = 1e-3 * 1.5 * 0.02585 * np.log1p(np.exp((1.5 - 0.4) / (1.5 * 0.02585)))
    assert np.allclose(on.i_out, 4 * 0.1 * G[0, 0] * gt / (G[0, 0] + gt), rtol=1e-3)
    with pytest.raises(ConfigError, match="device"):
        Crossbar(4, 4, G).program(G)
    with pytest.raises(ConfigError, match="target_G"):
        Crossbar(4, 4, StanfordPKU()).program(np.full((3, 4), 1e-5))
    with pytest.raises(ConfigError, match="scheme"):
        Crossbar(4, 4, StanfordPKU()).program(np.full((4, 4), 1e-5), scheme="V/4")


def test_write_verify_1s1r_with_wires_v3_and_window_error():
    """Pulses go through the wires and the selector (Newton solve per pulse); targets outside the
    reachable cell window are refused up front."""
    m = StanfordPKU()
    n = 6
    rng = np.random.default_rng(1)
    formed = state_for_conductance(m, np.full((n, n), 100e-6), 0.1)
    xb = Crossbar(n, n, m, r_wire_row=2.0, r_wire_col=2.0, cell="1S1R", state=formed)
    target = np.linspace(4e-6, 2.5e-5, 16)[rng.integers(0, 16, (n, n))]
    ds = xb.program(target, scheme="V/3", v_read=0.6, v_start=1.5, v_max=3.0, quiet=True)
    assert ds.attrs["fraction_in_tolerance"] >= 0.95
    with pytest.raises(ConfigError, match="window"):
        xb.program(np.full((n, n), 1e-3), v_read=0.6)
