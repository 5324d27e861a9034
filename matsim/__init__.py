"""matsim: multiscale physics of neuromorphic materials and devices.

The chain: DFT (:mod:`matsim.dft`) -> kinetic Monte Carlo (:mod:`kmc`) and electro-thermal
PDEs (:mod:`continuum`) -> compact device models (:mod:`compact`) -> crossbars and oscillator
networks (:mod:`matsim.network`). Every number travels as a :class:`~matsim.core.Parameter`
with its unit and its source.
"""

__version__ = "0.1.0"

from matsim.core import Parameter, ParameterSet

__all__ = ["Parameter", "ParameterSet", "__version__"]
