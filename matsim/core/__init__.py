"""Shared core: units, parameters with provenance, errors, random streams, MPI helpers, I/O.

Everything that more than one engine needs lives here; engines never import each other.
"""

from matsim.core.errors import (ConfigError, ConvergenceError, MatsimError, MissingFileError,
                                MissingParameterError, UnitError)
from matsim.core.parameters import Parameter, ParameterSet
from matsim.core.rng import make_rng, spawn
from matsim.core.units import from_si, to_si

__all__ = [
    "ConfigError", "ConvergenceError", "MatsimError", "MissingFileError", "MissingParameterError",
    "UnitError", "Parameter", "ParameterSet", "make_rng", "spawn", "from_si", "to_si",
]
