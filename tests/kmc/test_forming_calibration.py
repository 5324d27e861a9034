"""Calibration of the VCM generation law (kmc.calibration): round trips of the fit, bad input, and the
forming criterion against the KMC ramp it stands for."""

import numpy as np
import pytest

from kmc import calibration as C
from matsim.core.errors import ConfigError

T = np.array([2.0, 3.0, 4.0, 2.0, 3.0, 4.0]) * 1e-9
R = np.array([2.5, 2.5, 2.5, 250.0, 250.0, 250.0])


def test_round_trip_recovers_E_g_and_b_from_thickness_and_ramp_rate_series():
    V = C.forming_voltage_analytic(T, R, 2.6, 35.0)
    f = C.fit_generation_barrier(T, V, R, E_g0=3.0, b0=27.0)
    assert f.values["E_g"] == pytest.approx(2.6, rel=1e-4)
    assert f.values["b"] == pytest.approx(35.0, rel=1e-4)
    assert np.max(np.abs(f.residuals)) < 1e-6
    np.testing.assert_allclose(f.field_model_MV_per_cm, V / T / 1e8, rtol=1e-6)


def test_round_trip_with_noise_is_within_its_stated_uncertainty():
    V = C.forming_voltage_analytic(T, R, 2.6, 35.0)
    noisy = V * (1 + 0.01 * np.random.default_rng(3).standard_normal(V.size))
    f = C.fit_generation_barrier(T, noisy, R, rel_uncertainty=0.01)
    for k, true in (("E_g", 2.6), ("b", 35.0)):
        assert abs(f.values[k] - true) < 4 * f.stderr[k]
        assert f.stderr[k] < 0.2 * true                 # ramp rates separate E_g from b


def test_a_thickness_series_alone_does_not_separate_E_g_from_b():
    V = C.forming_voltage_analytic(T[:3], 2.5, 2.6, 35.0)
    f = C.fit_generation_barrier(T[:3], V, 2.5, rel_uncertainty=0.01)
    corr = f.covariance[0, 1] / np.sqrt(f.covariance[0, 0] * f.covariance[1, 1])
    assert corr > 0.999


def test_field_target_calibration_reports_the_forming_field():
    f = C.calibrate_hfo2(kmc_check=False)
    np.testing.assert_allclose(f.field_model_MV_per_cm, C.HFO2_FORMING_FIELD / 1e8, rtol=0.02)
    assert f.fixed == {"E_g": 3.0} and f.stderr["b"] > 0


@pytest.mark.parametrize("kw, name", [
    (dict(thickness_m=[2e-9, 0.0], V_forming=[1.0, 1.5]), "thickness_m"),
    (dict(thickness_m=[2e-9, -3e-9], V_forming=[1.0, 1.5]), "thickness_m"),
    (dict(thickness_m=[2e-9, 3e-9], V_forming=[1.0, 1.5, 2.0]), "V_forming"),
    (dict(thickness_m=[2e-9, 3e-9], V_forming=[1.0, 1.5], ramp_rate_V_per_s=[1.0, 2.0, 3.0]),
     "ramp_rate_V_per_s"),
    (dict(thickness_m=[2e-9, 3e-9], V_forming=[1.0, np.nan]), "V_forming"),
    (dict(thickness_m=[2e-9, 3e-9], V_forming=[1.0, 1.5], fit=("E_g", "nu")), "fit"),
])
def test_bad_input_is_one_config_error_naming_the_field(kw, name):
    with pytest.raises(ConfigError) as err:
        C.fit_generation_barrier(**kw)
    assert err.value.field == name


def test_analytic_criterion_matches_the_kmc_forming_ramp_at_the_defaults():
    # shipped E_g = 3.0 eV, b = 27 e·Å: the KMC forms when the first interface generation has grown
    # into a filament; (1) counts only that first generation, and the 0.1 V steps add up to 0.1 V
    for nz in (8, 16):
        t = nz * 0.25e-9
        v_kmc = C.forming_voltage_kmc(t, 2.5, seeds=(1,))[0]
        v_an = C.forming_voltage_analytic(t, 2.5, 3.0, 27.0)
        assert v_an < v_kmc < 1.2 * v_an + 0.1


def test_kmc_ramp_follows_the_criterion_at_the_fitted_dipole():
    # a second parameter point: b from the 5 MV/cm target lowers bulk and interface barriers alike, so
    # the KMC forms near the criterion's field (within one 0.1 V step and 15 %)
    f = C.calibrate_hfo2(thickness_nm=(3.0,), kmc_check=False)
    v_kmc = C.forming_voltage_kmc(3e-9, 2.5, b_eA=f.values["b"], seeds=(1,))[0]
    assert f.V_model[0] < v_kmc < 1.15 * f.V_model[0] + 0.1


def test_kmc_forming_refuses_a_cell_thinner_than_two_planes():
    with pytest.raises(ConfigError) as err:
        C.forming_voltage_kmc(0.2e-9)
    assert err.value.field == "thickness_m"
