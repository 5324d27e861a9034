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
    except (OSError, ValueError) as exc:
        raise ConfigError("path", str(path), f"a matsim checkpoint (.npz) ({exc})") from None
    return arrays, meta
