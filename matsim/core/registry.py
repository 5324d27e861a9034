"""One registry pattern for every pluggable thing (pipeline stages, compact models, KMC checkpoints).

The pattern is ase's ``io/formats.py``: a table ``name -> "module:attribute"`` that is cheap to build,
and the module is imported only when the name is asked for. A name may be entered once; a second
entry under the same name (from another place) is refused with :class:`RegistryError`, so two
plugins can never silently overwrite each other. Unknown names give one :class:`ConfigError` that
lists the known names and suggests the closest one.

>>> reg = Registry("converter", {"to_si": "matsim.core.units:to_si"})
>>> reg.get("to_si").__name__
'to_si'
>>> reg.get("to_sj")
Traceback (most recent call last):
    ...
matsim.core.errors.ConfigError: converter: got 'to_sj'; expected one of to_si (did you mean 'to_si'?)
>>> reg.add("to_si", "matsim.core.units:from_si")
Traceback (most recent call last):
    ...
matsim.core.registry.RegistryError: converter 'to_si' is registered twice: matsim.core.units:to_si and matsim.core.units:from_si
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from importlib import import_module
from typing import Any, Callable

from matsim.core.errors import ConfigError, MatsimError


class RegistryError(MatsimError):
    """A name is registered twice, or its module does not define what the table says."""


def closest(name: str, choices: Iterable[str]) -> str | None:
    """The choice most similar to ``name`` (difflib ratio >= 0.6), case-insensitively; else None.

    >>> closest("materail", ["material", "shape", "seed"])
    'material'
    """
    choices = list(choices)
    lower = {c.lower(): c for c in choices}
    hit = difflib.get_close_matches(str(name).lower(), list(lower), n=1, cutoff=0.6)
    return lower[hit[0]] if hit else None


def suggestion(name: str, choices: Iterable[str]) -> str:
    """``" (did you mean 'x'?)"`` or ``""``."""
    best = closest(name, choices)
    return f" (did you mean {best!r}?)" if best else ""


class Registry:
    """Name -> ``"module:attribute"`` (or an object already in hand), imported on first use.

    Parameters
    ----------
    kind : what is registered ("stage", "compact model", ...), used in error messages.
    table : initial entries, or a callable returning them (called once, on first use: lets a
        registry discover its entries lazily, e.g. by scanning source files).
    """

    def __init__(self, kind: str, table: dict[str, Any] | Callable[[], dict[str, Any]] | None = None):
        self.kind = kind
        self._table: dict[str, Any] = {}
        self._loader = table if callable(table) else None
        self._loaded = not callable(table)
        for name, target in (table or {}).items() if not callable(table) else ():
            self.add(name, target)

    def _ensure(self) -> None:
        if not self._loaded:
            self._loaded = True
            for name, target in self._loader().items():
                self.add(name, target)

    def add(self, name: str, target: Any) -> None:
        """Enter ``name``; a second, different entry under the same name raises :class:`RegistryError`."""
        if not isinstance(name, str) or not name:
            raise ConfigError(f"{self.kind} name", name, "a non-empty string")
        self._ensure()
        old = self._table.get(name)
        if old is not None and not self._same(old, target):
            raise RegistryError(f"{self.kind} {name!r} is registered twice: {_where(old)} and {_where(target)}")
        if old is None or not isinstance(target, str):
            self._table[name] = target

    @staticmethod
    def _same(old, new) -> bool:
        """Two entries are one when they name the same object (a bare module name matches any object of it)."""
        if old is new:
            return True
        a, b = _where(old), _where(new)
        if ":" not in a or ":" not in b:
            return a.partition(":")[0] == b.partition(":")[0]
        return a == b

    def names(self) -> list[str]:
        self._ensure()
        return sorted(self._table)

    def __contains__(self, name) -> bool:
        self._ensure()
        return name in self._table

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())

    def __getitem__(self, name: str) -> Any:
        return self.get(name)

    def items(self) -> list[tuple[str, Any]]:
        """Every ``(name, object)``, importing all entries."""
        return [(n, self.get(n)) for n in self.names()]

    def __len__(self) -> int:
        return len(self.names())

    def key(self, name: str) -> str:
        """The registered spelling of ``name`` (exact, else case-insensitive); ConfigError otherwise."""
        self._ensure()
        if name in self._table:
            return name
        lower = {n.lower(): n for n in self._table}
        if str(name).lower() in lower:
            return lower[str(name).lower()]
        raise ConfigError(self.kind, name, "one of " + ", ".join(self.names()) + suggestion(name, self._table))

    def get(self, name: str) -> Any:
        """The registered object, importing its module on first use."""
        key = self.key(name)
        target = self._table[key]
        if isinstance(target, str):
            module, _, attr = target.partition(":")
            obj = import_module(module)
            if attr:
                obj = getattr(obj, attr, None)
                if obj is None:
                    raise RegistryError(f"{self.kind} {key!r}: {module} defines no {attr!r}")
            elif self._table[key] is target:      # importing the module did not register the object
                raise RegistryError(f"{self.kind} {key!r}: importing {module} did not register it")
            else:
                obj = self._table[key]
            self._table[key] = obj
            return obj
        return target


def scan_subclasses(directory, package: str, base: str) -> dict[str, str]:
    """``{class name: "package.module:class"}`` of the classes in ``directory/*.py`` that derive from
    ``base`` (directly or through another class found), read from the source without importing it.

    Two classes of one name are refused (:class:`RegistryError`); names starting with ``_`` are skipped.
    """
    import ast
    from pathlib import Path

    classes: dict[str, tuple[str, list[str]]] = {}
    for path in sorted(Path(directory).glob("*.py")):
        module = f"{package}.{path.stem}"
        for node in ast.parse(path.read_text(encoding="utf-8"), filename=str(path)).body:
            if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
                bases = [getattr(b, "id", getattr(b, "attr", "")) for b in node.bases]
                if node.name in classes and classes[node.name][0] != module:
                    raise RegistryError(f"class {node.name!r} is defined twice: {classes[node.name][0]} and {module}")
                classes[node.name] = (module, bases)
    found: dict[str, str] = {}
    grew = True
    while grew:
        grew = False
        for name, (module, bases) in classes.items():
            if name not in found and name != base and any(b == base or b in found for b in bases):
                found[name] = f"{module}:{name}"
                grew = True
    return found


def scan_decorated(directory, package: str, decorator: str) -> dict[str, str]:
    """``{name: "package.module:function"}`` of the functions in ``directory/*.py`` decorated with
    ``@decorator("name", ...)`` (a string literal as first argument), read from the source without importing it.

    One name in two places is refused (:class:`RegistryError`).
    """
    import ast
    from pathlib import Path

    table: dict[str, str] = {}
    for path in sorted(Path(directory).glob("*.py")):
        module = f"{package}.{path.stem}"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if not isinstance(node, ast.FunctionDef):
                continue
            for dec in node.decorator_list:
                if (isinstance(dec, ast.Call) and getattr(dec.func, "id", getattr(dec.func, "attr", None)) == decorator
                        and dec.args and isinstance(dec.args[0], ast.Constant) and isinstance(dec.args[0].value, str)):
                    name, target = dec.args[0].value, f"{module}:{node.name}"
                    if name in table:
                        raise RegistryError(f"{decorator} {name!r} is registered twice: {table[name]} and {target}")
                    table[name] = target
    return table


def _where(obj) -> str:
    """``"module:name"`` of a table entry (objects may say where they come from in ``origin``)."""
    if isinstance(obj, str):
        return obj
    origin = getattr(obj, "origin", None)
    if isinstance(origin, str):
        return origin
    return f"{getattr(obj, '__module__', '?')}:{getattr(obj, '__qualname__', repr(obj))}"
