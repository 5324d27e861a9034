"""DFT stages: barriers and prefactors -> a material ParameterSet for the KMC stage."""

from __future__ import annotations

from matsim.core.errors import ConfigError
from matsim.pipeline.stages import StageContext, parameter_summary, register_stage


def _check(params: dict, ctx: StageContext) -> None:
    from matsim import materials
    materials.get(params.get("material", "HfO2"))
    if "use" in params and not isinstance(params["use"], list):
        raise ConfigError(f"{ctx.stage_id}.params.use", params["use"], "a list of parameter names")


@register_stage("dft_barrier", check=_check)
def dft_barrier(ctx: StageContext) -> dict:
    """Migration barrier + Vineyard prefactor (VASP NEB folder, or ase's EMT as a stand-in) merged into a material set."""
    from matsim import materials
    from matsim.dft import migration_barrier
    from matsim.dft.params import kmc_parameters

    base = materials.get(ctx.param("material", "HfO2"))
    if ctx.param("neb_dir"):
        mb = migration_barrier(ctx.params["neb_dir"])
        dft = kmc_parameters(barrier=mb, name=f"NEB {ctx.params['neb_dir']}")
        default_use = ["E_hop_vacancy"]
        origin = f"VASP NEB images in {ctx.params['neb_dir']}"
    else:
        from matsim.dft.examples import fcc_vacancy_hop
        metal = ctx.param("emt_metal", "Cu")
        hop = fcc_vacancy_hop(metal, size=ctx.param("supercell", 2), n_images=ctx.param("images", 3))
        mb, dft = hop.barrier, hop.parameters
        # An EMT metal is a stand-in for the oxide's DFT: only its prefactor is carried over by default.
        default_use = ["attempt_frequency"]
        origin = f"ase EMT {metal} vacancy hop (stand-in for an oxide NEB; give neb_dir for real DFT)"
    use = ctx.param("use", default_use)
    missing = [k for k in use if k not in dft]
    if missing:
        raise ConfigError(f"{ctx.stage_id}.params.use", missing, "names of DFT-derived parameters: " + ", ".join(dft))
    merged = base.merge(dft.subset(use), name=f"{base.name} + DFT ({', '.join(use)})")
    merged.save_json(ctx.out_dir / "parameters.json")
    dft.save_json(ctx.out_dir / "dft_parameters.json")
    ctx.figure(mb.plot(), "neb_profile.png")
    return {"origin": origin, "barrier_eV": mb.Ea.value, "barrier_source": mb.Ea.source,
            "reverse_barrier_eV": mb.E_reverse, "hop_distance_A": mb.hop_distance,
            "dft_parameters": parameter_summary(dft),
            "used_in_material": use, "material": base.name,
            "parameters_file": str(ctx.out_dir / "parameters.json")}
