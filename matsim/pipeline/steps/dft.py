"""DFT stages: barriers and prefactors -> a material ParameterSet for the KMC stage."""

from __future__ import annotations

from pydantic import Field

from matsim.core.errors import ConfigError
from matsim.pipeline.stages import StageConfig, StageContext, parameter_summary, register_stage


class DFTBarrierConfig(StageConfig):
    material: str = Field("HfO2", description="library material the DFT values are merged into")
    neb_dir: str | None = Field(None, description="folder of VASP NEB images; without it ase's EMT stands in")
    emt_metal: str = Field("Cu", description="fcc metal of the EMT stand-in vacancy hop")
    supercell: int = Field(2, ge=1, description="EMT supercell repetitions")
    images: int = Field(3, ge=1, description="NEB images of the EMT stand-in")
    use: list[str] | None = Field(None, description="DFT parameters carried into the material "
                                  "(default: E_hop_vacancy from a NEB folder, attempt_frequency from EMT)")


def _check(cfg: DFTBarrierConfig, ctx: StageContext) -> None:
    from matsim import materials
    materials.get(cfg.material)


@register_stage("dft_barrier", DFTBarrierConfig, check=_check)
def dft_barrier(ctx: StageContext) -> dict:
    """Migration barrier + Vineyard prefactor (VASP NEB folder, or ase's EMT as a stand-in) merged into a material set."""
    from matsim import materials
    from matsim.dft import migration_barrier
    from matsim.dft.params import kmc_parameters

    cfg: DFTBarrierConfig = ctx.config
    base = materials.get(cfg.material)
    if cfg.neb_dir:
        mb = migration_barrier(cfg.neb_dir)
        dft = kmc_parameters(barrier=mb, name=f"NEB {cfg.neb_dir}")
        default_use = ["E_hop_vacancy"]
        origin = f"VASP NEB images in {cfg.neb_dir}"
        stand_in = None
    else:
        from matsim.dft.examples import fcc_vacancy_hop
        hop = fcc_vacancy_hop(cfg.emt_metal, size=cfg.supercell, n_images=cfg.images)
        mb, dft = hop.barrier, hop.parameters
        # An EMT metal is a stand-in for the oxide's DFT: only its prefactor is carried over by default.
        default_use = ["attempt_frequency"]
        origin = f"ase EMT {cfg.emt_metal} vacancy hop (stand-in for an oxide NEB; give neb_dir for real DFT)"
        stand_in = (f"STAND-IN: the attempt frequency used for {base.name} is that of an EMT {cfg.emt_metal} "
                    f"vacancy hop, not of {base.name}; give neb_dir (VASP NEB images) for a real oxide value")
    use = cfg.use if cfg.use is not None else default_use
    missing = [k for k in use if k not in dft]
    if missing:
        raise ConfigError(f"{ctx.stage_id}.params.use", missing, "names of DFT-derived parameters: " + ", ".join(dft))
    merged = base.merge(dft.subset(use), name=f"{base.name} + DFT ({', '.join(use)})")
    merged.save_json(ctx.out_dir / "parameters.json")
    dft.save_json(ctx.out_dir / "dft_parameters.json")
    ctx.figure(mb.plot(), "neb_profile.png")
    out = {"origin": origin}
    if stand_in:
        out["stand_in"] = stand_in
    return {**out, "barrier_eV": mb.Ea.value, "barrier_source": mb.Ea.source,
            "reverse_barrier_eV": mb.E_reverse, "hop_distance_A": mb.hop_distance,
            "dft_parameters": parameter_summary(dft),
            "used_in_material": use, "material": base.name,
            "parameters_file": str(ctx.out_dir / "parameters.json")}
