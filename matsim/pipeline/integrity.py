"""Integrity of stage folders: checksums of what a stage wrote, and what a failed stage leaves behind.

* After a stage succeeds, :func:`checksums` (SHA-256 of every file in its folder except the manifest)
  go into its ``manifest.json`` and the run's ``provenance.json``. Before a stage is reused from the
  cache, :func:`verify` compares them: a missing, truncated or edited output makes the stage run again
  (with the reason printed) instead of "unchanged, reusing" and a failure in the next stage.
* When a stage fails, :func:`mark_failed` removes the figures of its previous run (they would
  otherwise sit in the report next to the new inputs), writes ``FAILED`` in its folder, and rewrites
  ``report.md``/``report.html`` (failure at the top, no results after the failed stage) and
  ``provenance.json`` (``failed``: stage and error; the finished stages only).
"""

from __future__ import annotations

import json
from pathlib import Path

from matsim.core.io import file_sha256

#: files of a stage folder that are bookkeeping, not outputs
SKIP = {"manifest.json", "FAILED"}


def checksums(out_dir: Path) -> dict[str, str]:
    """``{relative path: sha256}`` of the files a stage wrote."""
    out_dir = Path(out_dir)
    return {str(p.relative_to(out_dir)): file_sha256(p) for p in sorted(out_dir.rglob("*"))
            if p.is_file() and p.name not in SKIP and not p.name.endswith(".tmp")}


def verify(out_dir: Path, manifest: dict) -> str | None:
    """None when every file recorded in ``manifest["files"]`` is present and unchanged, else the reason."""
    recorded = manifest.get("files")
    if recorded is None:
        return None                       # written before checksums were recorded
    out_dir = Path(out_dir)
    for rel, sha in recorded.items():
        p = out_dir / rel
        if not p.is_file():
            return f"output {rel} is missing"
        if file_sha256(p) != sha:
            return f"output {rel} changed since it was written (checksum differs)"
    return None


def read_manifest(path: Path) -> dict | None:
    """The manifest, or None when absent or unreadable (a corrupt manifest means: recompute)."""
    try:
        return json.loads(Path(path).read_text()) if Path(path).is_file() else None
    except (OSError, ValueError):
        return None


def mark_failed(run_dir: Path, stage_id: str, previous: dict | None, exc: BaseException,
                config, records: list[dict], any_cached_upstream: bool) -> None:
    """Remove the failed stage's old figures, mark its folder FAILED, rewrite the report with the failure."""
    from matsim.pipeline.report import write_report
    out_dir = Path(run_dir) / stage_id
    for fig in (previous or {}).get("figures", []):
        (out_dir / fig).unlink(missing_ok=True)
    message = f"{type(exc).__name__}: {exc}"
    if any_cached_upstream:
        hint = " (upstream stages were reused from the cache; if their outputs were edited, rerun with --force)"
        message += hint
        from matsim.core.errors import MatsimError
        if isinstance(exc, MatsimError) and exc.args and "--force" not in str(exc.args[0]):
            exc.args = (str(exc.args[0]) + hint, *exc.args[1:])   # the one line the user sees says it too
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "FAILED").write_text(message + "\n", encoding="utf-8")
    write_report(config, records, Path(run_dir), failure=(stage_id, message))
    # provenance of this (failed) run: the finished stages only, not the previous run's
    from matsim.core.io import package_versions, save_json
    save_json({"workflow": config.model_dump() if hasattr(config, "model_dump") else str(config),
               "run_dir": str(Path(run_dir).resolve()), "versions": package_versions(),
               "seed": getattr(config, "seed", None), "failed": {"stage": stage_id, "error": message},
               "stages": records}, Path(run_dir) / "provenance.json")


def non_finite(summary, prefix: str = "") -> list[str]:
    """Keys of a stage summary whose number (or a number in its list / Parameter value) is NaN or inf."""
    import math
    bad = []
    for k, v in (summary or {}).items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            bad += non_finite({"value": v["value"]} if "value" in v and "unit" in v else v,
                              f"{key}." if not ("value" in v and "unit" in v) else key + ".")
        elif isinstance(v, float) and not math.isfinite(v):
            bad.append(key)
        elif isinstance(v, (list, tuple)) and any(isinstance(x, float) and not math.isfinite(x) for x in v):
            bad.append(key)
    return [b[:-len(".value")] if b.endswith(".value") else b for b in bad]


def require_finite(stage_id: str, summary: dict, out_dir) -> None:
    """A stage whose summary holds NaN/inf did no physics for those quantities: NoResultError naming them."""
    from matsim.core.errors import NoResultError
    bad = non_finite({k: v for k, v in summary.items() if not k.startswith("_")})
    if bad:
        raise NoResultError(f"stage {stage_id} produced no result (NaN or inf) for {', '.join(bad)}; "
                            f"its outputs are in {out_dir} (the stage's inputs or size are too small for it)")
