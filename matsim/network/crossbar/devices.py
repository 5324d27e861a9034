"""Pulsed training devices from compact models: the model's own pulse response as a lookup table.

:meth:`LUTPulsedDevice.from_compact` (also ``PulsedDevice.from_compact``) applies trains of identical
``up`` and ``down`` voltage pulses to one device, integrating the compact model's ``dstate_dt`` over each
pulse (:func:`.operations.integrate_pulse`), and records the read conductance ``G = I(v_read)/v_read``
after every pulse. Sweep: from the initial state up to saturation, down to saturation, up again; the
trains span the window ``[G_lo, G_hi]`` (optionally narrowed by ``window``) and the range of states. The
lookup table is the read conductance on a dense grid of those states and after one up / one down pulse
from each (one vectorized integration). Every model here has one state variable and ``G`` is monotonic
in it, so ``G`` alone determines the next step; the table is exact at its nodes (interpolation in
``ln G`` between them). Weights map linearly (against a reference conductance at mid-window)::

    w = w_max (2 (G - G_lo) / (G_hi - G_lo) - 1)

One pulse moves ``w`` by ``dw_up(w) (1 + noise N(0,1))`` (``dw_down`` for negative pulses), with relative
cycle-to-cycle ``noise`` (default: the model's ``sigma_c2c`` if it has one, else 0). Device-to-device
variation: ``d2d = {parameter: sigma}`` draws ``n_devices`` parameter sets with
:func:`compact.variability.sample`, builds one table each (in the nominal device's weight mapping, so a
weaker device has a narrower weight range) and assigns them to the cells at random (fixed per array
shape and seed). The symmetry point ``w*`` is where ``dw_up(w*) = -dw_down(w*)`` (Gokmen & Haensch,
Front. Neurosci. 14, 103 (2020); zero-shifting: Kim et al., arXiv:1907.10228 (2019)); ``dw_min`` is the mean
step there.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matsim.core import validate
from matsim.core.errors import ConfigError
from matsim.core.rng import make_rng


@dataclass(frozen=True)
class Pulse:
    """A rectangular write pulse: ``amplitude`` (V, signed, across the device) for ``width`` (s)."""

    amplitude: float
    width: float

    def __post_init__(self):
        validate.finite("amplitude", self.amplitude, "V")
        if self.amplitude == 0:
            raise ConfigError("amplitude", 0.0, "a non-zero pulse amplitude (V)")
        validate.positive("width", self.width, "s")


def _as_pulse(field: str, p) -> Pulse:
    if isinstance(p, Pulse):
        return p
    try:
        a, w = p
        return Pulse(float(a), float(w))
    except (TypeError, ValueError):
        raise ConfigError(field, p, "a Pulse(amplitude V, width s) or (amplitude, width)") from None


def _read_g(model, x, v_read, T):
    x = np.asarray(x, dtype=float)
    return np.broadcast_to(np.asarray(model.current(v_read, x, T), dtype=float), x.shape[1:]) / v_read


def pulse_train(model, pulse: Pulse, x0, n: int, v_read: float = 0.1, T=None) -> tuple[np.ndarray, np.ndarray]:
    """States (n_state, n+1) and read conductances (S, (n+1,)) over ``n`` identical pulses from ``x0``."""
    from matsim.network.crossbar.operations import integrate_pulse
    x = np.asarray(x0, dtype=float).reshape(-1, 1).copy()
    xs = [x[:, 0].copy()]
    v = np.array([pulse.amplitude])
    for _ in range(n):
        x = integrate_pulse(model, v, x, pulse.width, T)
        xs.append(x[:, 0].copy())
    xs = np.array(xs).T
    return xs, _read_g(model, xs, v_read, T)


def _train_to_saturation(model, pulse, x0, max_pulses, v_read, T, rtol=1e-4):
    """Pulses from x0 until the conductance change per pulse falls below rtol of the change so far.
    Returns (final state, conductances (S), states (n_state, n+1)) of the train."""
    from matsim.network.crossbar.operations import integrate_pulse
    x = np.asarray(x0, dtype=float).reshape(-1, 1).copy()
    g = [float(_read_g(model, x, v_read, T)[0])]
    xs = [x[:, 0].copy()]
    v = np.array([pulse.amplitude])
    for k in range(max_pulses):
        x = integrate_pulse(model, v, x, pulse.width, T)
        g.append(float(_read_g(model, x, v_read, T)[0]))
        xs.append(x[:, 0].copy())
        if k >= 3 and abs(g[-1] - g[-2]) <= rtol * abs(g[-1] - g[0]):
            break
    return x, np.array(g), np.array(xs).T


def _trains(model, up, down, max_pulses, v_read, T):
    """Up to saturation from the initial state, down to saturation, up again: (G_up, G_down, states)."""
    x = np.asarray(model.initial_state(), dtype=float)
    x, _, _ = _train_to_saturation(model, up, x, max_pulses, v_read, T)
    x, g_down, x_down = _train_to_saturation(model, down, x, max_pulses, v_read, T)
    x, g_up, x_up = _train_to_saturation(model, up, x, max_pulses, v_read, T)
    return g_up, g_down, np.hstack([x_down, x_up])


def _step_table(model, up, down, x_lo, x_hi, n_grid, v_read, T):
    """Read conductance before and after one up / one down pulse on a grid of states (all cells at once)."""
    from matsim.network.crossbar.operations import integrate_pulse
    xg = np.linspace(x_lo, x_hi, n_grid)[None, :]
    g = _read_g(model, xg, v_read, T)
    g_up = _read_g(model, integrate_pulse(model, np.full(n_grid, up.amplitude), xg, up.width, T), v_read, T)
    g_dn = _read_g(model, integrate_pulse(model, np.full(n_grid, down.amplitude), xg, down.width, T), v_read, T)
    o = np.argsort(g)
    return g[o], g_up[o], g_dn[o]


class LUTPulsedDevice:
    """Pulsed device whose up/down responses are lookup tables extracted from a compact model (module doc).

    The table of sampled device k is ``(u, u_up, u_down)`` with ``u = ln(G + G_eps)`` (``G_eps = 1e-6 G_hi``)
    of the read conductance on a dense grid of device states, and the same after one up / one down pulse
    from each state (the model integrated over the pulse). A pulse maps ``u -> u_up(u)`` by linear
    interpolation in ``u``: exact at the grid states, second order between them, and smooth for the
    exponential conductance of filamentary devices.

    Same interface as :class:`~matsim.network.crossbar.dnn.PulsedDevice`: ``w_max``, ``dw_min``,
    ``n_states``, ``apply_pulses(w, n, rng)``; plus ``symmetry_point`` (nominal, weight units) and
    :meth:`symmetry_points` (per cell, with device-to-device variation).
    """

    def __init__(self, tables: list, window: tuple[float, float], w_max: float = 1.0, noise: float = 0.0,
                 name: str = "LUT", seed=None):
        self.G_lo, self.G_hi = (float(v) for v in window)
        self.window = (self.G_lo, self.G_hi)
        self.w_max = float(w_max)
        self.noise = validate.non_negative("noise", noise)
        self.name = name
        self.seed = seed
        self._eps = 1e-6 * self.G_hi
        lg = lambda G: np.log(np.maximum(np.asarray(G, float), 0.0) + self._eps)
        self.tables = [(lg(g), lg(gu), lg(gd)) for g, gu, gd in tables]
        self._assign: dict = {}
        grid = np.linspace(-self.w_max, self.w_max, 2001)
        self.symmetry_point_d = np.array([self._sym(grid, d) for d in range(self.n_devices)])
        self.symmetry_point = float(self.symmetry_point_d[0])
        w0 = np.array([self.symmetry_point])
        d0 = np.zeros(1, dtype=int)
        self.dw_min = 0.5 * float(self.step(w0, True, d0)[0] - self.step(w0, False, d0)[0])
        if not self.dw_min > 0:
            raise ConfigError("up", name, "pulses that move the conductance at the symmetry point")
        self.n_states = int(round(2 * self.w_max / self.dw_min))

    @property
    def n_devices(self) -> int:
        return len(self.tables)

    def _sym(self, grid, d: int) -> float:
        dd = np.full(grid.shape, d)
        su, sd = self.step(grid, True, dd), self.step(grid, False, dd)
        moving = (su > 0) & (sd < 0)
        g, s = grid[moving], (su + sd)[moving]
        if g.size == 0:
            return 0.0
        idx = np.flatnonzero(np.sign(s[:-1]) * np.sign(s[1:]) <= 0)
        if idx.size == 0:                         # no crossing: where up and down are closest
            return float(g[np.argmin(np.abs(s))])
        k = idx[0]
        if s[k] == 0 or s[k] == s[k + 1]:
            return float(g[k])
        from scipy.optimize import brentq
        f = lambda w: float(self.step(np.array([w]), True, np.array([d]))[0]       
                            + self.step(np.array([w]), False, np.array([d]))[0])
        return float(brentq(f, g[k], g[k + 1], xtol=1e-12))

    # ---- construction from a compact model ----------------------------------------------------
    @classmethod
    def from_compact(cls, model, up, down, w_max: float = 1.0, v_read: float = 0.1, noise: float | None = None,
                     d2d: dict | None = None, n_devices: int = 8, window=None, max_pulses: int = 3000,
                     n_grid: int = 1001, T=None, seed=None) -> "LUTPulsedDevice":
        """Device tables from ``model``'s own pulse response (see the module docstring).

        ``up``/``down``: :class:`Pulse` or (amplitude V, width s) that raise / lower the read conductance.
        ``window``: optional (G_lo, G_hi) in S to restrict the operating range. ``d2d``: spreads for
        :func:`compact.variability.sample` (``n_devices`` draws).
        """
        from compact.base import CompactModel
        if not isinstance(model, CompactModel) or not hasattr(model, "dstate_dt"):
            raise ConfigError("model", type(model).__name__, "a compact model with a pulse response (dstate_dt)")
        up, down = _as_pulse("up", up), _as_pulse("down", down)
        w_max = validate.positive("w_max", w_max)
        v_read = validate.positive("v_read", v_read, "V")
        max_pulses = validate.positive_int("max_pulses", max_pulses, minimum=4)
        if noise is None:
            noise = float(model.params["sigma_c2c"].value) if "sigma_c2c" in model.params else 0.0
        if model.n_state != 1:
            raise ConfigError("model", model.name, "a compact model with one state variable (G then fixes the state)")
        g_up, g_down, xs = _trains(model, up, down, max_pulses, v_read, T)
        for field, g, p, sign in (("up", g_up, up, 1), ("down", g_down, down, -1)):
            change = g[-1] - g[0]
            if not np.all(np.isfinite(g)) or abs(change) <= 1e-9 * max(abs(g[0]), 1e-30):
                raise ConfigError(field, p, f"a pulse that changes the read conductance of {model.name} "
                                  f"(G stays at {g[0]:.3g} S: below the switching threshold, or no pulse response)")
            if sign * change < 0:
                raise ConfigError(field, p, f"a pulse that {'raises' if sign > 0 else 'lowers'} the read "
                                  f"conductance of {model.name} (it {'lowers' if sign > 0 else 'raises'} it: "
                                  "swap the polarity)")
        G_lo, G_hi = min(g_up.min(), g_down.min()), max(g_up.max(), g_down.max())
        if window is not None:
            lo, hi = (float(v) for v in window)
            if not (G_lo <= lo < hi <= G_hi):
                raise ConfigError("window", window, f"(G_lo, G_hi) inside the pulse window [{G_lo:.3g}, {G_hi:.3g}] S")
            G_lo, G_hi = lo, hi
        x_lo, x_hi = float(xs[0].min()), float(xs[0].max())
        n_grid = validate.positive_int("n_grid", n_grid, minimum=3)
        models = [model]
        if d2d:
            from compact.variability import sample
            models += sample(model, validate.positive_int("n_devices", n_devices) - 1, spread=d2d, seed=seed)
        tables = [_step_table(m, up, down, x_lo, x_hi, n_grid, v_read, T) for m in models]
        return cls(tables, (G_lo, G_hi), w_max, noise, name=f"{model.name} (LUT)", seed=seed)

    # ---- pulses -------------------------------------------------------------------------------------
    def device_index(self, shape, array: int = 0) -> np.ndarray:
        """Which sampled device each cell of array number ``array`` of ``shape`` is (fixed per shape, array and
        seed; e.g. the A and C arrays of a Tiki-Taka layer are different physical devices)."""
        shape = tuple(np.shape(np.empty(shape)))
        key = (shape, int(array))
        if key not in self._assign:
            self._assign[key] = (make_rng(self.seed, stream=(17, int(array), len(shape), *shape))
                                 .integers(0, self.n_devices, shape) if self.n_devices > 1
                                 else np.zeros(shape, dtype=int))
        return self._assign[key]

    def symmetry_points(self, shape, array: int = 0) -> np.ndarray:
        """Symmetry point (weight units) of every cell of array number ``array`` of ``shape``."""
        return self.symmetry_point_d[self.device_index(shape, array)]

    def _to_u(self, w):
        G = self.G_lo + (np.asarray(w, float) / self.w_max + 1) / 2 * (self.G_hi - self.G_lo)
        return np.log(np.maximum(G, 0.0) + self._eps)

    def _to_w(self, u):
        G = np.exp(u) - self._eps
        return self.w_max * (2 * (G - self.G_lo) / (self.G_hi - self.G_lo) - 1)

    def step(self, w, up: bool, d=None) -> np.ndarray:
        """Deterministic weight change of one pulse at weights ``w`` (devices ``d``, default nominal)."""
        w = np.asarray(w, dtype=float)
        d = np.zeros(w.shape, dtype=int) if d is None else np.broadcast_to(d, w.shape)
        u = self._to_u(w)
        out = u.copy()
        if self.n_devices == 1:
            ug, uu, ud = self.tables[0]
            nxt = np.interp(u, ug, uu if up else ud)
            return self._to_w(np.maximum(nxt, u) if up else np.minimum(nxt, u)) - w
        for k in np.unique(d):
            sel = d == k
            ug, uu, ud = self.tables[k]
            nxt = np.interp(u[sel], ug, uu if up else ud)
            out[sel] = np.maximum(nxt, u[sel]) if up else np.minimum(nxt, u[sel])
        return self._to_w(out) - w

    def apply_pulses(self, w, n, rng=None, array: int = 0) -> np.ndarray:
        """Weights after ``n`` signed pulses (integers, + = up) on ``w`` (array number ``array``), pulse by pulse."""
        w = np.array(np.asarray(w, dtype=float), copy=True)
        n = np.asarray(n)
        if not np.all(np.isfinite(n)) or not np.all(n == np.round(n)):
            raise ConfigError("n_pulses", "non-integer", "integer pulse counts")
        w, n = np.broadcast_arrays(w, n.astype(int))
        w = w.copy()
        d = self.device_index(w.shape, array)
        lo, hi = -self.w_max, self.w_max
        flat_w, flat_d = w.reshape(-1), d.reshape(-1)
        remaining, up = np.abs(n).reshape(-1), (n > 0).reshape(-1)
        for _ in range(int(remaining.max(initial=0))):
            active = np.flatnonzero(remaining > 0)
            wa, da, ua = flat_w[active], flat_d[active], up[active]
            s = np.empty(active.size)
            if ua.any():
                s[ua] = self.step(wa[ua], True, da[ua])
            if not ua.all():
                s[~ua] = self.step(wa[~ua], False, da[~ua])
            if self.noise > 0 and rng is not None:
                s = s * (1.0 + self.noise * rng.standard_normal(s.shape))
            flat_w[active] = np.clip(wa + s, lo, hi)
            remaining[active] -= 1
        return flat_w.reshape(w.shape)

    def conductance(self, w) -> np.ndarray:
        """Read conductance (S) of weights ``w``."""
        return self.G_lo + (np.asarray(w, float) / self.w_max + 1) / 2 * (self.G_hi - self.G_lo)

    def weight(self, G) -> np.ndarray:
        """Weight of read conductance ``G`` (S)."""
        return self.w_max * (2 * (np.asarray(G, float) - self.G_lo) / (self.G_hi - self.G_lo) - 1)

    def __repr__(self) -> str:
        return (f"LUTPulsedDevice({self.name}, {self.n_states} states at w* = {self.symmetry_point:.3f}, "
                f"{self.n_devices} device(s), noise {self.noise:g})")
