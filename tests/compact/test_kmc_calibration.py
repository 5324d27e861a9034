"""compact.kmc_calibration without a pipeline: a sweep made by a known Stanford-PKU device is calibrated
back to that device (round trip), and the switching field follows F_min = |V_reset| / t_ox."""

import numpy as np
import pytest
import xarray as xr

from compact import StanfordPKU
from compact.kmc_calibration import calibrate_stanford_pku
from matsim.core.errors import ConfigError


def _sweep(truth, icc=1e-3):
    g_min, g_max = truth.params.require("g_min", "m"), truth.params.require("g_max", "m")
    V_lrs = np.r_[0.05:0.6:0.05]
    V_hrs = np.r_[0.1:0.6:0.1]
    I_lrs = np.ravel(truth.current(V_lrs, np.array([g_min])))
    I_hrs = np.ravel(truth.current(V_hrs, np.array([g_max])))
    V = np.r_[V_lrs, 1.5, V_hrs]                       # one point clamped at the compliance
    I = np.r_[I_lrs, icc, I_hrs]
    gap = np.r_[np.zeros(V_lrs.size), 0, np.full(V_hrs.size, 3)]
    return xr.Dataset({"V": ("step", V), "I": ("step", I), "gap": ("step", gap)})


def test_round_trip_recovers_the_device():
    truth = StanfordPKU(I0=0.02, V0=0.3, g0=0.3)       # mA, V, nm: a device other than the defaults
    cal = calibrate_stanford_pku(_sweep(truth), 1e-3, V_reset=-0.6, source="synthetic")
    p = cal.model.params
    assert p.require("V0", "V") == pytest.approx(0.3, rel=1e-3)
    assert p.require("g0", "nm") == pytest.approx(0.3, rel=1e-3)
    assert p.require("I0", "mA") == pytest.approx(0.02, rel=1e-3)
    assert cal.hrs_lrs_ratio == pytest.approx(np.exp((1.7 - 0.2) / 0.3), rel=1e-3)
    assert p.require("F_min", "V/nm") == pytest.approx(0.6 / 12.0)                # |V_reset| / t_ox
    assert p["g0"].source.startswith("fit: synthetic")
    assert cal.resistance("hrs") / cal.resistance("lrs") == pytest.approx(cal.hrs_lrs_ratio, rel=1e-6)


def test_no_reset_is_one_clear_error():
    with pytest.raises(ConfigError, match="V_reset"):
        calibrate_stanford_pku(_sweep(StanfordPKU()), 2e-6, V_reset=float("nan"), source="x")


def test_window_is_fitted_to_the_hrs_read_resistance_of_a_superlinear_hrs():
    """A calibration, not a prediction: with a superlinear HRS (trap-to-trap tunnelling in the KMC) the
    HRS/LRS ratio depends on V; given the KMC's R_HRS at the read voltage, the model reproduces it (the
    check is of the fit's bookkeeping), while the median ratio over the sweep would miss it."""
    truth = StanfordPKU(I0=0.02, V0=0.3, g0=0.3)
    ds = _sweep(truth)
    hrs = ds["gap"].values > 0
    V = ds["V"].values
    ds["I"].values[hrs] *= np.sinh(V[hrs] / 0.1) / np.sinh(V[hrs] / 0.3) * np.sinh(0.1 / 0.3) / np.sinh(1.0)
    R_hrs = 0.1 / ds["I"].values[hrs][0]                             # HRS read point at 0.1 V
    cal = calibrate_stanford_pku(ds, 1e-3, V_reset=-0.6, source="synthetic", R_hrs=R_hrs)
    assert cal.resistance("hrs") == pytest.approx(R_hrs, rel=1e-9)
    assert cal.resistance("lrs") == pytest.approx(0.1 / np.ravel(truth.current(0.1, [0.2e-9]))[0], rel=1e-3)
    median = calibrate_stanford_pku(ds, 1e-3, V_reset=-0.6, source="synthetic")
    assert median.resistance("hrs") < 0.5 * R_hrs                    # the superlinear branch lowers the median
    with pytest.raises(ConfigError, match="R_hrs"):
        calibrate_stanford_pku(ds, 1e-3, V_reset=-0.6, source="x", R_hrs=float("nan"))


def test_lrs_law_is_fitted_on_the_filament_of_the_first_loop():
    """A later loop formed another filament (here 1.3x the resistance): the LRS law is that of the first
    loop, on which R_LRS is read (a calibration: it reproduces what it was fitted on)."""
    truth = StanfordPKU(I0=0.02, V0=0.3, g0=0.3)
    g_min = truth.params.require("g_min", "m")
    V1 = np.array([0.05, 0.1, -0.05, -0.1, -0.6])               # first loop: LRS reads, then the RESET
    I1 = np.r_[np.ravel(truth.current(V1[:4], [g_min])), -1e-9]
    V2 = np.array([0.05, 0.1, -0.1])                             # second loop: another filament
    I2 = np.ravel(truth.current(V2, [g_min])) / 1.3
    ds = xr.Dataset({"V": ("step", np.r_[V1, V2]), "I": ("step", np.r_[I1, I2]),
                     "gap": ("step", np.r_[0, 0, 0, 0, 3, 0, 0, 0])})
    cal = calibrate_stanford_pku(ds, 1e-3, V_reset=-0.6, source="synthetic", R_hrs=1e7)
    assert cal.lrs_fit.rms_residual < 1e-6
    assert cal.resistance("lrs") == pytest.approx(0.1 / I1[1], rel=1e-6)
