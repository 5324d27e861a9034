"""Relaxation oscillations beyond 8x4 cells (fast core; slow).

VO2 (r 100 nm, L 50 nm) in the R_s = 100 kOhm, C = 20 fF, V_s = 22.5 V cell: the frequency is not
grid-converged -- refining the grid raises the threshold of the insulating branch (5.2 V at 8x4,
5.45 V at 0.175 mA at 32x16), until the load line meets the insulating branch below the fold and the
device settles: 0.63 GHz at 8x4, 0.48 GHz at 16x8, no oscillation at 32x16 (and 64x32).  On fine
grids the current-controlled S-curve snaps from 5.45 V to 0.42 V within 7 uA (a dV/dI of ~ -1 MOhm),
so a 100 kOhm load line cannot cross the NDR alone.

NbO2 (r 50 nm, L 20 nm, 100 kOhm, 10 fF, load line through the NDR of the 8x5-cell I-V) self-
oscillates in the GHz range (3.8 GHz at V_s = 20.9 V) and settles at V_s = 14 V.  The same grid
caveat holds: at 16x10 cells the 4.9 V / 20 kOhm / 10 fF cell that oscillates at 8x5 (2.3 GHz)
settles on the insulating branch.
"""

import numpy as np
import pytest

from continuum import Circuit, MottFilament
from continuum.lumped import oscillation_frequency

VO2_CELL = Circuit(22.5, 1e5, 2e-14)


@pytest.mark.slow
def test_vo2_oscillation_frequency_depends_on_the_grid_and_stops_at_32x16():
    f = {}
    for cells in ((16, 8), (32, 16)):
        dev = MottFilament("VO2", "axisymmetric", 100e-9, 50e-9, cells, 300.0, VO2_CELL, tol_T=1e-2)
        ds = dev.transient(8e-9, 1e-10, n_snapshots=0)
        f[cells] = oscillation_frequency(ds.t, ds.V, discard=0.2)
        if cells == (32, 16):
            assert ds.T_max.values[-1] < 340.0              # settled on the insulating branch
            assert 5.3 < float(ds.V[-1]) < 5.6
    assert 0.35e9 < f[(16, 8)] < 0.6e9                      # slower than the 0.63 GHz at 8x4
    assert f[(32, 16)] == 0.0


@pytest.mark.slow
def test_nbo2_load_line_through_the_ndr_oscillates_in_the_ghz_range():
    dev = MottFilament("NbO2", "axisymmetric", 50e-9, 20e-9, (8, 5), 300.0, Circuit(20.9, 1e5, 1e-14), tol_T=1e-2)
    ds = dev.transient(4e-9, 1e-10, n_snapshots=0)
    f = oscillation_frequency(ds.t, ds.V, discard=0.2)
    assert 1e9 < f < 10e9
    assert ds.T_max.values.max() > 1070.0                     # each spike crosses the NbO2 IMT
    assert np.ptp(ds.V.values[len(ds.t) // 2:]) > 1.0       # full swing between threshold and holding
    # a load line meeting the insulating branch (V_s = 14 V): a steady state
    dev.circuit = Circuit(14.0, 1e5, 1e-14)
    dev.reset()
    off = dev.transient(3e-9, 1e-10, n_snapshots=0)
    assert oscillation_frequency(off.t, off.V, discard=0.3) == 0.0
    assert off.T_max.values[-1] < 1070.0
