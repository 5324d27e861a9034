"""One source of equations: every export's expression tree, evaluated by numpy on a (v, state, T) grid
reaching twice the model's switching drive, equals the Python model to 1e-9 relative (no simulator)."""

import numpy as np
import pytest

import compact
from compact import mott, nbox_ascoli, selector
from compact.export import build_spec
from compact.export.numeric import evaluate, evaluate_spec, limexp, parse
from compact.smooth import limsinh
from matsim.core.errors import ConfigError

MODELS = {"StanfordPKU": compact.StanfordPKU, "VTEAM": compact.VTEAM, "Yakopcic": compact.Yakopcic,
          "TaOxExtended": compact.TaOxExtended, "Selector": selector.Selector, "ECRAM": compact.ECRAM,
          "JARTVCM": compact.JARTVCM, "MottThermal.vo2": mott.MottThermal.vo2,
          "MottThermal.nbo2": mott.MottThermal.nbo2, "NbOxAscoli": nbox_ascoli.NbOxAscoli}


def _close(a, b, rel=1e-9):
    """Pointwise relative error; values below 1e-15 of the grid's largest are round-off at the bounds."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    assert np.all(np.isfinite(a)) and np.all(np.isfinite(b))
    floor = 1e-15 * max(np.max(np.abs(a)), 1e-300)
    err = np.abs(a - b) / np.maximum(np.maximum(np.abs(a), np.abs(b)), floor)
    return float(np.max(err))


def test_every_model_is_covered():
    from compact.export.spec import SPECS
    builtin = {k for k, fn in SPECS.items() if fn.__module__.startswith("compact.export.models")}
    assert builtin == {k.split(".")[0] for k in MODELS}


@pytest.mark.parametrize("key", list(MODELS))
def test_export_equations_equal_python(key):
    m = MODELS[key]()
    spec = build_spec(m)
    vmax = 2.0 * abs(spec.drive[0])
    lo, hi = m.state_bounds()
    lo, hi = float(lo[0]), float(hi[0])
    if m.state_units[0] == "K":          # temperatures: ambient .. bound
        lo = 250.0
    v = np.linspace(-vmax, vmax, 41)
    x = np.geomspace(lo, hi, 17) if lo > 0 and hi / lo > 1e3 else np.linspace(lo, hi, 17)
    V, X = np.meshgrid(v, x, indexing="ij")
    for T in (None, 350.0):
        i_py = m.current(V, X[None], T)
        r_py = m.dstate_dt(V, X[None], T)[0]
        i_ex, (r_ex,) = evaluate_spec(spec, V, [X], T)
        assert _close(i_py, i_ex) <= 1e-9, f"{key} current at T={T}"
        assert _close(r_py, r_ex) <= 1e-9, f"{key} rate at T={T}"


def test_taox_beyond_0p6_volt():
    """TaOx from -1 to +1 V: the export carries the Python soft cap of the exponents (no hard 700 cap)."""
    m = compact.TaOxExtended()
    spec = build_spec(m)
    V, X = np.meshgrid(np.linspace(-1, 1, 81), np.linspace(0.01, 0.99, 11), indexing="ij")
    _, (r_ex,) = evaluate_spec(spec, V, [X])
    assert _close(m.dstate_dt(V, X[None])[0], r_ex) <= 1e-9


def test_limexp_same_function_everywhere():
    a = np.array([-50.0, 0.0, 79.0, 80.0, 81.0, 500.0])
    np.testing.assert_allclose(limexp(a)[:4], np.exp(a[:4]), rtol=1e-15)
    assert limexp(500.0) == pytest.approx(np.exp(80.0) * 421.0)
    # the neutral-language macro (written into ngspice and Verilog-A) is the same function
    assert np.allclose(evaluate("limexp(a)", {"a": a}), limexp(a), rtol=1e-15)
    assert np.allclose(evaluate("limsinh(a)", {"a": a}), limsinh(a), rtol=1e-15)
    # Stanford's sinh(V/V0) no longer overflows at 60 V (a Newton iterate)
    m = compact.StanfordPKU()
    assert np.isfinite(m.current(200.0, [m.p.g_min])) and np.isfinite(m.dstate_dt(200.0, [m.p.g_max])[0])


def test_parser_precedence_and_errors():
    assert evaluate("1 + 2*3 - 4/2", {}) == 5.0
    assert evaluate("-2*-3", {}) == 6.0
    assert evaluate("x > 0 ? 1 : 2", {"x": np.array([1.0, -1.0])}).tolist() == [1.0, 2.0]
    assert evaluate("2.5e-3*1E3", {}) == pytest.approx(2.5)
    with pytest.raises(ConfigError, match="rate"):
        parse("foo(1)", "rate")
    with pytest.raises(ConfigError, match="y"):
        evaluate("x + y", {"x": 1.0})


def test_python_simulation_from_the_export_tree():
    """SpecModel integrates the exported equations: the same trajectory as the hand-written model."""
    from compact.export.numeric import SpecModel
    m = compact.VTEAM()
    sm = SpecModel(m)
    t = np.linspace(0, 2e-6, 401)
    wave = lambda tt: 0.4 * np.sin(2e6 * np.pi * tt)
    a, b = m.simulate(wave, t), sm.simulate(wave, t)
    assert np.ptp(a["x"].values) > 1e-9
    np.testing.assert_allclose(b["i"].values, a["i"].values, rtol=1e-6, atol=1e-9 * np.abs(a["i"]).max())
