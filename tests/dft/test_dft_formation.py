"""matsim.dft.formation: hand-computed formation energies, charge/Fermi-level dependence, bad input."""

import matplotlib.figure
import numpy as np
import pytest
from ase import Atoms
from ase.calculators.singlepoint import SinglePointCalculator

from matsim.core.errors import ConfigError, MissingParameterError
from matsim.core.parameters import Parameter
from matsim.dft import (DFTResult, composition_change, formation_energy, formation_energy_table,
                        plot_formation_energies, transition_level)

CELL = np.eye(3) * 10.0


def _calc(symbols: str, energy: float, cell=CELL) -> Atoms:
    a = Atoms(symbols, positions=np.random.default_rng(0).uniform(0, 9, (len(Atoms(symbols)), 3)),
              cell=cell, pbc=True)
    a.calc = SinglePointCalculator(a, energy=energy)
    return a


# host Hf4O8 and an O vacancy in it (constructed energies, eV)
HOST = _calc("Hf4O8", -100.0)
VO = {0: _calc("Hf4O7", -93.0), 1: _calc("Hf4O7", -91.2), 2: _calc("Hf4O7", -89.0)}
MU = {"O": -4.9}


def test_neutral_vacancy_hand_computation():
    assert composition_change(VO[0], HOST) == {"O": -1}
    ef = formation_energy(VO[0], HOST, MU)
    # E_f = E_def - E_host - n_O mu_O = -93 + 100 - (-1)(-4.9) = 2.1 eV
    assert isinstance(ef, Parameter) and ef.unit == "eV"
    assert ef.value == pytest.approx(2.1, abs=1e-12)
    assert "defect" in ef.source and "host" in ef.source and "n_O=-1" in ef.note


def test_charged_defect_with_fermi_level_vbm_and_correction():
    # q = +2, E_F = 0.5 eV above VBM = 1.0 eV, E_corr = 0.2 eV:
    # -89 + 100 - 4.9 + 2 (0.5 + 1.0) + 0.2 = 9.3 eV
    ef = formation_energy(VO[2], HOST, MU, charge=2, fermi_level=0.5, vbm=1.0, correction=0.2)
    assert ef.value == pytest.approx(9.3, abs=1e-12)
    # mu as Parameter in another unit gives the same number
    ef2 = formation_energy(VO[2], HOST, {"O": Parameter(-4900.0, "meV")}, charge=2, fermi_level=0.5,
                           vbm=1.0, correction=0.2)
    assert ef2.value == pytest.approx(9.3, abs=1e-9)
    ef3 = formation_energy(VO[0], HOST, {"O": "-4900 meV"})
    assert ef3.value == pytest.approx(2.1, abs=1e-9)


@pytest.mark.parametrize("q", [0, 1, 2])
def test_slope_versus_fermi_level_is_the_charge(q):
    x = np.linspace(0.0, 5.0, 6)
    e = [formation_energy(VO[q], HOST, MU, charge=q, fermi_level=f, vbm=1.0).value for f in x]
    slope = np.polyfit(x, e, 1)[0]
    assert slope == pytest.approx(q, abs=1e-10)


def test_host_vbm_used_when_not_given():
    host = DFTResult(energy=-100.0, atoms=HOST, vbm=1.0, path=None)
    ef = formation_energy(VO[2], host, MU, charge=2, fermi_level=0.5, correction=0.2)
    assert ef.value == pytest.approx(9.3, abs=1e-12)
    assert "host VBM" in ef.note


def test_transition_levels_and_table():
    # E_f(q; E_F=0) with VBM 1.0: q=0: 2.1; q=1: -91.2+100-4.9+1 = 4.9; q=2: -89+100-4.9+2 = 8.1
    eps_01 = transition_level(0, 1, VO, HOST, MU, vbm=1.0)
    assert eps_01.value == pytest.approx((2.1 - 4.9) / (1 - 0), abs=1e-12)
    eps_12 = transition_level(1, 2, VO, HOST, MU, vbm=1.0)
    assert eps_12.value == pytest.approx((4.9 - 8.1) / 1.0, abs=1e-12)
    # levels: the two lines cross there
    a = formation_energy(VO[0], HOST, MU, 0, eps_01.value, vbm=1.0).value
    b = formation_energy(VO[1], HOST, MU, 1, eps_01.value, vbm=1.0).value
    assert a == pytest.approx(b, abs=1e-12)
    tab = formation_energy_table(VO, HOST, MU, fermi_levels=np.linspace(-4, 1, 51), vbm=1.0)
    assert tab["formation_energy"].shape == (3, 51)
    assert np.allclose(tab["minimum"], tab["formation_energy"].min("charge"))
    # far below the VBM the most positive charge is stable, far above the neutral one
    assert tab["stable_charge"].values[0] == 2 and tab["stable_charge"].values[-1] == 0
    fig = plot_formation_energies(tab)
    assert isinstance(fig, matplotlib.figure.Figure)


def test_missing_chemical_potential_names_the_element():
    with pytest.raises(MissingParameterError) as exc:
        formation_energy(VO[0], HOST, {"Hf": -9.9})
    msg = str(exc.value)
    assert "mu['O']" in msg and "n_O = -1" in msg


def test_charged_defect_without_vbm_and_cell_mismatch():
    with pytest.raises(ConfigError, match="vbm"):
        formation_energy(VO[2], HOST, MU, charge=2)
    small = _calc("Hf4O7", -93.0, cell=np.eye(3) * 8.0)
    with pytest.raises(ConfigError, match="same supercell"):
        formation_energy(small, HOST, MU)
    with pytest.raises(ConfigError, match="fermi_level"):
        formation_energy(VO[0], HOST, MU, fermi_level=float("nan"))
    with pytest.raises(ConfigError, match="charge"):
        transition_level(0, 3, VO, HOST, MU, vbm=1.0)
