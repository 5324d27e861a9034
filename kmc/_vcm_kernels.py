"""Numba kernels of the VCM cell (oxygen vacancies V_O and oxygen ions O_i on a cubic lattice).

Event index e = NE s + k for site s and kind k (NE = 15):

====  ===========================================================================================
k     event (rate ν exp(-max(E_b, 0)/k_B T); T of the site, or bond mean for hops)
====  ===========================================================================================
0-5   vacancy hop s -> nbr[s, d]         E_b = E_v + ½ z_v (φ_n - φ_s + z_v V_self)
6-11  ion hop s -> nbr[s, d]             E_b = E_i + ½ z_i (φ_n - φ_s + z_i V_self);
      into the top (active) electrode:   E_b = E_x + ½ z_i (V_top - φ_s)       (absorption)
      into the bottom (inert) electrode: blocked
12    Frenkel-pair generation at s       E_b = E_g(s) - b |E(s)|; the ion goes to the free neighbour
      with the highest potential (into the reservoir if that is the active electrode)
13    recombination V_O + O_i on site s  E_b = E_r
14    ion injection top electrode -> s   E_b = E_x + ½ z_i (φ_s - V_top)   (top layer, reservoir > 0)
====  ===========================================================================================

After ``par[MAX_CHANGES]`` events that change the vacancy configuration or the electrode reservoir
the execute kernel asks the engine to stop so that the caller re-solves the fields.

V_self = e/(6 ε a) removes the particle's own potential from the finite-difference φ (the lattice
Green's function of the 7-point Laplacian obeys G(0) - G(nn) = 1/(6 ε a)).

State tuple: (vac int8[N], ion int8[N], phi[N] V, temp[N] K, efield[N] V/m, zvac[N] e (charge of
the vacancy on s at the last field update: 0 when screened inside a filament), nbr int64[N, 6],
kz int64[N] (layer), par float[16], reservoir int64[1], counts int64[8], top int64[nx ny]).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from kmc._bkl_kernels import bind_kernels

NE = 15
K_B_EV = 8.617333262e-5
# par indices
NU, EG, EG_INT, DIPOLE, EV, EI, ER, EX, ZV, ZI, VSELF, VTOP, VBOT, T0, NZ, MAX_CHANGES = range(16)
# counts indices (C_CHANGED: vacancy/exchange events since the last field update)
C_VHOP, C_IHOP, C_GEN, C_REC, C_ABS, C_INJ, C_CHANGED = range(7)


@njit(cache=True, inline="always")
def _arrhenius(nu, barrier, T):
    if barrier < 0.0:
        barrier = 0.0
    return nu * np.exp(-barrier / (K_B_EV * T))


@njit(cache=True, inline="always")
def _phi(phi, par, n):
    if n == -2:
        return par[VTOP]
    if n == -1:
        return par[VBOT]
    return phi[n]


@njit(cache=True, inline="always")
def _ion_target(s, vac, ion, phi, nbr, par):
    """Where the ion of a Frenkel pair at s goes: the free neighbour (no vacancy, no ion) with the
    highest potential, the active electrode included (then it joins the reservoir); -1 if none."""
    best = -1
    best_phi = -1e300
    for d in range(6):
        n = nbr[s, d]
        if n == -1 or n == s:
            continue
        if n >= 0 and (vac[n] != 0 or ion[n] != 0):
            continue
        p = _phi(phi, par, n)
        if p > best_phi:
            best_phi = p
            best = n
    return best


@njit(cache=True)
def rate(e, state):
    vac, ion, phi, temp, efield, zvac, nbr, kz, par, reservoir, counts, top = state
    s = e // NE
    k = e - NE * s
    if k < 6:                                     # vacancy hop
        if vac[s] == 0:
            return 0.0
        n = nbr[s, k]
        if n < 0 or vac[n] != 0:
            return 0.0
        z = zvac[s]
        eb = par[EV] + 0.5 * z * (phi[n] - phi[s] + z * par[VSELF])
        return _arrhenius(par[NU], eb, 0.5 * (temp[s] + temp[n]))
    if k < 12:                                    # ion hop / absorption
        if ion[s] == 0:
            return 0.0
        n = nbr[s, k - 6]
        z = par[ZI]
        if n == -2:
            eb = par[EX] + 0.5 * z * (par[VTOP] - phi[s])
            return _arrhenius(par[NU], eb, temp[s])
        if n == -1 or ion[n] != 0:
            return 0.0
        eb = par[EI] + 0.5 * z * (phi[n] - phi[s] + z * par[VSELF])
        return _arrhenius(par[NU], eb, 0.5 * (temp[s] + temp[n]))
    if k == 12:                                   # generation
        if vac[s] != 0 or ion[s] != 0:
            return 0.0
        if _ion_target(s, vac, ion, phi, nbr, par) == -1:
            return 0.0
        eg = par[EG_INT] if kz[s] == par[NZ] - 1 else par[EG]
        return _arrhenius(par[NU], eg - par[DIPOLE] * efield[s], temp[s])
    if k == 13:                                   # recombination
        if vac[s] != 0 and ion[s] != 0:
            return _arrhenius(par[NU], par[ER], temp[s])
        return 0.0
    # k == 14: injection from the active electrode
    if kz[s] != par[NZ] - 1 or reservoir[0] <= 0 or ion[s] != 0:
        return 0.0
    eb = par[EX] + 0.5 * par[ZI] * (phi[s] - par[VTOP])
    return _arrhenius(par[NU], eb, temp[s])


@njit(cache=True, inline="always")
def _touch_site(s, nbr, touched, m):
    """Add the events that an occupancy change on site s can affect: all events of s, and of each
    lattice neighbour n only its vacancy/ion hops into s and its generation (whose ion target
    depends on the neighbours' occupancy); n's other events do not read site s."""
    for k in range(NE):
        touched[m] = NE * s + k
        m += 1
    for d in range(6):
        n = nbr[s, d]
        if n >= 0 and n != s:
            for d2 in range(6):
                if nbr[n, d2] == s:
                    touched[m] = NE * n + d2
                    touched[m + 1] = NE * n + 6 + d2
                    m += 2
            touched[m] = NE * n + 12
            m += 1
    return m


@njit(cache=True, inline="always")
def _touch_top(top, touched, m):
    for i in range(top.shape[0]):
        touched[m] = NE * top[i] + 14
        m += 1
    return m


@njit(cache=True)
def execute(e, state, touched):
    vac, ion, phi, temp, efield, zvac, nbr, kz, par, reservoir, counts, top = state
    s = e // NE
    k = e - NE * s
    m = 0
    res_before = reservoir[0]
    if k < 6:
        n = nbr[s, k]
        vac[s] = 0
        vac[n] = 1
        zvac[n] = zvac[s]
        zvac[s] = 0.0
        counts[C_VHOP] += 1
        m = _touch_site(s, nbr, touched, m)
        m = _touch_site(n, nbr, touched, m)
    elif k < 12:
        n = nbr[s, k - 6]
        ion[s] = 0
        if n == -2:
            reservoir[0] += 1
            counts[C_ABS] += 1
        else:
            ion[n] = 1
            counts[C_IHOP] += 1
            m = _touch_site(n, nbr, touched, m)
        m = _touch_site(s, nbr, touched, m)
    elif k == 12:
        n = _ion_target(s, vac, ion, phi, nbr, par)
        vac[s] = 1
        zvac[s] = par[ZV]
        if n == -2:
            reservoir[0] += 1
        else:
            ion[n] = 1
            m = _touch_site(n, nbr, touched, m)
        counts[C_GEN] += 1
        m = _touch_site(s, nbr, touched, m)
    elif k == 13:
        vac[s] = 0
        ion[s] = 0
        zvac[s] = 0.0
        counts[C_REC] += 1
        m = _touch_site(s, nbr, touched, m)
    else:
        reservoir[0] -= 1
        ion[s] = 1
        counts[C_INJ] += 1
        m = _touch_site(s, nbr, touched, m)
    if (res_before > 0) != (reservoir[0] > 0):
        m = _touch_top(top, touched, m)
    if k < 6 or k >= 12 or (k >= 6 and nbr[s, k - 6] == -2):
        counts[C_CHANGED] += 1
        if counts[C_CHANGED] >= par[MAX_CHANGES]:
            return -(m + 1)      # ask the engine to stop: the fields must be re-solved
    return m


# the engine loop bound to this model's kernels
run, fill = bind_kernels(rate, execute)
