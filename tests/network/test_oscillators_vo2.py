"""VO2 (compact.MottThermal) Pearson-Anson pair: in-phase through R, anti-phase through C."""

import numpy as np
import pytest

from compact import MottThermal
from matsim.network.oscillators import Cell, MottNetwork, analyze


@pytest.fixture(scope="module")
def vo2_cell():
    m = MottThermal.vo2()
    i_th, i_hold, v_th, _ = m.ndr_window()
    V_s, R_s = 10.0, 2e5
    assert i_th < (V_s - v_th) / R_s < i_hold          # load line crosses the NDR branch
    return Cell(m, V_s, R_s, 1e-12)


@pytest.mark.slow
@pytest.mark.parametrize("coupling, mode", [({"R_c": 2e5}, "in-phase"), ({"C_c": 2e-13}, "anti-phase")])
def test_vo2_pair_locks(vo2_cell, coupling, mode):
    period = 1.05e-7                                     # ~ free-running period of this cell
    ds = MottNetwork.pair(vo2_cell, **coupling).simulate(22 * period, n_out=5000, v0=[0.0, 1.2])
    a = analyze(ds)
    assert np.all(ds["T"].values.max(axis=1) > vo2_cell.device.p.T_transition)   # cells really switch
    assert a["locking"][1] > 0.98
    assert a["mode"] == mode


@pytest.mark.slow
def test_vo2_neuron_threshold_is_the_quasi_static_threshold_current():
    """Current-driven VO2 neuron (C = 1 pF): silent below the I-V threshold current, firing rate rising
    with the input above it."""
    from matsim.network.neurons import MottNeuron
    m = MottThermal.vo2()
    i_th = m.ndr_window()[0]
    n = MottNeuron(m, 1e-12)
    f = n.fI_curve(i_th * np.array([0.5, 0.9, 1.5, 3.0, 6.0]), t_end=2e-6)["rate"].values
    assert np.all(f[:2] == 0.0)
    assert np.all(f[2:] > 1e6) and np.all(np.diff(f[2:]) > 0)
