"""Fits refuse non-finite data (naming file, line and column) and flag non-convergence instead of
returning a parameter set with a NaN residual (before: exit 0, "rms normalized residual nan")."""

import numpy as np
import pytest
import xarray as xr

from compact import ECRAM, fit
from matsim.cli import main as matsim_main
from matsim.core.errors import ConfigError

V = np.linspace(-0.3, 0.3, 9)


def main(argv):
    return matsim_main(["compact", *argv])


def _csv(tmp_path, bad=None):
    i = ECRAM(G_max=2.0).current(V, [0.5])
    if bad is not None:
        i[3] = bad
    p = tmp_path / "iv.csv"
    p.write_text("# measured\nV,I\n" + "\n".join(f"{a},{b}" for a, b in zip(V, i, strict=True)))
    return p


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_csv_with_non_finite_value_names_file_line_and_column(tmp_path, bad):
    p = _csv(tmp_path, bad)
    with pytest.raises(ConfigError, match=r"iv.csv.*line 6 \(data row 4\), column I"):
        fit(ECRAM(), p, ["G_max"], kind="static", x=[0.5])


def test_cli_nan_fit_exits_2_and_writes_nothing(tmp_path, capsys):
    p = _csv(tmp_path, np.nan)
    out = tmp_path / "fit.json"
    assert main(["fit", "ECRAM", str(p), "--fit", "G_max", "--kind", "static", "--state", "0.5",
                 "--out", str(out)]) == 2
    assert "column I" in capsys.readouterr().err and not out.exists()


def test_dataset_with_nan_names_variable_and_index():
    ds = xr.Dataset({"V": ("point", V.copy()), "I": ("point", ECRAM(G_max=2.0).current(V, [0.5]))})
    ds["V"].values[5] = np.nan
    with pytest.raises(ConfigError, match="variable V is nan at point 5"):
        fit(ECRAM(), ds, ["G_max"], kind="static", x=[0.5])


def test_non_convergence_is_flagged_not_a_silent_fit(tmp_path):
    p = _csv(tmp_path)
    res = fit(ECRAM(G_max=0.5), p, ["G_max", "G_min"], kind="static", x=[0.5], max_nfev=1)
    assert not res.success and np.isfinite(res.rms_residual)
    assert res.summary().startswith("NOT CONVERGED")
    assert "NOT converged" in res.params["G_max"].source
    good = fit(ECRAM(G_max=0.5), p, ["G_max"], kind="static", x=[0.5])
    assert good.success and good.params["G_max"].value == pytest.approx(2.0, rel=1e-4)


def test_params_flag_means_a_json_file_everywhere(tmp_path, capsys):
    assert main(["fit", "ECRAM", str(_csv(tmp_path)), "--params", "G_max", "--kind", "static", "--state", "0.5"]) == 2
    assert "use --fit G_max" in capsys.readouterr().err
    assert main(["fit", "ECRAM", str(_csv(tmp_path)), "--fit", "G_max", "--kind", "static", "--state", "0.5,abc"]) == 2
    assert "--state" in capsys.readouterr().err


def test_model_that_only_gives_nan_is_a_convergence_error(tmp_path, monkeypatch):
    import compact.calibration as cal
    from matsim.core.errors import ConvergenceError
    monkeypatch.setattr(cal, "predict", lambda model, ds, kind, **kw: np.full(ds["I"].size, np.nan))
    with pytest.raises(ConvergenceError, match="non-finite or no currents"):
        fit(ECRAM(), _csv(tmp_path), ["G_max"], kind="static", x=[0.5])
