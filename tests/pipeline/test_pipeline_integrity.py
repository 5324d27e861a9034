"""Stage outputs are checksummed (a truncated/deleted output is recomputed, not "unchanged, reusing"),
a failed stage leaves no stale figures or report, unit strings in stage parameters are parsed or refused
before any stage runs, and Ctrl-C ends `matsim run` with one line saying how to resume."""

import json

import matplotlib
import numpy as np
import pytest
import yaml

from matsim.cli import main
from matsim.core.errors import UnitError
from matsim.pipeline import Pipeline, StageConfig, register_stage

matplotlib.use("Agg")
CALLS: list[str] = []


class SourceConfig(StageConfig):
    fail: bool = False
    n: int = 4
    compliance_A: float | None = None


class NeedsConfig(StageConfig):
    threshold: int = 0


@register_stage("_int_source", SourceConfig)
def _source(ctx):
    """Write an output file and a figure; optionally fail."""
    import matplotlib.pyplot as plt
    CALLS.append(ctx.stage_id)
    if ctx.config.fail:
        raise RuntimeError("source failed on purpose")
    np.save(ctx.out_dir / "x.npy", np.arange(ctx.config.n))
    ctx.figure(plt.figure(), "x.png")
    return {"n": ctx.config.n, "compliance_A": ctx.config.compliance_A}


@register_stage("_int_sink")
def _sink(ctx):
    """Read the upstream output (fails on a truncated file, as fit_stanford_pku did on sweep.nc)."""
    CALLS.append(ctx.stage_id)
    _, up_dir = ctx.upstream_of("_int_source")
    return {"sum": int(np.load(up_dir / "x.npy").sum())}


def _wf(tmp_path, source_params=None):
    p = tmp_path / "wf.yaml"
    p.write_text(yaml.safe_dump({"name": "wf", "seed": 1, "stages": [
        {"stage": "_int_source", "params": source_params or {}}, {"stage": "_int_sink"}]}))
    return p


@pytest.mark.parametrize("damage", ["truncate", "delete"])
def test_corrupt_or_missing_output_is_recomputed(tmp_path, capsys, damage):
    wf, run = _wf(tmp_path), tmp_path / "run"
    Pipeline.from_yaml(wf, run_dir=run).run()
    manifest = json.loads((run / "_int_source" / "manifest.json").read_text())
    assert set(manifest["files"]) == {"x.npy", "x.png"}
    prov = json.loads((run / "provenance.json").read_text())
    assert prov["stages"][0]["output_files"] == manifest["files"]
    x = run / "_int_source" / "x.npy"
    x.write_bytes(x.read_bytes()[:20]) if damage == "truncate" else x.unlink()
    CALLS.clear()
    capsys.readouterr()
    out = Pipeline.from_yaml(wf, run_dir=run).run()            # before: "unchanged, reusing", sink crashed
    assert CALLS == ["_int_source"] and out["_int_sink"]["sum"] == 6
    assert "x.npy" in capsys.readouterr().out


def test_failed_stage_marks_itself_and_the_report(tmp_path):
    run = tmp_path / "run"
    Pipeline.from_yaml(_wf(tmp_path), run_dir=run).run()
    assert (run / "_int_source" / "x.png").is_file() and "sum | 6" in (run / "report.md").read_text()
    with pytest.raises(RuntimeError):
        Pipeline.from_yaml(_wf(tmp_path, {"fail": True}), run_dir=run).run()
    report = (run / "report.md").read_text()
    assert "FAILED at stage _int_source" in report and "sum | 6" not in report   # no stale numbers
    assert not (run / "_int_source" / "x.png").exists()                          # no stale figure
    assert "source failed on purpose" in (run / "_int_source" / "FAILED").read_text()
    prov = json.loads((run / "provenance.json").read_text())
    assert prov["failed"]["stage"] == "_int_source" and prov["stages"] == []      # not the previous run's
    Pipeline.from_yaml(_wf(tmp_path), run_dir=run).run()
    assert not (run / "_int_source" / "FAILED").exists() and "FAILED" not in (run / "report.md").read_text()


def test_unit_strings_in_stage_parameters(tmp_path):
    out = Pipeline.from_yaml(_wf(tmp_path, {"compliance_A": "2 uA"}), run_dir=tmp_path / "r").run()
    assert out["_int_source"]["compliance_A"] == pytest.approx(2e-6)
    CALLS.clear()
    with pytest.raises(UnitError, match=r"_int_source.params.compliance_A: got '2 uV'"):
        Pipeline.from_yaml(_wf(tmp_path, {"compliance_A": "2 uV"}), run_dir=tmp_path / "r2")
    assert CALLS == []                                           # refused before any stage ran


def test_ctrl_c_prints_one_line_with_how_to_resume(tmp_path, capsys, monkeypatch):
    def interrupted(self, force=False):
        raise KeyboardInterrupt
    monkeypatch.setattr(Pipeline, "run", interrupted)
    wf = _wf(tmp_path)
    assert main(["run", str(wf), "--out", str(tmp_path / "run")]) == 130
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "Traceback" not in err
    assert err.startswith("matsim: interrupted; finished stages are kept in") and "--resume" in err


@register_stage("_int_slow")
def _slow(ctx):
    """Sleep a little (a long stage that calls its engine quietly)."""
    import time
    time.sleep(1.3)
    return {}


def test_long_stage_shows_elapsed_time_on_a_terminal(tmp_path, capsys, monkeypatch):
    import matsim.pipeline.ticker as ticker
    monkeypatch.setattr(ticker, "progress_enabled", lambda quiet=False: not quiet)    # as on a TTY
    p = tmp_path / "wf.yaml"
    p.write_text(yaml.safe_dump({"name": "wf", "stages": [{"stage": "_int_slow"}]}))
    Pipeline.from_yaml(p, run_dir=tmp_path / "run").run()
    assert "[_int_slow] running: 00:01 elapsed" in capsys.readouterr().err
    Pipeline.from_yaml(p, run_dir=tmp_path / "run2", quiet=True).run()
    assert "elapsed" not in capsys.readouterr().err


def test_failure_after_cached_upstream_mentions_force(tmp_path):
    from matsim.core.errors import ConfigError

    @register_stage("_int_needs", NeedsConfig)
    def _needs(ctx):
        """Fail with a user error when the upstream output looks wrong."""
        _, up_dir = ctx.upstream_of("_int_source")
        if ctx.config.threshold > 0:
            raise ConfigError(f"{ctx.stage_id}: upstream x.npy", "too short", "more points")
        return {}
    p = tmp_path / "wf.yaml"
    p.write_text(yaml.safe_dump({"name": "wf", "stages": [{"stage": "_int_source"}, {"stage": "_int_needs"}]}))
    Pipeline.from_yaml(p, run_dir=tmp_path / "run").run()
    p.write_text(yaml.safe_dump({"name": "wf", "stages": [{"stage": "_int_source"},
                                                          {"stage": "_int_needs", "params": {"threshold": 1}}]}))
    with pytest.raises(ConfigError, match="rerun with --force"):
        Pipeline.from_yaml(p, run_dir=tmp_path / "run").run()


def test_stage_with_nan_result_fails(tmp_path):
    from matsim.core.errors import NoResultError

    @register_stage("_int_nan")
    def _nan(ctx):
        """A stage whose measurement found nothing (e.g. forming never reached)."""
        return {"V_forming": float("nan"), "ok": 1.0, "params": {"E": {"value": float("inf"), "unit": "eV"}}}
    p = tmp_path / "wf.yaml"
    p.write_text(yaml.safe_dump({"name": "wf", "stages": [{"stage": "_int_nan"}]}))
    with pytest.raises(NoResultError, match=r"stage _int_nan produced no result \(NaN or inf\) for V_forming, params.E"):
        Pipeline.from_yaml(p, run_dir=tmp_path / "run").run()
    assert "FAILED at stage _int_nan" in (tmp_path / "run" / "report.md").read_text()
    assert not (tmp_path / "run" / "_int_nan" / "manifest.json").exists()     # not cached as a result
