"""Read one finished DFT (or force-field) calculation into a small result object.

>>> r = read_calculation("relax/vasprun.xml")        # doctest: +SKIP
>>> r.energy, r.fermi_level, r.band_gap, r.code      # eV, eV, eV, "VASP"
>>> r.atoms; r.structure                             # ase Atoms, pymatgen Structure

Readers
-------
* VASP ``vasprun.xml``: energies, forces and structure through ``ase.io.read``; Fermi level, VBM,
  CBM and band gap through pymatgen's ``Vasprun`` (``eigenvalue_band_properties``).
* VASP ``OUTCAR``: energies, forces, structure and Fermi level through ``ase.io.read``.
* anything else ``ase.io.read`` understands that carries an energy (extxyz written by ase, ase
  trajectories, many DFT codes' outputs).

Energy convention: ``energy`` is ase's ``get_potential_energy()``, i.e. VASP's
``energy(sigma->0)`` / ``e_0_energy`` of the last ionic step, *without* the ``PSTRESS`` P·V term
(pymatgen's ``Vasprun.final_energy`` includes it); ``free_energy`` is VASP's TOTEN
(``e_fr_energy``). Formation energies and NEB barriers use ``energy``.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from matsim.core.errors import ConfigError, MissingFileError

#: VASP outputs recognised by their file names (any prefix/suffix, e.g. ``vasprun_relax.xml``).
_VASPRUN = re.compile(r"vasprun.*\.xml(\.gz)?$", re.IGNORECASE)
_OUTCAR = re.compile(r"OUTCAR", re.IGNORECASE)


@dataclass
class DFTResult:
    """One calculation: energies in eV, forces in eV/Å, structure, electronic levels in eV.

    Attributes
    ----------
    energy : total energy in eV (sigma -> 0 for VASP, see the module docstring).
    free_energy : VASP TOTEN / ase ``free_energy`` in eV, or None.
    forces : (N, 3) array in eV/Å, or None.
    atoms : the final structure as ``ase.Atoms`` (a copy; its calculator holds the results).
    fermi_level, vbm, cbm, band_gap : eV, or None when the file does not give them.
    code : ``"VASP"``, ``"EMT"``, the ase format name, ...
    path : the file read (None for in-memory Atoms).
    sha256 : hex SHA-256 of the file (None for in-memory Atoms).
    """

    energy: float
    atoms: Any
    code: str = "unknown"
    path: Path | None = None
    sha256: str | None = None
    free_energy: float | None = None
    forces: np.ndarray | None = None
    fermi_level: float | None = None
    vbm: float | None = None
    cbm: float | None = None
    band_gap: float | None = None
    extra: dict = field(default_factory=dict)

    @property
    def structure(self):
        """The structure as a pymatgen ``Structure`` (periodic cells only)."""
        if not all(self.atoms.pbc):
            raise ConfigError("structure", self.atoms.get_chemical_formula(),
                              "a periodic cell (pbc=True on all axes) to build a pymatgen Structure")
        from pymatgen.io.ase import AseAtomsAdaptor
        return AseAtomsAdaptor.get_structure(self.atoms)

    @property
    def composition(self) -> dict[str, int]:
        """Element -> number of atoms."""
        out: dict[str, int] = {}
        for s in self.atoms.get_chemical_symbols():
            out[s] = out.get(s, 0) + 1
        return out

    @property
    def label(self) -> str:
        """``path (sha256:abcdef123456)`` for provenance strings, or ``in-memory <formula>``."""
        if self.path is None:
            return f"in-memory {self.atoms.get_chemical_formula()} ({self.code})"
        return f"{self.path} (sha256:{self.sha256[:12]})"

    def summary(self) -> dict:
        """JSON-friendly summary (energies in eV)."""
        return {"path": str(self.path) if self.path else None, "sha256": self.sha256, "code": self.code,
                "formula": self.atoms.get_chemical_formula(), "natoms": len(self.atoms),
                "energy_eV": self.energy, "free_energy_eV": self.free_energy,
                "max_force_eV_per_A": (float(np.max(np.linalg.norm(self.forces, axis=1)))
                                       if self.forces is not None and len(self.forces) else None),
                "fermi_level_eV": self.fermi_level, "vbm_eV": self.vbm, "cbm_eV": self.cbm,
                "band_gap_eV": self.band_gap}

    def __str__(self) -> str:
        s = self.summary()
        lines = [f"{s['formula']} ({s['natoms']} atoms, {s['code']})  from {self.label}",
                 f"  energy        {self.energy:.8f} eV"]
        for key, name, fmt, unit in (("free_energy_eV", "free energy", ".8f", "eV"),
                                     ("max_force_eV_per_A", "max |F|", ".4f", "eV/Å"),
                                     ("fermi_level_eV", "Fermi level", ".4f", "eV"), ("vbm_eV", "VBM", ".4f", "eV"),
                                     ("cbm_eV", "CBM", ".4f", "eV"), ("band_gap_eV", "band gap", ".4f", "eV")):
            if s[key] is not None:
                lines.append(f"  {name:<13} {s[key]:{fmt}} {unit}")
        return "\n".join(lines)


def _optional_float(fn) -> float | None:
    try:
        v = fn()
    except Exception:
        return None
    if v is None:
        return None
    v = float(v)
    return v if np.isfinite(v) else None


def _ase_read(path: Path, index, fmt: str | None):
    import ase.io
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ase.io.read(str(path), index=index, format=fmt)
    except Exception as exc:
        kind = "VASP vasprun.xml" if fmt == "vasp-xml" else "VASP OUTCAR" if fmt == "vasp-out" else \
            "file in a format ase.io.read understands (extxyz, traj, vasprun.xml, OUTCAR, ...)"
        raise ConfigError("path", str(path),
                          f"a complete, readable {kind}; reading failed with "
                          f"{type(exc).__name__}: {str(exc)[:200] or 'no message'} "
                          "(truncated or corrupt file? an unfinished run?)") from None


def from_atoms(atoms, code: str | None = None, path: Path | None = None, sha256: str | None = None) -> DFTResult:
    """A :class:`DFTResult` from ``ase.Atoms`` whose calculator holds (or can compute) an energy."""
    if atoms.calc is None:
        raise ConfigError("atoms", atoms.get_chemical_formula(),
                          "Atoms with a calculator or stored energy (e.g. read from extxyz/vasprun.xml, "
                          "or atoms.calc = EMT())")
    try:
        energy = float(atoms.get_potential_energy())
    except Exception as exc:
        where = f" in {path}" if path else ""
        raise ConfigError("energy", f"none{where}",
                          f"a total energy stored with the structure ({type(exc).__name__}: {str(exc)[:120]})") from None
    if not np.isfinite(energy):
        raise ConfigError("energy", energy, "a finite total energy in eV")
    calc = atoms.calc
    forces = None
    if "forces" in getattr(calc, "results", {}) or not _is_single_point(calc):
        forces = _optional_array(atoms.get_forces)
    free = None
    if "free_energy" in getattr(calc, "results", {}):
        free = float(calc.results["free_energy"])
    efermi = _optional_float(calc.get_fermi_level) if hasattr(calc, "get_fermi_level") else None
    if code is None:
        code = getattr(calc, "name", None) or type(calc).__name__
        code = "VASP" if str(code).lower() in ("vasp", "vasp-xml", "vasp-out") else str(code)
    result_atoms = atoms.copy()
    from ase.calculators.singlepoint import SinglePointCalculator
    results = {"energy": energy}
    if forces is not None:
        results["forces"] = forces
    if free is not None:
        results["free_energy"] = free
    result_atoms.calc = SinglePointCalculator(result_atoms, **results)
    return DFTResult(energy=energy, atoms=result_atoms, code=code, path=path, sha256=sha256,
                     free_energy=free, forces=forces, fermi_level=efermi)


def _is_single_point(calc) -> bool:
    return type(calc).__name__ in ("SinglePointCalculator", "SinglePointDFTCalculator")


def _optional_array(fn):
    try:
        return np.asarray(fn(), dtype=float)
    except Exception:
        return None


def read_calculation(path, index: int | str = -1, format: str | None = None) -> DFTResult:
    """Read the final (or ``index``-th) configuration of a calculation with its energy.

    Parameters
    ----------
    path : a ``vasprun.xml``, ``OUTCAR``, extxyz/traj file, or a directory holding ``vasprun.xml`` or
        ``OUTCAR`` (vasprun.xml preferred).
    index : ionic step to read (ase index convention, -1 = last).
    format : force an ``ase.io`` format name (otherwise detected from the file name/content).

    Returns
    -------
    DFTResult with energy (eV), forces (eV/Å), ase Atoms (``.structure`` gives pymatgen), Fermi
    level, and for vasprun.xml the VBM, CBM and band gap from pymatgen (eV).

    Raises
    ------
    MissingFileError if the file (or a VASP output in a directory) does not exist;
    ConfigError naming the file if it cannot be parsed or carries no energy.
    """
    path = Path(path)
    if path.is_dir():
        for name in ("vasprun.xml", "OUTCAR"):
            if (path / name).is_file():
                path = path / name
                break
        else:
            raise MissingFileError("path", str(path), "a directory containing vasprun.xml or OUTCAR "
                                   "(or pass the output file itself)")
    if not path.is_file():
        raise MissingFileError("path", str(path), "an existing DFT output file (vasprun.xml, OUTCAR, extxyz, ...)")
    if path.stat().st_size == 0:
        raise ConfigError("path", str(path), "a non-empty DFT output file (this one has 0 bytes)")
    from matsim.core.io import file_sha256
    sha = file_sha256(path)
    is_vasprun = format == "vasp-xml" or (format is None and _VASPRUN.search(path.name) is not None)
    is_outcar = format == "vasp-out" or (format is None and _OUTCAR.search(path.name) is not None)
    fmt = "vasp-xml" if is_vasprun else "vasp-out" if is_outcar else format
    if is_vasprun and not path.name.endswith(".gz"):
        _check_vasprun_complete(path)
    atoms = _ase_read(path, index, fmt)
    if isinstance(atoms, list):
        raise ConfigError("index", index, "a single ionic step (an int such as -1), not a slice")
    code = "VASP" if (is_vasprun or is_outcar) else None
    if atoms.calc is None:
        raise ConfigError("path", str(path), "a calculation output with a total energy; this file holds a "
                          "structure only (a structure file, or a truncated/unfinished run)")
    result = from_atoms(atoms, code=code, path=path, sha256=sha)
    if code is None:
        result.code = _format_name(path, fmt, result.code)
    if is_vasprun:
        _add_band_edges(result, path)
    return result


def _check_vasprun_complete(path: Path) -> None:
    """A finished vasprun.xml ends with ``</modeling>``; anything else is a truncated file."""
    with open(path, "rb") as fh:
        fh.seek(max(0, path.stat().st_size - 256))
        tail = fh.read().decode("latin-1", errors="replace")
    if "</modeling>" not in tail:
        raise ConfigError("path", str(path), "a complete VASP vasprun.xml ending with </modeling>; this one is "
                          "truncated (the run did not finish, or the file was cut while copying)")


def _format_name(path: Path, fmt, calc_name: str) -> str:
    if calc_name not in ("SinglePointCalculator", "SinglePointDFTCalculator", "unknown"):
        return calc_name
    if fmt:
        return str(fmt)
    try:
        from ase.io.formats import filetype
        return str(filetype(str(path), guess=True))
    except Exception:
        return "ase"


def _add_band_edges(result: DFTResult, path: Path) -> None:
    """VBM, CBM, gap (and Fermi level if ase missed it) from pymatgen's Vasprun."""
    try:
        from pymatgen.io.vasp import Vasprun
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            vr = Vasprun(str(path), parse_potcar_file=False, parse_dos=False)
    except Exception as exc:
        raise ConfigError("path", str(path), "a complete VASP vasprun.xml; pymatgen's Vasprun failed with "
                          f"{type(exc).__name__}: {str(exc)[:200]}") from None
    try:
        gap, cbm, vbm, direct = vr.eigenvalue_band_properties
    except Exception:
        gap = cbm = vbm = direct = None
    if vbm is not None:
        result.vbm, result.cbm, result.band_gap = float(vbm), float(cbm), float(gap)
        result.extra["direct_gap"] = bool(direct)
    if result.fermi_level is None and vr.efermi is not None:
        result.fermi_level = float(vr.efermi)
    result.extra["converged_electronic"] = bool(vr.converged_electronic)
    result.extra["converged_ionic"] = bool(vr.converged_ionic)
    result.extra["pymatgen_final_energy_eV"] = float(vr.final_energy)


def as_result(obj, name: str = "calculation") -> DFTResult:
    """Accept a :class:`DFTResult`, a path, or ``ase.Atoms`` with energy; return a DFTResult."""
    if isinstance(obj, DFTResult):
        return obj
    if isinstance(obj, (str, Path)):
        return read_calculation(obj)
    if hasattr(obj, "get_chemical_symbols"):
        return from_atoms(obj)
    raise ConfigError(name, type(obj).__name__, "a DFTResult, a file path, or ase.Atoms with an energy")
