"""Smooth (C-infinity) replacements for the ``if``s of compact models.

Export to ngspice B-sources and Verilog-A needs equations without hard branches on voltage or state
(Wang & Roychowdhury, "Well-posed models of memristive devices", arXiv:1605.04897 (2016)). The
recipe used by every model here:

* polarity split: ``v_pos = softplus(v)``, ``v_neg = v - v_pos`` (``v_pos >= 0 >= v_neg``,
  ``v_pos + v_neg = v``; each equals ``max(v, 0)`` / ``min(v, 0)`` up to ``V_s ln 2`` near 0);
* SET/RESET kinetics are evaluated on the split voltages, so each branch has a fixed sign;
* the branch that moves the state toward a bound is multiplied by a boundary window that is 0 at
  the bound, 1 inside and smooth: ``1 - exp(-(x - lo)/delta)`` -> the bounds are invariant;
* ``smooth_step(z)`` = (1 + tanh z)/2 replaces Heaviside gates (thresholds).
"""

from __future__ import annotations

import numpy as np


def softplus(v, scale: float):
    """scale * ln(1 + exp(v/scale)) (>= 0, -> max(v, 0) for |v| >> scale), overflow-safe."""
    v = np.asarray(v, dtype=float)
    z = v / scale
    return scale * (np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z))))


#: argument above which :func:`limexp` continues exp linearly (as Verilog-A's limexp)
LIMEXP_MAX = 80.0


def limexp(a):
    """exp(a) up to a = 80, continued linearly above (value and slope continuous): exp(80) (a - 79).

    The same function is written into the ngspice and Verilog-A exports (``compact.export.expr``), so
    Newton iterates far outside the device range (e.g. 60 V on a sinh(V/0.25 V)) stay finite everywhere.
    """
    a = np.asarray(a, dtype=float)
    return np.exp(np.minimum(a, LIMEXP_MAX)) * (1.0 + np.maximum(a - LIMEXP_MAX, 0.0))


def limsinh(a):
    """sinh built from :func:`limexp`: (limexp(a) - limexp(-a))/2 (= sinh for |a| <= 80)."""
    a = np.asarray(a, dtype=float)
    return 0.5 * (limexp(a) - limexp(-a))


def split_polarity(v, scale: float):
    """(v_pos, v_neg): smooth positive and negative parts of ``v`` (same units), v_pos + v_neg = v."""
    v = np.asarray(v, dtype=float)
    vp = softplus(v, scale)
    return vp, v - vp


def smooth_step(z):
    """(1 + tanh z) / 2: a Heaviside step of unit width in ``z``."""
    return 0.5 * (1.0 + np.tanh(np.asarray(z, dtype=float)))


def window_from_lower(x, lo: float, delta: float):
    """Boundary window for motion toward the lower bound: 0 at ``lo``, -> 1 for x - lo >> delta."""
    return -np.expm1(-np.maximum(np.asarray(x, dtype=float) - lo, 0.0) / delta)


def window_from_upper(x, hi: float, delta: float):
    """Boundary window for motion toward the upper bound: 0 at ``hi``, -> 1 for hi - x >> delta."""
    return -np.expm1(-np.maximum(hi - np.asarray(x, dtype=float), 0.0) / delta)


def stack_rate(rate, x):
    """Return a state-rate array shaped like ``x`` (adds the leading state axis for 1-state models)."""
    rate = np.asarray(rate, dtype=float)
    x = np.asarray(x)
    if rate.ndim == x.ndim - 1:
        return rate[None, ...]
    return np.broadcast_to(rate, x.shape).copy() if rate.shape != x.shape else rate
