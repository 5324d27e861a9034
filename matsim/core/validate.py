"""Argument checks that raise one clear :class:`ConfigError` naming the field.

>>> positive("T_K", -5, "K")
Traceback (most recent call last):
...
matsim.core.errors.ConfigError: T_K: got -5; expected a finite number > 0 K
"""

from __future__ import annotations

import math

import numpy as np

from matsim.core.errors import ConfigError


def _finite(field: str, value, expected: str):
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ConfigError(field, value, expected) from None
    if not np.all(np.isfinite(arr)):
        raise ConfigError(field, value, expected)
    return arr


def finite(field: str, value, unit: str = ""):
    """``value`` as float (or array) if every element is finite."""
    arr = _finite(field, value, f"finite numbers{' in ' + unit if unit else ''}")
    return float(arr) if arr.ndim == 0 else arr


def positive(field: str, value, unit: str = ""):
    """``value`` if finite and > 0."""
    expected = f"a finite number > 0{' ' + unit if unit else ''}"
    arr = _finite(field, value, expected)
    if not np.all(arr > 0):
        raise ConfigError(field, value, expected)
    return float(arr) if arr.ndim == 0 else arr


def non_negative(field: str, value, unit: str = ""):
    """``value`` if finite and >= 0."""
    expected = f"a finite number >= 0{' ' + unit if unit else ''}"
    arr = _finite(field, value, expected)
    if not np.all(arr >= 0):
        raise ConfigError(field, value, expected)
    return float(arr) if arr.ndim == 0 else arr


def in_range(field: str, value, lo: float, hi: float, unit: str = "", inclusive: bool = True):
    """``value`` if finite and within [lo, hi] (or (lo, hi) when ``inclusive=False``)."""
    br = "[]" if inclusive else "()"
    expected = f"a number in {br[0]}{lo:g}, {hi:g}{br[1]}{' ' + unit if unit else ''}"
    arr = _finite(field, value, expected)
    ok = (arr >= lo) & (arr <= hi) if inclusive else (arr > lo) & (arr < hi)
    if not np.all(ok):
        raise ConfigError(field, value, expected)
    return float(arr) if arr.ndim == 0 else arr


def temperature(field: str, value):
    """A temperature in K: finite and > 0."""
    return positive(field, value, "K")


def positive_int(field: str, value, minimum: int = 1) -> int:
    """An integer >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ConfigError(field, value, f"an integer >= {minimum}")
    return int(value)


def one_of(field: str, value, choices):
    """``value`` if it is one of ``choices``."""
    if value not in choices:
        raise ConfigError(field, value, "one of " + ", ".join(repr(c) for c in choices))
    return value


def parse_floats(field: str, text: str, unit: str = "", finite_only: bool = True) -> list[float]:
    """Comma-separated numbers from a CLI option, e.g. ``--currents 1e-4,2e-4``; one ConfigError naming
    the bad item (position and text) instead of a ``ValueError`` traceback."""
    from matsim.core.errors import ConfigError
    items = [s.strip() for s in str(text).split(",")]
    if not any(items):
        raise ConfigError(field, text, f"comma-separated numbers{f' ({unit})' if unit else ''}")
    out = []
    for k, s in enumerate(items, start=1):
        try:
            v = float(s)
        except ValueError:
            raise ConfigError(field, text, f"comma-separated numbers{f' ({unit})' if unit else ''}; "
                              f"item {k} is {s!r}") from None
        if finite_only and not math.isfinite(v):
            raise ConfigError(field, text, f"finite numbers; item {k} is {s!r}")
        out.append(v)
    return out
