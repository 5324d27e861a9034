"""Device-to-device and cycle-to-cycle variability of compact models.

Device-to-device (D2D): each parameter ``k`` in ``spread`` is drawn per device, either

* lognormal: ``p_k = p_k,0 exp(s_k z_k)`` (``s_k`` = relative spread, the sigma of ln p; default for
  positive parameters), or
* normal: ``p_k = p_k,0 + s_k |p_k,0| z_k`` (``("normal", s_k)``; for parameters that may change sign),

with ``z = L u`` correlated standard normals (``L`` the Cholesky factor of the ``correlation`` matrix,
``u`` i.i.d. N(0, 1)). ``from_ensemble`` estimates the spreads and correlations from an ensemble of
fitted parameter sets (e.g. KMC ensembles fitted one by one: a Dataset with one variable per parameter
over a ``device`` dimension): variability as parameter distributions from KMC ensembles.

Cycle-to-cycle (C2C): :func:`cycle_noise` perturbs a state trajectory / update step by multiplicative
Gaussian noise; :class:`compact.ECRAM` applies it per pulse (``sigma_c2c``), and the Stanford model's
gap noise (``deltaGap0`` in the original Verilog-A) corresponds to :func:`gap_noise_step`.

Same seed -> same devices (``matsim.core.rng``).
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from compact.base import CompactModel
from matsim.core import validate
from matsim.core.errors import ConfigError
from matsim.core.rng import make_rng


def _parse_spread(model: CompactModel, spread: dict) -> tuple[list[str], list[str], np.ndarray]:
    names, dists, sig = [], [], []
    for k, s in spread.items():
        if k not in model.params:
            raise ConfigError(f"spread.{k}", s, f"a parameter of {model.name}: one of {', '.join(model.params)}")
        dist, val = (s if isinstance(s, (tuple, list)) else ("lognormal", s))
        validate.one_of(f"spread.{k}", dist, ("lognormal", "normal"))
        validate.non_negative(f"spread.{k}", val)
        if dist == "lognormal" and not model.params[k].value > 0:
            raise ConfigError(f"spread.{k}", s, "('normal', sigma) for a parameter that is not positive")
        names.append(k)
        dists.append(dist)
        sig.append(float(val))
    return names, dists, np.array(sig)


def correlated_spread(model: CompactModel, spread: dict, correlation=None):
    """(names, dists, sigmas, L): the parsed ``spread`` and the Cholesky factor of ``correlation``.

    The draws of :func:`sample_parameters` are ``z = L u`` with i.i.d. standard normal ``u``; the
    Monte-Carlo exports (:mod:`compact.export`) write the same transformation into the netlists.
    """
    if not spread:
        raise ConfigError("spread", spread, "a mapping {parameter: relative sigma} (or from_ensemble=)")
    names, dists, sig = _parse_spread(model, spread)
    m = len(names)
    C = np.eye(m) if correlation is None else np.asarray(correlation, dtype=float)
    if C.shape != (m, m) or not np.allclose(C, C.T) or not np.allclose(np.diag(C), 1.0):
        raise ConfigError("correlation", C.tolist(), f"a symmetric {m}x{m} matrix with unit diagonal (order: {names})")
    try:
        L = np.linalg.cholesky(C)
    except np.linalg.LinAlgError:
        raise ConfigError("correlation", C.tolist(), "a positive-definite correlation matrix") from None
    return names, dists, sig, L


def sample_parameters(model: CompactModel, n: int, spread: dict | None = None, correlation=None,
                      from_ensemble: xr.Dataset | None = None, seed=None) -> dict[str, np.ndarray]:
    """``{name: values (n,)}`` of device-to-device parameter draws (stored units); see the module docstring."""
    n = validate.positive_int("n", n)
    if from_ensemble is not None:
        if spread is not None:
            raise ConfigError("spread", spread, "either spread= or from_ensemble=, not both")
        spread, correlation = spread_from_ensemble(model, from_ensemble)
    names, dists, sig, L = correlated_spread(model, spread, correlation)
    m = len(names)
    z = make_rng(seed).standard_normal((n, m)) @ L.T
    out = {}
    for k, (name, dist) in enumerate(zip(names, dists, strict=True)):
        p0 = float(model.params[name].value)
        out[name] = p0 * np.exp(sig[k] * z[:, k]) if dist == "lognormal" else p0 + sig[k] * abs(p0) * z[:, k]
    return out


def sample(model: CompactModel, n: int, spread: dict | None = None, correlation=None,
           from_ensemble: xr.Dataset | None = None, seed=None) -> list[CompactModel]:
    """``n`` copies of ``model`` with device-to-device parameter variation (a list of models).

    >>> devices = sample(StanfordPKU(), 100, spread={"g0": 0.05, "I0": 0.2}, seed=1)
    """
    draws = sample_parameters(model, n, spread, correlation, from_ensemble, seed)
    devices = []
    for j in range(n):
        vals = {k: float(v[j]) for k, v in draws.items()}
        ps = model.params.with_values(source="variability: device-to-device draw", **vals)
        devices.append(type(model)(ps, material=model.material) if hasattr(model, "material") else type(model)(ps))
    return devices


def spread_from_ensemble(model: CompactModel, ensemble: xr.Dataset) -> tuple[dict, np.ndarray]:
    """(spread, correlation) from an ensemble Dataset: one variable per parameter over a ``device`` dim.

    Positive parameters get lognormal spreads (std of ln p), others normal (std / |mean|); the correlation
    is that of the transformed values.
    """
    names = [k for k in ensemble.data_vars if k in model.params]
    if not names:
        raise ConfigError("from_ensemble", list(ensemble.data_vars), f"variables named after parameters of {model.name}")
    cols, spread = [], {}
    for k in names:
        vals = np.asarray(ensemble[k].values, dtype=float).ravel()
        if vals.size < 3:
            raise ConfigError("from_ensemble", vals.size, "at least 3 devices")
        if np.all(vals > 0):
            y = np.log(vals)
            spread[k] = ("lognormal", float(np.std(y, ddof=1)))
        else:
            y = vals
            spread[k] = ("normal", float(np.std(y, ddof=1) / max(abs(np.mean(y)), 1e-300)))
        cols.append(y)
    C = np.corrcoef(np.array(cols)) if len(cols) > 1 else np.eye(1)
    C = np.atleast_2d(C)
    C = np.where(np.isfinite(C), C, 0.0)
    np.fill_diagonal(C, 1.0)
    return spread, C


def cycle_noise(values, sigma: float, seed=None, rng=None):
    """Multiplicative cycle-to-cycle noise: values * (1 + sigma N(0, 1)), independent per element."""
    validate.non_negative("sigma", sigma)
    rng = rng or make_rng(seed)
    values = np.asarray(values, dtype=float)
    return values * (1.0 + sigma * rng.standard_normal(values.shape))


def gap_noise_step(model: CompactModel, x, dt: float, sigma_rate: float, seed=None, rng=None):
    """One Euler-Maruyama step of additive state noise ``sigma_rate`` (state units / sqrt(s)), clipped to the
    bounds: the stochastic gap term of the Stanford model (``deltaGap0``) in discretized form."""
    validate.positive("dt", dt, "s")
    validate.non_negative("sigma_rate", sigma_rate)
    rng = rng or make_rng(seed)
    x = np.asarray(x, dtype=float)
    return model.clip_state(x + sigma_rate * np.sqrt(dt) * rng.standard_normal(x.shape))
