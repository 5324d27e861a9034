"""The code part of a stage's cache key: a hash of the source of every project package the stage uses.

Hashing only the stage's own file would reuse old results after an edit of the engine it calls
(``kmc/``, ``compact/`` ...). Here the stage's imports are read from its source (the imports in its
function body and in the rest of its module, except the bodies of the other stages there), followed
transitively through the project's files, and every file of every project *unit* reached is hashed.

A unit is a whole engine package (``kmc``, ``continuum``, ``compact``) or a ``matsim`` sub-package
(``matsim.core``, ``matsim.dft`` ...): whole packages, because registries import their members by
name (``compact.get_model``) where no ``import`` statement shows it. Modules of :mod:`matsim.pipeline`
are units of their own, so editing one stage module does not invalidate the stages of another.
Static analysis over-approximates (an import inside a function counts even if that function is never
called): a key may change without need, never stay the same after a change that matters.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.util
import inspect
import textwrap
from functools import lru_cache
from pathlib import Path

#: top-level packages whose source enters the cache keys (tests may add their own)
PROJECT_PACKAGES: tuple[str, ...] = ("matsim", "kmc", "continuum", "compact")
#: files of a unit that are not source
_SKIP_SUFFIXES = (".pyc", ".pyo", ".so", ".nbi", ".nbc")


@lru_cache(maxsize=None)
def _package_dir(top: str) -> Path | None:
    spec = importlib.util.find_spec(top)        # a top-level name: no parent package gets imported
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0])


def _module_file(module: str) -> Path | None:
    """File of a project module (``pkg/a/b.py`` or ``pkg/a/b/__init__.py``); None if not a project module."""
    parts = module.split(".")
    if parts[0] not in PROJECT_PACKAGES:
        return None
    root = _package_dir(parts[0])
    if root is None:
        return None
    base = root.joinpath(*parts[1:])
    for cand in (base.with_suffix(".py"), base / "__init__.py"):
        if cand.is_file():
            return cand
    return None


def unit_of(module: str) -> str | None:
    """The unit a project module belongs to (see the module docstring); None for other modules."""
    parts = module.split(".")
    if parts[0] not in PROJECT_PACKAGES or _module_file(module) is None:
        return None
    if parts[0] != "matsim":
        return parts[0]
    if len(parts) == 1:
        return "matsim"
    if parts[1] == "pipeline":
        return module
    return ".".join(parts[:2])


def unit_files(unit: str) -> list[Path]:
    """Files hashed for a unit: every non-compiled file of a package unit, or the one module file."""
    path = _module_file(unit)
    if path is None:
        return []
    if unit == "matsim" or unit.startswith("matsim.pipeline") or path.name != "__init__.py":
        return [path]
    return sorted(p for p in path.parent.rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts and not p.name.endswith(_SKIP_SUFFIXES))


def _imports(tree: ast.AST, module: str, is_package: bool = False) -> set[str]:
    """Absolute names of the project modules imported anywhere in ``tree`` (``from a import b``: a and a.b)."""
    out: set[str] = set()
    pkg = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = pkg.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)] if node.level > 1 else anchor
                base = ".".join([*anchor, base] if base else anchor)
            names = [base] + [f"{base}.{a.name}" for a in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            # "import a.b.c" also imports a and a.b
            out.update(".".join(parts[: k + 1]) for k in range(len(parts)) if _module_file(".".join(parts[: k + 1])))
    return out


def _file_imports(path: Path, module: str) -> frozenset[str]:
    return _file_imports_cached(path, module, path.stat().st_mtime_ns)


@lru_cache(maxsize=None)
def _file_imports_cached(path: Path, module: str, mtime_ns: int) -> frozenset[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return frozenset(_imports(tree, module, path.name == "__init__.py"))


def units_closure(modules, unfollowed=()) -> set[str]:
    """Every unit reached from ``modules`` through the imports in the project's files (the imports of
    the modules in ``unfollowed`` are not followed: a stage module's are filtered by :func:`stage_modules`)."""
    seen_mod: set[str] = set()
    units: set[str] = set()
    todo = [m for m in modules if unit_of(m)]
    while todo:
        mod = todo.pop()
        if mod in seen_mod:
            continue
        seen_mod.add(mod)
        unit = unit_of(mod)
        if unit is None:
            continue
        if unit not in units:
            units.add(unit)
            # a package unit: every module in it may be imported by name, so follow all their imports
            for f in unit_files(unit):
                if f.suffix == ".py" and f != _module_file(mod):
                    todo.append(_module_name(f))
        if mod not in unfollowed:
            todo.extend(_file_imports(_module_file(mod), mod) - seen_mod)
    return units


def _module_name(path: Path) -> str:
    for top in PROJECT_PACKAGES:
        root = _package_dir(top)
        if root is not None and path.is_relative_to(root):
            rel = path.relative_to(root).with_suffix("")
            parts = [top, *rel.parts]
            return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
    raise ValueError(f"{path} is not in a project package")


def _is_stage_def(node) -> bool:
    return isinstance(node, ast.FunctionDef) and any(
        isinstance(d, ast.Call) and getattr(d.func, "id", getattr(d.func, "attr", None)) == "register_stage"
        for d in node.decorator_list)


def stage_modules(fn) -> set[str]:
    """Project modules a stage function uses: its module, the imports in its body and in the rest of
    its module (helpers, module level), leaving out the bodies of the other stages defined there."""
    module = fn.__module__
    try:
        path = Path(inspect.getsourcefile(fn))
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (TypeError, OSError):
        return {module}
    body = [n for n in tree.body if not (_is_stage_def(n) and n.name != fn.__name__)]
    mods = _imports(ast.Module(body=body, type_ignores=[]), module)
    if fn.__name__ not in {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}:
        mods |= _imports(ast.parse(textwrap.dedent(inspect.getsource(fn))), module)   # a nested function
    return mods | {module}


def code_hash(fn) -> tuple[str, list[str]]:
    """``(hash, units)``: SHA-256 (16 hex) over the files of every unit the stage reaches, and those units.

    The stage's own module is hashed whole even if it is not inside a project package (tests).
    """
    mods = stage_modules(fn)
    units = sorted(units_closure(mods, unfollowed={fn.__module__}))
    h = hashlib.sha256()
    for unit in units:
        for f in unit_files(unit):
            h.update(f"{unit}:{f.name}".encode())
            h.update(_file_digest(f))
    own = inspect.getsourcefile(fn)
    if own and unit_of(fn.__module__) is None:
        h.update(Path(own).read_bytes())
    return h.hexdigest()[:16], units


def _file_digest(path: Path) -> bytes:
    return hashlib.sha256(path.read_bytes()).digest()
