"""Exact port-to-port transfer matrix ``G_eff`` of a crossbar of linear cells (IR drop as a matrix).

For linear cells the bit-line currents are a fixed linear map of the word-line drive voltages (sense
amplifiers at virtual ground)::

    I_out = G_eff V,        G_eff: (cols, rows) in S;   G_eff = G^T for ideal wires.

``G_eff`` is computed by exact Kron (Schur-complement) reduction of the nodal network row by row,
a sweep down the bit lines that keeps the Dirichlet-to-Neumann map of the bit-line "frontier"
(the N bit-line nodes of the last row swept): current into the frontier = ``Y W - B V``.

* Word line i alone (tridiagonal chain ``T_i = R_i + diag(D_i)``: driver conductance ``g0_i`` at node 0,
  segments ``g_row``, cells ``D_i``) with its bit-line nodes held at ``W``: eliminating its nodes
  ``U = T_i^{-1} (D_i W + g0_i V_i e_0)`` gives ``Y_word = diag(D_i) - D_i T_i^{-1} D_i`` and the
  source column ``b_i = g0_i D_i T_i^{-1} e_0``.
* A bit-line segment ``g_col`` in series with the frontier: ``Y' = g_col S Y``, ``B' = g_col S B`` with
  ``S = (Y + g_col I)^{-1}`` (the series combination written without the cancelling
  ``g_col I - g_col^2 S``); then ``Y <- Y' + Y_word(i)``, ``B <- [B', b_i]``.
* Sense amplifiers (``g_s = 1/(r_wire_col + r_sense)`` at row M-1 to ground):
  ``G_eff = diag(g_s) (Y + diag(g_s))^{-1} B``.

Cost: M Cholesky factorizations of N x N plus solves with N + i right-hand sides, about
``(5/3) M N^3`` flops (256 x 256: ~1 s), against 256 separate exact solves (~15 s) for the unit
responses. By reciprocity of linear resistive networks (Tellegen), driving the bit lines at their sense
terminals and reading the word-line driver currents is ``G_eff^T``: the transposed (backward) read of a
tile costs nothing extra.
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import cho_factor, cho_solve
from scipy.linalg.lapack import dpttrf, dpttrs

from matsim.core.errors import ConfigError, ConvergenceError


_CONTROLLER = None


def _word_line(D: np.ndarray, g0: float, g: float, ideal: bool) -> tuple[np.ndarray, np.ndarray]:
    """(Y_word (N, N), b (N,)) of one word line with cell conductances ``D`` (N,)."""
    N = D.size
    if ideal:                      # every word-line node at V_i
        return np.diag(D), D.copy()
    d = D.copy()
    d[0] += g0
    if N > 1:
        d[1:] += g
        d[:-1] += g
    e = np.full(N - 1, -g)
    dd, ee, info = dpttrf(d, e)
    if info != 0:
        raise ConvergenceError(f"crossbar G_eff: word-line matrix not positive definite (LAPACK info={info})")
    rhs = np.zeros((N, N + 1))
    rhs[np.arange(N), np.arange(N)] = D
    rhs[0, N] = g0
    X, _ = dpttrs(dd, ee, rhs)
    Y = np.diag(D) - D[:, None] * X[:, :N]
    return 0.5 * (Y + Y.T), D * X[:, N]


def effective_conductance(xb) -> np.ndarray:
    """``G_eff`` (S, shape (cols, rows)) of crossbar ``xb`` with linear cells: ``I_out = G_eff V``.

    BLAS runs single-threaded here: the N x N factorizations are too small for threads to pay off
    (measured 10x slower with 2 threads on a loaded 2-core machine; a 20 x 20 triangular solve with > 50
    right-hand sides took 50 ms instead of 0.02 ms once OpenBLAS switched to threads).
    """
    global _CONTROLLER
    if _CONTROLLER is None:
        from threadpoolctl import ThreadpoolController   # a scikit-learn dependency; inspecting is slow, so once
        _CONTROLLER = ThreadpoolController()
    with _CONTROLLER.limit(limits=1, user_api="blas"):
        return _effective_conductance(xb)


def _effective_conductance(xb) -> np.ndarray:
    if not xb.linear:
        raise ConfigError("device", type(xb.element).__name__,
                          "linear cells for G_eff (nonlinear cells need the Newton solve: Crossbar.solve_many)")
    M, N = xb.rows, xb.cols
    D = np.asarray(xb.cell.conductance(np.zeros((M, N))), dtype=float)
    if np.any(D < 0) or not np.all(np.isfinite(D)):
        raise ConfigError("conductances", "negative or non-finite", "cell conductances >= 0 S")
    s = xb.system
    g0 = np.broadcast_to(np.asarray(s.g_row0, dtype=float), (M,))
    G = np.empty((N, M))
    if xb.cols_ideal:              # bit lines at the sense voltage: each word line feeds them independently
        for i in range(M):
            G[:, i] = _word_line(D[i], g0[i], s.g_row, xb.rows_ideal)[1]
        return G
    gc = float(s.g_col)
    Y = None
    B = np.zeros((N, M))
    eye = np.eye(N)
    for i in range(M):
        Yw, b = _word_line(D[i], g0[i], s.g_row, xb.rows_ideal)
        if Y is None:
            Y = Yw
        else:
            c = cho_factor(Y + gc * eye, lower=True, check_finite=False)
            Z = cho_solve(c, np.hstack([Y, B[:, :i]]), check_finite=False)
            Y = gc * Z[:, :N]
            Y = 0.5 * (Y + Y.T) + Yw
            B[:, :i] = gc * Z[:, N:]
        B[:, i] = b
    gs = np.broadcast_to(np.asarray(s.g_col0, dtype=float), (N,))
    try:
        c = cho_factor(Y + np.diag(gs), lower=True, check_finite=False)
        Wt = cho_solve(c, B, check_finite=False)
    except np.linalg.LinAlgError:
        Wt = np.linalg.lstsq(Y + np.diag(gs), B, rcond=None)[0]
    return gs[:, None] * Wt
