"""Peripheral cost model: converter formulas, array energy from the solved crossbar, digits network."""

import numpy as np
import pytest

from matsim.core.errors import ConfigError
from matsim.network.crossbar import Crossbar
from matsim.network.peripheral_cost import PeripheralCost, accuracy_vs_energy


def test_adc_energy_walden_at_low_and_thermal_limit_at_high_resolution():
    c = PeripheralCost()
    assert c.adc_energy(4) / c.adc_energy(3) == pytest.approx(2.0)          # Walden: 2x per bit
    assert c.adc_energy(4) == pytest.approx(5e-15 * 16)
    assert c.adc_energy(16) / c.adc_energy(15) == pytest.approx(10 ** 0.602, rel=1e-9)   # Schreier: ~4x per bit
    # crossover where the two envelopes meet lies between 10 and 16 bits for the default FOMs
    b = np.arange(2, 17)
    walden = np.array([5e-15 * 2.0 ** k for k in b])
    assert 10 < b[np.argmax(np.array([c.adc_energy(int(k)) for k in b]) > walden * 1.0001)] <= 16


def test_array_energy_from_solved_currents_matches_ohm_for_ideal_wires():
    rng = np.random.default_rng(0)
    G = rng.uniform(1e-6, 1e-4, (8, 6))
    V = rng.uniform(0, 0.2, (5, 8))
    c = PeripheralCost(t_read=10e-9)
    ideal = c.layer_cost(Crossbar(8, 6, G), V)
    expect = 10e-9 * np.mean((V * V) @ G.sum(axis=1))
    assert ideal["energy"]["array"] == pytest.approx(expect, rel=1e-9)
    # wire resistance: the drivers supply less current (IR drop), and the wires dissipate part of it
    wired = c.layer_cost(Crossbar(8, 6, G, r_wire_row=50.0, r_wire_col=50.0), V)
    assert wired["energy"]["array"] < ideal["energy"]["array"]
    # latency: 6 columns / col_mux 8 -> 1 ADC doing 6 SAR conversions of (b + 1) clocks
    assert ideal["latency"] == pytest.approx(1e-9 + 10e-9 + 6 * 7 / 1e9)
    assert ideal["n_adc"] == 1
    assert ideal["area"]["array"] == pytest.approx(48 * 4 * (32e-9) ** 2)


def test_accuracy_vs_energy_on_digits():
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    from matsim.network.crossbar.dnn import AnalogMLP
    X, y = load_digits(return_X_y=True)
    Xtr, Xte, ytr, yte = train_test_split(X / 16.0, y, test_size=0.25, random_state=0, stratify=y)
    net = AnalogMLP([64, 10], None, seed=0).fit(Xtr, ytr, epochs=10, lr=0.02)
    ds = accuracy_vs_energy(net, Xte, yte, bits=(2, 4, 6), bits_dac=5, n_cost=16)
    e, acc = ds["energy"].values, ds["accuracy"].values
    assert np.all(np.diff(e) > 0)                      # more ADC bits cost more energy ...
    assert acc[0] < acc[2] - 0.2 and acc[2] >= ds.attrs["float_accuracy"] - 0.03   # ... and buy accuracy
    comp = ds["energy_component"].sel(bits=6).values
    assert np.all(comp >= 0) and np.isclose(comp.sum(), e[2])


def test_bad_cost_inputs():
    with pytest.raises(ConfigError, match="bits_adc"):
        PeripheralCost(bits_adc=0)
    with pytest.raises(ConfigError, match="bits_dac"):
        PeripheralCost(bits_dac=0)
    with pytest.raises(ConfigError, match="t_read"):
        PeripheralCost(t_read=0.0)
    with pytest.raises(ConfigError, match="v_rows"):
        PeripheralCost().layer_cost(Crossbar(4, 3, 1e-5), np.zeros((2, 5)))
