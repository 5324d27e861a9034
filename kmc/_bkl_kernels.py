"""Numba kernels of the BKL engine: Fenwick (binary indexed) tree of event rates and the event loop.

The readable API is :mod:`kmc.fenwick` and :mod:`kmc.engine`; this module holds only ``@njit`` code.

``bkl_run`` and ``fill_rates`` take the model's kernels as first-class function arguments. Numba
cannot reliably cache signatures that contain dispatcher types, nor code holding function pointers,
so they are not cached: each model binds them to its kernels in two small functions compiled once
per process (see ``kmc._lattice_gas_kernels``)::

    @njit
    def run(tree, rates, rng, t, t_end, max_events, state, touched):
        return bkl_run(tree, rates, rng, t, t_end, max_events, rate, execute, state, touched)

Helpers called inside ``rate``/``execute`` should be ``@njit(inline="always")``: a numba call that
passes arrays costs tens of ns of reference counting here, more than the work of a rate.

Fenwick tree layout (1-based, Fenwick 1994): ``tree[j]`` holds the sum of ``rates[j - lowbit(j) .. j-1]``
(0-based leaves). The leaf count ``size`` is a power of two so ``tree[size]`` is the total rate.
A rate change recomputes each node on the update path *from its children* (not by adding a delta),
so the tree never accumulates round-off, even when rates span 60 orders of magnitude (KMC of
thermally activated events); a node costs O(log) additions, an update O(log^2 N) in the worst case,
O(log N) on average along the path. Rates that do not change are not pushed into the tree.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, inline="always")
def fw_node(tree, rates, j):
    """Recompute node ``j`` from its leaf and child nodes (children added largest first)."""
    s = rates[j - 1]
    low = j & (-j)
    step = low >> 1
    while step > 0:
        s += tree[j - step]
        step >>= 1
    tree[j] = s


@njit(cache=True)
def fw_build(tree, rates):
    """Build all nodes from ``rates`` in O(N log N); bit-identical to repeated :func:`fw_set`."""
    size = rates.shape[0]
    tree[0] = 0.0
    for j in range(1, size + 1):
        fw_node(tree, rates, j)


@njit(cache=True, inline="always")
def fw_set(tree, rates, i, r):
    """Set leaf ``i`` to rate ``r``; recompute the nodes above it. No work if unchanged."""
    if rates[i] == r:
        return
    rates[i] = r
    size = rates.shape[0]
    j = i + 1
    while j <= size:
        fw_node(tree, rates, j)
        j += j & (-j)


@njit(cache=True, inline="always")
def fw_select(tree, rates, target):
    """Leaf ``i`` with cumsum(rates)[i-1] <= target < cumsum(rates)[i]  (O(log N) descent).

    Round-off can leave ``target`` at or past the last non-zero leaf; then the last non-zero leaf
    at or before the descent position is returned (never a zero-rate event).
    """
    size = rates.shape[0]
    pos = 0
    step = size >> 1
    while step > 0:
        v = tree[pos + step]
        if v <= target:
            target -= v
            pos += step
        step >>= 1
    while pos > 0 and rates[pos] <= 0.0:
        pos -= 1
    return pos


#: a batch of more than size / BATCH_FACTOR touched events rebuilds the tree instead of m path updates
#: (a path update costs ~log² size node additions, a rebuild ~2 size)
BATCH_FACTOR = 16


@njit
def bkl_run(tree, rates, rng, t, t_end, max_events, rate_fn, execute_fn, state, touched):
    """Rejection-free BKL (n-fold way) loop (Bortz, Kalos & Lebowitz, J. Comput. Phys. 17, 10 (1975)).

    Per event: u1 selects event e with probability r_e/R (Fenwick descent), u2 gives
    dt = -ln(1 - u2)/R; if t + dt > t_end the clock stops at t_end and nothing happens
    (exponential waiting times are memoryless). ``execute_fn(e, state, touched)`` applies the event
    and writes the indices of events whose rate may have changed into ``touched``, returning their
    count m (or -(m + 1) to ask the caller to stop after this event, e.g. to re-solve fields);
    ``rate_fn(k, state)`` recomputes rate k. Returns (t, n_events, status): status 0 = reached
    t_end, 1 = max_events done, 2 = total rate zero (nothing can happen), 3 = the model asked to stop.
    """
    vals = np.empty(touched.shape[0])
    n = 0
    while n < max_events:
        e, t, status = _draw(tree, rates, rng, t, t_end)
        if status >= 0:
            return t, n, status
        m = execute_fn(e, state, touched)
        stop = m < 0
        if stop:
            m = -m - 1
        for k in range(m):
            vals[k] = rate_fn(touched[k], state)
        _apply(tree, rates, touched, m, vals)
        n += 1
        if stop:
            return t, n, 3
    return t, n, 1


@njit
def bkl_run_batch(tree, rates, rng, t, t_end, max_events, rates_fn, execute_fn, state, touched):
    """:func:`bkl_run` with the touched rates computed by one call ``rates_fn(touched, m, state, out)``
    (one call per event instead of m: a call through a function pointer that passes the state's arrays
    costs ~0.1 µs of reference counting, more than a rate when thousands are touched). Same results."""
    vals = np.empty(touched.shape[0])
    n = 0
    while n < max_events:
        e, t, status = _draw(tree, rates, rng, t, t_end)
        if status >= 0:
            return t, n, status
        m = execute_fn(e, state, touched)
        stop = m < 0
        if stop:
            m = -m - 1
        rates_fn(touched, m, state, vals)
        _apply(tree, rates, touched, m, vals)
        n += 1
        if stop:
            return t, n, 3
    return t, n, 1


@njit(inline="always")
def _draw(tree, rates, rng, t, t_end):
    """One BKL step: (event, new time, -1), or (-1, t_end, status) when the loop must end (status 2:
    total rate zero; 0: the next event would pass t_end)."""
    size = rates.shape[0]
    total = tree[size]
    if not total > 0.0:
        return -1, t_end, 2
    u1 = rng.random()
    u2 = rng.random()
    dt = -np.log(1.0 - u2) / total
    if t + dt > t_end:
        return -1, t_end, 0
    return fw_select(tree, rates, u1 * total), t + dt, -1


@njit(inline="always")
def _apply(tree, rates, touched, m, vals):
    """rates[touched[k]] = vals[k] in the tree. A batch of more than size / BATCH_FACTOR events (e.g. the
    long-range electrostatics of a VCM cell) sets the leaves and rebuilds every node once, O(size),
    instead of m O(log² size) path updates; nodes are recomputed from their children either way, so
    the tree is bit-identical."""
    size = rates.shape[0]
    if m * BATCH_FACTOR > size:
        for k in range(m):
            rates[touched[k]] = vals[k]
        fw_build(tree, rates)
    else:
        for k in range(m):
            fw_set(tree, rates, touched[k], vals[k])


@njit
def fill_rates(rates, n_events, rate_fn, state):
    """rates[k] = rate_fn(k, state) for every event (after a field update or a restart)."""
    for k in range(n_events):
        rates[k] = rate_fn(k, state)


def bind_kernels(rate_fn, execute_fn, rates_fn=None):
    """The engine loop and the rate fill bound to one model's ``rate``/``execute`` kernels:
    ``run, fill = bind_kernels(rate, execute)`` at the end of a model's kernel module; with
    ``rates_fn(touched, m, state, out)`` (all touched rates in one call) the loop is :func:`bkl_run_batch`.

    Not cached: numba cannot cache code that holds function objects, so each process compiles the
    two wrappers once (about 1-2 s); the kernels themselves stay cached.
    """
    if rates_fn is None:
        @njit
        def run(tree, rates, rng, t, t_end, max_events, state, touched):
            return bkl_run(tree, rates, rng, t, t_end, max_events, rate_fn, execute_fn, state, touched)
    else:
        @njit
        def run(tree, rates, rng, t, t_end, max_events, state, touched):
            return bkl_run_batch(tree, rates, rng, t, t_end, max_events, rates_fn, execute_fn, state, touched)

    @njit
    def fill(rates, n_events, state):
        fill_rates(rates, n_events, rate_fn, state)

    return run, fill
