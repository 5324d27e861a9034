"""Saving results: ``xarray.Dataset`` to NetCDF (HDF5-based, via netCDF4) with units in variable attrs
and the :class:`ParameterSet` plus package versions stored as provenance in the global attrs.

>>> save_dataset(ds, "iv.nc", params=ps)      # doctest: +SKIP
>>> ds = load_dataset("iv.nc"); parameters_of(ds)  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from matsim.core.errors import ConfigError, MissingFileError
from matsim.core.parameters import ParameterSet

PARAMS_ATTR = "matsim_parameters"
PROVENANCE_ATTR = "matsim_provenance"


def current_umask() -> int:
    """The process umask: from /proc/self/status on Linux (no side effect), else by setting and restoring it."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def file_sha256(path) -> str:
    """Hex SHA-256 of a file's bytes (used in provenance strings)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def package_versions() -> dict[str, str]:
    """Versions of matsim and the libraries whose numbers end up in results."""
    from importlib import metadata

    import matsim
    out = {"matsim": matsim.__version__}
    for name in ("numpy", "scipy", "xarray", "ase", "pymatgen", "fipy", "numba", "mpi4py"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    return out


def _clean_attrs(attrs: dict) -> dict:
    """NetCDF attrs take str, numbers and 1-D numeric arrays; encode the rest as JSON."""
    out = {}
    for k, v in attrs.items():
        if isinstance(v, bool) or v is None:
            out[k] = str(v)
        elif isinstance(v, (str, int, float, np.integer, np.floating)):
            out[k] = v
        elif isinstance(v, (list, tuple, np.ndarray)) and np.asarray(v).dtype.kind in "if" and np.asarray(v).ndim == 1:
            out[k] = np.asarray(v)
        else:
            out[k] = json.dumps(v, default=str)
    return out


def save_dataset(ds: xr.Dataset, path, params: ParameterSet | None = None,
                 provenance: dict[str, Any] | None = None) -> Path:
    """Write ``ds`` to NetCDF4/HDF5 at ``path`` atomically, with parameters and provenance attached."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    ds = ds.copy()
    ds.attrs = _clean_attrs(dict(ds.attrs))
    for name in list(ds.variables):
        ds[name].attrs = _clean_attrs(dict(ds[name].attrs))
    if params is not None:
        ds.attrs[PARAMS_ATTR] = params.to_json()
    prov = {"created": _dt.datetime.now(_dt.timezone.utc).isoformat(), "versions": package_versions()}
    prov.update(provenance or {})
    ds.attrs[PROVENANCE_ATTR] = json.dumps(prov, default=str)
    fd, tmp = tempfile.mkstemp(suffix=".nc.tmp", dir=path.parent)
    os.close(fd)
    try:
        ds.to_netcdf(tmp, engine="netcdf4")
        os.chmod(tmp, 0o666 & ~current_umask())     # mkstemp makes 0600; results follow the user's umask
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return path


def load_dataset(path) -> xr.Dataset:
    """Read a dataset written by :func:`save_dataset` (fully loaded, file closed)."""
    path = Path(path)
    if not path.is_file():
        raise MissingFileError("path", str(path), "an existing NetCDF file")
    try:
        with xr.open_dataset(path, engine="netcdf4") as ds:
            return ds.load()
    except OSError as exc:
        raise ConfigError("path", str(path), f"a readable NetCDF/HDF5 file ({exc})") from None


def parameters_of(ds: xr.Dataset) -> ParameterSet | None:
    """The ParameterSet stored in a dataset by :func:`save_dataset`, or None."""
    text = ds.attrs.get(PARAMS_ATTR)
    return ParameterSet.from_json(text) if text else None


def provenance_of(ds: xr.Dataset) -> dict:
    text = ds.attrs.get(PROVENANCE_ATTR)
    return json.loads(text) if text else {}


def save_json(obj, path) -> Path:
    """Write JSON atomically (numpy scalars/arrays converted)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(obj, indent=2, default=_json_default, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)
    return path


def _json_default(o):
    if isinstance(o, np.ndarray):
        return o.tolist()
    if isinstance(o, (np.integer, np.floating)):
        return o.item()
    if isinstance(o, Path):
        return str(o)
    if isinstance(o, ParameterSet):
        return o.to_dict()
    raise TypeError(f"cannot encode {type(o).__name__} as JSON")
