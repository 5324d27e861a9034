"""Parameter sweeps of the Mott filament model over MPI ranks (``matsim.core.parallel.map_tasks``).

A config (YAML/JSON mapping) describes one device and one experiment::

    material: VO2
    geometry: axisymmetric        # or 2d
    radius_m: 100e-9
    thickness_m: 50e-9
    n_cells: [12, 6]
    T_ambient_K: 300
    lateral: heat_sink
    circuit: {V_source: 12.0, R_series: 5.0e4, C_parallel: 0.0}
    experiment: transient          # or iv
    t_end: 2.0e-9
    dt: 1.0e-10
    currents: [1.0e-5, 1.0e-4]     # for experiment: iv
    refine_snapback: 8             # iv: extra currents inserted where V snaps back at the threshold

``sweep_tasks(config, {"R_series": [1e3, 2e3]})`` makes the cartesian product of the swept values
(keys of the circuit block or of the device); :func:`run_sweep` runs them spread over ranks and
returns one summary row per task, identical on 1 or N ranks (the model is deterministic).
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from continuum.circuit import Circuit
from continuum.filament import MottFilament
from matsim.core.errors import ConfigError
from matsim.core.parallel import get_comm, map_tasks

DEVICE_KEYS = ("material", "geometry", "radius_m", "thickness_m", "n_cells", "T_ambient_K", "lateral",
               "electrode_thermal_resistance", "depth_m", "hysteresis", "T_limit_K", "perturbation_K", "seed",
               "core", "step_tol", "linear_solver")
CIRCUIT_KEYS = ("V_source", "R_series", "C_parallel")
RUN_KEYS = ("experiment", "t_end", "dt", "currents", "voltages", "refine_snapback", "circuit")


def build_model(config: dict) -> MottFilament:
    """A MottFilament from a config mapping (unknown keys -> ConfigError naming the key)."""
    unknown = [k for k in config if k not in DEVICE_KEYS + CIRCUIT_KEYS + RUN_KEYS]
    if unknown:
        raise ConfigError(unknown[0], config[unknown[0]], "one of " + ", ".join(DEVICE_KEYS + CIRCUIT_KEYS + RUN_KEYS))
    circ = dict(config.get("circuit") or {})
    circ.update({k: config[k] for k in CIRCUIT_KEYS if k in config})
    kw = {k: config[k] for k in DEVICE_KEYS if k in config}
    if "n_cells" in kw and isinstance(kw["n_cells"], list):
        kw["n_cells"] = tuple(kw["n_cells"])
    return MottFilament(circuit=Circuit(**circ), **kw)


def run_config(config: dict):
    """Run the config's experiment; returns the xarray Dataset."""
    model = build_model(config)
    exp = config.get("experiment", "transient")
    if exp == "transient":
        return model.transient(float(config.get("t_end", 1e-9)), float(config.get("dt", 1e-10)))
    if exp == "iv":
        if "currents" in config:
            return model.steady_iv(currents=[float(x) for x in config["currents"]],
                                   refine_snapback=config.get("refine_snapback", 0))
        return model.steady_iv(voltages=[float(x) for x in config.get("voltages", [])])
    raise ConfigError("experiment", exp, "'transient' or 'iv'")


def summarize(ds) -> dict[str, float]:
    """Plain numbers of a run: final V, I, T_max, filament radius, peak T_max, oscillation frequency."""
    from continuum.lumped import oscillation_frequency
    out = {"V_final": float(ds.V[-1]), "I_final": float(ds.I[-1]), "T_max_final": float(ds.T_max[-1]),
           "T_max_peak": float(ds.T_max.max()), "filament_radius_final": float(ds.filament_radius[-1])}
    if "t" in ds.dims:
        out["frequency"] = oscillation_frequency(ds.t.values, ds.V.values)
    return out


def sweep_tasks(config: dict, params: dict[str, list]) -> list[dict]:
    """Cartesian product of ``params`` applied to ``config`` (circuit keys go into the circuit block)."""
    names = list(params)
    tasks = []
    for combo in itertools.product(*(params[n] for n in names)):
        cfg = dict(config)
        cfg["circuit"] = dict(config.get("circuit") or {})
        for n, v in zip(names, combo, strict=True):
            if n in CIRCUIT_KEYS:
                cfg["circuit"][n] = v
            elif n in DEVICE_KEYS or n in ("t_end", "dt"):
                cfg[n] = v
            else:
                raise ConfigError("--param", n, "a device key (" + ", ".join(DEVICE_KEYS) + ") or a circuit key ("
                                  + ", ".join(CIRCUIT_KEYS) + ")")
        tasks.append({"config": cfg, "values": dict(zip(names, combo, strict=True))})
    return tasks


def _run_task(task: dict) -> dict[str, Any]:
    return {**task["values"], **summarize(run_config(task["config"]))}


def run_sweep(config: dict, params: dict[str, list], comm=None) -> list[dict]:
    """Run every combination, spread over the ranks of ``comm``; the ordered rows on every rank."""
    return map_tasks(_run_task, sweep_tasks(config, params), comm or get_comm())


def parse_param(text: str) -> tuple[str, list]:
    """``"R_series=1e3,2e3"`` -> ("R_series", [1000.0, 2000.0]) (numbers where possible)."""
    if "=" not in text:
        raise ConfigError("--param", text, "NAME=v1,v2,...")
    name, values = text.split("=", 1)
    out = []
    for v in values.split(","):
        try:
            out.append(float(v))
        except ValueError:
            out.append(v.strip())
    if not out:
        raise ConfigError("--param", text, "at least one value")
    return name.strip(), out


def rows_to_dataset(rows: list[dict]):
    import xarray as xr
    keys = list(rows[0])
    return xr.Dataset({k: ("task", np.array([r[k] for r in rows])) for k in keys})
