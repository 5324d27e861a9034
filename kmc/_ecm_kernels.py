"""Numba kernels of the electrochemical-metallization (ECM) cell (:mod:`kmc.ecm`).

Sites of a simple-cubic lattice (:class:`kmc.grid.Grid`: lateral periodic, bottom plane k = -1 the
inert counter electrode, top plane k = nz the active Ag/Cu electrode) hold ``occ`` = 0 (empty
electrolyte), 1 (metal ion M^z+) or 2 (metal atom M^0, part of a cluster or filament).

Event index e = NE s + k (NE = 8); every barrier is clipped at 0 and the rate is
ν exp(-E_b / k_BT) (Butler-Volmer form with charge-transfer coefficient α, z the ion charge in e,
φ in V, so z φ is in eV):

====  =============================================================================================
k     event
====  =============================================================================================
0-5   ion on s (occ 1) hops to the empty neighbour n = nbr[s, d]:   E_hop + ½ z (φ_n - φ_s)
      ion on the top layer moves into the active electrode (reduction there):
                                                                    E_red + (1-α) z (V_top - φ_s)
      metal atom on s (occ 2) dissolves into the empty neighbour n (oxidation, M -> M^z+ on n):
                                   E_dis + E_coord (c_s - 3) + α z (φ_n - φ_s)
      with c_s the number of metal neighbours of s (electrodes count as metal); c = 3 is the kink
      (half-crystal) site, whose dissolution barrier E_dis equals E_ox of the electrode, so without
      bias a filament neither grows nor dissolves on average, while thin parts (c < 3) are less
      stable (Gibbs-Thomson); at the filament
      temperature k_B T_fil (Joule heating of a bridging filament, par[KT_FIL])
6     reduction of the ion on s next to metal (filament or counter electrode; nucleation):
                                   E_red + (1-α) z (φ_m - φ_s),  φ_m the lowest metal-neighbour potential
7     oxidation of the active electrode into the empty top-layer site s:
                                   E_ox + α z (φ_s - V_top)
====  =============================================================================================

State tuple: (occ int8[N], phi float[N] (V), nbr int64[N, 6], kz int64[N], par float[16],
counts int64[8]).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from kmc._bkl_kernels import bind_kernels

NE = 8
# par indices
NU, EHOP, EOX, ERED, EDIS, ECOORD, ALPHA, Z, VTOP, KT, NZ, KT_FIL = range(12)
# counts indices
C_HOP, C_DEPOSIT_TOP, C_DISSOLVE, C_REDUCE, C_OXIDIZE = range(5)
TOP = -2
C_REF = 3
BOTTOM = -1


@njit(cache=True, inline="always")
def _rate(nu, barrier, kT):
    if barrier < 0.0:
        barrier = 0.0
    return nu * np.exp(-barrier / kT)


@njit(cache=True, inline="always")
def metal_neighbours(s, occ, nbr):
    """Number of metal neighbours of site s (electrodes count as metal)."""
    c = 0
    for d in range(6):
        n = nbr[s, d]
        if n < 0 or occ[n] == 2:
            c += 1
    return c


@njit(cache=True)
def rate(e, state):
    occ, phi, nbr, kz, par, counts = state
    s = e // NE
    k = e - NE * s
    o = occ[s]
    z = par[Z]
    if k < 6:
        if o == 0:
            return 0.0
        n = nbr[s, k]
        if n == s:
            return 0.0
        if o == 1:
            if n == TOP:
                return _rate(par[NU], par[ERED] + (1.0 - par[ALPHA]) * z * (par[VTOP] - phi[s]), par[KT])
            if n == BOTTOM or occ[n] != 0:
                return 0.0
            return _rate(par[NU], par[EHOP] + 0.5 * z * (phi[n] - phi[s]), par[KT])
        # metal atom dissolving into an empty neighbour site
        if n < 0 or occ[n] != 0:
            return 0.0
        c = metal_neighbours(s, occ, nbr)
        return _rate(par[NU], par[EDIS] + par[ECOORD] * (c - C_REF) + par[ALPHA] * z * (phi[n] - phi[s]),
                     par[KT_FIL])
    if k == 6:
        if o != 1:
            return 0.0
        found = False
        phi_m = 0.0
        for d in range(6):
            n = nbr[s, d]
            if n == BOTTOM:
                p = 0.0
            elif n >= 0 and occ[n] == 2:
                p = phi[n]
            else:
                continue
            if not found or p < phi_m:
                phi_m = p
                found = True
        if not found:
            return 0.0
        return _rate(par[NU], par[ERED] + (1.0 - par[ALPHA]) * z * (phi_m - phi[s]), par[KT])
    # k == 7: oxidation of the active electrode into the top layer
    if o != 0 or kz[s] != int(par[NZ]) - 1:
        return 0.0
    return _rate(par[NU], par[EOX] + par[ALPHA] * z * (phi[s] - par[VTOP]), par[KT])


@njit(cache=True, inline="always")
def _touch_site(s, nbr, touched, m):
    for k in range(NE):
        touched[m] = NE * s + k
        m += 1
    for d in range(6):
        n = nbr[s, d]
        if n >= 0:
            for k in range(NE):
                touched[m] = NE * n + k
                m += 1
    return m


@njit(cache=True)
def execute(e, state, touched):
    occ, phi, nbr, kz, par, counts = state
    s = e // NE
    k = e - NE * s
    m = 0
    if k < 6:
        n = nbr[s, k]
        if occ[s] == 1:
            occ[s] = 0
            if n == TOP:
                counts[C_DEPOSIT_TOP] += 1
            else:
                occ[n] = 1
                counts[C_HOP] += 1
        else:
            occ[s] = 0
            occ[n] = 1
            counts[C_DISSOLVE] += 1
        m = _touch_site(s, nbr, touched, m)
        if n >= 0:
            m = _touch_site(n, nbr, touched, m)
        return m
    if k == 6:
        occ[s] = 2
        counts[C_REDUCE] += 1
    else:
        occ[s] = 1
        counts[C_OXIDIZE] += 1
    return _touch_site(s, nbr, touched, m)


# the engine loop bound to this model's kernels
run, fill = bind_kernels(rate, execute)
