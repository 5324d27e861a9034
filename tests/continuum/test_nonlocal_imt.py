"""continuum.nonlocal_imt (metallic-domain length) and radial grading: fast checks."""

import numpy as np
import pytest

from continuum import Circuit, MottFilament
from continuum.geometry import Geometry, radial_widths
from continuum.nonlocal_imt import MetallicFractionFilter
from matsim.core.errors import ConfigError


def test_filter_conserves_the_metallic_volume_and_suppresses_thin_needles():
    g = Geometry.build("axisymmetric", 100e-9, 50e-9, (32, 16))
    filt = MetallicFractionFilter(g, 30e-9)
    vol = g.cell_volumes
    needle = np.zeros(g.mesh.numberOfCells)
    needle[g.grid(np.arange(needle.size))[:, 0]] = 1.0            # one-cell metallic needle on the axis
    f = filt(needle)
    assert np.sum(f * vol) == pytest.approx(np.sum(needle * vol), rel=1e-9)   # no-flux Helmholtz filter
    assert f.max() < 0.05                                      # a needle << ell hardly conducts
    wide = (g.grid(np.ones(needle.size)) * (g.x < 60e-9)).ravel()  # 60 nm-radius column >> ell
    assert filt(wide)[g.grid(np.arange(needle.size))[:, 0]].min() > 0.6   # measured 0.73
    assert np.all((filt.weight > 0) & (filt.weight <= 1))


def test_small_length_recovers_the_local_law():
    a = MottFilament("VO2", "axisymmetric", 100e-9, 50e-9, (8, 4), 300.0, Circuit(3.0, 1e4))
    b = MottFilament("VO2", "axisymmetric", 100e-9, 50e-9, (8, 4), 300.0, Circuit(3.0, 1e4), imt_length_m=1e-13)
    for d in (a, b):
        d.transient(2e-10, 5e-11, n_snapshots=0)
    assert b.current() == pytest.approx(a.current(), rel=1e-6)


def test_radial_grading_keeps_the_device_and_refines_the_axis():
    w = radial_widths(100e-9, 16, 20.0)
    assert w.sum() == pytest.approx(100e-9, rel=1e-12) and w[-1] / w[0] == pytest.approx(20.0)
    dev = MottFilament("VO2", "axisymmetric", 100e-9, 50e-9, (16, 8), 300.0, Circuit(1.0), conductivity=30.0,
                       radial_grading=20.0)
    dev.advance(1e-12)
    assert dev.current() == pytest.approx(30.0 * np.pi * (100e-9) ** 2 / 50e-9, rel=1e-9)   # V / R of a cylinder


@pytest.mark.parametrize("kw, field", [({"radial_grading": 0.5}, "radial_grading"),
                                       ({"imt_length_m": -1e-9}, "imt_length_m"),
                                       ({"imt_length_m": 1e-9, "conductivity": 30.0}, "imt_length_m")])
def test_bad_input(kw, field):
    with pytest.raises(ConfigError, match=field):
        MottFilament("VO2", "axisymmetric", 100e-9, 50e-9, (8, 4), 300.0, **kw)


def test_grading_in_2d_is_refused():
    with pytest.raises(ConfigError, match="radial_grading"):
        MottFilament("VO2", "2d", 100e-9, 50e-9, (8, 4), 300.0, radial_grading=4.0)
