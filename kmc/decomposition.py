"""Spatial decomposition of a KMC lattice over MPI ranks: the synchronous sublattice algorithm.

Shim & Amar, Phys. Rev. B 71, 125432 (2005) (as in SPPARKS' ``sector`` option): the lattice is
cut into slabs along x, one per rank; each slab is cut into two sublattices (halves) A and B.
A cycle of length τ runs the sublattices in a random order (the same on all ranks): during a
sublattice's turn every rank simultaneously does BKL KMC on the particles inside *its own* copy of
that sublattice for simulated time τ (an event that would fall after τ is not done; waiting times
are memoryless); a particle that leaves the active sublattice waits for its next turn. Because
the active halves of neighbouring ranks are separated by an inactive half wider than the hop range,
no two ranks ever touch the same sites at the same time. After each turn the ranks exchange their
boundary data (here: the particles that crossed into a neighbour's slab, with their global ids and
unwrapped positions) with ``sendrecv`` on the periodic ring of slabs. The clock advances by τ per
cycle.

The error of the method is O(τ r_hop) at the sublattice borders (a particle crossing A -> B during
A's turn moves again in B's turn); the default τ = 1/R₁ (R₁ the total hop rate of one particle) keeps
it well below the statistical error of D and v (checked in ``tests/mpi/test_kmc_parallel.py``
against the serial engine).

Implemented for the non-interacting lattice gas (:class:`kmc.LatticeGas`, the engine's validation
model), whose BKL kernels are reused (:mod:`kmc._sublattice_kernels` only masks the rate outside
the active window). **Limitation:** the VCM and ECM cells are not decomposed: their potential,
current and heat come from a global sparse solve over the whole lattice every K events, which
couples all slabs at every field update; decomposing them would need a distributed linear solver
(e.g. PETSc) and is left out. Parallelism for those cells is over devices (:mod:`kmc.parallel`).
"""

from __future__ import annotations

import time as _time

import numpy as np

from kmc import _sublattice_kernels as SK
from kmc.lattice_gas import LatticeGas, hop_rates
from matsim.core.errors import ConfigError
from matsim.core.parallel import get_comm
from matsim.core.rng import make_rng
from matsim.core.validate import finite, non_negative, positive, positive_int, temperature


class _WindowGas(LatticeGas):
    """A lattice gas whose particles can hop only while inside ``window`` (wrapped x range)."""

    rate_kernel = SK.rate
    execute_kernel = SK.execute
    run_kernel = SK.run
    fill_kernel = SK.fill

    def __init__(self, window: np.ndarray, **kw):
        self._window = window
        super().__init__(**kw)

    def state(self) -> tuple:
        return super().state() + (self._window,)


class DecomposedLatticeGas:
    """Non-interacting lattice gas on a periodic cubic lattice, split into x-slabs over MPI ranks.

    Parameters are those of :class:`kmc.LatticeGas` (SI; E field along x or a 3-vector) plus
    ``comm`` (default :func:`matsim.core.parallel.get_comm`) and ``cycle_time_s`` τ (s; default 1/R₁).
    The initial positions are drawn from ``seed`` identically on every rank (so they do not depend
    on the number of ranks); rank r draws its events from stream (1, r) of ``seed``.
    """

    def __init__(self, shape=(32, 16, 16), spacing_m: float = 2.5e-10, Ea_eV: float = 0.5, nu_Hz: float = 1e13,
                 T_K: float = 300.0, E_field_V_per_m=0.0, n_particles: int = 1000, charge_e: float = 1.0,
                 seed=None, comm=None, cycle_time_s: float | None = None):
        self.comm = comm or get_comm()
        self.rank, self.size = self.comm.Get_rank(), self.comm.Get_size()
        if np.ndim(shape) != 1 or len(shape) != 3:
            raise ConfigError("shape", shape, "three integers (nx, ny, nz)")
        self.shape = tuple(positive_int(f"shape[{i}]", s) for i, s in enumerate(shape))
        nx = self.shape[0]
        if nx < 2 * self.size:
            raise ConfigError("shape[0]", nx, f"at least 2 sites per rank along x (>= {2 * self.size} "
                                              f"for {self.size} ranks): each slab holds two sublattices")
        self.spacing_m = positive("spacing_m", spacing_m, "m")
        self.Ea_eV = non_negative("Ea_eV", Ea_eV, "eV")
        self.nu_Hz = positive("nu_Hz", nu_Hz, "Hz")
        self.T_K = temperature("T_K", T_K)
        self.charge_e = finite("charge_e", charge_e, "e")
        self.E_field = finite("E_field_V_per_m", E_field_V_per_m, "V/m")
        self.n_particles = positive_int("n_particles", n_particles)
        self.hop = hop_rates(self.Ea_eV, self.nu_Hz, self.T_K, self.E_field, self.spacing_m, self.charge_e)
        self.tau = (1.0 / self.hop.sum() if cycle_time_s is None
                    else positive("cycle_time_s", cycle_time_s, "s"))
        self.seed = seed
        # slab [x0, x1) of this rank and its two sublattices
        self.x0, self.x1 = self.rank * nx // self.size, (self.rank + 1) * nx // self.size
        mid = (self.x0 + self.x1) // 2
        self.windows = (np.array([self.x0, mid], np.int64), np.array([mid, self.x1], np.int64))
        init = make_rng(seed, stream=0)
        start = np.stack([init.integers(0, s, size=self.n_particles) for s in self.shape], axis=1).astype(np.int64)
        self.start = start                                  # global ids -> initial unwrapped position
        owned = (start[:, 0] >= self.x0) & (start[:, 0] < self.x1)
        self.ids = np.flatnonzero(owned).astype(np.int64)
        self.pos = start[owned].copy()
        self.rng = make_rng(seed, stream=(1, self.rank))
        self._order = make_rng(seed, stream=(2,))          # same sublattice order on every rank
        self.time = 0.0
        self.n_events = 0                                   # on this rank
        self.n_cycles = 0
        self.n_migrated = 0                                 # particles this rank sent to neighbours
        self.wall_kmc = self.wall_comm = 0.0

    # -- the algorithm
    def _turn(self, window: np.ndarray, tau: float) -> None:
        wx = self.pos[:, 0] % self.shape[0]
        inside = np.flatnonzero((wx >= window[0]) & (wx < window[1]))
        if inside.size == 0:
            return
        gas = _WindowGas(window, shape=self.shape, spacing_m=self.spacing_m, Ea_eV=self.Ea_eV, nu_Hz=self.nu_Hz,
                         T_K=self.T_K, E_field_V_per_m=self.E_field, periodic=True, n_particles=inside.size,
                         charge_e=self.charge_e, rng=self.rng, _positions=self.pos[inside])
        n, _ = gas.advance(tau, np.iinfo(np.int64).max)
        self.pos[inside] = gas._pos
        self.n_events += n

    def _exchange(self) -> None:
        """Send particles that left the slab to the left/right neighbour rank (periodic ring)."""
        if self.size == 1:
            return
        nx = self.shape[0]
        wx = self.pos[:, 0] % nx
        left = wx == (self.x0 - 1) % nx
        right = wx == self.x1 % nx
        stay = ~(left | right)
        if np.any(stay & ((wx < self.x0) | (wx >= self.x1))):
            raise RuntimeError("decomposition: a particle moved more than one site past its slab")
        lrank, rrank = (self.rank - 1) % self.size, (self.rank + 1) % self.size
        got_r = self.comm.sendrecv((self.ids[left], self.pos[left]), dest=lrank, source=rrank)
        got_l = self.comm.sendrecv((self.ids[right], self.pos[right]), dest=rrank, source=lrank)
        self.n_migrated += int(left.sum() + right.sum())
        self.ids = np.concatenate([self.ids[stay], got_r[0], got_l[0]])
        self.pos = np.concatenate([self.pos[stay], got_r[1], got_l[1]]).astype(np.int64)

    def run(self, t_end: float) -> "DecomposedLatticeGas":
        """Advance every rank to simulated time ``t_end`` (s) in cycles of τ (collective call)."""
        t_end = non_negative("t_end", t_end, "s")
        while self.time < t_end * (1 - 1e-12):
            tau = min(self.tau, t_end - self.time)
            for s in self._order.permutation(2):
                t0 = _time.perf_counter()
                self._turn(self.windows[s], tau)
                t1 = _time.perf_counter()
                self._exchange()
                self.wall_comm += _time.perf_counter() - t1
                self.wall_kmc += t1 - t0
            self.time += tau
            self.n_cycles += 1
        return self

    # -- observables (collective)
    def total_particles(self) -> int:
        return int(self.comm.allreduce(len(self.ids)))

    def total_events(self) -> int:
        return int(self.comm.allreduce(self.n_events))

    def gather_positions(self) -> np.ndarray:
        """Unwrapped positions (lattice units) of all particles, ordered by global id, on every rank.

        Raises RuntimeError if a particle is missing or owned twice (conservation check)."""
        parts = self.comm.allgather((self.ids, self.pos))
        ids = np.concatenate([p[0] for p in parts])
        pos = np.concatenate([p[1] for p in parts])
        if len(ids) != self.n_particles or len(np.unique(ids)) != self.n_particles:
            raise RuntimeError(f"decomposition lost or duplicated particles: {len(ids)} held, "
                               f"{len(np.unique(ids))} distinct, {self.n_particles} expected")
        out = np.empty_like(pos)
        out[ids] = pos
        return out

    def displacements(self) -> np.ndarray:
        """Displacement since the start (m), shape (N, 3), ordered by global id."""
        return (self.gather_positions() - self.start) * self.spacing_m


def transport_coefficients(displacements_m: np.ndarray, t_s: float) -> dict:
    """D (from y, z: no field there) and drift v along x with one-sigma errors from displacements.

    D = <Δy² + Δz²>/(4t), σ_D = D sqrt(2/(2N)); v = <Δx>/t, σ_v = std(Δx)/(t sqrt N)."""
    d = np.asarray(displacements_m, dtype=float)
    n = len(d)
    D = float(np.mean(d[:, 1:] ** 2) / (2 * t_s))
    v = float(d[:, 0].mean() / t_s)
    return {"D": D, "D_err": D * np.sqrt(1.0 / n), "v": v, "v_err": float(d[:, 0].std(ddof=1) / (t_s * np.sqrt(n)))}
