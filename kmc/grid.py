"""The simple-cubic site grid of a KMC cell and the three network solves on it.

Sites (i, j, k), i < nx, j < ny laterally (periodic), k < nz across the oxide; index
s = (i ny + j) nz + k. The bottom electrode is the plane k = -1, the top electrode k = nz.
Neighbour directions d = 0..5 are +x, -x, +y, -y, +z, -z; a neighbour index of
:data:`BOTTOM` (-1) or :data:`TOP` (-2) means the electrode.

One finite-volume operator serves all three fields, each a weighted graph Laplacian with
Dirichlet electrodes, Σ_n w_sn (u_s - u_n) = f_s:

* Poisson:  w = ε a (capacitance of a bond), f = charge (C)            -> potential (V)
* current:  w = g (bond conductance, S),  f = 0                         -> potential (V), I
* heat:     w = κ a (thermal conductance of a bond, W/K), f = P (W)     -> temperature (K)

The matrices are sparse (scipy.sparse CSC) and factorized with SuperLU; Poisson and heat have
weights fixed by the geometry and are factorized once (:class:`FixedNetwork`).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

BOTTOM = -1
TOP = -2


class Grid:
    """Geometry of an nx × ny × nz cell with spacing ``a`` (m)."""

    def __init__(self, shape: tuple[int, int, int], spacing_m: float):
        self.shape = tuple(int(s) for s in shape)
        nx, ny, nz = self.shape
        self.a = float(spacing_m)
        self.n = nx * ny * nz
        idx = np.arange(self.n).reshape(self.shape)
        self.k = np.broadcast_to(np.arange(nz), self.shape).reshape(-1).astype(np.int64)
        nbr = np.empty((self.n, 6), dtype=np.int64)
        nbr[:, 0] = np.roll(idx, -1, axis=0).reshape(-1)
        nbr[:, 1] = np.roll(idx, 1, axis=0).reshape(-1)
        nbr[:, 2] = np.roll(idx, -1, axis=1).reshape(-1)
        nbr[:, 3] = np.roll(idx, 1, axis=1).reshape(-1)
        up = np.roll(idx, -1, axis=2)
        up[:, :, -1] = TOP
        down = np.roll(idx, 1, axis=2)
        down[:, :, 0] = BOTTOM
        nbr[:, 4] = up.reshape(-1)
        nbr[:, 5] = down.reshape(-1)
        self.nbr = nbr
        # internal bonds (each once): +x, +y, +z (z only inside the oxide)
        bx = (idx.reshape(-1), nbr[:, 0])
        by = (idx.reshape(-1), nbr[:, 2])
        inner = idx[:, :, :-1].reshape(-1)
        bz = (inner, inner + 1)
        self.bond_a = np.concatenate([bx[0], by[0], bz[0]])
        self.bond_b = np.concatenate([bx[1], by[1], bz[1]])
        if nx == 1:   # a site is its own x neighbour: no bond
            keep = self.bond_a != self.bond_b
            self.bond_a, self.bond_b = self.bond_a[keep], self.bond_b[keep]
        if ny == 1:
            keep = self.bond_a != self.bond_b
            self.bond_a, self.bond_b = self.bond_a[keep], self.bond_b[keep]
        self.bottom = np.ascontiguousarray(idx[:, :, 0].reshape(-1))
        self.top = np.ascontiguousarray(idx[:, :, -1].reshape(-1))

    # -- operator
    def laplacian(self, w_bond, w_bottom, w_top) -> sp.csc_matrix:
        """Σ_n w (u_s - u_n) with electrode bonds on the diagonal (electrodes are Dirichlet)."""
        w_bond = np.broadcast_to(np.asarray(w_bond, dtype=float), self.bond_a.shape)
        diag = np.zeros(self.n)
        np.add.at(diag, self.bond_a, w_bond)
        np.add.at(diag, self.bond_b, w_bond)
        diag[self.bottom] += w_bottom
        diag[self.top] += w_top
        rows = np.concatenate([self.bond_a, self.bond_b, np.arange(self.n)])
        cols = np.concatenate([self.bond_b, self.bond_a, np.arange(self.n)])
        vals = np.concatenate([-w_bond, -w_bond, diag])
        return sp.csc_matrix((vals, (rows, cols)), shape=(self.n, self.n))

    def rhs(self, w_bottom, w_top, u_bottom: float, u_top: float, source=None) -> np.ndarray:
        b = np.zeros(self.n) if source is None else np.array(source, dtype=float)
        b[self.bottom] += np.broadcast_to(w_bottom, self.bottom.shape) * u_bottom
        b[self.top] += np.broadcast_to(w_top, self.top.shape) * u_top
        return b

    # -- fields from a site potential
    def field_magnitude(self, phi: np.ndarray, v_bottom: float, v_top: float) -> np.ndarray:
        """|∇φ| at each site (V/m), central differences; electrodes at k = -1 and k = nz."""
        p = phi.reshape(self.shape)
        ex = (np.roll(p, -1, 0) - np.roll(p, 1, 0)) / (2 * self.a)
        ey = (np.roll(p, -1, 1) - np.roll(p, 1, 1)) / (2 * self.a)
        padded = np.concatenate([np.full(p.shape[:2] + (1,), v_bottom), p,
                                 np.full(p.shape[:2] + (1,), v_top)], axis=2)
        ez = (padded[:, :, 2:] - padded[:, :, :-2]) / (2 * self.a)
        return np.sqrt(ex ** 2 + ey ** 2 + ez ** 2).reshape(-1)


def factorize(matrix: sp.csc_matrix):
    """SuperLU of a symmetric positive-definite Laplacian (symmetric ordering, no pivoting: about
    twice as fast as the default COLAMD ordering on 3-D grids)."""
    return spla.splu(matrix, permc_spec="MMD_AT_PLUS_A", diag_pivot_thresh=0.0,
                     options={"SymmetricMode": True})


class FixedNetwork:
    """A Laplacian with fixed weights, factorized once; solve for new sources / electrode values."""

    def __init__(self, grid: Grid, w_bond, w_bottom, w_top):
        self.grid = grid
        self.w_bottom, self.w_top = w_bottom, w_top
        self.lu = factorize(grid.laplacian(w_bond, w_bottom, w_top))

    def solve(self, u_bottom: float = 0.0, u_top: float = 0.0, source=None) -> np.ndarray:
        return self.lu.solve(self.grid.rhs(self.w_bottom, self.w_top, u_bottom, u_top, source))


def solve_current(grid: Grid, g_bond, g_bottom, g_top, v_bottom: float, v_top: float):
    """Node potentials (V) of a resistor network and the current (A) into the top electrode.

    Returns (phi, I) with I > 0 flowing from the top electrode into the cell.
    """
    lu = factorize(grid.laplacian(g_bond, g_bottom, g_top))
    phi = lu.solve(grid.rhs(g_bottom, g_top, v_bottom, v_top))
    current = float(np.sum(g_top * (v_top - phi[grid.top])))
    return phi, current


def joule_power(grid: Grid, phi, g_bond, g_bottom, g_top, v_bottom: float, v_top: float) -> np.ndarray:
    """Joule power per site (W): g ΔV² of each bond, half to each end (all of it for electrode bonds)."""
    p = np.zeros(grid.n)
    pb = g_bond * (phi[grid.bond_a] - phi[grid.bond_b]) ** 2
    np.add.at(p, grid.bond_a, 0.5 * pb)
    np.add.at(p, grid.bond_b, 0.5 * pb)
    p[grid.bottom] += g_bottom * (phi[grid.bottom] - v_bottom) ** 2
    p[grid.top] += g_top * (phi[grid.top] - v_top) ** 2
    return p


#: lattice Green's function of the infinite simple-cubic 7-point Laplacian at the origin, in units of
#: 1/(ε a): W_sc/6 with Watson's integral W_sc = 1.516386059... (Watson, Q. J. Math. 10, 266 (1939);
#: Glasser & Zucker, PNAS 74, 1800 (1977))
G_SC_ORIGIN = 0.2527310098586613


def green_table(grid: Grid, poisson: FixedNetwork) -> np.ndarray:
    """Lattice Green's function of the cell, electrodes (Dirichlet, i.e. all images) included.

    The cell is laterally periodic, so the potential at site s of a unit charge (1 C) on site j
    depends only on the lateral offset (x_s - x_j, y_s - y_j) mod (nx, ny) and the two layers:
    ``table[k_j, (dx ny + dy) nz + k_s]`` (V/C), one Poisson solve per source layer (nz solves).
    """
    nx, ny, nz = grid.shape
    table = np.empty((nz, grid.n))
    for kj in range(nz):
        src = np.zeros(grid.n)
        src[kj] = 1.0                               # site (0, 0, kj) has index kj
        table[kj] = poisson.solve(0.0, 0.0, src)
    return table


def check_green_table(grid: Grid, table) -> np.ndarray:
    """A Green's-function table of shape (nz, nx ny nz) for ``grid``, finite; else one ConfigError."""
    from matsim.core.errors import ConfigError
    t = np.asarray(table, dtype=float)
    nz = grid.shape[2]
    if t.shape != (nz, grid.n):
        raise ConfigError("green_table", f"array of shape {t.shape}",
                          f"shape (nz, nx*ny*nz) = {(nz, grid.n)} for the grid {grid.shape}")
    if not np.all(np.isfinite(t)):
        raise ConfigError("green_table", "non-finite entries", "finite potentials (V/C)")
    return np.ascontiguousarray(t)


def green_column(grid: Grid, table: np.ndarray, j: int) -> np.ndarray:
    """Potential (V per C) at every site of a unit charge on site j, from the table."""
    nx, ny, nz = grid.shape
    xj, yj, kj = np.unravel_index(int(j), grid.shape)
    col = table[kj].reshape(nx, ny, nz)
    return np.roll(col, (xj, yj), axis=(0, 1)).reshape(-1)
