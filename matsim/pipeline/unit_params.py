"""Stage parameters with a unit in their name accept quantity strings: ``compliance_A: "2 uA"``.

A parameter named ``<name>_<unit>`` (``compliance_A``, ``dwell_s``, ``radius_m``, ``frequency_Hz``,
``T_ambient_K``, ...) given as a string is parsed with :func:`matsim.core.units.parse_quantity` and
stored as a number in the unit of its name (``"2 uA"`` -> ``2e-06``). A string that is not a quantity of
that dimension is one :class:`~matsim.core.errors.UnitError` naming ``stage.params.name``, raised
while the workflow is checked, before any stage runs. ``v_read``, ``v_set``, ``v_reset`` (volts) too.
"""

from __future__ import annotations

from typing import Any

from matsim.core import units
from matsim.core.errors import UnitError

#: name suffix -> unit of the stored number
SUFFIX_UNITS = {"_A": "A", "_V": "V", "_K": "K", "_s": "s", "_Hz": "Hz", "_m": "m", "_nm": "nm", "_eV": "eV",
                "_ohm": "ohm", "_Ohm": "ohm", "_S": "S", "_W": "W", "_F": "F", "_J": "J", "_V_per_m": "V/m"}
#: names without a unit suffix whose unit is fixed by convention (volts of a protocol)
NAMED_UNITS = {"v_read": "V", "v_set": "V", "v_reset": "V", "v_form_max": "V"}


def unit_of(name: str) -> str | None:
    """The unit a parameter name declares, or None."""
    if name in NAMED_UNITS:
        return NAMED_UNITS[name]
    for suffix in sorted(SUFFIX_UNITS, key=len, reverse=True):
        if name.endswith(suffix):
            return SUFFIX_UNITS[suffix]
    return None


def coerce(stage_id: str, params: dict[str, Any]) -> dict[str, Any]:
    """``params`` with quantity strings converted to numbers in the unit of each name."""
    out = dict(params)
    for k, v in params.items():
        u = unit_of(k)
        if u is None or not isinstance(v, str):
            continue
        field = f"{stage_id}.params.{k}"
        try:
            out[k] = float(units.from_si(units.parse_quantity(v, u, field), u))
        except UnitError as exc:
            parts = v.strip().split(None, 1)
            why = (f"unknown unit {parts[1].strip()!r}" if len(parts) > 1 and parts[1].strip() not in units.known_units()
                   else exc.expected)
            raise UnitError(field, v, f"a number in {u} or a quantity string like '2 u{u}' / '1.5 {u}' ({why})") from None
    return out
