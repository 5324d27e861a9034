"""Reservoir computing with volatile memristive devices as the reservoir nodes (fading memory).

Device echo-state network (seed 002 §4.3; Du et al., Nat. Commun. 8, 2204 (2017); Moon et al.,
Nat. Electron. 2, 480 (2019)): N devices (any :class:`compact.CompactModel`; e.g. a TaOx extended
memristor or a thermal NbOx switch) each in series with a resistor R_s. At step n the node voltages

    v(n) = V_in * tanh(W_in u(n) + W r(n-1) + b)      (W random, spectral radius rho; a saturating driver)

are applied as pulses of width dt; each device state integrates dx/dt = f(v_dev, x) over the pulse
(Heun steps, the device voltage v_dev from the series-resistor divider), relaxes for ``t_relax`` at
zero bias (the fading memory of a volatile device), and is read at a small ``v_read``:
r_k(n) = ln(I_k(v_read, x_k) / I_ref) (log of the read current relative to the rest state). A ridge-regression readout maps
[r(n), 1] to the target. :class:`SoftwareESN` is the standard leaky tanh ESN (Jaeger 2001) for the
comparison; :func:`narma10` is the NARMA10 benchmark (Atiya & Parlos 2000).

Score: NRMSE = sqrt(mean((y - y_hat)^2) / var(y)) on held-out data (1 = predicting the mean).
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from compact.base import CompactModel
from matsim.core import validate
from matsim.core.errors import ConfigError, ConvergenceError
from matsim.core.rng import make_rng


def narma10(n: int, seed=None) -> tuple[np.ndarray, np.ndarray]:
    """NARMA10 input u ~ U[0, 0.5] and target
    y(n+1) = 0.3 y(n) + 0.05 y(n) sum_{i=0}^{9} y(n-i) + 1.5 u(n-9) u(n) + 0.1."""
    n = validate.positive_int("n", n, 20)
    rng = make_rng(seed)
    for _ in range(20):                  # the recursion diverges for rare input draws: redraw
        u = rng.uniform(0.0, 0.5, n)
        y = np.zeros(n)
        for k in range(9, n - 1):
            y[k + 1] = 0.3 * y[k] + 0.05 * y[k] * y[k - 9:k + 1].sum() + 1.5 * u[k - 9] * u[k] + 0.1
        if np.all(np.isfinite(y)) and np.abs(y).max() < 10:
            return u, y
    raise ConvergenceError("narma10: the NARMA10 recursion diverged for 20 input draws")


def nrmse(y: np.ndarray, y_hat: np.ndarray) -> float:
    """Normalized root-mean-square error sqrt(mean((y - y_hat)^2) / var(y))."""
    y, y_hat = np.asarray(y, float), np.asarray(y_hat, float)
    return float(np.sqrt(np.mean((y - y_hat) ** 2) / np.var(y)))


class _Readout:
    """Ridge-regression readout on [states, 1] (fitted by :meth:`fit`)."""

    def _fit_readout(self, R: np.ndarray, y: np.ndarray, washout: int, ridge: float):
        X = np.hstack([R[washout:], np.ones((R.shape[0] - washout, 1))])
        A = X.T @ X + ridge * np.eye(X.shape[1])
        self.w_out_ = np.linalg.solve(A, X.T @ y[washout:])
        return self

    def _apply_readout(self, R: np.ndarray) -> np.ndarray:
        if not hasattr(self, "w_out_"):
            raise ConfigError("readout", "not fitted", "call fit(u, y) before predict")
        return np.hstack([R, np.ones((R.shape[0], 1))]) @ self.w_out_

    def fit(self, u, y, washout: int = 100, ridge: float = 1e-6):
        """Drive with ``u`` and fit the readout to ``y`` (first ``washout`` steps discarded)."""
        u, y = np.asarray(u, float).ravel(), np.asarray(y, float).ravel()
        if u.shape != y.shape:
            raise ConfigError("y", f"shape {y.shape}", f"the shape of u {u.shape}")
        R = self.states(u)
        self.last_state_ = R[-1]
        return self._fit_readout(R, y, validate.positive_int("washout", washout, 0),
                                 validate.non_negative("ridge", ridge))

    def predict(self, u) -> np.ndarray:
        return self._apply_readout(self.states(np.asarray(u, float).ravel()))

    def score(self, u, y, washout: int = 100) -> float:
        """NRMSE on (u, y) after ``washout`` steps."""
        y_hat = self.predict(u)
        return nrmse(np.asarray(y)[washout:], y_hat[washout:])


class SoftwareESN(_Readout):
    """Leaky tanh echo-state network: r(n) = (1-a) r(n-1) + a tanh(W_in u(n) + W r(n-1) + b)."""

    def __init__(self, n_nodes: int = 50, spectral_radius: float = 0.9, input_scale: float = 0.1,
                 leak: float = 1.0, seed=None):
        self.n = validate.positive_int("n_nodes", n_nodes)
        self.rho = validate.non_negative("spectral_radius", spectral_radius)
        self.leak = validate.in_range("leak", leak, 0.0, 1.0)
        rng = make_rng(seed)
        self.W_in = validate.positive("input_scale", input_scale) * rng.uniform(-1, 1, self.n)
        self.b = 0.2 * rng.uniform(-1, 1, self.n)
        self.W = _random_recurrent(self.n, self.rho, rng)

    def states(self, u: np.ndarray) -> np.ndarray:
        r = np.zeros(self.n)
        out = np.empty((u.size, self.n))
        for k, uk in enumerate(u):
            r = (1 - self.leak) * r + self.leak * np.tanh(self.W_in * uk + self.W @ r + self.b)
            out[k] = r
        return out


def _random_recurrent(n: int, rho: float, rng, density: float = 0.2) -> np.ndarray:
    W = rng.uniform(-1, 1, (n, n)) * (rng.random((n, n)) < density)
    radius = np.max(np.abs(np.linalg.eigvals(W))) if n > 1 else 1.0
    return W * (rho / radius) if radius > 0 else W


class ESN(_Readout):
    """Echo-state network whose nodes are physical devices (see the module docstring).

    Parameters
    ----------
    device : a :class:`compact.CompactModel` with a volatile (relaxing) state, shared by all nodes.
    n_nodes : number of devices. R_s : series resistor of each node (Ohm).
    V_in : pulse-voltage scale (V); dt : pulse width (s); t_relax : zero-bias relaxation after each
    pulse (s); v_read : read voltage (V); spectral_radius, input_scale : of W and W_in;
    n_sub : Heun sub-steps per pulse / relaxation; seed : for W, W_in, b.
    """

    def __init__(self, device: CompactModel, n_nodes: int = 50, R_s: float = 1000.0, V_in: float = 2.0,
                 dt: float = 3e-9, t_relax: float = 0.0, v_read: float = 0.05, spectral_radius: float = 0.5,
                 input_scale: float = 0.3, n_sub: int = 4, seed=None):
        if not isinstance(device, CompactModel):
            raise ConfigError("device", type(device).__name__, "a compact.CompactModel instance")
        self.device = device
        self.n = validate.positive_int("n_nodes", n_nodes)
        self.R_s = validate.non_negative("R_s", R_s, "Ohm")
        self.V_in = validate.positive("V_in", V_in, "V")
        self.dt = validate.positive("dt", dt, "s")
        self.t_relax = validate.non_negative("t_relax", t_relax, "s")
        self.v_read = validate.positive("v_read", v_read, "V")
        self.n_sub = validate.positive_int("n_sub", n_sub)
        rng = make_rng(seed)
        self.W_in = validate.positive("input_scale", input_scale) * rng.uniform(-1, 1, self.n)
        self.b = 0.2 * rng.uniform(-1, 1, self.n)
        self.W = _random_recurrent(self.n, validate.non_negative("spectral_radius", spectral_radius), rng)
        x0 = device.initial_state()
        self.x_rest = np.repeat(np.asarray(x0, float)[:, None], self.n, axis=1)
        self.I_ref = float(np.abs(device.current(self.v_read, x0)))
        if not np.isfinite(self.I_ref) or self.I_ref <= 0:
            raise ConfigError("v_read", v_read, f"a read voltage giving a current > 0 in {device.name}'s rest state")

    def _device_voltage(self, v, x):
        """Voltage across each device in series with R_s (Newton on i(v_d) = (v - v_d)/R_s)."""
        if self.R_s == 0:
            return v
        vd = v.copy()
        for _ in range(30):
            i = self.device.current(vd, x)
            g = self.device.conductance(vd, x)
            f = vd - v + self.R_s * i
            step = f / (1.0 + self.R_s * g)
            vd = vd - step
            if np.all(np.abs(step) < 1e-9 * (1 + np.abs(v))):
                break
        return vd

    def _advance(self, v, x, duration):
        if duration <= 0:
            return x
        h = duration / self.n_sub
        dev = self.device
        for _ in range(self.n_sub):
            vd = self._device_voltage(v, x)
            k1 = np.reshape(dev.dstate_dt(vd, x), x.shape)
            x1 = dev.clip_state(x + h * k1)
            vd1 = self._device_voltage(v, x1)
            k2 = np.reshape(dev.dstate_dt(vd1, x1), x.shape)
            x = dev.clip_state(x + 0.5 * h * (k1 + k2))
        if not np.all(np.isfinite(x)):
            raise ConvergenceError(f"ESN: device state became non-finite; reduce dt ({self.dt:g} s) or raise n_sub")
        return x

    def states(self, u: np.ndarray, x0=None) -> np.ndarray:
        """Log read currents r(n) = ln(I/I_ref) (shape (len(u), n_nodes)) under input sequence ``u``."""
        u = np.asarray(validate.finite("u", u), float).ravel()
        x = self.x_rest.copy() if x0 is None else np.array(x0, dtype=float).reshape(self.x_rest.shape)
        r = np.zeros(self.n)
        out = np.empty((u.size, self.n))
        zero = np.zeros(self.n)
        for k, uk in enumerate(u):
            v = self.V_in * np.tanh(self.W_in * uk + self.W @ r + self.b)
            x = self._advance(v, x, self.dt)
            x = self._advance(zero, x, self.t_relax)
            r = np.log(np.maximum(np.abs(self.device.current(self.v_read, x)), 1e-300) / self.I_ref)
            out[k] = r
        self.final_state_ = x
        return out

    def echo_state_distance(self, u, x_a, x_b) -> np.ndarray:
        """|r_a(n) - r_b(n)| (max over nodes) for two initial device states under the same input:
        decays to 0 for a reservoir with fading memory (echo-state property)."""
        ra = self.states(u, x_a)
        rb = self.states(u, x_b)
        return np.max(np.abs(ra - rb), axis=1)


def benchmark_narma10(reservoir, n_train: int = 2000, n_test: int = 1000, washout: int = 100,
                      ridge: float = 1e-6, seed=0) -> xr.Dataset:
    """Fit on NARMA10 and score on held-out data; also scores a memoryless linear readout
    (on [u(n), u(n)^2, 1]) as the no-reservoir baseline."""
    u, y = narma10(n_train + n_test, seed=seed)
    reservoir.fit(u[:n_train], y[:n_train], washout=washout, ridge=ridge)
    y_hat = reservoir.predict(u)
    score = nrmse(y[n_train:], y_hat[n_train:])
    X = np.column_stack([u, u * u, np.ones_like(u)])
    w = np.linalg.lstsq(X[washout:n_train], y[washout:n_train], rcond=None)[0]
    base = nrmse(y[n_train:], X[n_train:] @ w)
    return xr.Dataset({"y": ("n", y), "y_hat": ("n", y_hat), "u": ("n", u)},
                      coords={"n": np.arange(u.size)},
                      attrs={"nrmse_test": score, "nrmse_memoryless": base, "n_train": n_train,
                             "reservoir": type(reservoir).__name__})
