"""S-type NDR and current filaments in current-controlled quasi-static sweeps (VO2, NbO2)."""

import numpy as np
import pytest

from continuum import MottFilament


def _ndr(ds):
    V, I = ds.V.values, ds.I.values
    slope = np.diff(V) / np.diff(I)
    return slope


def test_vo2_s_ndr_and_filament():
    dev = MottFilament("VO2", "axisymmetric", 100e-9, 50e-9, (12, 6), 300.0)
    ds = dev.steady_iv(currents=np.geomspace(3e-5, 1.3e-3, 9))
    slope = _ndr(ds)
    assert np.any(slope < 0), "no negative differential resistance"
    assert ds.V.max() > 5 * ds.V.values[-1]  # threshold voltage >> holding voltage
    assert ds.T_max.values[0] < 340 < ds.T_max.values[-1]  # crosses T_c = 340 K
    # low current: the whole device conducts; high current: a filament much narrower than the device
    assert float(ds.filament_radius[0]) == pytest.approx(100e-9)
    assert float(ds.filament_radius[-1]) < 0.5 * 100e-9
    # the hot spot is on the axis and the lateral wall stays near ambient
    T = ds.T.values[-1]
    assert T[:, 0].max() > T[:, -1].max() + 30


@pytest.mark.slow
def test_nbo2_s_ndr_and_filament():
    dev = MottFilament("NbO2", "axisymmetric", 50e-9, 20e-9, (8, 5), 300.0)
    ds = dev.steady_iv(currents=[1e-5, 6.7e-5, 1.7e-4, 4.5e-4])
    slope = _ndr(ds)
    assert np.any(slope < 0), "no negative differential resistance"
    assert float(ds.filament_radius[0]) == pytest.approx(50e-9)
    assert float(ds.filament_radius[-1]) < 0.5 * 50e-9
    assert ds.T_max.values[-1] > 1070.0  # the filament core is metallic (above T_c)


def test_refine_snapback_resolves_the_threshold_fold():
    currents = np.geomspace(3e-5, 4e-4, 4)
    dev = MottFilament("VO2", "axisymmetric", 100e-9, 50e-9, (8, 4), 300.0, tol_T=1e-2)
    coarse = dev.steady_iv(currents=currents)
    fine = dev.steady_iv(currents=currents, refine_snapback=3)
    assert fine.sizes["point"] == coarse.sizes["point"] + 3
    assert np.all(np.diff(fine.I.values) > 0)
    jump = int(np.argmax(-np.diff(coarse.V.values)))             # the snap-back interval of the coarse sweep
    gap = currents[jump + 1] - currents[jump]
    k = int(np.argmax(-np.diff(fine.V.values)))
    assert fine.I.values[k + 1] - fine.I.values[k] == pytest.approx(gap / 4, rel=1e-9)
    assert fine.V.values.max() >= coarse.V.values.max()        # closer to the true threshold
    # the refined sweep goes back to the state before the jump: it climbs the insulating branch
    assert fine.V.values[k] > 5 * fine.V.values[k + 1]
    assert dev.steady_iv(currents=currents[:3], refine_snapback=0).sizes["point"] == 3
