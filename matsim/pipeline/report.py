"""``report.md`` and a self-contained ``report.html`` (figures embedded) for a workflow run."""

from __future__ import annotations

import base64
import html
from pathlib import Path


def _fmt(v) -> str:
    if isinstance(v, dict) and "value" in v and "unit" in v:  # a Parameter
        src = f" — {v['source']}" if v.get("source") else ""
        return f"{_fmt(v['value'])} {v['unit']}{src}"
    if isinstance(v, float):
        return f"{v:.4g}"
    if isinstance(v, list) and len(v) > 8:
        return f"[{len(v)} values]"
    return str(v)


def _rows(summary: dict, prefix: str = ""):
    for k, v in summary.items():
        if k.startswith("_"):
            continue
        if isinstance(v, dict) and not ("value" in v and "unit" in v):
            yield from _rows(v, f"{prefix}{k}.")
        else:
            yield f"{prefix}{k}", _fmt(v)


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
    for rec in records:
        state = "reused from cache" if rec["cached"] else "computed"
        md += [f"## {rec['id']} (`{rec['stage']}`)", "", f"{state}, {rec['seconds']:.1f} s", "",
               "| quantity | value |", "|---|---|"]
        body.append(f"<h2>{html.escape(rec['id'])} (<code>{rec['stage']}</code>)</h2>"
                    f"<p>{state}, {rec['seconds']:.1f} s</p><table border=1 cellpadding=4>"
                    "<tr><th>quantity</th><th>value</th></tr>")
        for k, v in _rows(rec["summary"]):
            md.append(f"| {k} | {v} |")
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
