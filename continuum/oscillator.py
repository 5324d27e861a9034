"""Relaxation-oscillator design from a computed steady I-V (Pearson-Anson cell).

A Mott threshold switch with an S-shaped, current-controlled negative differential resistance (NDR)
self-oscillates in the cell source V_s -- R_s -- (device || C) when the load line
V = V_s - R_s I meets the device's steady I-V *only* on the NDR branch (dV/dI < 0): the single
fixed point is then unstable and the capacitor charges along the insulating branch to the threshold
(I_th, V_th), the device snaps on, discharges the capacitor along the on-branch to the holding point
(I_h, V_h) and snaps off (Pearson & Anson, Proc. Phys. Soc. 34, 204 (1921); NbO2: Pickett,
Medeiros-Ribeiro & Williams, Nat. Mater. 12, 114 (2013); Kumar, Strachan & Williams, Nature 548,
318 (2017); VO2: Zimmers et al., PRL 110, 056601 (2013), who show the switching is Joule heating).

The load line crosses the I-V once when it is steeper than every part of the NDR (R_s > max |dV/dI|)
and it passes between the two turning points: I_th < I(V_th) and I(V_h) < I_h, with
I(V) = (V_s - V) / R_s.  Both hold together only when the on-branch ends (I_h) at a *higher* current
than the threshold (I_th): an S-curve whose voltage is a single-valued function of the current.
If the on-branch (a current filament) persists below the threshold current (I_h < I_th, a "Z"-shaped
curve, bistable even under current control), every load line that passes above the threshold point
also meets the stable on-branch, so no DC load line gives a relaxation oscillator
(:func:`iv_turning_points` reports it; :func:`oscillator_circuit_from_iv` raises).

The charging time of the capacitor between the holding and threshold voltages,
t_c = R_s C ln((V_s - V_h) / (V_s - V_th)), is the slow part of the period; C is chosen so that t_c
is ``charge_time_ratio`` thermal times of the device (the relaxation limit, where the period is set
by the circuit and the two turning points, not by the device's thermal dynamics).

Each discharge dumps the capacitor's energy, up to C V_th^2 / 2 (it discharges to near 0 V when
the on-branch is steep), into the filament faster than the heat can spread.  ``T_limit`` bounds C so
that this energy would raise the heated volume (heat capacity C_th from the device's own steady
states, :func:`filament_heat_capacity`) by at most T_limit - T_ambient:
C V_th^2 / 2 <= C_th (T_limit - T_ambient).  It is an adiabatic estimate, not a guarantee: the PDE's
capacitor overshoots V_th when t_c is short and the discharge heats a core narrower than the steady
heated volume, so the simulated peak must be checked (VO2, docs/continuum.md: T_limit = 1000 K gives a
1420 K peak; without the bound, C = 116 fF heats the filament to 3870 K, above VO2's 2240 K melting
point).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr

from continuum.circuit import Circuit
from continuum.lumped import stored_heat
from matsim.core import validate
from matsim.core.errors import ConfigError


@dataclass(frozen=True)
class TurningPoints:
    """Turning points of a current-controlled steady I-V (SI units).

    V_th, I_th : threshold (the voltage maximum of the rising sweep);
    V_h, I_h : holding point (the lowest-current point of the on-branch: the voltage minimum after
        the threshold on an S-curve, or the last 'on' point of the falling sweep on a Z-curve);
    shape : "S" (V single-valued in I, I_h > I_th) or "Z" (the on-branch persists below I_th);
    ndr_slope : steepest dV/dI (Ohm, < 0) between the turning points of an S-curve (nan for Z);
    I, V : the rising-sweep branch (A, V) the points were taken from.
    """

    V_th: float
    I_th: float
    V_h: float
    I_h: float
    shape: str
    ndr_slope: float
    I: np.ndarray
    V: np.ndarray


def _sweeps(iv: xr.Dataset) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    if not isinstance(iv, xr.Dataset) or "V" not in iv or "I" not in iv:
        raise ConfigError("iv", type(iv).__name__, "a steady I-V Dataset with V and I (MottFilament.steady_iv)")
    V, I = np.abs(np.asarray(iv.V, dtype=float)), np.abs(np.asarray(iv.I, dtype=float))
    if V.size < 4 or not np.all(np.isfinite(V)) or not np.all(np.isfinite(I)):
        raise ConfigError("iv", f"{V.size} points", "at least 4 finite (V, I) points of a current-controlled sweep")
    k = int(np.argmax(I))
    up, down = slice(0, k + 1), slice(k, None)
    if np.any(np.diff(I[up]) <= 0):
        raise ConfigError("iv", "currents", "a sweep with rising currents (optionally followed by falling ones)")
    return I[up], V[up], I[down], V[down]


def iv_turning_points(iv: xr.Dataset) -> TurningPoints:
    """Threshold and holding points of a current-controlled steady I-V (``MottFilament.steady_iv``
    with rising currents, optionally followed by the same currents falling, which traces the
    on-branch down to where the filament dies)."""
    I_up, V_up, I_dn, V_dn = _sweeps(iv)
    j = int(np.argmax(V_up))
    if j == len(V_up) - 1:
        raise ConfigError("iv", "no threshold", "a sweep that passes the threshold (V falls after its maximum)")
    V_th, I_th = float(V_up[j]), float(I_up[j])
    after_I, after_V = I_up[j + 1:], V_up[j + 1:]
    m = int(np.argmin(after_V))
    V_h, I_h = float(after_V[m]), float(after_I[m])
    # falling sweep: points below the threshold current still on the on-branch (well below the
    # insulating branch's voltage at the same current)
    below = I_dn < I_th
    on = below & (V_dn < 0.8 * np.interp(I_dn, I_up[:j + 1], V_up[:j + 1]))
    if np.any(on):
        I_h = float(I_dn[on].min())
        V_h = float(V_dn[on][np.argmin(I_dn[on])])
        return TurningPoints(V_th, I_th, V_h, I_h, "Z", float("nan"), I_up, V_up)
    seg_I, seg_V = I_up[j:j + m + 2], V_up[j:j + m + 2]
    ndr = float(np.min(np.diff(seg_V) / np.diff(seg_I)))
    return TurningPoints(V_th, I_th, V_h, I_h, "S", ndr, I_up, V_up)


def filament_heat_capacity(model, iv: xr.Dataset) -> float:
    """Heat capacity (J/K) of the filament's heated volume past the threshold, from steady states.

    For each steady state k of ``iv`` (``model.steady_iv``, with its T maps) beyond the threshold
    current, C_th,k = rho c integral (T_k - T0) dV / (T_max,k - T0) (the heat stored per kelvin of
    peak rise; the same quantity as ``MottThermalODE.from_model_iv``); returns the smallest (the
    hottest, narrowest on-state), which is the conservative choice for a discharge-energy bound.
    """
    if not isinstance(iv, xr.Dataset) or "T" not in iv or "T_max" not in iv:
        raise ConfigError("iv", type(iv).__name__, "a steady_iv Dataset with its temperature maps (T, T_max)")
    tp = iv_turning_points(iv)
    I = np.abs(np.asarray(iv.I, dtype=float))
    T_hot = np.asarray(iv.T_max, dtype=float)
    on = (I > tp.I_th) & (T_hot > model.T0 + 1.0)
    if not np.any(on):
        raise ConfigError("iv", "no heated point past the threshold", "a sweep past the threshold current")
    heat = stored_heat(model, np.asarray(iv.T.values)[on])
    return float(np.min(heat / (T_hot[on] - model.T0)))


def oscillator_circuit_from_iv(iv: xr.Dataset, thermal_time: float, *, slope_margin: float = 2.0,
                               charge_time_ratio: float = 10.0, operating_fraction: float = 0.5,
                               R_series: float | None = None, C_parallel: float | None = None,
                               T_limit: float | None = None, heat_capacity: float | None = None,
                               T_ambient: float = 300.0) -> tuple[Circuit, dict]:
    """A Pearson-Anson cell whose load line meets the device's steady I-V only on its NDR branch.

    ``iv``: current-controlled steady I-V (rising currents through the threshold, ideally past the
    holding point; see :func:`iv_turning_points`).  ``thermal_time`` (s): the device's thermal time
    (``MottFilament.thermal_time`` or ``extract_lumped``'s tau).

    The operating point is the NDR point at I* = I_th + ``operating_fraction`` (I_h - I_th), V* =
    V(I*).  The load line through it crosses the curve once, on the NDR, when it is above the
    threshold point (R_s (I* - I_th) > V_th - V*) and steeper than every part of the NDR beyond I*
    (R_s > |dV/dI| there); between I_th and I* it may be flatter than a steep fold without a second
    crossing (the line starts above the curve at I_th and ends on it at I*).  R_s is
    ``slope_margin`` times the larger of the two bounds, V_s = V* + R_s I*, and C makes the charging
    time t_c = R_s C ln((V_s - V_h) / (V_s - V_th)) ``charge_time_ratio`` thermal times.
    ``R_series`` (Ohm) / ``C_parallel`` (F) fix either value instead (R_series must exceed the bound:
    a larger R_s with a smaller C limits the energy C V_th^2 / 2 each discharge dumps into the
    filament, which on a thin filament can otherwise heat it by thousands of K).
    ``T_limit`` (K, with ``heat_capacity`` C_th in J/K from :func:`filament_heat_capacity` and
    ``T_ambient`` in K): C is at most 2 C_th (T_limit - T_ambient) / V_th^2, so one discharge's energy
    C V_th^2 / 2 would heat the filament volume by at most T_limit - T_ambient (an adiabatic estimate;
    see the module docstring); a fixed ``C_parallel`` above that bound is refused.
    Returns (Circuit, info) with info the turning points, the operating point, the bound on R_s,
    t_c (s), the discharge energy C V_th^2 / 2 (J) and which bound set C.

    Raises ConfigError when the I-V is Z-shaped (no load line works; see the module docstring).
    """
    tau = validate.positive("thermal_time", thermal_time, "s")
    margin = validate.positive("slope_margin", slope_margin)
    if margin <= 1.0:
        raise ConfigError("slope_margin", slope_margin, "a factor > 1 (R_s must exceed the steepest |dV/dI| of the NDR)")
    ratio = validate.positive("charge_time_ratio", charge_time_ratio)
    frac = validate.finite("operating_fraction", operating_fraction)
    if not 0.0 < frac < 1.0:
        raise ConfigError("operating_fraction", operating_fraction, "a fraction in (0, 1) of the NDR current range")
    tp = iv_turning_points(iv)
    if tp.shape == "Z":
        raise ConfigError("iv", f"Z-shaped I-V (on-branch holds down to I_h = {tp.I_h:.4g} A < I_th = {tp.I_th:.4g} A)",
                          "an S-shaped I-V (holding current above the threshold current): with I_h < I_th every "
                          "load line through the NDR also meets a stable branch, so no relaxation oscillator exists")
    I_op = tp.I_th + frac * (tp.I_h - tp.I_th)
    V_op = float(np.interp(I_op, tp.I, tp.V))
    beyond = (tp.I >= I_op) & (tp.I <= tp.I_h)
    I_b = np.concatenate([[I_op], tp.I[beyond]])
    V_b = np.concatenate([[V_op], tp.V[beyond]])
    steep = float(np.max(-np.diff(V_b) / np.diff(I_b))) if I_b.size > 1 else 0.0
    bound = max((tp.V_th - V_op) / (I_op - tp.I_th), steep)
    if R_series is None:
        R_s = margin * bound
    else:
        R_s = validate.positive("R_series", R_series, "Ohm")
        if R_s <= bound:
            raise ConfigError("R_series", R_series, f"more than {bound:.4g} Ohm (the load line must pass above the "
                                                    f"threshold point and be steeper than the NDR beyond I*)")
    V_s = V_op + R_s * I_op
    log = np.log((V_s - tp.V_h) / (V_s - tp.V_th))
    C = ratio * tau / (R_s * log) if C_parallel is None else validate.positive("C_parallel", C_parallel, "F")
    limited_by = "charge_time_ratio" if C_parallel is None else "C_parallel"
    if T_limit is not None:
        if heat_capacity is None:
            raise ConfigError("heat_capacity", None, "the filament heat capacity in J/K (filament_heat_capacity) "
                                                     "when T_limit is given")
        C_th = validate.positive("heat_capacity", heat_capacity, "J/K")
        T_amb = validate.positive("T_ambient", T_ambient, "K")
        T_lim = validate.finite("T_limit", T_limit)
        if T_lim <= T_amb:
            raise ConfigError("T_limit", T_limit, f"a temperature above T_ambient = {T_amb:g} K")
        C_max = 2.0 * C_th * (T_lim - T_amb) / tp.V_th**2
        if C_parallel is not None and C > C_max:
            raise ConfigError("C_parallel", C_parallel, f"at most {C_max:.4g} F (one discharge, C V_th^2 / 2, "
                                                        f"would heat the filament above T_limit = {T_lim:g} K)")
        if C > C_max:
            C, limited_by = C_max, "T_limit"
    I_line_th = (V_s - tp.V_th) / R_s
    info = {"V_th": tp.V_th, "I_th": tp.I_th, "V_h": tp.V_h, "I_h": tp.I_h, "ndr_slope_Ohm": tp.ndr_slope,
            "I_operating": I_op, "V_operating": V_op, "load_current_at_V_th": I_line_th, "R_series_bound_Ohm": bound,
            "charge_time_s": R_s * C * log, "thermal_time_s": tau, "discharge_energy_J": 0.5 * C * tp.V_th**2,
            "C_limited_by": limited_by}
    return Circuit(float(V_s), float(R_s), float(C)), info
