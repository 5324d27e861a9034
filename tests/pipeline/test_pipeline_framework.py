"""The workflow runner: caching by hash, resume after an interruption, errors before any work."""

import json

import numpy as np
import pytest
import yaml

from matsim.core import ConfigError, MissingFileError, make_rng
from matsim.pipeline import Pipeline, register_stage
from matsim.pipeline.stages import StageConfig

CALLS: list[str] = []


class Interrupt(Exception):
    pass


class SourceConfig(StageConfig):
    n: int = 5
    data_file: str | None = None


class SinkConfig(StageConfig):
    scale: float = 1.0
    interrupt: bool = False


def _check_sink(cfg, ctx):
    if cfg.scale <= 0:
        raise ConfigError(f"{ctx.stage_id}.params.scale", cfg.scale, "a number > 0")


@register_stage("_test_source", SourceConfig)
def _source(ctx):
    """Draw numbers from the stage's seed and store them."""
    CALLS.append(ctx.stage_id)
    x = make_rng(ctx.seed).normal(size=ctx.config.n)
    np.save(ctx.out_dir / "x.npy", x)
    return {"mean": float(x.mean()), "data_sha": ctx.params.get("data_file")}


@register_stage("_test_sink", SinkConfig, check=_check_sink)
def _sink(ctx):
    """Scale the upstream mean; can be told to fail once to simulate an interruption."""
    CALLS.append(ctx.stage_id)
    if ctx.config.interrupt and not (ctx.out_dir / "interrupted-once").exists():
        (ctx.out_dir / "interrupted-once").write_text("1")
        raise Interrupt
    up, up_dir = ctx.upstream_of("_test_source")
    assert (up_dir / "x.npy").is_file()
    return {"scaled": up["mean"] * ctx.config.scale}


def _write(tmp_path, stages, name="wf"):
    (tmp_path / "data.txt").write_text("input data v1")
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump({"name": name, "seed": 11, "stages": stages}))
    return path


def test_rerun_recomputes_nothing_and_changes_propagate(tmp_path):
    wf = _write(tmp_path, [{"stage": "_test_source", "params": {"data_file": "data.txt"}},
                           {"stage": "_test_sink", "params": {"scale": 2.0}}])
    CALLS.clear()
    first = Pipeline.from_yaml(wf, run_dir=tmp_path / "run", quiet=True).run()
    assert CALLS == ["_test_source", "_test_sink"]
    assert first["_test_sink"]["scaled"] == pytest.approx(2 * first["_test_source"]["mean"])
    CALLS.clear()
    again = Pipeline.from_yaml(wf, run_dir=tmp_path / "run", quiet=True).run()
    assert CALLS == [] and again == first
    prov = json.loads((tmp_path / "run" / "provenance.json").read_text())
    assert all(s["cached"] for s in prov["stages"])
    assert len(prov["stages"][0]["input_files"]["data_file"]) == 64  # sha256 of the input file
    # changing an input file recomputes that stage and everything downstream
    (tmp_path / "data.txt").write_text("input data v2")
    CALLS.clear()
    Pipeline.from_yaml(wf, run_dir=tmp_path / "run", quiet=True).run()
    assert CALLS == ["_test_source", "_test_sink"]
    report = (tmp_path / "run" / "report.md").read_text()
    assert "scaled" in report and (tmp_path / "run" / "report.html").is_file()


def test_resume_after_interruption_is_identical(tmp_path):
    stages = [{"stage": "_test_source", "params": {"n": 50}}, {"stage": "_test_sink", "params": {"interrupt": True}}]
    wf = _write(tmp_path, stages)
    with pytest.raises(Interrupt):
        Pipeline.from_yaml(wf, run_dir=tmp_path / "a", quiet=True).run()
    CALLS.clear()
    resumed = Pipeline.from_yaml(wf, run_dir=tmp_path / "a", quiet=True).run()
    assert CALLS == ["_test_sink"]  # the finished stage was not redone
    wf2 = _write(tmp_path, [stages[0], {"stage": "_test_sink", "params": {}}], name="wf")
    straight = Pipeline.from_yaml(wf2, run_dir=tmp_path / "b", quiet=True).run()
    assert resumed["_test_sink"]["scaled"] == straight["_test_sink"]["scaled"]


@pytest.mark.parametrize("stages, exc, match", [
    ([{"stage": "no_such_stage"}], ConfigError, "no_such_stage"),
    ([{"stage": "_test_source", "params": {"data_file": "absent.txt"}}], MissingFileError, "data_file"),
    ([{"stage": "_test_source"}, {"stage": "_test_sink", "params": {"scale": -1}}], ConfigError, "scale"),
    ([{"stage": "_test_sink", "inputs": ["later"]}, {"stage": "_test_source", "id": "later"}], ConfigError, "inputs"),
])
def test_bad_config_fails_before_any_work(tmp_path, stages, exc, match):
    wf = _write(tmp_path, stages)
    CALLS.clear()
    with pytest.raises(exc, match=match):
        Pipeline.from_yaml(wf, run_dir=tmp_path / "run", quiet=True)
    assert CALLS == [] and not (tmp_path / "run").exists()


def test_config_schema_errors(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("name: x\nseed: -3\nstages: [{stage: materials}]\n")
    with pytest.raises(ConfigError, match="seed"):
        Pipeline.from_yaml(path)
    path.write_text("name: x\nstages: []\n")
    with pytest.raises(ConfigError, match="stages"):
        Pipeline.from_yaml(path)
