"""Errors under ``mpiexec``: one message and a clean exit when every rank fails, ``MPI_Abort`` otherwise.

Used by ``matsim`` (:func:`matsim.cli.main`) for every command:

* :func:`prepare` (collective, at start-up when an MPI launcher started the process) makes a private
  communicator; a :class:`~matsim.core.errors.MatsimError` raised on *every* rank (e.g. a bad config
  that all ranks check before any work) completes a barrier on it within :data:`AGREE_S`, so rank 0
  prints the error once and every rank exits with status 2;
* an error marked ``agreed`` (broadcast by :func:`matsim.pipeline.mpi.run_stage`) needs no barrier;
* anything else -- an exception on one rank while the others wait in a collective -- is printed with
  its rank and ends the whole job with ``comm.Abort`` (never a hang).
"""

from __future__ import annotations

import os
import sys
import time
import traceback

from matsim.core.errors import MatsimError

#: how long a failing rank waits for the others to fail too before it aborts the job (s)
AGREE_S = 2.0
#: pause before ``MPI_Abort`` so the launcher forwards what this rank printed (the abort kills the
#: forwarding; without it the message was seen cut after its first line) (s)
ABORT_GRACE_S = 0.5
_ERR_COMM = None

#: environment variables set by MPI launchers (mpiexec/hydra, Open MPI, PMIx/Slurm)
LAUNCHER_VARS = ("PMI_RANK", "PMI_SIZE", "OMPI_COMM_WORLD_SIZE", "PMIX_RANK")


def launched_by_mpi() -> bool:
    """True when an MPI launcher started this process (its environment variables are set)."""
    return any(v in os.environ for v in LAUNCHER_VARS)


def prepare(comm) -> None:
    """Collective, at start-up on every rank: a private communicator for :func:`all_failed`."""
    global _ERR_COMM
    if comm.Get_size() > 1 and hasattr(comm, "Dup"):
        _ERR_COMM = comm.Dup()


def all_failed(timeout_s: float = AGREE_S) -> bool:
    """True when every rank reports a failure within ``timeout_s`` (never matches the ranks' own collectives)."""
    if _ERR_COMM is None:
        return False
    req = _ERR_COMM.Ibarrier()
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        if req.Test():
            return True
        time.sleep(0.01)
    return False


def abort_on_error(comm, exc: BaseException, code: int) -> int:
    """Print ``exc`` once and end the job: an error every rank agreed on exits normally with ``code``
    (rank 0 prints it); any other error on any rank is printed with its rank and ``comm.Abort(code)``."""
    size, rank = comm.Get_size(), comm.Get_rank()
    agreed = getattr(exc, "agreed", False)
    if size > 1 and not agreed and isinstance(exc, MatsimError) and all_failed():
        agreed = True
    if size > 1 and agreed:
        if rank == 0:
            print(f"matsim: error: {exc}", file=sys.stderr, flush=True)
        return code
    where = f" (rank {rank} of {size})" if size > 1 else ""
    if isinstance(exc, MatsimError):
        print(f"matsim: error{where}: {exc}", file=sys.stderr, flush=True)
    else:       # the one-line message first: it must survive the abort, the traceback is detail
        print(f"matsim: error{where}: {type(exc).__name__}: {exc}; aborting all ranks", file=sys.stderr, flush=True)
        traceback.print_exception(type(exc), exc, exc.__traceback__, file=sys.stderr)
        sys.stderr.flush()
    if size > 1:
        sys.stdout.flush()
        time.sleep(ABORT_GRACE_S)
        comm.Abort(code)
    return code
