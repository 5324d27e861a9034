"""Report numbers carry units and no float noise; a fitted parameter the data do not constrain is flagged."""

import numpy as np
import pytest
import xarray as xr

from compact import StanfordPKU, fit
from compact.calibration import unconstrained_parameters
from matsim.pipeline.report import _rows, unit_for


def test_units_and_rounding_in_report_rows():
    rows = dict(_rows({"V_forming": 1.9000000000000001, "V_forming_attempts": [1.9000000000000001, 2.1],
                       "R_lrs": 12345.678, "R_hrs": 2.0e6, "V_set": 0.8, "V_reset": -0.4,
                       "hop_distance_A": 2.55, "I_read_after_forming": 1e-6, "T_max_K": 400.0,
                       "float_accuracy": 0.93333, "analog_accuracy_ideal_wires": 0.9,
                       "mystery": 3.2, "material": "HfO2"}))
    assert rows["V_forming"] == "1.9 V" and rows["V_forming_attempts"] == "[1.9, 2.1] V"
    assert rows["R_lrs"] == "1.235e+04 Ω" and rows["R_hrs"] == "2e+06 Ω"
    assert rows["V_set"] == "0.8 V" and rows["V_reset"] == "-0.4 V"
    assert rows["hop_distance_A"] == "2.55 Å" and rows["I_read_after_forming"] == "1e-06 A"
    assert rows["float_accuracy"] == "93.3 %" and rows["analog_accuracy_ideal_wires"] == "90.0 %"
    assert rows["mystery"].endswith("(unit not stated)") and rows["material"] == "HfO2"
    assert unit_for("compliance_A") == "A" and unit_for("barrier_eV") == "eV"


def _lrs(v_max, V0_true=3.0):
    m = StanfordPKU()
    g = np.array([m.params["g_min"].value * 1e-9])
    V = np.linspace(-v_max, v_max, 9)
    V = V[V != 0]
    true = StanfordPKU(m.params.with_values(source="test", V0=V0_true))
    return m, g, xr.Dataset({"V": ("n", V), "I": ("n", true.current(V, g))})


def test_fit_flags_V0_when_data_only_at_small_voltage():
    m, g, ds = _lrs(0.1)                 # |V| / V0 <= 0.033: sinh is linear, only I0/V0 is determined
    res = fit(m, ds, ["I0", "V0"], kind="static", x=g)
    assert res.unconstrained == ["I0", "V0"]
    assert "not constrained" in res.constraint_note and "-0.1 to 0.1 V" in res.constraint_note
    assert "note:" in res.summary()
    m, g, ds = _lrs(3.0, V0_true=0.8)   # the sinh curvature is sampled: both fixed
    res = fit(m, ds, ["I0", "V0"], kind="static", x=g)
    assert res.unconstrained == [] and res.params["V0"].value == pytest.approx(0.8, rel=1e-6)


def test_unconstrained_parameters_from_jacobian():
    J = np.array([[1.0, 2.0, 0.0], [2.0, 4.0, 0.0], [0.5, 1.0, 0.0], [1.0, 0.0, 0.0]])
    assert unconstrained_parameters(J, ["a", "b", "c"]) == ["c"]
    J[3, 1] = 2.0                        # column b = 2 x column a exactly: a and b degenerate
    assert unconstrained_parameters(J, ["a", "b", "c"]) == ["a", "b", "c"]
    rng = np.random.default_rng(0)
    J = rng.normal(size=(20, 2))
    assert unconstrained_parameters(J, ["a", "b"], residuals=0.01 * rng.normal(size=20)) == []
    assert unconstrained_parameters(J * 1e-3, ["a", "b"], residuals=rng.normal(size=20)) == ["a", "b"]


def test_markdown_cells_escape_bars(tmp_path):
    from types import SimpleNamespace

    from matsim.pipeline.report import write_report
    cfg = SimpleNamespace(name="wf", description="", size="small", seed=1)
    rec = {"id": "s", "stage": "s", "cached": False, "seconds": 1.0, "figures": [],
           "summary": {"note": "data at |V| <= 0.1 V"}}
    md, _ = write_report(cfg, [rec], tmp_path)
    assert "| note | data at \\|V\\| <= 0.1 V |" in md.read_text()


def test_unit_of_a_nested_key_comes_from_its_parent():
    rows = dict(_rows({"dc_offsets_V": {"x=0.1": -0.04283, "x=0.2": 0.008686}}))
    assert rows == {"dc_offsets_V.x=0.1": "-0.04283 V", "dc_offsets_V.x=0.2": "0.008686 V"}


def test_symbols_with_subscripts_and_embedded_units():
    rows = dict(_rows({"V_s": 1.0, "R_s": 1e3, "R_th": 1e5, "C_th": 1e-12, "C": 7.7e-14, "dwell_s": 1e-3,
                       "filament_radius_nm_at_max_I": 6.3, "input_over_threshold": [0.5, 0.9],
                       "resistive": {"locking": 0.99}}))
    assert rows["V_s"] == "1 V" and rows["R_s"] == "1000 Ω"              # not seconds
    assert rows["R_th"] == "1e+05 K/W" and rows["C_th"] == "1e-12 J/K" and rows["C"] == "7.7e-14 F"
    assert rows["dwell_s"] == "0.001 s" and rows["filament_radius_nm_at_max_I"] == "6.3 nm"
    assert rows["input_over_threshold"] == "[0.5, 0.9]" and rows["resistive.locking"] == "0.99"
