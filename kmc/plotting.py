"""Plots of KMC results (matplotlib, Agg-safe): each returns the Figure and optionally saves it."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np


def _finish(fig, path):
    fig.tight_layout()
    if path is not None:
        fig.savefig(path, dpi=150)
    return fig


def plot_iv(ds, path=None, ax=None, label: str | None = None):
    """|I| (log) vs applied V of an experiment Dataset (forming / sweep_iv / pulse)."""
    fig, ax = (plt.subplots(figsize=(4.5, 3.5)) if ax is None else (ax.figure, ax))
    ax.semilogy(ds["V"].values, np.abs(ds["I"].values) + 1e-15, ".-", label=label or ds.attrs.get("experiment", ""))
    ax.set_xlabel("V (V)")
    ax.set_ylabel("|I| (A)")
    ax.legend(fontsize=8)
    return _finish(fig, path)


def _side_view(cell, img2d, path, title, cmap, cbar):
    """Image of an (nx, nz) array with the active electrode at the top."""
    fig, ax = plt.subplots(figsize=(4, 4.5))
    nx, _, nz = cell.shape
    im = ax.imshow(np.asarray(img2d).T[::-1], cmap=cmap, aspect="equal", interpolation="nearest",
                   extent=[0, nx * cell.a * 1e9, 0, nz * cell.a * 1e9])
    ax.set_xlabel("x (nm)")
    ax.set_ylabel("z (nm), top = active electrode")
    ax.set_title(title)
    fig.colorbar(im, ax=ax, label=cbar)
    return _finish(fig, path)


def plot_vacancy_map(cell, path=None):
    """Vacancies per (x, z) column summed over y (side view of the filament)."""
    return _side_view(cell, cell.vac.reshape(cell.shape).sum(axis=1), path, "oxygen vacancies (sum over y)",
                      "viridis", "vacancies")


def plot_temperature_map(cell, path=None):
    """Maximum temperature over y of each (x, z) column (K)."""
    return _side_view(cell, cell.temp.reshape(cell.shape).max(axis=1), path, "temperature (max over y)",
                      "inferno", "T (K)")
