"""Classical max-cut baselines at an equal budget of sweeps, and bounds for graphs too large to enumerate.

Budget unit: one **sweep** = n single-spin field evaluations (one read of a row of W, O(n) work each),
the cost of one asynchronous sweep of the Hopfield network in :mod:`matsim.network.annealing`.
Every solver below gets ``n_sweeps`` sweeps per trial and returns the best cut it has seen.

* :func:`simulated_annealing` -- Metropolis single-spin flips (Kirkpatrick, Gelatt & Vecchi, Science 220,
  671 (1983)), geometric temperature schedule from ``T0`` to ``T0 * t_ratio`` (T in units of the rms
  row norm of W, the same scale as the Hopfield read noise).
* :func:`noiseless_restarts` -- the zero-noise Hopfield network (asynchronous descent) restarted from a
  random state whenever a sweep flips no spin (the sweep that detects convergence counts).
* :func:`one_exchange` -- steepest-ascent one-exchange local search with random restarts: the gains
  g_i = s_i sum_j W_ij s_j of all single flips are kept up to date; computing them costs one sweep,
  each flip updates them with one row of W (1/n sweep); at a local optimum it restarts.
* :func:`sdp_upper_bound` -- the Goemans-Williamson SDP value through its dual (Poljak & Rendl, SIAM
  J. Optim. 5, 467 (1995); Goemans & Williamson, J. ACM 42, 1115 (1995)):
  maxcut <= (n/4) min_{sum u = 0} lambda_max(L + diag(u)), L the Laplacian. Every u gives a valid
  upper bound, so the value returned is a bound whether or not the minimization converged.

Cut of spins s (+-1): C(s) = sum_{i<j} W_ij (1 - s_i s_j)/2; flipping s_i changes it by s_i f_i with the
local field f_i = sum_j W_ij s_j.
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import eigh
from scipy.optimize import minimize

from matsim.core import validate
from matsim.core.rng import make_rng
from matsim.network.annealing import as_weight_matrix, cut_value


def _setup(graph, n_sweeps, n_trials, seed):
    W = as_weight_matrix(graph)
    return (W, validate.positive_int("n_sweeps", n_sweeps), validate.positive_int("n_trials", n_trials),
            make_rng(seed))


def _random_spins(rng, shape) -> np.ndarray:
    return rng.choice([-1.0, 1.0], size=shape)


def simulated_annealing(graph, n_sweeps: int, n_trials: int = 1, T0: float = 1.0, t_ratio: float = 0.01,
                        seed=None) -> np.ndarray:
    """Best cut seen by each of ``n_trials`` Metropolis runs of ``n_sweeps`` sweeps (array (n_trials,))."""
    W, n_sweeps, R, rng = _setup(graph, n_sweeps, n_trials, seed)
    n = W.shape[0]
    T0 = validate.positive("T0", T0)
    t_ratio = validate.in_range("t_ratio", t_ratio, 0.0, 1.0, inclusive=False)
    scale = float(np.sqrt(np.mean((W * W).sum(axis=1)))) or 1.0
    s = _random_spins(rng, (R, n))
    f = s @ W
    cut = cut_value(W, s)
    best = cut.copy()
    runs = np.arange(R)
    for k in range(n_sweeps):
        T = T0 * scale * t_ratio ** (k / max(n_sweeps - 1, 1))
        order = rng.permuted(np.tile(np.arange(n), (R, 1)), axis=1)
        for step in range(n):
            i = order[:, step]
            gain = s[runs, i] * f[runs, i]
            acc = (gain >= 0) | (rng.random(R) < np.exp(np.minimum(gain, 0.0) / T))
            if np.any(acc):
                r, ii = runs[acc], i[acc]
                f[r] -= 2.0 * s[r, ii][:, None] * W[ii]
                s[r, ii] = -s[r, ii]
                cut[r] += gain[acc]
        best = np.maximum(best, cut)
    return best


def noiseless_restarts(graph, n_sweeps: int, n_trials: int = 1, seed=None) -> np.ndarray:
    """Best cut of zero-noise Hopfield descents restarted at convergence within ``n_sweeps`` sweeps."""
    W, n_sweeps, R, rng = _setup(graph, n_sweeps, n_trials, seed)
    n = W.shape[0]
    s = _random_spins(rng, (R, n))
    f = s @ W
    best = cut_value(W, s)
    runs = np.arange(R)
    for _ in range(n_sweeps):
        order = rng.permuted(np.tile(np.arange(n), (R, 1)), axis=1)
        flipped = np.zeros(R, dtype=bool)
        for step in range(n):
            i = order[:, step]
            flip = s[runs, i] * f[runs, i] > 0          # sign(J s) = -sign(f) disagrees with s_i
            if np.any(flip):
                r, ii = runs[flip], i[flip]
                f[r] -= 2.0 * s[r, ii][:, None] * W[ii]
                s[r, ii] = -s[r, ii]
                flipped |= flip
        best = np.maximum(best, cut_value(W, s))
        done = ~flipped                                  # converged: restart these trials
        if np.any(done):
            s[done] = _random_spins(rng, (int(done.sum()), n))
            f[done] = s[done] @ W
    return best


def one_exchange(graph, n_sweeps: int, n_trials: int = 1, seed=None) -> np.ndarray:
    """Best cut of steepest-ascent one-exchange with restarts (cost: 1 sweep per gain set-up,
    1/n sweep per flip) within ``n_sweeps`` sweeps per trial."""
    W, n_sweeps, R, rng = _setup(graph, n_sweeps, n_trials, seed)
    n = W.shape[0]
    budget = np.full(R, n_sweeps * n, dtype=np.int64)   # in field evaluations
    s = _random_spins(rng, (R, n))
    f = s @ W
    budget -= n
    cut = cut_value(W, s)
    best = cut.copy()
    runs = np.arange(R)
    while np.any(budget > 0):
        gains = s * f
        i = np.argmax(gains, axis=1)
        g = gains[runs, i]
        active = budget > 0
        move = active & (g > 1e-12)
        if np.any(move):
            r, ii = runs[move], i[move]
            f[r] -= 2.0 * s[r, ii][:, None] * W[ii]
            s[r, ii] = -s[r, ii]
            cut[r] += g[move]
            budget[move] -= 1
            best = np.maximum(best, cut)
        restart = active & ~move
        if np.any(restart):
            k = int(restart.sum())
            s[restart] = _random_spins(rng, (k, n))
            f[restart] = s[restart] @ W
            cut[restart] = cut_value(W, s[restart])
            budget[restart] -= n
            best[restart] = np.maximum(best[restart], cut[restart])
    return best


def sdp_upper_bound(graph, max_iter: int = 100) -> float:
    """Upper bound on the max cut: (n/4) lambda_max(L + diag(u)), sum u = 0, minimized over u (BFGS
    on the eigenvalue (BFGS) with gradient v_i^2 projected on sum u = 0). Equals the GW SDP value at the
    optimum; any u is a valid bound."""
    W = as_weight_matrix(graph)
    n = W.shape[0]
    L = np.diag(W.sum(axis=1)) - W

    def fun(x):
        u = x - x.mean()
        lam, vec = eigh(L + np.diag(u), subset_by_index=[n - 1, n - 1])
        v = vec[:, 0]
        g = v * v
        return float(lam[0]), g - g.mean()

    res = minimize(fun, np.zeros(n), jac=True, method="BFGS", options={"maxiter": max_iter, "gtol": 1e-8})
    best = min(fun(np.zeros(n))[0], fun(res.x)[0])
    return 0.25 * n * best
