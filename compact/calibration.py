"""Fit compact-model parameters to I-V or I-t data (KMC, FiPy or measurements).

>>> from compact import StanfordPKU, fit
>>> res = fit(StanfordPKU(), kmc_sweep, params=["I0", "g0", "V0"])     # kmc.VCMCell.sweep_iv Dataset
>>> res.model            # fitted model; its parameters carry the source "fit: <data source>"
>>> res.residuals        # normalized residual per data point
>>> res.plot("fit.png")  # data vs model

``scipy.optimize.least_squares`` (trust-region reflective) minimizes normalized current residuals
``(I_model - I_data) / (|I_data| + I_floor)`` (relative errors, with a floor of 1e-3 max|I| so near-zero
points do not dominate) or, for current-controlled S-shaped data, voltage residuals. Positive parameters
are fitted in log space (scale-free). How the model is driven follows the data (``kind="auto"``):

* ``"steps"``: data over a ``step`` dimension with ``V`` and a cumulative ``time`` (a KMC sweep: each V is
  held until the next time); the model state is carried from step to step and I is read at step ends;
* ``"transient"``: data over ``t`` with ``V``/``v`` and ``I``/``i`` (a measured or simulated transient);
* ``"steady_current"``: current-controlled steady states (``continuum.MottFilament.steady_iv(currents=...)``,
  attrs ``control`` = "current-controlled"); needs a model with ``steady_voltage_at_current`` (MottThermal);
* ``"static"``: I(V) at a fixed state ``x`` (pass ``x=``), or at a measured state per data point
  (``x`` of length n_points, e.g. the KMC filament gap in m, to fit the conduction law alone).

Data can be an ``xarray.Dataset`` or a CSV path with columns ``V,I`` (plus ``t`` or ``time``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import xarray as xr
from scipy.integrate import solve_ivp
from scipy.optimize import least_squares

from compact.base import CompactModel
from matsim.core import validate
from matsim.core.errors import ConfigError, ConvergenceError, MissingFileError
from matsim.core.parameters import ParameterSet

KINDS = ("auto", "steps", "transient", "steady_current", "static")


def load_data(data) -> xr.Dataset:
    """An ``xarray.Dataset`` from a Dataset, a NetCDF file or a CSV (columns V, I and optionally t/time)."""
    if isinstance(data, xr.Dataset):
        return data
    path = Path(data)
    if not path.is_file():
        raise MissingFileError("data", str(path), "an existing CSV (columns V,I[,t]) or NetCDF file")
    if path.suffix.lower() in (".nc", ".h5", ".netcdf"):
        from matsim.core.io import load_dataset
        return load_dataset(path)
    import csv
    with path.open(newline="") as fh:
        lines = [(no, line) for no, line in enumerate(fh, start=1) if line.strip() and not line.lstrip().startswith("#")]
    rows = [(no, r) for no, r in zip((n for n, _ in lines), csv.reader(line for _, line in lines), strict=False) if r]
    if len(rows) < 3:
        raise ConfigError("data", str(path), "a CSV with a header row and at least 2 data rows")
    header = [h.strip() for h in rows[0][1]]
    values = np.empty((len(rows) - 1, len(header)))
    for k, (no, r) in enumerate(rows[1:]):
        if len(r) != len(header):
            raise ConfigError("data", str(path), f"{len(header)} columns ({', '.join(header)}) in every row; "
                              f"line {no} has {len(r)}")
        for j, c in enumerate(r):
            try:
                values[k, j] = float(c)
            except ValueError:
                raise ConfigError("data", str(path), f"a number in line {no}, column {header[j]} "
                                  f"(got {c.strip()!r})") from None
            if not np.isfinite(values[k, j]):
                raise ConfigError("data", str(path), f"finite numbers: line {no} (data row {k + 1}), column "
                                  f"{header[j]} is {c.strip()!r}; remove or fix that row")
    cols = {h: values[:, k] for k, h in enumerate(header)}
    vk = next((k for k in cols if k.lower() in ("v", "voltage", "v (v)")), None)
    ik = next((k for k in cols if k.lower() in ("i", "current", "i (a)")), None)
    if vk is None or ik is None:
        raise ConfigError("data", str(path), f"CSV columns named V and I (found {', '.join(header)})")
    tk = next((k for k in cols if k.lower() in ("t", "time", "t (s)")), None)
    if tk is not None:
        ds = xr.Dataset({"V": ("t", cols[vk], {"units": "V"}), "I": ("t", cols[ik], {"units": "A"})},
                        coords={"t": ("t", cols[tk], {"units": "s"})})
    else:
        ds = xr.Dataset({"V": ("point", cols[vk], {"units": "V"}), "I": ("point", cols[ik], {"units": "A"})})
    ds.attrs["source"] = f"CSV {path.name}"
    return ds


def _var(ds: xr.Dataset, *names):
    for n in names:
        if n in ds:
            return np.asarray(ds[n].values, dtype=float)
    raise ConfigError("data", list(ds.data_vars), "a dataset with " + " or ".join(names))


def check_finite(ds: xr.Dataset, names, source: str) -> None:
    """Refuse NaN/inf in the data variables a fit uses: the error names the source, variable and index."""
    for n in names:
        if n is None or n not in ds.variables:
            continue
        vals = np.asarray(ds[n].values, dtype=float).reshape(-1)
        bad = np.flatnonzero(~np.isfinite(vals))
        if bad.size:
            dim = ds[n].dims[0] if ds[n].dims else "index"
            raise ConfigError("data", source, f"finite values: variable {n} is {vals[bad[0]]} at {dim} {bad[0]} "
                              f"({bad.size} non-finite value(s) of {vals.size}); remove or fix those points")


def _detect_kind(ds: xr.Dataset, model: CompactModel) -> str:
    if "current" in str(ds.attrs.get("control", "")) and hasattr(model, "steady_voltage_at_current"):
        return "steady_current"
    if "step" in ds.dims and "time" in ds:
        return "steps"
    if "t" in ds.coords or "t" in ds:
        return "transient"
    raise ConfigError("kind", "auto", "data with a step dimension and time (KMC sweep), a t coordinate (transient), "
                      "current-controlled steady states, or an explicit kind='static' with x=")


def predict(model: CompactModel, ds: xr.Dataset, kind: str, x0=None, x=None, rtol: float = 1e-8,
            voltage: str | None = None) -> np.ndarray:
    """Model prediction on the data's program: currents (A), or voltages (V) for ``steady_current``.

    ``voltage`` names the data variable that drives the model (default ``V``/``v``; for KMC sweeps
    with a current compliance, ``V_cell`` is the voltage across the cell itself)."""
    if kind == "steady_current":
        return np.array([model.steady_voltage_at_current(float(i)) for i in _var(ds, "I", "i")])
    V = _var(ds, voltage) if voltage else _var(ds, "V", "v")
    if kind == "static":
        if x is None:
            raise ConfigError("x", None, "the fixed state for kind='static' (one state, or one per data point)")
        xs = np.asarray(x, float)
        if xs.size == model.n_state:
            xs = xs.reshape(model.n_state)
        elif xs.size == model.n_state * V.size:
            xs = xs.reshape(model.n_state, V.size)              # a measured state per point (e.g. KMC gap)
        else:
            raise ConfigError("x", f"{xs.size} values", f"{model.n_state} state value(s) or one per data point ({V.size})")
        return np.asarray(model.current(V, xs), float)
    state = model.initial_state() if x0 is None else model.check_state(np.atleast_1d(x0), "x0")
    if kind == "steps":
        times = _var(ds, "time")
        # the first step lasts as long as the second (the clock may start earlier, e.g. after forming)
        first = times[0] - (times[1] - times[0]) if times.size > 1 else 0.0
        starts = np.concatenate(([max(first, 0.0)], times[:-1]))
        out = np.empty(V.size)
        lo, hi = model.state_bounds()
        atol = 1e-10 * np.maximum(np.abs(hi - lo), 1e-30)
        for k, (v, t0, t1) in enumerate(zip(V, starts, times, strict=True)):
            if t1 > t0:
                rhs = lambda tt, y, _v=float(v): np.asarray(model.dstate_dt(_v, model.clip_state(y)), float).reshape(-1)
                sol = solve_ivp(rhs, (t0, t1), state, method=model.integrator, rtol=rtol, atol=atol)
                if not sol.success:
                    raise ConvergenceError(f"{model.name}: step {k} (V = {v:g} V) failed: {sol.message}")
                state = model.clip_state(sol.y[:, -1])
            out[k] = float(model.current(v, state))
        return out
    if kind == "transient":
        t = np.asarray(ds["t"].values, float)
        wave = lambda tt: np.interp(tt, t, V)
        dt = np.min(np.diff(t))
        sim = model.simulate(wave, t, x0=state, max_step=max(dt, (t[-1] - t[0]) / 2000), rtol=rtol)
        return sim["i"].values
    raise ConfigError("kind", kind, "one of " + ", ".join(KINDS))


@dataclass
class FitResult:
    """Outcome of :func:`fit`: fitted ``model`` (parameters with provenance ``fit: <source>``),
    ``residuals`` (normalized, one per data point), ``data``/``prediction`` arrays and the optimizer report."""

    model: CompactModel
    params: ParameterSet
    residuals: np.ndarray
    data: xr.Dataset
    prediction: np.ndarray
    kind: str
    source: str
    cost: float
    success: bool
    message: str
    n_evaluations: int
    initial: dict = field(default_factory=dict)
    unconstrained: list = field(default_factory=list)

    @property
    def constraint_note(self) -> str:
        """Empty, or which fitted parameters the data do not pin down (and the data's drive range)."""
        if not self.unconstrained:
            return ""
        x = _var(self.data, "I", "i") if self.kind == "steady_current" else _var(self.data, "V", "v")
        unit = "A" if self.kind == "steady_current" else "V"
        return (f"{', '.join(self.unconstrained)} not constrained separately by the data (only a combination is; "
                f"data span {x.min():.3g} to {x.max():.3g} {unit}): treat the fitted value(s) as assumptions")

    @property
    def rms_residual(self) -> float:
        return float(np.sqrt(np.mean(self.residuals ** 2)))

    def summary(self) -> str:
        flag = "" if self.success else "NOT CONVERGED: "
        lines = [f"{flag}fit of {self.model.name} to {self.source} ({self.kind}, {self.residuals.size} points): "
                 f"rms normalized residual {self.rms_residual:.3g}, {self.n_evaluations} evaluations, {self.message}"]
        for k, v0 in self.initial.items():
            p = self.params[k]
            lines.append(f"  {k}: {v0:.6g} -> {p.value:.6g} {p.unit}")
        if self.unconstrained:
            lines.append("  note: " + self.constraint_note)
        return "\n".join(lines)

    def plot(self, path=None):
        """Data vs fitted model; returns the matplotlib Figure (saved to ``path`` if given)."""
        import matplotlib.pyplot as plt
        fig, (ax, axr) = plt.subplots(2, 1, figsize=(5.5, 6), sharex=True, gridspec_kw={"height_ratios": [3, 1]})
        if self.kind == "steady_current":
            x, y_data, ylabel = _var(self.data, "I", "i"), _var(self.data, "V", "v"), "V (V)"
            xlabel = "I (A)"
        else:
            x, y_data, ylabel = _var(self.data, "V", "v"), _var(self.data, "I", "i"), "|I| (A)"
            xlabel = "V (V)"
        ax.plot(x, np.abs(y_data), "o", ms=3, label=f"data ({self.source})")
        ax.plot(x, np.abs(self.prediction), "-", label=f"{self.model.name} fit")
        if self.kind != "steady_current" and np.all(np.abs(y_data) > 0):
            ax.set_yscale("log")
        ax.set_ylabel(ylabel)
        ax.legend(fontsize=8)
        axr.plot(x, self.residuals, ".")
        axr.axhline(0, color="k", lw=0.5)
        axr.set_xlabel(xlabel)
        axr.set_ylabel("norm. residual")
        from matplotlib.ticker import MaxNLocator
        axr.xaxis.set_major_locator(MaxNLocator(nbins=5))   # 9 ticks like -0.075 overlap at this width
        if self.unconstrained:
            ax.set_title("note: " + ", ".join(self.unconstrained) + " not constrained by the data", fontsize=8,
                         color="#b00")
        fig.tight_layout()
        if path is not None:
            fig.savefig(path, dpi=120)
        return fig


def unconstrained_parameters(jac, names, residuals=None, tol: float = 1e-3, max_log_sd: float = 1.0) -> list[str]:
    """Parameters the data do not determine separately.

    Two tests on the residual Jacobian ``J`` (columns w.r.t. ln p for positive parameters, else p):
    (1) columns that vanish or are linearly dependent (singular values s_k / s_max < ``tol``, the
    parameters with a right-singular-vector component > 0.3); (2) given ``residuals``, the standard
    error from the residual scatter, sd = sqrt(diag((J^T J)^-1) * sum(r^2)/(m - n)), above
    ``max_log_sd`` (a factor e for ln p). Example: a sinh(V/V0) law sampled only at |V| << V0 fixes
    I0/V0, but not I0 and V0 apart, once the data carry noise.
    """
    J = np.asarray(jac, float)
    if J.ndim != 2 or J.shape[1] != len(names) or not np.all(np.isfinite(J)):
        return list(names)
    norms = np.linalg.norm(J, axis=0)
    out = {n for n, c in zip(names, norms, strict=True) if c <= 1e-12 * max(norms.max(), 1e-300)}
    keep = [k for k, c in enumerate(norms) if names[k] not in out]
    if len(keep) > 1:
        Jn = J[:, keep] / norms[keep]
        _, sv, vt = np.linalg.svd(Jn, full_matrices=False)
        for k in np.flatnonzero(sv / sv[0] < tol):
            out |= {names[keep[j]] for j in np.flatnonzero(np.abs(vt[k]) > 0.3)}
    r = None if residuals is None else np.asarray(residuals, float)
    if r is not None and r.size > len(keep) and keep:
        s2 = float(np.sum(r ** 2)) / (r.size - len(keep))
        cov = np.linalg.pinv(J[:, keep].T @ J[:, keep]) * s2
        sd = np.sqrt(np.maximum(np.diag(cov), 0.0))
        out |= {names[keep[j]] for j in np.flatnonzero(sd > max_log_sd)}
    return [n for n in names if n in out]


def fit(model: CompactModel, data, params, bounds: dict | None = None, kind: str = "auto", x0=None, x=None,
        source: str | None = None, floor: float = 1e-3, max_nfev: int = 200, verbose: int = 0,
        voltage: str | None = None) -> FitResult:
    """Fit ``params`` (names of ``model.params``) of ``model`` to ``data``; see the module docstring.

    bounds : ``{name: (lo, hi)}`` in each parameter's stored unit (default: 1e-3x .. 1e3x for positive
        parameters, unbounded otherwise).  x0 : initial state for transient kinds.  x : fixed state for
        ``kind="static"``.  source : provenance label (default: the dataset's ``source`` attribute,
        ``model``/``experiment`` attrs, or "data").  floor : relative current floor of the residuals.
        voltage : data variable that drives the model (e.g. ``"V_cell"`` for KMC sweeps with compliance).
    """
    ds = load_data(data)
    validate.one_of("kind", kind, KINDS)
    names = [params] if isinstance(params, str) else list(params)
    if not names:
        raise ConfigError("params", params, "at least one parameter name to fit")
    for n in names:
        if n not in model.params:
            raise ConfigError("params", n, f"a parameter of {model.name}: one of {', '.join(model.params)}")
    kind = _detect_kind(ds, model) if kind == "auto" else kind
    target = _var(ds, "V", "v") if kind == "steady_current" else _var(ds, "I", "i")
    if target.size < len(names):
        raise ConfigError("data", f"{target.size} points", f"at least as many points as fitted parameters ({len(names)})")
    source = source or ds.attrs.get("source") or " ".join(str(ds.attrs[k]) for k in ("model", "experiment", "material")
                                                           if k in ds.attrs) or "data"
    where = str(data) if not isinstance(data, xr.Dataset) else source
    check_finite(ds, ["V", "v", "I", "i", "t", "time", voltage], where)
    if x is not None and not np.all(np.isfinite(np.asarray(x, float))):
        raise ConfigError("x", "non-finite state", "finite state values for kind='static'")
    scale = floor * np.max(np.abs(target)) + 1e-300
    v0 = {n: float(model.params[n].value) for n in names}
    logs = {n: v0[n] > 0 for n in names}
    bounds = dict(bounds or {})
    lo, hi, p_init = [], [], []
    for n in names:
        b = bounds.get(n, (v0[n] * 1e-3, v0[n] * 1e3) if logs[n] else (-np.inf, np.inf))
        if logs[n]:
            if not (b[0] > 0 and b[1] > b[0]):
                raise ConfigError(f"bounds.{n}", b, "0 < lo < hi for a positive parameter")
            lo.append(np.log(b[0]))
            hi.append(np.log(b[1]))
            p_init.append(np.log(min(max(v0[n], b[0]), b[1])))
        else:
            lo.append(b[0])
            hi.append(b[1])
            p_init.append(v0[n])
    p_init = np.clip(p_init, np.nextafter(np.array(lo), np.inf), np.nextafter(np.array(hi), -np.inf))

    def values(p):
        return {n: float(np.exp(pk)) if logs[n] else float(pk) for n, pk in zip(names, p, strict=True)}

    def residual(p):
        try:
            m = model.with_params(**values(p))
            pred = predict(m, ds, kind, x0=x0, x=x, voltage=voltage)
        except (ConvergenceError, ConfigError, FloatingPointError, ValueError):
            return np.full(target.size, 1e3)
        r = (pred - target) / (np.abs(target) + scale)
        return np.where(np.isfinite(r), r, 1e3)

    # finite-difference steps well above the ODE tolerance (1e-3 in ln p = 0.1 % parameter change)
    sol = least_squares(residual, p_init, bounds=(lo, hi), x_scale=1.0, diff_step=1e-3, max_nfev=max_nfev,
                        verbose=verbose)
    fitted_values = values(sol.x)
    fitted = model.with_params(**fitted_values)
    ps = fitted.params.with_values(source=f"fit: {source}", **fitted_values)
    fitted = type(model)(ps) if not hasattr(model, "material") else type(model)(ps, material=model.material)
    try:
        pred = predict(fitted, ds, kind, x0=x0, x=x, voltage=voltage)
    except (FloatingPointError, ValueError) as exc:
        raise ConvergenceError(f"fit of {model.name} to {source}: the fitted model cannot be evaluated ({exc})") from None
    res = (pred - target) / (np.abs(target) + scale)
    if not np.all(np.isfinite(res)) or np.all(residual(sol.x) == 1e3):
        raise ConvergenceError(f"fit of {model.name} to {source} failed: the model gives non-finite or no currents "
                               f"at every tried parameter set ({sol.nfev} evaluations; {sol.message}); "
                               "check the data's units, the start values and --bounds")
    success = bool(sol.success)
    weak = unconstrained_parameters(sol.jac, names, sol.fun)
    if not success:   # flagged: the parameters carry the flag in their provenance too
        ps = fitted.params.with_values(source=f"fit (NOT converged: {sol.message}): {source}", **fitted_values)
        fitted = type(model)(ps) if not hasattr(model, "material") else type(model)(ps, material=model.material)
    return FitResult(model=fitted, params=fitted.params, residuals=res,
                     data=ds, prediction=pred, kind=kind, source=source, cost=float(sol.cost), success=success,
                     message=str(sol.message), n_evaluations=int(sol.nfev), initial=v0, unconstrained=weak)
