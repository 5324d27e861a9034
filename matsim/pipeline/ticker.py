"""A live "running ... 12 s" line for a pipeline stage on a terminal (stages call their engines quietly).

Shown only on rank 0 and only when stderr is a terminal (:func:`matsim.core.progress.progress_enabled`);
a daemon thread refreshes a tqdm counter of elapsed seconds, so a 60 s KMC stage no longer looks hung.
"""

from __future__ import annotations

import contextlib
import threading

from tqdm.auto import tqdm

from matsim.core.progress import progress_enabled


@contextlib.contextmanager
def ticking(desc: str, quiet: bool = False, rank: int = 0, period_s: float = 0.5):
    """Context manager: an elapsed-time bar labelled ``desc`` while the block runs (TTY, rank 0 only)."""
    if quiet or rank != 0 or not progress_enabled(quiet):
        yield
        return
    bar = tqdm(total=None, desc=desc, unit="s", leave=False, dynamic_ncols=True,
               bar_format="{desc} running: {elapsed} elapsed")
    stop = threading.Event()

    def tick():
        while not stop.wait(period_s):
            bar.refresh()

    t = threading.Thread(target=tick, daemon=True)
    t.start()
    try:
        yield
    finally:
        stop.set()
        t.join()
        bar.close()
