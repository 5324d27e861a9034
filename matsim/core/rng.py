"""Explicit random streams: same seed -> same result, on 1 or N MPI ranks.

``make_rng(seed, stream=i)`` is the i-th child of ``SeedSequence(seed)`` (identical to
``SeedSequence(seed).spawn(n)[i]``), so a device, ensemble member or rank that owns stream ``i``
draws the same numbers however the work is distributed.
"""

from __future__ import annotations

import numpy as np

from matsim.core.errors import ConfigError

SeedLike = int | None | np.random.SeedSequence | np.random.Generator


def seed_sequence(seed: SeedLike, stream: int | tuple[int, ...] | None = None) -> np.random.SeedSequence:
    """The :class:`numpy.random.SeedSequence` for ``seed`` and child ``stream``."""
    if isinstance(seed, np.random.Generator):
        raise ConfigError("seed", seed, "an int, None or a SeedSequence (a Generator cannot be re-seeded)")
    if isinstance(seed, np.random.SeedSequence):
        base = seed
    elif seed is None or (isinstance(seed, (int, np.integer)) and not isinstance(seed, bool) and seed >= 0):
        base = np.random.SeedSequence(seed)
    else:
        raise ConfigError("seed", seed, "a non-negative int, None or a numpy SeedSequence")
    if stream is None:
        return base
    key = (stream,) if isinstance(stream, (int, np.integer)) else tuple(stream)
    return np.random.SeedSequence(base.entropy, spawn_key=tuple(base.spawn_key) + tuple(int(k) for k in key),
                                  pool_size=base.pool_size)


def make_rng(seed: SeedLike = None, stream: int | tuple[int, ...] | None = None) -> np.random.Generator:
    """A PCG64 :class:`numpy.random.Generator`. A Generator passed in is returned unchanged."""
    if isinstance(seed, np.random.Generator) and stream is None:
        return seed
    return np.random.Generator(np.random.PCG64(seed_sequence(seed, stream)))


def spawn(seed: SeedLike, n: int) -> list[np.random.Generator]:
    """``n`` independent generators, child streams 0..n-1 of ``seed``."""
    if not isinstance(n, (int, np.integer)) or n < 0:
        raise ConfigError("n", n, "an integer >= 0")
    return [make_rng(seed, stream=i) for i in range(n)]
