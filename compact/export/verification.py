"""Run an exported model in ngspice and compare its current with :meth:`CompactModel.simulate`.

The test bench is a voltage source ``Vsrc in 0`` driving one device ``X1 in 0``; the device current is
``-i(Vsrc)``. Both sides use a small maximum time step (``max_step_fraction`` of the run): ngspice via
``.tran TMAX`` and ``reltol``, Python via ``solve_ivp(max_step=...)``. ngspice's adaptive time points are
interpolated onto the Python grid and the error is ``max |i_spice - i_python| / max |i_python|``.
"""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import xarray as xr

from matsim.core import validate
from matsim.core.errors import ConfigError

from compact.export.lower import is_logistic, node_to_state
from compact.export.ngspice import (check_convergence, clip_node, read_raw, run_ngspice, subckt_text,
                                    transient_netlist)
from compact.export.spec import build_spec


class SineDrive:
    """v(t) = amplitude sin(2 pi frequency t) (V); ``periods`` sets the default run length."""

    def __init__(self, amplitude: float, frequency: float, periods: float = 1.0):
        self.amplitude = validate.finite("amplitude", amplitude, "V")
        self.frequency = validate.positive("frequency", frequency, "Hz")
        self.periods = validate.positive("periods", periods)
        self.offset = 0.0

    @property
    def duration(self) -> float:
        return self.periods / self.frequency

    def __call__(self, t):
        return self.amplitude * np.sin(2 * np.pi * self.frequency * np.asarray(t, dtype=float))

    def __repr__(self) -> str:
        return f"SineDrive({self.amplitude:g} V, {self.frequency:g} Hz, {self.periods:g} periods)"


@dataclass
class VerifyResult:
    """Outcome of :func:`verify`: ``max_rel_error`` (fraction of peak |i|), the traces, the figure."""

    max_rel_error: float
    data: xr.Dataset
    figure: object
    netlist: Path

    def __float__(self) -> float:
        return float(self.max_rel_error)

    def __repr__(self) -> str:
        return f"VerifyResult(max_rel_error={self.max_rel_error:.3g}, netlist={str(self.netlist)!r})"


def default_drive(model) -> SineDrive:
    """The sine drive that switches ``model`` (from its export spec)."""
    spec = build_spec(model)
    if spec.drive is None:
        raise ConfigError("waveform", None, f"a waveform for {type(model).__name__} (its spec has no default drive)")
    return SineDrive(*spec.drive)


def _duration(waveform, t_end):
    if t_end is not None:
        return validate.positive("t_end", t_end, "s")
    for attr in ("duration", "t_end"):
        val = getattr(waveform, attr, None)
        if val is not None and not callable(val):
            return validate.positive(attr, val, "s")
    period = getattr(waveform, "period", None)
    if period is not None and np.isfinite(period):
        return 2.0 * validate.positive("period", period, "s")       # compact.waveforms: two periods
    raise ConfigError("t_end", None, "the run length in s (the waveform has no 'duration')")


def verify(model, waveform=None, simulator: str = "ngspice", t_end: float | None = None, x0=None,
           n_points: int = 2001, max_step_fraction: float | None = None, reltol: float = 1e-6,
           workdir=None, timeout: float = 600.0, plot_path=None, name: str | None = None,
           bounds: str = "gate", spice_step_ratio: float | None = None) -> VerifyResult:
    """Export ``model``, run it in ngspice under ``waveform`` and compare with the Python model.

    Parameters
    ----------
    model : a compact model with an export spec.
    waveform : callable v(t) (V) or waveform object (sine -> ``SIN``, else ``PWL``); default: the
        spec's switching sine (:func:`default_drive`).
    simulator : ``"ngspice"`` (the subcircuit; ngspice on PATH, :class:`NgspiceError` if absent) or
        ``"vacask"`` (the Verilog-A module compiled to OSDI by openvaf-r and run in VACASK, both from
        the optional ``vlog`` extra). Drives: numbers, sines, compact.waveforms Triangle, Square and
        PulseTrain, PWL objects (:mod:`compact.export.sources`); anything else raises ConfigError.
    t_end : run length (s); default ``waveform.duration``, else two ``waveform.period``.
    x0 : initial state (model units); default ``model.initial_state()``.
    n_points : comparison grid; max_step_fraction : max time step / t_end on both sides (default:
        the model spec's value, 2e-4 unless the model has very abrupt edges).
    workdir : keep netlist and raw file there (default: a temporary directory, removed).
    plot_path : also save the figure there.
    bounds : "gate" (well-posed export, default) or "clip" (literal ``simulate`` semantics).
    spice_step_ratio : the circuit simulator's max step is this fraction of Python's (its low-order
        implicit methods and linear output interpolation need finer steps through abrupt switching);
        default: the model spec's value (1.0 unless the model has a runaway switching edge).

    Returns
    -------
    VerifyResult with ``max_rel_error = max|i_spice - i_python| / max|i_python|``.
    """
    validate.one_of("simulator", simulator, ("ngspice", "vacask"))
    validate.positive_int("n_points", n_points, 2)
    spec = build_spec(model, bounds)
    if max_step_fraction is None:
        max_step_fraction = spec.max_step_fraction
    validate.in_range("max_step_fraction", max_step_fraction, 1e-7, 0.1)
    if spice_step_ratio is None:
        spice_step_ratio = spec.spice_step_ratio
    validate.in_range("spice_step_ratio", spice_step_ratio, 1e-3, 1.0)
    waveform = default_drive(model) if waveform is None else waveform
    t_end = _duration(waveform, t_end)
    from compact.export.sources import translate
    source = translate(waveform, t_end)          # raises for a waveform the simulators cannot express
    name = name or type(model).__name__
    x0 = model.initial_state() if x0 is None else model.check_state(np.atleast_1d(np.asarray(x0, float)), "x0")
    t = np.linspace(0.0, t_end, n_points)
    dt_max = t_end * max_step_fraction

    ref = model.simulate(waveform, t, x0=x0, max_step=dt_max)

    tmp = None
    if workdir is None:
        tmp = tempfile.TemporaryDirectory(prefix="matsim-verify-")
        workdir = tmp.name
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        runner = _run_ngspice if simulator == "ngspice" else _run_vacask
        ts, vs, isp, nodes, netlist = runner(model, spec, name, source, t_end, dt_max * spice_step_ratio,
                                             x0, reltol, workdir,
                                             timeout)
    finally:
        if tmp is not None:
            tmp.cleanup()
    i_sp = np.interp(t, ts, isp)
    v_sp = np.interp(t, ts, vs)
    i_py = ref["i"].values
    peak = float(np.max(np.abs(i_py)))
    err = float(np.max(np.abs(i_sp - i_py)) / peak) if peak > 0 else float(np.max(np.abs(i_sp)))
    data = {"v": ("t", ref["v"].values, {"units": "V"}),
            "i_python": ("t", i_py, {"units": "A"}),
            "i_spice": ("t", i_sp, {"units": "A"}),
            "v_spice": ("t", v_sp, {"units": "V"})}
    for st in spec.states:
        data[f"{st.name}_spice"] = ("t", np.interp(t, ts, nodes[st.name]), {"units": st.unit})
        data[f"{st.name}_python"] = ("t", ref[st.name].values, {"units": st.unit})
    ds = xr.Dataset(data, coords={"t": ("t", t, {"units": "s"})},
                    attrs={"model": name, "max_rel_error": err, "simulator": simulator,
                           "max_step": dt_max, "reltol": reltol})
    fig = plot_verification(ds)
    if plot_path is not None:
        fig.savefig(plot_path, dpi=120)
    return VerifyResult(err, ds, fig, netlist if tmp is None else Path(netlist.name))


def _run_ngspice(model, spec, name, waveform, t_end, dt_max, x0, reltol, workdir, timeout):
    """Subcircuit + test bench in ngspice -> (t, v, i, {state: node values}, netlist path)."""
    (workdir / f"{name}.cir").write_text(subckt_text(spec, name), encoding="utf-8")
    overrides = " ".join(f"{spec.names['x0_' + st.name]}={float(v)!r}" for st, v in zip(spec.states, x0, strict=True))
    if spec.ambient_symbol is not None:      # compare at the model's own T_ambient
        overrides += f" {spec.names['use_temper']}=0"
    probes = ["v(in)", "i(vsrc)"] + [f"v(x1.{clip_node(st)})" for st in spec.states]
    from compact.export.sources import ngspice_text
    net = transient_netlist(f"{name}.cir", f"{name} {overrides}", ngspice_text(waveform), t_end,
                            dt_max, probes, "result.raw", title=f"matsim verify {name}", reltol=reltol,
                            options=spec.verify_options)
    netlist = workdir / "verify.cir"
    netlist.write_text(net, encoding="utf-8")
    run_ngspice(netlist, timeout=timeout)
    res = read_raw(workdir / "result.raw")
    check_convergence(res, name)
    return (res["time"], res["v(in)"], -res["i(vsrc)"],
            {st.name: res[f"v(x1.{clip_node(st)})".lower()] * st.scale for st in spec.states}, netlist)


def _run_vacask(model, spec, name, waveform, t_end, dt_max, x0, reltol, workdir, timeout):
    """Verilog-A -> OSDI (openvaf-r) -> VACASK transient (``waveform``: a translated source)."""
    from compact.export.expr import num
    from compact.export.ngspice import NgspiceError
    from compact.export.verilog_a import compile_verilog_a, find_vacask, module_text
    from compact.export.sources import vacask_text
    src = vacask_text(waveform)
    exe = find_vacask()
    va = workdir / f"{name}.va"
    va.write_text(module_text(spec, name), encoding="utf-8")
    compile_verilog_a(va, timeout=timeout)
    # OpenVAF folds parameter names to lower case (names are unique without case by construction)
    overrides = " ".join(f"{spec.names['x0_' + st.name].lower()}={float(v)!r}" for st, v in zip(spec.states, x0, strict=True))
    if spec.ambient_symbol is not None:
        overrides += f" {spec.names['use_temper'].lower()}=0"
    net = "\n".join([
        f"matsim verify {name} (Verilog-A via OSDI)", "ground 0", f'load "{name}.osdi"',
        f"model dev {name.lower()} {overrides}", "model vsource vsource",
        f"vs (in 0) vsource {src}",
        "x1 (in 0) dev", "control", f"  options reltol={reltol:g}",
        # the initial operating point holds every state at x0 (analysis("static") in the module)
        f'  analysis tran1 tran step={num(dt_max)} stop={num(t_end)} maxstep={num(dt_max)}',
        "endc", ""])
    netlist = workdir / "verify.sim"
    netlist.write_text(net, encoding="utf-8")
    try:
        proc = subprocess.run([exe, "-qp", netlist.name], cwd=workdir, capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        raise NgspiceError(f"VACASK did not finish {netlist} within {timeout:g} s") from None
    if proc.returncode != 0 or not (workdir / "tran1.raw").is_file():
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-12:])
        raise NgspiceError(f"VACASK failed on {netlist} (exit {proc.returncode}):\n{tail}")
    res = read_raw(workdir / "tran1.raw")
    check_convergence(res, name)
    return (res["time"], res["in"], -res["vs:flow(br)"],
            {st.name: node_to_state(spec, st, res[f"x1:n_{st.node}".lower()]
                                    + (0.0 if is_logistic(spec, st) else x0[k] / st.scale))
             for k, st in enumerate(spec.states)},
            netlist)


def plot_verification(ds: xr.Dataset):
    """Figure: i(t) from both simulators, the i-v loop, and the difference (fraction of peak)."""
    from matplotlib.figure import Figure       # not pyplot: no global figure registry to leak into

    fig = Figure(figsize=(12, 3.6))
    ax = fig.subplots(1, 3)
    t = ds["t"].values
    ip, isp = ds["i_python"].values, ds["i_spice"].values
    ax[0].plot(t, ip, label="Python (solve_ivp)")
    ax[0].plot(t, isp, "--", label="ngspice")
    ax[0].set_xlabel("t (s)")
    ax[0].set_ylabel("i (A)")
    ax[0].legend()
    ax[1].plot(ds["v"].values, ip)
    ax[1].plot(ds["v"].values, isp, "--")
    ax[1].set_xlabel("v (V)")
    ax[1].set_ylabel("i (A)")
    peak = max(np.max(np.abs(ip)), 1e-300)
    ax[2].plot(t, (isp - ip) / peak)
    ax[2].set_xlabel("t (s)")
    ax[2].set_ylabel("(i_spice - i_python) / max|i|")
    fig.suptitle(f"{ds.attrs.get('model', '')}: max error {ds.attrs.get('max_rel_error', np.nan):.2e} of peak")
    fig.tight_layout()
    return fig
