"""matsim.dft.read: real VASP files parsed, values checked against the files' own text."""

import re
from pathlib import Path

import numpy as np
import pytest

import ase
from ase.build import bulk
from ase.calculators.emt import EMT

from matsim.core.errors import ConfigError, MissingFileError
from matsim.core.io import file_sha256
from matsim.dft import read_calculation

DATA = Path(__file__).resolve().parents[1] / "data" / "dft"
ASE_VASP = Path(ase.__file__).parent / "test" / "testdata" / "vasp"


def _last_float(path: Path, pattern: str) -> float:
    """Last number captured by ``pattern`` in the file (the 'grep' the test compares against)."""
    hits = re.findall(pattern, path.read_text(encoding="latin-1"))
    assert hits, f"{pattern!r} not in {path}"
    return float(hits[-1])


def test_vasprun_dfpt_energy_fermi_and_band_edges():
    path = DATA / "vasprun_dfpt.xml"
    r = read_calculation(path)
    assert r.code == "VASP"
    # the ionic step's energy block (3-space indent; later SC steps belong to the DFPT response)
    assert r.energy == pytest.approx(_last_float(path, r'\n   <i name="e_0_energy">\s*(-?[\d.]+)'), abs=1e-7)
    assert r.free_energy == pytest.approx(_last_float(path, r'\n   <i name="e_fr_energy">\s*(-?[\d.]+)'), abs=1e-7)
    assert r.fermi_level == pytest.approx(_last_float(path, r'name="efermi">\s*(-?[\d.]+)'), abs=1e-7)
    assert r.composition == {"Na": 1, "Cl": 1}
    assert r.forces.shape == (2, 3)
    # band edges from pymatgen's eigenvalues: VBM below E_F below CBM, gap = CBM - VBM
    assert r.vbm < r.fermi_level < r.cbm
    assert r.band_gap == pytest.approx(r.cbm - r.vbm, abs=1e-9)
    assert r.band_gap > 0
    assert r.sha256 == file_sha256(path)
    s = r.structure
    assert s.composition.reduced_formula == "NaCl"
    assert s.lattice.volume == pytest.approx(r.atoms.get_volume())
    assert str(path) in r.label


def test_vasprun_pstress_energy_excludes_pv_term():
    """ase's energy is E (last SC step, sigma->0); pymatgen's final_energy is E + P*V with PSTRESS."""
    path = DATA / "vasprun_pstress.xml"
    r = read_calculation(path)
    scsteps = re.findall(r'<scstep>.*?name="e_0_energy">\s*(-?[\d.]+)', path.read_text(), flags=re.S)
    assert r.energy == pytest.approx(float(scsteps[-1]), abs=1e-7)
    pstress_kbar = _last_float(path, r'name="PSTRESS">\s*([\d.]+)')
    pv_eV = pstress_kbar * 1e8 * r.atoms.get_volume() * 1e-30 / 1.602176634e-19
    e_ionic = _last_float(path, r'\n   <i name="e_0_energy">\s*(-?[\d.]+)')   # includes P*V
    assert e_ionic - r.energy == pytest.approx(pv_eV, rel=2e-3)
    assert r.extra["pymatgen_final_energy_eV"] == pytest.approx(e_ionic, abs=1e-7)
    assert r.composition == {"C": 2}


@pytest.mark.skipif(not (ASE_VASP / "OUTCAR_example_1").is_file(),
                    reason="ase's test data (ase/test/testdata/vasp/OUTCAR_example_1) is not installed")
def test_outcar_energy_forces_fermi():
    path = ASE_VASP / "OUTCAR_example_1"
    r = read_calculation(path)
    assert r.code == "VASP"
    assert r.energy == pytest.approx(_last_float(path, r"energy\(sigma->0\) =\s*(-?[\d.]+)"), abs=1e-7)
    assert r.free_energy == pytest.approx(_last_float(path, r"TOTEN\s*=\s*(-?[\d.]+)"), abs=1e-7)
    assert r.fermi_level == pytest.approx(_last_float(path, r"E-fermi :\s*(-?[\d.]+)"), abs=1e-4)
    assert r.forces.shape == (len(r.atoms), 3)
    assert r.vbm is None  # OUTCAR: no band edges
    # residual forces of a relaxed cell sum to ~0 (momentum conservation of the force field)
    assert np.allclose(r.forces.sum(axis=0), 0.0, atol=0.05)


def test_extxyz_round_trip_and_directory(tmp_path):
    atoms = bulk("Cu", "fcc", a=3.6, cubic=True)
    atoms.rattle(0.02, seed=1)
    atoms.calc = EMT()
    e, f = atoms.get_potential_energy(), atoms.get_forces()
    p = tmp_path / "cu.extxyz"
    atoms.write(p)
    r = read_calculation(p)
    assert r.energy == pytest.approx(e, abs=1e-8)
    assert np.allclose(r.forces, f, atol=1e-8)
    # a folder with a vasprun.xml is read through that file
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "vasprun.xml").write_bytes((DATA / "vasprun_dfpt.xml").read_bytes())
    assert read_calculation(tmp_path / "run").composition == {"Na": 1, "Cl": 1}


@pytest.mark.parametrize("fraction", [0.5, 0.99])
def test_truncated_vasprun_is_a_clear_error(tmp_path, fraction):
    text = (DATA / "vasprun_dfpt.xml").read_text(encoding="latin-1")
    bad = tmp_path / "vasprun.xml"
    bad.write_text(text[: int(len(text) * fraction)], encoding="latin-1")
    with pytest.raises(ConfigError) as exc:
        read_calculation(bad)
    msg = str(exc.value)
    assert str(bad) in msg and "vasprun.xml" in msg and "truncated" in msg


@pytest.mark.skipif(not (ASE_VASP / "convergence_OUTCAR_y_y").is_file(),
                    reason="ase's test data (ase/test/testdata/vasp/convergence_OUTCAR_y_y) is not installed")
def test_truncated_outcar_is_a_clear_error():
    path = ASE_VASP / "convergence_OUTCAR_y_y"  # cut on purpose in ase's test data
    with pytest.raises(ConfigError) as exc:
        read_calculation(path)
    assert str(path) in str(exc.value) and "OUTCAR" in str(exc.value)


def test_missing_empty_and_energyless_files(tmp_path):
    with pytest.raises(MissingFileError, match="nothing.xml"):
        read_calculation(tmp_path / "nothing.xml")
    with pytest.raises(MissingFileError, match="vasprun.xml or OUTCAR"):
        read_calculation(tmp_path)
    empty = tmp_path / "OUTCAR"
    empty.write_text("")
    with pytest.raises(ConfigError, match="0 bytes"):
        read_calculation(empty)
    noe = tmp_path / "structure.extxyz"
    bulk("Cu", cubic=True).write(noe)
    with pytest.raises(ConfigError, match="energy"):
        read_calculation(noe)
