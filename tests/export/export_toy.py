"""A small test-only compact model (HP linear drift with a smooth window) and its export spec."""

from __future__ import annotations

import numpy as np

from compact.base import CompactModel
from compact.export import Equations, register
from matsim.core.parameters import Parameter, ParameterSet


class ToyDrift(CompactModel):
    """i = v / (R_on x + R_off (1 - x)); dx/dt = (k + k_min) sinh(v / v0) (1 - x if v > 0 else x)."""

    name = "ToyDrift"
    state_names = ("x",)
    state_units = ("1",)

    @classmethod
    def default_parameters(cls):
        return ParameterSet({
            "R_on": Parameter(100.0, "ohm", "test"),
            "R_off": Parameter(16e3, "ohm", "test"),
            "k": Parameter(2e3, "1/s", "test"),
            "k_min": Parameter(50.0, "1/s", "test"),
            "v0": Parameter(0.25, "V", "test"),
            "V0": Parameter(1.0, "V", "test (clashes with v0 in SPICE)"),
        }, name="ToyDrift")

    def current(self, v, x, T=None):
        x = np.asarray(x, float)
        return v / (self.p.R_on * x[0] + self.p.R_off * (1 - x[0])) * self.p.V0

    def dstate_dt(self, v, x, T=None):
        x = np.asarray(x, float)
        s = np.sinh(np.asarray(v, float) / self.p.v0)
        return np.array([(self.p.k + self.p.k_min) * s * np.where(np.asarray(v) > 0, 1 - x[0], x[0])])

    def state_bounds(self):
        return np.array([0.0]), np.array([1.0])

    def initial_state(self):
        return np.array([0.05])


@register("ToyDrift")
def _toy_spec(model):
    return Equations(
        current="V/(R_on*x + R_off*(1 - x))*V0",
        rates={"x": "(k + k_min)*sinh(V/v0)*(V > 0 ? 1 - x : x)"},
        notes=["test model"],
        drive=(1.0, 10.0, 2.0))
