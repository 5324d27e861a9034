"""Check a size before allocating it: an estimate of the bytes a command needs against available memory.

``MemAvailable`` from ``/proc/meminfo`` (Linux), else physical pages x page size; None when unknown
(then no check). A size that does not fit is one :class:`~matsim.core.errors.ConfigError` naming
the option, e.g. ``--size: got 100000; expected a size whose arrays fit in memory (needs ~596 GiB,
21.7 GiB available)`` -- instead of numpy's ``_ArrayMemoryError`` after minutes of work.
"""

from __future__ import annotations

import os

from matsim.core.errors import ConfigError

#: use at most this fraction of the available memory
FRACTION = 0.8


def available_bytes() -> int | None:
    """Memory the OS can give this process now (bytes), or None when unknown."""
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def human_bytes(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(n) < 1024 or unit == "TiB":
            return f"{n:.3g} {unit}"
        n /= 1024
    return f"{n:.3g} TiB"


def check_memory(field: str, value, n_bytes: float, what: str = "arrays", available: int | None = None) -> None:
    """Raise :class:`ConfigError` naming ``field`` when ``n_bytes`` exceeds 80 % of available memory."""
    avail = available_bytes() if available is None else available
    if avail is not None and n_bytes > FRACTION * avail:
        raise ConfigError(field, value, f"a size whose {what} fit in memory (needs ~{human_bytes(n_bytes)}, "
                          f"{human_bytes(avail)} available)")
