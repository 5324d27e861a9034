"""Electrochemical RAM (ECRAM): near-linear, near-symmetric analog updates with ~1000 states.

ECRAM (ion intercalation into a channel, e.g. Li_xWO3 or protons in WO3; Tang et al., IEDM 2018;
Fuller et al., Science 364, 570 (2019); reviewed in Song et al., ACS Nano 17, 11994 (2023) as the device class with the most
linear and symmetric weight updates) is a three-terminal device: gate pulses move ions, the channel
conductance is read at low bias. Behind the two-terminal interface here, ``v`` is the gate (write)
voltage and the read current is ``i = G(x) v``, with

    G(x)   = G_min + (G_max - G_min) x                                               (S)
    per pulse:  dx+ = (1 + asym/2) / n_states * exp(-nu x)          (potentiation, v > +V_th)
                dx- = -(1 - asym/2) / n_states * exp(-nu (1 - x))   (depression,  v < -V_th)
    continuous: dx/dt = [dx+ S((v - V_th)/V_w) + dx- S((-v - V_th)/V_w)] / t_pulse

``nu`` = 0 gives perfectly linear steps (soft-bounds nonlinearity otherwise), ``asym`` the up/down
step mismatch, ``sigma_c2c`` the relative cycle-to-cycle step noise used by :meth:`ECRAM.apply_pulses`.
``S`` is the smooth step; exact bound windows keep x in [0, 1] (:mod:`compact.smooth`).

Numbers are assumed, of the order reported for ECRAM (a 0.1-1 µS channel window, 1000 states,
a few % up/down asymmetry, 1 µs write pulses).
"""

from __future__ import annotations

import numpy as np

from compact.base import CompactModel
from compact.smooth import smooth_step, stack_rate, window_from_lower, window_from_upper
from matsim.core import validate
from matsim.core.errors import ConfigError
from matsim.core.parameters import Parameter, ParameterSet
from matsim.core.rng import make_rng

_SRC = "assumed, of the order of Tang et al. IEDM 2018 / Fuller et al. Science 364, 570 (2019)"


class ECRAM(CompactModel):
    """ECRAM synapse; state ``x`` (1), normalized channel conductance."""

    name = "ECRAM"
    state_names = ("x",)
    state_units = ("1",)
    integrator = "LSODA"
    #: parameters ``matsim compact fit`` adjusts when none are named
    fit_parameters = ("G_min", "G_max")

    @classmethod
    def default_parameters(cls) -> ParameterSet:
        return ParameterSet({
            "G_min": Parameter(0.1, "µS", _SRC), "G_max": Parameter(1.0, "µS", _SRC),
            "n_states": Parameter(1000.0, "1", _SRC, "number of pulses from x = 0 to x = 1"),
            "asym": Parameter(0.02, "1", _SRC, "relative up/down step mismatch"),
            "nu": Parameter(0.1, "1", _SRC, "soft-bounds nonlinearity of the steps (0 = linear)"),
            "sigma_c2c": Parameter(0.05, "1", _SRC, "relative cycle-to-cycle step noise"),
            "V_th": Parameter(0.5, "V", _SRC, "gate write threshold"),
            "V_w": Parameter(0.05, "V", "assumed (smooth width of the write threshold)"),
            "t_pulse": Parameter(1.0, "µs", _SRC, "write pulse width"),
            "T_ambient": Parameter(300.0, "K", "assumed"),
            "x_window": Parameter(1e-4, "1", "assumed (width of the exact bound windows)"),
        }, name="ECRAM", references=[_SRC])

    def validate(self) -> None:
        for k in ("G_min", "G_max", "n_states", "V_th", "V_w", "t_pulse", "x_window"):
            validate.positive(k, self.params[k].value, self.params[k].unit)
        validate.non_negative("nu", self.p.nu)
        validate.non_negative("sigma_c2c", self.p.sigma_c2c)
        validate.in_range("asym", self.p.asym, -1.0, 1.0, inclusive=False)
        if not self.p.G_max > self.p.G_min:
            raise ConfigError("G_max", self.params["G_max"].value, "a conductance above G_min")

    # ---- equations ------------------------------------------------------------------------
    def conductance_of_state(self, x):
        """G(x) in S."""
        p = self.p
        return p.G_min + (p.G_max - p.G_min) * np.asarray(x, dtype=float)

    def current(self, v, x, T=None):
        return np.asarray(v, dtype=float) * self.conductance_of_state(np.asarray(x, dtype=float)[0])

    def conductance(self, v, x, T=None, dv: float = 0.0):
        return np.ones_like(np.asarray(v, dtype=float)) * self.conductance_of_state(np.asarray(x, dtype=float)[0])

    def step_up(self, x):
        """Deterministic potentiation step per pulse (1)."""
        p = self.p
        return (1 + 0.5 * p.asym) / p.n_states * np.exp(-p.nu * np.asarray(x, dtype=float))

    def step_down(self, x):
        """Deterministic depression step per pulse (1, < 0)."""
        p = self.p
        return -(1 - 0.5 * p.asym) / p.n_states * np.exp(-p.nu * (1 - np.asarray(x, dtype=float)))

    def dstate_dt(self, v, x, T=None):
        p = self.p
        x = np.asarray(x, dtype=float)
        xs = x[0]
        v = np.asarray(v, dtype=float)
        up = smooth_step((v - p.V_th) / p.V_w) * self.step_up(xs) * window_from_upper(xs, 1.0, p.x_window)
        down = smooth_step((-v - p.V_th) / p.V_w) * self.step_down(xs) * window_from_lower(xs, 0.0, p.x_window)
        return stack_rate((up + down) / p.t_pulse, x)

    def state_bounds(self):
        return np.array([0.0]), np.array([1.0])

    def initial_state(self) -> np.ndarray:
        return np.array([0.5])

    # ---- pulse API for training ----------------------------------------------------------
    def apply_pulses(self, x, n_pulses_signed, rng=None, seed=None):
        """State after ``n_pulses_signed`` identical write pulses (positive = potentiation).

        ``x`` and ``n_pulses_signed`` broadcast (arrays of devices, e.g. a crossbar). With ``rng``
        (a numpy Generator) or ``seed``, each step gets relative Gaussian noise ``sigma_c2c``;
        without either the update is deterministic. Returns x clipped to [0, 1].
        """
        x = np.array(np.asarray(x, dtype=float), copy=True)
        n = np.asarray(n_pulses_signed)
        if not np.issubdtype(n.dtype, np.integer):
            if not np.all(np.isfinite(n)) or not np.all(n == np.round(n)):
                raise ConfigError("n_pulses_signed", n.tolist() if n.size < 10 else f"array{n.shape}", "integers")
            n = n.astype(int)
        if np.any(x < 0) or np.any(x > 1) or not np.all(np.isfinite(x)):
            raise ConfigError("x", "out of range", "states in [0, 1]")
        x, n = np.broadcast_arrays(x, n)
        x = x.copy()
        if rng is None and seed is not None:
            rng = make_rng(seed)
        remaining = np.abs(n)
        sign = np.sign(n)
        for _ in range(int(remaining.max(initial=0))):
            active = remaining > 0
            step = np.where(sign > 0, self.step_up(x), self.step_down(x))
            if rng is not None and self.p.sigma_c2c > 0:
                step = step * (1.0 + self.p.sigma_c2c * rng.standard_normal(x.shape))
            x = np.where(active, np.clip(x + step, 0.0, 1.0), x)
            remaining = remaining - active
        return x

    def pulses_for_state(self, x_from: float, x_to: float) -> int:
        """Number of (signed) pulses that bring the deterministic state closest to ``x_to``."""
        validate.in_range("x_from", x_from, 0.0, 1.0)
        validate.in_range("x_to", x_to, 0.0, 1.0)
        x, k = float(x_from), 0
        direction = 1 if x_to > x_from else -1
        step = self.step_up if direction > 0 else self.step_down
        while True:
            nxt = min(max(x + float(step(x)), 0.0), 1.0)
            if abs(nxt - x_to) >= abs(x - x_to) or k > 100 * self.p.n_states:
                return direction * k
            x, k = nxt, k + 1
