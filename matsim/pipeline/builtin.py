"""Built-in stages. Each imports its engine lazily, so ``matsim run --list-stages`` stays fast."""

from __future__ import annotations

import matsim.pipeline.steps.dft  # noqa: F401
import matsim.pipeline.steps.kmc  # noqa: F401
import matsim.pipeline.steps.compact  # noqa: F401
import matsim.pipeline.steps.continuum  # noqa: F401
import matsim.pipeline.steps.oscillators  # noqa: F401
import matsim.pipeline.steps.network  # noqa: F401
from matsim.pipeline.stages import StageContext, parameter_summary, register_stage


@register_stage("materials")
def materials_stage(ctx: StageContext) -> dict:
    """Material parameters from the library (with their sources)."""
    from matsim import materials
    ps = materials.get(ctx.param("material", "HfO2"))
    path = ps.save_json(ctx.out_dir / "parameters.json")
    return {"material": ps.name, "parameters_file": str(path),
            **parameter_summary(ps)}
