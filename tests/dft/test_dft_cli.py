"""``matsim dft`` command line: read, barrier, formation; --json output; clear errors."""

import json
from pathlib import Path

import numpy as np
import pytest
from ase import Atoms
from ase.build import bulk
from ase.calculators.singlepoint import SinglePointCalculator
from ase.io import write

from matsim.cli import main

DATA = Path(__file__).resolve().parents[1] / "data" / "dft"


def test_read_json_and_text(capsys):
    assert main(["dft", "read", str(DATA / "vasprun_dfpt.xml"), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["energy_eV"] == pytest.approx(-6.74587304) and out["code"] == "VASP"
    assert out["band_gap_eV"] > 0 and len(out["sha256"]) == 64
    assert main(["dft", "read", str(DATA / "vasprun_dfpt.xml")]) == 0
    text = capsys.readouterr().out
    assert "ClNa" in text and "band gap" in text and "sha256:" in text


def _frames(tmp_path):
    base = bulk("Cu", "fcc", a=3.6, cubic=True)
    frames = []
    for i, e in enumerate([0.0, 0.3, 0.5, 0.3, 0.0]):
        a = base.copy()
        a.positions[0] += [0.2 * i, 0.0, 0.0]
        a.calc = SinglePointCalculator(a, energy=-10.0 + e)
        frames.append(a)
    p = tmp_path / "band.extxyz"
    write(p, frames)
    return p


def test_barrier_json_and_plot(tmp_path, capsys):
    p = _frames(tmp_path)
    png = tmp_path / "b.png"
    assert main(["dft", "barrier", str(p), "--json", "--plot", str(png)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["Ea"]["value"] == pytest.approx(0.5) and out["Ea"]["unit"] == "eV"
    assert str(p) in out["Ea"]["source"] and out["saddle_index"] == 2
    assert png.is_file()
    assert main(["dft", "barrier", str(p)]) == 0
    assert "Ea = 0.5000 eV" in capsys.readouterr().out


def _write_pair(tmp_path):
    cell = np.eye(3) * 10
    host = Atoms("Hf4O8", positions=np.random.default_rng(1).uniform(0, 9, (12, 3)), cell=cell, pbc=True)
    host.calc = SinglePointCalculator(host, energy=-100.0)
    dfc = host[:-1]
    dfc.calc = SinglePointCalculator(dfc, energy=-93.0)
    write(tmp_path / "host.extxyz", host)
    write(tmp_path / "vo.extxyz", dfc)
    return tmp_path / "vo.extxyz", tmp_path / "host.extxyz"


def test_formation_json_and_missing_mu(tmp_path, capsys):
    d, h = _write_pair(tmp_path)
    assert main(["dft", "formation", "--defect", str(d), "--host", str(h), "--mu", "O=-4.9",
                 "--charge", "2", "--fermi-level", "0.5", "--vbm", "1.0", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["value"] == pytest.approx(-93 + 100 - 4.9 + 2 * 1.5)
    assert str(d) in out["source"] and str(h) in out["source"]
    # a unit on the command line is converted
    assert main(["dft", "formation", "--defect", str(d), "--host", str(h), "--mu", "O=-4900 meV"]) == 0
    assert "E_f = 2.1000 eV" in capsys.readouterr().out
    assert main(["dft", "formation", "--defect", str(d), "--host", str(h), "--mu", "Hf=-9.9"]) == 2
    err = capsys.readouterr().err
    assert "mu['O']" in err and "--mu O=" in err
    assert main(["dft", "formation", "--defect", str(d), "--host", str(h), "--mu", "O"]) == 2
    assert "ELEMENT=VALUE" in capsys.readouterr().err


def test_missing_file_exit_code(tmp_path, capsys):
    assert main(["dft", "read", str(tmp_path / "nope" / "vasprun.xml")]) == 2
    assert "nope" in capsys.readouterr().err
