"""VCMCell and DFT results: vacancy formation energy -> initial vacancies, per-event attempt
frequencies, unconverged DFT refused unless overridden (issue #23)."""

import numpy as np
import pytest

import kmc
from matsim import materials
from matsim.core.errors import ConfigError
from matsim.core.parameters import Parameter, ParameterSet
from matsim.core.units import k_B_eV


def test_formation_energy_sets_the_equilibrium_vacancy_fraction():
    e_f, T = 0.2, 673.0
    dft = ParameterSet({"E_formation_vacancy": Parameter(e_f, "eV", "DFT (test)")}, name="DFT")
    cell = kmc.VCMCell(dft, shape=(10, 10, 10), seed=3, process_temperature_K=T)
    p = np.exp(-e_f / (k_B_eV * T))
    n = cell.grid.n
    assert cell.initial_vacancy_fraction == pytest.approx(p, rel=1e-12)
    assert abs(cell.n_vacancies - n * p) < 4 * np.sqrt(n * p * (1 - p))
    # a realistic neutral-vacancy formation energy (~6 eV) leaves the oxide pristine
    dft6 = ParameterSet({"E_formation_vacancy": Parameter(6.0, "eV", "DFT (test)")}, name="DFT")
    assert kmc.VCMCell(dft6, shape=(4, 4, 4), seed=3).n_vacancies == 0


def test_per_event_attempt_frequency_is_used():
    T = 600.0
    base = dict(shape=(4, 4, 5), T_ambient_K=T, compliance_A=None, seed=1)
    p = materials.get("HfO2").with_values(E_generation=50.0, E_generation_interface=50.0)
    nu_ion = Parameter(3e12, "Hz", "DFT Vineyard (test)")
    p_ion = ParameterSet({**{k: p[k] for k in p}, "attempt_frequency_ion_hop": nu_ion}, name="x")
    rates = []
    for ps in (p, p_ion):
        cell = kmc.VCMCell(ps, **base)
        cell.ion[np.ravel_multi_index((1, 1, 2), cell.shape)] = 1
        cell.update_fields()
        rates.append(cell.total_rate())
    assert rates[1] / rates[0] == pytest.approx(3e12 / 1e13, rel=1e-9)


def test_unconverged_dft_is_refused_unless_overridden():
    from ase import Atoms
    from ase.calculators.singlepoint import SinglePointCalculator

    from matsim.dft import kmc_parameters
    from matsim.dft.neb import UNCONVERGED, migration_barrier
    from matsim.dft.read import from_atoms

    images = []
    for x, e in zip((0.0, 1.0, 2.0), (0.0, 0.8, 0.1), strict=True):
        a = Atoms("O2", positions=[[x, 0, 0], [5, 5, 5]], cell=[10, 10, 10], pbc=True)
        a.calc = SinglePointCalculator(a, energy=e)
        images.append(from_atoms(a))
    images[1].extra["converged_electronic"] = False
    mb = migration_barrier(images)
    assert UNCONVERGED in mb.Ea.note
    dft = kmc_parameters(barrier=mb)
    with pytest.raises(ConfigError) as exc:
        kmc.VCMCell(dft, shape=(3, 3, 4))
    assert exc.value.field == "E_hop_vacancy"
    cell = kmc.VCMCell(dft, shape=(3, 3, 4), allow_unconverged_dft=True)
    assert cell.params["E_hop_vacancy"].value == pytest.approx(0.8)
