"""HP Labs TaOx extended memristor (Strachan et al., IEEE TED 60, 2194 (2013)), state x in [0, 1].

Equations (the form used by Ascoli, Messaris et al. and Messaris, Ascoli, Demirkol & Tetzlaff, IEEE TCAS-I 70, 566 (2023))::

    i      = v G(x, v),    G = G_m x + a exp(b sqrt|v|) (1 - x)                         (A)
    dx/dt  = g+(x, v) = B sinh(v/sigma_on)  exp(-(x/x_on)^2)  exp(i v / sigma_p)       for v > 0
           = g-(x, v) = A sinh(v/sigma_off) exp(-(x_off/x)^2) exp(1/(1 + beta i v))    for v < 0

Defaults: A = 1e-10 1/s, B = 1e-4 1/s, sigma_off = 0.013 V, sigma_on = 0.45 V, x_off = 0.4,
x_on = 0.06, beta = 500 1/W, sigma_p = 4e-5 W, G_m = 0.025 S, and (a, b) = (7.2e-6 S, 4.7 V^-1/2),
the pair of the public Octave "tantalum oxide standard memristor model" scripts (Mladenov & Kirilov)
(2.3e-6/1.6 and 3.5e-6/3.1 appear in other versions of those scripts).

x is the fraction of the oxide that is vacancy rich (x = 1: ON). Fading memory: under a
high-frequency zero-mean periodic input, x converges to a mean that depends on the input only
(Messaris et al. 2023 eq. 4). For a bipolar square wave ±V around a DC offset V0 (50 % duty) the mean state
solves eq. 5, ``g+(x, V + V0) + g-(x, -V + V0) = 0``: :meth:`TaOxExtended.mean_state_under_square_wave`
and its inverse :meth:`TaOxExtended.dc_offset_for_state` (DC-offset programming, Fig. 14g).

Smoothing for export (:mod:`compact.smooth`): sqrt|v| -> (v^2 + V_s^2)^(1/4), the two branches are
evaluated on the smooth polarity split of v, and an upper window keeps x <= 1 (the SET branch
grows like exp(i v / sigma_p) and would otherwise overshoot at high bias); exponents above 60 are
smoothly saturated (``e - softplus(e - 60)``: identical below ~50, i.e. for |v| <~ 0.6 V, and it keeps
the rates finite, < ~1e22 1/s, at high bias). The lower bound x = 0 is natural (exp(-(x_off/x)^2) -> 0).
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import brentq

from compact.base import CompactModel
from compact.smooth import softplus, split_polarity, stack_rate, window_from_upper
from matsim.core import validate
from matsim.core.errors import ConfigError
from matsim.core.parameters import Parameter, ParameterSet

_STRACHAN = "Strachan et al., IEEE TED 60, 2194 (2013)"
_AB = "Mladenov & Kirilov Octave TaOx standard model scripts (a = 7.2e-6 S, b = 4.7 V^-1/2)"
#: exponents above this are smoothly saturated (rates beyond ~1e12/s are far outside the model's range)
_EXP_CAP = 60.0


def _soft_cap(e, cap: float = _EXP_CAP):
    """e for e << cap, -> cap for e >> cap (smooth: e - softplus(e - cap))."""
    return e - softplus(e - cap, 1.0)


class TaOxExtended(CompactModel):
    """HP TaOx extended memristor; state ``x`` (1), conductive fraction of the oxide."""

    name = "TaOxExtended"
    state_names = ("x",)
    state_units = ("1",)
    integrator = "LSODA"
    #: parameters ``matsim compact fit`` adjusts when none are named
    fit_parameters = ("G_m", "a", "b")

    @classmethod
    def default_parameters(cls) -> ParameterSet:
        return ParameterSet({
            "A": Parameter(1e-10, "Hz", _STRACHAN, "RESET rate prefactor (1/s)"),
            "B": Parameter(1e-4, "Hz", _STRACHAN, "SET rate prefactor (1/s)"),
            "sigma_off": Parameter(0.013, "V", _STRACHAN),
            "sigma_on": Parameter(0.45, "V", _STRACHAN),
            "x_off": Parameter(0.4, "1", _STRACHAN),
            "x_on": Parameter(0.06, "1", _STRACHAN),
            "beta": Parameter(500.0, "W^-1", _STRACHAN),
            "sigma_p": Parameter(4e-5, "W", _STRACHAN),
            "G_m": Parameter(0.025, "S", _STRACHAN, "memductance of the fully ON state"),
            "a": Parameter(7.2e-6, "S", _AB, "OFF-state prefactor"),
            "b": Parameter(4.7, "V^-1/2", _AB, "OFF-state nonlinearity"),
            "T_ambient": Parameter(300.0, "K", "assumed (the model has no temperature dependence)"),
            "V_smooth": Parameter(1e-6, "V", "assumed (smoothing of sqrt|v| and of the polarity split, for export)"),
            "x_window": Parameter(1e-3, "1", "assumed (width of the upper-bound window)"),
        }, name="TaOxExtended", references=[_STRACHAN, "Messaris, Ascoli, Demirkol & Tetzlaff, IEEE TCAS-I 70, 566 (2023) (high-frequency limit, eqs 3-5)"])

    def validate(self) -> None:
        for k in ("A", "B", "sigma_off", "sigma_on", "x_off", "x_on", "sigma_p", "G_m", "a", "V_smooth", "x_window"):
            validate.positive(k, self.params[k].value, self.params[k].unit)
        validate.non_negative("beta", self.params["beta"].value, "1/W")

    # ---- equations ------------------------------------------------------------------------
    def memductance(self, v, x):
        """G(x, v) in S."""
        p = self.p
        x = np.asarray(x, dtype=float)
        v = np.asarray(v, dtype=float)
        root = (v * v + p.V_smooth ** 2) ** 0.25
        return p.G_m * x + p.a * np.exp(p.b * root) * (1.0 - x)

    def current(self, v, x, T=None):
        x = np.asarray(x, dtype=float)[0]
        v = np.asarray(v, dtype=float)
        return v * self.memductance(v, x)

    def g_plus(self, x, v):
        """SET kinetics g+(x, v) (1/s) for v >= 0 (no smoothing, no window): Messaris et al. 2023 eq. 3."""
        p = self.p
        x = np.asarray(x, dtype=float)
        v = np.asarray(v, dtype=float)
        power = v * v * self.memductance(v, x)
        expo = _soft_cap(-(x / p.x_on) ** 2 + power / p.sigma_p)
        return p.B * np.sinh(_soft_cap(v / p.sigma_on)) * np.exp(expo)

    def g_minus(self, x, v):
        """RESET kinetics g-(x, v) (1/s, <= 0) for v <= 0: Messaris et al. 2023 eq. 3."""
        p = self.p
        x = np.maximum(np.asarray(x, dtype=float), 1e-9)
        v = np.asarray(v, dtype=float)
        power = v * v * self.memductance(v, x)
        arg = _soft_cap(np.abs(v) / p.sigma_off)
        return -p.A * np.sinh(arg) * np.exp(-(p.x_off / x) ** 2 + 1.0 / (1.0 + p.beta * power))

    def dstate_dt(self, v, x, T=None):
        x = np.asarray(x, dtype=float)
        xs = x[0]
        v_set, v_reset = split_polarity(v, self.p.V_smooth)
        rate = self.g_plus(xs, v_set) * window_from_upper(xs, 1.0, self.p.x_window) + self.g_minus(xs, v_reset)
        return stack_rate(rate, x)

    def state_bounds(self):
        return np.array([0.0]), np.array([1.0])

    def initial_state(self) -> np.ndarray:
        return np.array([0.5])

    # ---- DC-offset programming (Messaris et al. 2023 eq. 5) -------------------------------------------
    def _balance(self, x, V, V0):
        gp = self.g_plus(x, V + V0) * window_from_upper(x, 1.0, self.p.x_window)
        gm = self.g_minus(x, -V + V0)
        with np.errstate(divide="ignore"):
            return np.log(gp) - np.log(-gm)

    def mean_state_under_square_wave(self, V: float, V0: float = 0.0) -> float:
        """Mean state x̄ (1) of the steady oscillation under a high-frequency ±V square wave (V) with DC offset V0 (V).

        Solves g+(x̄, V + V0) + g-(x̄, -V + V0) = 0 (Messaris et al. 2023 eq. 5). Needs |V0| < V.
        """
        validate.positive("V", V, "V")
        if not abs(V0) < V:
            raise ConfigError("V0", V0, f"a DC offset with |V0| < V = {V:g} V (both polarities must be present)")
        grid = np.linspace(1e-3, 1.0 - 1e-4, 400)
        h = self._balance(grid, V, V0)
        sign_change = np.nonzero(np.diff(np.sign(h)) != 0)[0]
        if sign_change.size == 0:
            return float(grid[0] if h[0] < 0 else grid[-1])
        k = sign_change[0]
        return float(brentq(lambda xx: self._balance(xx, V, V0), grid[k], grid[k + 1], xtol=1e-12))

    def dc_offset_for_state(self, x_target: float, V: float) -> float:
        """DC offset V0 (V) that programs the mean state to ``x_target`` with a ±V square wave (Messaris et al. 2023, Fig. 14g of Song et al., ACS Nano 2023)."""
        validate.in_range("x_target", x_target, 0.0, 1.0, inclusive=False)
        validate.positive("V", V, "V")
        f = lambda V0: float(self._balance(x_target, V, V0))
        lo, hi = -0.999 * V, 0.999 * V
        if f(lo) * f(hi) > 0:
            raise ConfigError("x_target", x_target, f"a state reachable with a ±{V:g} V square wave and |V0| < V")
        return float(brentq(f, lo, hi, xtol=1e-12))

    def averaged_rate(self, x, waveform, n_samples: int = 2000):
        """Period-averaged state rate <dx/dt> (1/s) at frozen state ``x`` under a periodic ``waveform``
        (Messaris et al. 2023 eq. 3 divided by the period): the averaged dynamics of the high-frequency limit.

        Its root in x is the mean steady state x̄_s (eq. 4); for a square wave it reduces to eq. 5.
        Relaxation time of the mean state near x̄_s: -1 / (d<dx/dt>/dx).
        """
        period = getattr(waveform, "period", None)
        if period is None or not float(period) > 0 or not np.isfinite(period):
            raise ConfigError("waveform.period", period, "a periodic waveform with a finite period > 0 s")
        tt = (np.arange(n_samples) + 0.5) * period / n_samples
        v = np.asarray(waveform(tt), dtype=float)
        x = np.asarray(x, dtype=float)
        rates = self.dstate_dt(v[:, None], np.broadcast_to(x, (1, 1) + x.shape).reshape(1, 1, -1))[0]
        return rates.mean(axis=0).reshape(x.shape)

    def mean_state(self, waveform) -> float:
        """Mean steady state x̄_s (1) under a high-frequency periodic ``waveform`` (root of eq. 4)."""
        grid = np.linspace(1e-3, 1.0 - 1e-4, 200)
        r = self.averaged_rate(grid, waveform)
        change = np.nonzero(np.diff(np.sign(r)) < 0)[0]            # stable root: rate goes + -> -
        if change.size == 0:
            return float(grid[0] if r[0] <= 0 else grid[-1])
        k = change[0]
        return float(brentq(lambda xx: float(self.averaged_rate(np.array([xx]), waveform)[0]), grid[k], grid[k + 1],
                            xtol=1e-10))
