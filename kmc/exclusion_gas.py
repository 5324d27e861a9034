"""Exclusion lattice gas: at most one particle per site of a periodic simple-cubic lattice, optional
nearest-neighbour interaction J; the like-for-like speed anchor of the engine (issue #23).

Hop rates r_d = ν exp(-(E_a ∓ ½ q a E_∥)/k_B T) exp(-J (n_t - n_s)/2 k_B T) when the target is empty
(n: occupied neighbours). Exact checks for J = 0 (the uniform product measure is stationary for the
biased exclusion process, Spitzer 1970; Liggett, *Interacting Particle Systems*, 1985):

* drift per particle v = (1 - c) a (r_+ - r_-) at concentration c;
* tracer diffusion D* = a² ν e^{-E_a/k_BT} (1 - c) f(c) per axis, with the tracer correlation
  factor f(c) → 1 for c → 0 (the free gas; tested at c = 0.01).

Same BKL engine (:mod:`kmc.engine`) and kernel interface as every model.
"""

from __future__ import annotations

import numpy as np

from kmc import _exclusion_kernels as XK
from kmc.engine import KMCModel
from kmc.lattice_gas import hop_rates
from matsim.core.errors import ConfigError
from matsim.core.validate import finite, non_negative, positive, positive_int, temperature
from matsim.core.units import k_B_eV


class ExclusionLatticeGas(KMCModel):
    """Particles with site exclusion on a periodic nx × ny × nz simple-cubic lattice.

    Parameters: shape (sites), n_particles (placed on distinct random sites), Ea_eV, nu_Hz, T_K,
    E_field_V_per_m (along x, V/m), charge_e, J_eV (nearest-neighbour pair energy, eV; 0: pure
    exclusion), spacing_m, seed, engine.
    """

    rate_kernel = XK.rate
    execute_kernel = XK.execute
    run_kernel = XK.run
    fill_kernel = XK.fill
    max_touched = 6 + 2 * 42 * 6

    def __init__(self, shape=(32, 32, 32), n_particles: int = 3953, Ea_eV: float = 0.5, nu_Hz: float = 1e13,
                 T_K: float = 300.0, E_field_V_per_m: float = 0.0, charge_e: float = 1.0, J_eV: float = 0.0,
                 spacing_m: float = 2.5e-10, seed=None, engine: str = "numba"):
        self.shape = tuple(positive_int(f"shape[{i}]", s, minimum=3) for i, s in enumerate(shape))
        n_sites = int(np.prod(self.shape))
        n = positive_int("n_particles", n_particles)
        if n > n_sites:
            raise ConfigError("n_particles", n, f"at most the number of sites ({n_sites})")
        self.spacing_m = positive("spacing_m", spacing_m, "m")
        self.T_K = temperature("T_K", T_K)
        self.J_eV = finite("J_eV", J_eV, "eV")
        self._init_engine(6 * n, engine=engine, seed=seed)
        idx = np.arange(n_sites).reshape(self.shape)
        nbr = np.empty((n_sites, 6), dtype=np.int64)
        for axis in range(3):
            nbr[:, 2 * axis] = np.roll(idx, -1, axis=axis).reshape(-1)
            nbr[:, 2 * axis + 1] = np.roll(idx, 1, axis=axis).reshape(-1)
        self._nbr = nbr
        self._site = np.ascontiguousarray(self.rng.choice(n_sites, n, replace=False).astype(np.int64))
        self._occ = np.full(n_sites, -1, dtype=np.int64)
        self._occ[self._site] = np.arange(n)
        self._disp = np.zeros((n, 3), dtype=np.int64)
        self._base = hop_rates(non_negative("Ea_eV", Ea_eV, "eV"), positive("nu_Hz", nu_Hz, "Hz"), self.T_K,
                               finite("E_field_V_per_m", E_field_V_per_m, "V/m"), self.spacing_m,
                               finite("charge_e", charge_e, "e"))
        self._par = np.array([self.J_eV / (k_B_eV * self.T_K)])
        self.refresh_rates()

    def state(self) -> tuple:
        return (self._occ, self._site, self._disp, self._nbr, self._base, self._par)

    @property
    def concentration(self) -> float:
        return len(self._site) / len(self._occ)

    def displacements(self) -> np.ndarray:
        """Unwrapped displacement of every particle since the start (m), shape (P, 3)."""
        return self._disp * self.spacing_m
