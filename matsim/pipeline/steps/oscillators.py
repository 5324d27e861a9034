"""Mott neuron and coupled-oscillator stages driven by the fitted compact model."""

from __future__ import annotations

import numpy as np

from pydantic import Field

from matsim.pipeline.stages import StageConfig, StageContext, register_stage, sized
from matsim.pipeline.steps.compact import fitted_model


class MottNeuronConfig(StageConfig):
    C_F: float | None = Field(None, gt=0, description="membrane capacitance (F); None: from rc_over_tau")
    rc_over_tau: float = Field(20.0, gt=0, description="R C over the thermal time R_th C_th")
    current_ratios: list[float] = Field([0.5, 0.9, 1.5, 2.5, 4.0], min_length=2,
                                        description="input currents over the threshold current")


@register_stage("mott_neuron", MottNeuronConfig)
def mott_neuron(ctx: StageContext) -> dict:
    """One-device Mott neuron: silent below the threshold current, f-I curve above it."""
    import matplotlib.pyplot as plt

    from matsim.network.neurons import MottNeuron
    from matsim.network.pearson_anson import membrane_capacitance

    device = fitted_model(ctx)
    i_th = device.ndr_window()[0]
    cfg: MottNeuronConfig = ctx.config
    C = cfg.C_F if cfg.C_F is not None else membrane_capacitance(device, cfg.rc_over_tau)
    neuron = MottNeuron(device, C)
    ratios = np.array(cfg.current_ratios)
    fI = neuron.fI_curve(i_th * ratios)
    fig, ax = plt.subplots(figsize=(4.5, 3.2))
    ax.plot(fI["I_in"] if "I_in" in fI else i_th * ratios, fI["rate"] / 1e6, "o-")
    ax.axvline(i_th, ls=":", color="k", label="quasi-static threshold")
    ax.set_xlabel("input current (A)"), ax.set_ylabel("firing rate (MHz)"), ax.legend(fontsize=8)
    ctx.figure(fig, "f_I_curve.png")
    rates = fI["rate"].values
    # hottest spike: the strongest input; a state in the model's heating window would be an artefact
    p = device.p
    t_end = 200.0 * p.R_th * p.C_th if hasattr(p, "R_th") and hasattr(p, "C_th") else 2e-6   # as firing_rate
    peak_T = _peak_state(device, neuron.simulate(i_th * ratios.max(), t_end, n_out=6000))
    return {"C_F": C, "i_threshold_A": i_th, "input_over_threshold": ratios.tolist(),
            "rate_Hz": rates.tolist(), "silent_below_threshold": bool(np.all(rates[ratios < 1] == 0)),
            "monotonic_above": bool(np.all(np.diff(rates[ratios > 1]) > 0)),
            "peak_T_K": peak_T, "T_validity_max_K": float(device.validity_bounds()[1][0])}


def _peak_state(device, ds) -> float:
    """Maximum over time (and cells) of the device's first state (the filament temperature, K)."""
    return float(ds[device.state_names[0]].max())


class CoupledOscillatorsConfig(StageConfig):
    drive_over_threshold: float = Field(2.0, gt=0, description="bias current over the threshold current")
    rc_over_tau: float = Field(20.0, gt=0, description="R C over the thermal time R_th C_th")
    periods: float = sized(25, 80, "free-running periods simulated")


@register_stage("coupled_oscillators", CoupledOscillatorsConfig)
def coupled_oscillators(ctx: StageContext) -> dict:
    """Two Pearson-Anson oscillators of the fitted device: resistive vs capacitive coupling (phase locking)."""
    import matplotlib.pyplot as plt

    from matsim.network.neurons import MottNeuron
    from matsim.network.oscillators import MottNetwork, analyze
    from matsim.network.pearson_anson import pearson_anson_cell

    device = fitted_model(ctx)
    cfg: CoupledOscillatorsConfig = ctx.config
    cell, i_op = pearson_anson_cell(device, cfg.drive_over_threshold, cfg.rc_over_tau)
    f0 = MottNeuron(device, cell.C).firing_rate(i_op)          # free-running frequency of one cell
    if not f0 > 0:
        from matsim.core.errors import ConfigError
        raise ConfigError(f"{ctx.stage_id}.params.drive_over_threshold", cfg.drive_over_threshold,
                          "a bias at which a single cell oscillates (its firing rate is 0)")
    t_end = cfg.periods / f0
    out = {"V_s": cell.V_s, "R_s": cell.R_s, "C": cell.C, "single_cell_frequency_Hz": f0,
           "T_validity_max_K": float(device.validity_bounds()[1][0])}
    # symmetry breaking: cell 1 starts charged to the device's threshold voltage (it fires at once),
    # cell 0 discharged. Not higher: C v0^2 / 2 dumped into the filament (0.5 V_s = 24 V gave ~37x the
    # heat C_th (T_melt - T_0) that melts it) drives T into the model's heating window at T_max.
    v_th = device.ndr_window()[2]
    fig, axes = plt.subplots(2, 1, figsize=(7, 4.5), sharex=True)
    for ax, (label, kw) in zip(axes, (("resistive", {"R_c": cell.R_s}), ("capacitive", {"C_c": cell.C})), strict=True):
        ds = MottNetwork.pair(cell, **kw).simulate(t_end, n_out=6000, v0=[0.0, v_th])
        a = analyze(ds)
        out[label] = {"mode": a["mode"], "frequency_Hz": float(np.nanmean(a["frequency"])),
                      "locking": float(a["locking"][1]), "phase_cycles": float(a["phase"][1]),
                      "peak_T_K": _peak_state(device, ds)}
        state = ds.attrs.get("state_names", ["T"])[0]
        ax.plot(ds["t"] * 1e9, ds[state].values.T)
        ax.set_ylabel(state), ax.set_title(f"{label} coupling: {a['mode']}", fontsize=9)
    axes[-1].set_xlabel("t (ns)")
    ctx.figure(fig, "coupled_pair.png")
    return out
