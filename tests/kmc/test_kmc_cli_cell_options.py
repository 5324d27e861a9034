"""`matsim kmc run` config: the VCM cell's ``conduction`` and ``thermal`` options reach kmc.vcm.VCMCell,
bad values are one ConfigError, and a changed option refuses to resume a checkpoint."""

import typing

import pytest
import yaml

from kmc import vcm
from kmc.cli import _build_cell, run_stamp
from kmc.config import CellConfig, KMCRunConfig
from matsim.core.checkpoint import CheckpointMismatchError, check_resumable
from matsim.core.config import load_config
from matsim.core.errors import ConfigError

CELL = {"shape": [4, 4, 6], "seed": 1}


def _load(tmp_path, **cell):
    p = tmp_path / "c.yaml"
    p.write_text(yaml.safe_dump({"cell": {**CELL, **cell}, "protocol": [{"kind": "forming"}]}))
    return load_config(p, KMCRunConfig)


def test_config_choices_are_the_cells():
    hints = typing.get_type_hints(CellConfig)
    assert set(typing.get_args(hints["conduction"])) == set(vcm.CONDUCTION)
    assert set(typing.get_args(hints["thermal"])) == set(vcm.THERMAL)


def test_defaults_and_options_reach_the_cell(tmp_path):
    default = _build_cell(_load(tmp_path))
    assert (default.conduction, default.thermal) == ("tunnel", "ambient")     # the defaults of kmc.VCMCell
    assert (vcm.VCMCell(shape=(3, 3, 4)).conduction, vcm.VCMCell(shape=(3, 3, 4)).thermal) == ("tunnel", "ambient")
    cell = _build_cell(_load(tmp_path, conduction="lattice", thermal="electrodes"))
    assert (cell.conduction, cell.thermal) == ("lattice", "electrodes")
    assert cell.shape == default.shape == (4, 4, 6)


@pytest.mark.parametrize("key, value, allowed", [
    ("conduction", "tunnelling", ("'lattice'", "'tunnel'")),
    ("thermal", "adiabatic", ("'ambient'", "'electrodes'")),
])
def test_bad_option_is_one_config_error(tmp_path, key, value, allowed):
    with pytest.raises(ConfigError) as exc:
        _load(tmp_path, **{key: value})
    assert exc.value.field.endswith(f"cell.{key}") and exc.value.value == value
    assert all(a in exc.value.expected for a in allowed)


def test_changed_conduction_refuses_resume(tmp_path):
    a, b = run_stamp(_load(tmp_path, conduction="lattice")), run_stamp(_load(tmp_path))
    assert a["config_hash"] != b["config_hash"]
    with pytest.raises(CheckpointMismatchError, match="cell.conduction: 'lattice' -> 'tunnel'"):
        check_resumable(a, b["config"], b["code"], "cell.npz")
