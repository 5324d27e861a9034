import json

import pytest

from matsim.core import ConfigError, MissingParameterError, Parameter, ParameterSet, UnitError


@pytest.fixture
def ps():
    return ParameterSet({"Ea": Parameter(1.1, "eV", "NEB (test)"),
                         "a": (0.25, "nm", "paper X"),
                         "table": Parameter([1.0, 2.5, 1e-30], "K", "fit", "a list")},
                        name="test", references=["ref A"])


def test_access_and_units(ps):
    assert ps["Ea"].value == 1.1
    assert ps.si("a") == pytest.approx(2.5e-10)
    assert ps.require("Ea", "meV") == pytest.approx(1100.0)
    assert ps.require("a", "Å") == pytest.approx(2.5)


def test_require_errors_name_field(ps):
    with pytest.raises(MissingParameterError, match="nu"):
        ps.require("nu", "Hz")
    with pytest.raises(UnitError, match="Ea"):
        ps.require("Ea", "nm")
    with pytest.raises(KeyError):  # also a KeyError for mapping-style code
        ps["nope"]


def test_json_round_trip_exact(ps, tmp_path):
    p = ps.merge({"x": Parameter(0.1 + 0.2, "1", "computed")})
    path = p.save_json(tmp_path / "p.json")
    q = ParameterSet.load_json(path)
    assert q == p
    assert q["x"].value == 0.1 + 0.2  # bit-exact float
    assert json.loads(path.read_text())["parameters"]["Ea"]["source"] == "NEB (test)"


def test_merge_keeps_provenance(ps):
    other = ParameterSet({"Ea": Parameter(0.9, "eV", "DFT: vasprun.xml")}, references=["ref B"])
    m = ps.merge(other)
    assert m["Ea"].source == "DFT: vasprun.xml" and m["a"].source == "paper X"
    assert m.references == ["ref A", "ref B"]
    assert ps["Ea"].value == 1.1  # original untouched


def test_with_values_records_override(ps):
    m = ps.with_values(Ea=1.2)
    assert m["Ea"].value == 1.2 and "was 1.1 eV" in m["Ea"].source


def test_bad_parameters():
    with pytest.raises(UnitError):
        Parameter(1.0, "parsec")
    with pytest.raises(ConfigError):
        Parameter(float("nan"), "eV")
    with pytest.raises(ConfigError):
        ParameterSet.from_dict({"nothing": 1})
    with pytest.raises(ConfigError, match="missing.json"):
        ParameterSet.load_json("missing.json")
