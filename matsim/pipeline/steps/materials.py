"""Library stage: a material's parameter set, each value with its unit and source."""

from __future__ import annotations

from matsim.pipeline.stages import StageConfig, StageContext, parameter_summary, register_stage


class MaterialsConfig(StageConfig):
    material: str = "HfO2"


def _check(cfg: MaterialsConfig, ctx: StageContext) -> None:
    from matsim import materials
    materials.get(cfg.material)


@register_stage("materials", MaterialsConfig, check=_check)
def materials_stage(ctx: StageContext) -> dict:
    """Material parameters from the library (with their sources)."""
    from matsim import materials
    ps = materials.get(ctx.config.material)
    path = ps.save_json(ctx.out_dir / "parameters.json")
    return {"material": ps.name, "parameters_file": str(path),
            **parameter_summary(ps)}
