"""Continuum stages: FiPy Mott filament -> S-NDR I-V and lumped thermal parameters."""

from __future__ import annotations

import numpy as np

from matsim.pipeline.stages import StageContext, parameter_summary, register_stage


@register_stage("mott_filament")
def mott_filament(ctx: StageContext) -> dict:
    """FiPy electro-thermal filament (axisymmetric): current-controlled S-NDR sweep and lumped C_th, R_th."""
    import matplotlib.pyplot as plt

    from continuum import MottFilament
    from continuum.lumped import extract_lumped
    from matsim.core.io import save_dataset

    material = ctx.param("material", "NbO2")
    radius, thickness = float(ctx.param("radius_m", 50e-9)), float(ctx.param("thickness_m", 20e-9))
    cells = tuple(ctx.param("n_cells", small=[8, 5], large=[24, 12]))
    dev = MottFilament(material, "axisymmetric", radius, thickness, cells, float(ctx.param("T_ambient_K", 300.0)))
    currents = np.geomspace(float(ctx.param("I_min_A", 1e-5)), float(ctx.param("I_max_A", 4.5e-4)),
                            int(ctx.param("n_points", small=6, large=16)))
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
