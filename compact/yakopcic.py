"""Yakopcic generalized memristor model (Yakopcic et al., IEEE EDL 32, 1436 (2011); IEEE TCAD 32, 1201 (2013)).

Equations (state x in [0, 1])::

    i     = a1 x sinh(b v)   (v >= 0),     a2 x sinh(b v)   (v < 0)                    (A)
    g(v)  = Ap (e^v - e^Vp)  (v > Vp),    -An (e^-v - e^Vn) (v < -Vn),   0 otherwise    (1/s)
    f(x)  = exp(-alphap (x - xp)) wp(x, xp)  if eta g > 0 and x >= xp,   wp = (xp - x)/(1 - xp) + 1
          = exp( alphan (x + xn - 1)) wn(x, xn)  if eta g < 0 and x <= 1 - xn,   wn = x / (1 - xn)
          = 1 otherwise
    dx/dt = eta g(v) f(x)

Defaults (Oblea Ag-chalcogenide device fit of Yakopcic et al. 2011, as in the authors' SPICE
subcircuit and Xyce's level-3 memristor): a1 = a2 = 0.17 A, b = 0.05 1/V, Vp = 0.16 V, Vn = 0.15 V,
Ap = An = 4000 1/s, xp = 0.3, xn = 0.5, alphap = 1, alphan = 5, eta = 1, x0 = 0.11.

Smoothing for export: the thresholds use softplus (``e^v - e^Vp -> e^Vp (exp(softplus(v - Vp)) - 1)``),
the window's switch at x = xp (1 - xn) is a tanh blend of width ``x_blend``, a1/a2 are blended across
v = 0 (irrelevant when a1 = a2), and exact bound windows (:mod:`compact.smooth`) keep x in [0, 1].
"""

from __future__ import annotations

import numpy as np

from compact.base import CompactModel
from compact.smooth import smooth_step, softplus, stack_rate, window_from_lower, window_from_upper
from matsim.core import validate
from matsim.core.errors import ConfigError
from matsim.core.parameters import Parameter, ParameterSet


_SRC = "Yakopcic et al., IEEE EDL 32, 1436 (2011) (Oblea device fit; author's SPICE subcircuit defaults)"


class Yakopcic(CompactModel):
    """Yakopcic generalized memristor; state ``x`` (1)."""

    name = "Yakopcic"
    state_names = ("x",)
    state_units = ("1",)
    integrator = "LSODA"
    #: parameters ``matsim compact fit`` adjusts when none are named
    fit_parameters = ("a1", "a2", "Ap", "An")

    @classmethod
    def default_parameters(cls) -> ParameterSet:
        return ParameterSet({
            "a1": Parameter(0.17, "A", _SRC), "a2": Parameter(0.17, "A", _SRC),
            "b": Parameter(0.05, "V^-1", _SRC),
            "Vp": Parameter(0.16, "V", _SRC), "Vn": Parameter(0.15, "V", _SRC),
            "Ap": Parameter(4000.0, "Hz", _SRC, "1/s"), "An": Parameter(4000.0, "Hz", _SRC, "1/s"),
            "xp": Parameter(0.3, "1", _SRC), "xn": Parameter(0.5, "1", _SRC),
            "alphap": Parameter(1.0, "1", _SRC), "alphan": Parameter(5.0, "1", _SRC),
            "eta": Parameter(1.0, "1", _SRC, "+1 or -1: direction of state motion relative to v"),
            "x0": Parameter(0.11, "1", _SRC, "initial state"),
            "T_ambient": Parameter(300.0, "K", "assumed (no temperature dependence)"),
            "V_smooth": Parameter(1.0, "mV", "assumed (softplus width of the thresholds, for export)"),
            "x_blend": Parameter(0.01, "1", "assumed (tanh blend of the window switch)"),
            "x_window": Parameter(1e-3, "1", "assumed (width of the exact bound windows)"),
        }, name="Yakopcic", references=[_SRC, "Yakopcic et al., IEEE TCAD 32, 1201 (2013)"])

    def validate(self) -> None:
        for k in ("a1", "a2", "b", "Vp", "Vn", "Ap", "An", "alphap", "alphan", "V_smooth", "x_blend", "x_window"):
            validate.positive(k, self.params[k].value, self.params[k].unit)
        validate.in_range("xp", self.p.xp, 0.0, 1.0, inclusive=False)
        validate.in_range("xn", self.p.xn, 0.0, 1.0, inclusive=False)
        validate.in_range("x0", self.p.x0, 0.0, 1.0)
        if self.p.eta not in (1.0, -1.0):
            raise ConfigError("eta", self.p.eta, "+1 or -1")

    def current(self, v, x, T=None):
        p = self.p
        v = np.asarray(v, dtype=float)
        a = p.a2 + (p.a1 - p.a2) * smooth_step(v / p.V_smooth)
        return a * np.asarray(x, dtype=float)[0] * np.sinh(p.b * v)

    def g(self, v):
        """Threshold function g(v) (1/s), smoothed."""
        p = self.p
        v = np.asarray(v, dtype=float)
        up = p.Ap * np.exp(p.Vp) * np.expm1(softplus(v - p.Vp, p.V_smooth))
        down = -p.An * np.exp(p.Vn) * np.expm1(softplus(-v - p.Vn, p.V_smooth))
        return up, down

    def dstate_dt(self, v, x, T=None):
        p = self.p
        x = np.asarray(x, dtype=float)
        xs = x[0]
        up, down = self.g(v)
        s_p = smooth_step((xs - p.xp) / p.x_blend)
        f_inc = (1 - s_p) + s_p * np.exp(-p.alphap * (xs - p.xp)) * ((p.xp - xs) / (1 - p.xp) + 1)
        s_n = smooth_step(((1 - p.xn) - xs) / p.x_blend)
        f_dec = (1 - s_n) + s_n * np.exp(p.alphan * (xs + p.xn - 1)) * (xs / (1 - p.xn))
        inc, dec = (up, down) if p.eta > 0 else (-down, -up)      # eta = -1 swaps the direction
        rate = inc * f_inc * window_from_upper(xs, 1.0, p.x_window) + dec * f_dec * window_from_lower(xs, 0.0, p.x_window)
        return stack_rate(rate, x)

    def state_bounds(self):
        return np.array([0.0]), np.array([1.0])

    def initial_state(self) -> np.ndarray:
        return np.array([self.p.x0])
