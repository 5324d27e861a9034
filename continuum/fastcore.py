"""Fast finite-volume kernels on a FiPy mesh: the fixed-pattern matrices of the ``core="fast"`` model.

FiPy rebuilds its variable graph, its sparse matrix and (with the scipy LU solver) the COLAMD
ordering at every ``solve``.  The Mott filament solves the same two operators thousands of times with
only the coefficients changing, so this module takes FiPy's mesh geometry once (face-cell
connectivity, ``_faceAreas``, ``_cellDistances``, ``_faceToCellDistanceRatio``, cell volumes) and
assembles the *same* two-point-flux discretisation FiPy's ``DiffusionTerm`` uses::

    sum_f g_f (u_nb - u_c) + ... ,   g_f = k_f A_f / d_f          (k_f a face coefficient)

into a CSR matrix whose sparsity pattern and CSR slot map are computed once; each update is a
``bincount``.  Harmonic face means follow FiPy's ``harmonicFaceValue``
(``k_0 k_1 / ((k_1 - k_0) alpha + k_0)``).  The tests check these matrices reproduce FiPy's
solutions to round-off (tests/continuum/test_fast_core.py).

Linear solvers (:class:`LinearSolver`), measured in ``benchmarks/continuum_step.py``:

* ``"lu"``: SuperLU with the fill-reducing ordering computed once (minimum degree on A^T + A,
  symmetric mode, on the first matrix) and reused: later factorisations permute symmetrically and
  skip the ordering (``permc_spec="NATURAL"``, no pivoting: the matrices are symmetric positive
  definite M-matrices); minimum degree on A^T + A has about 0.6 times the fill of COLAMD here;
* ``"lu-colamd"``: SuperLU as FiPy calls it (COLAMD every time), for comparison;
* ``"cg"``: conjugate gradients, Jacobi-preconditioned, warm-started from the previous solution;
* ``"lagged"``: conjugate gradients preconditioned by the LU factors of an earlier matrix of the
  sequence (symmetric, SPD), warm-started; refactorised (``"lu"``) when CG needs more than
  ``max_lagged_iterations``.  Between Picard sweeps and time steps sigma(T) changes little, so one
  factorisation serves many solves at the cost of a few triangular solves each;
* ``"auto"`` (the model's default): ``"lagged"`` for both equations.

Works for any FiPy grid (1-D/2-D/cylindrical/3-D): the pattern has one off-diagonal pair per
interior face.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from matsim.core.errors import ConfigError, ConvergenceError

SOLVERS = ("lu", "lu-colamd", "cg", "lagged", "auto")


class FaceOperator:
    """Two-point-flux operator on a FiPy mesh with a fixed CSR pattern.

    ``geometry`` supplies ``mesh``, ``cell_volumes`` (m^3) and ``_face_tables()`` (c0, c1, interior,
    d, area) in SI units (see :class:`continuum.geometry.Geometry`).
    """

    def __init__(self, geometry):
        mesh = geometry.mesh
        c0, c1, interior, d, area = geometry._face_tables()
        self.n = int(mesh.numberOfCells)
        self.c0, self.interior = c0, interior
        self.c1 = np.where(interior, c1, c0)
        self.alpha = np.asarray(mesh._faceToCellDistanceRatio, dtype=float)
        self.geo = area / d                       # m: A_f / d_f (SI)
        self.volumes = np.asarray(geometry.cell_volumes, dtype=float)
        fi = np.nonzero(interior)[0]
        self.fi = fi
        n = self.n
        rows = np.concatenate([np.arange(n), c0[fi], c1[fi]])
        cols = np.concatenate([np.arange(n), c1[fi], c0[fi]])
        slot = sp.coo_matrix((np.arange(1, rows.size + 1, dtype=float), (rows, cols)), shape=(n, n)).tocsr()
        if slot.nnz != rows.size:
            raise ConfigError("mesh", "duplicate cell pairs", "a mesh with at most one face between two cells")
        self._perm = slot.data.astype(np.int64) - 1          # CSR slot -> COO entry
        self._indices, self._indptr = slot.indices.copy(), slot.indptr.copy()

    def harmonic(self, k: np.ndarray) -> np.ndarray:
        """Face values of the cell field ``k`` by FiPy's harmonic mean (boundary faces: the cell value)."""
        k0, k1 = k[self.c0], k[self.c1]
        return k0 * k1 / ((k1 - k0) * self.alpha + k0)

    def _maps(self, dirichlet: np.ndarray | None):
        """Sparse maps of one Dirichlet mask, built once: face conductances -> CSR data, and face
        dissipations -> cells (interior faces shared half and half, Dirichlet faces to their cell)."""
        key = None if dirichlet is None else np.asarray(dirichlet, dtype=bool).tobytes()
        cache = self.__dict__.setdefault("_map_cache", {})
        if key not in cache:
            n, fi, c0, c1 = self.n, self.fi, self.c0, self.c1
            nf = c0.size
            m = fi.size
            inv = np.empty_like(self._perm)
            inv[self._perm] = np.arange(self._perm.size)     # COO entry -> CSR slot
            diag_slot = inv[:n]
            off01, off10 = inv[n:n + m], inv[n + m:]
            rows = [diag_slot[c0[fi]], diag_slot[c1[fi]], off01, off10]
            cols = [fi, fi, fi, fi]
            vals = [np.ones(m), np.ones(m), -np.ones(m), -np.ones(m)]
            frows, fcols, fvals = [c0[fi], c1[fi]], [fi, fi], [np.full(m, 0.5), np.full(m, 0.5)]
            if dirichlet is not None:
                di = np.nonzero(dirichlet)[0]
                rows.append(diag_slot[c0[di]])
                cols.append(di)
                vals.append(np.ones(di.size))
                frows.append(c0[di])
                fcols.append(di)
                fvals.append(np.ones(di.size))
            P = sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                              shape=(self._perm.size, nf))
            F = sp.csr_matrix((np.concatenate(fvals), (np.concatenate(frows), np.concatenate(fcols))), shape=(n, nf))
            cache[key] = (P, diag_slot, F)
        return cache[key]

    def matrix(self, g: np.ndarray, diag: np.ndarray | float, dirichlet: np.ndarray | None,
               reuse: bool = False) -> sp.csr_matrix:
        """CSR matrix of ``-sum_f g_f (u_nb - u_c) + diag u_c`` (units of g and diag).

        g : per-face conductance (all faces; interior ones couple cells, Dirichlet faces in the
        boolean mask ``dirichlet`` add g_f to their cell's diagonal, other boundary faces are
        no-flux).  The CSR data are one sparse product with a map built once per mask.  ``reuse``:
        refill and return one matrix object per mask (valid until the next call with that mask).
        """
        P, diag_slot, _ = self._maps(dirichlet)
        data = P @ g
        data[diag_slot] += diag
        key = None if dirichlet is None else np.asarray(dirichlet, dtype=bool).tobytes()
        reused = self.__dict__.setdefault("_reused", {})
        if reuse and key in reused:
            A = reused[key]
        else:
            A = sp.csr_matrix((data, self._indices, self._indptr), shape=(self.n, self.n), copy=False)
            if reuse:
                reused[key] = A
        A.data = data
        return A

    def dirichlet_rhs(self, g: np.ndarray, dirichlet: np.ndarray, values) -> np.ndarray:
        """Right-hand side from the Dirichlet faces in ``dirichlet`` held at ``values``."""
        return np.bincount(self.c0[dirichlet], g[dirichlet] * values, self.n)

    def face_power(self, u: np.ndarray, g: np.ndarray, dirichlet: np.ndarray, values) -> np.ndarray:
        """Per-cell dissipation (units of g u^2 / m^3): g_f du_f^2 shared by the face's two cells
        (all of it to the cell at a Dirichlet face), divided by the cell volume."""
        _, _, F = self._maps(dirichlet)
        du = u[self.c1] - u[self.c0]
        du[dirichlet] = values - u[self.c0[dirichlet]]
        return (F @ (g * du * du)) / self.volumes


class LinearSolver:
    """Solve ``A x = b`` for a sequence of matrices with one sparsity pattern (see module doc)."""

    def __init__(self, kind: str = "lu", rtol: float = 1e-12, xtol: float | None = None):
        if kind not in SOLVERS:
            raise ConfigError("linear_solver", kind, "one of " + ", ".join(SOLVERS))
        self.kind, self.rtol, self.xtol = kind, rtol, xtol
        self.loosen = 1.0          # xtol multiplier set by the caller (inexact solves inside a nonlinear iteration)
        self._perm = None
        self._x = None
        self.n_solves = 0
        self.n_iterations = 0
        self.n_factorizations = 0

    max_lagged_iterations = 12

    def _pcg(self, A: sp.csr_matrix, b: np.ndarray, x: np.ndarray):
        """Conjugate gradients preconditioned by the lagged LU factors, from ``x``.

        Stops when the preconditioned residual z = M r (with M close to A^-1, z is close to the
        error of x) is below ``xtol`` in every cell, or below ``rtol`` max|x| when ``xtol`` is None:
        an error bound in the units of x, unlike ||r|| / ||b||, which on a stiff heat matrix
        (condition number ~1e5) lets the solution drift by rtol times that.  Returns (x, iterations),
        x None when ``max_lagged_iterations`` did not suffice.
        """
        r = b - A @ x
        z = self._lu(r)
        p = z.copy()
        rz = float(r @ z)
        for it in range(1, self.max_lagged_iterations + 1):
            tol = self.xtol * self.loosen if self.xtol is not None else self.rtol * max(float(np.max(np.abs(x))), 1e-300)
            if float(np.max(np.abs(z))) <= tol:
                return x + z, it - 1        # x + M r: one more (free) correction, no stagnation
            Ap = A @ p
            alpha = rz / float(p @ Ap)
            x = x + alpha * p
            r = r - alpha * Ap
            z = self._lu(r)
            rz_new = float(r @ z)
            p = z + (rz_new / rz) * p
            rz = rz_new
        tol = self.xtol * self.loosen if self.xtol is not None else self.rtol * max(float(np.max(np.abs(x))), 1e-300)
        return (x + z, self.max_lagged_iterations) if float(np.max(np.abs(z))) <= tol else (None, self.max_lagged_iterations)

    def share_ordering(self, other: "LinearSolver") -> None:
        """Reuse ``other``'s fill-reducing ordering once it has one (matrices of one sparsity pattern,
        e.g. the charge and heat operators on one mesh: the Dirichlet faces only touch the diagonal)."""
        self._ordering_source = other

    def _factor(self, A: sp.csr_matrix):
        src = getattr(self, "_ordering_source", None)
        if self._perm is None and src is not None and src._perm is not None and src._perm.size == A.shape[0]:
            self._perm, self._iperm = src._perm, src._iperm
        if self._perm is None:
            lu = spla.splu(A.tocsc(), permc_spec="MMD_AT_PLUS_A", diag_pivot_thresh=0.0,
                           options={"SymmetricMode": True})
            self._perm = np.argsort(lu.perm_c)          # order in which SuperLU eliminates
            self._iperm = lu.perm_c.copy()
            return lu.solve
        p, ip = self._perm, self._iperm
        lu = spla.splu(A[p][:, p].tocsc(), permc_spec="NATURAL", diag_pivot_thresh=0.0,
                       options={"SymmetricMode": True})
        self.n_factorizations += 1
        return lambda b: lu.solve(b[p])[ip]

    def solve(self, A: sp.csr_matrix, b: np.ndarray) -> np.ndarray:
        self.n_solves += 1
        if self.kind == "lagged":
            if getattr(self, "_lu", None) is None or self._lu_shape != A.shape:
                self._lu, self._lu_shape = self._factor(A), A.shape
                x = self._lu(b)
                self._x = x
                return x
            x0 = self._x if self._x is not None and self._x.shape == b.shape else np.zeros_like(b)
            x, its = self._pcg(A, b, x0)
            self.n_iterations += its
            if x is None:                          # preconditioner too old: refactorise
                self._lu = self._factor(A)
                x = self._lu(b)
            self._x = x
            return x
        if self.kind == "lu-colamd":
            return spla.splu(A.tocsc(), permc_spec="COLAMD").solve(b)
        if self.kind == "lu":
            return self._factor(A)(b)
        # preconditioned conjugate gradients, warm-started
        dinv = 1.0 / A.diagonal()
        M = spla.LinearOperator(A.shape, matvec=lambda r: dinv * r)
        x0 = self._x if self._x is not None and self._x.shape == b.shape else None
        count = [0]

        def cb(_):
            count[0] += 1

        x, info = spla.cg(A, b, x0=x0, rtol=self.rtol, atol=0.0, M=M, maxiter=20 * A.shape[0], callback=cb)
        self.n_iterations += count[0]
        if info != 0:
            raise ConvergenceError(f"LinearSolver(cg): no convergence in {20 * A.shape[0]} iterations")
        self._x = x
        return x


class Anderson:
    """Anderson acceleration (type II, depth ``m``) of a fixed-point map x -> g(x).

    Walker & Ni, SIAM J. Numer. Anal. 49, 1715 (2011): with residuals f_k = g(x_k) - x_k, the next
    iterate is g(x_k) - (dG) gamma, gamma the least-squares solution of (dF) gamma = f_k over the
    last m differences.  ``x`` may carry several fields scaled to comparable units.
    """

    def __init__(self, m: int = 4):
        self.m = m
        self.reset()

    def reset(self) -> None:
        self._x = self._f = None
        self._dG: list[np.ndarray] = []
        self._dF: list[np.ndarray] = []

    def step(self, x: np.ndarray, gx: np.ndarray) -> np.ndarray:
        f = gx - x
        if self._f is not None:
            self._dF.append(f - self._f)
            self._dG.append(gx - self._g)
            if len(self._dF) > self.m:
                self._dF.pop(0)
                self._dG.pop(0)
        self._f, self._g = f, gx
        if not self._dF:
            return gx
        dF = np.array(self._dF).T
        gamma = np.linalg.lstsq(dF, f, rcond=1e-10)[0]
        return gx - np.array(self._dG).T @ gamma
