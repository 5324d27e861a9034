"""Hand-written nodal solve of a small crossbar (reference for the ngspice crossbar test)."""

from __future__ import annotations

import numpy as np
from scipy.optimize import fsolve


def crossbar_currents(model, states, v_rows, r_driver, r_wire, r_sense):
    """Same topology as compact.export.crossbar: KCL at every row node r_ij and column node c_ij."""
    states = np.asarray(states, float)
    if states.ndim == 2:
        states = states[..., None]
    M, N = states.shape[:2]

    def cell(i, j, v):
        return float(model.current(v, states[i, j], None))

    def residual(u):
        r = u[: M * N].reshape(M, N)
        c = u[M * N:].reshape(M, N)
        res_r = np.zeros((M, N))
        res_c = np.zeros((M, N))
        for i in range(M):
            for j in range(N):
                icell = cell(i, j, r[i, j] - c[i, j])
                # row node: current in from the left, out to the right and into the cell
                left = (v_rows[i] - r[i, 0]) / r_driver if j == 0 else (r[i, j - 1] - r[i, j]) / r_wire
                right = (r[i, j] - r[i, j + 1]) / r_wire if j < N - 1 else 0.0
                res_r[i, j] = left - right - icell
                up = (c[i - 1, j] - c[i, j]) / r_wire if i > 0 else 0.0
                down = (c[i, j] - c[i + 1, j]) / r_wire if i < M - 1 else c[i, j] / r_sense
                res_c[i, j] = icell + up - down
        return np.concatenate([res_r.ravel(), res_c.ravel()])

    u0 = np.concatenate([np.repeat(np.asarray(v_rows, float), N), np.zeros(M * N)])
    u = fsolve(residual, u0, xtol=1e-12)
    # converged: every KCL residual far below the smallest branch current of interest
    assert np.max(np.abs(residual(u))) < 1e-13, residual(u)
    c = u[M * N:].reshape(M, N)
    return c[M - 1] / r_sense
