"""JART VCM series-resistance Newton: converges to the root in normal use, raises when it gives up."""

import numpy as np
import pytest

from compact import JARTVCM
from matsim.core import units
from matsim.core.errors import ConfigError, ConvergenceError


def _residual(m, v, N):
    p = m.p
    Vn = 2 * p.n_ideality * units.k_B * p.T_ambient / units.q
    vs = m.interface_voltage(v, N)
    return vs + m.series_resistance(N) * 2 * m.saturation_current(N) * np.sinh(vs / Vn) - v


def test_interface_voltage_solves_the_series_equation():
    m = JARTVCM()
    v = np.linspace(-1.5, 1.5, 31)
    for N in (m.p.N_min, np.sqrt(m.p.N_min * m.p.N_max), m.p.N_max):
        assert np.max(np.abs(_residual(m, v, N))) < 1e-9        # V: the root of the series equation
    assert np.all(np.abs(m.interface_voltage(v, m.p.N_min)) <= np.abs(v) + 1e-15)   # |v_s| <= |v|


def test_interface_voltage_raises_when_newton_gives_up():
    m = JARTVCM()
    with pytest.raises(ConvergenceError, match=r"1 iterations.*residual") as err:
        m.interface_voltage(np.array([0.7, -1.2]), m.p.N_max, iterations=1)
    assert "v_s =" in str(err.value) and "N =" in str(err.value)
    with pytest.raises(ConfigError, match="iterations"):
        m.interface_voltage(0.5, m.p.N_max, iterations=0)
