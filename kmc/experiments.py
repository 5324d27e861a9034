"""Electrical experiments on a :class:`~kmc.VCMCell`: forming ramp, I-V sweeps, pulses.

Each voltage step holds V for a dwell time (KMC clock) with field updates, then records the
observables. Results are ``xarray.Dataset`` over ``step`` with V (applied), V_cell (after the
compliance), I, time, n_vacancies, n_ions, reservoir, T_max, gap (filament gap in sites), G,
n_events and truncated (the step's event budget ran out before its dwell time; its time is then
shorter than planned). Snapshots of the defects can be written as extxyz (ase).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import xarray as xr

from matsim.core.progress import progress
from matsim.core.errors import ConfigError
from matsim.core.validate import finite, positive, positive_int

UNITS = {"V": "V", "V_cell": "V", "I": "A", "time": "s", "n_vacancies": "1", "n_ions": "1", "reservoir": "1",
         "T_max": "K", "gap": "sites", "G": "S", "n_events": "1", "truncated": "1"}


def to_atoms(cell):
    """ase.Atoms with one atom per defect: vacancies as 'X'... written as O with tag 1, ions O tag 2;
    the electrode temperature/voltage go into ``atoms.info``."""
    from ase import Atoms
    g = cell.grid
    idx = np.arange(g.n)
    coords = np.stack(np.unravel_index(idx, g.shape), axis=1) * g.a * 1e10      # Å
    v, i = cell.vac > 0, cell.ion > 0
    pos = np.concatenate([coords[v], coords[i] + 0.5 * g.a * 1e10 * np.array([0.5, 0.5, 0.0])])
    tags = np.concatenate([np.ones(v.sum(), int), np.full(i.sum(), 2)])
    atoms = Atoms(symbols=["O"] * len(pos), positions=pos, tags=tags,
                  cell=np.array(g.shape) * g.a * 1e10, pbc=[True, True, False])
    atoms.info.update({"time_s": cell.time, "V": cell.voltage, "I_A": cell.current, "T_max_K": cell.T_max,
                       "note": "tag 1 = oxygen vacancy site, tag 2 = oxygen ion"})
    return atoms


def _write_snapshot(cell, path) -> None:
    from ase.io import write
    write(str(path), to_atoms(cell), format="extxyz", append=True)


def run_steps(cell, voltages, dwell_s, desc: str = "KMC", snapshots=None, quiet: bool = False,
              stop_when=None) -> xr.Dataset:
    """Apply each voltage for ``dwell_s`` seconds and record the observables after each step.

    snapshots : path of an extxyz file to append a defect snapshot to after every step (or None).
    stop_when : optional callable(record) -> bool ending the sequence early (e.g. at compliance).
    """
    voltages = np.atleast_1d(finite("voltages", voltages, "V"))
    dwell = np.broadcast_to(np.asarray(dwell_s, dtype=float), voltages.shape)
    positive("dwell_s", dwell, "s")
    if snapshots is not None:
        Path(snapshots).unlink(missing_ok=True)
    records = []
    for V, dt in progress(list(zip(voltages, dwell)), desc=desc, quiet=quiet, unit="step"):
        cell.set_voltage(float(V))
        rec = cell.evolve(float(dt))
        records.append(rec)
        if snapshots is not None:
            _write_snapshot(cell, snapshots)
        if stop_when is not None and stop_when(rec):
            break
    return to_dataset(records, desc)


def to_dataset(records: list[dict], name: str = "") -> xr.Dataset:
    data = {k: ("step", np.array([r[k] for r in records])) for k in UNITS}
    ds = xr.Dataset(data, coords={"step": np.arange(len(records))})
    for k, u in UNITS.items():
        ds[k].attrs["units"] = u
    ds.attrs["experiment"] = name
    return ds


def forming(cell, v_ramp=None, *, v_max: float = 4.0, v_step: float = 0.1, ramp_rate_V_per_s: float = 2.5,
            stop_at_compliance: bool = True, **kw) -> xr.Dataset:
    """Forming: ramp V up (``v_ramp`` array, or 0 -> v_max in v_step at ramp_rate) until the current
    reaches the compliance (then stop, as a forming tester does). The dataset's attrs carry
    ``V_forming`` (applied voltage of the first step at compliance; NaN if none)."""
    if v_ramp is None:
        v_ramp = np.arange(v_step, v_max + 1e-9, v_step)
    v_ramp = np.atleast_1d(finite("v_ramp", v_ramp, "V"))
    dwell = abs(v_ramp[1] - v_ramp[0]) / ramp_rate_V_per_s if len(v_ramp) > 1 else 1.0 / ramp_rate_V_per_s
    icc = cell.compliance_A
    stop = (lambda r: r["I"] >= 0.999 * icc) if (stop_at_compliance and icc is not None) else None
    ds = run_steps(cell, v_ramp, dwell, desc="forming", stop_when=stop, **kw)
    at_cc = np.nonzero(ds["I"].values >= 0.999 * icc)[0] if icc is not None else []
    ds.attrs["V_forming"] = float(ds["V"].values[at_cc[0]]) if len(at_cc) else float("nan")
    return ds


def sweep_iv(cell, voltages, dwell_s: float = 1e-3, **kw) -> xr.Dataset:
    """Quasi-static I-V: the voltages in order, each held ``dwell_s`` s (e.g. 0 -> V_set -> 0 -> V_reset -> 0)."""
    return run_steps(cell, voltages, dwell_s, desc="I-V sweep", **kw)


def pulse(cell, V: float, width: float, *, n_samples: int = 10, v_read: float | None = 0.1,
          **kw) -> xr.Dataset:
    """A rectangular pulse of ``V`` volts for ``width`` s sampled ``n_samples`` times, followed by a
    short read at ``v_read`` (dwell width/n_samples) unless None."""
    width = positive("width", width, "s")
    volts = [float(V)] * int(n_samples) + ([] if v_read is None else [float(v_read)])
    return run_steps(cell, volts, width / n_samples, desc="pulse", **kw)


def bipolar_cycle(v_set: float = 1.5, v_reset: float = -0.4, v_step: float = 0.05,
                  n_points: int | None = None) -> np.ndarray:
    """Voltages of one bipolar loop 0 -> v_set -> 0 -> v_reset -> 0, in steps of ``v_step`` (V) or,
    when ``n_points`` is given, with ``n_points`` evenly spaced voltages per branch (0 included)."""
    positive("v_set", v_set, "V")
    if not v_reset < 0:
        raise ConfigError("v_reset", v_reset, "a negative voltage (V)")
    if n_points is not None:
        n = positive_int("n_points", n_points, minimum=2)
        up, dn = np.linspace(0, v_set, n), np.linspace(0, v_reset, n)
    else:
        v_step = positive("v_step", v_step, "V")
        up, dn = np.arange(0, v_set + 1e-9, v_step), np.arange(0, v_reset - 1e-9, -v_step)
    return np.concatenate([up[1:], up[::-1][1:], dn[1:], dn[::-1][1:]])
