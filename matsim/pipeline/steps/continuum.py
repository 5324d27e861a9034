"""Continuum stages: FiPy Mott filament -> S-NDR I-V and lumped thermal parameters."""

from __future__ import annotations

import numpy as np

from pydantic import Field

from matsim.pipeline.stages import StageConfig, StageContext, parameter_summary, register_stage, sized


class MottFilamentConfig(StageConfig):
    material: str = "NbO2"
    radius_m: float = Field(50e-9, gt=0, description="device radius (m)")
    thickness_m: float = Field(20e-9, gt=0, description="film thickness (m)")
    n_cells: tuple[int, int] = sized([8, 5], [24, 12], "FiPy cells (radial, vertical)")
    T_ambient_K: float = Field(300.0, gt=0)
    I_min_A: float = Field(1e-5, gt=0, description="first current of the sweep (A)")
    I_max_A: float = Field(4.5e-4, gt=0, description="last current of the sweep (A)")
    n_points: int = sized(6, 16, "currents in the sweep (log-spaced)")


def _check(cfg: MottFilamentConfig, ctx: StageContext) -> None:
    from matsim import materials
    materials.get(cfg.material)


@register_stage("mott_filament", MottFilamentConfig, check=_check)
def mott_filament(ctx: StageContext) -> dict:
    """FiPy electro-thermal filament (axisymmetric): current-controlled S-NDR sweep and lumped C_th, R_th."""
    import matplotlib.pyplot as plt

    from continuum import MottFilament
    from continuum.lumped import extract_lumped
    from matsim.core.io import save_dataset

    cfg: MottFilamentConfig = ctx.config
    material = cfg.material
    radius, thickness = cfg.radius_m, cfg.thickness_m
    cells = tuple(cfg.n_cells)
    dev = MottFilament(material, "axisymmetric", radius, thickness, cells, cfg.T_ambient_K)
    currents = np.geomspace(cfg.I_min_A, cfg.I_max_A, cfg.n_points)
    iv = dev.steady_iv(currents=currents)
    lumped = extract_lumped(dev)
    iv_small = iv.drop_vars([v for v in iv.data_vars if iv[v].ndim > 1])   # keep the curves, not the maps
    save_dataset(iv_small, ctx.out_dir / "steady_iv.nc", params=lumped)
    lumped.save_json(ctx.out_dir / "lumped.json")
    V, I = iv["V"].values, iv["I"].values
    slope = np.diff(V) / np.diff(I)
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(9, 3.4))
    a1.plot(V, I * 1e3, "o-")
    a1.set_xlabel("V (V)"), a1.set_ylabel("I (mA)"), a1.set_title(f"{material} filament, current-controlled")
    a2.semilogx(I, iv["filament_radius"].values * 1e9, "s-")
    a2.axhline(radius * 1e9, ls=":", color="k", label="device radius")
    a2.set_xlabel("I (A)"), a2.set_ylabel("filament radius (nm)"), a2.legend(fontsize=8)
    ctx.figure(fig, "filament_iv.png")
    return {"material": material, "radius_nm": radius * 1e9, "thickness_nm": thickness * 1e9, "cells": list(cells),
            "V_threshold": float(V[np.argmax(V)]), "ndr_points": int(np.sum(slope < 0)),
            "min_dV_dI_ohm": float(slope.min()), "T_max_K": float(iv["T_max"].values.max()),
            "filament_radius_nm_at_max_I": float(iv["filament_radius"].values[-1] * 1e9),
            **parameter_summary(lumped),
            "iv_file": str(ctx.out_dir / "steady_iv.nc"), "lumped_file": str(ctx.out_dir / "lumped.json")}
