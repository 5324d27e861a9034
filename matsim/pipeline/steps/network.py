"""Network stages: fading memory of a TaOx device and a device reservoir on NARMA10."""

from __future__ import annotations

import numpy as np

from pydantic import Field

from matsim.pipeline.stages import StageConfig, StageContext, register_stage, sized


class FadingMemoryConfig(StageConfig):
    amplitude_V: float = Field(0.5, gt=0)
    frequency_Hz: float = Field(100e6, gt=0)
    periods: int = sized(1000, 3000, "sine periods simulated")


@register_stage("taox_fading_memory", FadingMemoryConfig)
def taox_fading_memory(ctx: StageContext) -> dict:
    """TaOx extended memristor: forgets its initial state under a 100 MHz sine; DC-offset programming (Strachan et al., IEEE Trans. Electron Devices 60, 2194 (2013))."""
    import matplotlib.pyplot as plt

    from compact import waveforms as W
    from compact.taox import TaOxExtended

    model = TaOxExtended()
    cfg: FadingMemoryConfig = ctx.config
    amp, f = cfg.amplitude_V, cfg.frequency_Hz
    periods = cfg.periods
    ppp = 16
    w = W.sine(amp=amp, f=f)
    x0 = np.array([[0.2, 0.4, 0.6, 0.8, 1.0]])
    ds = model.simulate(w, w.times(periods, ppp), x0=x0, max_step=w.period / ppp, rtol=1e-5)
    x = ds.x.values
    n = x.shape[0] // ppp
    means = x[: n * ppp].reshape(n, ppp, -1).mean(axis=1)
    x_bar = model.mean_state(w)
    targets = np.arange(1, 10) / 10
    offsets = [model.dc_offset_for_state(xt, 0.45) for xt in targets]
    reached = [model.mean_state(W.square(0.45, 5.8e6, offset=v0)) for v0 in offsets]
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(9, 3.3))
    a1.plot(np.arange(n) / f * 1e6, means)
    a1.axhline(x_bar, ls=":", color="k", label="eq. 4 mean state")
    a1.set_xlabel("time (µs)"), a1.set_ylabel("period-mean state x"), a1.legend()
    a2.plot(targets, offsets, "o-")
    a2.set_xlabel("target state x"), a2.set_ylabel("DC offset V0 (V), ±0.45 V square")
    ctx.figure(fig, "taox_fading_memory.png")
    return {"drive": f"{amp} V sine at {f:g} Hz, {periods} periods",
            "spread_initial": float(np.ptp(means[min(5, n - 1)])), "spread_final": float(np.ptp(means[-1])),
            "mean_state_simulated": float(means[-1].mean()), "mean_state_eq4": x_bar,
            "dc_offsets_V": dict(zip([f"x={t:.1f}" for t in targets], offsets)),
            "programming_max_error_eq5": float(np.max(np.abs(np.array(reached) - targets)))}


class ReservoirConfig(StageConfig):
    device: str = Field("NbOxAscoli", description="compact model of the reservoir nodes (`matsim compact list`)")
    n_nodes: int = sized(30, 100, "reservoir nodes")
    n_train: int = sized(600, 2000, "training steps")
    n_test: int = sized(300, 1000, "test steps")


def _check_device(cfg: ReservoirConfig, ctx: StageContext) -> None:
    from compact import get_model
    get_model(cfg.device)


@register_stage("reservoir_narma10", ReservoirConfig, check=_check_device)
def reservoir_narma10(ctx: StageContext) -> dict:
    """Device echo-state network on NARMA10 against a software ESN and a memoryless readout."""
    import matplotlib.pyplot as plt

    from compact import get_model
    from matsim.network.reservoir import ESN, SoftwareESN, benchmark_narma10

    cfg: ReservoirConfig = ctx.config
    device_name = cfg.device
    device_cls = get_model(device_name)
    n_nodes, n_train, n_test = cfg.n_nodes, cfg.n_train, cfg.n_test
    dev = benchmark_narma10(ESN(device_cls(), n_nodes=n_nodes, seed=ctx.seed), n_train=n_train, n_test=n_test)
    soft = benchmark_narma10(SoftwareESN(n_nodes=n_nodes, seed=ctx.seed), n_train=n_train, n_test=n_test)
    fig, ax = plt.subplots(figsize=(8, 3))
    sl = slice(n_train, n_train + 150)
    ax.plot(dev.n[sl], dev.y[sl], "k", label="NARMA10 target")
    ax.plot(dev.n[sl], dev.y_hat[sl], label=f"{device_name} reservoir")
    ax.plot(soft.n[sl], soft.y_hat[sl], "--", label="software ESN")
    ax.set_xlabel("step"), ax.legend(fontsize=8)
    ctx.figure(fig, "narma10.png")
    return {"device": device_name, "n_nodes": n_nodes, "n_train": n_train,
            "nrmse_device": dev.attrs["nrmse_test"], "nrmse_software_esn": soft.attrs["nrmse_test"],
            "nrmse_memoryless": dev.attrs["nrmse_memoryless"]}
