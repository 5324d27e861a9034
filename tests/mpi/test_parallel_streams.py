"""Run under ``mpiexec -n 2``: per-rank streams are distinct and reproducible; gathers are ordered."""

import numpy as np

from matsim.core.parallel import get_comm, map_tasks, rank_rng
from matsim.core.rng import make_rng


def test_two_ranks():
    assert get_comm().Get_size() == 2


def test_rank_streams_distinct_and_reproducible():
    comm = get_comm()
    draws = rank_rng(123, comm).random(4)
    again = rank_rng(123, comm).random(4)
    np.testing.assert_array_equal(draws, again)
    everyone = comm.allgather(draws)
    assert not np.allclose(everyone[0], everyone[1])
    np.testing.assert_array_equal(everyone[comm.Get_rank()], make_rng(123, stream=comm.Get_rank()).random(4))


def test_map_tasks_independent_of_rank_count():
    def task(i):
        return float(make_rng(7, stream=i).normal())
    parallel = map_tasks(task, list(range(10)), get_comm())
    serial = [task(i) for i in range(10)]
    assert parallel == serial
