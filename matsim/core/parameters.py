"""Parameters with units and provenance.

A :class:`Parameter` is a value, its unit and where it came from (a DFT file, a paper, a fit, or
"assumed"). A :class:`ParameterSet` is a mapping of them that crosses every boundary between
engines, like ase's ``Atoms``: DFT produces one, KMC/PDE/compact models consume one, fits return one.

>>> ps = ParameterSet({"Ea": Parameter(1.1, "eV", "NEB, vasprun.xml sha256:...")}, name="HfO2")
>>> ps.require("Ea", "eV")
1.1
>>> ps.si("Ea")          # joules
1.7623942974e-19
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from matsim.core import units
from matsim.core.errors import ConfigError, MissingFileError, MissingParameterError, UnitError


@dataclass(frozen=True)
class Parameter:
    """A number with its unit and provenance.

    value : float (or a list of floats for tabulated data), in ``unit``.
    unit : any unit known to :mod:`matsim.core.units`.
    source : where the number came from: ``"DFT: path (sha256:...)"``, a citation, ``"fit: ..."``,
        or ``"assumed"``.
    note : free text (method, conditions, uncertainty).
    """

    value: Any
    unit: str
    source: str = "assumed"
    note: str = ""

    def __post_init__(self):
        units.unit(self.unit)  # unknown unit -> UnitError listing the known ones
        value = self.value
        if isinstance(value, (list, tuple, np.ndarray)):
            arr = np.asarray(value, dtype=float)
            if not np.all(np.isfinite(arr)):
                raise ConfigError("value", value, "finite numbers")
            object.__setattr__(self, "value", arr.tolist())
        else:
            try:
                v = float(value)
            except (TypeError, ValueError):
                raise ConfigError("value", value, f"a number in {self.unit}") from None
            if not np.isfinite(v):
                raise ConfigError("value", value, f"a finite number in {self.unit}")
            object.__setattr__(self, "value", v)

    @property
    def si(self):
        """The value in SI units."""
        return units.to_si(self.value, self.unit)

    def to(self, unit_name: str):
        """The value in another unit of the same dimension."""
        return units.convert(self.value, self.unit, unit_name)

    def with_value(self, value, source: str | None = None, note: str | None = None) -> "Parameter":
        return replace(self, value=value, source=self.source if source is None else source,
                       note=self.note if note is None else note)

    def __str__(self) -> str:
        return f"{self.value:g} {self.unit}  [{self.source}]" if isinstance(self.value, float) \
            else f"{self.value} {self.unit}  [{self.source}]"


class ParameterSet(Mapping):
    """An immutable-by-convention mapping ``name -> Parameter`` with a name and references.

    Parameters
    ----------
    params : mapping of name to :class:`Parameter` (or to ``(value, unit, source[, note])`` tuples).
    name : what the set describes (``"HfO2"``, ``"StanfordPKU fit"``).
    references : citations for the set as a whole.
    """

    def __init__(self, params: Mapping[str, Any] | None = None, name: str = "",
                 references: list[str] | tuple[str, ...] = ()):
        self._p: dict[str, Parameter] = {}
        for key, p in (params or {}).items():
            self._p[key] = _as_parameter(key, p)
        self.name = name
        self.references = list(references)

    # Mapping protocol
    def __getitem__(self, key: str) -> Parameter:
        try:
            return self._p[key]
        except KeyError:
            raise MissingParameterError(
                key, "<missing>",
                f"a parameter of set {self.name!r}; present: {', '.join(sorted(self._p)) or 'none'}"
            ) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._p)

    def __len__(self) -> int:
        return len(self._p)

    def __repr__(self) -> str:
        return f"ParameterSet(name={self.name!r}, {len(self)} parameters)"

    def __eq__(self, other) -> bool:
        return isinstance(other, ParameterSet) and self._p == other._p and self.name == other.name \
            and self.references == other.references

    # access
    def si(self, key: str):
        """Value of ``key`` in SI units."""
        return self[key].si

    def require(self, key: str, unit_name: str):
        """Value of ``key`` converted to ``unit_name``.

        Raises :class:`MissingParameterError` if absent and :class:`UnitError` if the stored unit
        has another dimension (e.g. asking for ``"eV"`` when it is stored in ``"nm"``).
        """
        p = self[key]
        try:
            units.check_dimension(p.unit, unit_name, field=key)
        except UnitError as exc:
            raise UnitError(key, f"{p.value} {p.unit}", exc.expected) from None
        return units.convert(p.value, p.unit, unit_name)

    def get_si(self, key: str, default=None):
        """SI value of ``key`` or ``default`` when absent."""
        return self._p[key].si if key in self._p else default

    def table(self) -> str:
        """Human-readable table: name, value, unit, source."""
        w = max((len(k) for k in self._p), default=4)
        lines = [f"{self.name}" if self.name else "ParameterSet"]
        for k, p in self._p.items():
            val = f"{p.value:.6g}" if isinstance(p.value, float) else str(p.value)
            lines.append(f"  {k:<{w}}  {val:>12} {p.unit:<10} {p.source}" + (f" ({p.note})" if p.note else ""))
        return "\n".join(lines)

    # building new sets
    def merge(self, other: "ParameterSet | Mapping[str, Parameter]", name: str | None = None) -> "ParameterSet":
        """A new set with ``other``'s parameters added or replacing ours; each keeps its own source."""
        merged = dict(self._p)
        other_p = other._p if isinstance(other, ParameterSet) else {k: _as_parameter(k, v) for k, v in other.items()}
        merged.update(other_p)
        refs = list(self.references) + [r for r in getattr(other, "references", []) if r not in self.references]
        return ParameterSet(merged, name=self.name if name is None else name, references=refs)

    def with_values(self, source: str | None = None, **values) -> "ParameterSet":
        """A copy with new values (same units); ``source`` replaces the provenance of changed ones."""
        new = dict(self._p)
        for k, v in values.items():
            if isinstance(v, Parameter):
                new[k] = v
            else:
                old = self[k]
                new[k] = old.with_value(v, source=source if source is not None else f"user override (was {old.value} {old.unit}, {old.source})")
        return ParameterSet(new, name=self.name, references=self.references)

    def subset(self, keys) -> "ParameterSet":
        return ParameterSet({k: self[k] for k in keys}, name=self.name, references=self.references)

    # serialization
    def to_dict(self) -> dict:
        return {"name": self.name, "references": list(self.references),
                "parameters": {k: asdict(p) for k, p in self._p.items()}}

    @classmethod
    def from_dict(cls, data: Mapping) -> "ParameterSet":
        if not isinstance(data, Mapping) or "parameters" not in data:
            raise ConfigError("parameters", type(data).__name__,
                              "a mapping with a 'parameters' entry (as written by ParameterSet.to_dict)")
        params = {}
        for k, p in data["parameters"].items():
            if not isinstance(p, Mapping) or "value" not in p or "unit" not in p:
                raise ConfigError(f"parameters.{k}", p, "a mapping with 'value', 'unit' and 'source'")
            params[k] = Parameter(p["value"], p["unit"], p.get("source", "assumed"), p.get("note", ""))
        return cls(params, name=data.get("name", ""), references=data.get("references", []))

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> "ParameterSet":
        return cls.from_dict(json.loads(text))

    def save_json(self, path) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.to_json(), encoding="utf-8")
        return path

    @classmethod
    def load_json(cls, path) -> "ParameterSet":
        path = Path(path)
        if not path.is_file():
            raise MissingFileError("path", str(path), "an existing ParameterSet JSON file")
        try:
            return cls.from_json(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise ConfigError("path", str(path), f"valid JSON ({exc})") from None


def _as_parameter(key: str, p) -> Parameter:
    if isinstance(p, Parameter):
        return p
    if isinstance(p, (tuple, list)) and 2 <= len(p) <= 4:
        return Parameter(*p)
    if isinstance(p, Mapping) and "value" in p and "unit" in p:
        return Parameter(p["value"], p["unit"], p.get("source", "assumed"), p.get("note", ""))
    raise ConfigError(key, p, "a Parameter, a (value, unit, source) tuple or a {value, unit, source} mapping")
