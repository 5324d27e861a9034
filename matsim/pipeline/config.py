"""Workflow configuration: a YAML file naming the stages to run, validated before any work starts.

```yaml
name: hfo2_vcm_crossbar
seed: 2026
size: small            # small (CI, minutes) | large (real runs)
stages:
  - stage: dft_barrier
    params: {metal: Cu}
  - stage: kmc_switching
    params: {material: HfO2}
    inputs: [dft_barrier]  # optional; defaults to the previous stage
```
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator

from matsim.core.config import MatsimConfig


class StageSpec(MatsimConfig):
    """One stage: which registered stage to run, its parameters, and the stages it reads from."""

    stage: str = Field(description="registered stage name (see `matsim run --list-stages`)")
    id: str | None = Field(default=None, description="unique id in this workflow (default: the stage name)")
    params: dict[str, Any] = Field(default_factory=dict)
    inputs: list[str] | None = Field(default=None, description="ids of upstream stages (default: the previous one)")

    @property
    def key(self) -> str:
        return self.id or self.stage


class WorkflowConfig(MatsimConfig):
    """A whole workflow."""

    name: str
    seed: int = Field(default=0, ge=0)
    size: Literal["small", "large"] = "small"
    description: str = ""
    stages: list[StageSpec] = Field(min_length=1)

    @field_validator("stages")
    @classmethod
    def _unique_ids(cls, stages: list[StageSpec]) -> list[StageSpec]:
        seen: set[str] = set()
        for s in stages:
            if s.key in seen:
                raise ValueError(f"stage id {s.key!r} appears twice; give one of them an 'id'")
            seen.add(s.key)
        return stages
