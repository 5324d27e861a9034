"""Plots of continuum results (matplotlib, Agg): I-V with the NDR branch, temperature map, waveform.
Each function returns the Figure and saves it when ``path`` is given."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np


def _save(fig, path):
    if path:
        fig.savefig(path, dpi=150, bbox_inches="tight")
    return fig


def plot_iv(ds, path=None, ax=None):
    """Steady I-V (V on x, I on y, log I); the points with dV/dI < 0 (S-NDR) in red."""
    fig, ax = (ax.figure, ax) if ax is not None else plt.subplots(figsize=(4.5, 3.5))
    V, I = ds.V.values, ds.I.values
    ax.semilogy(V, I, "o-", color="k", ms=3, label=ds.attrs.get("material", ""))
    ndr = np.nonzero(np.diff(V) / np.diff(I) < 0)[0]
    for k in ndr:
        ax.semilogy(V[k:k + 2], I[k:k + 2], "r-", lw=2.5)
    if len(ndr):
        ax.plot([], [], "r-", lw=2.5, label="NDR (dV/dI < 0)")
    ax.set_xlabel("device voltage V (V)")
    ax.set_ylabel("current I (A)")
    ax.legend(frameon=False)
    return _save(fig, path)


def plot_temperature(ds, index: int = -1, path=None, ax=None):
    """Temperature map T(x, z) of snapshot ``index`` (mirrored about the axis for axisymmetric runs)."""
    fig, ax = (ax.figure, ax) if ax is not None else plt.subplots(figsize=(4.5, 3.0))
    T = ds.T.values[index]
    x, z = ds.x.values * 1e9, ds.z.values * 1e9
    if ds.attrs.get("geometry") == "axisymmetric":
        x = np.concatenate([-x[::-1], x])
        T = np.concatenate([T[:, ::-1], T], axis=1)
    im = ax.pcolormesh(x, z, T, shading="auto", cmap="inferno")
    fig.colorbar(im, ax=ax, label="T (K)")
    ax.set_xlabel("r (nm)" if ds.attrs.get("geometry") == "axisymmetric" else "x (nm)")
    ax.set_ylabel("z (nm)")
    ax.set_aspect("equal")
    return _save(fig, path)


def plot_waveform(ds, path=None):
    """V(t), I(t) and T_max(t) of a transient (e.g. Pearson-Anson oscillation)."""
    fig, axes = plt.subplots(3, 1, figsize=(5, 5), sharex=True)
    t = ds.t.values * 1e9
    axes[0].plot(t, ds.V.values)
    axes[0].set_ylabel("V (V)")
    axes[1].plot(t, ds.I.values * 1e3)
    axes[1].set_ylabel("I (mA)")
    axes[2].plot(t, ds.T_max.values)
    axes[2].set_ylabel("T_max (K)")
    axes[2].set_xlabel("t (ns)")
    return _save(fig, path)


def plot_crosstalk(ds, path=None, ax=None, label=None):
    """Thermal coupling R_mutual / R_self of two pads against pitch (``crosstalk_vs_pitch``)."""
    fig, ax = (ax.figure, ax) if ax is not None else plt.subplots(figsize=(4.5, 3.5))
    ax.semilogy(ds.pitch.values * 1e9, ds.coupling.values, "o-", label=label)
    ax.set_xlabel("pitch (nm)")
    ax.set_ylabel("R_mutual / R_self")
    if label:
        ax.legend(fontsize=8)
    return _save(fig, path)
