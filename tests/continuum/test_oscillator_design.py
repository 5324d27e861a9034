"""continuum.oscillator: a Pearson-Anson load line from a steady I-V (fast; synthetic curves).

A load line steeper than the NDR and passing between the turning points has exactly one intersection
with the I-V, on the NDR (the relaxation-oscillator condition; Pickett et al., Nat. Mater. 12, 114
(2013)); a Z-shaped curve (on-branch held below the threshold current) admits none.
"""

import numpy as np
import pytest
import xarray as xr

from continuum.oscillator import iv_turning_points, oscillator_circuit_from_iv
from matsim.core.errors import ConfigError


def _iv(I, V):
    return xr.Dataset({"I": ("point", np.asarray(I, float)), "V": ("point", np.asarray(V, float))})


def s_curve():
    """Insulating 20 kOhm up to 2 V at 0.1 mA, NDR down to 0.5 V at 0.4 mA, then a 500 Ohm on-branch."""
    I = np.linspace(1e-5, 1e-3, 200)
    V = np.where(I <= 1e-4, 2e4 * I, np.where(I <= 4e-4, 2.0 - 1.5 * (I - 1e-4) / 3e-4, 0.5 + 500 * (I - 4e-4)))
    return I, V


def test_s_curve_load_line_meets_the_iv_once_on_the_ndr():
    I, V = s_curve()
    tp = iv_turning_points(_iv(I, V))
    assert tp.shape == "S"
    assert tp.V_th == pytest.approx(2.0, rel=0.01) and tp.I_th == pytest.approx(1e-4, rel=0.03)
    assert tp.V_h == pytest.approx(0.5, rel=0.01) and tp.I_h == pytest.approx(4e-4, rel=0.03)
    assert tp.ndr_slope == pytest.approx(-5000.0, rel=0.02)
    c, info = oscillator_circuit_from_iv(_iv(I, V), thermal_time=1e-10)
    assert c.R_series == pytest.approx(2 * 0.75 / 1.5e-4, rel=0.02)      # 2 x (V_th - V*) / (I* - I_th) = 2 x NDR slope
    dense = np.linspace(1e-6, 1e-3, 20001)
    resid = c.V_source - c.R_series * dense - np.interp(dense, I, V)
    cross = dense[np.nonzero(np.diff(np.sign(resid)))[0]]
    assert len(cross) == 1                                                # a single fixed point ...
    assert tp.I_th < cross[0] < tp.I_h                                    # ... on the NDR branch
    # the capacitor charges from V_h to V_th in charge_time_ratio thermal times
    t_c = c.R_series * c.C_parallel * np.log((c.V_source - tp.V_h) / (c.V_source - tp.V_th))
    assert t_c == pytest.approx(10 * 1e-10, rel=1e-9)
    assert info["I_operating"] == pytest.approx(2.5e-4, rel=0.03)
    # a fixed, larger R_s keeps the operating point; one below the bound is refused
    c2, _ = oscillator_circuit_from_iv(_iv(I, V), thermal_time=1e-10, R_series=1e5, C_parallel=1e-14)
    assert c2.V_source - 1e5 * info["I_operating"] == pytest.approx(info["V_operating"], rel=1e-9)
    assert c2.C_parallel == 1e-14
    with pytest.raises(ConfigError, match="R_series"):
        oscillator_circuit_from_iv(_iv(I, V), thermal_time=1e-10, R_series=4e3)


def test_t_limit_bounds_the_discharge_energy_by_the_filament_heat_capacity():
    I, V = s_curve()
    free, info = oscillator_circuit_from_iv(_iv(I, V), thermal_time=1e-10)
    assert info["C_limited_by"] == "charge_time_ratio"
    C_th = 1e-16                                                          # J/K
    c, info = oscillator_circuit_from_iv(_iv(I, V), thermal_time=1e-10, T_limit=800.0, heat_capacity=C_th)
    # C V_th^2 / 2 = C_th (T_limit - T_ambient): 2 x 1e-16 x 500 / 2^2 = 25 fF, below the 10-tau choice
    assert c.C_parallel == pytest.approx(2 * C_th * 500.0 / 2.0**2, rel=0.02)
    assert c.C_parallel < free.C_parallel
    assert info["C_limited_by"] == "T_limit"
    assert info["discharge_energy_J"] == pytest.approx(C_th * 500.0, rel=0.02)
    assert (c.V_source, c.R_series) == (free.V_source, free.R_series)    # the load line is unchanged
    loose, info = oscillator_circuit_from_iv(_iv(I, V), thermal_time=1e-10, T_limit=1e5, heat_capacity=C_th)
    assert loose.C_parallel == free.C_parallel and info["C_limited_by"] == "charge_time_ratio"
    with pytest.raises(ConfigError, match="C_parallel"):
        oscillator_circuit_from_iv(_iv(I, V), thermal_time=1e-10, C_parallel=1e-13, T_limit=800.0, heat_capacity=C_th)
    with pytest.raises(ConfigError, match="heat_capacity"):
        oscillator_circuit_from_iv(_iv(I, V), thermal_time=1e-10, T_limit=800.0)
    with pytest.raises(ConfigError, match="T_limit"):
        oscillator_circuit_from_iv(_iv(I, V), thermal_time=1e-10, T_limit=250.0, heat_capacity=C_th)


def test_z_curve_has_no_relaxation_oscillator():
    """On-branch held below the threshold current (a filament that survives at low current)."""
    I_up = np.linspace(2e-5, 4e-4, 20)
    V_up = np.where(I_up <= 2e-4, 2e4 * I_up, 0.4)
    I_dn = I_up[::-1][1:]
    V_dn = np.where(I_dn >= 5e-5, 0.4 + 2e-5 / I_dn * 0.1, 2e4 * I_dn)
    iv = _iv(np.concatenate([I_up, I_dn]), np.concatenate([V_up, V_dn]))
    tp = iv_turning_points(iv)
    assert tp.shape == "Z" and tp.I_h < tp.I_th
    with pytest.raises(ConfigError, match="Z-shaped"):
        oscillator_circuit_from_iv(iv, thermal_time=1e-10)


@pytest.mark.parametrize("kw, field", [({"thermal_time": 0.0}, "thermal_time"),
                                       ({"thermal_time": 1e-10, "slope_margin": 0.9}, "slope_margin"),
                                       ({"thermal_time": 1e-10, "operating_fraction": 1.2}, "operating_fraction")])
def test_bad_input_names_the_field(kw, field):
    I, V = s_curve()
    with pytest.raises(ConfigError, match=field):
        oscillator_circuit_from_iv(_iv(I, V), **kw)
