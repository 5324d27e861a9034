"""Analysis of compact models: small-signal impedance / local activity, and pinched hysteresis.

Small signal (Chua's local-activity theory: Chua, Int. J. Bifurcation Chaos 15, 3435 (2005); for NbOx:
Ascoli et al., IEEE TCAS-I 69, 4596 (2022)): linearizing
``i = I(v, x)``, ``dx/dt = f(v, x)`` about an equilibrium (v_dc, x_dc) with ``f = 0`` gives the admittance

    Y(jw) = dI/dv + dI/dx (jw 1 - df/dx)^(-1) df/dv,      Z = 1/Y.

``Re Z(jw) < 0`` at some w means the device is locally active there (it can amplify / oscillate
with a reactive load); ``Z(0) < 0`` is negative differential resistance of the DC I-V.

Pinched hysteresis (Chua's memristor fingerprint): under a zero-mean periodic v, a memristor's i-v
loop passes through the origin, and the lobe area shrinks as the frequency grows (the state cannot
follow; at high frequency the device is a fixed resistor).
"""

from __future__ import annotations

import numpy as np
import xarray as xr
from scipy.optimize import brentq

from compact import waveforms as W
from compact.base import CompactModel
from matsim.core import validate
from matsim.core.errors import ConfigError


def _jacobians(model: CompactModel, v: float, x: np.ndarray, T=None):
    """(dI/dv, dI/dx (n,), df/dv (n,), df/dx (n, n)) by central differences (steps relative to the bounds)."""
    lo, hi = model.state_bounds()
    n = model.n_state
    dv = 1e-6 * max(1.0, abs(v))
    dIdv = float((model.current(v + dv, x, T) - model.current(v - dv, x, T)) / (2 * dv))
    dfdv = (np.asarray(model.dstate_dt(v + dv, x, T), float) - np.asarray(model.dstate_dt(v - dv, x, T), float)).reshape(n) / (2 * dv)
    dIdx = np.zeros(n)
    dfdx = np.zeros((n, n))
    for k in range(n):
        h = 1e-6 * max(abs(hi[k] - lo[k]), 1e-30)
        xp, xm = x.copy(), x.copy()
        xp[k] += h
        xm[k] -= h
        dIdx[k] = float((model.current(v, xp, T) - model.current(v, xm, T)) / (2 * h))
        dfdx[:, k] = (np.asarray(model.dstate_dt(v, xp, T), float) - np.asarray(model.dstate_dt(v, xm, T), float)).reshape(n) / (2 * h)
    return dIdv, dIdx, dfdv, dfdx


def equilibrium_state(model: CompactModel, v_dc: float, T=None) -> np.ndarray:
    """A stable equilibrium state at constant bias ``v_dc`` (1-state models: first stable root of f)."""
    if model.n_state != 1:
        raise ConfigError("x_dc", None, f"an explicit equilibrium state for the {model.n_state}-state model {model.name}")
    lo, hi = model.state_bounds()
    grid = np.linspace(lo[0], hi[0], 801)
    f = np.asarray(model.dstate_dt(v_dc, grid[None, :], T), float).reshape(-1)
    down = np.nonzero((f[:-1] > 0) & (f[1:] <= 0))[0]
    if down.size:
        k = down[0]
        if f[k + 1] == 0:
            return np.array([grid[k + 1]])
        g = lambda xx: float(np.asarray(model.dstate_dt(v_dc, np.array([xx]), T)).reshape(-1)[0])
        return np.array([brentq(g, grid[k], grid[k + 1], xtol=1e-14 * max(1.0, abs(hi[0])))])
    # monotone: the state runs to a bound
    return np.array([hi[0] if f[len(f) // 2] > 0 else lo[0]])


def small_signal(model: CompactModel, v_dc: float, x_dc=None, frequencies=None, T=None) -> xr.Dataset:
    """Small-signal impedance Z(f) (Ohm) at the equilibrium (v_dc, x_dc).

    Returns a Dataset over ``f`` (Hz) with ``Z_real``, ``Z_imag`` (Ohm), attrs ``R_dc`` (DC differential
    resistance dV/dI along the equilibrium curve, Ohm), ``ndr`` (R_dc < 0), ``locally_active``
    (Re Z < 0 at some frequency), ``x_dc`` and ``residual`` (|f(v_dc, x_dc)|, should be ~0).
    """
    validate.finite("v_dc", v_dc, "V")
    x = equilibrium_state(model, v_dc, T) if x_dc is None else model.check_state(np.atleast_1d(np.asarray(x_dc, float)), "x_dc")
    x = np.asarray(x, dtype=float).reshape(model.n_state)
    if frequencies is None:
        frequencies = np.logspace(0, 12, 241)
    freqs = validate.positive("frequencies", np.atleast_1d(np.asarray(frequencies, float)), "Hz")
    dIdv, dIdx, dfdv, dfdx = _jacobians(model, float(v_dc), x, T)
    n = model.n_state
    Y = np.empty(freqs.size, dtype=complex)
    for k, fr in enumerate(freqs):
        Y[k] = dIdv + dIdx @ np.linalg.solve(2j * np.pi * fr * np.eye(n) - dfdx, dfdv)
    with np.errstate(divide="ignore"):
        Z = 1.0 / Y
        try:
            Y0 = dIdv - dIdx @ np.linalg.solve(dfdx, dfdv)
            R_dc = float(1.0 / Y0)
        except np.linalg.LinAlgError:                  # neutral state (no restoring force): DC = memristive
            R_dc = float(1.0 / dIdv)
    residual = float(np.max(np.abs(np.asarray(model.dstate_dt(v_dc, x, T), float))))
    return xr.Dataset({"Z_real": ("f", Z.real, {"units": "Ohm"}), "Z_imag": ("f", Z.imag, {"units": "Ohm"})},
                      coords={"f": ("f", freqs, {"units": "Hz"})},
                      attrs={"model": model.name, "v_dc": float(v_dc), "x_dc": x.tolist(), "R_dc": R_dc,
                             "ndr": int(R_dc < 0), "locally_active": int(np.any(Z.real < 0)),
                             "residual": residual})


def lobe_areas(v, i) -> tuple[float, float]:
    """Areas (V·A) enclosed by the positive-v and negative-v lobes of one period of a pinched loop."""
    v = np.asarray(v, float)
    i = np.asarray(i, float)

    def shoelace(mask):
        if mask.sum() < 3:
            return 0.0
        vv, ii = v[mask], i[mask]
        return 0.5 * abs(np.dot(vv, np.roll(ii, -1)) - np.dot(ii, np.roll(vv, -1)))

    return shoelace(v >= 0), shoelace(v <= 0)


def pinched_hysteresis(model: CompactModel, f, amp: float = 1.0, x0=None, n_periods: int = 2,
                       points_per_period: int = 400, T=None, **simulate_kw) -> xr.Dataset:
    """Lobe area of the i-v loop under ``amp sin(2 pi f t)`` for each frequency in ``f`` (Hz).

    Uses the last of ``n_periods`` periods. Returns a Dataset over ``f`` with ``lobe_area`` (V·A, sum of
    both lobes), ``lobe_area_pos``/``lobe_area_neg``, ``i_at_zero`` (A, largest |i| interpolated where the
    simulated v crosses 0: ~0 for a pinched loop), ``i_max`` (A) and ``state_swing`` (peak-to-peak of the first state over the last period).
    """
    freqs = validate.positive("f", np.atleast_1d(np.asarray(f, float)), "Hz")
    validate.positive_int("n_periods", n_periods)
    area, ap, an, i0, swing, imax = [], [], [], [], [], []
    for fr in freqs:
        w = W.sine(amp=amp, f=fr)
        t = w.times(n_periods, points_per_period)
        ds = model.simulate(w, t, x0=x0, T=T, **simulate_kw)
        last = slice(-points_per_period - 1, None)
        v, i = ds.v.values[last], ds.i.values[last]
        a_pos, a_neg = lobe_areas(v, i)
        zero = np.nonzero(np.sign(v[:-1]) != np.sign(v[1:]))[0]
        frac = v[zero] / (v[zero] - v[zero + 1]) if zero.size else np.zeros(0)
        i_zero = float(np.max(np.abs(i[zero] + frac * (i[zero + 1] - i[zero])))) if zero.size else 0.0
        area.append(a_pos + a_neg)
        ap.append(a_pos)
        an.append(a_neg)
        i0.append(i_zero)
        imax.append(float(np.max(np.abs(i))))
        swing.append(float(np.ptp(ds[model.state_names[0]].values[last])))
    return xr.Dataset({"lobe_area": ("f", area, {"units": "V*A"}), "lobe_area_pos": ("f", ap, {"units": "V*A"}),
                       "lobe_area_neg": ("f", an, {"units": "V*A"}), "i_at_zero": ("f", i0, {"units": "A"}),
                       "i_max": ("f", imax, {"units": "A"}),
                       "state_swing": ("f", swing, {"units": model.state_units[0]})},
                      coords={"f": ("f", freqs, {"units": "Hz"})},
                      attrs={"model": model.name, "amp": amp, "n_periods": n_periods})


def plot_pinched_hysteresis(model: CompactModel, f, amp: float = 1.0, x0=None, path=None, n_periods: int = 2):
    """i-v loops for each frequency in ``f``; returns the matplotlib Figure (saved to ``path`` if given)."""
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(5, 4))
    for fr in np.atleast_1d(f):
        w = W.sine(amp=amp, f=fr)
        ds = model.simulate(w, w.times(n_periods, 400), x0=x0)
        ax.plot(ds.v.values[-401:], ds.i.values[-401:], label=f"{fr:.3g} Hz")
    ax.set_xlabel("v (V)")
    ax.set_ylabel("i (A)")
    ax.set_title(f"{model.name}: pinched hysteresis")
    ax.legend()
    fig.tight_layout()
    if path is not None:
        fig.savefig(path, dpi=120)
    return fig
