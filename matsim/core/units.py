"""Unit conversion at the edges: everything inside matsim is SI (m, kg, s, A, K).

``to_si(3.9, "eV")`` returns joules; ``from_si(x, "nm")`` returns nanometres. Each unit carries its
dimension as exponents of (m, kg, s, A, K), so ``same_dimension("eV", "J")`` is True and a
parameter asked for in the wrong dimension is refused with a clear :class:`UnitError`.
Constants come from :mod:`scipy.constants` (CODATA 2018, exact SI values for e, k_B, h).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import constants as C

from matsim.core.errors import UnitError

#: elementary charge (C), Boltzmann constant (J/K), vacuum permittivity (F/m), Planck (J s)
q = C.e
k_B = C.k
eps0 = C.epsilon_0
h = C.h
#: conductance quantum G0 = 2 e^2 / h (S)
G0 = 2 * C.e**2 / C.h
#: Boltzmann constant in eV/K
k_B_eV = C.k / C.e

_BASE = ("m", "kg", "s", "A", "K")


@dataclass(frozen=True)
class Unit:
    """A unit: ``si_value = value * factor + offset``; ``dim`` = exponents of (m, kg, s, A, K)."""

    name: str
    factor: float
    dim: tuple[int | float, ...]
    offset: float = 0.0


def _d(m=0, kg=0, s=0, A=0, K=0) -> tuple:
    return (m, kg, s, A, K)


# dimensions
LENGTH, MASS, TIME, CURRENT, TEMPERATURE = _d(m=1), _d(kg=1), _d(s=1), _d(A=1), _d(K=1)
DIMENSIONLESS = _d()
ENERGY = _d(m=2, kg=1, s=-2)
POWER = _d(m=2, kg=1, s=-3)
VOLTAGE = _d(m=2, kg=1, s=-3, A=-1)
RESISTANCE = _d(m=2, kg=1, s=-3, A=-2)
CONDUCTANCE = _d(m=-2, kg=-1, s=3, A=2)
CAPACITANCE = _d(m=-2, kg=-1, s=4, A=2)
CHARGE = _d(s=1, A=1)
FIELD = _d(m=1, kg=1, s=-3, A=-1)
FREQUENCY = _d(s=-1)

_UNITS: dict[str, Unit] = {}


def register_unit(name: str, factor: float, dim: tuple, offset: float = 0.0, aliases=()) -> None:
    """Add a unit (and aliases) to the table. ``factor`` converts one of it to SI."""
    for n in (name, *aliases):
        _UNITS[n] = Unit(name, float(factor), tuple(dim), float(offset))


# --- the table ----------------------------------------------------------------------------
register_unit("1", 1.0, DIMENSIONLESS, aliases=("", "dimensionless", "-"))
register_unit("%", 0.01, DIMENSIONLESS)
# energy
register_unit("J", 1.0, ENERGY)
register_unit("eV", q, ENERGY)
register_unit("meV", 1e-3 * q, ENERGY)
# length
register_unit("m", 1.0, LENGTH)
register_unit("cm", 1e-2, LENGTH)
register_unit("mm", 1e-3, LENGTH)
register_unit("µm", 1e-6, LENGTH, aliases=("um", "μm"))
register_unit("nm", 1e-9, LENGTH)
register_unit("Å", 1e-10, LENGTH, aliases=("Angstrom", "angstrom", "Ang"))
register_unit("pm", 1e-12, LENGTH)
# area, volume, densities
register_unit("m^2", 1.0, _d(m=2), aliases=("m2",))
register_unit("nm^2", 1e-18, _d(m=2), aliases=("nm2",))
register_unit("m^3", 1.0, _d(m=3), aliases=("m3",))
register_unit("m^-3", 1.0, _d(m=-3), aliases=("1/m^3", "1/m3", "m-3"))
register_unit("cm^-3", 1e6, _d(m=-3), aliases=("1/cm^3", "1/cm3", "cm-3"))
register_unit("kg/m^3", 1.0, _d(m=-3, kg=1), aliases=("kg/m3",))
register_unit("g/cm^3", 1e3, _d(m=-3, kg=1), aliases=("g/cm3",))
# mass
register_unit("kg", 1.0, MASS)
register_unit("amu", C.atomic_mass, MASS, aliases=("u", "Da"))
# temperature (°C has an offset)
register_unit("K", 1.0, TEMPERATURE)
register_unit("°C", 1.0, TEMPERATURE, offset=273.15, aliases=("degC", "C_deg"))
# time, frequency
register_unit("s", 1.0, TIME)
register_unit("ms", 1e-3, TIME)
register_unit("µs", 1e-6, TIME, aliases=("us", "μs"))
register_unit("ns", 1e-9, TIME)
register_unit("ps", 1e-12, TIME)
register_unit("fs", 1e-15, TIME)
register_unit("Hz", 1.0, FREQUENCY, aliases=("1/s", "s^-1"))
register_unit("kHz", 1e3, FREQUENCY)
register_unit("MHz", 1e6, FREQUENCY)
register_unit("GHz", 1e9, FREQUENCY)
register_unit("THz", 1e12, FREQUENCY)
register_unit("cm^-1", C.c * 100.0, FREQUENCY, aliases=("1/cm",))  # spectroscopic wavenumber -> Hz
# electrical
register_unit("V", 1.0, VOLTAGE)
register_unit("mV", 1e-3, VOLTAGE)
register_unit("V/m", 1.0, FIELD)
register_unit("V/nm", 1e9, FIELD)
register_unit("MV/cm", 1e8, FIELD)
register_unit("A", 1.0, CURRENT)
register_unit("mA", 1e-3, CURRENT)
register_unit("µA", 1e-6, CURRENT, aliases=("uA", "μA"))
register_unit("nA", 1e-9, CURRENT)
register_unit("A/m^2", 1.0, _d(m=-2, A=1), aliases=("A/m2",))
register_unit("S", 1.0, CONDUCTANCE)
register_unit("mS", 1e-3, CONDUCTANCE)
register_unit("µS", 1e-6, CONDUCTANCE, aliases=("uS", "μS"))
register_unit("G0", G0, CONDUCTANCE)
register_unit("Ω", 1.0, RESISTANCE, aliases=("Ohm", "ohm", "Ω"))
register_unit("kΩ", 1e3, RESISTANCE, aliases=("kOhm", "kohm", "kΩ"))
register_unit("MΩ", 1e6, RESISTANCE, aliases=("MOhm", "Mohm", "MΩ"))
register_unit("S/m", 1.0, _d(m=-3, kg=-1, s=3, A=2))
register_unit("Ω·m", 1.0, _d(m=3, kg=1, s=-3, A=-2), aliases=("Ohm*m", "ohm*m", "Ohm m"))
register_unit("Ω·cm", 1e-2, _d(m=3, kg=1, s=-3, A=-2), aliases=("Ohm*cm", "ohm*cm", "Ohm cm"))
register_unit("F", 1.0, CAPACITANCE)
register_unit("pF", 1e-12, CAPACITANCE)
register_unit("nF", 1e-9, CAPACITANCE)
register_unit("fF", 1e-15, CAPACITANCE)
register_unit("C", 1.0, CHARGE, aliases=("coulomb",))
register_unit("e", q, CHARGE)
register_unit("e·Å", q * 1e-10, _d(m=1, s=1, A=1), aliases=("e*Å", "eÅ", "e*Angstrom"))
register_unit("e·nm", q * 1e-9, _d(m=1, s=1, A=1), aliases=("e*nm", "enm"))
register_unit("m^2/(V·s)", 1.0, _d(kg=-1, s=2, A=1), aliases=("m^2/(V*s)", "m2/Vs"))
register_unit("V^-1", 1.0, _d(m=-2, kg=-1, s=3, A=1), aliases=("1/V",))
register_unit("A/(m^2·K^2)", 1.0, _d(m=-2, A=1, K=-2), aliases=("A/(m^2*K^2)",))  # Richardson constant
register_unit("V^-1/2", 1.0, _d(m=-1, kg=-0.5, s=1.5, A=0.5), aliases=("V^-0.5", "1/sqrt(V)"))
register_unit("eV/(V/m)^1/2", q, _d(m=1.5, kg=0.5, s=-0.5, A=0.5), aliases=("eV/sqrt(V/m)",))
# power, thermal
register_unit("W", 1.0, POWER)
register_unit("mW", 1e-3, POWER)
register_unit("µW", 1e-6, POWER, aliases=("uW", "μW"))
register_unit("W^-1", 1.0, _d(m=-2, kg=-1, s=3), aliases=("1/W",))
register_unit("W/(m·K)", 1.0, _d(m=1, kg=1, s=-3, K=-1), aliases=("W/(m*K)", "W/m/K", "W/mK"))
register_unit("J/(kg·K)", 1.0, _d(m=2, s=-2, K=-1), aliases=("J/(kg*K)", "J/kg/K"))
register_unit("J/(m^3·K)", 1.0, _d(m=-1, kg=1, s=-2, K=-1), aliases=("J/(m^3*K)", "J/m^3/K"))
register_unit("K/W", 1.0, _d(m=-2, kg=-1, s=3, K=1))
register_unit("m^2*K/W", 1.0, _d(kg=-1, s=3, K=1), aliases=("m²·K/W", "m^2·K/W", "m2K/W"))   # interface (Kapitza) resistance
register_unit("K^-1", 1.0, _d(K=-1), aliases=("1/K",))
register_unit("J/K", 1.0, _d(m=2, kg=1, s=-2, K=-1))
register_unit("W/K", 1.0, _d(m=2, kg=1, s=-3, K=-1))
register_unit("m/s", 1.0, _d(m=1, s=-1))
register_unit("m^2/s", 1.0, _d(m=2, s=-1), aliases=("m2/s",))
register_unit("cm^2/s", 1e-4, _d(m=2, s=-1), aliases=("cm2/s",))
register_unit("eV/Å", q / 1e-10, _d(m=1, kg=1, s=-2), aliases=("eV/Angstrom",))


def known_units() -> list[str]:
    """All unit spellings accepted by :func:`to_si`."""
    return sorted(_UNITS)


def unit(name: str) -> Unit:
    """Look up a unit; an unknown name raises :class:`UnitError` listing the known ones."""
    try:
        return _UNITS[name.strip() if isinstance(name, str) else name]
    except (KeyError, AttributeError, TypeError):
        raise UnitError("unit", name, "one of: " + ", ".join(known_units())) from None


def dimension_name(dim: tuple) -> str:
    """SI spelling of a dimension, e.g. (2, 1, -2, 0, 0) -> 'm^2 kg s^-2'."""
    parts = []
    for base, p in zip(_BASE, dim, strict=True):
        if p == 0:
            continue
        parts.append(base if p == 1 else f"{base}^{p:g}")
    return " ".join(parts) or "dimensionless"


def same_dimension(unit_a: str, unit_b: str) -> bool:
    return unit(unit_a).dim == unit(unit_b).dim


def check_dimension(unit_name: str, expected_unit: str, field: str = "unit") -> None:
    """Raise :class:`UnitError` naming ``field`` unless ``unit_name`` has the dimension of ``expected_unit``."""
    got, want = unit(unit_name), unit(expected_unit)
    if got.dim != want.dim:
        raise UnitError(
            field, unit_name,
            f"a unit of {dimension_name(want.dim)} like {expected_unit!r} "
            f"(got {dimension_name(got.dim)})")


def to_si(value, unit_name: str):
    """Convert ``value`` given in ``unit_name`` to SI. Works on scalars and arrays.

    >>> to_si(1.0, "eV")
    1.602176634e-19
    """
    u = unit(unit_name)
    v = np.asarray(value, dtype=float) * u.factor + u.offset
    return float(v) if v.ndim == 0 else v


def from_si(value, unit_name: str):
    """Convert an SI ``value`` to ``unit_name`` (inverse of :func:`to_si`)."""
    u = unit(unit_name)
    v = (np.asarray(value, dtype=float) - u.offset) / u.factor
    return float(v) if v.ndim == 0 else v


def convert(value, from_unit: str, to_unit: str, field: str = "unit"):
    """Convert between two units of the same dimension."""
    check_dimension(from_unit, to_unit, field)
    return from_si(to_si(value, from_unit), to_unit)


def parse_quantity(text, expected_unit: str, field: str = "value") -> float:
    """Parse ``"3.9 eV"`` (or a bare number, taken in ``expected_unit``) into SI.

    Used by configs so a user may write any unit of the right dimension; the wrong dimension
    raises :class:`UnitError` naming ``field``.
    """
    if isinstance(text, (int, float, np.floating, np.integer)) and not isinstance(text, bool):
        return to_si(float(text), expected_unit)
    if not isinstance(text, str):
        raise UnitError(field, text, f"a number or a string like '1.0 {expected_unit}'")
    parts = text.strip().split(None, 1)
    try:
        number = float(parts[0])
    except (ValueError, IndexError):
        raise UnitError(field, text, f"a number or a string like '1.0 {expected_unit}'") from None
    unit_name = parts[1].strip() if len(parts) > 1 else expected_unit
    check_dimension(unit_name, expected_unit, field)
    return to_si(number, unit_name)


def thermal_voltage(T_K):
    """k_B T / q in volts."""
    return k_B * np.asarray(T_K, dtype=float) / q
