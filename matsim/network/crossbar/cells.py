"""Crossbar cells: what sits between a word-line node and a bit-line node.

A cell is any object with ``linear`` (bool), ``current(v)`` (A) and ``conductance(v)`` = dI/dV (S)
for a device-voltage array ``v`` of shape ``(rows, cols)`` or ``(K, rows, cols)``. The solver only
calls these two methods, so the device is a parameter of the array, never a branch in the solver
(the aihwkit idea of device configs). Provided:

* :class:`FixedConductance` — ohmic cell ``I = G V``.
* :class:`DeviceElement` — any :class:`compact.base.CompactModel` with a state array
  ``x`` of shape ``(n_state, rows, cols)``: ``I = model.current(V, x, T)``.
* :class:`LinearTransistor` — access transistor in its linear (triode, small V_ds) region,
  ``G_T = beta * V_ov`` with the smooth overdrive ``V_ov = n V_t ln(1 + exp((V_g - V_th)/(n V_t)))``.
* :class:`SeriesCell` — two elements in series (1S1R: selector + device; 1T1R: transistor + device);
  the inner node is solved per cell by safeguarded Newton (both branches monotonic), and
  ``dI/dV = g_a g_b / (g_a + g_b)``.
"""

from __future__ import annotations

import numpy as np

from matsim.core.errors import ConfigError, ConvergenceError
from matsim.core.units import thermal_voltage


class FixedConductance:
    """Ohmic cell ``I = G V`` with ``G`` (S) of shape ``(rows, cols)``, all finite and >= 0."""

    linear = True

    def __init__(self, G):
        G = np.asarray(G, dtype=float)
        if not np.all(np.isfinite(G)) or np.any(G < 0):
            bad = G[~(np.isfinite(G) & (G >= 0))].ravel()[:1].tolist()
            raise ConfigError("conductances", bad[0] if bad else G.tolist(),
                              "finite conductances >= 0 S (a negative conductance is not a passive device)")
        self.G = G

    def current(self, v):
        return self.G * v

    def conductance(self, v):
        return np.broadcast_to(self.G, np.shape(v)) if np.ndim(v) > self.G.ndim else self.G


class DeviceElement:
    """A compact model evaluated for every cell: ``I = model.current(V, x, T)``."""

    def __init__(self, model, state, T=None):
        self.model = model
        self.state = model.check_state(state, "state")
        self.T = T
        self.linear = bool(getattr(model, "linear", False))

    def current(self, v):
        return self.model.current(v, self.state, self.T)

    def conductance(self, v):
        return self.model.conductance(v, self.state, self.T)


class LinearTransistor:
    """Access FET in the triode region as a gate-controlled series conductance (S).

    ``G_T = beta * n V_t ln(1 + exp((V_g - V_th) / (n V_t)))`` — the square-law linear-region
    conductance ``beta (V_g - V_th)`` for V_ds -> 0, smoothed into sub-threshold so that an
    "off" transistor still leaks. ``V_gate`` (V) is a scalar or one value per row (word-line gate).
    """

    linear = True

    def __init__(self, beta: float = 1e-3, V_th: float = 0.4, V_gate=1.2, n: float = 1.5, T: float = 300.0):
        if not (np.isfinite(beta) and beta > 0):
            raise ConfigError("beta", beta, "a transconductance parameter > 0 A/V^2")
        self.beta, self.V_th, self.n, self.T = float(beta), float(V_th), float(n), float(T)
        self.V_gate = np.asarray(V_gate, dtype=float)

    def G(self, shape):
        nvt = self.n * thermal_voltage(self.T)
        vg = self.V_gate[:, None] if self.V_gate.ndim == 1 else self.V_gate
        g = self.beta * nvt * np.logaddexp(0.0, (vg - self.V_th) / nvt)
        return np.broadcast_to(g, shape)

    def current(self, v):
        return self.G(np.shape(v)[-2:]) * v

    def conductance(self, v):
        return np.broadcast_to(self.G(np.shape(v)[-2:]), np.shape(v))


class SeriesCell:
    """Element ``a`` (at the word line) in series with element ``b`` (at the bit line).

    For a cell voltage ``V`` the inner node voltage ``u`` (drop across ``a``) solves
    ``I_a(u) = I_b(V - u)``; ``f(u) = I_a(u) - I_b(V - u)`` is increasing for monotonic elements and
    has its root in ``[min(0, V), max(0, V)]``, so Newton safeguarded by bisection always converges.
    """

    def __init__(self, a, b, rtol: float = 1e-12, max_iter: int = 200):
        self.a, self.b = a, b
        self.linear = bool(a.linear and b.linear)
        self.rtol, self.max_iter = rtol, max_iter
        self._u = None

    def split(self, v):
        """Inner-node drop ``u`` across ``a`` (V), same shape as ``v``."""
        v = np.asarray(v, dtype=float)
        if self.linear:
            ga, gb = self.a.conductance(v), self.b.conductance(v)
            return v * gb / (ga + gb)
        lo, hi = np.minimum(0.0, v), np.maximum(0.0, v)
        u = self._u if (self._u is not None and self._u.shape == v.shape) else 0.5 * v
        u = np.clip(u, lo, hi)
        for _ in range(self.max_iter):
            ia, ib = self.a.current(u), self.b.current(v - u)
            f = ia - ib
            scale = np.maximum(np.abs(ia) + np.abs(ib), 1e-30)
            done = np.abs(f) <= self.rtol * scale
            if np.all(done):
                self._u = u
                return u
            lo = np.where(f < 0, u, lo)
            hi = np.where(f > 0, u, hi)
            df = self.a.conductance(u) + self.b.conductance(v - u)
            with np.errstate(divide="ignore", invalid="ignore"):
                un = u - f / df
            bad = ~np.isfinite(un) | (un <= lo) | (un >= hi)
            un = np.where(bad, 0.5 * (lo + hi), un)
            # converged cells stay put; bracket collapse also ends the iteration
            u = np.where(done, u, un)
            if np.all(done | (hi - lo <= 1e-15 * np.maximum(np.abs(v), 1e-12))):
                self._u = u
                return u
        raise ConvergenceError(f"SeriesCell: inner-node solve did not converge in {self.max_iter} iterations "
                               f"(max |I_a - I_b| = {np.max(np.abs(f)):.3e} A)")

    def current(self, v):
        u = self.split(v)
        return self.a.current(u)

    def conductance(self, v):
        u = self.split(v)
        ga, gb = self.a.conductance(u), self.b.conductance(np.asarray(v) - u)
        return ga * gb / np.maximum(ga + gb, 1e-300)


def make_cell(device, state=None, T=None, cell: str = "1R", selector=None, transistor=None,
              shape: tuple[int, int] | None = None):
    """Build the cell object from a device (compact model or conductances) and the cell type.

    ``cell``: ``"1R"`` (device alone), ``"1S1R"`` (``selector``, default :class:`compact.selector.Selector`,
    in series) or ``"1T1R"`` (``transistor``, default :class:`LinearTransistor`, in series).
    """
    from compact.base import CompactModel

    if isinstance(device, CompactModel):
        if state is None:
            x0 = np.asarray(device.initial_state(), dtype=float)
            state = np.broadcast_to(x0.reshape(-1, 1, 1), (device.n_state,) + tuple(shape)).copy()
        state = np.asarray(state, dtype=float)
        if shape is not None and state.shape != (device.n_state,) + tuple(shape):
            raise ConfigError("state", f"array{state.shape}",
                              f"shape (n_state, rows, cols) = {(device.n_state,) + tuple(shape)}")
        element = DeviceElement(device, state, T)
    else:
        if state is not None:
            raise ConfigError("state", "<array>", "None for fixed conductances (states belong to compact-model devices)")
        G = np.asarray(device, dtype=float)
        if shape is not None:
            if G.ndim == 0:
                G = np.full(shape, float(G))
            if G.shape != tuple(shape):
                raise ConfigError("conductances", f"array{G.shape}", f"shape (rows, cols) = {tuple(shape)}")
        element = FixedConductance(G)
    if cell == "1R":
        return element
    if cell == "1S1R":
        if selector is None:
            from compact.selector import Selector
            selector = Selector()
        sel = selector if hasattr(selector, "linear") else DeviceElement(
            selector, np.zeros((selector.n_state,) + tuple(shape)), T)
        return SeriesCell(sel, element)
    if cell == "1T1R":
        return SeriesCell(transistor if transistor is not None else LinearTransistor(), element)
    raise ConfigError("cell", cell, "one of '1R', '1S1R', '1T1R'")
