"""Steady heat conduction of a VCM cell with finite electrodes, interface resistance and filament κ.

Finite-volume network on the oxide sites of :class:`kmc.grid.Grid` plus ``L`` layers of each
electrode (same lateral cells a × a, laterally periodic like the cell), ambient temperature held at
the electrodes' far faces:

    Σ_n w_sn (T_s - T_n) = P_s,     w = 1 / Σ (length / (κ · area))  (resistances in series)

* oxide bond s-n (length a, area a²): w = 2 a κ_s κ_n / (κ_s + κ_n), κ_s = κ_filament on filament
  sites (vacancies connected to an electrode: metallic), κ_ox elsewhere;
* oxide site next to an electrode -> first electrode layer: 1/w = 1/(κ_s a) + R_b/a² + (h_0/2)/(κ_e a²)
  (the oxide site's spacing to the electrode plane, as in the Poisson grid, then the interface
  (Kapitza) resistance R_b (m²K/W, Swartz & Pohl, Rev. Mod. Phys. 61, 605 (1989)), then half of the
  first electrode layer); a filament site uses the metal-metal value R_b,f (electronic interface
  transport, far smaller than the phonon-mediated oxide/metal value);
* electrode layer l (thickness h_l, graded h_l ∝ 2^l from the oxide so the spreading near a
  filament contact is resolved and a thick electrode costs few layers): lateral bonds κ_e h_l,
  vertical bonds κ_e a² / ((h_l + h_{l+1})/2), far face κ_e a² / (h_{L-1}/2) to the ambient.

Electrode thickness 0 puts the ambient right after the interface resistance; with R_b = 0 and
κ_filament = κ_ox this is exactly the previous model of :class:`kmc.VCMCell` (electrodes at T_ambient).

Cost: nothing is factorized. The filament-free network A_0 is laterally translation invariant, so
it is solved exactly by a lateral FFT and one tridiagonal (Thomas) solve across the layers per Fourier
mode (:mod:`kmc.lateral_fft`), O(N log N). A filament changes only the bonds of its sites (a low-rank change ΔA), so
the temperature is the conjugate-gradient solution preconditioned with that exact A_0 solve and
warm-started from the previous temperature (PCG on I + A_0⁻¹ ΔA converges in at most
rank(ΔA) + 1 steps; 11-39 in practice, tested against a direct solve).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from kmc.grid import Grid, factorize
from kmc.lateral_fft import LayeredFFTSolver
from matsim.core.errors import ConfigError
from matsim.core.validate import non_negative, positive, positive_int


def electrode_layers(thickness_m: float, a: float) -> np.ndarray:
    """Layer thicknesses (m) of an electrode: h_l ∝ 2^l from the oxide, summing to ``thickness_m``,
    the first about one lattice spacing or thinner (empty for thickness 0)."""
    if thickness_m <= 0:
        return np.zeros(0)
    n = max(1, int(np.ceil(np.log2(thickness_m / a + 1.0))))
    h = 2.0 ** np.arange(n)
    return thickness_m * h / h.sum()


@dataclass(frozen=True)
class ThermalParameters:
    """κ_oxide, κ_filament, κ_electrode (W/(m K)), electrode thickness (m), interface resistance (m² K/W)."""

    kappa_oxide: float
    kappa_filament: float
    kappa_electrode: float
    electrode_thickness: float
    interface_resistance: float
    interface_resistance_filament: float | None = None    # metal-metal contact; None: as the oxide's

    def __post_init__(self):
        positive("thermal_conductivity", self.kappa_oxide, "W/(m·K)")
        positive("thermal_conductivity_filament", self.kappa_filament, "W/(m·K)")
        positive("thermal_conductivity_electrode", self.kappa_electrode, "W/(m·K)")
        non_negative("electrode_thickness", self.electrode_thickness, "m")
        non_negative("interface_thermal_resistance", self.interface_resistance, "m²·K/W")
        if self.interface_resistance_filament is not None:
            non_negative("interface_thermal_resistance_filament", self.interface_resistance_filament, "m²·K/W")

    @property
    def r_filament(self) -> float:
        f = self.interface_resistance_filament
        return self.interface_resistance if f is None else f


class ThermalNetwork:
    """Heat network of a cell (see the module docstring); :meth:`solve` gives the temperature rise (K)
    of the oxide sites for a Joule power per site (W) and a filament mask."""

    def __init__(self, grid: Grid, params: ThermalParameters, rtol: float = 1e-10, max_iter: int = 500,
                 atol_K: float | None = None):
        if not isinstance(params, ThermalParameters):
            raise ConfigError("thermal parameters", params, "a kmc.vcm_thermal.ThermalParameters")
        self.grid, self.p = grid, params
        self.rtol = positive("rtol", rtol)
        self.atol_K = None if atol_K is None else positive("atol_K", atol_K, "K")
        self.max_iter = positive_int("max_iter", max_iter)
        nx, ny, nz = grid.shape
        a = grid.a
        self.h = electrode_layers(params.electrode_thickness, a)
        L = len(self.h)
        self.n_lat = nx * ny
        self.n_nodes = grid.n + 2 * L * self.n_lat
        # electrode bonds (fixed): lateral bonds inside each layer, vertical between layers, far faces
        cells = np.arange(self.n_lat)
        cx = grid.nbr[cells * nz, 0] // nz
        cy = grid.nbr[cells * nz, 2] // nz
        ea, eb, ew = [], [], []
        diag = np.zeros(self.n_nodes)
        ke = params.kappa_electrode
        for side in (0, 1):
            base = grid.n + side * L * self.n_lat
            for ll in range(L):
                off = base + ll * self.n_lat
                for nb in (cx, cy):
                    keep = nb != cells
                    ea.append(off + cells[keep]); eb.append(off + nb[keep])
                    ew.append(np.full(keep.sum(), ke * self.h[ll]))
                if ll + 1 < L:
                    ea.append(off + cells); eb.append(off + self.n_lat + cells)
                    ew.append(np.full(self.n_lat, ke * a * a / (0.5 * (self.h[ll] + self.h[ll + 1]))))
                else:
                    diag[off + cells] += ke * a * a / (0.5 * self.h[ll])
        self._e_bonds = (np.concatenate(ea) if ea else np.zeros(0, int),
                         np.concatenate(eb) if eb else np.zeros(0, int),
                         np.concatenate(ew) if ew else np.zeros(0))
        self._e_diag = diag
        # oxide-electrode contacts: oxide site -> first layer node (or the ambient if no electrode)
        self._bot_site, self._top_site = grid.bottom, grid.top
        self._bot_node = grid.n + cells if L else None
        self._top_node = grid.n + L * self.n_lat + cells if L else None
        self._init_fft()
        self._fil_key = None
        self._A = None
        self._A0 = None          # filament-free matrix (csr), built on the first filament
        self._x = np.zeros(self.n_nodes)
        self.last_iterations = 0

    def _init_fft(self):
        """Lateral Fourier modes of the filament-free network (translation invariant laterally): one
        tridiagonal system across the layers per mode (:class:`kmc.lateral_fft.LayeredFFTSolver`)."""
        g, p, a = self.grid, self.p, self.grid.a
        nx, ny, nz = g.shape
        L = len(self.h)
        ke, ko = p.kappa_electrode, p.kappa_oxide
        half = 0.5 * self.h[0] / (ke * a * a) if L else 0.0
        w_c = 1.0 / (1.0 / (ko * a) + p.interface_resistance / (a * a) + half)
        bot = [ke * a * a / (0.5 * (self.h[l] + self.h[l + 1])) for l in range(L - 1)][::-1]
        c = np.array(bot + [w_c] * (L > 0) + [ko * a] * (nz - 1) + [w_c] * (L > 0) + bot[::-1])
        c_end = ke * a * a / (0.5 * self.h[-1]) if L else w_c          # to the ambient at both ends
        lat = np.concatenate([ke * self.h[::-1], np.full(nz, ko * a), ke * self.h])
        self._fft = LayeredFFTSolver(np.concatenate([[c_end], c, [c_end]]), lat, nx, ny)

    def base_solve(self, b) -> np.ndarray:
        """Exact solve of the filament-free network (W -> K) by lateral FFT + per-mode solve across the layers
        (O(N log N), no factorization); the preconditioner of :meth:`solve`."""
        g = self.grid
        nx, ny, nz = g.shape
        L = len(self.h)
        nl = self.n_lat
        b = np.asarray(b, dtype=float)
        col = np.concatenate([b[g.n:g.n + L * nl].reshape(L, nx, ny)[::-1],
                              np.moveaxis(b[:g.n].reshape(nx, ny, nz), 2, 0),
                              b[g.n + L * nl:].reshape(L, nx, ny)])
        x = self._fft.solve(col)
        out = np.empty(self.n_nodes)
        out[:g.n] = np.moveaxis(x[L:L + nz], 0, 2).reshape(-1)
        out[g.n:g.n + L * nl] = x[:L][::-1].reshape(-1)
        out[g.n + L * nl:] = x[L + nz:].reshape(-1)
        return out

    def site_kappa(self, filament) -> np.ndarray:
        """κ per oxide site (W/(m K)): κ_filament on filament sites, κ_oxide elsewhere."""
        return np.where(np.asarray(filament, dtype=bool), self.p.kappa_filament, self.p.kappa_oxide)

    def matrix(self, filament) -> sp.csc_matrix:
        """The conductance matrix (W/K) for a filament mask over the oxide sites."""
        g, a, p = self.grid, self.grid.a, self.p
        ks = self.site_kappa(filament)
        w_ox = 2.0 * a * ks[g.bond_a] * ks[g.bond_b] / (ks[g.bond_a] + ks[g.bond_b])
        half = 0.5 * self.h[0] / (p.kappa_electrode * a * a) if len(self.h) else 0.0
        fil = np.asarray(filament, dtype=bool)
        r_if = np.where(fil, p.r_filament, p.interface_resistance) / (a * a)
        r_bot, r_top = r_if[g.bottom], r_if[g.top]
        w_bot = 1.0 / (1.0 / (ks[g.bottom] * a) + r_bot + half)
        w_top = 1.0 / (1.0 / (ks[g.top] * a) + r_top + half)
        ea, eb, ew = self._e_bonds
        diag = self._e_diag.copy()
        ra, rb, rw = [g.bond_a, ea], [g.bond_b, eb], [w_ox, ew]
        if len(self.h):      # contact bonds to the first electrode layers
            ra += [g.bottom, g.top]; rb += [self._bot_node, self._top_node]; rw += [w_bot, w_top]
        else:                # the ambient right after the interface: Dirichlet, diagonal only
            diag[g.bottom] += w_bot
            diag[g.top] += w_top
        ba, bb, bw = np.concatenate(ra), np.concatenate(rb), np.concatenate(rw)
        np.add.at(diag, ba, bw)
        np.add.at(diag, bb, bw)
        idx = np.arange(self.n_nodes)
        rows = np.concatenate([ba, bb, idx])
        cols = np.concatenate([bb, ba, idx])
        vals = np.concatenate([-bw, -bw, diag])
        return sp.csc_matrix((vals, (rows, cols)), shape=(self.n_nodes, self.n_nodes))

    def delta_matrix(self, filament) -> sp.csr_matrix:
        """A(filament) - A(no filament) (W/K): only the bonds of filament sites change (a sparse,
        low-rank correction; same weights as :meth:`matrix`)."""
        g, a, p = self.grid, self.grid.a, self.p
        fil = np.asarray(filament, dtype=bool)
        ks = self.site_kappa(fil)
        ko = p.kappa_oxide
        on = fil[g.bond_a] | fil[g.bond_b]
        ba, bb = g.bond_a[on], g.bond_b[on]
        dw = 2.0 * a * ks[ba] * ks[bb] / (ks[ba] + ks[bb]) - ko * a
        half = 0.5 * self.h[0] / (p.kappa_electrode * a * a) if len(self.h) else 0.0
        rows, cols, vals = [ba, bb, ba, bb], [bb, ba, ba, bb], [-dw, -dw, dw, dw]
        for sites, nodes in ((g.bottom, self._bot_node), (g.top, self._top_node)):
            f = fil[sites]
            s_f = sites[f]
            w_new = 1.0 / (1.0 / (p.kappa_filament * a) + p.r_filament / (a * a) + half)
            w_old = 1.0 / (1.0 / (ko * a) + p.interface_resistance / (a * a) + half)
            dc = np.full(len(s_f), w_new - w_old)
            rows.append(s_f); cols.append(s_f); vals.append(dc)
            if len(self.h):
                e_f = nodes[f]
                rows += [e_f, s_f, e_f]; cols += [e_f, e_f, s_f]; vals += [dc, -dc, -dc]
        return sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                             shape=(self.n_nodes, self.n_nodes))

    def solve_nodes(self, power, filament) -> np.ndarray:
        """Temperature rise (K) of every node (oxide sites first, then bottom and top electrode layers)."""
        b = np.zeros(self.n_nodes)
        b[:self.grid.n] = power
        fil = np.asarray(filament, dtype=bool)
        if not np.any(b):          # no power: no rise (and a relative tolerance would never be met)
            self._x = np.zeros(self.n_nodes)
            self.last_iterations = 0
            return self._x.copy()
        if not fil.any():
            self._x = self.base_solve(b)
            self.last_iterations = 0
            return self._x.copy()
        key = fil.tobytes()
        if key != self._fil_key:        # A = A_0 + ΔA: A_0 built once, ΔA only on the filament's bonds
            if self._A0 is None:
                self._A0 = self.matrix(np.zeros(self.grid.n, dtype=bool)).tocsr()
            self._A = _SumOperator(self._A0, self.delta_matrix(fil))
            self._fil_key = key
        x, ok = self._pcg(self._A, b, self._x)
        if not ok:           # not converged (never seen): exact solve with a fresh factorization
            x = factorize(self.matrix(fil)).solve(b)
        self._x = x
        return x.copy()

    def _pcg(self, A, b, x):
        """Conjugate gradients preconditioned with :meth:`base_solve`, from x; stops at
        ||r|| <= rtol ||b|| or, with ``atol_K``, when the preconditioned residual z = A_0⁻¹ r (the
        temperature error it would cause in the filament-free network, an upper estimate since the
        filament only adds conductance) is below atol_K everywhere. Returns (x, converged). Dot products as elementwise sums: BLAS ddot with
        its thread pool took ~10 ms per call on the shared 2-core machine (measured), 100x the work."""
        def dot(u, v):
            return float(np.sum(u * v))

        x = x.copy()
        r = b - A @ x
        stop = self.rtol * dot(b, b) ** 0.5
        z = self.base_solve(r)
        d = z.copy()
        rz = dot(r, z)
        atol = self.atol_K
        for it in range(self.max_iter):
            if dot(r, r) ** 0.5 <= stop or (atol is not None and np.abs(z).max() <= atol):
                self.last_iterations = it
                return x, True
            ad = A @ d
            alpha = rz / dot(d, ad)
            x += alpha * d
            r -= alpha * ad
            z = self.base_solve(r)
            rz, rz_old = dot(r, z), rz
            d = z + (rz / rz_old) * d
        self.last_iterations = self.max_iter
        return x, dot(r, r) ** 0.5 <= stop or (atol is not None and np.abs(z).max() <= atol)

    def solve(self, power, filament) -> np.ndarray:
        """Temperature rise (K) of the oxide sites for the Joule power per site ``power`` (W)."""
        self.last_iterations = 0
        return self.solve_nodes(power, filament)[:self.grid.n]

    def thermal_resistance(self, power, filament) -> float:
        """R_th = (T_max - T_ambient) / P_total (K/W)."""
        return float(self.solve(power, filament).max() / np.sum(power))


class _SumOperator:
    """A_0 + ΔA applied as two sparse products (ΔA changes with the filament, A_0 never)."""

    def __init__(self, a0, da):
        self.a0, self.da = a0, da

    def __matmul__(self, x):
        return self.a0 @ x + self.da @ x
