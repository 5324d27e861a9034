"""Linear algebra of the crossbar nodal equations (kernel of :mod:`matsim.network.crossbar.array`).

Unknowns: the word-line node voltage ``U[i, j]`` and the bit-line node voltage ``W[i, j]`` at every
crosspoint (2 M N unknowns). Kirchhoff's current law at each node gives the modified nodal system
(for the linearized cells, ``D = diag(dI/dV)``)::

    [ R + D    -D  ] [U]   [b_r]        R: M independent tridiagonal word-line chains
    [  -D    C + D ] [W] = [b_c]        C: N independent tridiagonal bit-line chains

Word line i: driver (V_i, r_driver) -> segment r_wire_row -> node (i,0) -> r_wire_row -> ... (i,N-1), open.
Bit line j: node (0,j) -> r_wire_col -> ... -> (M-1,j) -> r_wire_col + r_sense -> sense amp at v_col_j.
(The badcrossbar convention, with the terminal resistances added.)

Solver choice: the matrix is SPD and its two diagonal blocks ``R + D`` and ``C + D`` are sets of
independent tridiagonal chains (LAPACK ``dpttrf``/``dpttrs``: O(MN), ~1 ms for 256 x 256). We use
conjugate gradients preconditioned by symmetric block Gauss-Seidel over the two wire families
(3 chain solves per iteration). Word lines are nearly equipotential when the wire conductance is
large compared with the cells it feeds, so the coupling block is a small perturbation and the
iteration count is small (typically 5-30); the factorizations are shared by every right-hand side.
:func:`assemble` builds the same matrix as ``scipy.sparse`` (vectorized index arrays) for the direct
(SuperLU) fall-back and for checks.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.linalg.lapack import dpttrf, dpttrs

from matsim.core.errors import ConvergenceError


class ChainFactor:
    """Factorization of a set of grounded resistor chains plus a diagonal, stacked end to end.

    ``n_chain`` chains of length ``L``; node 0 of each chain connects to a source through ``g0``
    (S, scalar or one per chain; 0 = floating line), neighbours through ``g`` (S); ``extra`` (S, shape ``(n_chain * L,)``) is added to the diagonal.
    """

    def __init__(self, n_chain: int, L: int, g0: float, g: float, extra: np.ndarray):
        d = np.zeros((n_chain, L))
        d[:, 0] += g0
        if L > 1:
            d[:, 1:] += g
            d[:, :-1] += g
        d = d.ravel() + extra
        e = np.full((n_chain, L), -g)
        e[:, -1] = 0.0
        e = e.ravel()[:-1]
        self.d, self.e, info = dpttrf(d, e)
        if info != 0:
            raise ConvergenceError(f"crossbar: wire-chain matrix not positive definite (LAPACK dpttrf info={info}); "
                                   "a cell has a negative differential conductance")
        self.g0, self.g, self.n_chain, self.L = g0, g, n_chain, L

    def solve(self, b: np.ndarray) -> np.ndarray:
        x, info = dpttrs(self.d, self.e, b)
        return x

    def apply_chain(self, x: np.ndarray) -> np.ndarray:
        return chain_apply(x, self.n_chain, self.L, self.g0, self.g)


class BatchedChainFactor:
    """Chain factorizations for K right-hand sides that each have their own diagonal (a batched Newton
    step: every input has its own cell conductances). The K systems are stacked as ``K * n_chain``
    independent chains (one LAPACK factorization); ``solve(b)`` takes ``b`` of shape ``(n_chain * L, K)``."""

    def __init__(self, n_chain: int, L: int, g0, g: float, extra: np.ndarray):
        K = extra.shape[1]
        g0 = np.asarray(g0, dtype=float)
        g0s = np.tile(g0, K) if g0.ndim else g0
        self.inner = ChainFactor(n_chain * K, L, g0s, g, extra.T.reshape(-1))
        self.g0, self.g, self.n_chain, self.L, self.K = g0, g, n_chain, L, K

    def solve(self, b: np.ndarray) -> np.ndarray:
        n, K = b.shape
        return self.inner.solve(b.T.reshape(-1, 1)).reshape(K, n).T

    def apply_chain(self, x: np.ndarray) -> np.ndarray:
        return chain_apply(x, self.n_chain, self.L, self.g0, self.g)


def chain_apply(x: np.ndarray, n_chain: int, L: int, g0: float, g: float) -> np.ndarray:
    """Wire currents only: ``y = R x`` (A) for node voltages ``x`` (V) of shape ``(n_chain * L, ...)``;
    the source terminal at node 0 is grounded here (its current ``g0 V_source`` goes to the right side)."""
    X = x.reshape((n_chain, L) + x.shape[1:])
    Y = np.zeros_like(X)
    g0 = np.asarray(g0, dtype=float)
    Y[:, 0] = (g0.reshape((-1,) + (1,) * (X.ndim - 2)) if g0.ndim else g0) * X[:, 0]
    if L > 1:
        dx = g * (X[:, 1:] - X[:, :-1])
        Y[:, 1:] += dx
        Y[:, :-1] -= dx
    return Y.reshape(x.shape)


class NodalSystem:
    """Index bookkeeping for an M x N crossbar: row-major word-line order, bit-line chain order.

    ``perm`` maps bit-line chain order to row-major (chain j, position p from the sense end is the
    crosspoint ``i = M-1-p``); ``to_col(X)`` / ``to_row(Y)`` convert ``(M*N, K)`` arrays.
    """

    def __init__(self, M: int, N: int, g_row: float, g_row0: float, g_col: float, g_col0: float):
        self.M, self.N = M, N
        self.g_row, self.g_row0, self.g_col, self.g_col0 = g_row, g_row0, g_col, g_col0
        j, p = np.meshgrid(np.arange(N), np.arange(M), indexing="ij")
        self.col_to_row = ((M - 1 - p) * N + j).ravel()          # chain index -> row-major index
        self.row_to_col = np.empty_like(self.col_to_row)
        self.row_to_col[self.col_to_row] = np.arange(M * N)

    def to_col(self, X):
        return X[self.col_to_row]

    def to_row(self, Y):
        return Y[self.row_to_col]

    # ---- linear system with cell conductances Dg (row-major, (M*N,) or (M*N, K)) ----------------
    def factor(self, Dg: np.ndarray):
        """Return (P, Q) chain factors for a diagonal ``Dg`` shared by all right-hand sides (shape (M*N,)),
        or one diagonal per right-hand side (shape (M*N, K): batched factors)."""
        if Dg.ndim == 2:
            return (BatchedChainFactor(self.M, self.N, self.g_row0, self.g_row, Dg),
                    BatchedChainFactor(self.N, self.M, self.g_col0, self.g_col, self.to_col(Dg)))
        P = ChainFactor(self.M, self.N, self.g_row0, self.g_row, Dg)
        Q = ChainFactor(self.N, self.M, self.g_col0, self.g_col, self.to_col(Dg))
        return P, Q

    def solve_block(self, Dg, r_row, r_col, rtol: float = 1e-13, max_iter: int = 2000, factors=None):
        """Solve ``[[R+D, -D], [-D, C+D]] [x; y] = [r_row; r_col]`` (``r_col`` in chain order).

        PCG with symmetric block Gauss-Seidel preconditioning; returns ``(x, y, iterations, relres)``.
        Right-hand sides are columns (shape ``(M*N, K)``); all share ``Dg``.
        """
        P, Q = factors if factors is not None else self.factor(Dg)
        Dr = Dg[:, None] if Dg.ndim == 1 else Dg
        Dc = self.to_col(Dg)[:, None] if Dg.ndim == 1 else self.to_col(Dg)

        def apply_A(x, y):
            ax = P.apply_chain(x) + Dr * (x - self.to_row(y))
            ay = Q.apply_chain(y) + Dc * (y - self.to_col(x))
            return ax, ay

        def precond(rx, ry):
            y1 = P.solve(rx)
            z2 = Q.solve(ry + Dc * self.to_col(y1))
            z1 = P.solve(rx + Dr * self.to_row(z2))
            return z1, z2

        bnorm = np.sqrt(np.sum(r_row ** 2, axis=0) + np.sum(r_col ** 2, axis=0))
        bnorm = np.where(bnorm > 0, bnorm, 1.0)
        x = np.zeros_like(r_row)
        y = np.zeros_like(r_col)
        rx, ry = r_row.copy(), r_col.copy()
        zx, zy = precond(rx, ry)
        px, py = zx.copy(), zy.copy()
        rz = np.sum(rx * zx, axis=0) + np.sum(ry * zy, axis=0)
        relres = np.sqrt(np.sum(rx ** 2, axis=0) + np.sum(ry ** 2, axis=0)) / bnorm
        it = 0
        while np.any(relres > rtol) and it < max_iter:
            it += 1
            ax, ay = apply_A(px, py)
            pap = np.sum(px * ax, axis=0) + np.sum(py * ay, axis=0)
            alpha = np.where(pap > 0, rz / np.where(pap > 0, pap, 1.0), 0.0)
            x += alpha * px
            y += alpha * py
            rx -= alpha * ax
            ry -= alpha * ay
            relres = np.sqrt(np.sum(rx ** 2, axis=0) + np.sum(ry ** 2, axis=0)) / bnorm
            zx, zy = precond(rx, ry)
            rz_new = np.sum(rx * zx, axis=0) + np.sum(ry * zy, axis=0)
            beta = rz_new / np.where(rz != 0, rz, 1.0)
            rz = rz_new
            px = zx + beta * px
            py = zy + beta * py
        return x, y, it, relres


def assemble(M: int, N: int, g_row: float, g_row0: float, g_col: float, g_col0: float,
             Dg: np.ndarray) -> sp.csc_matrix:
    """The full ``2MN x 2MN`` nodal matrix (row-major U then row-major W) as scipy.sparse CSC.

    Vectorized COO assembly from index arrays (no Python loop over nodes).
    """
    n = M * N
    idx = np.arange(n).reshape(M, N)
    rows, cols, vals = [], [], []

    def add(a, b, g):   # conductance g between node arrays a and b
        rows.extend([a, b, a, b])
        cols.extend([a, b, b, a])
        vals.extend([np.broadcast_to(g, a.shape), np.broadcast_to(g, a.shape),
                     -np.broadcast_to(g, a.shape), -np.broadcast_to(g, a.shape)])

    def ground(a, g):
        rows.append(a)
        cols.append(a)
        vals.append(np.broadcast_to(g, a.shape))

    ground(idx[:, 0].ravel(), g_row0)
    if N > 1:
        add(idx[:, :-1].ravel(), idx[:, 1:].ravel(), g_row)
    W = idx + n
    ground(W[-1, :].ravel(), g_col0)
    if M > 1:
        add(W[:-1, :].ravel(), W[1:, :].ravel(), g_col)
    add(idx.ravel(), W.ravel(), np.asarray(Dg, float).ravel())
    A = sp.coo_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(2 * n, 2 * n))
    return A.tocsc()
