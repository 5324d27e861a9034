"""The Pearson-Anson cell design used by the pipeline's neuron/oscillator stages, without a pipeline."""

import pytest

from compact.mott import MottThermal
from matsim.network.pearson_anson import membrane_capacitance, pearson_anson_cell


def test_cell_sits_on_the_ndr_branch_with_a_slow_electrical_node():
    device = MottThermal.nbo2()
    i_th, i_hold, v_th, _ = device.ndr_window()
    cell, i_op = pearson_anson_cell(device, drive_over_threshold=2.0, rc_over_tau=20.0)
    assert i_th < i_op <= 0.5 * (i_th + i_hold)                       # between threshold and hold: NDR branch
    # load line through the operating point: V_s - I_op R_s is the device voltage at I_op
    assert cell.V_s - i_op * cell.R_s == pytest.approx(device.steady_voltage_at_current(i_op), rel=1e-9)
    assert cell.R_s == pytest.approx(20 * v_th / i_op)
    # R C at threshold is 20 thermal times R_th C_th
    assert cell.C * v_th / i_th == pytest.approx(20 * device.p.R_th * device.p.C_th, rel=1e-12)
    assert membrane_capacitance(device, 5.0) == pytest.approx(cell.C / 4)
