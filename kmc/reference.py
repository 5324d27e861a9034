"""Plain-Python BKL loop: the reference the numba engine is tested and benchmarked against.

Same algorithm, same random-number use and the same Fenwick tree arithmetic as
:func:`kmc._bkl_kernels.bkl_run`, so for the same seed both engines give the same trajectory.
"""

from __future__ import annotations

import math
import sys
import types
from functools import lru_cache

from numba.core.registry import CPUDispatcher


@lru_cache(maxsize=None)
def _interpreted_globals(module_name: str) -> dict:
    """A copy of a kernel module's globals in which every numba function defined there is replaced
    by its interpreted (``py_func``) version bound to this same dict, so nested calls stay in Python."""
    g = dict(vars(sys.modules[module_name]))
    for name, obj in list(g.items()):
        if isinstance(obj, CPUDispatcher) and obj.py_func.__module__ == module_name:
            f = obj.py_func
            g[name] = types.FunctionType(f.__code__, g, f.__name__, f.__defaults__, f.__closure__)
    return g


def interpreted(kernel):
    """The plain-Python version of a numba kernel, including the kernels it calls from its module."""
    f = kernel.py_func
    return _interpreted_globals(f.__module__)[f.__name__]


def bkl_run(tree, rng, t, t_end, max_events, rate_fn, execute_fn, state, touched):
    """Run events on a :class:`~kmc.fenwick.PyFenwickTree`; returns (t, n_events, status)."""
    n = 0
    while n < max_events:
        total = tree.total()
        if not total > 0.0:
            return t_end, n, 2
        u1 = rng.random()
        u2 = rng.random()
        dt = -math.log(1.0 - u2) / total
        if t + dt > t_end:
            return t_end, n, 0
        e = tree.select(u1 * total)
        t += dt
        m = execute_fn(e, state, touched)
        stop = m < 0
        if stop:
            m = -m - 1
        for k in range(m):
            ev = int(touched[k])
            tree.set(ev, float(rate_fn(ev, state)))
        n += 1
        if stop:
            return t, n, 3
    return t, n, 1
