"""compact.fit recovers known parameters from synthetic data; variability sampling; bad input."""

import numpy as np
import pytest
import xarray as xr

from compact import ECRAM, MottThermal, StanfordPKU
from compact.calibration import fit, load_data, predict
from compact.variability import sample, sample_parameters, spread_from_ensemble
from matsim.core.errors import ConfigError, MissingFileError


@pytest.fixture(scope="module")
def stanford_sweep():
    """A KMC-like bipolar sweep program (step dimension, cumulative time) with currents of a known model."""
    V = np.concatenate([np.arange(0, 1.6, 0.1), np.arange(1.5, -1.6, -0.1), np.arange(-1.5, 0.01, 0.1)])
    prog = xr.Dataset({"V": ("step", V), "time": ("step", np.cumsum(np.full(V.size, 1e-4)))})
    truth = StanfordPKU(I0=2.0, g0=0.3, V0=0.3)
    I = predict(truth, prog, "steps")
    return prog.assign(I=("step", I)).assign_attrs(source="synthetic StanfordPKU sweep")


def test_fit_recovers_stanford_parameters_from_sweep(stanford_sweep, tmp_path):
    assert np.ptp(np.log(np.abs(stanford_sweep.I.values[1:]))) > 3          # it really switches
    res = fit(StanfordPKU(), stanford_sweep, params=["I0", "g0", "V0"])
    assert res.kind == "steps"
    for k, true in (("I0", 2.0), ("g0", 0.3), ("V0", 0.3)):
        assert res.params[k].value == pytest.approx(true, rel=0.02)
        assert res.params[k].source == "fit: synthetic StanfordPKU sweep"
    assert res.rms_residual < 1e-3
    fig = res.plot(tmp_path / "fit.png")
    assert (tmp_path / "fit.png").stat().st_size > 1000 and fig is not None


def test_fit_recovers_mott_thermal_parameters_from_current_controlled_iv():
    truth = MottThermal.vo2(R_th=7e5, radius=60.0)
    I = np.logspace(-6, -3, 25)
    V = np.array([truth.steady_voltage_at_current(i) for i in I])
    ds = xr.Dataset({"V": ("point", V), "I": ("point", I)}, attrs={"control": "current-controlled", "source": "synthetic"})
    res = fit(MottThermal.vo2(), ds, params=["R_th", "radius"])
    assert res.kind == "steady_current"
    assert res.params["R_th"].value == pytest.approx(7e5, rel=0.02)
    assert res.params["radius"].value == pytest.approx(60.0, rel=0.02)
    assert res.model.material == "VO2"


def test_csv_static_fit_and_bad_input(tmp_path):
    m = ECRAM()
    V = np.linspace(-0.3, 0.3, 13)
    I = ECRAM(G_max=2.0).current(V, [0.7])
    path = tmp_path / "iv.csv"
    path.write_text("V,I\n" + "\n".join(f"{v},{i}" for v, i in zip(V, I)))
    ds = load_data(path)
    assert ds.attrs["source"] == "CSV iv.csv"
    res = fit(m, path, params=["G_max"], kind="static", x=[0.7])
    assert res.params["G_max"].value == pytest.approx(2.0, rel=1e-4)
    with pytest.raises(ConfigError, match="params"):
        fit(m, path, params=["nonexistent"], kind="static", x=[0.7])
    with pytest.raises(ConfigError, match="bounds.G_max"):
        fit(m, path, params=["G_max"], kind="static", x=[0.7], bounds={"G_max": (2.0, 1.0)})
    with pytest.raises(MissingFileError):
        fit(m, tmp_path / "missing.csv", params=["G_max"])


def test_device_to_device_sampling_statistics_and_reproducibility():
    m = StanfordPKU()
    C = np.array([[1.0, 0.8], [0.8, 1.0]])
    draws = sample_parameters(m, 4000, spread={"g0": 0.05, "I0": 0.2}, correlation=C, seed=3)
    lg, li = np.log(draws["g0"] / 0.25), np.log(draws["I0"] / 1.0)
    assert np.std(lg) == pytest.approx(0.05, rel=0.05)
    assert np.std(li) == pytest.approx(0.2, rel=0.05)
    assert np.corrcoef(lg, li)[0, 1] == pytest.approx(0.8, abs=0.03)
    again = sample_parameters(m, 4000, spread={"g0": 0.05, "I0": 0.2}, correlation=C, seed=3)
    np.testing.assert_array_equal(draws["g0"], again["g0"])
    devices = sample(m, 5, spread={"g0": 0.05}, seed=1)
    assert len({d.p.g0 for d in devices}) == 5
    assert devices[0].params["g0"].source.startswith("variability")
    # ensemble -> spreads/correlations -> new draws with the same statistics
    ens = xr.Dataset({k: ("device", v) for k, v in draws.items()})
    spread, corr = spread_from_ensemble(m, ens)
    assert spread["I0"][1] == pytest.approx(0.2, rel=0.05) and corr[0, 1] == pytest.approx(0.8, abs=0.03)
    redrawn = sample_parameters(m, 4000, from_ensemble=ens, seed=4)
    assert np.std(np.log(redrawn["I0"])) == pytest.approx(0.2, rel=0.06)
    with pytest.raises(ConfigError, match="correlation"):
        sample_parameters(m, 10, spread={"g0": 0.05, "I0": 0.2}, correlation=[[1, 2], [2, 1]])
    with pytest.raises(ConfigError, match="spread.nope"):
        sample_parameters(m, 10, spread={"nope": 0.1})


def test_ecram_pulses_linear_symmetric_with_c2c_noise():
    m = ECRAM(nu=0.0, asym=0.0, sigma_c2c=0.0)
    x = m.apply_pulses(np.zeros(3), [100, 500, 1000])
    np.testing.assert_allclose(x, [0.1, 0.5, 1.0], atol=1e-9)              # 1000 equal states
    back = m.apply_pulses(x, [-100, -500, -1000])
    np.testing.assert_allclose(back, [0.0, 0.0, 0.0], atol=1e-9)
    noisy = ECRAM(nu=0.0, asym=0.0, sigma_c2c=0.1)
    xs = noisy.apply_pulses(np.full(2000, 0.2), 100, seed=7)
    assert np.mean(xs) == pytest.approx(0.3, abs=2e-3)
    assert np.std(xs) == pytest.approx(0.1 * 0.001 * np.sqrt(100), rel=0.1)  # random walk of 100 noisy steps
    asym = ECRAM(asym=0.1, nu=0.0, sigma_c2c=0.0)
    net = asym.apply_pulses(np.array([0.5]), 100)
    net = asym.apply_pulses(net, -100)
    assert net[0] == pytest.approx(0.5 + 100 * 0.1 / 1000, rel=1e-6)        # up/down mismatch drifts upward
    assert m.pulses_for_state(0.0, 0.25) == 250
    with pytest.raises(ConfigError, match="n_pulses_signed"):
        m.apply_pulses([0.5], [1.5])
