"""Run a workflow: stages in order, each output folder cached by a hash of everything it depends on.

``run_dir/`` holds one folder per stage with a ``manifest.json`` (cache key, summary, figures,
timing), plus ``provenance.json`` (config, inputs with SHA-256, parameters, versions, seeds, timing)
and ``report.md`` / ``report.html``. A stage whose key is unchanged is not recomputed, so re-running
after an interruption (``--resume``) redoes only the stage that was cut off and those after it.
Under ``mpiexec`` serial stages run on rank 0 with the result broadcast, stages marked
:func:`~matsim.pipeline.mpi.uses_ranks` run on every rank (see :mod:`matsim.pipeline.mpi`); rank 0
alone writes manifests, provenance and the report. Outputs are checksummed (:mod:`matsim.pipeline.integrity`):
a missing or altered output makes its stage run again; a failed stage is marked in its folder and the report.
"""

from __future__ import annotations

import hashlib
import json
import time
import zlib
from pathlib import Path
from typing import Any

import numpy as np

import matsim
from matsim.core.config import read_mapping, validate
from matsim.core.errors import ConfigError, MissingFileError
from matsim.core.io import file_sha256, package_versions, save_json
from matsim.core.parallel import get_comm
from matsim.core.progress import progress
from matsim.pipeline import integrity, mpi, ticker, unit_params
from matsim.pipeline.codehash import code_hash
from matsim.pipeline.config import WorkflowConfig
from matsim.pipeline.report import write_report
from matsim.pipeline.stages import StageContext, get_stage

#: parameter names ending like this are input files/folders: checked up front, hashed into the key
FILE_SUFFIXES = ("_file", "_path", "_dir")


def _is_file_param(name: str) -> bool:
    return name.endswith(FILE_SUFFIXES)


def _hash_path(path: Path) -> str:
    if path.is_file():
        return file_sha256(path)
    h = hashlib.sha256()
    for p in sorted(q for q in path.rglob("*") if q.is_file()):
        h.update(str(p.relative_to(path)).encode())
        h.update(file_sha256(p).encode())
    return h.hexdigest()


def stage_seed(seed: int, stage_id: str) -> int:
    """A per-stage seed derived from the workflow seed and the stage id (stable across edits elsewhere)."""
    ss = np.random.SeedSequence(seed, spawn_key=(zlib.crc32(stage_id.encode()),))
    return int(ss.generate_state(1, dtype=np.uint32)[0])


class Pipeline:
    """A validated workflow bound to a run folder.

    Parameters
    ----------
    config : the workflow (see :class:`~matsim.pipeline.config.WorkflowConfig`).
    run_dir : where stage folders, provenance and the report go.
    base_dir : folder that relative input paths are taken from (the YAML file's folder).
    """

    def __init__(self, config: WorkflowConfig, run_dir, base_dir=None, quiet: bool = False):
        self.config = config
        self.run_dir = Path(run_dir)
        self.base_dir = Path(base_dir) if base_dir is not None else Path.cwd()
        self.quiet = quiet
        self.comm = get_comm()
        self._inputs: dict[str, dict[str, str]] = {}
        self.check()

    @classmethod
    def from_yaml(cls, path, run_dir=None, size: str | None = None, quiet: bool = False) -> "Pipeline":
        path = Path(path)
        data = read_mapping(path)
        if size is not None:
            data["size"] = size
        config = validate(WorkflowConfig, data, context=str(path))
        run_dir = run_dir or Path("runs") / f"{config.name}-{config.size}"
        return cls(config, run_dir, base_dir=path.parent, quiet=quiet)

    # ---- validation before any work ---------------------------------------------------
    def _resolve_inputs(self, spec) -> dict[str, str]:
        params = dict(spec.params)
        for k, v in spec.params.items():
            if _is_file_param(k) and v is not None:
                p = Path(v)
                p = p if p.is_absolute() else (self.base_dir / p)
                if not p.exists():
                    raise MissingFileError(f"{spec.key}.params.{k}", str(v), f"an existing file or folder (looked in {p})")
                params[k] = str(p.resolve())
        return unit_params.coerce(spec.key, params)

    def _upstream_ids(self, index: int) -> list[str]:
        spec = self.config.stages[index]
        if spec.inputs is not None:
            return list(spec.inputs)
        return [self.config.stages[index - 1].key] if index > 0 else []

    def _visible(self, index: int) -> list[str]:
        """The declared upstream stages of stage ``index`` and, transitively, theirs (in workflow order).

        Exactly these enter the stage's cache key (through its direct upstream keys), so exactly these
        are visible to it in ``ctx.upstream``.
        """
        ids = [s.key for s in self.config.stages]
        seen: set[str] = set()
        todo = self._upstream_ids(index)
        while todo:
            u = todo.pop()
            if u not in seen:
                seen.add(u)
                todo.extend(self._upstream_ids(ids.index(u)))
        return [u for u in ids[:index] if u in seen]

    def check(self) -> None:
        """Every stage known, every input present, every upstream id earlier in the list, every stage's
        config valid (unknown keys named, with the closest valid key), every stage's own check."""
        earlier: list[str] = []
        self._configs = {}
        for i, spec in enumerate(self.config.stages):
            stage = get_stage(spec.stage)
            for up in self._upstream_ids(i):
                if up not in earlier:
                    raise ConfigError(f"{spec.key}.inputs", up, "ids of stages listed earlier: " + (", ".join(earlier) or "none"))
            params = self._resolve_inputs(spec)
            cfg = stage.validate(params, self.config.size, spec.key)
            self._configs[spec.key] = cfg
            if stage.check is not None:
                stage.check(cfg, self._context(spec, params, {}, {}, cfg))
            earlier.append(spec.key)

    def _context(self, spec, params, upstream, upstream_dirs, config=None) -> StageContext:
        return StageContext(stage_id=spec.key, params=params, out_dir=self.run_dir / spec.key,
                            upstream=upstream, upstream_dirs=upstream_dirs,
                            seed=stage_seed(self.config.seed, spec.key), size=self.config.size, config=config)

    # ---- running ------------------------------------------------------------------------
    def stage_key(self, spec, params: dict, upstream_keys: list[str]) -> tuple[str, dict[str, str]]:
        """Hash of the stage's name, parameters, input files, upstream keys, seed, size and code: the
        source of every project package the stage imports (:mod:`matsim.pipeline.codehash`)."""
        files = {k: _hash_path(Path(v)) for k, v in params.items() if _is_file_param(k) and v is not None}
        code, _ = code_hash(get_stage(spec.stage).run)
        blob = json.dumps({"stage": spec.stage, "code": code,
                           "params": params, "files": files, "upstream": upstream_keys,
                           "seed": self.config.seed, "size": self.config.size, "matsim": matsim.__version__},
                          sort_keys=True, default=str)
        return hashlib.sha256(blob.encode()).hexdigest()[:16], files

    def keys(self) -> dict[str, str]:
        """Cache key of every stage, by id, computed without running anything (what ``--resume`` compares)."""
        keys: dict[str, str] = {}
        for i, spec in enumerate(self.config.stages):
            keys[spec.key] = self.stage_key(spec, self._resolve_inputs(spec),
                                            [keys[u] for u in self._upstream_ids(i)])[0]
        return keys

    def run(self, force: bool = False) -> dict[str, dict[str, Any]]:
        """Run (or reuse) every stage; return the summaries by stage id."""
        root = self.comm.Get_rank() == 0
        self.run_dir.mkdir(parents=True, exist_ok=True)
        summaries: dict[str, dict] = {}
        keys: dict[str, str] = {}
        records = []
        bar = progress(self.config.stages, desc=self.config.name, quiet=self.quiet, unit="stage")
        for i, spec in enumerate(bar):
            stage = get_stage(spec.stage)
            params = self._resolve_inputs(spec)
            ups = self._upstream_ids(i)
            key, files = self.stage_key(spec, params, [keys[u] for u in ups])
            visible = self._visible(i)        # the declared upstream stages, transitively: those in the key
            ctx = self._context(spec, params, {u: summaries[u] for u in visible},
                                {u: self.run_dir / u for u in visible}, self._configs[spec.key])
            manifest_path = ctx.out_dir / "manifest.json"
            manifest = integrity.read_manifest(manifest_path)
            cached = (not force) and manifest is not None and manifest.get("key") == key
            if cached and (bad := integrity.verify(ctx.out_dir, manifest)):
                self._say(f"[{spec.key}] {bad}; recomputing")
                cached = False
            cached, manifest = self.comm.bcast((cached, manifest), root=0)   # one decision for all ranks
            t0 = time.perf_counter()
            if cached:
                summary, figures, outputs = manifest["summary"], manifest["figures"], manifest.get("files")
                self._say(f"[{spec.key}] unchanged, reusing {ctx.out_dir}")
            else:
                self._say(f"[{spec.key}] running stage '{spec.stage}'")
                ctx.out_dir.mkdir(parents=True, exist_ok=True)
                if manifest_path.exists() and root:
                    manifest_path.unlink()
                if root:
                    (ctx.out_dir / "FAILED").unlink(missing_ok=True)
                try:
                    with ticker.ticking(f"[{spec.key}]", self.quiet, self.comm.Get_rank()):
                        summary, figures = mpi.run_stage(stage, ctx, self.comm)
                    integrity.require_finite(spec.key, summary, ctx.out_dir)   # NaN = no physics: a failure
                except BaseException as exc:
                    if root:
                        integrity.mark_failed(self.run_dir, spec.key, manifest, exc, self.config, records,
                                              any(r["cached"] for r in records))
                    raise
                summary = json.loads(json.dumps(summary, default=_to_json))
                summary["_stage"] = spec.stage
                outputs = integrity.checksums(ctx.out_dir) if root else None
                if root:
                    save_json({"key": key, "stage": spec.stage, "summary": summary, "figures": figures,
                               "seconds": time.perf_counter() - t0, "files": outputs}, manifest_path)
                self.comm.Barrier()
            seconds = manifest["seconds"] if cached else time.perf_counter() - t0
            summaries[spec.key] = summary
            keys[spec.key] = key
            records.append({"id": spec.key, "stage": spec.stage, "key": key, "cached": cached, "params": params,
                            "input_files": files, "upstream": ups, "seed": ctx.seed, "seconds": seconds,
                            "figures": figures, "summary": summary, "output_files": outputs})
        if root:
            save_json({"workflow": self.config.model_dump(), "run_dir": str(self.run_dir.resolve()),
                       "versions": package_versions(), "seed": self.config.seed, "stages": records},
                      self.run_dir / "provenance.json")
            write_report(self.config, records, self.run_dir)
        self.comm.Barrier()
        return summaries

    def _say(self, msg: str) -> None:
        if not self.quiet and self.comm.Get_rank() == 0:
            print(msg, flush=True)


def _to_json(o):
    if isinstance(o, np.ndarray):
        return o.tolist()
    if isinstance(o, (np.integer, np.floating, np.bool_)):
        return o.item()
    if hasattr(o, "to_dict"):
        return o.to_dict()
    if isinstance(o, Path):
        return str(o)
    raise TypeError(f"stage summary value of type {type(o).__name__} is not JSON-able")
