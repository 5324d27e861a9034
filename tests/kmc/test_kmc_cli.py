"""`matsim kmc` CLI: config validation, a small run with checkpoint + resume, the lattice-gas check."""

from pathlib import Path

import pytest
import yaml

import kmc
from kmc.config import KMCRunConfig
from matsim.cli import main
from matsim.core.config import load_config
from matsim.core.errors import ConfigError
from matsim.core.io import load_dataset

EXAMPLE = Path(kmc.__file__).parent / "examples" / "hfo2_cell.yaml"


def test_example_config_is_valid():
    cfg = load_config(EXAMPLE, KMCRunConfig)
    assert [s.kind for s in cfg.protocol] == ["forming", "sweep", "pulse"]


@pytest.mark.parametrize("patch, field", [
    ({"cell": {"shape": [0, 4, 4]}}, "cell.shape.0"),
    ({"cell": {"T_ambient_K": -3}}, "cell.T_ambient_K"),
    ({"protocol": [{"kind": "sweep", "dwell_s": 1e-3}]}, "protocol.0"),
    ({"celll": {}}, "celll"),
])
def test_bad_config_names_the_field(tmp_path, patch, field):
    p = tmp_path / "bad.yaml"
    p.write_text(yaml.safe_dump(patch))
    with pytest.raises(ConfigError) as exc:
        load_config(p, KMCRunConfig)
    assert field in exc.value.field


def test_run_writes_results_and_resumes(tmp_path, capsys):
    cfg = {"cell": {"shape": [4, 4, 6], "seed": 2, "max_events_per_step": 200},
           "protocol": [{"kind": "forming", "v_max": 2.5, "v_step": 0.25},
                        {"kind": "sweep", "voltages": [0.1, -0.3, 0.1], "dwell_s": 1e-3}],
           "output": {"plots": True, "snapshots": True}}
    p = tmp_path / "cell.yaml"
    p.write_text(yaml.safe_dump(cfg))
    out, ck = tmp_path / "out", tmp_path / "out" / "cell.npz"
    assert main(["kmc", "run", str(p), "--out", str(out), "--checkpoint", str(ck), "--quiet"]) == 0
    ds = load_dataset(out / "step1_sweep.nc")
    assert list(ds["V"].values) == [0.1, -0.3, 0.1] and ds["I"].attrs["units"] == "A"
    assert (out / "step0_forming_iv.png").is_file() and (out / "vacancy_map.png").is_file()
    assert (out / "step1_sweep.extxyz").is_file()
    capsys.readouterr()
    assert main(["kmc", "run", str(p), "--out", str(out), "--checkpoint", str(ck), "--quiet"]) == 0
    assert "2 protocol step(s) done" in capsys.readouterr().out


def test_lattice_gas_command(capsys):
    assert main(["kmc", "lattice-gas", "--particles", "300", "--hops", "10"]) == 0
    assert "analytic" in capsys.readouterr().out


def test_unknown_material_is_a_clean_cli_error(tmp_path, capsys):
    p = tmp_path / "c.yaml"
    p.write_text(yaml.safe_dump({"material": "Unobtainium", "cell": {"shape": [3, 3, 4]}}))
    assert main(["kmc", "run", str(p), "--out", str(tmp_path / "o"), "--quiet"]) == 2
    assert "material" in capsys.readouterr().err
