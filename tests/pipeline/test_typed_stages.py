"""Typed stage configs (typos fail before any work), one registry (duplicates refused, no import on
listing), a cache key that follows the engine code a stage imports, and upstream visibility = the key."""

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from matsim.core import ConfigError
from matsim.core.registry import RegistryError
from matsim.pipeline import Pipeline, codehash, register_stage
from matsim.pipeline.stages import StageConfig, get_stage, stage_names

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / "workflows"
CALLS: list[str] = []
BUILTIN = {"materials", "dft_barrier", "kmc_switching", "fit_stanford_pku", "export_verify", "crossbar_digits",
           "mott_filament", "fit_mott_thermal", "mott_neuron", "coupled_oscillators", "taox_fading_memory",
           "reservoir_narma10"}


def test_materail_typo_fails_before_any_work_and_suggests_material(tmp_path):
    wf = yaml.safe_load((WORKFLOWS / "hfo2_vcm_crossbar.yaml").read_text())
    wf["stages"][0]["params"] = {"materail": "VO2", "emt_metal": "Cu"}
    path = tmp_path / "typo.yaml"
    path.write_text(yaml.safe_dump(wf))
    with pytest.raises(ConfigError) as exc:
        Pipeline.from_yaml(path, run_dir=tmp_path / "run", quiet=True)
    msg = str(exc.value)
    assert "materail" in msg and "dft_barrier" in msg and "did you mean 'material'" in msg
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize("name", ["hfo2_vcm_crossbar", "nbo2_mott_neuron", "taox_reservoir"])
def test_shipped_workflows_validate(tmp_path, name):
    pipe = Pipeline.from_yaml(WORKFLOWS / f"{name}.yaml", run_dir=tmp_path / "run", quiet=True)
    assert not (tmp_path / "run").exists()                       # checking does no work
    for spec in pipe.config.stages:
        assert isinstance(pipe._configs[spec.key], get_stage(spec.stage).config)


def test_every_builtin_stage_is_typed_and_refuses_unknown_keys():
    assert BUILTIN <= set(stage_names())
    for name in BUILTIN:
        stage = get_stage(name)
        assert issubclass(stage.config, StageConfig) and stage.description
        for size in ("small", "large"):
            cfg = stage.validate({}, size)                        # defaults (size-dependent ones filled) are valid
            assert all(v is not None for k, v in cfg.model_dump().items()
                       if (stage.config.model_fields[k].json_schema_extra or {}).get(size) is not None)
        with pytest.raises(ConfigError, match=f"{name}.params.no_such_key"):
            stage.validate({"no_such_key": 1}, "small")


def test_size_dependent_defaults_and_type_errors():
    kmc = get_stage("kmc_switching")
    assert kmc.validate({}, "small").shape == (8, 8, 12) and kmc.validate({}, "large").shape == (12, 12, 20)
    assert kmc.validate({"shape": [4, 4, 6]}, "large").shape == (4, 4, 6)
    with pytest.raises(ConfigError, match="kmc_switching.params.compliance_A"):
        kmc.validate({"compliance_A": -1.0}, "small")


def test_listing_stages_imports_no_step_module():
    code = ("import sys; from matsim.pipeline.stages import stage_names; names = stage_names(); "
            "assert 'kmc_switching' in names, names; "
            "assert not [m for m in sys.modules if m.startswith('matsim.pipeline.steps.')], 'imported'")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_duplicate_stage_name_is_refused():
    with pytest.raises(RegistryError, match="registered twice"):
        @register_stage("_test_dup_a")
        def first(ctx):
            return {}

        @register_stage("_test_dup_a")
        def second(ctx):
            return {}
    with pytest.raises(RegistryError, match="kmc_switching"):
        register_stage("kmc_switching")(lambda ctx: {})


# ---- cache key follows the engine code ----------------------------------------------------------------------
@register_stage("_test_alpha")
def _alpha_stage(ctx):
    """Uses the toy engine alpha."""
    import _toy_alpha
    CALLS.append(ctx.stage_id)
    return {"rate": _toy_alpha.RATE}


@register_stage("_test_beta")
def _beta_stage(ctx):
    """Uses the toy engine beta."""
    import _toy_beta
    CALLS.append(ctx.stage_id)
    return {"rate": _toy_beta.RATE}


@register_stage("_test_after")
def _after_stage(ctx):
    """Uses no engine; reads its upstream and says which stages it can see."""
    CALLS.append(ctx.stage_id)
    return {"visible": sorted(ctx.upstream)}


@pytest.fixture
def toy_engines(tmp_path, monkeypatch):
    for name, rate in (("_toy_alpha", 1.0), ("_toy_beta", 2.0)):
        (tmp_path / name).mkdir()
        (tmp_path / name / "__init__.py").write_text(f"from {name}.physics import RATE\n")
        (tmp_path / name / "physics.py").write_text(f"RATE = {rate}\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(codehash, "PROJECT_PACKAGES", (*codehash.PROJECT_PACKAGES, "_toy_alpha", "_toy_beta"))
    return tmp_path


def test_editing_an_engine_constant_invalidates_exactly_its_stages_on_resume(toy_engines, tmp_path):
    wf = tmp_path / "wf.yaml"
    wf.write_text(yaml.safe_dump({"name": "toy", "stages": [
        {"stage": "_test_alpha"},
        {"stage": "_test_beta", "inputs": []},
        {"stage": "_test_after", "inputs": ["_test_alpha"]}]}))

    def resume():
        CALLS.clear()
        return Pipeline.from_yaml(wf, run_dir=tmp_path / "run", quiet=True).run()

    first = resume()
    assert CALLS == ["_test_alpha", "_test_beta", "_test_after"]
    assert first["_test_after"]["visible"] == ["_test_alpha"]     # only declared upstream stages are visible
    resume()
    assert CALLS == []
    (toy_engines / "_toy_alpha" / "physics.py").write_text("RATE = 1.5\n")
    resume()
    assert CALLS == ["_test_alpha", "_test_after"]            # beta (which does not import alpha) is reused
    (toy_engines / "_toy_beta" / "physics.py").write_text("RATE = 3.0\n")
    resume()
    assert CALLS == ["_test_beta"]


@pytest.mark.parametrize("edited, changed", [
    ("kmc/vcm.py", {"kmc_switching", "fit_stanford_pku", "export_verify", "crossbar_digits"}),
    ("compact/stanford.py", {"fit_stanford_pku", "export_verify", "crossbar_digits"}),
    ("continuum/filament.py", set()),
])
def test_editing_a_real_engine_file_changes_exactly_the_keys_of_the_stages_using_it(tmp_path, monkeypatch,
                                                                                    edited, changed):
    """As if ``edited`` were changed: the stages importing it and those downstream of them get new keys
    (recomputed on --resume); the others keep theirs (reused)."""
    pipe = Pipeline.from_yaml(WORKFLOWS / "hfo2_vcm_crossbar.yaml", run_dir=tmp_path / "run", quiet=True)
    before = pipe.keys()
    digest = codehash._file_digest
    target = (ROOT / edited).resolve()
    monkeypatch.setattr(codehash, "_file_digest",
                        lambda path: b"edited" + digest(path) if path.resolve() == target else digest(path))
    after = pipe.keys()
    assert {k for k in before if before[k] != after[k]} == changed


@pytest.mark.parametrize("stage, uses, not_uses", [
    ("dft_barrier", {"matsim.dft", "matsim.materials"}, {"kmc", "compact", "continuum", "matsim.network"}),
    ("kmc_switching", {"kmc", "matsim.materials"}, {"compact", "continuum", "matsim.dft", "matsim.network"}),
    ("fit_stanford_pku", {"compact"}, {"kmc", "continuum", "matsim.network"}),
    ("mott_filament", {"continuum"}, {"kmc", "compact", "matsim.network"}),
    ("crossbar_digits", {"compact", "matsim.network"}, {"kmc", "continuum"}),
])
def test_builtin_stage_keys_cover_the_engines_they_import(stage, uses, not_uses):
    _, units = codehash.code_hash(get_stage(stage).run)
    assert uses <= set(units) and not (not_uses & set(units)), units


def test_forming_verify_failure_is_reported(tmp_path, monkeypatch):
    """A cell whose filament never survives the read: kmc_switching warns (before: the loop ended silently
    after three attempts), and the sweep without a SET fails the stage (matsim.pipeline.integrity)."""
    import numpy as np
    import xarray as xr

    import kmc

    class NeverFormed:
        def __init__(self, params, **kw):
            self.attempts = 0

        def forming(self, v_max, v_step, quiet=True):
            self.attempts += 1
            V = np.arange(v_step, v_max + v_step / 2, v_step)
            return xr.Dataset({"V": ("step", V), "I": ("step", 1e-9 * V)}, attrs={"V_forming": float(V[-1])})

        def sweep_iv(self, voltages, dwell_s, quiet=True):
            V = np.asarray(voltages, float)
            n = V.size
            return xr.Dataset({"V": ("step", V), "I": ("step", 1e-12 * V), "n_vacancies": ("step", np.zeros(n)),
                               "T_max": ("step", np.full(n, 300.0)), "gap": ("step", np.full(n, 3))})

    monkeypatch.setattr(kmc, "VCMCell", NeverFormed)
    wf = tmp_path / "wf.yaml"
    wf.write_text(yaml.safe_dump({"name": "nf", "stages": [
        {"stage": "kmc_switching", "params": {"forming_attempts": 2, "cycles": 1}}]}))
    from matsim.core.errors import NoResultError
    with pytest.warns(RuntimeWarning, match="forming-verify failed 2 times"), \
            pytest.raises(NoResultError, match="V_set"):      # no SET in the sweep either: the stage fails
        Pipeline.from_yaml(wf, run_dir=tmp_path / "run", quiet=True).run()
    assert "V_set" in (tmp_path / "run" / "kmc_switching" / "FAILED").read_text()


def test_list_stages_shows_each_stage_and_its_parameters(capsys):
    from matsim.cli import main
    assert main(["run", "--list-stages"]) == 0
    out = capsys.readouterr().out
    assert all(name in out for name in BUILTIN)
    assert "params: material, neb_dir, emt_metal" in out
