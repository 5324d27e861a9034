"""``kmc.load(path)``: restore any KMC model saved with ``model.save(path)``.

The checkpoint names its model (``meta["config"]["model"]``); :data:`LOADERS` maps that name to the
class, whose ``_from_checkpoint`` restores it. The table holds every :class:`kmc.engine.KMCModel`
subclass of a module in ``kmc/``, read from the sources (no import); a model's module is imported when
one of its checkpoints is loaded (:class:`matsim.core.registry.Registry`). A new model in a new file
``kmc/mycell.py`` with ``save`` / ``_from_checkpoint`` is therefore loadable without further wiring.
"""

from __future__ import annotations

from matsim.core.checkpoint import load_checkpoint
from matsim.core.errors import ConfigError
from pathlib import Path

from matsim.core.registry import Registry, scan_subclasses

#: KMC model class name -> class (with ``_from_checkpoint(arrays, meta, engine)`` when it can be saved)
LOADERS = Registry("kmc model", lambda: scan_subclasses(Path(__file__).parent, "kmc", "KMCModel"))


def load(path, engine: str | None = None):
    """Restore a model (LatticeGas, VCMCell, ECMCell, ...) from a checkpoint; the run continues identically."""
    arrays, meta = load_checkpoint(path)
    name = meta.get("config", {}).get("model")
    cls = LOADERS.get(name) if name in LOADERS else None
    if cls is None or not hasattr(cls, "_from_checkpoint"):
        raise ConfigError("path", str(path), "a kmc checkpoint of one of " + ", ".join(
            n for n in LOADERS.names() if hasattr(LOADERS.get(n), "_from_checkpoint")) + f" (it names {name!r})")
    return cls._from_checkpoint(arrays, meta, engine)
