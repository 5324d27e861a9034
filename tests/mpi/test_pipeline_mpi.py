"""The workflow runner under ``mpiexec -n 2``: serial stages on rank 0 with the result broadcast (ase
Vibrations in dft_barrier used to KeyError on rank 1 and leave rank 0 spinning forever), parallel stages
on every rank, errors end the whole job with the message instead of a hang."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from matsim.core.errors import MatsimError
from matsim.core.parallel import get_comm
from matsim.pipeline import Pipeline

sys.path.insert(0, str(Path(__file__).parent))
import mpi_stages  # noqa: F401  (registers the test stages)

ROOT = Path(__file__).resolve().parents[2]
MPIEXEC = Path(sys.executable).parent / "mpiexec"


@pytest.fixture
def shared_tmp():
    """One folder for all ranks (pytest's tmp_path differs per rank); removed afterwards."""
    import shutil
    import tempfile
    comm = get_comm()
    path = Path(comm.bcast(tempfile.mkdtemp(prefix="matsim_mpitest_") if comm.Get_rank() == 0 else None, root=0))
    yield path
    comm.Barrier()
    if comm.Get_rank() == 0:
        shutil.rmtree(path, ignore_errors=True)


def _workflow(folder, stages, name="wf"):
    path = folder / f"{name}.yaml"
    if get_comm().Get_rank() == 0:
        path.write_text(yaml.safe_dump({"name": name, "seed": 5, "stages": stages}))
    get_comm().Barrier()
    return path


def test_serial_stage_on_rank0_parallel_stage_on_all_ranks(shared_tmp):
    comm = get_comm()
    assert comm.Get_size() == 2
    d = shared_tmp
    wf = _workflow(d, [{"stage": "_mpi_vibrations"}, {"stage": "_mpi_squares", "params": {"n": 6}}])
    out = Pipeline.from_yaml(wf, run_dir=d / "run", quiet=True).run()
    vib, sq = out["_mpi_vibrations"], out["_mpi_squares"]
    assert vib["rank"] == 0 and vib["n_modes"] == 3            # computed once, on rank 0, broadcast
    assert vib["tmp_left"] == []                                # the per-rank cache folder is gone
    assert sq["squares"] == [k * k for k in range(6)] and sq["ranks"] == [0, 1]
    assert comm.allgather(out) == [out, out]                    # every rank holds the same summaries


def test_serial_stage_error_reaches_every_rank(shared_tmp):
    d = shared_tmp
    wf = _workflow(d, [{"stage": "_mpi_bad_config", "params": {"x": -1}}])
    with pytest.raises(MatsimError, match=r"_mpi_bad_config.params.x: got -1") as exc:
        Pipeline.from_yaml(wf, run_dir=d / "run", quiet=True).run()
    assert exc.value.agreed                     # printed once by rank 0, no MPI_Abort needed
    get_comm().Barrier()
    assert "FAILED at stage _mpi_bad_config" in (d / "run" / "report.md").read_text()


def _mpiexec(args, timeout):
    """Run ``mpiexec -n 2 ...`` from rank 0 (outside this job's MPI environment); result on all ranks."""
    comm = get_comm()
    res = None
    if comm.Get_rank() == 0:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PMI_", "PMIX_", "HYDRA_", "MPIR_", "OMPI_"))}
        env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(Path(__file__).parent)])
        t0 = time.perf_counter()
        p = subprocess.run([str(MPIEXEC), "-n", "2", *args], capture_output=True, text=True, timeout=timeout, env=env)
        res = (p.returncode, p.stdout, p.stderr, time.perf_counter() - t0)
    return comm.bcast(res, root=0)


def test_mpiexec_matsim_run_small_workflow_completes(shared_tmp):
    """The documented command, on a small real workflow (EMT dft_barrier, then a material stage)."""
    d = shared_tmp
    wf = _workflow(d, [{"stage": "dft_barrier", "params": {"material": "HfO2", "emt_metal": "Cu"}},
                       {"stage": "materials", "params": {"material": "HfO2"}}])
    rc, out, err, _ = _mpiexec([str(Path(sys.executable).parent / "matsim"), "run", str(wf), "--out", str(d / "run")],
                               timeout=300)
    assert rc == 0, err
    assert out.count("report:") == 1 and (d / "run" / "report.md").is_file()
    assert "dft_barrier" in (d / "run" / "report.md").read_text()


def test_exception_on_one_rank_ends_the_job_with_the_message(shared_tmp):
    d = shared_tmp
    wf = _workflow(d, [{"stage": "_mpi_squares", "params": {"n": 4, "fail_on_rank": 1}}])
    code = ("import sys, mpi_stages; from matsim.cli import main; "
            f"sys.exit(main(['run', {str(wf)!r}, '--out', {str(d / 'run')!r}, '--quiet']))")
    rc, out, err, seconds = _mpiexec([sys.executable, "-c", code], timeout=120)
    assert rc != 0
    assert "matsim: error (rank 1 of 2): RuntimeError: deliberate failure on rank 1; aborting all ranks" in err
    assert seconds < 60          # start-up of two Pythons + abort; before: no end (rank 0 in Barrier forever)


def test_config_error_on_every_rank_is_one_message_and_exit_2(shared_tmp):
    """All ranks reject the workflow before any work: rank 0 prints it once, no MPI_Abort noise."""
    d = shared_tmp
    wf = _workflow(d, [{"stage": "kmc_switchin"}])
    rc, out, err, _ = _mpiexec([str(Path(sys.executable).parent / "matsim"), "run", str(wf)], timeout=120)
    assert rc == 2
    assert err.count("matsim: error: stage: got 'kmc_switchin'; expected one of") == 1 and "Abort" not in err
