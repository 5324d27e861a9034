"""VCM cell electrostatics of moving charges: Green's-function superposition, exact self-interaction
exclusion, image energies, incremental updates with a rate tolerance (issue #23).

Energies: a charge z e hopping s -> n changes the electrostatic energy by
ΔW = z (φ_o(n) - φ_o(s)) + ½ z² e (G_nn - G_ss) (φ_o: potential of everything else); the barrier is
E_a + ½ ΔW. An ion in the active electrode is screened; its image energy at s is
U_self = ½ z² e (G_ss - G_∞) with G_∞ = 0.252731/(ε a) (Watson's integral).
"""

import numpy as np
import pytest

import kmc
from kmc.grid import G_SC_ORIGIN, FixedNetwork, Grid, green_table
from matsim import materials
from matsim.core.errors import ConfigError
from matsim.core.units import eps0, k_B_eV, q

NO_GENERATION = dict(E_generation=50.0, E_generation_interface=50.0)
SHAPE_BULK = (16, 16, 32)     # 4 nm x 4 nm x 8 nm: the centre layers are flat to < 5 meV


@pytest.fixture(scope="module")
def bulk_table():
    """The Green's-function table of SHAPE_BULK, computed once and passed to every cell."""
    p = materials.get("HfO2")
    eps, a = p["relative_permittivity"].value * eps0, p["lattice_spacing"].to("m")
    g = Grid(SHAPE_BULK, a)
    return green_table(g, FixedNetwork(g, eps * a, eps * a, eps * a))


def _free_ion_hop_rate(T, table, field_update_events=200, segments=40, hops_per_segment=110, seed=1):
    """Hops per second of one O ion started at the centre of an empty cell, fields ON (evolve with
    its field updates). The ion is put back at the centre every segment so it samples the bulk,
    not the image wells next to the electrodes. Returns (rate, number of hops)."""
    p = materials.get("HfO2").with_values(**NO_GENERATION)
    cell = kmc.VCMCell(p, shape=SHAPE_BULK, T_ambient_K=T, compliance_A=None, seed=seed,
                       field_update_events=field_update_events, green_table=table)
    r0 = 6 * p["attempt_frequency"].value * np.exp(-p["E_hop_ion"].value / (k_B_eV * T))
    centre = np.ravel_multi_index(tuple(s // 2 for s in SHAPE_BULK), SHAPE_BULK)
    hops, elapsed = 0, 0.0
    for _ in range(segments):
        cell.ion[:] = 0
        cell.ion[centre] = 1
        cell.update_fields()
        h0, t0 = cell.counts[1], cell.time
        cell.evolve(hops_per_segment / r0)
        hops += int(cell.counts[1] - h0)
        elapsed += cell.time - t0
    assert cell.event_counts()["absorption"] == 0
    return hops / elapsed, hops, r0


@pytest.mark.parametrize("T", [600.0, 700.0])
def test_free_ion_hops_at_the_arrhenius_rate_with_fields_on(T, bulk_table):
    """One O ion, default field updates: 6 ν exp(-E_hop/kT) within 5 % (about 4400 hops: the
    statistical 1-sigma error is 1/sqrt(N) = 1.5 %). Before issue #23 the stale self-potential gave
    ~1 hop where ~400 were expected."""
    rate, n, r0 = _free_ion_hop_rate(T, bulk_table)
    sigma = 1 / np.sqrt(n)
    assert n > 3000 and sigma < 0.02
    assert abs(rate / r0 - 1) < 0.05, (rate / r0, sigma)


def test_free_ion_hop_rate_does_not_depend_on_the_update_interval(bulk_table):
    rates = {}
    for k in (3, 200, 10**9):
        rates[k], n, r0 = _free_ion_hop_rate(600.0, bulk_table, field_update_events=k, segments=12, seed=5)
    sigma = 1 / np.sqrt(n)
    for k in rates:
        assert abs(rates[k] / r0 - 1) < 4 * sigma, (k, rates[k] / r0)
    assert abs(rates[3] / rates[10**9] - 1) < 4 * np.sqrt(2) * sigma


def _busy_cell(phi_tolerance_kT):
    p = materials.get("HfO2").with_values(E_hop_vacancy=0.75)     # both kinds of defect move
    cell = kmc.VCMCell(p, shape=(6, 6, 10), seed=4, T_ambient_K=1100.0, initial_vacancy_fraction=0.04,
                       field_update_changes=10**9, field_update_events=10**9, compliance_A=None,
                       phi_tolerance_kT=phi_tolerance_kT)
    cell.set_voltage(1.0)
    rng = np.random.default_rng(0)
    free = np.nonzero(cell.vac == 0)[0]
    cell.ion[rng.choice(free, 12, replace=False)] = 1      # mobile charged ions
    cell.update_fields()
    return cell


def test_incremental_potential_equals_a_fresh_poisson_solve_after_1e4_moves():
    cell = _busy_cell(0.01)
    assert np.count_nonzero(cell.zvac) >= 5           # charged (isolated) vacancies
    n, _ = cell.advance(float("inf"), 10_000)        # fields frozen: only incremental updates
    c = cell.event_counts()
    assert n == 10_000 and c["vacancy_hops"] + c["ion_hops"] > 9000
    assert c["vacancy_hops"] > 20 and c["ion_hops"] > 20
    assert c["generation"] + c["recombination"] + c["absorption"] + c["injection"] > 0
    phi_q = cell.phi - cell.phi_applied
    fresh = cell.charge_potential()
    assert np.abs(fresh).max() > 0.1
    assert np.abs(phi_q - fresh).max() < 1e-8


def test_rates_with_zero_tolerance_equal_a_full_recompute_and_default_tolerance_is_bounded():
    for tol in (0.0, 0.01, 0.3):
        cell = _busy_cell(tol)
        cell.advance(float("inf"), 3000)
        incremental = cell.rates().copy()
        cell.refresh_rates()
        full = cell.rates()
        if tol == 0.0:
            assert np.array_equal(incremental, full)
        else:
            # every barrier is within tol k_B T of the exact one: rates within exp(tol) - 1
            nz = full > 0
            assert np.all(incremental[~nz] == 0)
            err = np.abs(incremental[nz] / full[nz] - 1).max()
            assert err <= np.expm1(tol) * (1 + 1e-9)
            if tol > 0.1:
                assert err > 0               # the tolerance did skip updates


def test_ion_between_electrode_site_and_reservoir_reaches_boltzmann_ratio():
    """V = 0; one ion, lateral hops frozen (E_hop_ion = 10 eV), so it sits on one top-layer site or in
    the electrode reservoir. Time-averaged P(oxide)/P(reservoir) = N_top exp(-U_self/k_B T) (injection
    picks any of the N_top top sites) with the image energy U_self from a fresh Poisson solve."""
    T = 900.0
    shape = (4, 4, 3)
    p = materials.get("HfO2").with_values(E_hop_ion=10.0, E_exchange=0.6, **NO_GENERATION)
    cell = kmc.VCMCell(p, shape=shape, T_ambient_K=T, compliance_A=None, seed=11)
    s = np.ravel_multi_index((1, 2, shape[2] - 1), shape)
    cell.ion[s] = 1
    cell.update_fields()
    eps, a = p["relative_permittivity"].value * eps0, p["lattice_spacing"].to("m")
    g = Grid(shape, a)
    unit = np.zeros(g.n)
    unit[s] = q
    g_ss = FixedNetwork(g, eps * a, eps * a, eps * a).solve(0.0, 0.0, unit)[s]       # V per e
    z = p["ion_charge"].value
    u_self = 0.5 * z * z * (g_ss - G_SC_ORIGIN * q / (eps * a))
    assert u_self == pytest.approx(cell.image_energy(s), rel=1e-9)
    assert u_self < -0.1                                  # the image attraction is a real term
    t_ox = t_res = 0.0
    visits = 0
    for _ in range(6000):
        inside, t0 = cell.n_ions == 1, cell.time
        cell.advance(float("inf"), 1)
        if inside:
            t_ox += cell.time - t0
        else:
            t_res += cell.time - t0
        visits += inside != (cell.n_ions == 1)
    expected = shape[0] * shape[1] * np.exp(-u_self / (k_B_eV * T))
    sigma = np.sqrt(2 / (visits / 2))               # exponential residence times, visits/2 of each
    assert visits > 4000
    assert abs(t_ox / t_res / expected - 1) < 4 * sigma, (t_ox / t_res, expected, sigma)
    assert abs(t_ox / t_res / (shape[0] * shape[1]) - 1) > 10 * sigma     # without the image term: wrong


def test_bad_green_table_names_the_field():
    with pytest.raises(ConfigError) as exc:
        kmc.VCMCell(shape=(3, 3, 4), green_table=np.zeros((4, 30)))
    assert exc.value.field == "green_table"
    with pytest.raises(ConfigError) as exc:
        kmc.VCMCell(shape=(3, 3, 4), green_table=np.full((4, 36), np.nan))
    assert exc.value.field == "green_table"
