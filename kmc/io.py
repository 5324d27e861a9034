"""``kmc.load(path)``: restore any KMC model saved with ``model.save(path)``."""

from __future__ import annotations

from matsim.core.checkpoint import load_checkpoint
from matsim.core.errors import ConfigError


def load(path, engine: str | None = None):
    """Restore a model (LatticeGas or VCMCell) from a checkpoint; the run continues identically."""
    arrays, meta = load_checkpoint(path)
    name = meta.get("config", {}).get("model")
    if name == "LatticeGas":
        from kmc.lattice_gas import LatticeGas
        return LatticeGas._from_checkpoint(arrays, meta, engine)
    if name == "VCMCell":
        from kmc.vcm import VCMCell
        return VCMCell._from_checkpoint(arrays, meta, engine)
    raise ConfigError("path", str(path), "a kmc checkpoint (LatticeGas or VCMCell)")
