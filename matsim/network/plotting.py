"""Figures for oscillator / neuron networks, the Ascoli two-cell network and annealing.

Every function takes the Dataset a simulation returned, draws with matplotlib (Agg is fine), returns
the Figure and saves it when ``path`` is given.
"""

from __future__ import annotations

import numpy as np
import xarray as xr


def _figure(ncols: int = 1, nrows: int = 1, size=(6.0, 4.0)):
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(nrows, ncols, figsize=size, squeeze=False)
    return fig, ax


def _finish(fig, path):
    fig.tight_layout()
    if path is not None:
        fig.savefig(path, dpi=150)
    return fig


def phase_portrait(ds: xr.Dataset, x: str = "T1", y: str = "T2", path=None, ax=None):
    """Trajectory in the (x, y) plane, e.g. (T1, T2) of :meth:`TwoCellNetwork.simulate` or
    (v, T) of one cell of a :class:`MottNetwork` run (select the cell first: ``ds.sel(cell=0)``)."""
    if ax is None:
        fig, axes = _figure()
        ax = axes[0, 0]
    else:
        fig = ax.figure
    X, Y = ds[x].values, ds[y].values
    ax.plot(X, Y, lw=1.0)
    ax.plot(X[0], Y[0], "o", color="k", ms=4, label="start")
    ax.plot(X[-1], Y[-1], "s", color="C3", ms=4, label="end")
    ax.set_xlabel(f"{x} ({ds[x].attrs.get('units', '')})")
    ax.set_ylabel(f"{y} ({ds[y].attrs.get('units', '')})")
    if "R_C_ohm" in ds.attrs:
        ax.set_title(f"R_C = {ds.attrs['R_C_ohm']:.4g} Ohm: {ds.attrs.get('pattern', '')}")
    ax.legend(loc="best", fontsize=8)
    return _finish(fig, path)


def bifurcation_diagram(scan: xr.Dataset, bifurcations: dict | None = None, path=None):
    """Equilibrium temperatures vs R_C from :meth:`TwoCellNetwork.continuation`: stable (solid) and
    unstable (dashed) homogeneous and pattern branches, with the pitchfork/Hopf points marked."""
    fig, axes = _figure(size=(6.5, 4.2))
    ax = axes[0, 0]
    R = scan["R_C"].values
    gh = scan["growth_homogeneous"].values
    Th = scan["T_homogeneous"].values
    ax.plot(R, np.where(gh < 0, Th, np.nan), "k-", label="homogeneous, stable")
    ax.plot(R, np.where(gh >= 0, Th, np.nan), "k--", label="homogeneous, unstable")
    gp = scan["growth_pattern"].values
    for name, style in (("T1_pattern", "C0"), ("T2_pattern", "C3")):
        T = scan[name].values
        ax.plot(R, np.where(gp < 0, T, np.nan), "-", color=style, label="pattern, stable" if name == "T1_pattern" else None)
        ax.plot(R, np.where(gp >= 0, T, np.nan), ":", color=style,
                label="pattern, unstable (oscillates)" if name == "T1_pattern" else None)
    for key, mark in (("pitchfork", "P"), ("hopf", "H")):
        if bifurcations and bifurcations.get(key):
            ax.axvline(bifurcations[key], color="0.5", lw=0.8)
            ax.text(bifurcations[key], ax.get_ylim()[1], f" {mark} {bifurcations[key]:.2f} Ohm", va="top", fontsize=8)
    ax.set_xscale("log")
    ax.set_xlabel("coupling resistance R_C (Ohm)")
    ax.set_ylabel("equilibrium temperature (K)")
    ax.legend(fontsize=7, loc="best")
    return _finish(fig, path)


def spike_raster(ds: xr.Dataset, spikes: list | None = None, variable: str = "i", path=None):
    """Raster of spike times per cell (from :func:`oscillators.analyze`) above the traces."""
    from matsim.network.oscillators import analyze
    spikes = analyze(ds, transient=0.0)["spikes"] if spikes is None else spikes
    fig, axes = _figure(nrows=2, size=(7.0, 5.0))
    t = ds["t"].values
    for k in range(ds.sizes["cell"]):
        axes[0, 0].plot(t * 1e6, ds[variable].values[k], lw=0.8, label=f"cell {k}")
        axes[1, 0].vlines(np.asarray(spikes[k]) * 1e6, k - 0.4, k + 0.4, color=f"C{k % 10}")
    axes[0, 0].set_ylabel(f"{variable} ({ds[variable].attrs.get('units', '')})")
    axes[0, 0].legend(fontsize=7, loc="upper right")
    axes[1, 0].set_xlabel("t (us)")
    axes[1, 0].set_ylabel("cell")
    axes[1, 0].set_yticks(range(ds.sizes["cell"]))
    return _finish(fig, path)


def fI_curve(fi: xr.Dataset, threshold: float | None = None, path=None):
    """Firing rate vs input current (:meth:`MottNeuron.fI_curve`)."""
    fig, axes = _figure()
    ax = axes[0, 0]
    ax.plot(fi["I_in"].values * 1e3, fi["rate"].values / 1e6, "o-")
    if threshold is not None:
        ax.axvline(threshold * 1e3, color="0.5", ls="--", label="rest-point threshold")
        ax.legend(fontsize=8)
    ax.set_xlabel("input current (mA)")
    ax.set_ylabel("firing rate (MHz)")
    return _finish(fig, path)


def cut_vs_iterations(traces: dict, optimum: float | None = None, path=None):
    """Mean (and spread) of the cut after each sweep for several :meth:`HopfieldMaxCut.run` results,
    e.g. ``{"noisy": ds1, "zero noise": ds2}``, with the exact optimum as a line."""
    fig, axes = _figure()
    ax = axes[0, 0]
    for k, (label, ds) in enumerate(traces.items()):
        c = ds["cut"].values
        sweeps = ds["sweep"].values
        ax.plot(sweeps, c.mean(axis=0), color=f"C{k}", label=label)
        ax.fill_between(sweeps, c.min(axis=0), c.max(axis=0), color=f"C{k}", alpha=0.2)
    if optimum is not None:
        ax.axhline(optimum, color="k", ls="--", label="exact optimum")
    ax.set_xlabel("sweep")
    ax.set_ylabel("cut weight")
    ax.legend(fontsize=8)
    return _finish(fig, path)
