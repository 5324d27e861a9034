"""Checkpoint/restart for long runs: numpy arrays + JSON metadata in one ``.npz`` written atomically.

Engines store everything needed to continue identically, including the random generator state
(``rng.bit_generator.state``, a dict, goes into ``meta``)::

    save_checkpoint(path, arrays={"occ": occ}, meta={"t": t, "rng": rng.bit_generator.state})
    arrays, meta = load_checkpoint(path)
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

from matsim.core.errors import ConfigError, MissingFileError

_META_KEY = "__matsim_meta__"


def save_checkpoint(path, arrays: dict[str, np.ndarray], meta: dict | None = None) -> Path:
    """Write ``arrays`` and JSON-able ``meta`` to ``path`` (.npz); never leaves a half-written file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if _META_KEY in arrays:
        raise ConfigError("arrays", _META_KEY, "array names other than the reserved metadata key")
    meta_json = json.dumps(meta or {}, default=lambda o: o.tolist() if hasattr(o, "tolist") else str(o))
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as fh:
        np.savez_compressed(fh, **arrays, **{_META_KEY: np.frombuffer(meta_json.encode(), dtype=np.uint8)})
    os.replace(tmp, path)
    return path


def load_checkpoint(path) -> tuple[dict[str, np.ndarray], dict]:
    """Read a checkpoint written by :func:`save_checkpoint`."""
    path = Path(path)
    if not path.is_file():
        raise MissingFileError("path", str(path), "an existing checkpoint file (.npz)")
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files if k != _META_KEY}
            meta = json.loads(bytes(data[_META_KEY]).decode()) if _META_KEY in data.files else {}
    except (OSError, ValueError, EOFError) as exc:
        detail = "not an .npz archive written by matsim" if "pickle" in str(exc) else str(exc)[:120]
        raise ConfigError("path", str(path), f"a matsim checkpoint (.npz) ({detail}; use --restart to "
                          "overwrite it, or another path)") from None
    return arrays, meta


# ---- config / code fingerprints: a checkpoint is resumed only by the run that wrote it ----------

class CheckpointMismatchError(ConfigError):
    """A checkpoint (or cached output) was written for a different config or code than the current run."""


def _canonical(obj) -> str:
    return json.dumps(obj, sort_keys=True, default=lambda o: o.tolist() if hasattr(o, "tolist") else str(o))


#: files of a package that do not change a run's numbers (front ends, plots, config schemas)
NOT_ENGINE = ("cli.py", "plotting.py", "config.py")


def code_fingerprint(*modules_or_dirs, exclude=NOT_ENGINE) -> str:
    """SHA-256 (16 hex) of the source files of the given packages/modules (``.py`` files, sorted).

    Accepts imported modules or folders; editing the engine's code changes the fingerprint, so a
    checkpoint written by other code is not resumed silently. Files whose name ends with one of
    ``exclude`` (command-line front ends, plotting) are left out.
    """
    import hashlib
    h = hashlib.sha256()
    for m in modules_or_dirs:
        p = Path(getattr(m, "__file__", m) or "")
        files = sorted(p.parent.glob("*.py")) if p.name == "__init__.py" else \
            (sorted(p.glob("*.py")) if p.is_dir() else [p])
        for f in (f for f in files if not f.name.endswith(tuple(exclude))):
            h.update(f.name.encode())
            h.update(f.read_bytes())
    return h.hexdigest()[:16]


def config_fingerprint(config, code: str = "") -> str:
    """SHA-256 (16 hex) of a JSON-able config mapping plus a code version/fingerprint string."""
    import hashlib
    return hashlib.sha256((_canonical(config) + "|" + code).encode()).hexdigest()[:16]


def _flatten(d, prefix=""):
    out = {}
    if isinstance(d, dict):
        for k, v in d.items():
            out.update(_flatten(v, f"{prefix}{k}."))
    else:
        out[prefix[:-1]] = d
    return out


def config_differences(old, new, limit: int = 6) -> list[str]:
    """Human-readable ``key: old -> new`` lines for two nested config mappings."""
    a, b = _flatten(old or {}), _flatten(new or {})
    diffs = [f"{k}: {a.get(k, '(unset)')!r} -> {b.get(k, '(unset)')!r}"
             for k in sorted(set(a) | set(b)) if _canonical(a.get(k)) != _canonical(b.get(k))]
    return diffs[:limit] + ([f"... {len(diffs) - limit} more"] if len(diffs) > limit else [])


def stamp(config, code: str) -> dict:
    """What a checkpoint stores to identify the run that wrote it (put into its ``meta``)."""
    return {"config_hash": config_fingerprint(config, code), "config": config, "code": code}


def check_resumable(stored: dict, config, code: str, path, how: str = "") -> None:
    """Refuse to resume from ``path`` unless it was written for this ``config`` and ``code``.

    ``stored`` is the :func:`stamp` saved in the checkpoint. Raises :class:`CheckpointMismatchError`
    naming what differs and how to proceed (``how``: e.g. "use a new --checkpoint path, or --restart").
    """
    expected = config_fingerprint(config, code)
    if stored.get("config_hash") == expected:
        return
    how = how or "use a new checkpoint path, or delete this one to start over"
    if "config_hash" not in stored:
        why = "it has no config hash (written by an older matsim), so it may belong to another run"
    else:
        diffs = config_differences(stored.get("config"), config)
        if not diffs and stored.get("code") != code:
            diffs = [f"code: {stored.get('code')} -> {code} (the engine's source changed)"]
        why = "it was written for a different run (" + "; ".join(diffs or ["config hash differs"]) + ")"
    raise CheckpointMismatchError("checkpoint", str(path), f"a checkpoint of this config: {why}; {how}")
