"""Every compact model: pinched hysteresis, lobe area vs frequency, bounded state, interface contract.

"Every" is checked like scikit-learn's ``all_estimators``: the CompactModel subclasses found by importing
every module of the package must be exactly the registered models, the ones ``matsim compact list``
prints and the ones exported here; a new model without an entry in DRIVE fails the first test.
"""

import importlib
import inspect
import pkgutil

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import compact
from compact.analysis import pinched_hysteresis
from compact.base import CompactModel
from compact.export import build_spec, read_parameters, to_ngspice, to_verilog_a
from matsim.core.errors import ConfigError

# model -> (sine amplitude V, three frequencies Hz above the quasi-static limit, voltage range for bound tests)
DRIVE = {
    "StanfordPKU": (1.4, [1e5, 1e6, 1e7], 2.0),
    "VTEAM": (1.0, [1e7, 1e8, 1e9], 3.0),
    "Yakopcic": (0.5, [1e2, 1e3, 1e4], 3.0),
    "JARTVCM": (1.3, [1e6, 1e7, 1e8], 1.6),
    "TaOxExtended": (0.5, [1e5, 1e6, 1e7], 0.8),
    "ECRAM": (1.0, [1e4, 1e5, 1e6], 3.0),
    "MottThermal": (2.0, [1e8, 1e9, 1e10], 10.0),
    "NbOxAscoli": (1.0, [1e6, 1e7, 1e8], 0.2),       # R_th C_th = 10 ns; DC above ~0.25 V runs away (KNOWN)
    "Selector": (1.0, [1e3, 1e4, 1e5], 1.0),
}
#: memoryless models: no hysteresis at any frequency
STATIC = {"Selector"}


def all_models() -> dict[str, type]:
    """Every concrete CompactModel subclass defined in a module of ``compact`` (imports them all)."""
    found = {}
    for info in pkgutil.iter_modules(compact.__path__):
        module = importlib.import_module(f"compact.{info.name}")
        for name, obj in vars(module).items():
            if (inspect.isclass(obj) and issubclass(obj, CompactModel) and obj is not CompactModel
                    and obj.__module__ == module.__name__ and not inspect.isabstract(obj)):
                found[name] = obj
    return found


def test_every_model_is_registered_listed_and_covered(capsys):
    from compact.cli import cmd_list
    found = all_models()
    assert len(found) >= 9
    assert set(found) == set(compact.MODELS) == set(DRIVE)
    assert all(compact.get_model(n) is cls for n, cls in found.items())
    cmd_list(type("Args", (), {"parameters": False})())
    listed = {line.split()[0] for line in capsys.readouterr().out.splitlines() if line.strip()}
    assert listed == set(found)


@pytest.mark.parametrize("name", sorted(DRIVE))
def test_every_model_exports(tmp_path, name):
    """ngspice subcircuit and Verilog-A module written; their parameters read back bit-exactly (SI)."""
    model = compact.get_model(name)()
    spec = build_spec(model)
    for writer in (to_ngspice, to_verilog_a):
        back = read_parameters(writer(model, tmp_path, name=f"dev_{name.lower()}"))
        for sym, val in spec.model_values().items():
            assert back[spec.names[sym]] == val == model.params.si(sym), (name, sym)


@pytest.mark.parametrize("name", sorted(DRIVE))
def test_pinched_hysteresis_and_lobe_area_shrinks_with_frequency(name):
    amp, freqs, _ = DRIVE[name]
    model = compact.MODELS[name]()
    ds = pinched_hysteresis(model, freqs, amp=amp)
    assert np.all(ds.i_at_zero.values <= 1e-6 * ds.i_max.values)      # pinched: i = 0 when v = 0
    area = ds.lobe_area.values
    if name in STATIC:                                                 # no memory, no lobes
        assert np.all(np.abs(area) <= 1e-9 * ds.i_max.values * amp)
        return
    assert area[0] > 0
    assert np.all(np.diff(area) < 0)                                   # lobes shrink with frequency
    assert area[-1] < 0.5 * area[0]


#: known defects the generic tests found (strict: the mark fails once the model is fixed)
KNOWN: dict[str, str] = {}


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.xfail(reason=KNOWN[n], strict=True))
                                  if n in KNOWN else n for n in sorted(DRIVE)])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(v=st.floats(-1.0, 1.0), frac=st.floats(0.0, 1.0))
def test_bounds_are_invariant(name, v, frac):
    """At each bound the state rate points inward (or vanishes) for any bias: the bounds cannot be crossed."""
    model = compact.MODELS[name]()
    vmax = DRIVE[name][2]
    lo, hi = model.state_bounds()
    with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
        r_lo = np.asarray(model.dstate_dt(v * vmax, lo.copy()), float)
        r_hi = np.asarray(model.dstate_dt(v * vmax, hi.copy()), float)
        x_mid = lo + frac * (hi - lo)
        r_mid = np.asarray(model.dstate_dt(v * vmax, x_mid), float)
    assert np.all(np.isfinite(r_mid))
    tol = 1e-12 * np.abs(hi - lo) * 1e9          # relative floating-point slack at the bound
    assert np.all(r_lo >= -tol) and np.all(r_hi <= tol)


@pytest.mark.parametrize("name", sorted(DRIVE))
@settings(max_examples=5, deadline=None)
@given(levels=st.lists(st.floats(-1.0, 1.0), min_size=3, max_size=6))
def test_state_stays_in_bounds_under_random_drive(name, levels):
    model = compact.MODELS[name]()
    amp, freqs, vmax = DRIVE[name]
    duration = 3.0 / freqs[0]
    lv = np.asarray(levels) * vmax
    seg = duration / len(lv)
    rise = seg / 20                                   # steps with tanh edges (finite slew, as in a real source)

    def wave(t):
        t = np.asarray(t, float)
        out = lv[0] + 0.0 * t
        for k in range(1, len(lv)):
            out = out + (lv[k] - lv[k - 1]) * 0.5 * (1 + np.tanh((t - k * seg) / rise))
        return out

    t = np.linspace(0.0, duration, 200)
    ds = model.simulate(wave, t, max_step=rise / 2)
    assert ds.attrs["bound_violation"] < 1e-3            # integrator overshoot only (rates up to 1e22/s)
    lo, hi = model.state_bounds()
    x = ds[model.state_names[0]].values
    assert np.all(x >= lo[0]) and np.all(x <= hi[0])


@pytest.mark.parametrize("name", sorted(DRIVE))
def test_interface_contract(name):
    cls = compact.MODELS[name]
    model = cls()
    x0 = model.initial_state()
    model.check_state(x0)
    # vectorized: one call for a batch of devices equals the per-device calls
    lo, hi = model.state_bounds()
    xs = np.linspace(lo[0] + 0.1 * (hi[0] - lo[0]), hi[0] - 0.1 * (hi[0] - lo[0]), 4)[None, :]
    vs = np.array([-0.3, -0.1, 0.2, 0.4])
    batch_i = model.current(vs, xs)
    batch_f = model.dstate_dt(vs, xs)
    assert batch_f.shape == xs.shape
    for k in range(4):
        assert batch_i[k] == pytest.approx(float(model.current(vs[k], xs[:, k])), rel=1e-9)
        assert batch_f[0, k] == pytest.approx(float(np.asarray(model.dstate_dt(vs[k], xs[:, k])).reshape(-1)[0]),
                                              rel=1e-6, abs=1e-300)
    # conductance is dI/dV
    g = model.conductance(0.2, xs[:, 1])
    num = (model.current(0.2 + 1e-5, xs[:, 1]) - model.current(0.2 - 1e-5, xs[:, 1])) / 2e-5
    assert float(g) == pytest.approx(float(num), rel=1e-4)
    # with_params keeps the class and records provenance
    key = next(iter(model.params))
    copy = model.with_params(**{key: model.params[key].value})
    assert type(copy) is cls
    assert copy.params[key].value == model.params[key].value
    assert copy.params[key].source.startswith("user override")          # the override is recorded
    # bad input: state outside bounds, unknown parameter, zero-period waveform
    with pytest.raises(ConfigError, match="x0"):
        model.simulate(0.1, [0.0, 1e-9], x0=hi + abs(hi - lo))
    with pytest.raises(ConfigError, match="no_such"):
        cls(no_such=1.0)

    class BadWave:
        period = 0.0
        def __call__(self, t):
            return 0.0 * np.asarray(t)
    with pytest.raises(ConfigError, match="period"):
        model.simulate(BadWave(), [0.0, 1e-9])
