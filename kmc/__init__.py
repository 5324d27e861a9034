"""Kinetic Monte Carlo of ionic defects in memristive oxides and electrochemical cells.

* :class:`KMCModel` / :mod:`kmc.engine`: rejection-free BKL engine (Fenwick tree, numba kernels,
  plain-Python reference engine);
* :class:`LatticeGas`: non-interacting hopping particles (validation; :mod:`kmc.validation`);
* :class:`VCMCell`: oxygen vacancies/ions in a valence-change memory cell coupled to Poisson,
  current and Joule heat (forming, I-V sweeps, pulses);
* :func:`load`: restore a checkpoint written by ``model.save(path)``.
"""

from kmc.engine import KMCModel
from kmc.fenwick import FenwickTree, PyFenwickTree
from kmc.io import load
from kmc.lattice_gas import LatticeGas

__all__ = ["KMCModel", "FenwickTree", "PyFenwickTree", "LatticeGas", "VCMCell", "load", "validation"]


def __getattr__(name):
    if name == "VCMCell":
        from kmc.vcm import VCMCell
        return VCMCell
    if name in ("validation", "plotting"):
        import importlib
        return importlib.import_module(f"kmc.{name}")
    raise AttributeError(name)
