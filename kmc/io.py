"""``kmc.load(path)``: restore any KMC model saved with ``model.save(path)``.

The checkpoint names its model (``meta["config"]["model"]``); :data:`LOADERS` maps that name to the
class (imported on demand, :class:`matsim.core.registry.Registry`), whose ``_from_checkpoint`` restores it.
A new model registers with ``LOADERS.add("MyCell", "kmc.mycell:MyCell")``.
"""

from __future__ import annotations

from matsim.core.checkpoint import load_checkpoint
from matsim.core.errors import ConfigError
from matsim.core.registry import Registry

#: checkpointed model name -> class with ``_from_checkpoint(arrays, meta, engine)``
LOADERS = Registry("kmc checkpoint model", {
    "LatticeGas": "kmc.lattice_gas:LatticeGas",
    "VCMCell": "kmc.vcm:VCMCell",
    "ECMCell": "kmc.ecm:ECMCell",
})


def load(path, engine: str | None = None):
    """Restore a model (LatticeGas, VCMCell or ECMCell) from a checkpoint; the run continues identically."""
    arrays, meta = load_checkpoint(path)
    name = meta.get("config", {}).get("model")
    if name not in LOADERS:
        raise ConfigError("path", str(path), "a kmc checkpoint of one of " + ", ".join(LOADERS.names())
                          + f" (it names the model {name!r})")
    return LOADERS.get(name)._from_checkpoint(arrays, meta, engine)
