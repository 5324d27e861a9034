"""KMC stages: forming and bipolar SET/RESET of a VCM cell from the DFT-updated material set."""

from __future__ import annotations

import numpy as np

from matsim.pipeline.stages import StageContext, parameter_summary, register_stage


def switching_voltages(ds, compliance_A: float, v_read: float = 0.1) -> dict:
    """SET voltage (first positive step reaching the compliance after a RESET), RESET voltage
    (negative step where |I| falls below half of its branch maximum), LRS/HRS at ``v_read``."""
    V, I = ds["V"].values, ds["I"].values
    out = {"V_set": float("nan"), "V_reset": float("nan"), "R_lrs": float("nan"), "R_hrs": float("nan")}
    neg = np.nonzero(V < 0)[0]
    if neg.size:
        branch = neg[: np.argmax(np.diff(np.r_[neg, neg[-1] + 2]) > 1) + 1]   # first negative branch
        Imax = np.max(np.abs(I[branch]))
        k = branch[np.argmax(np.abs(I[branch]))]
        drop = [j for j in branch if j > k and abs(I[j]) < 0.5 * Imax]
        out["V_reset"] = float(V[drop[0]]) if drop else float("nan")
        after = np.arange(branch[-1] + 1, V.size)
        hit = [j for j in after if V[j] > 0 and I[j] >= 0.999 * compliance_A]
        out["V_set"] = float(V[hit[0]]) if hit else float("nan")
    reads = np.nonzero(np.isclose(V, v_read))[0]
    if reads.size:
        first_neg = neg[0] if neg.size else V.size
        lrs = [j for j in reads if j < first_neg]
        hrs = [j for j in reads if j > first_neg]
        if lrs:
            out["R_lrs"] = float(v_read / I[lrs[-1]])
        if hrs:
            out["R_hrs"] = float(v_read / I[hrs[0]])
    return out


@register_stage("kmc_switching")
def kmc_switching(ctx: StageContext) -> dict:
    """VCM cell KMC: forming ramp to the compliance, then bipolar SET/RESET loops (I-V data for the compact fit)."""
    import matplotlib.pyplot as plt

    import kmc
    from kmc.experiments import bipolar_cycle
    from matsim.core.io import save_dataset
    from matsim.core.parameters import ParameterSet

    try:
        _, up_dir = ctx.upstream_of("dft_barrier")
        params = ParameterSet.load_json(up_dir / "parameters.json")
    except Exception:  # no DFT stage upstream: the library material
        from matsim import materials
        params = materials.get(ctx.param("material", "HfO2"))
    shape = tuple(ctx.param("shape", small=[8, 8, 12], large=[12, 12, 20]))
    icc = float(ctx.param("compliance_A", 2e-6))
    cell = kmc.VCMCell(params, shape=shape, compliance_A=icc, seed=ctx.seed,
                       max_events_per_step=int(ctx.param("max_events_per_step", 1000)))
    # form, then verify with a read; a filament that decays at the read is formed again (forming-verify)
    v_forming, forms = [], []
    for attempt in range(1, 4):
        form = cell.forming(v_max=float(ctx.param("v_form_max", 4.0)), v_step=0.1, quiet=True)
        forms.append(form)
        v_forming.append(float(form.attrs["V_forming"]))
        i_read = float(cell.sweep_iv([0.1], 1e-4, quiet=True)["I"].values[0])
        if i_read > 0.1 * icc:
            break
    cycle = bipolar_cycle(v_set=float(ctx.param("v_set", 1.5)), v_reset=float(ctx.param("v_reset", -0.4)),
                          v_step=0.1)
    n_cycles = int(ctx.param("cycles", small=2, large=5))
    sweep = cell.sweep_iv(np.tile(cycle, n_cycles), float(ctx.param("dwell_s", 1e-3)), quiet=True)
    for k, f in enumerate(forms):
        save_dataset(f, ctx.out_dir / f"forming_{k + 1}.nc", params=params, provenance={"seed": ctx.seed})
    save_dataset(sweep, ctx.out_dir / "sweep.nc", params=params, provenance={"seed": ctx.seed})
    fig, ax = plt.subplots(figsize=(5, 3.6))
    for k, f in enumerate(forms):
        ax.semilogy(f["V"], np.abs(f["I"]), ".-", color="k", alpha=1.0 - 0.4 * k,
                    label="forming" if k == 0 else f"forming (verify retry {k})")
    nz = sweep["V"].values != 0                    # |I| = 0 at 0 V has no place on a log axis
    ax.semilogy(sweep["V"].values[nz], np.abs(sweep["I"].values[nz]), ".-", alpha=0.8,
                label=f"{n_cycles} SET/RESET loops")
    ax.set_xlabel("V (V)"), ax.set_ylabel("|I| (A)"), ax.legend(fontsize=8)
    ctx.figure(fig, "kmc_iv.png")
    sv = switching_voltages(sweep, icc)
    return {"material": params.name, "shape": list(shape), "V_forming": v_forming[0], "V_forming_attempts": v_forming, "I_read_after_forming": i_read,
            **sv, "n_vacancies_final": int(sweep["n_vacancies"].values[-1]),
            "T_max_K": float(np.max(sweep["T_max"].values)), "sweep_file": str(ctx.out_dir / "sweep.nc"),
            **parameter_summary(params, ("E_hop_vacancy", "attempt_frequency"))}
