"""MottThermal: S-type NDR, Pearson-Anson oscillation, parameter hand-over from continuum, bad input."""

import numpy as np
import pytest

from compact import MottThermal
from compact.circuits import drive_rc, oscillation_period
from matsim.core.errors import ConfigError
from matsim.core.parameters import Parameter, ParameterSet


@pytest.mark.parametrize("factory", [MottThermal.vo2, MottThermal.nbo2])
def test_quasi_static_iv_has_ndr(factory):
    m = factory()
    ds = m.quasi_static_iv()
    assert np.all(np.diff(ds.i.values) > 0)               # current grows with T along the branch
    assert (ds.dvdi.values < 0).any()                      # S-type NDR
    ith, ih, vth, vh = m.ndr_window()
    assert ih > ith and vth > vh > 0
    # steady state really is steady: dT/dt = 0 at (v(T), T)
    k = len(ds.T) // 3
    rate = m.dstate_dt(ds.v.values[k], np.array([ds.T.values[k]]))
    assert abs(rate[0]) * m.thermal_time_constant < 1e-6 * (ds.T.values[k] - 300.0)


def test_vo2_threshold_sits_below_tc():
    # a VO2 threshold switch fires when Joule heating brings the channel near T_c = 340 K
    ds = MottThermal.vo2().quasi_static_iv()
    T_th = float(ds.T.values[np.argmax(ds.v.values)])
    assert 300.0 < T_th < 340.0


def test_relaxation_oscillation_period_matches_rc_and_thermal_times():
    m = MottThermal.vo2()
    ith, ih, vth, vh = m.ndr_window()
    Vs, Rs, C = 10.0, 2e5, 1e-12
    i_load = (Vs - vth) / Rs
    assert ith < i_load < ih                                  # load line crosses the NDR branch
    t = np.linspace(0.0, 12 * Rs * C, 1201)
    ds = drive_rc(m, Vs, Rs, C, t, max_step=Rs * C / 20)
    P = oscillation_period(t, ds.v.values)
    assert np.isfinite(P)
    late = ds.isel(t=slice(400, None))
    vmax, vmin, Tpeak = float(late.v.max()), float(late.v.min()), float(late["T"].max())
    assert vmax == pytest.approx(vth, rel=0.3)               # fires near the quasi-static threshold
    charge = Rs * C * np.log((Vs - vmin) / (Vs - vmax))       # RC charging from v_min to v_max
    T0, Tc = m.p.T_ambient, m.p.T_transition
    cooling = m.thermal_time_constant * np.log((Tpeak - T0) / (Tc - T0))
    assert P == pytest.approx(charge + cooling, rel=0.25)
    assert P > 3 * m.thermal_time_constant


def test_no_oscillation_when_load_line_misses_ndr():
    m = MottThermal.vo2()
    t = np.linspace(0.0, 2e-6, 401)
    ds = drive_rc(m, 1.0, 2e5, 1e-12, t)                     # (1 V - v)/R_s < i_threshold
    assert np.isnan(oscillation_period(t, ds.v.values))


def test_accepts_lumped_parameter_set():
    lumped = ParameterSet({"C_th": Parameter(2e-14, "J/K", "fit: FiPy"), "R_th": Parameter(4e5, "K/W", "fit: FiPy"),
                           "radius": Parameter(30e-9, "m", "FiPy"), "thickness": Parameter(80e-9, "m", "FiPy")})
    m = MottThermal(lumped, material="NbO2")
    assert m.p.R_th == 4e5 and m.p.radius == pytest.approx(30e-9)
    assert m.params["T_transition"].value == 1070.0
    assert m.with_params(R_th=1e5).material == "NbO2"


def test_bad_input():
    with pytest.raises(ConfigError, match="R_th"):
        MottThermal(R_th=-1.0)
    with pytest.raises(ConfigError, match="material"):
        MottThermal(material="SmNiO3")
    with pytest.raises(ConfigError, match="x0"):
        MottThermal().simulate(1.0, [0, 1e-9], x0=[5000.0])
