"""``report.md`` and a self-contained ``report.html`` (figures embedded) for a workflow run."""

from __future__ import annotations

import base64
import html
import re
from pathlib import Path

#: unit of a summary value from its key: explicit suffixes first, then the physics naming conventions
_SUFFIX = [("_ohm", "Ω"), ("_Ohm", "Ω"), ("_eV", "eV"), ("_nm", "nm"), ("_Hz", "Hz"), ("_K", "K"), ("_S", "S"),
           ("_V", "V"), ("_s", "s"), ("_m", "m"), ("_W", "W"), ("_F", "F"), ("_J", "J")]
_PREFIX = [(r"^C$", "F"), (r"^R$", "Ω"), (r"^[Vv]_", "V"), (r"^R_", "Ω"), (r"^[Ii]_", "A"), (r"^T_", "K"), (r"^G_", "S")]
_DIMENSIONLESS = ("accuracy", "ratio", "residual", "nrmse", "chance", "spread", "fraction", "error", "p90_minus_p10",
                  "mean_state", "attempts_count", "_over_", "locking", "cycles")
#: a unit inside a name: filament_radius_nm_at_max_I -> nm
_EMBEDDED = re.compile(r"_(nm|eV|Hz|ohm|Ohm|K|V|S|W|F|J|s)_")
_COUNTS = ("n_", "hidden", "test_images", "points", "cells", "shape", "seed", "size")


#: a symbol with a short subscript (V_s, R_s, V_th, I_cc, T_max): the symbol decides, not the "_s" suffix
_SYMBOL = re.compile(r"^([A-Za-z])_[A-Za-z0-9]{1,4}$")
_SYMBOL_UNITS = {"V": "V", "v": "V", "R": "Ω", "I": "A", "i": "A", "T": "K", "G": "S", "C": "F", "f": "Hz", "t": "s"}
_SPECIAL = {"R_th": "K/W", "C_th": "J/K", "G_th": "W/K"}


def _unit_of_name(name: str) -> str:
    if name in _SPECIAL:
        return _SPECIAL[name]
    m = _SYMBOL.match(name)
    if m and m.group(1) in _SYMBOL_UNITS:
        return _SYMBOL_UNITS[m.group(1)]
    if name.endswith("_A"):
        return "Å" if re.search(r"distance|length|lattice", name) else "A"
    for suffix, u in _SUFFIX:
        if name.endswith(suffix):
            return u
    for pat, u in sorted(_PREFIX, key=lambda p: -len(p[0])):
        if re.match(pat, name):
            return u
    m = _EMBEDDED.search(name)
    return {"ohm": "Ω", "Ohm": "Ω"}.get(m.group(1), m.group(1)) if m else ""


def unit_for(key: str) -> str:
    """The unit of a report quantity named ``key`` ('' for text; '1' for dimensionless numbers).

    The last part of a dotted key decides; when it carries no unit (``dc_offsets_V.x=0.1``), its parents do.
    """
    parts = key.split(".")
    for name in reversed(parts):
        u = _unit_of_name(name)
        if u:
            return u
    name = parts[-1]
    if any(w in key.lower() for w in _DIMENSIONLESS) or any(name.startswith(c) or name.endswith(c) for c in _COUNTS):
        return "1"
    return ""


def _num(v) -> str:
    """4 significant digits, no float noise (1.9000000000000001 -> 1.9)."""
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return str(v)
    return f"{v:.4g}" if isinstance(v, float) else str(v)


def _fmt(v, unit: str = "") -> str:
    if isinstance(v, dict) and "value" in v and "unit" in v:  # a Parameter
        src = f" — {v['source']}" if v.get("source") else ""
        return f"{_num(v['value'])} {v['unit']}{src}"
    u = f" {unit}" if unit and unit != "1" else ""
    if isinstance(v, list):
        if len(v) > 8:
            return f"[{len(v)} values]"
        return "[" + ", ".join(_num(x) for x in v) + "]" + u
    return _num(v) + (u if isinstance(v, (int, float)) and not isinstance(v, bool) else "")


def _md_cell(text: str) -> str:
    """A markdown table cell: '|' (as in |V|) would end the cell."""
    return text.replace("|", "\\|")


def _rows(summary: dict, prefix: str = ""):
    for k, v in summary.items():
        if k.startswith("_"):
            continue
        if isinstance(v, dict) and not ("value" in v and "unit" in v):
            yield from _rows(v, f"{prefix}{k}.")
        elif isinstance(v, (int, float)) and not isinstance(v, bool) and ("accuracy" in k or k == "chance") and 0 <= v <= 1:
            yield f"{prefix}{k}", f"{100 * v:.1f} %"
        else:
            unit = unit_for(f"{prefix}{k}")
            numeric = isinstance(v, (int, float, list)) and not isinstance(v, bool)
            text = _fmt(v, unit)
            if numeric and not unit and not (isinstance(v, list) and not all(isinstance(x, (int, float)) for x in v)):
                text += " (unit not stated)"
            yield f"{prefix}{k}", text


def write_report(config, records: list[dict], run_dir: Path,
                 failure: tuple[str, str] | None = None) -> tuple[Path, Path]:
    """Write ``report.md`` and ``report.html`` into ``run_dir``; return both paths.

    ``failure = (stage_id, message)`` puts a FAILED banner at the top: the stages listed are the ones
    finished before it; nothing after the failed stage is reported (older results would be stale).
    """
    md = [f"# {config.name}", "", config.description or "", "",
          f"size: `{config.size}`, seed: `{config.seed}`; provenance of every number: `provenance.json`.", ""]
    body = [f"<h1>{html.escape(config.name)}</h1><p>{html.escape(config.description or '')}</p>",
            f"<p>size: <code>{config.size}</code>, seed: <code>{config.seed}</code>; provenance: "
            f"<code>provenance.json</code></p>"]
    if failure is not None:
        sid, msg = failure
        banner = (f"FAILED at stage {sid}: {msg}. This report lists only the stages finished before it; "
                  "results of later stages from earlier runs were not kept (stale).")
        md[1:1] = ["", f"**{banner}**", ""]
        body.insert(1, f"<p style='color:#b00'><b>{html.escape(banner)}</b></p>")
    stand_ins = [(rec["id"], rec["summary"]["stand_in"]) for rec in records if rec["summary"].get("stand_in")]
    if stand_ins:       # said plainly, before any number that depends on them
        md += ["## Stand-in inputs", ""] + [f"- **{sid}**: {text}" for sid, text in stand_ins] + [""]
        body.append("<h2>Stand-in inputs</h2><ul>" + "".join(
            f"<li><b>{html.escape(sid)}</b>: {html.escape(text)}</li>" for sid, text in stand_ins) + "</ul>")
    for rec in records:
        state = "reused from cache" if rec["cached"] else "computed"
        md += [f"## {rec['id']} (`{rec['stage']}`)", "", f"{state}, {rec['seconds']:.1f} s", "",
               "| quantity | value |", "|---|---|"]
        body.append(f"<h2>{html.escape(rec['id'])} (<code>{rec['stage']}</code>)</h2>"
                    f"<p>{state}, {rec['seconds']:.1f} s</p><table border=1 cellpadding=4>"
                    "<tr><th>quantity</th><th>value</th></tr>")
        for k, v in _rows(rec["summary"]):
            md.append(f"| {k} | {_md_cell(v)} |")
            body.append(f"<tr><td>{html.escape(k)}</td><td>{html.escape(v)}</td></tr>")
        body.append("</table>")
        md.append("")
        for fig in rec["figures"]:
            rel = f"{rec['id']}/{fig}"
            md += [f"![{fig}]({rel})", ""]
            png = run_dir / rel
            if png.is_file():
                data = base64.b64encode(png.read_bytes()).decode()
                body.append(f'<p><img alt="{html.escape(fig)}" src="data:image/png;base64,{data}" style="max-width:720px"></p>')
    md_path = run_dir / "report.md"
    md_path.write_text("\n".join(md), encoding="utf-8")
    html_path = run_dir / "report.html"
    html_path.write_text("<!doctype html><html><head><meta charset='utf-8'><title>"
                         f"{html.escape(config.name)}</title></head><body>" + "".join(body) + "</body></html>",
                         encoding="utf-8")
    return md_path, html_path
