"""VCM cell: Poisson solver vs analytic cases, conservation, forming/RESET/SET loop, restart, bad input."""

import numpy as np
import pytest

import kmc
from kmc.grid import FixedNetwork, Grid
from matsim import materials
from matsim.core.errors import ConfigError
from matsim.core.units import eps0, q

EPS = 25 * eps0
A = 0.25e-9


def test_poisson_parallel_plate_capacitor_is_linear():
    g = Grid((3, 3, 9), A)
    phi = FixedNetwork(g, EPS * A, EPS * A, EPS * A).solve(0.0, 2.0)
    z = (g.k + 1) / (9 + 1)                      # electrodes at k = -1 and k = nz
    assert np.allclose(phi, 2.0 * z, atol=1e-12)


def test_poisson_sheet_charge_matches_gauss_law():
    nz, k0, Q = 11, 3, 0.1 * q                   # charge Q on every site of plane k0
    g = Grid((4, 4, nz), A)
    src = np.where(g.k == k0, Q, 0.0)
    phi = FixedNetwork(g, EPS * A, EPS * A, EPS * A).solve(0.0, 0.0, src)
    d1, d2, d = (k0 + 1) * A, (nz - k0) * A, (nz + 1) * A
    sigma = Q / A ** 2
    expected = np.where(g.k <= k0, sigma * d2 / (EPS * d) * (g.k + 1) * A,
                        sigma * d1 / (EPS * d) * (nz - g.k) * A)
    assert np.allclose(phi, expected, rtol=1e-9)


def test_poisson_point_charge_matches_coulomb_with_images():
    n = 21
    g = Grid((n, n, n), A)
    centre = np.ravel_multi_index((10, 10, 10), g.shape)
    src = np.zeros(g.n)
    src[centre] = q
    phi = FixedNetwork(g, EPS * A, EPS * A, EPS * A).solve(0.0, 0.0, src)
    L = (n + 1) * A                              # plate separation; charge at z0 = 11 a
    z0 = 11 * A
    P = n * A                                    # lateral period of the grid
    m = np.arange(-40, 41)
    lat = np.arange(-4, 5) * P
    for r_sites in (2, 3, 4, 5, 6):
        s = np.ravel_multi_index((10 + r_sites, 10, 10), g.shape)
        # grounded plates at z = 0 and z = L: images at 2mL +- z0 with alternating sign; lateral
        # periodic copies of the whole arrangement (screened by the plates, converge fast)
        X, Y, M = np.meshgrid(r_sites * A - lat, lat, m, indexing="ij")
        rho2 = X ** 2 + Y ** 2
        pot = (1 / np.sqrt(rho2 + (2 * M * L) ** 2) - 1 / np.sqrt(rho2 + (2 * z0 - 2 * M * L) ** 2)).sum()
        expected = q / (4 * np.pi * EPS) * pot
        # the 7-point lattice Green's function approaches 1/(4 pi eps r) as O((a/r)^2)
        assert abs(phi[s] / expected - 1) < 0.5 / r_sites ** 2


@pytest.fixture(scope="module")
def formed():
    """An 8x8x12 HfO2 cell (3 nm) after forming; shared by the loop tests."""
    cell = kmc.VCMCell("HfO2", shape=(8, 8, 12), seed=1, max_events_per_step=1000)
    ds = cell.forming(v_max=4.0, v_step=0.1, quiet=True)
    return cell, ds


def test_forming_makes_a_filament_and_bipolar_switching(formed, tmp_path):
    cell, ds = formed
    I = ds["I"].values
    assert np.isfinite(ds.attrs["V_forming"]) and 1.5 < ds.attrs["V_forming"] < 4.0
    assert I[-1] >= 10 * I[-2] and I[-1] >= 1e4 * I[0]        # current jump at the forming voltage
    assert ds["gap"].values[-1] == 0 and ds["gap"].values[0] == 12  # a connected vacancy filament
    read = lambda: cell.sweep_iv([0.1], 1e-4, quiet=True)["I"].values[0]
    i_lrs = read()
    reset = cell.sweep_iv(np.r_[-0.1:-0.41:-0.1, -0.3:0.0:0.1], 1e-3, quiet=True,
                          snapshots=tmp_path / "reset.extxyz")
    i_hrs = read()
    assert i_hrs < i_lrs / 3                                     # RESET at negative voltage
    assert reset["gap"].values.max() >= 1
    setds = cell.sweep_iv(np.arange(0.1, 1.51, 0.1), 1e-3, quiet=True)
    assert setds["I"].values.max() >= 0.999 * cell.compliance_A  # SET back to the compliance
    assert read() > 3 * i_hrs
    from ase.io import read as aread
    frames = aread(tmp_path / "reset.extxyz", index=":")
    assert len(frames) == len(reset["V"]) and set(frames[-1].get_tags()) <= {1, 2}


def test_event_bookkeeping_conserves_vacancies_and_oxygen(formed):
    cell, _ = formed
    c = cell.event_counts()
    assert c["generation"] > 0 and c["recombination"] > 0 and c["absorption"] > 0
    assert cell.n_vacancies == c["generation"] - c["recombination"]
    # oxygen ions live in the oxide or in the electrode reservoir
    assert cell.n_ions + cell.reservoir[0] == c["generation"] - c["recombination"]
    assert np.all((cell.vac == 0) | (cell.vac == 1)) and np.all((cell.ion == 0) | (cell.ion == 1))


def test_incremental_rates_equal_a_full_recompute():
    """Only touched rates are recomputed after each event: they must equal recomputing all of them
    (phi_tolerance_kT = 0: every rate that reads a changed potential is recomputed)."""
    cell = kmc.VCMCell(shape=(6, 6, 8), seed=4, initial_vacancy_fraction=0.06, field_update_changes=10**9,
                       field_update_events=10**9, phi_tolerance_kT=0.0)
    cell.set_voltage(3.0)
    n, _ = cell.advance(float("inf"), 3000)   # fields frozen, rates updated only locally
    c = cell.event_counts()
    assert n == 3000 and c["generation"] > 0 and c["vacancy_hops"] > 0 and c["ion_hops"] > 0
    incremental = cell.rates().copy()
    cell.refresh_rates()
    assert np.array_equal(incremental, cell.rates())
    assert cell.tree.total() == pytest.approx(cell.rates().sum(), rel=1e-12)


def test_numba_and_python_engines_agree_on_vcm():
    kw = dict(shape=(4, 4, 6), seed=3, max_events_per_step=150)
    out = []
    for engine in ("numba", "python"):
        c = kmc.VCMCell(engine=engine, initial_vacancy_fraction=0.1, **kw)
        c.set_voltage(1.5)
        r = c.evolve(1.0)
        out.append((r["n_events"], c.time, c.vac.copy(), c.ion.copy(), c.counts.copy()))
    assert out[0][0] > 50
    assert out[0][0] == out[1][0] and out[0][1] == out[1][1]
    for a, b in zip(out[0][2:], out[1][2:], strict=True):
        assert np.array_equal(a, b)


@pytest.mark.parametrize("thermal", ["ambient", "electrodes"])
def test_restart_is_identical(tmp_path, thermal):
    """The warm starts (tunnelling-network potentials, compliance voltage, heat PCG start) are checkpointed."""
    def make():
        c = kmc.VCMCell(shape=(5, 5, 8), seed=9, max_events_per_step=300, field_update_events=50,
                        initial_vacancy_fraction=0.05, thermal=thermal)
        c.sweep_iv([1.0, 1.6], 1e-2, quiet=True)
        return c
    ref = make()
    ds_ref = ref.sweep_iv([1.8, 2.0, -0.5], 1e-2, quiet=True)
    a = make()
    a.save(tmp_path / "cell.npz")
    b = kmc.load(tmp_path / "cell.npz")
    ds_b = b.sweep_iv([1.8, 2.0, -0.5], 1e-2, quiet=True)
    assert ds_b["n_events"].values.sum() > 0
    if thermal == "electrodes":
        assert ds_b["T_max"].values.max() > 310
    for k in ("I", "time", "n_vacancies", "T_max", "n_events"):
        assert np.array_equal(ds_b[k].values, ds_ref[k].values), k
    assert np.array_equal(b.vac, ref.vac) and np.array_equal(b.ion, ref.ion)


def test_dft_derived_parameters_fill_from_base_material():
    from matsim.core.parameters import Parameter, ParameterSet
    dft = ParameterSet({"E_hop_vacancy": Parameter(0.9, "eV", "NEB (test)")}, name="DFT")
    c = kmc.VCMCell(dft, shape=(3, 3, 4))
    assert c.params["E_hop_vacancy"].value == 0.9 and c.params["E_hop_ion"].value == 0.7


@pytest.mark.parametrize("kw, field", [
    (dict(T_ambient_K=-5.0), "T_ambient_K"),
    (dict(params=materials.get("HfO2").with_values(attempt_frequency=0.0)), "attempt_frequency"),
    (dict(shape=(0, 10, 20)), "shape[0]"),
    (dict(params="Unobtainium"), "material"),
    (dict(compliance_A=-1e-6), "compliance_A"),
    (dict(params=materials.get("HfO2").with_values(thermal_conductivity=0.0)), "thermal_conductivity"),
    (dict(params=materials.get("HfO2").with_values(thermal_conductivity=-1.0)), "thermal_conductivity"),
    (dict(phi_tolerance_kT=-0.1), "phi_tolerance_kT"),
])
def test_bad_input_names_the_field(kw, field):
    with pytest.raises(ConfigError) as exc:
        kmc.VCMCell(**{"shape": (3, 3, 4), **kw})
    assert exc.value.field == field
