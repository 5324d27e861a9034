"""Exact O(N log N) solve of a laterally periodic, laterally uniform layered network (no factorization).

A network of m layers of nx × ny cells, periodic in x and y, whose bond weights depend only on the
layer (lateral bonds ``lat[j]`` inside layer j, vertical bonds ``c[j]`` between layers j-1 and j,
with Dirichlet 0 beyond both ends: ``c[0]`` below layer 0 and ``c[m]`` above layer m-1), is diagonal
in the lateral Fourier modes: for the mode (p, r) with λ = 4 sin²(π p/nx) + 4 sin²(π r/ny), each
column is a tridiagonal system

    (c_j + c_{j+1} + λ lat_j) x_j - c_j x_{j-1} - c_{j+1} x_{j+1} = b_j,

solved by the Thomas algorithm (Hockney's FFT/tridiagonal method, J. ACM 12, 95 (1965)). Used for
the Poisson problem of :class:`kmc.VCMCell` (uniform ε, electrodes grounded) on large grids and as
the filament-free heat network / preconditioner of :mod:`kmc.vcm_thermal`.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def _thomas_modes(r, cl, cp, den):
    """In place: r[j, p, q] <- solution of the tridiagonal system of mode (p, q) (complex r, real
    coefficients: sub-diagonal -cl[j], elimination factors cp, pivots den)."""
    m, nx, ny = r.shape
    for p in range(nx):
        for q in range(ny):
            r[0, p, q] = r[0, p, q] / den[0, p, q]
    for j in range(1, m):                      # layer-outer loops: contiguous access
        c = cl[j]
        for p in range(nx):
            for q in range(ny):
                r[j, p, q] = (r[j, p, q] + c * r[j - 1, p, q]) / den[j, p, q]
    for j in range(m - 2, -1, -1):
        for p in range(nx):
            for q in range(ny):
                r[j, p, q] = r[j, p, q] - cp[j, p, q] * r[j + 1, p, q]


class LayeredFFTSolver:
    """Solver of the layered network above: ``c`` (m + 1 vertical weights, the ends to Dirichlet 0),
    ``lat`` (m lateral weights), lateral size (nx, ny). :meth:`solve` maps sources (m, nx, ny) to
    potentials (m, nx, ny) (weights and sources in any consistent units, e.g. F and C -> V)."""

    def __init__(self, c, lat, nx: int, ny: int):
        c = np.asarray(c, dtype=float)
        lat = np.asarray(lat, dtype=float)
        m = len(lat)
        if c.shape != (m + 1,):
            raise ValueError("LayeredFFTSolver: c needs len(lat) + 1 entries")
        self.nx, self.ny, self.m = int(nx), int(ny), m
        nyr = self.ny // 2 + 1
        lam = (2 - 2 * np.cos(2 * np.pi * np.arange(nx) / nx))[:, None] \
            + (2 - 2 * np.cos(2 * np.pi * np.arange(nyr) / ny))[None, :]
        cl, ch = c[:-1], c[1:]                      # below / above layer j
        d = (cl + ch)[:, None, None] + lat[:, None, None] * lam[None]
        cp = np.empty((m, nx, nyr))
        den = np.empty((m, nx, nyr))
        den[0] = d[0]
        cp[0] = -ch[0] / den[0]
        for j in range(1, m):
            den[j] = d[j] + cl[j] * cp[j - 1]
            cp[j] = -ch[j] / den[j]
        self._cl = np.ascontiguousarray(cl)
        self._cp, self._den = cp, den

    def solve(self, b) -> np.ndarray:
        """Potentials (m, nx, ny) for the sources ``b`` (m, nx, ny)."""
        r = np.fft.rfft2(np.asarray(b, dtype=float), axes=(1, 2))
        _thomas_modes(r, self._cl, self._cp, self._den)
        return np.fft.irfft2(r, s=(self.nx, self.ny), axes=(1, 2))


class UniformNetwork:
    """Drop-in for :class:`kmc.grid.FixedNetwork` with one weight ``w`` on every bond of a
    :class:`kmc.grid.Grid` (oxide bonds and the bonds to both electrodes, e.g. ε a for Poisson):
    the same Laplacian, solved exactly by :class:`LayeredFFTSolver` (exact to round-off)."""

    def __init__(self, grid, w: float):
        self.grid = grid
        self.w_bottom = self.w_top = float(w)
        nx, ny, nz = grid.shape
        self._fft = LayeredFFTSolver(np.full(nz + 1, float(w)), np.full(nz, float(w)), nx, ny)

    def solve(self, u_bottom: float = 0.0, u_top: float = 0.0, source=None) -> np.ndarray:
        g = self.grid
        nx, ny, nz = g.shape
        b = g.rhs(self.w_bottom, self.w_top, u_bottom, u_top, source)
        x = self._fft.solve(np.moveaxis(b.reshape(nx, ny, nz), 2, 0))
        return np.ascontiguousarray(np.moveaxis(x, 0, 2)).reshape(-1)
