"""ngspice side: subcircuit writer, waveform -> SPICE source, batch runner, raw-file reader.

The subcircuit (two terminals ``p``, ``n``) holds each state on an internal node charged by a
B-source (``C = 1 F``, ``I = dN/dt``) and the device current as one B-source between the terminals;
see :mod:`compact.export.lower` for the smooth clipping. Parameters are subcircuit ``params:`` in SI,
one per ``+`` line, each documented in the comment block above (unit, value as given, source), so an
instance can override any of them (``X1 a b TaOx G_m=0.03``).

Writing model templates: ngspice's B-source division adds a fudge term (~1e-32) to every divisor
(``PTdivide`` in src/spicelib/parser/ptfuncs.c), so never divide by a tiny SI product such as
``t_ox*k_B*T`` (~5e-29: 2e-4 relative error); use the thermal voltage ``(k_B/q_e)*T`` instead.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np

from matsim.core.errors import ConfigError, ConvergenceError, MatsimError, MissingFileError

from compact.export import expr as ex
from compact.export.lower import node_initial, node_meaning, node_rate, node_symbol, state_value
from compact.export.spec import PORT_SYMBOL, ExportSpec, evaluation_order


class NgspiceError(MatsimError, RuntimeError):
    """ngspice is missing, failed, or wrote no result (the message carries its last output lines)."""


# ---- writer -----------------------------------------------------------------------------------
#: the ambient temperature seen by the equations when ``use_temper`` is on (ngspice's temper is in deg C)
def ambient_text(spec: ExportSpec) -> str | None:
    if spec.ambient_symbol is None:
        return None
    return f"({spec.names['use_temper']} > 0.5 ? temper + 273.15 : {spec.names[spec.ambient_symbol]})"


def render_inline(spec: ExportSpec, voltage: str = "V(p,n)") -> dict:
    """SPICE text of the current, each node rate, the state values and the DC hold values."""
    base = {"V": voltage, PORT_SYMBOL: "V(th)"}
    base.update({p.symbol: p.name for p in spec.params})
    base.update({node_symbol(st): f"V({st.node})" for st in spec.states})
    base.update({name: f"V(i_{name})" for name, _ in spec.implicit})
    mc_params = []
    if spec.mc is not None:
        u = [f"mc_u{k + 1}" for k in range(len(spec.mc[0]))]
        ptable = {p.symbol: p.name for p in spec.params}
        # each standard normal is a DC source drawn once per instance (a .param holding agauss() is
        # drawn anew at every use in ngspice, which would lose the correlations)
        ptable.update({x: f"V({x})" for x in u})
        mc_params = u
        for sym, _, _ in spec.mc[0]:
            base[sym] = "(" + ex.render(spec.mc_value(sym, u), ptable, f"variability of {sym}") + ")"
    amb = ambient_text(spec)
    if amb is not None:
        base[spec.ambient_symbol] = amb
        base["T_ambient_param__"] = spec.names[spec.ambient_symbol]
    table = dict(base)
    # the state value (node units) sits on an auxiliary node: every use is V(x_<node>)
    values, holds, ics = {}, {}, {}
    for st in spec.states:
        values[st.name] = ex.render(state_value(spec, st, "eps_clip", scaled=True), table, f"state {st.name}")
        table[st.name] = f"(V({clip_node(st)})*{ex.num(st.scale)})"
        x0 = f"x0_{st.name}"
        ic_table = {**{p.symbol: p.name for p in spec.params}}
        if amb is not None and st.name == spec.temperature_state:
            # x0_T < 0 (the default): a temperature state starts at the ambient (the simulator temperature)
            ics[st.name] = ex.render(node_initial(spec, st, f"({x0} < 0 ? {spec.ambient_symbol} : {x0})"),
                                     ic_table, f"initial {st.name}")
            x0 = f"({x0} < 0 ? {spec.ambient_symbol} : {x0})"
        else:
            ics[st.name] = ex.render(node_initial(spec, st, x0), ic_table, f"initial {st.name}")
        holds[st.name] = ex.render(node_initial(spec, st, x0), table, f"initial {st.name}")
    for name, e in evaluation_order(spec):
        table[name] = "(" + ex.render(e, table, f"definition {name}") + ")"
    current = table["I_dev"][1:-1]
    # the rate is written into the node's B current (not on an auxiliary voltage node: where heating and
    # cooling nearly cancel, Newton's reltol on such a node asks for 1e-12 of the terms and stalls)
    rates = {st.name: ex.render(node_rate(spec, st, st.rate), table, f"node rate of {st.name}")
             for st in spec.states}
    implicit = {name: ex.render(res, table, f"implicit {name}") for name, res in spec.implicit}
    power = ex.render(spec.thermal[0], table, "thermal power") if spec.thermal else None
    return {"current": current, "rates": rates, "clipped": values, "implicit": implicit,
            "holds": holds, "ics": ics, "power": power,
            "mc": mc_params}


def clip_node(st) -> str:
    """Auxiliary node holding the state value in node units (x / scale): probe this one."""
    return f"c_{st.node}"


def _funcs(texts) -> list[str]:
    used = set()
    for t in texts:
        used |= ex.used_calls(t)
    lines = []
    for name, (args, body) in ex.MACROS.items():
        if name in used:
            lines.append(f".func {name}({','.join(args)}) {{{body}}}")
    return lines


def _wrap(prefix: str, text: str, width: int = 200) -> list[str]:
    """Split a long expression over ``+`` continuation lines at operator boundaries."""
    out, line = [], prefix
    # break only after a space, comma, '*' or '/': never inside a number such as 8e+23
    for tok in re.split(r"(?<=[\s,*/])", text):
        if len(line) + len(tok) > width and line.strip():
            out.append(line)
            line = "+ "
        line += tok
    out.append(line)
    return out


def _recommended(spec: ExportSpec) -> list[str]:
    lines = ["* plain use: .op/.dc hold every state at its initial value (L_hold); .tran without uic starts there;",
             "*   start transients at a bias where the state rests (the DC hold current persists in .tran)",
             "* options: the defaults work (states stay in bounds for any step); for abrupt SET edges add a step",
             "*   cap (.tran tstep tstop 0 tmax, tmax ~ 1e-3 of the run) and method=gear (no trapezoidal",
             "*   ringing after a runaway edge); states are stored as logits, so keep reltol <= 1e-3"]
    if spec.options_note:
        lines.append(f"* recommended: {spec.options_note}")
    if spec.ambient_symbol is not None:
        lines.append("* temperature: use_temper=1 (default) binds the ambient to the simulator temperature (.temp);"
                     " use_temper=0 uses T_ambient")
    else:
        lines.append("* temperature: this model has no temperature dependence")
    return lines


def subckt_text(spec: ExportSpec, name: str) -> str:
    """The ``.subckt`` as text (see :func:`compact.export.to_ngspice`)."""
    from matsim import __version__
    r = render_inline(spec)
    lines = [f"* {spec.model_name} compact model, exported by matsim {__version__} "
             f"({_dt.datetime.now(_dt.timezone.utc):%Y-%m-%d %H:%M} UTC)"]
    lines += [f"* {n}" for n in spec.notes]
    lines += [f"* reference: {ref}" for ref in spec.references]
    lines.append("* terminals: p (current I flows from p through the device to n), n"
                 + (", th (thermal: V(th) = temperature rise over ambient in K, current = dissipated power in W)"
                    if spec.thermal else ""))
    lines += _recommended(spec)
    for st in spec.states:
        lines.append(f"* state {st.name} [{st.unit}]: {node_meaning(spec, st)}; probe V({clip_node(st)}) = "
                     f"{st.name} / {ex.num(st.scale)}")
    lines.append("* parameters (SI units; value as given and source after ';'):")
    w = max(len(p.name) for p in spec.params)
    for p in spec.params:
        lines.append(f"*   {p.name:<{w}} [{p.unit}]  {p.comment}")
    lines.append(f".subckt {name} p n{' th' if spec.thermal else ''} params:")
    for p in spec.params:
        lines.append(f"+ {p.name}={ex.num(p.value)}")
    lines += _funcs([r["current"], *r["rates"].values(), *r["clipped"].values(),
                     *r["implicit"].values(), *r["holds"].values(), *r["ics"].values(), r["power"] or ""])
    if r["mc"]:
        lines.append("* Monte-Carlo (compact.variability): z = L u with u ~ N(0, 1) drawn per instance (agauss);")
        lines.append("*   reproducible with '.options seed=N'; mc_on=0 gives the nominal device")
        lines += [f"V_{n} {n} 0 DC {{agauss(0, 1, 1)}}" for n in r["mc"]]
    if spec.noise is not None:
        nm = spec.names
        lines.append("* current noise in parallel with the device: white (rms), 1/f and random telegraph (trnoise)")
        lines.append(f"I_noise p n DC 0 TRNOISE({{{nm['noise_white']}}} {{{nm['noise_dt']}}} {{{nm['noise_alpha']}}} "
                     f"{{{nm['noise_flicker']}}} {{{nm['noise_rtn']}}} {{{nm['noise_rtn_capture']}}} "
                     f"{{{nm['noise_rtn_emission']}}})")
    lhold = spec.names["L_hold"]
    for st in spec.states:
        lines.append(f"* d({st.name})/dt on node {st.node} (C = 1 F); DC: held at its initial value through L_hold")
        lines.append(f"C_{st.node} {st.node} 0 1 IC={{{r['ics'][st.name]}}}")
        lines.append(f"L_{st.node} {st.node} h_{st.node} {{{lhold}}}")
        lines += _wrap(f"B_h_{st.node} h_{st.node} 0 V=", r["holds"][st.name])
        lines += _wrap(f"B_{clip_node(st)} {clip_node(st)} 0 V=", r["clipped"][st.name])
        lines += _wrap(f"B_{st.node} 0 {st.node} I=", r["rates"][st.name])
    for iname, res in r["implicit"].items():
        lines.append(f"* internal node i_{iname}: V solves 0 = residual (KCL of a lone B-source)")
        lines += _wrap(f"B_i_{iname} 0 i_{iname} I=", res)
    if spec.thermal:
        _, rth, cth = spec.thermal
        lines.append("* thermal terminal: dissipated power into th, the device's own R_th (and C_th) to ground")
        lines += _wrap("B_th 0 th I=", r["power"])
        lines.append(f"R_th th 0 {{{spec.names[rth]}}}")
        if cth:
            lines.append(f"C_th th 0 {{{spec.names[cth]}}}")
    lines.append("* device current")
    lines += _wrap("B_dev p n I=", r["current"])
    lines.append(f".ends {name}")
    return "\n".join(lines) + "\n"


# ---- sources ----------------------------------------------------------------------------------
def spice_source(waveform, t_end: float, n_pwl: int = 4000) -> str:
    """SPICE transient source text for a waveform (:func:`compact.export.sources.translate`: exact
    ``DC``/``SIN``/``PWL``); a bare callable ``v(t)`` is sampled at ``n_pwl`` points (approximate, so
    :func:`compact.export.verify` refuses it).
    """
    from compact.export.sources import ngspice_text, translate
    try:
        return ngspice_text(translate(waveform, t_end))
    except ConfigError:
        if not callable(waveform):
            raise
    tp = np.linspace(0.0, t_end, n_pwl)
    vp = np.asarray(waveform(tp), float) * np.ones_like(tp)
    if not (np.all(np.isfinite(tp)) and np.all(np.isfinite(vp))):
        raise ConfigError("waveform", "non-finite samples", "finite voltages (V) at finite times (s)")
    return "PWL(" + " ".join(f"{ex.num(a)} {ex.num(b)}" for a, b in zip(tp, vp, strict=True)) + ")"


# ---- running ----------------------------------------------------------------------------------
def find_ngspice() -> str:
    """Path of the ngspice executable ($MATSIM_NGSPICE or PATH), else :class:`NgspiceError`."""
    exe = os.environ.get("MATSIM_NGSPICE") or shutil.which("ngspice")
    if not exe or not Path(exe).exists():
        raise NgspiceError("ngspice not found on PATH (set MATSIM_NGSPICE or install it: "
                           "'apt-get install ngspice', or 'make setup' as root)")
    return exe


def run_ngspice(netlist, timeout: float = 120.0, cwd=None) -> subprocess.CompletedProcess:
    """Run ``ngspice -b netlist``; raise :class:`NgspiceError` with ngspice's own words on failure."""
    netlist = Path(netlist)
    if not netlist.is_file():
        raise MissingFileError("netlist", str(netlist), "an existing SPICE netlist")
    exe = find_ngspice()
    try:
        proc = subprocess.run([exe, "-b", netlist.name], cwd=cwd or netlist.parent, capture_output=True,
                              text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise NgspiceError(f"ngspice did not finish {netlist} within {timeout:g} s") from None
    text = proc.stdout + proc.stderr
    bad = [ln for ln in text.splitlines()
           if re.search(r"\berror\b|timestep too small|singular matrix|no such|unknown", ln, re.I)
           and "no compatibility mode" not in ln.lower()]
    if proc.returncode != 0 or bad:
        tail = "\n".join((bad or text.splitlines())[-12:])
        raise NgspiceError(f"ngspice failed on {netlist} (exit {proc.returncode}):\n{tail}")
    return proc


def read_raw(path) -> dict[str, np.ndarray]:
    """Read an ngspice raw file (ASCII or binary, real data) -> {vector name (lower case): array}."""
    path = Path(path)
    if not path.is_file():
        raise NgspiceError(f"ngspice wrote no result file {path}")
    data = path.read_bytes()
    header_end = data.find(b"Values:\n")
    binary = False
    if header_end < 0:
        header_end = data.find(b"Binary:\n")
        binary = header_end >= 0
    if header_end < 0:
        raise NgspiceError(f"{path}: not an ngspice raw file (no 'Values:' or 'Binary:' section)")
    header = data[:header_end].decode("ascii", "replace").splitlines()
    meta, names, in_vars = {}, [], False
    for ln in header:
        if in_vars:
            parts = ln.split()
            if len(parts) >= 2:
                names.append(parts[1].lower())
            continue
        if ln.startswith("Variables:"):
            in_vars = True
            continue
        if ":" in ln:
            k, v = ln.split(":", 1)
            meta[k.strip().lower()] = v.strip()
    if "complex" in meta.get("flags", ""):
        raise NgspiceError(f"{path}: complex data not supported (transient/DC results only)")
    nvar, npts = int(meta["no. variables"]), int(meta["no. points"])
    body = data[header_end + len(b"Values:\n"):]
    if binary:
        arr = np.frombuffer(body[:8 * nvar * npts], dtype="<f8").reshape(npts, nvar)
    else:
        tok = body.split()
        vals = np.array(tok, dtype=float)
        if vals.size < npts * (nvar + 1):
            raise NgspiceError(f"{path}: truncated ({vals.size} numbers for {npts} points x {nvar} vectors)")
        arr = vals[: npts * (nvar + 1)].reshape(npts, nvar + 1)[:, 1:]
    return {n: arr[:, k].copy() for k, n in enumerate(names)}


def transient_netlist(subckt_file: str, name: str, source: str, t_end: float, t_max: float,
                      probes: list[str], raw_file: str, title: str = "matsim export check",
                      extra: str = "", reltol: float = 1e-6, options: str | None = None) -> str:
    """A test bench: source ``Vsrc in 0`` driving ``X1 in 0 name`` for ``t_end`` s (from the operating point)."""
    return "\n".join([
        title,
        f".include {subckt_file}",
        f"Vsrc in 0 {source}",
        f"X1 in 0 {name}",
        extra,
        ".options " + (options or f"reltol={reltol:g} abstol=1e-15 vntol=1e-9 chgtol=1e-20 method=gear maxord=2 itl4=100"),
        f".tran {ex.num(t_max)} {ex.num(t_end)} 0 {ex.num(t_max)}",
        ".control",
        "set filetype=ascii",
        "run",
        f"write {raw_file} " + " ".join(probes),
        "quit 0",
        ".endc",
        ".end",
        "",
    ])


def check_convergence(result: dict[str, np.ndarray], what: str) -> None:
    for k, v in result.items():
        if not np.all(np.isfinite(v)):
            raise ConvergenceError(f"ngspice result for {what}: non-finite values in {k}")
