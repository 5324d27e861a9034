"""Event-rate tables for BKL kinetic Monte Carlo: a Fenwick (binary indexed) tree.

:class:`FenwickTree` keeps its nodes in numpy arrays and works through the numba kernels of
:mod:`kmc._bkl_kernels`; :class:`PyFenwickTree` is the same algorithm in plain Python (lists,
floats), used by the reference engine and in tests. Both give bit-identical sums and selections.

>>> tree = FenwickTree(4); tree.set(1, 2.0); tree.set(3, 1.0)
>>> tree.total(), tree.select(1.5), tree.select(2.5)
(3.0, 1, 3)
"""

from __future__ import annotations

import numpy as np

from kmc import _bkl_kernels as K
from matsim.core.validate import positive_int


def padded_size(n: int) -> int:
    """Smallest power of two >= n (so the root node holds the total rate)."""
    size = 1
    while size < n:
        size <<= 1
    return size


class FenwickTree:
    """Rates of ``n`` events with O(log N) update and selection (numba kernels).

    ``rates`` (length padded to a power of two, extra leaves zero) and ``tree`` (length size+1)
    are plain arrays that the numba event loop updates in place.
    """

    def __init__(self, n: int, rates=None):
        self.n = positive_int("n_events", n)
        self.size = padded_size(self.n)
        self.rates = np.zeros(self.size)
        self.tree = np.zeros(self.size + 1)
        if rates is not None:
            self.build(rates)

    def build(self, rates) -> None:
        r = np.asarray(rates, dtype=float)
        if r.shape != (self.n,) or not np.all(np.isfinite(r)) or np.any(r < 0):
            raise ValueError(f"rates: expected {self.n} finite non-negative numbers (1/s)")
        self.rates[:self.n] = r
        self.rates[self.n:] = 0.0
        K.fw_build(self.tree, self.rates)

    def set(self, i: int, rate: float) -> None:
        K.fw_set(self.tree, self.rates, int(i), float(rate))

    def total(self) -> float:
        return float(self.tree[self.size])

    def select(self, target: float) -> int:
        """Event i with cumsum(rates)[i-1] <= target < cumsum(rates)[i]."""
        return int(K.fw_select(self.tree, self.rates, float(target)))

    def prefix(self, i: int) -> float:
        """sum(rates[:i])."""
        s, j = 0.0, int(i)
        while j > 0:
            s += self.tree[j]
            j -= j & (-j)
        return s


class PyFenwickTree:
    """The same tree in plain Python (reference engine, tests). Same interface as FenwickTree."""

    def __init__(self, n: int, rates=None):
        self.n = positive_int("n_events", n)
        self.size = padded_size(self.n)
        self.rates = [0.0] * self.size
        self.tree = [0.0] * (self.size + 1)
        if rates is not None:
            self.build(rates)

    def _node(self, j: int) -> None:
        s = self.rates[j - 1]
        step = (j & -j) >> 1
        while step > 0:
            s += self.tree[j - step]
            step >>= 1
        self.tree[j] = s

    def build(self, rates) -> None:
        r = [float(x) for x in rates]
        if len(r) != self.n:
            raise ValueError(f"rates: expected {self.n} numbers")
        self.rates = r + [0.0] * (self.size - self.n)
        for j in range(1, self.size + 1):
            self._node(j)

    def set(self, i: int, rate: float) -> None:
        if self.rates[i] == rate:
            return
        self.rates[i] = rate
        j = i + 1
        while j <= self.size:
            self._node(j)
            j += j & -j

    def total(self) -> float:
        return self.tree[self.size]

    def select(self, target: float) -> int:
        pos, step, tree = 0, self.size >> 1, self.tree
        while step > 0:
            v = tree[pos + step]
            if v <= target:
                target -= v
                pos += step
            step >>= 1
        while pos > 0 and self.rates[pos] <= 0.0:
            pos -= 1
        return pos
