"""A device-size VCM run: a 10 nm × 10 nm × 5 nm HfO2 cell forms, RESETs and SETs once, timed per phase.

At the HfO2 lattice spacing a = 0.25 nm (``lattice_spacing``) the device is 40 × 40 × 20 sites
(32 000 sites, 480 000 events). Protocol (all with the cell's compliance on positive voltages):

1. forming: voltage ramp ``v_form_start`` -> ``v_form_max`` in ``v_step`` at ``ramp_rate`` (V/s) until the
   current reaches the compliance (:func:`kmc.experiments.forming`);
2. read at ``v_read``, then RESET: 0 -> ``v_reset`` -> 0 in ``v_step`` steps of ``dwell_s`` each;
3. SET: 0 -> ``v_set`` -> 0 likewise.

V_reset, V_set, R_LRS (read before the RESET) and R_HRS (first ``v_read`` step of the SET branch) follow
:func:`kmc.switching.switching_voltages`. Run it with ``python kmc/examples/vcm_device_cycle.py``; the
timed numbers are in ``benchmarks/kmc_vcm.py`` and docs/kmc.md.
"""

from __future__ import annotations

import time

import numpy as np

from kmc.experiments import forming, to_dataset
from kmc.switching import switching_voltages
from kmc.vcm import VCMCell
from matsim.core.errors import ConfigError

#: 10 nm x 10 nm x 5 nm at a = 0.25 nm
DEVICE_SHAPE = (40, 40, 20)


def _branch(v_end: float, v_step: float) -> np.ndarray:
    """0 -> v_end -> 0 in steps of v_step (0 itself left out)."""
    n = int(round(abs(v_end) / v_step))
    up = np.linspace(0.0, v_end, n + 1)
    return np.concatenate([up[1:], up[::-1][1:-1], [0.0]])


def device_cycle(shape=DEVICE_SHAPE, *, seed=1, params="HfO2", v_form_start: float = 3.0, v_form_max: float = 6.0,
                 v_step: float = 0.1, ramp_rate_V_per_s: float = 2.5, v_reset: float = -1.0, v_set: float = 2.5,
                 dwell_s: float = 1e-3, v_read: float = 0.1, conduction: str = "tunnel",
                 thermal: str = "electrodes", max_events_per_step: int = 50_000, quiet: bool = True,
                 **cell_kw) -> dict:
    """Form one cell, then one RESET/SET cycle; returns the switching numbers and, per phase
    (``setup``, ``forming``, ``reset``, ``set``), the wall time (s), events and field updates, plus the
    datasets ``forming_ds`` and ``cycle_ds``."""
    if not v_reset < 0:
        raise ConfigError("v_reset", v_reset, "a negative voltage (V)")
    if not v_set > 0:
        raise ConfigError("v_set", v_set, "a positive voltage (V)")
    phases = {}
    t0 = time.perf_counter()
    cell = VCMCell(params, shape=shape, seed=seed, conduction=conduction, thermal=thermal,
                   max_events_per_step=max_events_per_step, **cell_kw)

    def mark(name, t_start, ev0, up0):
        phases[name] = {"wall_s": time.perf_counter() - t_start, "events": cell.n_events - ev0,
                        "field_updates": cell.n_field_updates - up0}

    mark("setup", t0, 0, 0)
    t, ev, up = time.perf_counter(), cell.n_events, cell.n_field_updates
    ramp = np.arange(v_form_start, v_form_max + 1e-9, v_step)
    form = forming(cell, ramp, ramp_rate_V_per_s=ramp_rate_V_per_s, quiet=quiet)
    mark("forming", t, ev, up)
    records = []
    for name, volts in (("reset", np.concatenate([[v_read], _branch(v_reset, v_step)])),
                        ("set", _branch(v_set, v_step))):
        t, ev, up = time.perf_counter(), cell.n_events, cell.n_field_updates
        for V in volts:
            cell.set_voltage(float(V))
            records.append(cell.evolve(dwell_s))
        mark(name, t, ev, up)
    cycle = to_dataset(records, "device RESET/SET cycle")
    sv = switching_voltages(cycle, cell.compliance_A, v_read=v_read)
    return {"shape": tuple(shape), "sites": int(np.prod(shape)), "V_forming": float(form.attrs["V_forming"]),
            **sv, "phases": phases, "wall_s": sum(p["wall_s"] for p in phases.values()),
            "forming_ds": form, "cycle_ds": cycle, "cell": cell}
