"""Compact device models behind one interface (:class:`compact.base.CompactModel`).

Every concrete ``CompactModel`` subclass in a module of this package is a registered model: the
table ``name -> module`` is read from the sources (no import), a model's module is imported when the
model is first asked for (``compact.get_model("Selector")``, ``compact.StanfordPKU``), and two models
of one name are refused. Adding a model is adding one file (docs/extending.md).

>>> import compact
>>> compact.model_names()
['ECRAM', 'JARTVCM', 'MottThermal', 'NbOxAscoli', 'Selector', 'StanfordPKU', 'TaOxExtended', 'VTEAM', 'Yakopcic']
>>> compact.get_model("selector").__name__
'Selector'
>>> from compact import StanfordPKU, waveforms
>>> ds = StanfordPKU().simulate(waveforms.sine(amp=1.6, f=1e3), waveforms.sine(amp=1.6, f=1e3).times(2))
"""

from __future__ import annotations

from pathlib import Path

from compact import waveforms
from compact.base import CompactModel
from compact.calibration import FitResult, fit
from matsim.core.registry import Registry, scan_subclasses

#: model registry used by the CLI, calibration, export and the pipeline: class name -> class (imported on use)
MODELS = Registry("model", lambda: scan_subclasses(Path(__file__).parent, __name__, "CompactModel"))


def get_model(name: str) -> type[CompactModel]:
    """Model class by name (case-insensitive); ConfigError listing the known names otherwise."""
    return MODELS.get(name)


def model_names() -> list[str]:
    """Names of every registered compact model."""
    return MODELS.names()


def __getattr__(name: str):
    """``compact.StanfordPKU`` & co.: the registered model classes, imported on first use."""
    if name in MODELS:
        return MODELS.get(name)
    raise AttributeError(f"module 'compact' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(MODELS.names()))


__all__ = ["fit", "FitResult", "CompactModel", "MODELS", "get_model", "model_names", "waveforms",
           "ECRAM", "JARTVCM", "MottThermal", "NbOxAscoli", "Selector", "StanfordPKU", "TaOxExtended",
           "VTEAM", "Yakopcic"]
