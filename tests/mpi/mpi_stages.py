"""Stages for the MPI pipeline tests (imported by the tests and by their ``mpiexec`` subprocesses)."""

import os
import socket
import tempfile

import numpy as np

from matsim.core.errors import ConfigError
from matsim.core.parallel import get_comm, map_tasks
from matsim.pipeline import StageConfig, register_stage
from matsim.pipeline.mpi import uses_ranks


@register_stage("_mpi_vibrations")
def vibrations(ctx):
    """Serial stage: ase Vibrations of one atom in EMT Cu (the cache that broke under mpiexec)."""
    from ase.build import bulk
    from ase.calculators.emt import EMT

    from matsim.dft.vineyard import vibrational_frequencies
    atoms = bulk("Cu", "fcc", a=3.6, cubic=True)
    f = vibrational_frequencies(atoms, EMT(), indices=[0])
    np.save(ctx.out_dir / "freqs.npy", f)
    return {"rank": get_comm().Get_rank(), "n_modes": len(f), "max_THz": float(np.max(np.abs(f))) / 1e12,
            "tmp_left": sorted(p for p in os.listdir(tempfile.gettempdir())
                               if p.startswith(f"matsim_vib_{socket.gethostname()}_r{get_comm().Get_rank()}_p{os.getpid()}_"))}


class SquaresConfig(StageConfig):
    n: int = 6
    fail_on_rank: int | None = None


class BadConfig(StageConfig):
    x: float | None = None


@register_stage("_mpi_squares", SquaresConfig)
@uses_ranks
def squares(ctx):
    """Parallel stage: tasks spread over the ranks, gathered in order."""
    out = map_tasks(lambda k: (k * k, get_comm().Get_rank()), list(range(ctx.config.n)))
    if ctx.config.fail_on_rank == get_comm().Get_rank():
        raise RuntimeError(f"deliberate failure on rank {get_comm().Get_rank()}")
    get_comm().Barrier()           # the other ranks wait here: without abort this would hang
    return {"squares": [v for v, _ in out], "ranks": sorted({r for _, r in out})}


@register_stage("_mpi_bad_config", BadConfig)
def bad_config(ctx):
    """Serial stage that fails with a user error on rank 0."""
    raise ConfigError(f"{ctx.stage_id}.params.x", ctx.config.x, "a number > 0")
