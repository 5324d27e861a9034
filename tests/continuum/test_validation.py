"""Analytic limits of the FiPy electro-thermal model: Ohm's law and the Joule parabola."""

import numpy as np
import pytest

from continuum import Circuit, MottFilament


@pytest.mark.parametrize("geometry", ["axisymmetric", "2d"])
def test_ohm_and_joule_parabola(geometry):
    """Constant sigma, fixed-T electrodes, insulating wall: I = sigma V A / L and
    T(z) = T0 + sigma E^2 z (L - z) / (2 kappa)."""
    L, R, sigma, V = 50e-9, 100e-9, 1e4, 0.5
    dev = MottFilament("VO2", geometry, R, L, (6, 20), 300.0, Circuit(V), conductivity=sigma, lateral="insulating")
    ds = dev.steady_iv(voltages=[V])
    area = np.pi * R ** 2 if geometry == "axisymmetric" else 2 * R * (2 * R)
    assert float(ds.I[0]) == pytest.approx(sigma * V * area / L, rel=1e-9)
    z = ds.z.values
    T_exact = 300.0 + sigma * (V / L) ** 2 * z * (L - z) / (2 * dev.kappa)
    rise = T_exact.max() - 300.0
    assert rise > 30  # a real test: tens of kelvin of Joule heating
    for col in range(ds.sizes["x"]):  # the same profile in every column
        np.testing.assert_allclose(ds.T[0, :, col], T_exact, atol=5e-3 * rise)
    # energy balance: dissipated power = I V
    assert float(ds.power[0]) == pytest.approx(float(ds.I[0]) * V)


def test_lateral_heat_sink_cools_the_edge():
    dev = MottFilament("VO2", "axisymmetric", 100e-9, 50e-9, (8, 8), 300.0, Circuit(0.5), conductivity=1e4,
                       lateral="heat_sink")
    ds = dev.steady_iv(voltages=[0.5])
    mid = ds.T[0, 4]
    assert float(mid[0]) > float(mid[-1]) + 5  # axis hotter than the wall
