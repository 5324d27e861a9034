"""Static (memoryless) selector for one-selector-one-resistor (1S1R) crossbar cells.

Model: a symmetric exponential selector (tunnel / MIEC / Ovonic-like sub-threshold conduction),
the usual "sinh selector" of crossbar studies::

    I(V)   = I_s sinh(V / V_s)                 (A)
    dI/dV  = (I_s / V_s) cosh(V / V_s)         (S, analytic, used by the crossbar Newton solver)

Nonlinearity at a read/write voltage V: ``K = I(V) / I(V/2) = 2 cosh(V / (2 V_s))``; with the defaults
(V_s = 0.1 V) K ~ 150 at 1 V, the order of the Ovonic-threshold / MIEC selectors quoted for
1S1R arrays (Burr et al., J. Vac. Sci. Technol. B 32, 040802 (2014): half-bias nonlinearity
10^2-10^4 needed for Mb arrays). The selector has no memory; it carries one dummy state ``x`` (always 0,
``dstate_dt = 0``) so it fits the :class:`~compact.base.CompactModel` interface (``simulate`` works).
"""

from __future__ import annotations

import numpy as np

from compact.base import CompactModel
from matsim.core.errors import ConfigError
from matsim.core.parameters import Parameter, ParameterSet

_BURR = "Burr et al., J. Vac. Sci. Technol. B 32, 040802 (2014) (access devices for crossbar memory)"


class Selector(CompactModel):
    """``I = I_s sinh(V/V_s)``: a static, symmetric, exponentially nonlinear two-terminal selector."""

    name = "Selector"
    state_names = ("x",)
    state_units = ("1",)

    @classmethod
    def default_parameters(cls) -> ParameterSet:
        return ParameterSet({
            "I_s": Parameter(1.0e-7, "A", "assumed; sets ~1 mA at 1 V with V_s = 0.1 V", "current scale"),
            "V_s": Parameter(0.1, "V", "assumed; half-bias nonlinearity ~150 at 1 V, cf. " + _BURR,
                             "voltage scale of the exponential"),
            "T_ambient": Parameter(300.0, "K", "assumed (room temperature)", "not used: static law"),
        }, name="Selector", references=[_BURR])

    def validate(self) -> None:
        for k in ("I_s", "V_s", "T_ambient"):
            val = getattr(self.p, k)
            if not np.isfinite(val) or val <= 0:
                raise ConfigError(k, self.params[k].value, f"a finite number > 0 {self.params[k].unit}")

    def current(self, v, x=None, T=None):
        return self.p.I_s * np.sinh(np.asarray(v, dtype=float) / self.p.V_s)

    def conductance(self, v, x=None, T=None, dv: float = 0.0):
        return (self.p.I_s / self.p.V_s) * np.cosh(np.asarray(v, dtype=float) / self.p.V_s)

    def dstate_dt(self, v, x, T=None):
        return np.zeros_like(np.asarray(x, dtype=float))

    def state_bounds(self):
        return np.array([0.0]), np.array([1.0])

    def nonlinearity(self, v: float) -> float:
        """Half-bias nonlinearity ``I(v) / I(v/2)`` (dimensionless)."""
        return float(self.current(v) / self.current(v / 2))
