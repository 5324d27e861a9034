"""Stages under ``mpiexec``: serial stages on rank 0 with the result broadcast, parallel stages on all ranks.

* A stage is *serial* unless its run function is marked with :func:`uses_ranks` (then every rank calls
  it and it splits its work itself, e.g. with :func:`matsim.core.parallel.map_tasks`). A serial stage
  runs on rank 0 only; the other ranks wait without spinning (non-blocking barrier polled every
  50 ms) and receive its summary and figure list by broadcast. While it runs, ase's ``world`` is a
  one-process communicator (:func:`matsim.core.parallel.serial_ase_world`), so ase objects such as
  ``Vibrations`` do not try to coordinate with ranks that are not running them.
* An error in a serial stage is broadcast too, so every rank raises the same
  :class:`~matsim.core.errors.MatsimError` (marked ``agreed``): rank 0 prints it, all exit with status 2.
* A :class:`~matsim.core.errors.MatsimError` raised on *every* rank (e.g. a bad config checked by all
  ranks before any work) is recognised as such by a barrier on a private communicator (made by
  :func:`matsim.core.mpi_errors.prepare` at start-up) that completes within ``AGREE_S``: rank 0
  prints it, all exit 2.
* Any other exception, on any rank (e.g. inside a parallel stage while other ranks wait in a
  collective), is printed with its rank by :func:`matsim.core.mpi_errors.abort_on_error` and ends
  the whole job with ``comm.Abort`` -- never a hang.
"""

from __future__ import annotations

import time
from typing import Callable

from matsim.core.errors import MatsimError
from matsim.core.parallel import serial_ase_world

#: how often a waiting rank checks whether rank 0 finished a serial stage (s)
POLL_S = 0.05


def uses_ranks(fn: Callable) -> Callable:
    """Mark a stage's run function as MPI-parallel: every rank calls it (it splits the work itself)."""
    fn.mpi_parallel = True
    return fn


def is_parallel(stage) -> bool:
    return bool(getattr(stage.run, "mpi_parallel", False) or getattr(stage, "parallel", False))


class RankError(MatsimError):
    """An error raised on another rank and broadcast (message text only; the type is in the message)."""


def _wait(comm) -> None:
    """Barrier that sleeps between polls (an idle rank does not take a core from the working one)."""
    if not hasattr(comm, "Ibarrier"):
        comm.Barrier()
        return
    req = comm.Ibarrier()
    while not req.Test():
        time.sleep(POLL_S)


def run_stage(stage, ctx, comm) -> tuple[dict, list[str]]:
    """Run ``stage`` for ``ctx`` on the right ranks; every rank returns rank 0's (summary, figures)."""
    if comm.Get_size() == 1:
        return stage.run(ctx) or {}, list(ctx.figures)
    if is_parallel(stage):
        summary = stage.run(ctx) or {}
        return comm.bcast((summary, list(ctx.figures)), root=0)
    if comm.Get_rank() == 0:
        try:
            with serial_ase_world():
                result = ("ok", stage.run(ctx) or {}, list(ctx.figures))
        except MatsimError as exc:
            _wait(comm)
            comm.bcast(("error", type(exc).__name__, str(exc)), root=0)
            exc.agreed = True
            raise
        except BaseException as exc:            # noqa: B036 -- tell the waiting ranks, then re-raise
            _wait(comm)
            comm.bcast(("fatal", type(exc).__name__, f"{type(exc).__name__}: {exc}"), root=0)
            exc.agreed = True
            raise
        _wait(comm)
        comm.bcast(result, root=0)
        return result[1], result[2]
    _wait(comm)
    result = comm.bcast(None, root=0)
    if result[0] != "ok":
        err = RankError(f"(from rank 0) {result[2]}")
        err.agreed = True
        raise err
    return result[1], result[2]
