"""Numba kernels of the VCM cell (oxygen vacancies V_O and oxygen ions O_i on a cubic lattice).

Event index e = NE s + k for site s and kind k (NE = 15); ΔW is the exact change of the
electrostatic energy (eV) of the event (below), barriers are E_a + ½ ΔW:

====  ===========================================================================================
k     event (rate ν exp(-max(E_b, 0)/k_B T); T of the site, or bond mean for hops)
====  ===========================================================================================
0-5   vacancy hop s -> n = nbr[s, d]     E_b = E_v + ½ ΔW,  ΔW = z_v (φ_n - φ_s) + z_v² C[k_s, d]
6-11  ion hop s -> nbr[s, d]             E_b = E_i + ½ ΔW,  ΔW = z_i (φ_n - φ_s) + z_i² C[k_s, d];
      into the top (active) electrode:   E_b = E_x + ½ ΔW_abs,
                                         ΔW_abs = z_i (V_top - φ_s) + ½ z_i² (g_ss + g_∞)  (absorption)
      into the bottom (inert) electrode: blocked
12    Frenkel-pair generation at s       E_b = E_g(s) - b |E(s)|; the ion goes to the free neighbour
      with the highest potential (into the reservoir if that is the active electrode)
13    recombination V_O + O_i on site s  E_b = E_r
14    ion injection top electrode -> s   E_b = E_x + ½ ΔW_inj,
                                         ΔW_inj = z_i (φ_s - V_top) + ½ z_i² (g_ss - g_∞)
====  ===========================================================================================

Electrostatics. φ (V) is the potential of everything: the applied part (fixed between field
updates) plus Σ_j z_j g(s, j) over the charged defects, with g = e G the lattice Green's function of
the cell (electrodes grounded, so all images are in it; laterally periodic, hence stored as a table
``gtab[k_j, (dx ny + dy) nz + k_s]``, V per e). A charge moving from s to n changes the energy by
ΔW = z (φ_o(n) - φ_o(s)) + ½ z² (g_nn - g_ss) with φ_o the potential of all *other* charges, which is
the formula above with C[k, d] = ½ (g_ss + g_nn) - g_sn (the exact self-interaction exclusion;
the ½ z² g terms are the image energies). An ion in the electrode is screened (energy z V_top);
U_self(s) = ½ z² (g_ss - g_∞) is its image energy at s (g_∞ = e G_∞(0), the infinite-lattice value,
Watson's integral), so absorption and injection obey detailed balance with the same energy.

Every event that moves, creates or removes a charge adds its Green's-function columns to φ
(O(sites), no solve). The rates of the events on and into a site whose φ moved by more than
``par[PHI_TOL]`` (V) since they were last computed are recomputed (a site matters only if it or a
neighbour holds a defect, or it is in the top layer while the reservoir is not empty). After
``par[MAX_CHANGES]`` events that change the vacancy configuration or the electrode reservoir
the execute kernel asks the engine to stop so that the caller re-solves current and heat.

State tuple: (vac int8[N], ion int8[N], phi[N] V, temp[N] K, efield[N] V/m, zvac[N] e (charge of
the vacancy on s: 0 when screened inside a filament), nbr int64[N, 6], kz int64[N] (layer),
par float[24], reservoir int64[1], counts int64[8], top int64[nx ny], gtab float[nz, N] V/e,
cpair float[nz, 6] V/e, gself float[nz] V/e (g_ss), phiref float[N] V (φ when the rates of the
site were last computed), near int64[N] (defects on a site and its neighbours)).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from kmc._bkl_kernels import bind_kernels

NE = 15
K_B_EV = 8.617333262e-5
# par indices
(NU, EG, EG_INT, DIPOLE, EV, EI, ER, EX, ZV, ZI, GINF, VTOP, VBOT, T0, NZ, MAX_CHANGES, PHI_TOL, NX, NY,
 NU_VHOP, NU_IHOP, NU_GEN, NU_REC, NU_EX) = range(24)
NPAR = 24
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
    """Rate (1/s) of event e (see the module docstring)."""
    vac, ion, phi, temp, efield, zvac, nbr, kz, par, reservoir, counts, top, gtab, cpair, gself, phiref, near = state
    return _rate(e, vac, ion, phi, temp, efield, zvac, nbr, kz, par, reservoir, cpair, gself)


@njit(cache=True, inline="always")
def _rate(e, vac, ion, phi, temp, efield, zvac, nbr, kz, par, reservoir, cpair, gself):
    s = e // NE
    k = e - NE * s
    if k < 6:                                     # vacancy hop
        if vac[s] == 0:
            return 0.0
        n = nbr[s, k]
        if n < 0 or n == s or vac[n] != 0:
            return 0.0
        z = zvac[s]
        dw = z * (phi[n] - phi[s]) + z * z * cpair[kz[s], k]
        return _arrhenius(par[NU_VHOP], par[EV] + 0.5 * dw, 0.5 * (temp[s] + temp[n]))
    if k < 12:                                    # ion hop / absorption
        if ion[s] == 0:
            return 0.0
        n = nbr[s, k - 6]
        z = par[ZI]
        if n == -2:
            dw = z * (par[VTOP] - phi[s]) + 0.5 * z * z * (gself[kz[s]] + par[GINF])
            return _arrhenius(par[NU_EX], par[EX] + 0.5 * dw, temp[s])
        if n == -1 or n == s or ion[n] != 0:
            return 0.0
        dw = z * (phi[n] - phi[s]) + z * z * cpair[kz[s], k - 6]
        return _arrhenius(par[NU_IHOP], par[EI] + 0.5 * dw, 0.5 * (temp[s] + temp[n]))
    if k == 12:                                   # generation
        if vac[s] != 0 or ion[s] != 0:
            return 0.0
        if _ion_target(s, vac, ion, phi, nbr, par) == -1:
            return 0.0
        eg = par[EG_INT] if kz[s] == par[NZ] - 1 else par[EG]
        return _arrhenius(par[NU_GEN], eg - par[DIPOLE] * efield[s], temp[s])
    if k == 13:                                   # recombination
        if vac[s] != 0 and ion[s] != 0:
            return _arrhenius(par[NU_REC], par[ER], temp[s])
        return 0.0
    # k == 14: injection from the active electrode
    if kz[s] != par[NZ] - 1 or reservoir[0] <= 0 or ion[s] != 0:
        return 0.0
    z = par[ZI]
    dw = z * (phi[s] - par[VTOP]) + 0.5 * z * z * (gself[kz[s]] - par[GINF])
    return _arrhenius(par[NU_EX], par[EX] + 0.5 * dw, temp[s])


@njit(cache=True, inline="always")
def _periodic(d, n):
    """A lateral offset d in (-n, n) folded into [0, n) (the Green's table is laterally periodic)."""
    return d + n if d < 0 else d


@njit(cache=True)
def add_charges(j1, z1, j2, z2, phi, gtab, par):
    """φ += z1 g(·, j1) + z2 g(·, j2): the potential (V) of z elementary charges put on sites j1 and
    j2 (a negative z removes them; j2 = -1 for none), one O(sites) pass through the table."""
    nx, ny, nz = int(par[NX]), int(par[NY]), int(par[NZ])
    if j2 < 0:
        j2, z2 = j1, 0.0
    k1, k2 = j1 % nz, j2 % nz
    y1, y2 = (j1 // nz) % ny, (j2 // nz) % ny
    x1, x2 = j1 // (nz * ny), j2 // (nz * ny)
    row1, row2 = gtab[k1], gtab[k2]
    for xs in range(nx):
        dx1, dx2 = _periodic(xs - x1, nx), _periodic(xs - x2, nx)
        for ys in range(ny):
            dy1, dy2 = _periodic(ys - y1, ny), _periodic(ys - y2, ny)
            bs = (xs * ny + ys) * nz
            b1 = (dx1 * ny + dy1) * nz
            b2 = (dx2 * ny + dy2) * nz
            for k in range(nz):
                phi[bs + k] += z1 * row1[b1 + k] + z2 * row2[b2 + k]


@njit(cache=True, inline="always")
def _occupancy_changed(j, delta, nbr, near):
    """Keep near[s] = number of defects (vacancies + ions) on s and its neighbours: one changed on j."""
    near[j] += delta
    for d in range(6):
        n = nbr[j, d]
        if n >= 0 and n != j:
            near[n] += delta


@njit(cache=True)
def count_near(vac, ion, nbr, near):
    """near[s] from scratch (after a restart or an external change of the occupancy)."""
    for s in range(vac.shape[0]):
        c = vac[s] + ion[s]
        for d in range(6):
            n = nbr[s, d]
            if n >= 0 and n != s:
                c += vac[n] + ion[n]
        near[s] = c


@njit(cache=True)
def touch_stale(vac, ion, phi, phiref, nbr, kz, par, reservoir, near, touched, m):
    """Add the events whose rate reads φ_s for every site s whose φ moved more than par[PHI_TOL] (V)
    since those rates were computed: hops out of s, hops of neighbouring defects into s, injection
    into s. Sites without a defect on or next to them (``near``) have no such event. A hop into s
    from a neighbour that is itself stale is added once, with that neighbour's own events."""
    tol = par[PHI_TOL]
    top_open = reservoir[0] > 0
    ktop = par[NZ] - 1
    n_sites = phi.shape[0]
    stale = np.zeros(n_sites, dtype=np.bool_)
    for s in range(n_sites):
        if abs(phi[s] - phiref[s]) > tol:
            stale[s] = True
    for s in range(n_sites):
        if not stale[s]:
            continue
        phiref[s] = phi[s]
        if near[s] > 0:
            if vac[s] != 0 or ion[s] != 0:
                for k in range(12):
                    touched[m] = NE * s + k
                    m += 1
            for d in range(6):
                n = nbr[s, d]
                if n >= 0 and n != s and (vac[n] != 0 or ion[n] != 0) and not stale[n]:
                    for d2 in range(6):
                        if nbr[n, d2] == s:
                            touched[m] = NE * n + d2
                            touched[m + 1] = NE * n + 6 + d2
                            m += 2
        if top_open and kz[s] == ktop:
            touched[m] = NE * s + 14
            m += 1
    return m


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
    vac, ion, phi, temp, efield, zvac, nbr, kz, par, reservoir, counts, top, gtab, cpair, gself, phiref, near = state
    s = e // NE
    k = e - NE * s
    m = 0
    res_before = reservoir[0]
    zi = par[ZI]
    if k < 6:
        n = nbr[s, k]
        z = zvac[s]
        vac[s] = 0
        vac[n] = 1
        _occupancy_changed(s, -1, nbr, near)
        _occupancy_changed(n, 1, nbr, near)
        zvac[n] = z
        zvac[s] = 0.0
        if z != 0.0:
            add_charges(n, z, s, -z, phi, gtab, par)
        counts[C_VHOP] += 1
        m = _touch_site(s, nbr, touched, m)
        m = _touch_site(n, nbr, touched, m)
    elif k < 12:
        n = nbr[s, k - 6]
        ion[s] = 0
        _occupancy_changed(s, -1, nbr, near)
        if n == -2:
            add_charges(s, -zi, -1, 0.0, phi, gtab, par)
            reservoir[0] += 1
            counts[C_ABS] += 1
        else:
            ion[n] = 1
            add_charges(n, zi, s, -zi, phi, gtab, par)
            _occupancy_changed(n, 1, nbr, near)
            counts[C_IHOP] += 1
            m = _touch_site(n, nbr, touched, m)
        m = _touch_site(s, nbr, touched, m)
    elif k == 12:
        n = _ion_target(s, vac, ion, phi, nbr, par)
        vac[s] = 1
        zvac[s] = par[ZV]
        _occupancy_changed(s, 1, nbr, near)
        if n == -2:
            add_charges(s, par[ZV], -1, 0.0, phi, gtab, par)
            reservoir[0] += 1
        else:
            add_charges(s, par[ZV], n, zi, phi, gtab, par)
            ion[n] = 1
            _occupancy_changed(n, 1, nbr, near)
            m = _touch_site(n, nbr, touched, m)
        counts[C_GEN] += 1
        m = _touch_site(s, nbr, touched, m)
    elif k == 13:
        add_charges(s, -zvac[s] - zi, -1, 0.0, phi, gtab, par)
        vac[s] = 0
        ion[s] = 0
        _occupancy_changed(s, -2, nbr, near)
        zvac[s] = 0.0
        counts[C_REC] += 1
        m = _touch_site(s, nbr, touched, m)
    else:
        reservoir[0] -= 1
        ion[s] = 1
        _occupancy_changed(s, 1, nbr, near)
        add_charges(s, zi, -1, 0.0, phi, gtab, par)
        counts[C_INJ] += 1
        m = _touch_site(s, nbr, touched, m)
    if (res_before > 0) != (reservoir[0] > 0):
        m = _touch_top(top, touched, m)
    m = touch_stale(vac, ion, phi, phiref, nbr, kz, par, reservoir, near, touched, m)
    if k < 6 or k >= 12 or (k >= 6 and nbr[s, k - 6] == -2):
        counts[C_CHANGED] += 1
        if counts[C_CHANGED] >= par[MAX_CHANGES]:
            return -(m + 1)      # ask the engine to stop: the fields must be re-solved
    return m


@njit(cache=True)
def rates_of(touched, m, state, out):
    """out[k] = rate(touched[k], state) for k < m, the state unpacked once (see kmc._bkl_kernels.bkl_run_batch)."""
    vac, ion, phi, temp, efield, zvac, nbr, kz, par, reservoir, counts, top, gtab, cpair, gself, phiref, near = state
    for k in range(m):
        out[k] = _rate(touched[k], vac, ion, phi, temp, efield, zvac, nbr, kz, par, reservoir, cpair, gself)


# the engine loop bound to this model's kernels
run, fill = bind_kernels(rate, execute, rates_of)


@njit(cache=True)
def fill_direct(rates, n_events, state):
    """rates[k] = rate(k, state) for every event, site by site; an empty site has only its generation
    and injection events (hops, recombination: 0), written out here (same arithmetic as :func:`rate`)."""
    vac, ion, phi, temp, efield, zvac, nbr, kz, par, reservoir, counts, top, gtab, cpair, gself, phiref, near = state
    ktop = par[NZ] - 1
    inject = reservoir[0] > 0
    z = par[ZI]
    for s in range(n_events // NE):
        b = NE * s
        if vac[s] == 0 and ion[s] == 0:
            for k in range(NE):
                rates[b + k] = 0.0
            if _ion_target(s, vac, ion, phi, nbr, par) != -1:
                eg = par[EG_INT] if kz[s] == ktop else par[EG]
                rates[b + 12] = _arrhenius(par[NU_GEN], eg - par[DIPOLE] * efield[s], temp[s])
            if inject and kz[s] == ktop:
                dw = z * (phi[s] - par[VTOP]) + 0.5 * z * z * (gself[kz[s]] - par[GINF])
                rates[b + 14] = _arrhenius(par[NU_EX], par[EX] + 0.5 * dw, temp[s])
        else:
            for k in range(NE):
                rates[b + k] = _rate(b + k, vac, ion, phi, temp, efield, zvac, nbr, kz, par, reservoir, cpair, gself)


@njit(cache=True)
def green_columns(sites, gtab, par):
    """Rows g(f, ·) (V per e) of the Green's function for the sites f (one O(N) pass each)."""
    n = gtab.shape[1]
    out = np.zeros((sites.shape[0], n))
    for i in range(sites.shape[0]):
        add_charges(sites[i], 1.0, -1, 0.0, out[i], gtab, par)
    return out


@njit(cache=True)
def filament_sites(vac, nbr, kz, nz, out, stack):
    """out[s] = 1 for the vacancies connected to an electrode through nearest-neighbour vacancies
    (a vacancy in the first or last layer touches an electrode); flood fill, O(vacancies)."""
    out[:] = 0
    m = 0
    for s in range(vac.shape[0]):
        if vac[s] != 0 and (kz[s] == 0 or kz[s] == nz - 1):
            out[s] = 1
            stack[m] = s
            m += 1
    while m > 0:
        m -= 1
        s = stack[m]
        for d in range(6):
            n = nbr[s, d]
            if n >= 0 and vac[n] != 0 and out[n] == 0:
                out[n] = 1
                stack[m] = n
                m += 1


@njit(cache=True)
def green_block(sites, gtab, par):
    """B[i, j] = g(f_i, f_j) (V per e): potential at site f_i of a unit charge on f_j, from the table
    (O(|F|²), no pass over the grid)."""
    nx, ny, nz = int(par[NX]), int(par[NY]), int(par[NZ])
    m = sites.shape[0]
    out = np.empty((m, m))
    for i in range(m):
        si = sites[i]
        ki, yi, xi = si % nz, (si // nz) % ny, si // (nz * ny)
        for j in range(m):
            sj = sites[j]
            kj, yj, xj = sj % nz, (sj // nz) % ny, sj // (nz * ny)
            out[i, j] = gtab[kj, (_periodic(xi - xj, nx) * ny + _periodic(yi - yj, ny)) * nz + ki]
    return out


@njit(cache=True, inline="always")
def _deque_push(buf, head, tail, s, front):
    """Push ``s`` on the circular deque ``buf[head:tail]``: at the front (cost-0 step of a 0-1 BFS) or
    the back; returns the new (head, tail)."""
    cap = buf.shape[0]
    if front:
        head = (head - 1) % cap
        buf[head] = s
    else:
        buf[tail] = s
        tail = (tail + 1) % cap
    return head, tail


@njit(cache=True)
def filament_gap_bfs(vac, nbr, kz, nz, dist, buf):
    """Fewest non-vacancy sites on a nearest-neighbour path from the bottom to the top electrode:
    0-1 breadth-first search (entering a vacancy costs 0, any other site 1; a deque in ``buf``,
    capacity >= 8 sites), O(sites)."""
    n = vac.shape[0]
    cap = buf.shape[0]
    big = n + 1
    for s in range(n):
        dist[s] = big
    head = 0
    tail = 0
    for s in range(n):
        if kz[s] == 0:
            c = 0 if vac[s] != 0 else 1
            dist[s] = c
            head, tail = _deque_push(buf, head, tail, s, c == 0)
    while head != tail:
        s = buf[head]
        head = (head + 1) % cap
        d = dist[s]
        for k in range(6):
            m = nbr[s, k]
            if m < 0 or m == s:
                continue
            c = 0 if vac[m] != 0 else 1
            if d + c < dist[m]:
                dist[m] = d + c
                head, tail = _deque_push(buf, head, tail, m, c == 0)
    best = big
    for s in range(n):
        if kz[s] == nz - 1 and dist[s] < best:
            best = dist[s]
    return best
