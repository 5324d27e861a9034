"""Stanford-PKU RRAM compact model (filament gap ``g`` as state).

Equations (Guan, Yu & Wong, IEEE EDL 33, 1405 (2012); Jiang et al., IEEE TED 63, 1884 (2016); Stanford
RRAM Verilog-A model v1.0.0, doi:10.4231/D37H1DN48)::

    I       = I0 exp(-g/g0) sinh(V/V0)                                   (A)
    T       = T0 + |I V| R_th                                            (local temperature, K)
    gamma   = gamma0 - beta (g/g1)^alpha                                 (field enhancement, g1 = 1 nm)
    dg/dt   = -v0 exp(-Ea/(k_B T)) sinh(gamma a0 q V / (t_ox k_B T)) * G_F (m/s)

with the published defaults g0 = 0.25 nm, V0 = 0.25 V, I0 = 1 mA, v0 = 10 m/s, Ea = 0.6 eV,
a0 = 0.25 nm, gamma0 = 16, beta = 0.8, alpha = 3, t_ox = 12 nm, R_th = 2.1e3 K/W, F_min = 1.4 GV/m,
g in [g_min, g_max] = [0.2, 1.7] nm (v1.0.0 Verilog-A code, as transcribed by M. Watfa's Python port).

Smoothing for export (see :mod:`compact.smooth`): the model's hard field gate
``gamma |V| / t_ox < F_min -> no switching`` is ``G_F = (1 + tanh((gamma |V|/t_ox - F_min)/dF))/2``
with ``|V|`` -> sqrt(V^2 + V_s^2); SET (V > 0, g shrinks) and RESET (V < 0, g grows) are evaluated on
the smooth polarity split of V and windowed at g_min / g_max so the bounds are invariant. ``I V >= 0``
always, so ``|I V| = I V`` (smooth). Both sinh terms are :func:`compact.smooth.limsinh` (exp continued
linearly beyond an argument of 80, i.e. |V| > 20 V for the current), identical in the exports. The cycle-to-cycle gap noise of the original model lives in
:mod:`compact.variability`.
"""

from __future__ import annotations

import numpy as np

from compact.base import CompactModel
from compact.smooth import limsinh, smooth_step, split_polarity, stack_rate, window_from_lower, window_from_upper
from matsim.core import units, validate
from matsim.core.errors import ConfigError
from matsim.core.parameters import Parameter, ParameterSet

_SRC = "Jiang et al., IEEE TED 63, 1884 (2016); Stanford RRAM model v1.0.0 (doi:10.4231/D37H1DN48)"


class StanfordPKU(CompactModel):
    """Stanford-PKU bipolar oxide RRAM; state ``g`` (m), the tunnelling gap between filament tip and electrode.

    >>> m = StanfordPKU()
    >>> m.current(0.1, [0.5e-9])        # read current (A) at 0.1 V with a 0.5 nm gap
    """

    name = "StanfordPKU"
    state_names = ("g",)
    state_units = ("m",)
    integrator = "LSODA"
    #: parameters ``matsim compact fit`` adjusts when none are named
    fit_parameters = ("I0", "g0", "V0")

    @classmethod
    def default_parameters(cls) -> ParameterSet:
        return ParameterSet({
            "I0": Parameter(1.0, "mA", _SRC, "current prefactor"),
            "g0": Parameter(0.25, "nm", _SRC, "tunnelling decay length of the gap"),
            "V0": Parameter(0.25, "V", _SRC, "I-V nonlinearity"),
            "v0": Parameter(10.0, "m/s", _SRC, "gap velocity prefactor"),
            "Ea": Parameter(0.6, "eV", _SRC, "activation energy of vacancy generation/recombination"),
            "a0": Parameter(0.25, "nm", _SRC, "atomic hopping distance"),
            "gamma0": Parameter(16.0, "1", _SRC, "local field enhancement at g = 0"),
            "beta": Parameter(0.8, "1", _SRC, "gap dependence of the field enhancement"),
            "alpha": Parameter(3.0, "1", _SRC, "exponent of the gap dependence (gamma0 - beta (g/g1)^alpha)"),
            "g1": Parameter(1.0, "nm", _SRC, "gap normalization of gamma"),
            "t_ox": Parameter(12.0, "nm", _SRC, "oxide thickness"),
            "R_th": Parameter(2.1e3, "K/W", _SRC, "effective thermal resistance"),
            "T_ambient": Parameter(298.0, "K", _SRC),
            "F_min": Parameter(1.4, "V/nm", _SRC, "minimum field for gap change (1.4e9 V/m)"),
            "g_min": Parameter(0.2, "nm", _SRC, "lower gap bound (low-resistance state)"),
            "g_max": Parameter(1.7, "nm", _SRC, "upper gap bound (high-resistance state)"),
            "dF": Parameter(0.05, "V/nm", "assumed (smooth width of the F_min gate, for export)"),
            "V_smooth": Parameter(1.0, "mV", "assumed (smooth polarity split, for export)"),
            "g_window": Parameter(0.01, "nm", "assumed (width of the bound windows, for export)"),
        }, name="StanfordPKU", references=[_SRC, "Guan, Yu & Wong, IEEE EDL 33, 1405 (2012)"])

    def validate(self) -> None:
        for k in ("I0", "g0", "V0", "v0", "Ea", "a0", "g1", "t_ox", "T_ambient", "F_min", "g_min", "g_max",
                  "dF", "V_smooth", "g_window"):
            validate.positive(k, self.params[k].value, self.params[k].unit)
        validate.non_negative("R_th", self.params["R_th"].value, "K/W")
        validate.non_negative("beta", self.params["beta"].value)
        if self.p.g_max <= self.p.g_min:
            raise ConfigError("g_max", self.params["g_max"].value, f"a gap above g_min = {self.params['g_min'].value} nm")

    def current(self, v, x, T=None):
        g = np.asarray(x, dtype=float)[0]
        v = np.asarray(v, dtype=float)
        return self.p.I0 * np.exp(-g / self.p.g0) * limsinh(v / self.p.V0)

    def conductance(self, v, x, T=None, dv: float = 0.0):
        g = np.asarray(x, dtype=float)[0]
        v = np.asarray(v, dtype=float)
        a = v / self.p.V0                        # d limsinh/da = (exp(min(a, 80)) + exp(min(-a, 80)))/2
        return self.p.I0 / self.p.V0 * np.exp(-g / self.p.g0) * 0.5 * (np.exp(np.minimum(a, 80.0))
                                                                        + np.exp(np.minimum(-a, 80.0)))

    def temperature(self, v, x, T=None):
        """Local filament temperature T0 + I V R_th (K)."""
        T0 = self.p.T_ambient if T is None else T
        return T0 + self.current(v, x) * np.asarray(v, dtype=float) * self.p.R_th

    def gamma(self, g):
        return self.p.gamma0 - self.p.beta * (np.asarray(g, dtype=float) / self.p.g1) ** self.p.alpha

    def _rate(self, v, g, Tloc):
        p = self.p
        gam = self.gamma(g)
        field = gam * np.sqrt(v * v + p.V_smooth ** 2) / p.t_ox
        gate = smooth_step((field - p.F_min) / p.dF)
        kT = units.k_B * Tloc
        return -p.v0 * np.exp(-p.Ea / kT) * limsinh(gam * p.a0 * units.q * v / (p.t_ox * kT)) * gate

    def dstate_dt(self, v, x, T=None):
        x = np.asarray(x, dtype=float)
        g = x[0]
        v = np.asarray(v, dtype=float)
        Tloc = self.temperature(v, x, T)
        v_set, v_reset = split_polarity(v, self.p.V_smooth)
        p = self.p
        rate = self._rate(v_set, g, Tloc) * window_from_lower(g, p.g_min, p.g_window) \
            + self._rate(v_reset, g, Tloc) * window_from_upper(g, p.g_max, p.g_window)
        return stack_rate(rate, x)

    def state_bounds(self):
        return np.array([self.p.g_min]), np.array([self.p.g_max])

    def initial_state(self) -> np.ndarray:
        return np.array([self.p.g_max])
