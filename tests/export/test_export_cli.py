"""The export/verify command line (compact/export/cli.py)."""

import json

import pytest
from export_helpers import needs_ngspice

from compact.export import read_parameters
from compact.export.cli import main, resolve_model
from matsim.core.errors import ConfigError


def test_export_ngspice_and_verilog_a(tmp_path, capsys):
    assert main(["export", "NbOxAscoli", "--format", "ngspice", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "NbOxAscoli.cir").is_file()
    assert main(["export", "nboxascoli", "--format", "verilog-a", "--out", str(tmp_path), "--name", "nbo2"]) == 0
    assert (tmp_path / "nbo2.va").is_file()
    assert "wrote" in capsys.readouterr().out


def test_export_with_fitted_parameters(tmp_path):
    m = resolve_model("NbOxAscoli")
    fit = m.params.with_values(source="fit: test", R_th=2.5e5)
    path = fit.save_json(tmp_path / "fit.json")
    assert main(["export", "NbOxAscoli", "--out", str(tmp_path / "out"), "--params", str(path)]) == 0
    assert read_parameters(tmp_path / "out" / "NbOxAscoli.cir")["R_th"] == 2.5e5


def test_unknown_model_and_bad_params_file(tmp_path, capsys):
    with pytest.raises(ConfigError, match="MODEL"):
        resolve_model("NoSuchModel")
    assert main(["export", "NoSuchModel", "--out", str(tmp_path)]) == 2
    assert "NoSuchModel" in capsys.readouterr().err
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"nothing": 1}))
    assert main(["export", "NbOxAscoli", "--params", str(bad), "--out", str(tmp_path)]) == 2


@pytest.mark.ngspice
@needs_ngspice
def test_verify_command(tmp_path, capsys):
    assert main(["verify", "NbOxAscoli", "--plot", str(tmp_path / "v.png")]) == 0
    out = capsys.readouterr().out
    assert "OK" in out and (tmp_path / "v.png").is_file()


def test_matsim_compact_export_is_wired(tmp_path):
    """`matsim compact export` reaches compact.export.cli through compact/cli.py's hook."""
    from matsim.cli import main as matsim_main
    assert matsim_main(["compact", "export", "VTEAM", "--format", "verilog-a", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "VTEAM.va").is_file()
