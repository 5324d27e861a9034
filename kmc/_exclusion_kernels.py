"""Numba kernels of the exclusion lattice gas (one particle per site, optional nearest-neighbour
interaction J) on a periodic simple-cubic lattice.

Event e = 6 p + d: particle p hops in direction d (+x, -x, +y, -y, +z, -z) to t = nbr[site[p], d];
rate 0 if t is occupied, else base[d] exp(-ΔE / 2 k_B T), ΔE = J (n_t - n_s) with n_s the occupied
neighbours of the particle's site and n_t those of the target (the particle itself not counted).
State: (occ int64[N] (particle on a site or -1), site int64[P], disp int64[P, 3] (unwrapped hops),
nbr int64[N, 6], base float[6] (1/s), par float[1] = J/k_B T).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from kmc._bkl_kernels import bind_kernels

OPP = (1, 0, 3, 2, 5, 4)


@njit(cache=True, inline="always")
def _n_occ(x, skip, occ, nbr):
    c = 0
    for d in range(6):
        u = nbr[x, d]
        if u != skip and occ[u] >= 0:
            c += 1
    return c


@njit(cache=True)
def rate(e, state):
    occ, site, disp, nbr, base, par = state
    p = e // 6
    d = e - 6 * p
    s = site[p]
    t = nbr[s, d]
    if occ[t] >= 0:
        return 0.0
    if par[0] == 0.0:
        return base[d]
    de = par[0] * (_n_occ(t, s, occ, nbr) - _n_occ(s, -1, occ, nbr))
    return base[d] * np.exp(-0.5 * de)


@njit(cache=True, inline="always")
def _touch_particle(q, touched, m):
    for k in range(6):
        touched[m] = 6 * q + k
        m += 1
    return m


@njit(cache=True)
def execute(e, state, touched):
    occ, site, disp, nbr, base, par = state
    p = e // 6
    d = e - 6 * p
    s = site[p]
    t = nbr[s, d]
    occ[s] = -1
    occ[t] = p
    site[p] = t
    disp[p, d >> 1] += 1 - 2 * (d & 1)
    m = _touch_particle(p, touched, 0)
    if par[0] == 0.0:
        # only hops into s (now free) and into t (now taken) change
        for x in (s, t):
            for k in range(6):
                q = occ[nbr[x, k]]
                if q >= 0 and q != p:
                    touched[m] = 6 * q + OPP[k]
                    m += 1
        return m
    for x in (s, t):                      # the neighbour counts of sites next to s and t changed
        for k in range(6):
            u = nbr[x, k]
            if occ[u] >= 0 and occ[u] != p:
                m = _touch_particle(occ[u], touched, m)
            for k2 in range(6):
                v = nbr[u, k2]
                if occ[v] >= 0 and occ[v] != p:
                    m = _touch_particle(occ[v], touched, m)
    return m


# the engine loop bound to this model's kernels
run, fill = bind_kernels(rate, execute)
