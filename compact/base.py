"""The one interface every compact device model follows.

A model is a plain object (scikit-learn style): parameters go into the constructor as a
:class:`~matsim.core.ParameterSet` (defaults from the paper, overridable by keyword), the device
equations are methods::

    i   = model.current(v, x, T)        # A, for terminal voltage v (V) and state x
    dx  = model.dstate_dt(v, x, T)      # state units per second
    g   = model.conductance(v, x, T)    # dI/dV (S), for Newton solvers (crossbar, circuits)
    ds  = model.simulate(waveform, t)   # xarray.Dataset with t, v, i and one variable per state

``x`` has shape ``(n_state,)`` or ``(n_state, *batch)``; ``v`` broadcasts against ``x[0]``, so one call
evaluates a whole array of devices. ``T`` (K) is the ambient temperature; ``None`` means the model's
``T_ambient`` parameter. Models with a self-heating node keep their own temperature in the state.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Callable

import numpy as np
import xarray as xr
from scipy.integrate import solve_ivp

from matsim.core.errors import ConfigError, ConvergenceError
from matsim.core.parameters import ParameterSet


class CompactModel:
    """Base class: subclasses set ``name``, ``state_names``, ``state_units`` and implement
    :meth:`default_parameters`, :meth:`current`, :meth:`dstate_dt` and :meth:`state_bounds`."""

    name: str = "CompactModel"
    state_names: tuple[str, ...] = ("x",)
    state_units: tuple[str, ...] = ("1",)
    #: scipy solve_ivp method used by :meth:`simulate` (stiff models use "Radau" or "LSODA")
    integrator: str = "LSODA"
    #: parameters fitted by default (``matsim compact fit`` without ``--params``)
    fit_parameters: tuple[str, ...] = ()

    def __init__(self, params: ParameterSet | None = None, **overrides):
        ps = self.default_parameters()
        if params is not None:
            ps = ps.merge(params)
        if overrides:
            unknown = sorted(set(overrides) - set(ps))
            if unknown:
                raise ConfigError(unknown[0], overrides[unknown[0]],
                                  f"a parameter of {self.name}: one of {', '.join(ps)}")
            ps = ps.with_values(source="user override", **overrides)
        self.params = ps
        #: SI values by name, for the equations
        self.p = SimpleNamespace(**{k: ps.si(k) for k in ps})
        self.validate()

    # ---- to implement --------------------------------------------------------------------
    @classmethod
    def default_parameters(cls) -> ParameterSet:
        raise NotImplementedError

    def current(self, v, x, T=None):
        raise NotImplementedError

    def dstate_dt(self, v, x, T=None):
        raise NotImplementedError

    def state_bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """(lower, upper) arrays of shape (n_state,)."""
        raise NotImplementedError

    def validity_bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """(lower, upper) range in which the model's equations are meant to hold.

        Defaults to :meth:`state_bounds`. Models that keep the state inside its bounds by fading a
        driving term out near a bound (a window) override it: a state that settles in that boundary
        layer is a model artefact, and callers such as :class:`matsim.network.oscillators.MottNetwork`
        report the bias as out of range.
        """
        return self.state_bounds()

    def validity_violation(self, x) -> str | None:
        """None if every state in ``x`` (shape (n_state, ...), e.g. a trajectory) lies in
        :meth:`validity_bounds` (relative slack 1e-9), else the range as text, e.g. "T in [1, 1980]"."""
        x = np.asarray(x, dtype=float)
        lo, hi = self.validity_bounds()
        shape = (self.n_state,) + (1,) * (x.ndim - 1)
        lo, hi = np.reshape(lo, shape), np.reshape(hi, shape)
        if np.any(x < lo - 1e-9 * np.abs(lo)) or np.any(x > hi + 1e-9 * np.abs(hi)):
            return ", ".join(f"{n} in [{a:g}, {b:g}]" for n, a, b in zip(self.state_names, lo.ravel(), hi.ravel(),
                                                                         strict=True))
        return None

    def initial_state(self) -> np.ndarray:
        """A default state (the lower bound unless a subclass says otherwise)."""
        return np.array(self.state_bounds()[0], dtype=float)

    def validate(self) -> None:
        """Check parameter values; raise :class:`ConfigError` naming the bad one."""

    # ---- provided ------------------------------------------------------------------------
    @property
    def n_state(self) -> int:
        return len(self.state_names)

    def with_params(self, **overrides) -> "CompactModel":
        """A copy with some parameters changed (values in each parameter's stored unit)."""
        return type(self)(self.params, **overrides)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({len(self.params)} parameters)"

    def check_state(self, x, field: str = "state") -> np.ndarray:
        """``x`` as an array if within bounds, else a :class:`ConfigError`."""
        x = np.asarray(x, dtype=float)
        lo, hi = self.state_bounds()
        shape = (self.n_state,) + (1,) * (x.ndim - 1)
        if x.shape[:1] != (self.n_state,) or not np.all(np.isfinite(x)) \
                or np.any(x < np.reshape(lo, shape)) or np.any(x > np.reshape(hi, shape)):
            raise ConfigError(field, x.tolist() if x.size < 10 else f"array{x.shape}",
                              f"{self.n_state} finite value(s) within bounds "
                              + ", ".join(f"{n} in [{a:g}, {b:g}]" for n, a, b in zip(self.state_names, lo, hi)))
        return x

    def clip_state(self, x) -> np.ndarray:
        lo, hi = self.state_bounds()
        x = np.asarray(x, dtype=float)
        shape = (self.n_state,) + (1,) * (x.ndim - 1)
        return np.clip(x, np.reshape(lo, shape), np.reshape(hi, shape))

    def conductance(self, v, x, T=None, dv: float = 1e-6):
        """Small-signal conductance dI/dV (S) by central difference; override with the analytic form."""
        v = np.asarray(v, dtype=float)
        return (self.current(v + dv, x, T) - self.current(v - dv, x, T)) / (2 * dv)

    def simulate(self, waveform: Callable[[np.ndarray], np.ndarray] | float, t, x0=None, T=None,
                 method: str | None = None, max_step: float | None = None, rtol: float = 1e-6,
                 atol: float | np.ndarray | None = None) -> xr.Dataset:
        """Integrate the state under a voltage waveform ``v(t)`` (callable, or a constant in V).

        ``x0`` of shape ``(n_state,)`` integrates one device; ``(n_state, n_device)`` integrates a batch
        of devices (e.g. different initial states) in one call, and every output variable then has
        dims ``("t", "device")``; the waveform may then return one voltage per device.

        Returns an ``xarray.Dataset`` over ``t`` (s) with ``v`` (V), ``i`` (A) and one variable per
        state, units in attrs, the parameters (JSON) in ``attrs["parameters"]``, and in
        ``attrs["bound_violation"]`` the largest excursion of the integrated state outside its bounds
        (fraction of the bound span, before clipping; ~0 for a well-posed model).
        """
        t = np.asarray(t, dtype=float)
        if t.ndim != 1 or t.size < 2 or not np.all(np.diff(t) > 0):
            raise ConfigError("t", f"array{t.shape}", "at least 2 strictly increasing times in s")
        period = getattr(waveform, "period", None)
        if period is not None and not float(period) > 0:
            raise ConfigError("waveform.period", period, "a period > 0 s")
        wf = waveform if callable(waveform) else (lambda tt, _v=float(waveform): np.full_like(np.asarray(tt, float), _v))
        x0 = self.initial_state() if x0 is None else self.check_state(np.asarray(x0, dtype=float).reshape(
            (self.n_state,) + np.shape(x0)[1:]) if np.ndim(x0) > 1 else np.atleast_1d(x0), "x0")
        batch = x0.shape[1:]
        if len(batch) > 1:
            raise ConfigError("x0", f"array{x0.shape}", "shape (n_state,) or (n_state, n_device)")
        if max_step is None:
            max_step = getattr(waveform, "max_step", None) or (t[-1] - t[0]) / 200.0
        max_step = min(float(max_step), t[-1] - t[0])
        lo, hi = self.state_bounds()
        shape = x0.shape
        span = np.maximum(np.abs(hi - lo), 1e-300)
        span_full = np.broadcast_to(span.reshape((self.n_state,) + (1,) * len(batch)), shape).ravel()

        def voltage(tt):
            val = np.asarray(wf(tt), dtype=float)
            return float(val) if val.ndim == 0 else val        # per-device voltages broadcast over the batch

        # outside the bounds (integrator overshoot) the rate is the one at the bound plus a linear pull-back,
        # so Newton iterations of implicit methods see a nonzero Jacobian instead of a flat clip
        pull = 10.0 / max_step

        def rhs(tt, y):
            x = self.clip_state(y.reshape(shape))
            rate = np.broadcast_to(np.asarray(self.dstate_dt(voltage(tt), x, T), dtype=float), shape).reshape(-1)
            return rate - pull * (y - x.reshape(-1))

        sol = solve_ivp(rhs, (t[0], t[-1]), x0.ravel(), method=method or self.integrator,
                        t_eval=t, max_step=max_step, rtol=rtol,
                        atol=atol if atol is not None else 1e-9 * np.maximum(span_full, 1e-30))
        if not sol.success or sol.y.shape[1] != t.size or not np.all(np.isfinite(sol.y)):
            raise ConvergenceError(f"{self.name}.simulate: integration failed at t={sol.t[-1]:.3g} s ({sol.message})")
        y = sol.y.reshape(shape + (t.size,))                       # (n_state, [n_device,] n_t)
        bshape = (self.n_state,) + (1,) * (len(batch) + 1)
        excess = np.maximum(np.maximum(lo.reshape(bshape) - y, y - hi.reshape(bshape)), 0.0) / span.reshape(bshape)
        violation = float(np.max(excess))
        x = self.clip_state(y)
        dims = ("t",) if not batch else ("t", "device")
        tr = (lambda a: a) if not batch else (lambda a: a.T)
        if batch:
            v = np.stack([np.broadcast_to(voltage(tt), batch) for tt in t], axis=-1)   # (n_device, n_t)
            vdims, vout = dims, v.T
        else:
            v = np.asarray(wf(t), dtype=float) * np.ones_like(t)
            vdims, vout = ("t",), v
        i = np.asarray(self.current(v, x, T), dtype=float) * np.ones(x.shape[1:])
        data = {"v": (vdims, vout, {"units": "V", "long_name": "voltage"}),
                "i": (dims, tr(i), {"units": "A", "long_name": "current"})}
        for k, (n, u) in enumerate(zip(self.state_names, self.state_units)):
            data[n] = (dims, tr(x[k]), {"units": u, "long_name": f"state {n}"})
        return xr.Dataset(data, coords={"t": ("t", t, {"units": "s"})},
                          attrs={"model": self.name, "parameters": self.params.to_json(),
                                 "integrator": method or self.integrator,
                                 "bound_violation": violation})
