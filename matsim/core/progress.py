"""Progress bars for long work: tqdm, silent when ``quiet`` or when stderr is not a terminal."""

from __future__ import annotations

import os
import sys

from tqdm.auto import tqdm


def progress_enabled(quiet: bool = False) -> bool:
    if quiet or os.environ.get("MATSIM_QUIET"):
        return False
    return sys.stderr.isatty()


def progress(iterable=None, total=None, desc: str = "", quiet: bool = False, unit: str = "it", **kw):
    """A tqdm bar (disabled when not interactive); use as an iterator or with ``.update(n)``."""
    return tqdm(iterable, total=total, desc=desc, unit=unit, disable=not progress_enabled(quiet),
                dynamic_ncols=True, **kw)
