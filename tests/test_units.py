import numpy as np
import pytest
from hypothesis import given, strategies as st

from matsim.core import units
from matsim.core.errors import UnitError
from matsim.core.units import convert, from_si, parse_quantity, to_si


def test_known_values():
    assert to_si(1.0, "eV") == 1.602176634e-19  # exact SI definition
    assert to_si(1.0, "Å") == 1e-10
    assert to_si(25.0, "°C") == pytest.approx(298.15)
    assert to_si(1.0, "V/nm") == 1e9
    assert to_si(1.0, "cm^-3") == 1e6
    assert to_si(2.0, "kΩ") == 2000.0
    assert to_si(1.0, "THz") == 1e12
    assert units.G0 == pytest.approx(7.748091729e-5, rel=1e-9)
    assert units.k_B_eV == pytest.approx(8.617333262e-5, rel=1e-9)


@pytest.mark.parametrize("u", ["eV", "meV", "J", "Å", "nm", "µm", "m", "K", "°C", "V", "V/nm", "V/m", "A",
                               "mA", "µA", "S", "Ω", "kΩ", "s", "ns", "µs", "ps", "Hz", "THz", "cm^-3",
                               "m^-3", "W/(m·K)", "J/(kg·K)", "F"])
@given(x=st.floats(min_value=-1e6, max_value=1e6, allow_nan=False))
def test_round_trip(u, x):
    assert from_si(to_si(x, u), u) == pytest.approx(x, rel=1e-12, abs=1e-9)


def test_arrays_and_convert():
    np.testing.assert_allclose(to_si([1, 2], "nm"), [1e-9, 2e-9])
    assert convert(1.0, "eV", "meV") == pytest.approx(1000.0)
    assert convert(0.0, "°C", "K") == pytest.approx(273.15)


def test_unknown_unit_lists_known():
    with pytest.raises(UnitError) as e:
        to_si(1.0, "furlong")
    assert "furlong" in str(e.value) and "eV" in str(e.value)


def test_parse_quantity_checks_dimension():
    assert parse_quantity("3.9 eV", "eV") == pytest.approx(3.9 * units.q)
    assert parse_quantity("1 nm", "Å") == pytest.approx(1e-9)
    assert parse_quantity(2.0, "nm") == pytest.approx(2e-9)
    with pytest.raises(UnitError, match="barrier"):
        parse_quantity("3 nm", "eV", field="barrier")
    with pytest.raises(UnitError):
        parse_quantity("abc eV", "eV")
