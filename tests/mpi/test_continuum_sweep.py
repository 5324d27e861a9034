"""A tiny continuum sweep over MPI ranks gives the same rows as the serial run."""

import pytest

from matsim.core.parallel import SerialComm, get_comm

from continuum.sweep import run_sweep

CONFIG = {"material": "VO2", "geometry": "axisymmetric", "radius_m": 100e-9, "thickness_m": 50e-9,
          "n_cells": [5, 4], "lateral": "heat_sink", "circuit": {"V_source": 2.0, "R_series": 1e4},
          "experiment": "transient", "t_end": 1e-9, "dt": 2e-10}


@pytest.mark.mpi
def test_sweep_matches_serial():
    params = {"R_series": [1e3, 2e4], "V_source": [1.0, 2.0]}
    comm = get_comm()
    parallel = run_sweep(CONFIG, params, comm)
    serial = run_sweep(CONFIG, params, SerialComm()) if comm.Get_rank() == 0 else None
    if comm.Get_rank() == 0:
        assert len(parallel) == 4
        assert parallel == serial
        assert parallel[0]["T_max_final"] > 300.0
