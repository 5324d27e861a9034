"""Numba kernel of the synchronous-sublattice lattice gas (:mod:`kmc.decomposition`).

The lattice-gas events of :mod:`kmc._lattice_gas_kernels`, restricted to the active sublattice:
a particle whose wrapped x index lies outside ``window = [x_lo, x_hi)`` has rate 0 (it waits for
its own sublattice's turn). State tuple: the lattice-gas state plus ``window`` int64[2].
"""

from __future__ import annotations

from numba import njit

from kmc._lattice_gas_kernels import execute as _gas_execute
from kmc._lattice_gas_kernels import rate as _gas_rate
from kmc._bkl_kernels import bind_kernels


@njit(cache=True)
def rate(e, state):
    pos, hop, shape, periodic, window = state
    x = pos[e // 6, 0] % shape[0]
    if x < window[0] or x >= window[1]:
        return 0.0
    return _gas_rate(e, (pos, hop, shape, periodic))


@njit(cache=True)
def execute(e, state, touched):
    return _gas_execute(e, state, touched)


# the engine loop bound to this model's kernels
run, fill = bind_kernels(rate, execute)
