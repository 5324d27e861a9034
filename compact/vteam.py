"""VTEAM: voltage threshold adaptive memristor (Kvatinsky et al., IEEE TCAS-II 62, 786 (2015)).

Equations (state x = undoped / gap length, m; x_on = ON, x_off = OFF)::

    dx/dt = k_off (v/v_off - 1)^alpha_off f_off(x)    for 0 < v_off < v
          = 0                                          for v_on < v < v_off
          = k_on  (v/v_on  - 1)^alpha_on  f_on(x)     for v < v_on < 0
    i     = v / R(x),  R(x) = R_on + (R_off - R_on) (x - x_on)/(x_off - x_on)     (linear I-V option)

Window functions of the VTEAM paper: f_off(x) = exp(-exp((x - a_off)/w_c)), f_on(x) =
exp(-exp(-(x - a_on)/w_c)) (a_on = x_on, a_off = x_off by default).

Defaults: R_on = 50 Ohm, R_off = 1 kOhm, x_on = 0, x_off = 3 nm, k_off = 5e-4 m/s, k_on = -10 m/s,
alpha_off = 1, alpha_on = 3, v_off = 0.02 V, v_on = -0.2 V: the ASIC2 (Technion) VTEAM defaults as
shipped by MemTorch (`memtorch/bh/memristor/VTEAM.py`); w_c = 0.1 nm assumed.

Smoothing for export: the thresholds use softplus, ``max(v/v_off - 1, 0) -> softplus(v - v_off)/v_off``
(width ``V_smooth``), and each branch is multiplied by a boundary window that vanishes at its bound
(:mod:`compact.smooth`) so x stays in [x_on, x_off] exactly.
"""

from __future__ import annotations

import numpy as np

from compact.base import CompactModel
from compact.smooth import softplus, stack_rate, window_from_lower, window_from_upper
from matsim.core import validate
from matsim.core.errors import ConfigError
from matsim.core.parameters import Parameter, ParameterSet

_SRC = "Kvatinsky et al., IEEE TCAS-II 62, 786 (2015); defaults as in MemTorch VTEAM (ASIC2 group values)"


class VTEAM(CompactModel):
    """VTEAM threshold memristor with the Kvatinsky window; state ``x`` (m)."""

    name = "VTEAM"
    state_names = ("x",)
    state_units = ("m",)
    integrator = "LSODA"
    #: parameters ``matsim compact fit`` adjusts when none are named
    fit_parameters = ("R_on", "R_off", "k_off", "k_on")

    @classmethod
    def default_parameters(cls) -> ParameterSet:
        return ParameterSet({
            "R_on": Parameter(50.0, "Ω", _SRC),
            "R_off": Parameter(1000.0, "Ω", _SRC),
            "x_on": Parameter(0.0, "nm", _SRC, "state of the ON (low-resistance) bound"),
            "x_off": Parameter(3.0, "nm", _SRC, "state of the OFF (high-resistance) bound"),
            "k_off": Parameter(5e-4, "m/s", _SRC, "OFF-switching rate (> 0)"),
            "k_on": Parameter(-10.0, "m/s", _SRC, "ON-switching rate (< 0)"),
            "alpha_off": Parameter(1.0, "1", _SRC),
            "alpha_on": Parameter(3.0, "1", _SRC),
            "v_off": Parameter(0.02, "V", _SRC, "OFF threshold (> 0)"),
            "v_on": Parameter(-0.2, "V", _SRC, "ON threshold (< 0)"),
            "w_c": Parameter(0.1, "nm", "assumed", "width of the VTEAM window"),
            "T_ambient": Parameter(300.0, "K", "assumed (no temperature dependence)"),
            "V_smooth": Parameter(0.5, "mV", "assumed (softplus width of the thresholds, for export)"),
            "x_window": Parameter(0.005, "nm", "assumed (width of the exact bound windows)"),
        }, name="VTEAM", references=[_SRC])

    def validate(self) -> None:
        p = self.p
        for k in ("R_on", "R_off", "k_off", "alpha_off", "alpha_on", "v_off", "w_c", "V_smooth", "x_window"):
            validate.positive(k, self.params[k].value, self.params[k].unit)
        if not p.k_on < 0:
            raise ConfigError("k_on", self.params["k_on"].value, "a rate < 0 m/s (ON switching decreases x)")
        if not p.v_on < 0:
            raise ConfigError("v_on", self.params["v_on"].value, "a threshold < 0 V")
        if not p.x_off > p.x_on:
            raise ConfigError("x_off", self.params["x_off"].value, f"a state above x_on = {self.params['x_on'].value} nm")
        if not p.R_off > p.R_on:
            raise ConfigError("R_off", self.params["R_off"].value, f"a resistance above R_on = {p.R_on:g} Ohm")

    def resistance(self, x):
        p = self.p
        return p.R_on + (p.R_off - p.R_on) * (np.asarray(x, dtype=float) - p.x_on) / (p.x_off - p.x_on)

    def current(self, v, x, T=None):
        return np.asarray(v, dtype=float) / self.resistance(np.asarray(x, dtype=float)[0])

    def conductance(self, v, x, T=None, dv: float = 0.0):
        return np.ones_like(np.asarray(v, dtype=float)) / self.resistance(np.asarray(x, dtype=float)[0])

    def dstate_dt(self, v, x, T=None):
        p = self.p
        x = np.asarray(x, dtype=float)
        xs = x[0]
        v = np.asarray(v, dtype=float)
        over_off = softplus(v - p.v_off, p.V_smooth) / p.v_off             # ~ max(v/v_off - 1, 0)
        over_on = softplus(p.v_on - v, p.V_smooth) / (-p.v_on)             # ~ max(v/v_on - 1, 0)
        f_off = np.exp(-np.exp((xs - p.x_off) / p.w_c))
        f_on = np.exp(-np.exp(-(xs - p.x_on) / p.w_c))
        rate = p.k_off * over_off ** p.alpha_off * f_off * window_from_upper(xs, p.x_off, p.x_window) \
            + p.k_on * over_on ** p.alpha_on * f_on * window_from_lower(xs, p.x_on, p.x_window)
        return stack_rate(rate, x)

    def state_bounds(self):
        return np.array([self.p.x_on]), np.array([self.p.x_off])

    def initial_state(self) -> np.ndarray:
        return np.array([0.5 * (self.p.x_on + self.p.x_off)])
