"""3-D thermal crosstalk of pads on a shared film (FiPy Grid3D): reciprocity, positivity, decay with
pitch, and the self term against the 2-D axisymmetric R_th of the same pad."""

import numpy as np
import pytest

from continuum.crosstalk import (
    axisymmetric_pad_rth,
    crosstalk_parameters,
    disturb_rise,
    thermal_crosstalk,
)
from continuum.filament import _material
from continuum.geometry import Box3D
from matsim.core.errors import ConfigError

PAD, L = 100e-9, 50e-9


def test_2x2_matrix_is_reciprocal_positive_and_exported():
    ds = thermal_crosstalk("VO2", (2, 2), 150e-9, PAD, L, substrate_m=50e-9, cells_per_pad=4)
    R = ds.R_th.values
    assert R.shape == (4, 4)
    assert np.all(R > 0)
    np.testing.assert_allclose(R, R.T, rtol=0.01)                   # Green's reciprocity
    # the layout's symmetry: equal self terms; edge neighbours couple more than the diagonal one
    np.testing.assert_allclose(np.diag(R), R[0, 0], rtol=1e-6)
    assert R[0, 1] == pytest.approx(R[0, 2], rel=1e-6) and R[0, 3] < R[0, 1] < 0.2 * R[0, 0]
    assert ds.R_th.attrs["units"] == "K/W" and np.all(ds.tau.values > 0)
    ps = crosstalk_parameters(ds)
    assert ps["R_self"].unit == "K/W" and ps.si("R_self") == pytest.approx(R[0, 0])
    assert ps.si("coupling") == pytest.approx(R[0, 1] / R[0, 0])
    assert ps.si("C_th") == pytest.approx(ps.si("tau_thermal") / R[0, 0])
    # disturb: 10 uW in pad 0 warms pad 0 by R_00 P and its neighbours by R_i0 P (superposition)
    rise = disturb_rise(ds, {0: 1e-5})
    np.testing.assert_allclose(rise, 1e-5 * R[:, 0])
    np.testing.assert_allclose(disturb_rise(ds, [1e-5, 1e-5, 0, 0]), rise + 1e-5 * R[:, 1])
    with pytest.raises(ConfigError, match="powers_W"):
        disturb_rise(ds, [1e-5, 1e-5])


def test_mutual_term_decays_with_pitch():
    mutual = [float(thermal_crosstalk("VO2", (2, 1), p, PAD, L, substrate_m=50e-9, cells_per_pad=2).R_th[0, 1])
              for p in (150e-9, 200e-9, 300e-9, 450e-9)]
    assert np.all(np.diff(mutual) < 0)
    assert mutual[-1] < 0.2 * mutual[0]


def test_self_term_matches_the_axisymmetric_pad_within_5_percent():
    """One square pad (side a) in a square film (side W) against the equal-area round pad in the
    equal-area disc on a CylindricalGrid2D (pad edge on a cell face)."""
    W = 300e-9
    one = thermal_crosstalk("VO2", (1, 1), W, PAD, L, cells_per_pad=6)
    assert one.attrs["pad_meshed_m"] == pytest.approx(PAD)
    R2d = axisymmetric_pad_rth("VO2", PAD / np.sqrt(np.pi), W / np.sqrt(np.pi), L, n_r=48, n_z=4)
    assert float(one.R_th[0, 0]) == pytest.approx(R2d, rel=0.05)
    # the limit without lateral spreading: the pad column alone, uniformly heated between two sinks,
    # mean rise / power = L / (12 kappa A)
    col = thermal_crosstalk("VO2", (1, 1), PAD, PAD, L, cells_per_pad=2, n_vertical=24)
    k = _material("VO2").si("thermal_conductivity")
    assert float(col.R_th[0, 0]) == pytest.approx(L / (12 * k * PAD ** 2), rel=0.01)


def test_bad_layouts_name_the_field():
    with pytest.raises(ConfigError, match="pitch_m"):
        thermal_crosstalk("VO2", (2, 2), 80e-9, PAD, L)              # pitch smaller than the pad
    with pytest.raises(ConfigError, match=r"n_cells \(z\)"):
        thermal_crosstalk("VO2", (2, 2), 200e-9, PAD, L, n_vertical=1)
    with pytest.raises(ConfigError, match=r"n_cells \(x\)"):
        Box3D.build(1, 4, 1e-9, 1e-9, [1e-9, 1e-9])
