"""Conduction of a VCM cell through its oxygen vacancies: metallic filament + trap-to-trap tunnelling.

The network has one node per oxygen vacancy and the two electrodes (bottom grounded, top at V).
Links (distances r in lattice spacings a, minimum image laterally):

* nearest-neighbour vacancies, and a vacancy in the layer next to an electrode: **metallic**
  (ohmic) filament bond, g_f(T) = g_f / (1 + α (T - T_ref)) — a sub-stoichiometric metallic
  filament whose resistance rises with temperature (α ≈ 1e-3 /K, Ielmini, IEEE TED 58, 4309 (2011));
* other vacancy pairs within ``r_cut`` (6 a) and every vacancy to each electrode plane:
  **trap-assisted tunnelling / hopping** between localized defect states (Vandelli et al.,
  IEEE TED 58, 2878 (2011); Kaniselvan, Luisier & Mladenović, ACS Nano 17, 8281 (2023), DeviceKMC):
  the hop rate decays with distance as exp(-r/ℓ) (WKB, ℓ = 1/(2κ)), is thermally activated with
  E_A (multiphonon relaxation) and its barrier is lowered by half the energy e ΔV gained along the
  link, so the link current is the field-assisted hopping law (Ielmini, Phys. Rev. B 78, 035308
  (2008); Miller & Abrahams, Phys. Rev. 120, 745 (1960))

      I(ΔV) = G_0 · 2 v_T sinh(ΔV / 2 v_T),   G_0 = g_t exp(-(r - 1) a/ℓ) exp(-E_A/k_B (1/T - 1/T_ref)),

  v_T = k_B T/e. The barrier lowering cannot exceed E_A: beyond |ΔV| = 2 E_A/e the link continues
  linearly with the slope G_0 cosh(E_A/k_B T) (C¹, so the network stays a convex problem).
* a uniform pristine-oxide leakage between the electrodes in parallel, g_bg = nx ny g_ox/(nz + 1)
  (the old lattice network of oxide bonds without defects).

The node potentials minimize the convex content Σ ∫ I dV; Newton's method with a backtracking
line search on it converges from any start. The network has one node per vacancy (tens to a few
hundred), so a solve takes milliseconds: no factorization of the lattice is ever needed.
With a current compliance the cell voltage is found by bisection on log I(V).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from matsim.core.errors import ConvergenceError
from matsim.core.units import k_B_eV


#: relative tolerance of the current at the compliance: a cell voltage within ~1e-5 V changes a barrier
#: by < 1e-5 eV (a rate by < 1e-3 relative at 300 K, below the phi_tolerance_kT default of 1e-2)
CC_RTOL = 1e-5
#: networks with at most this many free nodes solve their Newton steps densely (Cholesky)
DENSE_MAX = 600


def _spd_solve(J, rhs):
    """J x = rhs for the symmetric positive-definite Jacobian of the network (Cholesky; LU if round-off
    makes it indefinite)."""
    try:
        return sla.cho_solve(sla.cho_factor(J, check_finite=False), rhs, check_finite=False)
    except np.linalg.LinAlgError:
        return np.linalg.solve(J, rhs)


@dataclass
class NetworkSolution:
    """Result of one solve: cell voltage and current, node potentials, Joule power per site."""
    v_cell: float           # V across the cell (after the compliance)
    current: float          # A into the top electrode
    sites: np.ndarray       # lattice sites of the vacancy nodes connected to an electrode
    potential: np.ndarray   # V at those sites
    power: np.ndarray       # W per lattice site (length n_sites)


class TunnelNetwork:
    """Vacancy network of a :class:`kmc.grid.Grid` (see module docstring for the laws and sources).

    Parameters: g_filament (S), g_tunnel (S, G_0 of a link of length a at T_ref), decay_length_m (ℓ),
    E_activation_eV (E_A), g_oxide (S, per lattice bond of the pristine oxide), alpha_per_K, T_ref_K,
    r_cut (lattice spacings).
    """

    def __init__(self, grid, g_filament: float, g_tunnel: float, decay_length_m: float,
                 E_activation_eV: float, g_oxide: float, alpha_per_K: float = 1e-3, T_ref_K: float = 300.0,
                 r_cut: float = 6.0):
        self.grid = grid
        self.g_f, self.g_t, self.ell = g_filament, g_tunnel, decay_length_m / grid.a
        self.E_A, self.alpha, self.T_ref, self.r_cut = E_activation_eV, alpha_per_K, T_ref_K, float(r_cut)
        nx, ny, nz = grid.shape
        self.g_bg = nx * ny * g_oxide / (nz + 1)
        self.coords = np.stack(np.unravel_index(np.arange(grid.n), grid.shape), axis=1)

    # -- topology
    def links(self, vac_sites: np.ndarray, temp: np.ndarray, T_electrode: float):
        """Links among the vacancies and to the electrodes (node m = bottom, m + 1 = top).

        Returns (a, b, G0, metallic, T_link) arrays: G0 (S) is the low-field conductance.
        """
        g = self.grid
        nx, ny, nz = g.shape
        m = len(vac_sites)
        xyz = self.coords[vac_sites].astype(float)
        a_l, b_l, r_l = [np.zeros(0, int)], [np.zeros(0, int)], [np.zeros(0)]
        if m > 1:
            tree = cKDTree(xyz, boxsize=[nx, ny, nz + self.r_cut + 1.0])
            pairs = tree.query_pairs(self.r_cut + 1e-9, output_type="ndarray")
            if len(pairs):
                d = np.abs(xyz[pairs[:, 0]] - xyz[pairs[:, 1]])
                d[:, 0] = np.minimum(d[:, 0], nx - d[:, 0])
                d[:, 1] = np.minimum(d[:, 1], ny - d[:, 1])
                r = np.sqrt((d ** 2).sum(axis=1))
                keep = r > 0.5                        # nx or ny = 1: a site is its own image
                a_l.append(pairs[keep, 0])
                b_l.append(pairs[keep, 1])
                r_l.append(r[keep])
        k = self.coords[vac_sites, 2]
        for node, dist in ((m, k + 1.0), (m + 1, nz - k.astype(float))):    # electrode planes (no cutoff)
            a_l.append(np.arange(m))
            b_l.append(np.full(m, node))
            r_l.append(dist)
        a, b, r = np.concatenate(a_l), np.concatenate(b_l), np.concatenate(r_l)
        t_node = np.append(temp[vac_sites], [T_electrode, T_electrode])
        t_link = 0.5 * (t_node[a] + t_node[b])
        metallic = r < 1.0 + 1e-9
        G0 = np.where(metallic, self.g_f / (1.0 + self.alpha * (t_link - self.T_ref)),
                      self.g_t * np.exp(-(r - 1.0) / self.ell)
                      * np.exp(-self.E_A / k_B_eV * (1.0 / t_link - 1.0 / self.T_ref)))
        return a, b, G0, metallic, t_link

    # -- link law
    def _law(self, dv, G0, metallic, t_link):
        """Current (A) and differential conductance (S) of every link for voltage drops dv (V)."""
        vt2 = 2.0 * k_B_eV * t_link                     # 2 k_B T / e (V)
        xm = self.E_A / (k_B_eV * t_link)                # barrier lowering capped at E_A
        x = dv / vt2
        ax = np.minimum(np.abs(x), xm)
        i_tun = G0 * vt2 * (np.sinh(ax) + np.cosh(xm) * (np.abs(x) - ax)) * np.sign(x)
        g_tun = G0 * np.cosh(ax)
        return np.where(metallic, G0 * dv, i_tun), np.where(metallic, G0, g_tun)

    def _content(self, dv, G0, metallic, t_link):
        """Σ ∫ I dV over the links (W): the convex function the node potentials minimize."""
        vt2 = 2.0 * k_B_eV * t_link
        xm = self.E_A / (k_B_eV * t_link)
        x = np.abs(dv) / vt2
        ax = np.minimum(x, xm)
        tun = G0 * vt2 ** 2 * ((np.cosh(ax) - 1.0) + np.sinh(xm) * (x - ax) + 0.5 * np.cosh(xm) * (x - ax) ** 2)
        return float(np.sum(np.where(metallic, 0.5 * G0 * dv ** 2, tun)))

    def _solve_nodes(self, v_top, a, b, G0, metallic, t_link, n_free, guess=None):
        """Newton + backtracking for the free node potentials; returns (u (all nodes), link I)."""
        fixed = np.array([0.0, v_top])
        u = np.zeros(n_free + 2)
        u[n_free:] = fixed
        if guess is not None:
            u[:n_free] = guess
        r_prev = np.inf
        for _ in range(100):
            dv = u[a] - u[b]
            i_l, g_l = self._law(dv, G0, metallic, t_link)
            if n_free == 0:
                return u, i_l
            res = np.zeros(n_free + 2)
            np.add.at(res, a, i_l)
            np.subtract.at(res, b, i_l)
            res = res[:n_free]
            r_max = np.abs(res).max()
            i_max = np.abs(i_l).max()
            if r_max <= 1e-8 * i_max + 1e-16:
                return u, i_l
            if r_max >= 0.99 * r_prev and r_max <= 1e-6 * np.abs(i_l).max():
                return u, i_l                             # stagnating at the round-off floor
            r_prev = r_max
            rows = np.concatenate([a, b, a, b])
            cols = np.concatenate([a, b, b, a])
            vals = np.concatenate([g_l, g_l, -g_l, -g_l])
            free = (rows < n_free) & (cols < n_free)
            if n_free <= DENSE_MAX:          # small network: dense Cholesky (no sparse set-up cost)
                J = np.zeros((n_free, n_free))
                np.add.at(J, (rows[free], cols[free]), vals[free])
                step = _spd_solve(J, -res)
            else:
                J = sp.coo_matrix((vals[free], (rows[free], cols[free])), shape=(n_free, n_free)).tocsc()
                step = spla.spsolve(J, -res) if n_free > 1 else -res / J.toarray()[0]
            f0 = self._content(dv, G0, metallic, t_link)
            t = 1.0
            for _ in range(50):                          # backtracking on the convex content
                un = u.copy()
                un[:n_free] += t * step
                if self._content(un[a] - un[b], G0, metallic, t_link) <= f0 + 1e-4 * t * np.dot(res, step):
                    break
                t *= 0.5
            u = un
            if np.abs(step).max() <= 1e-10 * max(abs(v_top), 1e-3) or t < 1e-12:   # converged / round-off floor
                return u, self._law(u[a] - u[b], G0, metallic, t_link)[0]
        if r_max <= 1e-6 * i_max + 1e-14:                   # round-off floor of a stiff network
            return u, self._law(u[a] - u[b], G0, metallic, t_link)[0]
        raise ConvergenceError(f"vacancy network: Newton did not converge (residual {r_max:.3g} A)")

    # -- warm start (history of the solves): part of a checkpoint, so a restart continues identically
    def warm_state(self) -> tuple[dict, dict]:
        """(arrays, scalars) of the warm start: the last node potentials, compliance voltage and slope."""
        last = getattr(self, "_last", None)
        arrays = {} if last is None else {"tat_sites": np.asarray(last[0]), "tat_u": np.asarray(last[2])}
        scalars = {"tat_v": None if last is None else float(last[1]),
                   "tat_v_cc": getattr(self, "_v_cc", None), "tat_slope_cc": getattr(self, "_slope_cc", None)}
        return arrays, scalars

    def set_warm_state(self, arrays: dict, scalars: dict) -> None:
        if "tat_sites" in arrays and scalars.get("tat_v") is not None:
            self._last = (np.asarray(arrays["tat_sites"]), float(scalars["tat_v"]), np.asarray(arrays["tat_u"]))
        if scalars.get("tat_v_cc") is not None:
            self._v_cc = float(scalars["tat_v_cc"])
        if scalars.get("tat_slope_cc") is not None:
            self._slope_cc = float(scalars["tat_slope_cc"])

    def solve(self, vac: np.ndarray, temp: np.ndarray, v_applied: float, compliance_A: float | None,
              T_electrode: float) -> NetworkSolution:
        """Currents and potentials for the vacancy occupancy ``vac`` (per site) and site temperatures."""
        g = self.grid
        sites = np.nonzero(vac)[0]
        m = len(sites)
        a, b, G0, metallic, t_link = self.links(sites, temp, T_electrode)
        # keep only the vacancies connected to an electrode (others carry no current)
        graph = sp.coo_matrix((np.ones(len(a)), (a, b)), shape=(m + 2, m + 2))
        _, lab = connected_components(graph, directed=False)
        on = (lab[:m] == lab[m]) | (lab[:m] == lab[m + 1])
        new = -np.ones(m + 2, dtype=int)
        new[:m][on] = np.arange(on.sum())
        nf = int(on.sum())
        new[m], new[m + 1] = nf, nf + 1
        keep = (new[a] >= 0) & (new[b] >= 0)
        a, b, G0, metallic, t_link = new[a[keep]], new[b[keep]], G0[keep], metallic[keep], t_link[keep]
        node_sites = sites[on]

        # warm start: the potentials of the previous solve where the node existed, else the linear profile
        last = getattr(self, "_last", None)
        k_nodes = self.coords[node_sites, 2]
        start = (k_nodes + 1.0) / (g.shape[2] + 1.0)                 # per volt
        if last is not None and last[1] != 0.0:
            prev = np.full(g.n, np.nan)
            prev[last[0]] = last[2] / last[1]
            known = np.isfinite(prev[node_sites])
            start[known] = prev[node_sites][known]

        def current(v, guess=None):
            if guess is None:
                guess = start * v
            u, i_l = self._solve_nodes(v, a, b, G0, metallic, t_link, nf, guess)
            i_top = -(np.sum(i_l[b == nf + 1]) - np.sum(i_l[a == nf + 1])) + self.g_bg * v
            return u, i_l, i_top

        v_app = float(v_applied)
        v_cc = getattr(self, "_v_cc", None)
        if compliance_A is None or v_app <= 0:
            v = v_app
            u, i_l, i_top = current(v)
        else:
            # I(V) is monotone. Start from the previous compliance voltage (the configuration changed by
            # one defect: a few Newton solves instead of ~7 from V_applied), then secant steps on
            # log I(log V), kept inside the bracket [lo, hi] (bisection otherwise).
            v = v_cc if v_cc is not None and 0 < v_cc < v_app else v_app
            u, i_l, i_top = current(v)
            lo, hi = 0.0, v_app
            prev = None
            slope = getattr(self, "_slope_cc", 1.0)     # d ln I / d ln V of the previous solve
            for _ in range(100):
                if abs(i_top / compliance_A - 1) <= CC_RTOL or (i_top < compliance_A and v >= v_app):
                    break
                if i_top > compliance_A:
                    hi = v
                else:
                    lo = v
                if prev is not None and prev[1] > 0 and i_top > 0 and prev[0] != v and prev[1] != i_top:
                    slope = np.log(i_top / prev[1]) / np.log(v / prev[0])
                    if slope > 0:
                        self._slope_cc = slope
                v_new = v * (compliance_A / i_top) ** (1.0 / slope) if slope > 0 and i_top > 0 else -1.0
                v_new = min(v_new, v_app)
                if not lo < v_new <= hi or (v_new == hi and hi < v_app):
                    v_new = 0.5 * (lo + hi)
                prev = (v, i_top)
                u, i_l, i_top = current(v_new, u[:nf] * (v_new / v))
                v = v_new
        self._v_cc = v if compliance_A is not None and v < v_app else None
        self._last = (node_sites, v, u[:nf].copy())
        # Joule power: each link's I ΔV, half to each vacancy end (all of it when the other end is an electrode)
        p_link = i_l * (u[a] - u[b])
        power = np.full(g.n, self.g_bg * v * v / g.n)
        site_of = np.append(node_sites, [-1, -1])
        for ends, other in ((a, b), (b, a)):
            share = np.where(other >= nf, 1.0, 0.5) * p_link
            ok = ends < nf
            np.add.at(power, site_of[ends[ok]], share[ok])
        return NetworkSolution(v, float(i_top), node_sites, u[:nf].copy(), power)
