"""Vacancy migration in fcc Cu with ase's EMT: NEB barrier, symmetric profile, Vineyard prefactor,
KMC parameter set; NEB input handling and bad input."""

import json
import runpy
import sys
from pathlib import Path

import numpy as np
import pytest
from ase.calculators.emt import EMT
from ase.calculators.singlepoint import SinglePointCalculator

from matsim import materials
from matsim.core.errors import ConfigError, ConvergenceError, MissingFileError
from matsim.core.parameters import Parameter, ParameterSet
from matsim.dft import (attempt_frequency, kmc_parameters, migration_barrier, neighbour_indices,
                        vineyard_prefactor)
from matsim.dft.examples import fcc_vacancy_hop

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def cu_hop():
    # 2x2x2 conventional cells (31 atoms after removing one), 3 intermediate images, fmax 0.05 eV/Å
    return fcc_vacancy_hop("Cu", size=2, n_images=3, fmax=0.05)


def test_emt_cu_vacancy_barrier_in_published_range(cu_hop):
    mb = cu_hop.barrier
    # EMT vacancy-migration barriers for Cu/Al/Ni are ~0.4-0.8 eV (experiment Cu: 0.70 eV)
    assert 0.4 < mb.Ea.value < 0.8
    assert mb.Ea.unit == "eV" and "NEB" in mb.Ea.source
    # nearest-neighbour hop: a/sqrt(2) with a(EMT Cu) ~ 3.59 Å
    assert mb.hop_distance == pytest.approx(3.59 / np.sqrt(2), rel=0.02)


def test_symmetric_hop_gives_symmetric_profile(cu_hop):
    mb = cu_hop.barrier
    assert mb.saddle_index == 2  # the middle of 5 images
    assert mb.energies[-1] == pytest.approx(0.0, abs=2e-3)        # equivalent end points
    assert mb.E_reverse == pytest.approx(mb.Ea.value, abs=2e-3)
    assert mb.asymmetry < 5e-3
    assert np.all(np.diff(mb.energies[: mb.saddle_index + 1]) > 0)  # rises to the saddle


def test_vineyard_prefactor_in_phonon_range_and_close_to_full_hessian(cu_hop):
    nu = cu_hop.attempt_frequency
    assert nu.unit == "Hz" and 1e12 < nu.value < 1e14
    assert "Vineyard" in nu.source
    # the partial Hessian (hopping atom + first shell) agrees with all atoms vibrating within 2x
    full = attempt_frequency(cu_hop.initial, cu_hop.barrier.saddle, EMT(), indices=None)
    assert "90 modes" in full.note  # 3N - 3 translations at the minimum, N = 31
    assert 0.5 < nu.value / full.value < 2.0


def test_vineyard_formula_on_known_frequencies():
    thz = 1e12
    fm = np.array([1.0, 2.0, 3.0]) * thz
    fs = np.array([2.0j, 1.5, 2.0]) * thz
    assert vineyard_prefactor(fm, fs) == pytest.approx(1.0 * 2.0 * 3.0 / (1.5 * 2.0) * thz, rel=1e-12)
    with pytest.raises(ConvergenceError, match="exactly 1"):
        vineyard_prefactor(fm, np.array([1.0, 1.5, 2.0]) * thz)
    with pytest.raises(ConvergenceError, match="not a minimum"):
        vineyard_prefactor(fs, fs)


def test_assumed_prefactor_without_phonons():
    nu = attempt_frequency()
    assert nu.value == 1e13 and nu.source.startswith("assumed")


def test_kmc_parameters_merge_into_material_set(cu_hop, tmp_path):
    ps = cu_hop.parameters
    for key, unit in (("E_hop_vacancy", "eV"), ("attempt_frequency", "Hz"), ("lattice_spacing", "nm")):
        assert ps[key].unit == unit
    assert ps.require("lattice_spacing", "Å") == pytest.approx(cu_hop.barrier.hop_distance)
    hfo2 = materials.get("HfO2")
    merged = hfo2.merge(ps)
    assert merged["E_hop_vacancy"] == ps["E_hop_vacancy"]               # DFT value and provenance
    assert merged["E_generation"] == hfo2["E_generation"]               # library values kept
    path = ps.save_json(tmp_path / "p.json")
    assert ParameterSet.load_json(path) == ps
    # defaults: assumed prefactor, a plain number gets a "user value" source
    ps2 = kmc_parameters(barrier=Parameter(1.1, "eV", "paper"), generation=3.9)
    assert ps2["attempt_frequency"].source.startswith("assumed") and ps2["E_generation"].source == "user value"
    with pytest.raises(ConfigError, match="barrier"):
        kmc_parameters(barrier="1.1 eV")


def test_barrier_from_image_files_and_vasp_style_folders(cu_hop, tmp_path):
    images = cu_hop.barrier.images
    multi = tmp_path / "band.extxyz"
    from ase.io import write
    write(multi, images)
    mb = migration_barrier(multi)
    assert mb.Ea.value == pytest.approx(cu_hop.barrier.Ea.value, abs=1e-6)
    assert str(multi) in mb.Ea.source
    for i, a in enumerate(images):
        (tmp_path / "neb" / f"{i:02d}").mkdir(parents=True)
        a.write(tmp_path / "neb" / f"{i:02d}" / "image.extxyz")
    mb2 = migration_barrier(tmp_path / "neb")
    assert mb2.Ea.value == pytest.approx(cu_hop.barrier.Ea.value, abs=1e-6)
    ds = mb2.to_dataset()
    assert ds["energy"].attrs["units"] == "eV" and ds.sizes["image"] == len(images)
    mb2.plot(tmp_path / "profile.png")
    assert (tmp_path / "profile.png").stat().st_size > 0
    # VASP NEB runs lack end-point outputs unless the user copies them in
    (tmp_path / "neb" / "04" / "image.extxyz").unlink()
    with pytest.raises(MissingFileError, match="end-point"):
        migration_barrier(tmp_path / "neb")


def test_climbing_image_barrier_independent_of_image_count(cu_hop):
    """One climbing image (EMT class as a per-image factory) finds the same saddle as three."""
    from matsim.dft import run_neb
    mb1 = run_neb(cu_hop.initial, cu_hop.final, EMT, n_images=1, fmax=0.05)
    assert mb1.saddle_index == 1 and "emt" in mb1.Ea.source
    assert mb1.Ea.value == pytest.approx(cu_hop.barrier.Ea.value, abs=0.01)


def test_vasp_neb_folders_with_real_vasprun_files(tmp_path):
    """VASP folders 00..02 are read through vasprun.xml; a flat band has no interior maximum."""
    from matsim.dft import read_neb_directory
    src = ROOT / "tests" / "data" / "dft" / "vasprun_pstress.xml"
    for i in range(3):
        (tmp_path / f"{i:02d}").mkdir()
        (tmp_path / f"{i:02d}" / "vasprun.xml").write_bytes(src.read_bytes())
    res = read_neb_directory(tmp_path)
    assert [r.code for r in res] == ["VASP"] * 3 and res[1].path == tmp_path / "01" / "vasprun.xml"
    with pytest.raises(ConvergenceError, match="end point"):
        migration_barrier(tmp_path)
    (tmp_path / "05").mkdir()
    with pytest.raises(ConfigError, match="consecutive"):
        migration_barrier(tmp_path)


def _image(atoms, energy):
    a = atoms.copy()
    a.calc = SinglePointCalculator(a, energy=energy)
    return a


def test_bad_neb_images(cu_hop):
    ini = cu_hop.initial
    fewer = ini.copy()
    del fewer[5]
    with pytest.raises(ConfigError) as exc:
        migration_barrier([_image(ini, 0.0), _image(fewer, 0.5), _image(ini, 0.0)])
    assert "images[1]" in str(exc.value) and "30 atoms" in str(exc.value) and "31" in str(exc.value)
    with pytest.raises(ConfigError, match="at least 3"):
        migration_barrier([_image(ini, 0.0), _image(ini, 0.1)])
    with pytest.raises(ConvergenceError, match="end point"):
        migration_barrier([_image(ini, 0.0), _image(ini, 0.5), _image(ini, 0.9)])
    with pytest.raises(ConfigError, match=r"images\[1\]"):
        migration_barrier([_image(ini, 0.0), ini.copy(), _image(ini, 0.0)])  # no energy


def test_neighbour_indices_first_shell(cu_hop):
    from ase.build import bulk
    cu = bulk("Cu", "fcc", cubic=True) * (2, 2, 2)
    assert len(neighbour_indices(cu, 0)) == 13  # the atom and its 12 nearest neighbours


def test_workflow_writes_parameter_set(tmp_path, monkeypatch, capsys):
    out = tmp_path / "params.json"
    monkeypatch.setattr(sys, "argv", ["dft_to_kmc_params.py", "--metal", "Cu", "--out", str(out)])
    with pytest.raises(SystemExit) as exc:
        runpy.run_path(str(ROOT / "workflows" / "dft_to_kmc_params.py"), run_name="__main__")
    assert exc.value.code == 0
    ps = ParameterSet.load_json(out)
    assert 0.4 < ps.require("E_hop_vacancy", "eV") < 0.8
    assert 1e12 < ps.require("attempt_frequency", "Hz") < 1e14
    assert json.loads(out.read_text())["name"] == "Cu vacancy (EMT)"
    assert "E_a" in capsys.readouterr().out
