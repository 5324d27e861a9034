"""Small circuits around one compact device, integrated with the device states.

``drive_rc``: source ``V_s`` -- series resistor ``R_s`` -- node (device || capacitor ``C_p``) -- ground::

    C_p dv/dt = (V_s - v) / R_s - i_dev(v, x)
    dx/dt     = model.dstate_dt(v, x)

This is the Pearson-Anson relaxation oscillator when the device has an S-type negative differential
resistance (Mott threshold switch) and the load line crosses the NDR branch (Pearson & Anson,
Proc. Phys. Soc. 34, 204 (1921); Pickett, Medeiros-Ribeiro & Williams, Nat. Mater. 12, 114 (2013)).
Charging time from the hold voltage V_h to the threshold V_th is ``R_s C_p ln((V_s - V_h)/(V_s - V_th))``.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import xarray as xr
from scipy.integrate import solve_ivp

from compact.base import CompactModel
from matsim.core import validate
from matsim.core.errors import ConfigError, ConvergenceError


def drive_rc(model: CompactModel, V_s: float | Callable, R_s: float, C_p: float, t, x0=None, v0: float = 0.0,
             T=None, method: str = "LSODA", max_step: float | None = None, rtol: float = 1e-6) -> xr.Dataset:
    """Integrate a device behind a series resistor with a parallel capacitor.

    V_s : source voltage (V), constant or callable ``V_s(t)``.  R_s : Ohm.  C_p : F.
    t : output times (s).  Returns a Dataset over ``t`` with ``v`` (device voltage, V), ``i`` (device
    current, A), ``i_source`` (A) and the device states.
    """
    validate.positive("R_s", R_s, "Ohm")
    validate.positive("C_p", C_p, "F")
    t = np.asarray(t, dtype=float)
    if t.ndim != 1 or t.size < 2 or not np.all(np.diff(t) > 0):
        raise ConfigError("t", f"array{t.shape}", "at least 2 strictly increasing times in s")
    src = V_s if callable(V_s) else (lambda tt, _v=float(V_s): _v)
    x0 = model.initial_state() if x0 is None else model.check_state(np.atleast_1d(x0), "x0")
    n = model.n_state
    lo, hi = model.state_bounds()
    span = np.maximum(np.abs(hi - lo), 1e-30)

    def rhs(tt, y):
        v, x = y[0], model.clip_state(y[1:])
        i = float(model.current(v, x, T))
        dv = ((float(src(tt)) - v) / R_s - i) / C_p
        return np.concatenate(([dv], np.atleast_1d(model.dstate_dt(v, x, T)).astype(float)))

    y0 = np.concatenate(([float(v0)], np.asarray(x0, float)))
    sol = solve_ivp(rhs, (t[0], t[-1]), y0, method=method, t_eval=t,
                    max_step=max_step or (t[-1] - t[0]) / 500.0, rtol=rtol,
                    atol=np.concatenate(([1e-9], 1e-9 * span)))
    if not sol.success or sol.y.shape[1] != t.size:
        raise ConvergenceError(f"drive_rc({model.name}): integration failed at t={sol.t[-1]:.3g} s ({sol.message})")
    v = sol.y[0]
    x = model.clip_state(sol.y[1:])
    i = np.asarray(model.current(v, x, T), dtype=float)
    vs = np.array([float(src(tt)) for tt in t])
    data = {"v": ("t", v, {"units": "V", "long_name": "device voltage"}),
            "i": ("t", i, {"units": "A", "long_name": "device current"}),
            "i_source": ("t", (vs - v) / R_s, {"units": "A", "long_name": "current through R_s"})}
    for k, (name, unit) in enumerate(zip(model.state_names, model.state_units)):
        data[name] = ("t", x[k], {"units": unit})
    return xr.Dataset(data, coords={"t": ("t", t, {"units": "s"})},
                      attrs={"model": model.name, "R_s": R_s, "C_p": C_p, "n_state": n,
                             "parameters": model.params.to_json()})


def oscillation_period(t, signal, skip: float = 0.3) -> float:
    """Mean period (s) of ``signal`` from upward mean crossings, ignoring the first ``skip`` fraction.

    Returns ``nan`` when fewer than two cycles are found (no oscillation).
    """
    t = np.asarray(t, float)
    s = np.asarray(signal, float)
    keep = t >= t[0] + skip * (t[-1] - t[0])
    t, s = t[keep], s[keep]
    level = 0.5 * (s.max() + s.min())
    up = np.nonzero((s[:-1] < level) & (s[1:] >= level))[0]
    if up.size < 3 or (s.max() - s.min()) < 1e-6 * max(abs(s.max()), 1e-30):
        return float("nan")
    tc = t[up] + (level - s[up]) / (s[up + 1] - s[up]) * (t[up + 1] - t[up])
    return float(np.mean(np.diff(tc)))
