"""Each exportable compact model: a switching sine drive in ngspice (and, with the 'vlog' extra, the
Verilog-A module in VACASK) against model.simulate, max error <= 1 % of the peak current; parameters
read back from the files bit-exactly."""

import importlib

import numpy as np
import pytest
from export_helpers import needs_ngspice

from compact.export import build_spec, find_openvaf, read_parameters, to_ngspice, to_verilog_a, verify

#: (module, class) of the models with an export spec: every registered model
MODELS = [("compact.nbox_ascoli", "NbOxAscoli"), ("compact.mott", "MottThermal"),
          ("compact.mott", "MottThermal.nbo2"), ("compact", "StanfordPKU"),
          ("compact", "VTEAM"), ("compact", "Yakopcic"), ("compact", "TaOxExtended"),
          ("compact.selector", "Selector"), ("compact", "ECRAM"), ("compact", "JARTVCM")]
#: the JART cell's SET is a thermal runaway of a few us; resolving it takes ~20 s here
SLOW = {"JARTVCM"}


def _params(models, slow=()):
    return [pytest.param(mod, cls, marks=[pytest.mark.slow] if cls in slow else []) for mod, cls in models]
#: memoryless models (nothing to switch)
STATIC = {"Selector"}


def _model(module, cls):
    """The model ``cls`` (``Class`` or ``Class.factory``) of ``module``: a missing one is an error, not a skip."""
    obj = importlib.import_module(module)
    for part in cls.split("."):
        obj = getattr(obj, part)
    return obj()


def test_every_registered_model_is_exported_here():
    import compact
    assert {cls.split(".")[0] for _, cls in MODELS} == set(compact.model_names())


def _have_vacask():
    from compact.export.verilog_a import VerilogACompileError, find_vacask
    try:
        return find_openvaf() is not None and bool(find_vacask())
    except VerilogACompileError:
        return False


@pytest.mark.parametrize("module,cls", MODELS)
def test_parameters_round_trip(tmp_path, module, cls):
    m = _model(module, cls)
    spec = build_spec(m)
    for writer in (to_ngspice, to_verilog_a):
        path = writer(m, tmp_path, name="dev_1")
        text = path.read_text()
        # the subcircuit/module carries the requested name from start to end
        assert (".subckt dev_1 p n" in text and ".ends dev_1" in text) if path.suffix == ".cir" \
            else "module dev_1(p, n);" in text
        back = read_parameters(path)
        for sym, val in spec.model_values().items():
            assert back[spec.names[sym]] == val == m.params.si(sym), sym


@pytest.mark.ngspice
@needs_ngspice
@pytest.mark.parametrize("module,cls", _params(MODELS, SLOW))
def test_ngspice_matches_python(module, cls):
    m = _model(module, cls)
    res = verify(m)
    assert res.max_rel_error <= 1e-2, f"{cls}: {res.max_rel_error:.3g}"
    if cls not in STATIC:
        _assert_switches(m, res)
    # well-posed export: the state node stays within its bounds (up to the smoothing width)
    lo, hi = m.state_bounds()
    for k, name in enumerate(m.state_names):
        xs = res.data[f"{name}_spice"].values
        tol = 1e-3 * (hi[k] - lo[k])
        assert lo[k] - tol <= xs.min() and xs.max() <= hi[k] + tol, name


@pytest.mark.skipif(not _have_vacask(), reason="openvaf-r/VACASK not installed (pip install 'matsim[vlog]')")
@pytest.mark.parametrize("module,cls", _params(MODELS, SLOW))
def test_verilog_a_in_vacask_matches_python(module, cls):
    m = _model(module, cls)
    res = verify(m, simulator="vacask")
    assert res.max_rel_error <= 1e-2, f"{cls}: {res.max_rel_error:.3g}"


@pytest.mark.skipif(find_openvaf() is None, reason="openvaf-r not installed (pip install 'matsim[vlog]')")
@pytest.mark.parametrize("module,cls", MODELS)
def test_verilog_a_compiles(tmp_path, module, cls):
    from compact.export import compile_verilog_a
    osdi = compile_verilog_a(to_verilog_a(_model(module, cls), tmp_path))
    assert osdi.stat().st_size > 1000


def _assert_switches(m, res):
    """The drive must really move the state: at least 5 % of its range (or 5 K for a temperature)."""
    lo, hi = m.state_bounds()
    for k, name in enumerate(m.state_names):
        x = res.data[f"{name}_python"].values
        span = hi[k] - lo[k]
        need = 5.0 if m.state_units[k] == "K" else 0.05 * span
        if np.isfinite(span) or m.state_units[k] == "K":
            assert np.ptp(x) >= need, f"{name} moved only {np.ptp(x):.3g} {m.state_units[k]}"
            return
