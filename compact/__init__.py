"""Compact device models behind one interface (:class:`compact.base.CompactModel`).

>>> from compact import StanfordPKU, waveforms
>>> ds = StanfordPKU().simulate(waveforms.sine(amp=1.6, f=1e3), waveforms.sine(amp=1.6, f=1e3).times(2))
"""

from compact import waveforms
from compact.calibration import FitResult, fit
from compact.base import CompactModel
from compact.mott import MottThermal
from compact.stanford import StanfordPKU
from compact.taox import TaOxExtended
from compact.vteam import VTEAM
from compact.yakopcic import Yakopcic
from compact.jart import JARTVCM
from compact.ecram import ECRAM

#: model registry used by the CLI, calibration and export: name -> class
MODELS: dict[str, type[CompactModel]] = {
    "MottThermal": MottThermal,
    "StanfordPKU": StanfordPKU,
    "TaOxExtended": TaOxExtended,
    "JARTVCM": JARTVCM,
    "VTEAM": VTEAM,
    "Yakopcic": Yakopcic,
    "ECRAM": ECRAM,
}


def get_model(name: str) -> type[CompactModel]:
    """Model class by name (case-insensitive); ConfigError listing the known names otherwise."""
    from matsim.core.errors import ConfigError
    for key, cls in MODELS.items():
        if key.lower() == str(name).lower():
            return cls
    raise ConfigError("model", name, "one of " + ", ".join(MODELS))


__all__ = ["fit", "FitResult", "CompactModel", "MottThermal", "StanfordPKU", "TaOxExtended", "JARTVCM", "VTEAM", "Yakopcic", "ECRAM", "MODELS", "get_model", "waveforms"]
