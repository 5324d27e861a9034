"""Device ensembles over MPI ranks: cycle-to-cycle and device-to-device variability from KMC.

``run_ensemble(config, n_devices, seed=...)`` simulates ``n_devices`` independent cells, each with
its own random stream ``matsim.core.rng.make_rng(seed, stream=device)``, spread round-robin over
the ranks of ``comm`` (:func:`matsim.core.parallel.map_tasks`; serial without MPI). The gathered
result therefore does not depend on the number of ranks. Every device runs ``cycles`` SET/RESET
sweeps (0 -> v_set -> 0 -> v_reset -> 0; cycle 0 goes to ``v_forming`` instead when it is set, for
cells that need forming, e.g. VCM); per cycle we extract

* V_set: first positive voltage at which G = I/V reaches ``g_threshold_S`` (cycle 0: forming);
* V_reset: first negative voltage after that at which G falls below the threshold;
* R_HRS: 1/G at the first read step of the cycle; R_LRS: 1/G at the last read step before RESET
  (G the cell's conductance when its sweep reports one, else I/V).

:func:`ensemble_statistics` turns the Dataset into per-parameter mean/std (total, cycle-to-cycle,
device-to-device): the parameter distributions a compact model's variability needs.

The cell comes from a factory ``factory(config, rng) -> cell`` with a ``sweep_iv(voltages, dwell_s,
quiet=...)`` method returning a Dataset with ``V`` and ``I`` (and ``G`` when the cell reports its
conductance): :class:`kmc.ecm.ECMCell` for ``model: ECM`` (``electrode``: Ag or Cu),
:class:`kmc.vcm.VCMCell` for ``model: VCM`` (``material``: HfO2 by default).
"""

from __future__ import annotations

import warnings
from typing import Callable, Literal

import numpy as np
import xarray as xr
from pydantic import Field

from kmc.switching import switching_parameters   # the per-cycle definition (kmc.switching)
from matsim.core.config import MatsimConfig, read_mapping, validate
from matsim.core.errors import ConfigError
from matsim.core.io import save_dataset
from matsim.core.parallel import get_comm, map_tasks
from matsim.core.rng import make_rng
from matsim.core.units import G0
from matsim.core.validate import positive_int


class ProtocolConfig(MatsimConfig):
    """SET/RESET cycling protocol (volts, seconds)."""
    v_set: float = Field(0.8, gt=0)
    v_reset: float = Field(-0.8, lt=0)
    n_points: int = Field(9, ge=2)
    dwell_s: float = Field(0.1, gt=0)
    cycles: int = Field(3, ge=1)
    g_threshold_S: float = Field(0.5 * G0, gt=0)           # S: half the conductance quantum
    v_forming: float | None = Field(None, gt=0)   # cycle 0 sweeps to this voltage (forming), when set
    #: RESET-verify: the negative branch turns back to 0 V at the first step at which the cell's
    #: conductance is below ``g_threshold_S`` (program-and-verify; a RESET is not driven deeper than needed)
    reset_verify: bool = False


class EnsembleConfig(MatsimConfig):
    """YAML of ``matsim kmc ensemble``: the cell and the protocol."""
    model: Literal["ECM", "VCM"] = "ECM"
    electrode: str | None = None          # ECM: active electrode (Ag, Cu)
    material: str | None = None           # VCM: oxide (default HfO2)
    shape: tuple[int, int, int] = (3, 3, 8)
    T_K: float = Field(300.0, gt=0)
    compliance_A: float | None = Field(2e-5, gt=0)
    protocol: ProtocolConfig = ProtocolConfig()


def load_ensemble_config(config) -> EnsembleConfig:
    """An :class:`EnsembleConfig` from a path, a mapping or an EnsembleConfig; the active electrode
    material is required for ECM cells."""
    if isinstance(config, EnsembleConfig):
        cfg = config
    else:
        data = read_mapping(config) if not isinstance(config, dict) else dict(config)
        cfg = validate(EnsembleConfig, data, context="ensemble config")
    if cfg.model == "ECM" and not cfg.electrode:
        raise ConfigError("electrode", None, "the active-electrode material of the ECM cell (Ag or Cu)")
    return cfg


def ecm_factory(cfg: EnsembleConfig, rng: np.random.Generator):
    from kmc.ecm import ECMCell
    return ECMCell(cfg.electrode, shape=cfg.shape, T_K=cfg.T_K, compliance_A=cfg.compliance_A, seed=rng)


def vcm_factory(cfg: EnsembleConfig, rng: np.random.Generator):
    from kmc.vcm import VCMCell
    return VCMCell(cfg.material or "HfO2", shape=cfg.shape, T_ambient_K=cfg.T_K, compliance_A=cfg.compliance_A,
                   seed=rng)


FACTORIES: dict[str, Callable] = {"ECM": ecm_factory, "VCM": vcm_factory}


NAMES = ("V_set", "V_reset", "R_HRS", "R_LRS")


def simulate_device(cfg: EnsembleConfig, seed, device: int, factory: Callable | None = None) -> dict:
    """All cycles of one device with random stream ``device`` of ``seed``: arrays over cycles."""
    from kmc.experiments import bipolar_cycle
    factory = factory or FACTORIES[cfg.model]
    cell = factory(cfg, make_rng(seed, stream=device))
    p = cfg.protocol
    rows = []
    for cycle in range(p.cycles):
        v_up = p.v_forming if (cycle == 0 and p.v_forming is not None) else p.v_set
        volts = bipolar_cycle(v_up, p.v_reset, n_points=p.n_points)
        if p.reset_verify:
            ds = _sweep_reset_verify(cell, volts, p)
        else:
            ds = cell.sweep_iv(volts, p.dwell_s, quiet=True)
        G = ds["G"].values if "G" in ds else None
        rows.append(switching_parameters(ds["V"].values, ds["I"].values, p.g_threshold_S, G))
    return {k: np.array([r[k] for r in rows]) for k in NAMES}


def _sweep_reset_verify(cell, volts: np.ndarray, p: ProtocolConfig) -> xr.Dataset:
    """One bipolar loop whose negative branch stops (and steps back to 0 V) at the first negative step at
    which the cell's conductance (``G``, else I/V) is below ``g_threshold_S``."""
    n_pos = int(np.argmax(volts < 0))                     # the positive branch ends with its return to 0 V
    parts = [cell.sweep_iv(volts[:n_pos], p.dwell_s, quiet=True)]
    for v in volts[n_pos:]:
        if v >= 0:
            break
        ds = cell.sweep_iv([v], p.dwell_s, quiet=True)
        parts.append(ds)
        g = float(ds["G"].values[-1]) if "G" in ds else float(ds["I"].values[-1] / v)
        if g < p.g_threshold_S:
            break
    parts.append(cell.sweep_iv([0.0], p.dwell_s, quiet=True))
    return xr.concat(parts, dim=parts[0]["V"].dims[0])


def run_ensemble(config, n_devices: int, comm=None, seed=0, out=None, factory: Callable | None = None) -> xr.Dataset:
    """Simulate ``n_devices`` independent cells over the ranks of ``comm``; the same Dataset (dims
    device, cycle: V_set, V_reset, R_HRS, R_LRS; V_forming over device) on every rank, independent
    of the number of ranks. Rank 0 writes it to ``out`` (NetCDF) when given."""
    cfg = load_ensemble_config(config)
    n = positive_int("devices", n_devices)
    comm = comm or get_comm()
    size = comm.Get_size()
    if size > n:
        raise ConfigError("devices", n, f"at least the number of MPI ranks ({size}); "
                                        f"run with fewer ranks or more devices")
    results = map_tasks(lambda d: simulate_device(cfg, seed, d, factory), list(range(n)), comm)
    units = {"V_set": "V", "V_reset": "V", "R_HRS": "ohm", "R_LRS": "ohm"}
    data = {k: (("device", "cycle"), np.stack([r[k] for r in results]), {"units": u}) for k, u in units.items()}
    ds = xr.Dataset(data, coords={"device": np.arange(n), "cycle": np.arange(cfg.protocol.cycles)},
                    attrs={"model": cfg.model, "electrode": cfg.electrode or "", "material": cfg.material or "",
                           "seed": str(seed),
                           "n_ranks": size, "config": cfg.model_dump_json()})
    ds["V_forming"] = ("device", ds["V_set"].values[:, 0], {"units": "V", "note": "SET voltage of cycle 0"})
    if out is not None and comm.Get_rank() == 0:
        save_dataset(ds, out, provenance={"kmc.parallel.run_ensemble": {"n_devices": n, "seed": str(seed),
                                                                        "n_ranks": size}})
    return ds


def ensemble_statistics(ds: xr.Dataset) -> dict[str, dict[str, float]]:
    """Per-parameter statistics for compact-model variability.

    For V_set, V_reset, log10 R_HRS, log10 R_LRS (cycles >= 1, i.e. after forming) and V_forming:
    ``mean``, ``std`` (all samples), ``c2c_std`` (mean over devices of the std over cycles) and
    ``d2d_std`` (std over devices of the per-device mean). NaNs (missed switches) are ignored and
    counted in ``n_failed``."""
    out = {}
    later = ds.isel(cycle=slice(1, None)) if ds.sizes["cycle"] > 1 else ds
    for name in NAMES:
        x = later[name].values.astype(float)
        key = name
        if name.startswith("R_"):
            with np.errstate(divide="ignore", invalid="ignore"):
                x = np.log10(x)
            key = f"log10_{name}"
        out[key] = _stats(x)
    out["V_forming"] = _stats(ds["V_forming"].values[:, None].astype(float))
    return out


def _stats(x: np.ndarray) -> dict[str, float]:
    good = np.isfinite(x)
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        c2c = np.nanstd(x, axis=1) if x.shape[1] > 1 else np.zeros(x.shape[0])
        d2d = np.nanmean(x, axis=1)
        return {"mean": float(np.nanmean(x)) if good.any() else float("nan"),
                "std": float(np.nanstd(x)) if good.any() else float("nan"),
                "c2c_std": float(np.nanmean(c2c)) if good.any() else float("nan"),
                "d2d_std": float(np.nanstd(d2d)) if good.any() else float("nan"),
                "n_failed": int((~good).sum())}


def plot_ensemble(ds: xr.Dataset, path=None):
    """Histograms of V_set, V_reset, R_HRS/R_LRS (log) and V_forming (Figure; saved if ``path``)."""
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, 4, figsize=(13, 3))
    later = ds.isel(cycle=slice(1, None)) if ds.sizes["cycle"] > 1 else ds
    for ax, name in zip(axes[:2], ("V_set", "V_reset"), strict=True):
        x = later[name].values
        ax.hist(x[np.isfinite(x)].ravel(), bins=15, label="all cycles")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)      # a device without any switch
            means = np.nanmean(x, axis=1)
        ax.hist(means[np.isfinite(means)], bins=15, alpha=0.6, label="device means")
        ax.set_xlabel(f"{name} (V)")
    axes[0].legend(fontsize=7)
    for name in ("R_HRS", "R_LRS"):
        x = later[name].values
        x = x[np.isfinite(x) & (x > 0)]
        axes[2].hist(np.log10(x), bins=15, alpha=0.7, label=name)
    axes[2].set_xlabel("log10 R (Ω)")
    axes[2].legend(fontsize=7)
    f = ds["V_forming"].values
    axes[3].hist(f[np.isfinite(f)], bins=15)
    axes[3].set_xlabel("V_forming (V)")
    axes[0].set_ylabel("count")
    fig.tight_layout()
    if path is not None:
        fig.savefig(path, dpi=120)
    return fig
