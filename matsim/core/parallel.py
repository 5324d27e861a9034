"""Thin mpi4py helpers that also work without MPI (a size-1 communicator).

Work is split by task index, and each task carries its own random stream
(:func:`matsim.core.rng.make_rng(seed, stream=task_index)`), so the gathered result is the same on
1 or N ranks::

    comm = get_comm()
    results = map_tasks(simulate_device, range(64), comm)   # ordered list, on every rank

Set ``MATSIM_NO_MPI=1`` to force serial mode even when mpi4py is installed.
"""

from __future__ import annotations

import os
from typing import Any, Callable, Iterable, Sequence

import numpy as np

from matsim.core.rng import make_rng


class SerialComm:
    """The subset of the mpi4py communicator API matsim uses, for one process."""

    def Get_rank(self) -> int:
        return 0

    def Get_size(self) -> int:
        return 1

    rank = property(Get_rank)
    size = property(Get_size)

    def Barrier(self) -> None:
        return None

    barrier = Barrier

    def bcast(self, obj, root: int = 0):
        return obj

    def gather(self, obj, root: int = 0):
        return [obj]

    def allgather(self, obj):
        return [obj]

    def scatter(self, objs, root: int = 0):
        return objs[0]

    def allreduce(self, obj, op=None):
        return obj

    def reduce(self, obj, op=None, root: int = 0):
        return obj

    def sendrecv(self, sendobj, dest=0, source=0, **kw):
        return sendobj


_COMM = None


def mpi_available() -> bool:
    """True when mpi4py imports and an MPI library is loaded."""
    if os.environ.get("MATSIM_NO_MPI"):
        return False
    try:
        from mpi4py import MPI  # noqa: F401
    except Exception:
        return False
    return True


def get_comm():
    """``MPI.COMM_WORLD`` when mpi4py works, else a :class:`SerialComm`."""
    global _COMM
    if _COMM is None:
        if mpi_available():
            from mpi4py import MPI
            _COMM = MPI.COMM_WORLD
        else:
            _COMM = SerialComm()
    return _COMM


def mpi_library_version() -> str | None:
    """The MPI library's own version string, or None without MPI."""
    if not mpi_available():
        return None
    from mpi4py import MPI
    return MPI.Get_library_version().strip().splitlines()[0]


def scatter_tasks(tasks: Sequence[Any], comm=None) -> list[tuple[int, Any]]:
    """This rank's share of ``tasks`` as ``(index, task)`` pairs (round-robin by index)."""
    comm = comm or get_comm()
    rank, size = comm.Get_rank(), comm.Get_size()
    return [(i, t) for i, t in enumerate(tasks) if i % size == rank]


def gather_results(local: Iterable[tuple[int, Any]], comm=None, root: int | None = None) -> list[Any] | None:
    """Collect ``(index, result)`` pairs from all ranks into one list ordered by index.

    With ``root=None`` every rank gets the list (allgather); otherwise only ``root`` does and the
    other ranks get None.
    """
    comm = comm or get_comm()
    local = list(local)
    parts = comm.allgather(local) if root is None else comm.gather(local, root=root)
    if parts is None:
        return None
    merged = sorted((pair for part in parts for pair in part), key=lambda p: p[0])
    return [r for _, r in merged]


def map_tasks(fn: Callable[[Any], Any], tasks: Sequence[Any], comm=None, root: int | None = None):
    """Apply ``fn`` to every task, spread over ranks; results ordered as ``tasks``."""
    comm = comm or get_comm()
    local = [(i, fn(t)) for i, t in scatter_tasks(tasks, comm)]
    return gather_results(local, comm, root=root)


def rank_rng(seed, comm=None) -> np.random.Generator:
    """A generator for this rank: child stream ``rank`` of ``seed``. Use per-task streams when the
    result must not depend on the number of ranks."""
    comm = comm or get_comm()
    return make_rng(seed, stream=comm.Get_rank())


def serial_ase_world():
    """Context manager: ase's global ``world`` is a one-process communicator inside the block.

    Under ``mpiexec`` ase otherwise coordinates file caches (``Vibrations``, ``opencew``) across
    all ranks: a computation run on one rank only then hangs, and per-rank temporary folders lose
    the results that only rank 0 writes (``KeyError`` in the ``Vibrations`` cache).
    """
    import contextlib

    @contextlib.contextmanager
    def _ctx():
        try:
            import ase.parallel as ap
        except ImportError:
            yield
            return
        world = ap.world
        if not hasattr(world, "__dict__") or "comm" not in type(world).__init__.__code__.co_names:
            yield                        # an ase whose world is not the lazy wrapper: leave it alone
            return
        old = world.__dict__.get("comm")
        world.comm = ap.DummyMPI()
        try:
            yield
        finally:
            world.comm = old
    return _ctx()
