"""Reservoir computing with volatile memristive devices as the reservoir nodes (fading memory).

Device echo-state network (Du et al., Nat. Commun. 8, 2204 (2017); Moon et al.,
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

Fair baselines (:func:`compare_baselines`): linear and quadratic (2nd-order Volterra) delay-line ridge
regressions (:class:`DelayLineRegression`) and a software ESN tuned by validation (:class:`TunedESN`),
on NARMA10 and Mackey-Glass 10-step-ahead prediction (:func:`mackey_glass_task`). What is physics and
what is software in the device ESN: device states (pulse response, relaxation, read current) are
integrated from the compact model; W r(n-1) is either a float product (``recurrence="software"``) or
read through a solved crossbar (``recurrence="crossbar"``, :class:`CrossbarRecurrence`); the tanh
driver, W_in u + b and the ridge readout are software (periphery) in both cases.
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


def mackey_glass(n: int, tau: float = 17.0, beta: float = 0.2, gamma: float = 0.1, power: float = 10.0,
                 sample: float = 1.0, dt: float = 0.1, seed=None, washout: int = 500) -> np.ndarray:
    """Mackey-Glass series dx/dt = beta x(t - tau) / (1 + x(t - tau)^power) - gamma x(t)
    (Mackey & Glass, Science 197, 287 (1977); tau = 17: chaotic), sampled every ``sample`` time units.

    Integrated with RK4 at step ``dt`` (the delayed value held over the step, a standard choice for
    this benchmark); initial history 1.2 + 0.05 U[-1, 1] (seeded); the first ``washout`` samples dropped.
    """
    n = validate.positive_int("n", n, 10)
    tau = validate.positive("tau", tau)
    dt = validate.positive("dt", dt)
    sub = int(round(validate.positive("sample", sample) / dt))
    if sub < 1 or abs(sub * dt - sample) > 1e-9 * sample:
        raise ConfigError("sample", sample, f"a multiple of dt = {dt:g}")
    lag = int(round(tau / dt))
    rng = make_rng(seed)
    total = (n + washout) * sub + lag + 1
    x = np.empty(total)
    x[: lag + 1] = 1.2 + 0.05 * rng.uniform(-1, 1, lag + 1)

    def f(xt, xd):
        return beta * xd / (1.0 + xd ** power) - gamma * xt

    for k in range(lag, total - 1):
        xd = x[k - lag]
        a = f(x[k], xd)
        b = f(x[k] + 0.5 * dt * a, xd)
        c = f(x[k] + 0.5 * dt * b, xd)
        d = f(x[k] + dt * c, xd)
        x[k + 1] = x[k] + dt / 6.0 * (a + 2 * b + 2 * c + d)
    return x[lag + 1::sub][washout:washout + n]


def mackey_glass_task(n: int, horizon: int = 10, seed=None) -> tuple[np.ndarray, np.ndarray]:
    """Input u(n) = Mackey-Glass x(n) (sample 1, mapped to [0, 0.5] like NARMA10's input), target
    y(n) = x(n + horizon) (``horizon``-step-ahead prediction)."""
    horizon = validate.positive_int("horizon", horizon)
    x = mackey_glass(n + horizon, seed=seed)
    x = 0.5 * (x - x.min()) / (x.max() - x.min())
    return x[:n], x[horizon:horizon + n]


def delay_features(u: np.ndarray, delays: int, quadratic: bool = False) -> np.ndarray:
    """Delay-line features [u(n), ..., u(n - d + 1)] (zeros before the start), plus all products
    u(n-i) u(n-j), i <= j, when ``quadratic`` (a second-order Volterra series)."""
    d = validate.positive_int("delays", delays)
    u = np.asarray(u, float).ravel()
    X = np.zeros((u.size, d))
    for k in range(d):
        X[k:, k] = u[: u.size - k]
    if quadratic:
        i, j = np.triu_indices(d)
        X = np.hstack([X, X[:, i] * X[:, j]])
    return X


def _ridge_fit(X, y, ridge):
    X1 = np.hstack([X, np.ones((X.shape[0], 1))])
    return np.linalg.solve(X1.T @ X1 + ridge * np.eye(X1.shape[1]), X1.T @ y)


def _ridge_predict(X, w):
    return np.hstack([X, np.ones((X.shape[0], 1))]) @ w


def _holdout(n_train: int, washout: int, frac: float = 0.3):
    """Time-ordered split of the training data for validation: fit on the first part, validate on the rest."""
    cut = washout + int((1 - frac) * (n_train - washout))
    return slice(washout, cut), slice(cut, n_train)


class DelayLineRegression:
    """Linear or quadratic (Volterra) delay-line ridge regression; ``delays`` and ``ridge`` chosen on a
    time-ordered validation split of the training data (the no-reservoir baseline)."""

    def __init__(self, quadratic: bool = False, delays=(5, 10, 15, 20), ridges=(1e-8, 1e-6, 1e-4, 1e-2)):
        self.quadratic = bool(quadratic)
        self.delay_grid = tuple(validate.positive_int("delays", d) for d in delays)
        self.ridge_grid = tuple(validate.non_negative("ridge", r) for r in ridges)

    def fit(self, u, y, washout: int = 100, **_):
        u, y = np.asarray(u, float).ravel(), np.asarray(y, float).ravel()
        fit, val = _holdout(u.size, washout)
        best = (np.inf, None, None)
        for d in self.delay_grid:
            X = delay_features(u, d, self.quadratic)
            for r in self.ridge_grid:
                e = nrmse(y[val], _ridge_predict(X[val], _ridge_fit(X[fit], y[fit], r)))
                best = min(best, (e, d, r), key=lambda t: t[0])
        _, self.delays_, self.ridge_ = best
        X = delay_features(u, self.delays_, self.quadratic)
        self.w_out_ = _ridge_fit(X[washout:], y[washout:], self.ridge_)
        return self

    def predict(self, u) -> np.ndarray:
        if not hasattr(self, "w_out_"):
            raise ConfigError("readout", "not fitted", "call fit(u, y) before predict")
        return _ridge_predict(delay_features(u, self.delays_, self.quadratic), self.w_out_)


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
        self._args = dict(n_nodes=n_nodes, spectral_radius=spectral_radius, input_scale=input_scale, leak=leak,
                          seed=seed)
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


class ValidatedReservoir:
    """A reservoir whose hyper-parameters and ridge are chosen by validation on a time-ordered split of
    the training data (grid search; Lukosevicius, "A practical guide to applying echo state networks",
    LNCS 7700 (2012)), then refitted on all training data.

    ``factory(**params)`` builds a reservoir (with ``states``, ``fit``, ``predict``) for one grid point;
    ``grid`` maps parameter names to candidate values. Grid points whose run fails (non-finite states,
    ConvergenceError) are skipped. Fitted: ``params_`` (incl. ``ridge``), ``validation_nrmse_``, ``model_``.
    """

    def __init__(self, factory, grid: dict, ridges=(1e-8, 1e-6, 1e-4)):
        if not grid or any(len(v) == 0 for v in grid.values()):
            raise ConfigError("grid", grid, "a non-empty list of values for every tuned parameter")
        self.factory, self.grid = factory, {k: tuple(v) for k, v in grid.items()}
        self.ridges = tuple(validate.non_negative("ridges", r) for r in ridges)

    def fit(self, u, y, washout: int = 100, **_):
        from itertools import product
        u, y = np.asarray(u, float).ravel(), np.asarray(y, float).ravel()
        fit, val = _holdout(u.size, washout)
        best = (np.inf, None)
        names = list(self.grid)
        for values in product(*self.grid.values()):
            params = dict(zip(names, values, strict=True))
            try:
                R = self.factory(**params).states(u)
            except ConvergenceError:
                continue
            if not np.all(np.isfinite(R)):
                continue
            for r in self.ridges:
                e = nrmse(y[val], _ridge_predict(R[val], _ridge_fit(R[fit], y[fit], r)))
                if e < best[0]:
                    best = (e, {**params, "ridge": r})
        if best[1] is None:
            raise ConvergenceError("ValidatedReservoir: every grid point failed")
        self.params_, self.validation_nrmse_ = best[1], best[0]
        params = {k: v for k, v in self.params_.items() if k != "ridge"}
        self.model_ = self.factory(**params).fit(u, y, washout=washout, ridge=self.params_["ridge"])
        return self

    def predict(self, u) -> np.ndarray:
        if not hasattr(self, "model_"):
            raise ConfigError("readout", "not fitted", "call fit(u, y) before predict")
        return self.model_.predict(u)


class TunedESN(ValidatedReservoir):
    """Software ESN with spectral radius, input scaling, leak and ridge chosen by validation."""

    def __init__(self, n_nodes: int = 50, spectral_radii=(0.5, 0.8, 0.95, 1.1), input_scales=(0.1, 0.3, 1.0, 3.0),
                 leaks=(0.3, 0.6, 1.0), ridges=(1e-10, 1e-8, 1e-6, 1e-4), seed=None):
        n = validate.positive_int("n_nodes", n_nodes)
        super().__init__(lambda spectral_radius, input_scale, leak: SoftwareESN(n, spectral_radius, input_scale,
                                                                                 leak, seed=seed),
                         {"spectral_radius": spectral_radii, "input_scale": input_scales, "leak": leaks}, ridges)


class TunedDeviceESN(ValidatedReservoir):
    """Device :class:`ESN` with spectral radius, input scaling, pulse amplitude V_in and ridge chosen by
    validation (same procedure and split as :class:`TunedESN`); ``esn_kw`` go to every ESN."""

    def __init__(self, device: CompactModel, n_nodes: int = 50, spectral_radii=(0.3, 0.5, 0.9),
                 input_scales=(0.3, 1.0), V_ins=(1.5, 2.0, 2.5), ridges=(1e-8, 1e-6, 1e-4), seed=None, **esn_kw):
        n = validate.positive_int("n_nodes", n_nodes)
        super().__init__(lambda spectral_radius, input_scale, V_in: ESN(device, n, V_in=V_in, spectral_radius=spectral_radius,
                                                                        input_scale=input_scale, seed=seed, **esn_kw),
                         {"spectral_radius": spectral_radii, "input_scale": input_scales, "V_in": V_ins}, ridges)


def _random_recurrent(n: int, rho: float, rng, density: float = 0.2) -> np.ndarray:
    W = rng.uniform(-1, 1, (n, n)) * (rng.random((n, n)) < density)
    radius = np.max(np.abs(np.linalg.eigvals(W))) if n > 1 else 1.0
    return W * (rho / radius) if radius > 0 else W


class CrossbarRecurrence:
    """W r computed by a solved crossbar (:class:`matsim.network.crossbar.Crossbar`).

    W = W+ - W- is stored as conductances G+- = G_min + (G_max - G_min) max(+-W, 0)/max|W| in an
    n x 2n array with wire resistance ``r_wire`` (Ohm per segment). Inputs r -> word-line voltages
    v_read clip(r / r_scale, -1, 1); W r ~ (I+ - I-) max|W| r_scale / ((G_max - G_min) v_read). The
    array is linear, so its transfer matrix A (IR drop included) is solved once for the n unit inputs
    (superposition is exact) and reused. ``error`` = max |A_eff - W| / max|W| (IR drop).
    """

    def __init__(self, W: np.ndarray, G_min: float = 1e-7, G_max: float = 1e-5, r_wire: float = 1.0,
                 v_read: float = 0.1, r_scale: float = 8.0):
        from matsim.network.crossbar import Crossbar
        n = W.shape[0]
        self.r_scale = validate.positive("r_scale", r_scale)
        self.v_read = validate.positive("v_read", v_read, "V")
        w_max = float(np.abs(W).max()) or 1.0
        dG = validate.positive("G_max", G_max, "S") - validate.positive("G_min", G_min, "S")
        if dG <= 0:
            raise ConfigError("G_max", G_max, f"a conductance above G_min = {G_min:g} S")
        G = G_min + dG * np.hstack([np.maximum(W.T, 0), np.maximum(-W.T, 0)]) / w_max   # row j: input r_j
        xb = Crossbar(n, 2 * n, G, r_wire_row=validate.non_negative("r_wire", r_wire, "Ohm"), r_wire_col=r_wire)
        A = xb.solve_many(self.v_read * np.eye(n), quiet=True).i_out / self.v_read       # (n, 2n) S
        self.W_eff = ((A[:, :n] - A[:, n:]) * w_max / dG).T                               # effective W
        self.error = float(np.abs(self.W_eff - W).max() / w_max)
        self.crossbar = xb

    def __call__(self, r: np.ndarray) -> np.ndarray:
        return self.W_eff @ (self.r_scale * np.clip(r / self.r_scale, -1.0, 1.0))


class ESN(_Readout):
    """Echo-state network whose nodes are physical devices (see the module docstring).

    Parameters
    ----------
    device : a :class:`compact.CompactModel` with a volatile (relaxing) state, shared by all nodes (a static
    device, whose read current does not depend on its state, e.g. ``compact.Selector``, is a ConfigError).
    n_nodes : number of devices. R_s : series resistor of each node (Ohm).
    V_in : pulse-voltage scale (V); dt : pulse width (s); t_relax : zero-bias relaxation after each
    pulse (s); v_read : read voltage (V); spectral_radius, input_scale : of W and W_in;
    n_sub : Heun sub-steps per pulse / relaxation; seed : for W, W_in, b.
    recurrence : ``"software"`` (W r(n-1) as a float product) or ``"crossbar"`` (W stored as a
    differential pair of conductances in a solved crossbar with wire resistance ``r_wire``; the node
    outputs r are applied as word-line voltages v_read_xb * clip(r / r_scale, -1, 1); see
    :class:`CrossbarRecurrence`). What stays software either way: the tanh driver and W_in u + b
    (the input/driver periphery) and the ridge readout.
    """

    def __init__(self, device: CompactModel, n_nodes: int = 50, R_s: float = 1000.0, V_in: float = 2.0,
                 dt: float = 3e-9, t_relax: float = 0.0, v_read: float = 0.05, spectral_radius: float = 0.5,
                 input_scale: float = 0.3, n_sub: int = 4, seed=None, recurrence: str = "software",
                 r_wire: float = 1.0):
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
        self.recurrence = validate.one_of("recurrence", recurrence, ("software", "crossbar"))
        self._rec = (lambda r: self.W @ r) if recurrence == "software" else CrossbarRecurrence(self.W, r_wire=r_wire)
        x0 = device.initial_state()
        self.x_rest = np.repeat(np.asarray(x0, float)[:, None], self.n, axis=1)
        self.I_ref = float(np.abs(device.current(self.v_read, x0)))
        if not np.isfinite(self.I_ref) or self.I_ref <= 0:
            raise ConfigError("v_read", v_read, f"a read voltage giving a current > 0 in {device.name}'s rest state")
        x_lohi = np.stack([np.asarray(b, float) for b in device.state_bounds()], axis=1)    # (n_state, 2)
        i_lohi = np.broadcast_to(device.current(self.v_read, x_lohi), (2,))
        if i_lohi[0] == i_lohi[1]:
            # a static device (e.g. compact.Selector: its state is a dummy) reads the same current whatever
            # the input history: every r(n) = 0, no memory, nothing for the readout to learn from
            raise ConfigError("device", device.name, "a compact model with memory: at least one state variable "
                              f"that sets the read current at v_read = {self.v_read:g} V (the current of "
                              f"{device.name} is the same at its lower and upper state bounds: a static device)")

    #: Newton iterations allowed for the series-resistor solve in :meth:`_device_voltage`.
    newton_max_iter: int = 30

    def _device_voltage(self, v, x):
        """Voltage across each device in series with R_s (Newton on i(v_d) = (v - v_d)/R_s).

        Raises ConvergenceError (with the iteration count, the largest last Newton step in V and the
        device state) if the step is not below 1e-9 (1 + |v|) V after ``newton_max_iter`` iterations.
        """
        if self.R_s == 0:
            return v
        vd = v.copy()
        step = np.full_like(vd, np.inf)
        for _ in range(self.newton_max_iter):
            i = self.device.current(vd, x)
            g = self.device.conductance(vd, x)
            f = vd - v + self.R_s * i
            step = f / (1.0 + self.R_s * g)
            vd = vd - step
            if np.all(np.abs(step) < 1e-9 * (1 + np.abs(v))):
                return vd
        raise ConvergenceError(
            f"ESN: series-resistor Newton ({self.device.name}, R_s={self.R_s:g} Ohm) did not converge in "
            f"{self.newton_max_iter} iterations: largest last step {np.max(np.abs(step)):.3g} V "
            f"(tolerance 1e-9 (1 + |v|) V); device voltage {vd!r}, state {x!r}. Reduce dt or raise newton_max_iter.")

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
            v = self.V_in * np.tanh(self.W_in * uk + self._rec(r) + self.b)
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


TASKS = {"narma10": narma10, "mackey_glass": mackey_glass_task}


def compare_baselines(reservoirs: dict, task: str = "narma10", n_train: int = 2000, n_test: int = 1000,
                      washout: int = 100, ridge: float = 1e-6, seed=0) -> dict:
    """NRMSE on held-out data of each model in ``reservoirs`` (name -> object with fit/predict) and of
    the no-reservoir baselines (linear and quadratic delay-line regression, validated), same split.
    Task: ``"narma10"`` or ``"mackey_glass"`` (10-step-ahead prediction)."""
    gen = TASKS[validate.one_of("task", task, tuple(TASKS))]
    u, y = gen(n_train + n_test, seed=seed)
    models = dict(reservoirs)
    models.setdefault("linear delay line", DelayLineRegression(quadratic=False))
    models.setdefault("quadratic delay line", DelayLineRegression(quadratic=True))
    out = {}
    for name, m in models.items():
        if isinstance(m, _Readout):        # states are causal: run the reservoir once over train + test
            R = m.states(u)
            m._fit_readout(R[:n_train], y[:n_train], washout, ridge)
            y_hat = m._apply_readout(R)
        else:
            y_hat = m.fit(u[:n_train], y[:n_train], washout=washout, ridge=ridge).predict(u)
        out[name] = nrmse(y[n_train:], y_hat[n_train:])
    return out
