"""2d cross-section: where the current filament forms.

Under a current source the uniformly heated state is unstable (filamentation); the hottest column
grows into one filament.  With insulating lateral walls every column is equivalent, so the initial
temperature perturbation picks the place (off-centre, even at a wall); heat-sinked walls cool the
columns next to them, so the filament forms inside, where the perturbation then decides.
"""

import numpy as np
import pytest

from continuum import Circuit, MottFilament


def _steady_filament(lateral: str, seed: int):
    dev = MottFilament("VO2", "2d", 100e-9, 50e-9, (16, 4), 300.0, Circuit.current_source(1e-3), lateral=lateral,
                       perturbation_K=1.0, seed=seed, tol_T=1e-2)
    hottest_column = dev.geom.x[np.argmax(dev.geom.grid(dev.T.value).mean(axis=0))]
    ds = dev.transient(40 * dev.thermal_time, dev.thermal_time / 4, n_snapshots=1)
    return dev, ds, hottest_column


@pytest.mark.parametrize("seed", [2, 4])
def test_insulating_walls_filament_forms_where_the_perturbation_is_hottest(seed):
    dev, ds, hottest = _steady_filament("insulating", seed)
    cell = 2 * dev.geom.radius / dev.geom.n_lateral
    assert float(ds.filament_center[-1]) == pytest.approx(hottest, abs=0.01 * cell)
    assert float(ds.filament_radius[-1]) < 0.2 * dev.geom.radius          # one narrow filament
    assert float(ds.T_max[-1]) > 340.0                                      # its core is metallic
    assert ds.V.values.max() > 5 * float(ds.V[-1])                          # the device snapped back


def test_heat_sinked_walls_keep_the_filament_away_from_the_walls():
    dev, ds, hottest = _steady_filament("heat_sink", 4)                   # seed 4: hottest column at a wall
    cell = 2 * dev.geom.radius / dev.geom.n_lateral
    assert min(hottest, 2 * dev.geom.radius - hottest) < cell
    centre = float(ds.filament_center[-1])
    assert min(centre, 2 * dev.geom.radius - centre) > 2 * cell
    assert float(ds.filament_radius[-1]) < 0.2 * dev.geom.radius
    T = ds.T.values[-1]
    assert T[:, 0].max() < 301.0 and T[:, -1].max() < 301.0                # walls held near ambient
