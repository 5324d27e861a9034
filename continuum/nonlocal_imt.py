"""Non-local metallic fraction: a length below which the insulator-metal transition cannot be confined.

The local Mott law (:class:`matsim.materials.conductivity.MottConductivity`) lets a current filament
shrink without bound: a metallic needle of radius a at T > T_c needs only a heating power that falls
logarithmically with a while its current falls like a, so on a fine enough grid the on-state
survives at currents far below the threshold current (a "Z"-shaped, current-bistable I-V; see
docs/continuum.md and Goodwill et al., Nat. Commun. 10, 1628 (2019), who show that several current
distributions can share one voltage).  Real metallic domains have a finite size (the IMT order
parameter has a gradient energy; in VO2 films metallic puddles are tens of nm: Qazilbash et al.,
Science 318, 1750 (2007)).  This module gives the order parameter a length ``ell`` the simplest way,
as a Helmholtz (screened-Poisson) filter of the local metallic fraction f(T):

    f~ - ell^2 div grad f~ = f(T)     (no flux through every boundary)
    ln sigma = (1 - f~) ln sigma_ins(T, E) + f~ ln sigma_metal

(the activated insulator keeps its local temperature; only the metallic fraction is non-local).
A metallic needle of radius a << ell keeps f~ ~ (a / ell)^2 << 1 and hardly conducts, so a
conducting filament is at least about ell wide, and grid convergence needs cells well below ell.
(Filtering T instead would not do: the filtered temperature of a needle's logarithmic profile does
not depend on its radius, so needles of vanishing current would survive.)  ``ell = 0`` is the
local law.  The filter matrix is fixed, so it is factorised once per mesh.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse.linalg as spla

from continuum.fastcore import FaceOperator
from matsim.materials.conductivity import MottConductivity


class MetallicFractionFilter:
    """Helmholtz filter of length ``ell`` (m) on a :class:`continuum.geometry.Geometry`."""

    def __init__(self, geometry, ell: float):
        self.ell = float(ell)
        op = FaceOperator(geometry)
        self.volumes = op.volumes
        A = op.matrix(self.ell ** 2 * op.geo, op.volumes, None).tocsc()
        self._lu = spla.splu(A)
        self.weight = op.volumes / A.diagonal()          # ~ d f~_i / d f_i (Jacobi estimate), in (0, 1]

    def __call__(self, u: np.ndarray) -> np.ndarray:
        return np.clip(self._lu.solve(self.volumes * np.asarray(u, dtype=float)), 0.0, 1.0)


def sigma_nonlocal(law: MottConductivity, T, filt: MetallicFractionFilter, E=0.0, branch=0.0):
    """sigma (S/m) with the filtered metallic fraction f~ = filt(f(T)) and the insulator at T."""
    f = filt(law.metallic_fraction(T, branch))
    return np.exp((1.0 - f) * np.log(law.insulator(T, E)) + f * np.log(law.sigma_metal))


def dlnsigma_dT_nonlocal(law: MottConductivity, T, filt: MetallicFractionFilter, E=0.0, branch=0.0,
                         h: float = 1e-3):
    """d ln(sigma_i) / d T_i (1/K) with d f~_i / d f_i ~ the filter's diagonal weight (used only to
    linearise the Joule heat in the sweeps)."""
    f = filt(law.metallic_fraction(T, branch))
    df = filt.weight * (law.metallic_fraction(T + h, branch) - law.metallic_fraction(T - h, branch)) / (2 * h)
    ln_ins = np.log(law.insulator(T, E))
    dln_ins = (np.log(law.insulator(T + h, E)) - np.log(law.insulator(T - h, E))) / (2 * h)
    return (1.0 - f) * dln_ins + df * (np.log(law.sigma_metal) - ln_ins)
