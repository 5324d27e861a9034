"""FiPy electro-thermal continuum models of Mott threshold switches (VO2, NbO2).

>>> from continuum import MottFilament, Circuit
>>> dev = MottFilament("VO2", "axisymmetric", radius_m=100e-9, thickness_m=50e-9, n_cells=(16, 8))
>>> iv = dev.steady_iv(currents=[1e-5, 1e-4, 1e-3])      # doctest: +SKIP

See ``docs/continuum.md`` for the equations, validation and CLI.
"""

import os

os.environ.setdefault("FIPY_SOLVERS", "scipy")

from continuum.circuit import Circuit
from continuum.filament import MottFilament

__all__ = ["Circuit", "MottFilament"]
