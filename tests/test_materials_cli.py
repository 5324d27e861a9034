import json

import numpy as np
import pytest

from matsim import materials
from matsim.cli import main
from matsim.core import ConfigError, units
from matsim.materials.conductivity import MottConductivity


def test_every_material_has_sources():
    for name in materials.names():
        ps = materials.get(name)
        assert ps.name == name and len(ps) >= 5
        assert all(p.source for p in ps.values())


def test_unknown_material_lists_known():
    with pytest.raises(ConfigError) as e:
        materials.get("Unobtainium")
    assert "HfO2" in str(e.value) and "VO2" in str(e.value)
    assert materials.get("hfo2").name == "HfO2"  # case-insensitive


def test_vo2_transition_ratio_and_arrhenius():
    s = MottConductivity.from_parameters(materials.get("VO2"))
    assert 1e3 <= s(370.0) / s(320.0) <= 1e4  # 3-4 orders of magnitude (Hoffmann et al., APL Mater. 10, 070904 (2022))
    # far below T_c the law is Arrhenius with the material's Ea
    T1, T2 = 250.0, 270.0
    Ea = units.k_B * np.log(s(T2) / s(T1)) / (1 / T1 - 1 / T2)
    assert Ea / units.q == pytest.approx(0.25, rel=1e-3)


def test_nbo2_poole_frenkel_lowering():
    ps = materials.get("NbO2")
    s = MottConductivity.from_parameters(ps)
    E, T = 1e8, 400.0
    beta = np.sqrt(units.q**3 / (np.pi * units.eps0 * 45.0))
    assert np.log(s.insulator(T, E) / s.insulator(T, 0.0)) == pytest.approx(beta * np.sqrt(E) / (units.k_B * T))
    with pytest.raises(ConfigError, match="electro-thermal"):
        MottConductivity.from_parameters(materials.get("HfO2"))


def test_cli_info_and_params(capsys):
    assert main(["info", "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert "numpy" in info and "ngspice" in info
    assert main(["params", "show", "HfO2", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["parameters"]["E_hop_vacancy"]["value"] == 1.1
    assert main(["params", "show", "Nope"]) == 2
    assert "HfO2" in capsys.readouterr().err
