"""Validated YAML config of ``matsim kmc run`` (pydantic, via :mod:`matsim.core.config`).

Example: ``kmc/examples/hfo2_cell.yaml``. A protocol is a list of steps, each one of
``forming``, ``sweep`` (explicit ``voltages`` or a bipolar ``cycle``) and ``pulse``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, PositiveFloat, PositiveInt, model_validator

from matsim.core.config import MatsimConfig


class CellConfig(MatsimConfig):
    shape: tuple[PositiveInt, PositiveInt, PositiveInt] = (10, 10, 20)
    T_ambient_K: PositiveFloat = 300.0
    compliance_A: PositiveFloat | None = 2e-6
    field_update_events: PositiveInt = 200
    field_update_changes: PositiveInt = 1
    max_events_per_step: PositiveInt = 1000
    initial_vacancy_fraction: float = Field(0.0, ge=0.0, le=1.0)
    seed: int | None = Field(0, ge=0)
    #: current model of kmc.vcm.VCMCell: "tunnel" (default: metallic filament + trap-to-trap tunnelling,
    #: kmc.vcm_conduction) or "lattice" (resistor network over lattice bonds); same choices as kmc.vcm.CONDUCTION
    conduction: Literal["lattice", "tunnel"] = "tunnel"
    #: thermal model: "ambient" (uniform kappa, electrodes at T_ambient) or "electrodes" (finite electrodes,
    #: interface resistances, kappa_filament; kmc.vcm_thermal); same choices as kmc.vcm.THERMAL
    thermal: Literal["ambient", "electrodes"] = "ambient"


class Forming(MatsimConfig):
    kind: Literal["forming"] = "forming"
    v_max: float = 4.0
    v_step: PositiveFloat = 0.1
    ramp_rate_V_per_s: PositiveFloat = 2.5
    stop_at_compliance: bool = True


class Cycle(MatsimConfig):
    v_set: PositiveFloat = 1.5
    v_reset: float = Field(-0.4, lt=0.0)
    v_step: PositiveFloat = 0.1


class Sweep(MatsimConfig):
    kind: Literal["sweep"] = "sweep"
    voltages: list[float] | None = None
    cycle: Cycle | None = None
    repeat: PositiveInt = 1
    dwell_s: PositiveFloat = 1e-3

    @model_validator(mode="after")
    def _one_source(self):
        if (self.voltages is None) == (self.cycle is None):
            raise ValueError("give exactly one of 'voltages' or 'cycle'")
        return self


class Pulse(MatsimConfig):
    kind: Literal["pulse"] = "pulse"
    V: float
    width_s: PositiveFloat
    n_samples: PositiveInt = 10
    v_read: float | None = 0.1


class OutputConfig(MatsimConfig):
    plots: bool = True
    snapshots: bool = False


class KMCRunConfig(MatsimConfig):
    """Top level of a ``matsim kmc run`` YAML file."""

    material: str = "HfO2"
    parameters_file: str | None = None       # a ParameterSet JSON (e.g. DFT-derived); missing keys from `material`
    overrides: dict[str, float] = {}         # values in the units stored in the ParameterSet
    cell: CellConfig = CellConfig()
    protocol: list[Forming | Sweep | Pulse] = Field(default_factory=lambda: [Forming()], min_length=1)
    output: OutputConfig = OutputConfig()
