"""Stanford-PKU RRAM calibrated on a KMC SET/RESET sweep (``kmc.VCMCell.sweep_iv``): the calibration the
``fit_stanford_pku`` pipeline stage wires up, here so that it can be used (and tested) without a pipeline.

Three steps, each a definition of its own (Guan, Yu & Wong, IEEE EDL 33, 1405 (2012) for the model):

1. LRS branch (filament connected, gap = 0 in the KMC, current below the compliance) of the first loop
   (up to the end of the first negative branch: the filament R_LRS is read on; later loops form other
   filaments; all loops when the first has fewer than 3 such points): static fit of the conduction law
   ``I = I0 exp(-g/g0) sinh(V/V0)`` for ``I0, V0`` at the lower gap bound ``g_min``;
2. HRS/LRS window -> tunnelling length: ``I_LRS / I_HRS = exp((g_max - g_min) / g0)`` at the read
   voltage, with I_HRS the KMC's HRS read current (``R_hrs`` of :func:`kmc.switching.switching_voltages`,
   the value the pipeline reports); without a read point, the median of I_LRS / I_HRS over the HRS
   points of the sweep at equal V. ``I0`` is rescaled so that the LRS fit is unchanged. With a
   superlinear HRS (trap-to-trap tunnelling, ``VCMCell(conduction="tunnel")``) the ratio depends on V,
   and a Stanford-PKU model with one V0 for both states can match it at one voltage only: the read
   voltage, where R_HRS is defined;
3. switching field: the gap moves once ``|V| / t_ox`` exceeds ``F_min``; the KMC RESET voltage sets it,
   ``F_min = |V_reset| / t_ox``; the smoothing width ``dF`` keeps the published ``dF / F_min`` ratio.

This is a calibration (its parameters are fitted to the KMC), not a prediction: the agreement of
R_LRS / R_HRS with the KMC values it was fitted on checks the bookkeeping of the fit, nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr

from compact.calibration import FitResult, fit
from compact.stanford import StanfordPKU
from matsim.core.errors import ConfigError


@dataclass
class StanfordCalibration:
    """The calibrated model, the LRS static fit and the measured HRS/LRS current ratio of the KMC."""

    model: StanfordPKU
    lrs_fit: FitResult
    hrs_lrs_ratio: float
    #: what the LRS data do not constrain ("" when I0 and V0 both are)
    lrs_note: str = ""

    def resistance(self, state: str, v_read: float = 0.1) -> float:
        """Read resistance (Ω) at ``v_read`` (V) in the ``"lrs"`` (g = g_min) or ``"hrs"`` (g = g_max) state."""
        g = self.model.params.require("g_min" if state == "lrs" else "g_max", "m")
        return float(v_read / np.ravel(self.model.current(v_read, np.array([g])))[0])


def calibrate_stanford_pku(sweep: xr.Dataset, compliance_A: float, V_reset: float, source: str,
                           base: StanfordPKU | None = None, R_hrs: float | None = None,
                           v_read: float = 0.1) -> StanfordCalibration:
    """Calibrate Stanford-PKU on a KMC sweep with variables ``V`` (V), ``I`` (A) and ``gap`` (sites).

    ``compliance_A`` (A): the KMC's current compliance (points at it are not the conduction law);
    ``V_reset`` (V): the KMC RESET voltage (:func:`kmc.switching.switching_voltages`); ``source``
    names the data in the fitted parameters' provenance; ``R_hrs`` (Ω): the KMC's HRS resistance read
    at ``v_read`` (V) that sets the window (None: the median HRS/LRS current ratio of the sweep).
    """
    base = base or StanfordPKU()
    V, I, gap = (np.asarray(sweep[k].values, float) for k in ("V", "I", "gap"))
    if not np.isfinite(V_reset) or V_reset >= 0:
        raise ConfigError("V_reset", V_reset, "the negative RESET voltage of the KMC sweep (V)")
    g_min_m, g_max_m = base.params.require("g_min", "m"), base.params.require("g_max", "m")
    t_ox_m = base.params.require("t_ox", "m")   # the model's effective field length (gamma0 is calibrated for it)
    lrs = (gap == 0) & (np.abs(I) < 0.999 * compliance_A) & (V != 0)
    hrs = (gap > 0) & (V != 0)
    neg = np.nonzero(V < 0)[0]
    if neg.size:        # the first loop (to the end of the first negative branch): the filament R_LRS is read on
        first = np.arange(V.size) <= neg[: np.argmax(np.diff(np.r_[neg, neg[-1] + 2]) > 1) + 1][-1]
        if (lrs & first).sum() >= 3:
            lrs = lrs & first
    if lrs.sum() < 3 or hrs.sum() < 1:
        raise ConfigError("KMC sweep", f"{lrs.sum()} LRS / {hrs.sum()} HRS points",
                          "a sweep with >= 3 LRS points below the compliance and a RESET (use more cycles)")
    # 1) LRS conduction law at g_min
    static = fit(base, xr.Dataset({"V": ("n", V[lrs]), "I": ("n", I[lrs])}), params=["I0", "V0"], kind="static",
                 x=[g_min_m], source=f"LRS branch of {source}")
    model = static.model
    v_span = float(np.max(np.abs(V[lrs])))
    lrs_note = static.constraint_note or ""
    V0 = model.params.require("V0", "V")
    if v_span < 0.3 * V0:          # sinh(V/V0) linear within 1.5 %: only I0/V0 is determined
        lrs_note = (f"V0 = {V0:.3g} V is not constrained by the data: the LRS points lie at |V| <= {v_span:.2g} V, "
                    "where sinh(V/V0) is linear, so only I0/V0 (the LRS conductance) is fitted; I0 and V0 "
                    "separately are assumptions")
    # 2) HRS/LRS window -> g0 (I0 rescaled so that I(g_min) is unchanged)
    if R_hrs is not None:
        if not (np.isfinite(R_hrs) and R_hrs > 0):
            raise ConfigError("R_hrs", R_hrs, "the KMC's positive HRS read resistance (ohm)")
        i_read = float(np.ravel(model.current(v_read, np.array([g_min_m])))[0])
        ratio = float(i_read * R_hrs / v_read)
        how = f"R_HRS = {R_hrs:.4g} ohm at {v_read:g} V"
    else:
        i_lrs = model.current(V[hrs], np.array([g_min_m]))
        ratio = float(np.median(np.abs(i_lrs / I[hrs])))
        how = "median over the HRS points"
    if not ratio > 1:
        raise ConfigError("R_hrs" if R_hrs is not None else "KMC sweep", ratio,
                          "an HRS/LRS current ratio above 1 (the RESET must raise the resistance)")
    g0_m = (g_max_m - g_min_m) / np.log(ratio)
    I0_A = model.params.require("I0", "A") * np.exp(g_min_m / g0_m - g_min_m / model.params.require("g0", "m"))
    # 3) switching field from the KMC RESET voltage
    F_min = abs(V_reset) / t_ox_m                                         # V/m
    dF = F_min * base.params.require("dF", "V/m") / base.params.require("F_min", "V/m")
    p = model.params
    fitted = p.with_values(source=f"fit: {source} (HRS/LRS ratio {ratio:.3g}, {how})",
                           g0=_in(p, "g0", g0_m, "m"), I0=_in(p, "I0", I0_A, "A"))
    fitted = fitted.with_values(source=f"fit: |V_reset| / t_ox from {source}", F_min=_in(p, "F_min", F_min, "V/m"))
    fitted = fitted.with_values(source="scaled with F_min (published dF/F_min ratio)", dF=_in(p, "dF", dF, "V/m"))
    return StanfordCalibration(StanfordPKU(fitted), static, ratio, lrs_note)


def _in(ps, key: str, value: float, unit: str) -> float:
    """``value`` given in ``unit`` expressed in the unit ``key`` is stored in."""
    from matsim.core import units
    return float(units.convert(value, unit, ps[key].unit))
