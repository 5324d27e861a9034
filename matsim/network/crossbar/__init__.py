"""Crossbar arrays of compact-model devices: exact nonlinear nodal solve, peripherals, DNN.

>>> import numpy as np
>>> from matsim.network.crossbar import Crossbar
>>> xb = Crossbar(64, 64, 1e-4, r_wire_row=1.0, r_wire_col=1.0)
>>> sol = xb.solve(np.full(64, 0.2))          # sol.i_out: bit-line currents (A)
"""

from matsim.network.crossbar.array import Crossbar, CrossbarSolution
from matsim.network.crossbar.cells import (DeviceElement, FixedConductance, LinearTransistor, SeriesCell,
                                           make_cell)

__all__ = ["Crossbar", "CrossbarSolution", "FixedConductance", "DeviceElement", "LinearTransistor",
           "SeriesCell", "make_cell"]
