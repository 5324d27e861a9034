"""Kinetic Monte Carlo of ionic defects in memristive oxides and electrochemical cells.

* :class:`KMCModel` / :mod:`kmc.engine`: rejection-free BKL engine (Fenwick tree, numba kernels,
  plain-Python reference engine);
* :class:`LatticeGas`: non-interacting hopping particles (validation; :mod:`kmc.validation`);
* :class:`VCMCell`: oxygen vacancies/ions in a valence-change memory cell coupled to Poisson,
  current and Joule heat (forming, I-V sweeps, pulses);
* :class:`ECMCell`: Ag/Cu electrochemical-metallization cell (filament growth, quantized conductance);
* :func:`run_ensemble` / :func:`ensemble_statistics`: device ensembles over MPI ranks (:mod:`kmc.parallel`);
* :class:`DecomposedLatticeGas`: spatial decomposition, synchronous sublattice (:mod:`kmc.decomposition`);
* :func:`load`: restore a checkpoint written by ``model.save(path)``.
"""

from kmc.engine import KMCModel
from kmc.fenwick import FenwickTree, PyFenwickTree
from kmc.io import load
from kmc.lattice_gas import LatticeGas

__all__ = ["KMCModel", "FenwickTree", "PyFenwickTree", "LatticeGas", "ExclusionLatticeGas", "VCMCell", "ECMCell", "DecomposedLatticeGas",
           "run_ensemble", "ensemble_statistics", "load", "validation"]

_LAZY = {"VCMCell": "kmc.vcm", "ExclusionLatticeGas": "kmc.exclusion_gas", "ECMCell": "kmc.ecm", "DecomposedLatticeGas": "kmc.decomposition",
         "run_ensemble": "kmc.parallel", "ensemble_statistics": "kmc.parallel"}


def __getattr__(name):
    if name in _LAZY:
        import importlib
        return getattr(importlib.import_module(_LAZY[name]), name)
    if name in ("validation", "plotting", "calibration"):
        import importlib
        return importlib.import_module(f"kmc.{name}")
    raise AttributeError(name)
