"""Bad input gives one clear error naming the field; a diverging solve raises ConvergenceError."""

import pytest

from matsim.core.errors import ConfigError, ConvergenceError

from continuum import Circuit, MottFilament


def test_negative_thickness():
    with pytest.raises(ConfigError, match="thickness_m"):
        MottFilament("VO2", thickness_m=-5e-9)


def test_too_few_cells():
    with pytest.raises(ConfigError, match="n_cells"):
        MottFilament("VO2", n_cells=(2, 8))


def test_material_without_electrothermal_data():
    with pytest.raises(ConfigError, match="electro-thermal"):
        MottFilament("HfO2")


def test_unknown_geometry_and_circuit_values():
    with pytest.raises(ConfigError, match="geometry"):
        MottFilament("VO2", geometry="3d")
    with pytest.raises(ConfigError, match="R_series"):
        Circuit(1.0, R_series=-1.0)


def test_runaway_raises_convergence_error_not_nan():
    dev = MottFilament("VO2", "axisymmetric", 100e-9, 50e-9, (5, 4), 300.0, Circuit(1e3), T_limit_K=3000.0)
    with pytest.raises(ConvergenceError, match="runaway"):
        dev.transient(1e-9, 1e-10)


def test_refine_snapback_and_lumped_table_inputs():
    dev = MottFilament("VO2", "axisymmetric", 100e-9, 50e-9, (4, 4), 300.0)
    with pytest.raises(ConfigError, match="refine_snapback.*integer >= 0"):
        dev.steady_iv(currents=[1e-5], refine_snapback=-1)
    from continuum.lumped import MottThermalODE
    iv = dev.steady_iv(currents=[1e-5])
    with pytest.raises(ConfigError, match="iv.*at least 2 heated points"):
        MottThermalODE.from_iv(iv, 1e-10)                  # one point is not a table
    with pytest.raises(ConfigError, match="tau"):
        MottThermalODE.from_iv(iv, -1e-10)
