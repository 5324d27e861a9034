"""Lumped limit: a small, highly conducting device heat-sinked through thermal resistances behaves
as C_th dT/dt = I V - (T - T0)/R_th with C_th = rho c Vol and R_th = R_electrode / 2."""

import numpy as np
import pytest

from matsim import materials
from matsim.materials.conductivity import MottConductivity

from continuum import Circuit, MottFilament
from continuum.lumped import MottThermalODE, extract_lumped


@pytest.mark.parametrize("V_s", [3.0, 8.0])
def test_lumped_limit_matches_ode(V_s):
    vo2 = materials.get("VO2").with_values(thermal_conductivity=500.0)
    R_b, r, L = 1e6, 20e-9, 10e-9
    circuit = Circuit(V_s, 1e5)
    dev = MottFilament(vo2, "axisymmetric", r, L, (5, 5), 300.0, circuit, electrode_thermal_resistance=R_b,
                       lateral="insulating")
    C_th = dev.rho_c * np.pi * r * r * L
    R_th = R_b / 2
    tau = C_th * R_th
    ds = dev.transient(6 * tau, tau / 10, n_snapshots=1, dT_max=2.0)
    sigma = MottConductivity.from_parameters(vo2)
    ode = MottThermalODE(C_th, R_th, lambda T: L / (sigma(T) * np.pi * r * r), 300.0, circuit)
    od = ode.simulate(6 * tau, n_points=400)
    T_ode = np.interp(ds.t.values, od.t.values, od["T"].values)
    rise = od["T"].values.max() - 300.0
    assert rise > 5
    np.testing.assert_allclose(ds.T_mean.values, T_ode, atol=0.03 * rise)
    assert float(ds.I[-1]) == pytest.approx(float(od.I[-1]), rel=0.03)
    assert ds.T_max.values[-1] - ds.T_mean.values[-1] < 0.01 * rise  # nearly uniform: lumped limit


def test_extract_lumped_recovers_rc():
    vo2 = materials.get("VO2").with_values(thermal_conductivity=500.0)
    R_b, r, L = 1e6, 20e-9, 10e-9
    dev = MottFilament(vo2, "axisymmetric", r, L, (5, 5), 300.0, electrode_thermal_resistance=R_b,
                       lateral="insulating")
    ps = extract_lumped(dev)
    assert ps.si("R_th") == pytest.approx(R_b / 2, rel=0.03)
    assert ps.si("C_th") == pytest.approx(dev.rho_c * np.pi * r * r * L, rel=0.1)
    assert ps["C_th"].source.startswith("fit: continuum.extract_lumped")
    assert ps.si("thickness") == L and ps.si("radius") == r
