"""`matsim kmc run`: a checkpoint is resumed only by the config (and code) that wrote it; a run that did
no physics (empty/truncated config, no events, forming not reached) ends with exit status 2 and says why."""

import pytest
import yaml

from matsim.cli import main
from matsim.core.checkpoint import check_resumable, config_differences, stamp
from matsim.core.errors import ConfigError
from matsim.core.io import load_dataset

BASE = {"cell": {"shape": [4, 4, 6], "seed": 1, "T_ambient_K": 300, "max_events_per_step": 200},
        "protocol": [{"kind": "forming", "v_max": 2.5, "v_step": 0.25}],
        "output": {"plots": False}}


def _write(path, cfg):
    path.write_text(yaml.safe_dump(cfg))
    return str(path)


def _run(cfg_path, out, ckpt, *extra):
    return main(["kmc", "run", cfg_path, "--out", str(out), "--checkpoint", str(ckpt), "--quiet", *extra])


def test_checkpoint_of_another_config_is_refused_then_restart_or_force(tmp_path, capsys):
    ck = tmp_path / "cell.npz"
    a = _write(tmp_path / "a.yaml", BASE)
    assert _run(a, tmp_path / "oa", ck) == 0
    hot = {**BASE, "cell": {**BASE["cell"], "T_ambient_K": 350, "seed": 7}}
    b = _write(tmp_path / "b.yaml", hot)
    capsys.readouterr()
    assert _run(b, tmp_path / "ob", ck) == 2          # before: "restarting from", exit 0, 300 K data
    err = capsys.readouterr().err
    assert "cell.T_ambient_K: 300.0 -> 350.0" in err and "cell.seed: 1 -> 7" in err
    assert "--restart" in err and "new --checkpoint" in err and err.count("\n") == 1
    assert not (tmp_path / "ob" / "step0_forming.nc").exists()
    assert _run(b, tmp_path / "ob", ck, "--restart") == 0
    ds_a, ds_b = load_dataset(tmp_path / "oa" / "step0_forming.nc"), load_dataset(tmp_path / "ob" / "step0_forming.nc")
    assert float(ds_b["T_max"].min()) >= 350.0 > float(ds_a["T_max"].min())
    capsys.readouterr()
    assert _run(a, tmp_path / "oa", ck, "--force") == 0     # explicit override: resumes the 350 K checkpoint
    assert "--force: resuming" in capsys.readouterr().out


def test_code_change_and_legacy_checkpoint_are_refused(tmp_path):
    me = stamp({"x": 1}, "kmc aaaa")
    check_resumable(me, {"x": 1}, "kmc aaaa", "c.npz")
    with pytest.raises(ConfigError, match="code: kmc aaaa -> kmc bbbb"):
        check_resumable(me, {"x": 1}, "kmc bbbb", "c.npz")
    with pytest.raises(ConfigError, match="no config hash"):
        check_resumable({}, {"x": 1}, "kmc aaaa", "c.npz")
    assert config_differences({"a": {"b": 1}}, {"a": {"b": 2}, "c": 3}) == ["a.b: 1 -> 2", "c: '(unset)' -> 3"]


@pytest.mark.parametrize("text, message", [
    ("", "the file is empty"),
    ("material: HfO2\n", "protocol: got '<missing>'"),
])
def test_empty_or_truncated_config_is_an_error(tmp_path, capsys, text, message):
    p = tmp_path / "c.yaml"
    p.write_text(text)
    assert main(["kmc", "run", str(p), "--out", str(tmp_path / "o"), "--quiet"]) == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize("protocol, message, step_failed", [
    ([{"kind": "forming", "v_max": 0.2, "v_step": 0.1}], "did not form up to v_max = 0.2 V", True),
    ([{"kind": "sweep", "voltages": [0.05], "dwell_s": 1e-9}], "no KMC event happened", False),
])
def test_run_without_physics_exits_2(tmp_path, capsys, protocol, message, step_failed):
    p = _write(tmp_path / "c.yaml", {**BASE, "protocol": protocol})
    assert _run(p, tmp_path / "o", tmp_path / "c.npz") == 2
    assert message in capsys.readouterr().err
    assert (tmp_path / "c.npz").exists() != step_failed     # a failed step is not checkpointed as done


def test_code_fingerprint_covers_the_engine_not_the_front_end(tmp_path):
    from matsim.core.checkpoint import code_fingerprint
    (tmp_path / "engine.py").write_text("RATE = 1\n")
    (tmp_path / "cli.py").write_text("print('hi')\n")
    before = code_fingerprint(tmp_path)
    (tmp_path / "cli.py").write_text("print('hello')\n")
    assert code_fingerprint(tmp_path) == before
    (tmp_path / "engine.py").write_text("RATE = 2\n")
    assert code_fingerprint(tmp_path) != before
