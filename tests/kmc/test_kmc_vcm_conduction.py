"""VCM conduction through the vacancy network (kmc.vcm_conduction, ``conduction="tunnel"``): ohmic metallic filament,
field- and temperature-dependent trap-to-trap tunnelling in the HRS, compliance, R_HRS spread."""

import numpy as np
import pytest

import kmc
from kmc.grid import Grid
from kmc.vcm_conduction import TunnelNetwork
from matsim import materials
from matsim.core.errors import ConfigError

SHAPE = (8, 8, 12)


def _chain_cell(gap, T=300.0, **kw):
    """A one-site-wide vacancy filament from the bottom electrode with ``gap`` missing sites at the top."""
    kw.setdefault("conduction", "tunnel")
    cell = kmc.VCMCell("HfO2", shape=SHAPE, T_ambient_K=T, compliance_A=None, seed=0, **kw)
    for k in range(SHAPE[2] - gap):
        cell.vac[np.ravel_multi_index((3, 3, k), SHAPE)] = 1
    return cell


def _iv(cell, volts):
    out = []
    for v in volts:
        cell.set_voltage(v)
        cell.set_voltage(v)          # conduction reads the temperature of the previous update
        out.append(cell.current)
    return np.array(out)


def test_filament_is_ohmic_and_a_gap_gives_a_superlinear_hrs():
    v_lrs = np.array([0.005, 0.01, 0.02])      # low power: self-heating of the filament < 1 %
    g_lrs = _iv(_chain_cell(0), v_lrs) / v_lrs
    v = np.array([0.05, 0.1, 0.2, 0.4])
    g_hrs = _iv(_chain_cell(1), v) / v
    assert np.allclose(g_lrs, g_lrs[0], rtol=0.01)                  # metallic: linear
    assert 1e4 < 1 / g_lrs[0] < 3e5                                  # LRS ~ 10-100 kOhm
    assert np.all(np.diff(g_hrs) > 0) and g_hrs[-1] > 3 * g_hrs[0]    # field-assisted hopping: superlinear
    assert 1 / g_hrs[0] > 30 / g_lrs[0]                              # HRS/LRS window


def test_lrs_resistance_rises_and_hrs_falls_with_temperature():
    r = {}
    for T in (300.0, 400.0):
        for gap in (0, 2):
            r[T, gap] = 0.05 / _iv(_chain_cell(gap, T=T), [0.05])[0]
    assert r[400.0, 0] > 1.05 * r[300.0, 0]          # metallic filament: R = R0 (1 + alpha dT)
    assert r[400.0, 2] < 0.5 * r[300.0, 2]           # activated hopping


def test_hrs_resistance_grows_smoothly_with_the_gap():
    """Tunnelling decays as exp(-r/l): each missing site multiplies R by e^(a/l) (< 1 decade), no jump
    to the pristine leakage."""
    r = [0.05 / _iv(_chain_cell(gap), [0.05])[0] for gap in range(1, 7)]
    steps = np.diff(np.log10(r))
    assert np.all(steps > 0.2) and np.all(steps < 1.0)


def test_compliance_limits_the_current_of_the_nonlinear_network():
    cell = _chain_cell(0)
    cell.compliance_A = 2e-6
    cell.set_voltage(1.0)
    assert cell.current == pytest.approx(2e-6, rel=1e-5) and 0 < cell.v_cell < 1.0


def test_network_power_is_current_times_voltage():
    g = Grid(SHAPE, 0.25e-9)
    net = TunnelNetwork(g, 2e-4, 5e-8, 0.25e-9, 0.1, 1e-12)
    rng = np.random.default_rng(2)
    vac = (rng.random(g.n) < 0.12).astype(np.int8)
    sol = net.solve(vac, np.full(g.n, 300.0), 0.7, None, 300.0)
    assert sol.power.sum() == pytest.approx(sol.current * 0.7, rel=1e-7)


def test_lattice_conduction_is_still_available():
    cell = _chain_cell(0, conduction="lattice")
    cell.set_voltage(0.1)
    g_fil = materials.get("HfO2")["conductance_filament_bond"].value
    assert cell.conductance_S == pytest.approx(g_fil / (SHAPE[2] + 1), rel=0.01)


@pytest.mark.parametrize("kw, field", [
    (dict(conduction="magic"), "conduction"),
    (dict(params=materials.get("HfO2").with_values(conductance_tunnel=0.0)), "conductance_tunnel"),
    (dict(params=materials.get("HfO2").with_values(tunnel_decay_length=-0.1)), "tunnel_decay_length"),
])
def test_bad_conduction_input_names_the_field(kw, field):
    with pytest.raises(ConfigError) as exc:
        kmc.VCMCell(**{"shape": (3, 3, 4), **kw})
    assert exc.value.field == field


def _conductance_at(cell, T):
    """Low-field (1 mV, no self-heating) conductance (S) of the cell's present configuration at a uniform T (K)."""
    saved = cell.temp.copy()
    cell.temp[:] = T
    g = cell.conductance()
    cell.temp[:] = saved
    return g


@pytest.mark.slow
def test_16_devices_hrs_spread_superlinear_hrs_and_temperature_dependence():
    """16 independent 6x6x10 (2.5 nm) HfO2 devices (seeds 1000-1015, default conduction), each formed
    (ramp to 4 V in 0.1 V steps under 2 uA) and RESET once (sweep to -0.4 V): device-to-device spread.
    Sorted log10 R_HRS (read at 0.1 V) has no gap wider than one decade; the HRS is superlinear; the
    LRS (connected filament) resistance rises from 300 to 400 K and the HRS resistance falls."""
    assert kmc.VCMCell("HfO2", shape=(3, 3, 4)).conduction == "tunnel"            # the default is tested
    r_hrs, superlinear, lrs_T, hrs_T = [], [], [], []
    for s in range(16):
        c = kmc.VCMCell("HfO2", shape=(6, 6, 10), seed=1000 + s, max_events_per_step=1000)
        c.forming(v_max=4.0, v_step=0.1, quiet=True)
        if c.filament_gap() == 0:
            lrs_T.append((1 / _conductance_at(c, 300.0), 1 / _conductance_at(c, 400.0)))
        c.sweep_iv(np.r_[-0.1:-0.41:-0.1, -0.3:0.0:0.1], 1e-3, quiet=True)
        r_hrs.append(0.1 / c.sweep_iv([0.1], 1e-4, quiet=True)["I"].values[0])
        hrs_T.append((1 / _conductance_at(c, 300.0), 1 / _conductance_at(c, 400.0)))
        superlinear.append(_iv(c, [0.3])[0] / 0.3 / (_iv(c, [0.05])[0] / 0.05))
    lr = np.sort(np.log10(r_hrs))
    assert lr[0] > 6.0                               # every device RESET to an HRS (LRS ~ 6e4 Ohm)
    assert np.diff(lr).max() < 1.0                   # no decade gap between neighbouring devices
    assert np.min(superlinear) > 3.0                 # G(0.3 V) / G(0.05 V): field-assisted hopping
    lrs_T, hrs_T = np.array(lrs_T), np.array(hrs_T)
    assert len(lrs_T) >= 12                          # most filaments survive the end of the forming ramp
    assert np.all(lrs_T[:, 1] > 1.05 * lrs_T[:, 0])  # metallic filament: R = R0 (1 + alpha dT)
    assert np.all(hrs_T[:, 1] < 0.8 * hrs_T[:, 0])   # activated hopping across the gap


def test_checkpoint_without_a_conduction_key_keeps_the_lattice_model(tmp_path):
    """Written before ``conduction`` existed (only the lattice model): it must not resume with the new default."""
    from matsim.core.checkpoint import load_checkpoint, save_checkpoint
    cell = kmc.VCMCell("HfO2", shape=(3, 3, 4), seed=1, conduction="lattice")
    arrays, meta = load_checkpoint(cell.save(tmp_path / "c.npz"))
    del meta["config"]["conduction"]
    save_checkpoint(tmp_path / "old.npz", arrays, meta)
    assert kmc.load(tmp_path / "old.npz").conduction == "lattice"
    assert kmc.load(tmp_path / "c.npz").conduction == "lattice"
    assert kmc.load(kmc.VCMCell("HfO2", shape=(3, 3, 4), seed=1).save(tmp_path / "n.npz")).conduction == "tunnel"
