"""Numba kernels of the non-interacting lattice gas (events: particle p hops in direction d).

Event index e = 6 p + d, d = 0..5 for +x, -x, +y, -y, +z, -z. State tuple:
(positions int64 (N, 3) unwrapped, hop_rates float (6,), shape int64 (3,), periodic int64 (1,)).
"""

from __future__ import annotations

from numba import njit

from kmc._bkl_kernels import bind_kernels


@njit(cache=True)
def rate(e, state):
    pos, hop, shape, periodic = state
    p = e // 6
    d = e - 6 * p
    if periodic[0] == 0:
        axis = d >> 1
        x = pos[p, axis]
        if (d & 1) == 0 and x >= shape[axis] - 1:
            return 0.0
        if (d & 1) == 1 and x <= 0:
            return 0.0
    return hop[d]


@njit(cache=True)
def execute(e, state, touched):
    pos = state[0]
    p = e // 6
    d = e - 6 * p
    pos[p, d >> 1] += 1 - 2 * (d & 1)
    for k in range(6):
        touched[k] = 6 * p + k
    return 6


# the engine loop bound to this model's kernels
run, fill = bind_kernels(rate, execute)
