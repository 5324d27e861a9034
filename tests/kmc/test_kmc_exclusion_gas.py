"""Exclusion lattice gas (kmc.ExclusionLatticeGas): exact drift of the biased exclusion process and
free-gas tracer diffusion at low concentration, both within 4 sigma; bad input."""

import numpy as np
import pytest

from kmc.exclusion_gas import ExclusionLatticeGas
from matsim.core.errors import ConfigError


def test_drift_of_the_biased_exclusion_process_is_one_minus_c_times_the_free_drift():
    """The uniform product measure is stationary for the biased exclusion process, so the mean
    velocity of a particle is exactly (1 - c) a (r_+ - r_-) (c = 0.122 as in the SPPARKS anchor)."""
    g = ExclusionLatticeGas(shape=(16, 16, 16), n_particles=500, Ea_eV=0.3, E_field_V_per_m=1e8, seed=2)
    assert g.concentration == pytest.approx(0.122, abs=1e-3)
    g.run(n_events=300_000, quiet=True)
    dx = g.displacements()[:, 0]
    v, sigma = dx.mean() / g.time, dx.std() / np.sqrt(len(dx)) / g.time
    theory = (1 - g.concentration) * g.spacing_m * (g._base[0] - g._base[1])
    assert abs(v - theory) < 4 * sigma and sigma < 0.05 * theory


def test_tracer_diffusion_at_low_concentration_is_the_free_gas_value():
    """c = 0.01: D* = a^2 nu exp(-Ea/kT) (1 - c) f, f = 1 - O(c); windows of the trajectory give
    independent displacement samples."""
    g = ExclusionLatticeGas(shape=(16, 16, 16), n_particles=41, Ea_eV=0.3, seed=5)
    samples = []
    window = 41 * 60                                   # ~10 hops per particle per window
    for _ in range(60):
        x0, t0 = g.displacements().copy(), g.time
        g.run(n_events=window, quiet=True)
        samples.append(((g.displacements() - x0) ** 2 / (2 * (g.time - t0))).ravel())
    d = np.concatenate(samples)
    D, sigma = d.mean(), d.std() / np.sqrt(len(d))
    D0 = g.spacing_m ** 2 * g._base[0]
    theory = D0 * (1 - g.concentration)
    assert abs(D - theory) < 4 * sigma + 0.02 * theory       # 2 %: the O(c) correlation correction
    assert sigma < 0.05 * theory


def test_interacting_gas_clusters_and_its_incremental_rates_are_exact():
    """J < 0 (attraction): the number of nearest-neighbour pairs grows from the random start; the
    rates updated event by event equal a full recompute."""
    sticky = ExclusionLatticeGas(shape=(8, 8, 8), n_particles=100, seed=1, J_eV=-0.1)
    occ, nbr = sticky._occ, sticky._nbr
    pairs = lambda: int(np.sum((occ[:, None] >= 0) & (occ[nbr] >= 0))) // 2
    p0 = pairs()
    sticky.advance(float("inf"), 2000)
    incremental = sticky.rates().copy()
    sticky.refresh_rates()
    assert np.allclose(incremental, sticky.rates(), rtol=1e-12, atol=0)
    assert pairs() > 1.5 * p0


def test_bad_input_names_the_field():
    with pytest.raises(ConfigError) as exc:
        ExclusionLatticeGas(shape=(4, 4, 4), n_particles=65)
    assert exc.value.field == "n_particles"
