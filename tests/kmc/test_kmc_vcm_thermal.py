"""Thermal model with finite electrodes, interface resistance and filament κ (kmc.vcm_thermal, issue #23)."""

import numpy as np
import pytest
import scipy.sparse.linalg as spla

import kmc
from kmc.grid import FixedNetwork, Grid
from kmc.vcm_thermal import ThermalNetwork, ThermalParameters
from matsim import materials
from matsim.core.errors import ConfigError
from matsim.core.parameters import Parameter, ParameterSet

A = 0.25e-9
NZ = 9                      # odd: the hottest site is the middle of the column


def _column(nxy):
    g = Grid((nxy, nxy, NZ), A)
    fil = np.zeros(g.n, dtype=bool)
    c = (nxy // 2 * nxy + nxy // 2) * NZ
    fil[c:c + NZ] = True
    power = np.where(fil, 1e-6 / NZ, 0.0)          # 1 µW spread uniformly over the column
    return g, fil, power


def _chain(P, kappa_f):
    """Middle-node rise of a uniformly heated chain of NZ nodes, NZ + 1 bonds κ_f a (ends held fixed)."""
    return P / (8 * kappa_f * A * NZ) * (NZ + 1) ** 2


def test_one_dimensional_column_is_exact_series():
    # nx = ny = 1: the cell is the filament; filament, interface and electrode resistances in series
    g, fil, P = _column(1)
    kf, ke, t, rb = 5.9, 20.0, 10e-9, 1e-9
    net = ThermalNetwork(g, ThermalParameters(0.5, kf, ke, t, 1e-8, rb))
    expect = _chain(1e-6, kf) + 0.5e-6 * (rb / A**2 + t / (ke * A**2))
    assert net.solve(P, fil).max() == pytest.approx(expect, rel=1e-9)


@pytest.mark.parametrize("ke, t, rb", [(20.0, 10e-9, 1e-10), (5.0, 5e-9, 1e-10), (20.0, 10e-9, 2.5e-10)])
def test_rth_of_filament_column_matches_series_estimate(ke, t, rb):
    """R_th of a one-site filament (insulating oxide) = filament + interface + spreading + electrode slab:
    T_mid = P(N+1)²/(8Nκ_f a) + (P/2)[R_b/a² + 1/(4κ_e r_0) + t/(κ_e L²)], r_0 = a/√π (disc of the
    contact area on a half-space, Carslaw & Jaeger). Measured 0.5-5 % off; tolerance 10 %."""
    nxy = 24
    g, fil, P = _column(nxy)
    kf = 5.9
    net = ThermalNetwork(g, ThermalParameters(1e-3, kf, ke, t, 1e-8, rb))
    r0 = A / np.sqrt(np.pi)
    interface = 0.5e-6 * rb / A**2
    electrode = 0.5e-6 * (1 / (4 * ke * r0) + t / (ke * (nxy * A) ** 2))
    expect = _chain(1e-6, kf) + interface + electrode
    rth = net.thermal_resistance(P, fil)
    assert rth * 1e-6 == pytest.approx(expect, rel=0.10)
    assert interface > 0.3 * expect        # the interface term matters: leaving it out would fail


def test_pcg_matches_direct_solve_and_reduces_to_the_ambient_model():
    g, fil, P = _column(8)
    net = ThermalNetwork(g, ThermalParameters(0.5, 5.9, 20.0, 10e-9, 1e-8, 2.5e-10))
    b = np.zeros(net.n_nodes)
    b[:g.n] = P
    direct = spla.spsolve(net.matrix(fil).tocsc(), b)[:g.n]
    assert np.allclose(net.solve(P, fil), direct, rtol=1e-8, atol=0)
    assert not np.any(net.solve(0 * P, fil))                     # no power: no rise (no iteration)
    # the two exact filament-free solves (dense per-mode inverse, Thomas for large grids) agree
    rhs = np.random.default_rng(1).random(net.n_nodes)
    dense = net.base_solve(rhs)
    net._minv = None
    assert np.allclose(net.base_solve(rhs), dense, rtol=1e-10, atol=0)
    assert np.allclose(net.matrix(np.zeros(g.n, dtype=bool)) @ dense, rhs, rtol=1e-9, atol=1e-12)
    # no electrode, no interface resistance, κ_filament = κ_oxide: the previous model exactly
    same = ThermalNetwork(g, ThermalParameters(0.5, 0.5, 20.0, 0.0, 0.0, 0.0))
    old = FixedNetwork(g, 0.5 * A, 0.5 * A, 0.5 * A).solve(0.0, 0.0, P)
    assert np.allclose(same.solve(P, fil), old, rtol=1e-9, atol=0)


def _params(**over):
    units = {"thermal_conductivity_electrode": "W/(m·K)", "thermal_conductivity_filament": "W/(m·K)",
             "electrode_thickness": "nm", "interface_thermal_resistance": "m²·K/W"}
    return materials.get("HfO2").merge(ParameterSet({k: Parameter(v, units[k], "test") for k, v in over.items()}))


def _tmax(params, shape=(8, 8, 8), thermal="electrodes"):
    cell = kmc.VCMCell(params, shape=shape, compliance_A=None, seed=0, thermal=thermal)
    for k in range(shape[2]):
        cell.vac[np.ravel_multi_index((4, 4, k), shape)] = 1
    cell.set_voltage(0.3)
    return cell.T_max, cell.power_W


def test_tmax_falls_when_electrode_kappa_rises():
    res = [_tmax(_params(thermal_conductivity_electrode=ke)) for ke in (2.0, 20.0, 200.0)]
    tmax = [r[0] for r in res]
    assert res[0][1] == pytest.approx(res[2][1], rel=1e-12)     # same Joule power (ohmic lattice network)
    assert tmax[0] > tmax[1] > tmax[2] > 300.0
    assert tmax[0] - tmax[2] > 20.0


@pytest.mark.parametrize("key, value", [("thermal_conductivity_electrode", 0.0),
                                        ("thermal_conductivity_filament", -1.0),
                                        ("electrode_thickness", -1.0),
                                        ("interface_thermal_resistance", -1e-9)])
def test_bad_thermal_parameter_is_one_config_error(key, value):
    with pytest.raises(ConfigError) as err:
        kmc.VCMCell(_params(**{key: value}), shape=(3, 3, 4), thermal="electrodes")
    assert err.value.field == key


def test_unknown_thermal_model_is_config_error():
    with pytest.raises(ConfigError) as err:
        kmc.VCMCell("HfO2", shape=(3, 3, 4), thermal="finite")
    assert err.value.field == "thermal"


def test_checkpoint_keeps_the_thermal_model(tmp_path):
    cell = kmc.VCMCell("HfO2", shape=(6, 6, 6), compliance_A=None, seed=3, thermal="electrodes")
    for k in range(6):
        cell.vac[np.ravel_multi_index((3, 3, k), (6, 6, 6))] = 1
    cell.set_voltage(0.2)
    cell.save(tmp_path / "c.npz")
    back = kmc.load(tmp_path / "c.npz")
    assert back.thermal == "electrodes"
    back.update_fields()
    cell.update_fields()         # the tunnelling conduction reads T of the previous update: compare one step on
    assert back.T_max == pytest.approx(cell.T_max, rel=1e-9)
