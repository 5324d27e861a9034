"""Under ``mpiexec -n 2``: KMC ensembles equal the serial run; the decomposed lattice gas conserves
particles across rank boundaries and reproduces the serial engine's D and v."""

import numpy as np
import pytest

from kmc.decomposition import DecomposedLatticeGas, transport_coefficients
from kmc.parallel import run_ensemble
from kmc.validation import lattice_gas_drift
from matsim.core.errors import ConfigError
from matsim.core.parallel import SerialComm, get_comm

CFG = {"electrode": "Ag", "protocol": {"cycles": 2, "n_points": 9, "dwell_s": 0.1}}


def test_ensemble_identical_to_serial():
    comm = get_comm()
    assert comm.Get_size() == 2
    par = run_ensemble(CFG, 3, comm=comm, seed=11)
    ser = run_ensemble(CFG, 3, comm=SerialComm(), seed=11)
    for name in ("V_set", "V_reset", "R_HRS", "R_LRS", "V_forming"):
        np.testing.assert_array_equal(par[name].values, ser[name].values)
    assert par.attrs["n_ranks"] == 2


def test_more_ranks_than_devices_is_an_error():
    with pytest.raises(ConfigError, match="ranks"):
        run_ensemble(CFG, 1, comm=get_comm())


def test_decomposed_lattice_gas_conserves_and_matches_serial_D_and_v():
    comm = get_comm()
    kw = dict(Ea_eV=0.5, T_K=300.0, E_field_V_per_m=5e7, n_particles=4000, spacing_m=2.5e-10)
    gas = DecomposedLatticeGas(shape=(16, 16, 16), seed=3, comm=comm, **kw)
    t = 40.0 / gas.hop.sum()
    gas.run(t)
    assert gas.total_particles() == 4000
    assert gas.n_migrated > 0 and comm.allreduce(gas.n_migrated) > 100   # particles did cross ranks
    d = gas.displacements()                 # raises if a particle was lost or duplicated
    par = transport_coefficients(d, t)
    # the serial engine over the same time t = 40/R1 (R1: total hop rate of one particle)
    ser = lattice_gas_drift(hops_per_particle=40.0, shape=(16, 16, 16), seed=3, **kw)
    sig_D = np.hypot(par["D_err"], ser["D_err"])
    sig_v = np.hypot(par["v_err"], ser["v_err"])
    assert abs(par["D"] - ser["D"]) < 4 * sig_D
    assert abs(par["v"] - ser["v"]) < 4 * sig_v
    assert abs(par["D"] - ser["D_analytic"]) < 4 * par["D_err"]
    assert abs(par["v"] - ser["v_analytic"]) < 4 * par["v_err"]
