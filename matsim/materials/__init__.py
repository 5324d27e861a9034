"""Material library: each material is a :class:`~matsim.core.ParameterSet` whose every value has a
unit and a literature source (or is marked ``assumed``).

>>> from matsim import materials
>>> materials.names()
['Ag', 'Cu', 'HfO2', 'NbO2', 'TaOx', 'TiO2', 'VO2']
>>> materials.get("HfO2").require("E_hop_vacancy", "eV")
1.1
"""

from __future__ import annotations

from importlib import import_module

from matsim.core.errors import ConfigError
from matsim.core.parameters import ParameterSet

# name -> module defining ``parameters() -> ParameterSet``
_REGISTRY = {
    "HfO2": "matsim.materials.hfo2",
    "TaOx": "matsim.materials.taox",
    "TiO2": "matsim.materials.tio2",
    "NbO2": "matsim.materials.nbo2",
    "VO2": "matsim.materials.vo2",
    "Ag": "matsim.materials.ag",
    "Cu": "matsim.materials.cu",
}


def names() -> list[str]:
    """Names of the materials in the library."""
    return sorted(_REGISTRY)


def get(name: str) -> ParameterSet:
    """The ParameterSet of material ``name`` (case-insensitive); unknown names list the known ones."""
    lookup = {n.lower(): n for n in _REGISTRY}
    key = lookup.get(str(name).lower())
    if key is None:
        raise ConfigError("material", name, "one of " + ", ".join(names()))
    return import_module(_REGISTRY[key]).parameters()
