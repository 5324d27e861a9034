"""A Pearson-Anson relaxation-oscillator cell designed around a Mott threshold switch.

The cell (Pearson & Anson, Proc. Phys. Soc. 34, 204 (1921); Mott devices: Pickett, Medeiros-Ribeiro &
Williams, Nat. Mater. 12, 114 (2013)) is a source V_s behind a series resistor R_s with a capacitor C
across the device. It oscillates when the load line crosses the device's NDR branch once and the
electrical node is slower than the thermal one. The two functions here choose R_s, V_s and C for a
device with an ``ndr_window()`` (e.g. :class:`compact.mott.MottThermal`): the definitions the pipeline's
``mott_neuron`` and ``coupled_oscillators`` stages use.
"""

from __future__ import annotations

from matsim.network.oscillators import Cell


def membrane_capacitance(device, rc_over_tau: float = 20.0) -> float:
    """C (F) whose charging time through the device's threshold resistance is ``rc_over_tau`` thermal
    times R_th C_th: the electrical node is slower than the thermal one (relaxation oscillations)."""
    i_th, _, v_th, _ = device.ndr_window()
    return rc_over_tau * device.p.R_th * device.p.C_th * i_th / v_th


def pearson_anson_cell(device, drive_over_threshold: float = 2.0, rc_over_tau: float = 20.0):
    """A Pearson-Anson cell biased nearly as a current source at ``drive_over_threshold`` times the
    threshold current: R_s = 20 V_th / I_op (load line almost flat, one crossing, on the NDR branch),
    V_s = V(I_op) + I_op R_s, C from :func:`membrane_capacitance`."""
    i_th, i_hold, v_th, _ = device.ndr_window()
    i_op = min(drive_over_threshold * i_th, 0.5 * (i_th + i_hold))
    R_s = 20 * v_th / i_op
    return Cell(device, device.steady_voltage_at_current(i_op) + i_op * R_s, R_s,
                membrane_capacitance(device, rc_over_tau)), i_op
