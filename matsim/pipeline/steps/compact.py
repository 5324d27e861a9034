"""Compact-model stages: calibrate a compact model from KMC / FiPy data, export it and verify it in ngspice."""

from __future__ import annotations

import numpy as np

from pydantic import Field

from matsim.pipeline.stages import StageConfig, StageContext, parameter_summary, register_stage, sized


class FitStanfordConfig(StageConfig):
    spread_I0: float = Field(0.2, ge=0, description="lognormal device-to-device sigma of I0")
    spread_g0: float = Field(0.05, ge=0, description="lognormal device-to-device sigma of g0")
    variability_draws: int = Field(200, ge=2, description="devices drawn for the spread statistics")


@register_stage("fit_stanford_pku", FitStanfordConfig)
def fit_stanford_pku(ctx: StageContext) -> dict:
    """Stanford-PKU RRAM calibrated from the KMC sweep: static I-V of the LRS, HRS/LRS window, switching field."""
    from compact.kmc_calibration import calibrate_stanford_pku
    from compact.variability import sample
    from matsim.core.io import load_dataset

    cfg: FitStanfordConfig = ctx.config
    up, up_dir = ctx.upstream_of("kmc_switching")
    source = f"KMC sweep {up_dir / 'sweep.nc'}"
    # the compliance is the KMC stage's (one definition): the fit must exclude exactly the clamped points
    # the window is fitted to the R_HRS the KMC stage reports (read at 0.1 V): a superlinear HRS gives a
    # V-dependent HRS/LRS ratio, and the compact model's R_HRS is read at that voltage
    cal = calibrate_stanford_pku(load_dataset(up_dir / "sweep.nc"), up["compliance_A"], up["V_reset"], source,
                                 R_hrs=up["R_hrs"] if np.isfinite(up["R_hrs"]) else None, v_read=0.1)
    model = cal.model
    model.params.save_json(ctx.out_dir / "stanford_pku_fit.json")
    ctx.figure(cal.lrs_fit.plot(), "lrs_fit.png")
    # device-to-device spread for the variability (lognormal on I0 and g0): LRS read resistance of the draws
    spread = {"I0": cfg.spread_I0, "g0": cfg.spread_g0}
    lrs_state = np.array([model.params.require("g_min", "m")])
    R_lrs = np.array([0.1 / float(np.ravel(d.current(0.1, lrs_state))[0])
                      for d in sample(model, cfg.variability_draws, spread=spread, seed=ctx.seed)])
    return {"model_class": "StanfordPKU", "source": source, "t_ox_nm": model.params.require("t_ox", "nm"),
            "lrs_fit_rms_residual": cal.lrs_fit.rms_residual,
            "lrs_fit_note": cal.lrs_note or "I0 and V0 both constrained by the LRS data",
            "hrs_lrs_ratio_kmc": cal.hrs_lrs_ratio, **parameter_summary(model.params, ("I0", "V0", "g0", "F_min", "t_ox")),
            "variability": {"spread": spread, "R_lrs_median": float(np.median(R_lrs)),
                            "ln_R_lrs_p90_minus_p10": float(np.subtract(*np.percentile(np.log(R_lrs), [90, 10])))},
            "R_lrs_model": cal.resistance("lrs"), "R_hrs_model": cal.resistance("hrs"),
            "R_lrs_kmc": up["R_lrs"], "R_hrs_kmc": up["R_hrs"],
            "params_file": str(ctx.out_dir / "stanford_pku_fit.json")}


def fitted_model(ctx: StageContext):
    """The compact model of the nearest upstream fit stage (its summary names ``model_class`` and ``params_file``)."""
    from compact import get_model
    from matsim.core.errors import ConfigError
    from matsim.core.parameters import ParameterSet

    for summary in reversed(list(ctx.upstream.values())):
        if "model_class" in summary:
            cls = get_model(summary["model_class"])
            ps = ParameterSet.load_json(summary["params_file"])
            return cls(ps, material=summary["material"]) if "material" in summary else cls(ps)
    raise ConfigError(f"{ctx.stage_id}.inputs", list(ctx.upstream), "an upstream compact-model fit stage")


class ExportVerifyConfig(StageConfig):
    spice_step_ratio: float | None = Field(None, gt=0, description="ngspice step / model time scale (None: the model's own)")


@register_stage("export_verify", ExportVerifyConfig)
def export_verify(ctx: StageContext) -> dict:
    """Export the fitted model to an ngspice subcircuit and Verilog-A; run ngspice and compare with Python."""
    from compact.export import to_ngspice, to_verilog_a, verify

    model = fitted_model(ctx)
    stem = f"{model.name.lower()}_fit"
    sub = to_ngspice(model, ctx.out_dir / f"{stem}.cir", name=stem)
    va = to_verilog_a(model, ctx.out_dir / f"{stem}.va", name=stem)
    res = verify(model, plot_path=ctx.out_dir / "ngspice_vs_python.png",
                 spice_step_ratio=ctx.config.spice_step_ratio)   # None: the model's own
    ctx.figures.append("ngspice_vs_python.png")
    return {"model": model.name, "ngspice_subcircuit": str(sub), "verilog_a": str(va),
            "max_rel_error_ngspice": float(res.max_rel_error), "drive": "the model's switching sine (export spec)"}


class CrossbarDigitsConfig(StageConfig):
    v_read: float = Field(0.1, gt=0, description="read voltage (V)")
    hidden: int = sized(32, 64, "hidden units of the MLP")
    epochs: int = Field(10, ge=1)
    lr: float = Field(0.02, gt=0, description="learning rate")
    test_images: int | None = sized(120, None, "test images run through the crossbars (None: all)")


@register_stage("crossbar_digits", CrossbarDigitsConfig)
def crossbar_digits(ctx: StageContext) -> dict:
    """sklearn digits: float MLP, then inference through crossbars of the fitted devices (wires, DAC/ADC)."""
    from compact import StanfordPKU
    from matsim.core.parameters import ParameterSet
    from matsim.network.crossbar.analysis import digits_split
    from matsim.network.crossbar.dnn import AnalogMLP

    _, up_dir = ctx.upstream_of("fit_stanford_pku")
    device = StanfordPKU(ParameterSet.load_json(up_dir / "stanford_pku_fit.json"))
    cfg: CrossbarDigitsConfig = ctx.config
    v_read = cfg.v_read
    g = [float(np.ravel(device.current(v_read, np.asarray(b, float)))[0]) / v_read for b in device.state_bounds()]
    G_min, G_max = sorted(g)
    G_min, G_max = G_min * 1.05, G_max * 0.95
    Xtr, Xte, ytr, yte = digits_split(ctx.seed % 1000)
    hidden = cfg.hidden
    net = AnalogMLP([64, hidden, 10], None, seed=ctx.seed % 1000).fit(Xtr, ytr, epochs=cfg.epochs, lr=cfg.lr)
    n = len(yte) if cfg.test_images is None else min(cfg.test_images, len(yte))
    # float and analog accuracy on the same n test images (a comparison on different sets misleads)
    out = {"G_window_S": [G_min, G_max], "hidden": hidden, "float_accuracy": net.score(Xte[:n], yte[:n])}
    for label, kw in (("ideal_wires", dict(r_wire_row=0.0, r_wire_col=0.0)),
                      ("wires_2ohm_6bit", dict(r_wire_row=2.0, r_wire_col=2.0))):
        bits = 6 if "bit" in label else None
        xbs = net.to_crossbars(G_min=G_min, G_max=G_max, device=device, v_read=v_read, **kw)
        out[f"analog_accuracy_{label}"] = net.score(Xte[:n], yte[:n], crossbars=xbs, v_read=v_read,
                                                    bits_dac=bits, bits_adc=bits, seed=ctx.seed % 1000)
    out["test_images"] = n
    out["chance"] = 0.1
    return out


class FitMottConfig(StageConfig):
    fit_params: list[str] = Field(["R_th", "radius"], min_length=1, description="MottThermal parameters to fit")


@register_stage("fit_mott_thermal", FitMottConfig)
def fit_mott_thermal(ctx: StageContext) -> dict:
    """Lumped MottThermal from the FiPy filament: C_th, R_th from its step response, R_th refined on its S-shaped I-V."""
    from compact import MottThermal, fit
    from matsim.core.io import load_dataset
    from matsim.core.parameters import ParameterSet

    up, up_dir = ctx.upstream_of("mott_filament")
    lumped = ParameterSet.load_json(up_dir / "lumped.json")
    iv = load_dataset(up_dir / "steady_iv.nc")
    model = MottThermal(lumped, material=up["material"])
    # one thermal node describes the device up to the threshold; beyond it the filament narrows,
    # which a fixed-area node cannot follow (docs/compact.md), so the fit uses the pre-threshold branch
    upto = int(np.argmax(iv["V"].values)) + 1
    iv = iv.isel(point=slice(0, max(upto, 3)))
    res = fit(model, iv, params=list(ctx.config.fit_params), kind="steady_current",
              source=f"FiPy steady I-V {up_dir / 'steady_iv.nc'}")
    res.model.params.save_json(ctx.out_dir / "mott_thermal_fit.json")
    ctx.figure(res.plot(), "mott_thermal_fit.png")
    i_th, i_hold, v_th, v_hold = res.model.ndr_window()
    return {"model_class": "MottThermal", "material": up["material"],
            "params_file": str(ctx.out_dir / "mott_thermal_fit.json"), "rms_residual": res.rms_residual,
            **parameter_summary(res.model.params, ("R_th", "C_th", "radius", "thickness")),
            "i_threshold_A": i_th, "i_hold_A": i_hold, "v_threshold_V": v_th, "v_hold_V": v_hold}
