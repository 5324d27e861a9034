"""Migration barriers from nudged-elastic-band (NEB) images.

Ea = max_i E_i − E_0  (forward barrier), reverse barrier = max_i E_i − E_last.
Use climbing-image NEB (Henkelman, Uberuaga & Jónsson, J. Chem. Phys. 113, 9901 (2000)) so the
highest image sits on the saddle point; without it, max E_i underestimates the barrier.

>>> mb = migration_barrier("neb_run/")        # VASP folders 00..NN   # doctest: +SKIP
>>> mb.Ea                                      # Parameter in eV with provenance
>>> mb.to_dataset(); mb.plot("profile.png")
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from matsim.core import validate
from matsim.core.errors import ConfigError, ConvergenceError, MissingFileError
from matsim.core.parameters import Parameter
from matsim.dft.read import DFTResult, as_result, read_calculation

_IMAGE_DIR = re.compile(r"^\d{2,3}$")
#: other per-image files accepted in NEB folders (written by ase)
_IMAGE_EXTS = (".extxyz", ".traj")


#: marker in a Parameter's note: derived from a DFT calculation that did not converge
UNCONVERGED = "UNCONVERGED DFT"


@dataclass
class MigrationBarrier:
    """Result of :func:`migration_barrier`.

    Attributes
    ----------
    Ea : forward barrier max(E) − E_initial as a :class:`Parameter` in eV.
    E_reverse : reverse barrier max(E) − E_final (eV).
    energies : image energies relative to the initial image (eV).
    path_length : cumulative distance along the band, sqrt of summed squared displacements
        (minimum-image, Å).
    saddle_index : index of the highest image.
    hop_distance : displacement of the atom that moves most between the end points (Å).
    hopping_atom : index of that atom.
    images : the images (ase Atoms with energies).
    sources : provenance labels of the images.
    """

    Ea: Parameter
    E_reverse: float
    energies: np.ndarray
    path_length: np.ndarray
    saddle_index: int
    hop_distance: float
    hopping_atom: int
    images: list = field(repr=False, default_factory=list)
    sources: list = field(repr=False, default_factory=list)

    @property
    def saddle(self):
        """The highest-energy image (ase Atoms)."""
        return self.images[self.saddle_index]

    @property
    def asymmetry(self) -> float:
        """max_i |E_i − E_{n−1−i}| (eV): zero for a symmetric hop (equivalent end points)."""
        e = self.energies
        return float(np.max(np.abs(e - e[::-1])))

    def to_dataset(self):
        """Energy profile as an ``xarray.Dataset`` (image; energy [eV], path_length [Å])."""
        import xarray as xr
        ds = xr.Dataset(
            {"energy": ("image", self.energies, {"units": "eV", "long_name": "E - E_initial"}),
             "path_length": ("image", self.path_length, {"units": "Å", "long_name": "distance along the band"})},
            coords={"image": np.arange(len(self.energies))},
            attrs={"Ea_eV": self.Ea.value, "E_reverse_eV": self.E_reverse, "saddle_index": self.saddle_index,
                   "hop_distance_A": self.hop_distance, "source": self.Ea.source})
        return ds

    def summary(self) -> dict:
        return {"Ea_eV": self.Ea.value, "E_reverse_eV": self.E_reverse, "saddle_index": self.saddle_index,
                "hop_distance_A": self.hop_distance, "hopping_atom": self.hopping_atom,
                "energies_eV": [float(e) for e in self.energies],
                "path_length_A": [float(x) for x in self.path_length],
                "source": self.Ea.source, "note": self.Ea.note}

    def plot(self, path=None, ax=None):
        """Energy vs distance along the band; returns the Figure (saved to ``path`` if given)."""
        import matplotlib.pyplot as plt
        fig, ax = (plt.subplots(figsize=(4.5, 3.2)) if ax is None else (ax.figure, ax))
        ax.plot(self.path_length, self.energies, "o-", color="C0")
        ax.axhline(self.Ea.value, ls=":", color="0.5")
        ax.annotate(f"$E_a$ = {self.Ea.value:.3f} eV", (self.path_length[self.saddle_index], self.Ea.value),
                    textcoords="offset points", xytext=(0, 6), ha="center")
        ax.set_xlabel("distance along band (Å)")
        ax.set_ylabel("E − E$_\\mathrm{initial}$ (eV)")
        fig.tight_layout()
        if path is not None:
            fig.savefig(path, dpi=150)
        return fig


def read_neb_directory(path) -> list[DFTResult]:
    """Read a VASP NEB run: sub-folders ``00``, ``01``, ..., ``NN``, each with vasprun.xml or OUTCAR
    (or one ``.extxyz``/``.traj`` file with the image's energy, e.g. from another code via ase).

    VASP does not compute the end points in an NEB run; copy the OUTCAR (or vasprun.xml) of the
    relaxed initial and final states into ``00/`` and ``NN/``.
    """
    path = Path(path)
    if not path.is_dir():
        raise MissingFileError("images", str(path), "a directory of VASP NEB image folders 00..NN")
    dirs = sorted((d for d in path.iterdir() if d.is_dir() and _IMAGE_DIR.match(d.name)), key=lambda d: int(d.name))
    if len(dirs) < 3:
        raise ConfigError("images", str(path), f"at least 3 image folders named 00, 01, ... (found {len(dirs)})")
    expected = list(range(len(dirs)))
    if [int(d.name) for d in dirs] != expected:
        raise ConfigError("images", [d.name for d in dirs], "consecutive image folders 00, 01, ..., NN")
    results = []
    for d in dirs:
        found = [d / n for n in ("vasprun.xml", "OUTCAR") if (d / n).is_file()]
        found += sorted(p for ext in _IMAGE_EXTS for p in d.glob(f"*{ext}"))
        if not found:
            end = " (copy the relaxed end-point OUTCAR/vasprun.xml here)" if d in (dirs[0], dirs[-1]) else ""
            raise MissingFileError("images", str(d), f"an image folder with vasprun.xml, OUTCAR or one "
                                   f"{'/'.join(_IMAGE_EXTS)} file{end}")
        results.append(read_calculation(found[0]))
    return results


def _load_images(images) -> list[DFTResult]:
    if isinstance(images, (str, Path)):
        p = Path(images)
        if p.is_dir():
            return read_neb_directory(p)
        if not p.is_file():
            raise MissingFileError("images", str(p), "a directory of NEB folders 00..NN or a multi-frame file (extxyz, traj)")
        import ase.io
        try:
            frames = ase.io.read(str(p), index=":")
        except Exception as exc:
            raise ConfigError("images", str(p), f"a readable multi-frame file ({type(exc).__name__}: {str(exc)[:150]})") from None
        from matsim.core.io import file_sha256
        sha = file_sha256(p)
        out = []
        for i, a in enumerate(frames):
            try:
                r = as_result(a, name=f"images[{i}]")
            except ConfigError as exc:
                raise ConfigError(f"images[{i}]", f"{p} frame {i}", f"an image with an energy ({exc.expected})") from None
            r.path, r.sha256 = p, sha
            out.append(r)
        return out
    if not isinstance(images, Sequence) or isinstance(images, (str, bytes)):
        raise ConfigError("images", type(images).__name__, "a list of ase Atoms with energies, DFTResults or paths, "
                          "or a directory of NEB folders")
    out = []
    for i, img in enumerate(images):
        try:
            out.append(as_result(img, name=f"images[{i}]"))
        except ConfigError as exc:
            raise ConfigError(f"images[{i}]", exc.value, exc.expected) from None
    return out


def _check_images(results: list[DFTResult]) -> None:
    if len(results) < 3:
        raise ConfigError("images", len(results), "at least 3 images (initial, one or more intermediate, final)")
    n0, sym0 = len(results[0].atoms), results[0].atoms.get_chemical_symbols()
    for i, r in enumerate(results[1:], start=1):
        if len(r.atoms) != n0:
            raise ConfigError(f"images[{i}]", f"{len(r.atoms)} atoms ({r.label})",
                              f"the same number of atoms as images[0] ({n0}); all NEB images must hold the same atoms")
        if r.atoms.get_chemical_symbols() != sym0:
            raise ConfigError(f"images[{i}]", r.atoms.get_chemical_formula(),
                              "the same atoms in the same order as images[0]")


def _displacements(a, b) -> np.ndarray:
    """Per-atom displacement b − a with the minimum-image convention (Å)."""
    d = b.positions - a.positions
    if any(a.pbc) and a.cell.rank == 3:
        from ase.geometry import find_mic
        d, _ = find_mic(d, a.cell, a.pbc)
    return d


def migration_barrier(images, source: str | None = None) -> MigrationBarrier:
    """Barrier of a migration path from NEB images.

    Parameters
    ----------
    images : list of ase Atoms with energies (e.g. the band after ``ase.mep.NEB``), DFTResults or
        file paths; or a directory of VASP NEB folders ``00..NN``; or a multi-frame extxyz/traj.
    source : provenance text; by default the files read (or "in-memory NEB images").

    Returns
    -------
    MigrationBarrier with ``Ea`` = max(E) − E_initial as a Parameter in eV and the energy profile.
    """
    results = _load_images(images)
    _check_images(results)
    e = np.array([r.energy for r in results])
    e = e - e[0]
    i_max = int(np.argmax(e))
    if i_max in (0, len(e) - 1):
        raise ConvergenceError(
            f"images: the highest energy is at end point {i_max} (energies relative to image 0: "
            f"{np.array2string(e, precision=3)} eV); expected a maximum between the end points "
            "(relax the end points, or the band is not converged)")
    steps = [np.sqrt(np.sum(_displacements(results[k].atoms, results[k + 1].atoms) ** 2))
             for k in range(len(results) - 1)]
    s = np.concatenate([[0.0], np.cumsum(steps)])
    d_end = np.linalg.norm(_displacements(results[0].atoms, results[-1].atoms), axis=1)
    hop_atom = int(np.argmax(d_end))
    labels = [r.label for r in results]
    if source is None:
        if all(r.path is not None for r in results):
            import os
            where = os.path.commonpath([str(r.path) for r in results])
            source = (f"NEB {len(results)} images from {where} "
                      f"(sha256 {results[0].sha256[:12]} ... {results[-1].sha256[:12]}, {results[0].code})")
        else:
            source = f"NEB {len(results)} in-memory images ({results[0].code})"
    note = (f"Ea = max(E) - E_initial; saddle = image {i_max}, reverse barrier {e[i_max] - e[-1]:.4f} eV, "
            f"hop distance {d_end[hop_atom]:.3f} Å")
    bad = [k for k, r in enumerate(results)
           if r.extra.get("converged_electronic") is False or r.extra.get("converged_ionic") is False]
    if bad:       # consumers (kmc.VCMCell) refuse parameters whose note carries this marker
        note += f"; {UNCONVERGED} (images {bad}: converged_electronic/converged_ionic false)"
    return MigrationBarrier(Ea=Parameter(float(e[i_max]), "eV", source, note), E_reverse=float(e[i_max] - e[-1]),
                            energies=e, path_length=s, saddle_index=i_max, hop_distance=float(d_end[hop_atom]),
                            hopping_atom=hop_atom, images=[r.atoms for r in results], sources=labels)


def run_neb(initial, final, calculator: Any | Callable[[], Any], n_images: int = 3, fmax: float = 0.05,
            steps: int = 300, climb: bool = True, optimizer: str = "FIRE", interpolate: str = "idpp",
            k: float = 0.1, logfile: str | None = None, trajectory: str | None = None,
            quiet: bool = False) -> MigrationBarrier:
    """Run a climbing-image NEB with ase (``ase.mep.NEB`` + an ase optimizer) and return the barrier.

    Parameters
    ----------
    initial, final : relaxed end points (ase Atoms; same atoms in the same order).
    calculator : an ase Calculator instance (shared by the images, run serially) or a zero-argument
        factory returning a new one per image (needed for calculators that keep per-structure state).
    n_images : number of intermediate (movable) images.
    fmax : force convergence criterion in eV/Å.
    steps : maximum optimizer steps; :class:`ConvergenceError` if not converged.
    climb : climbing image (recommended; the top image converges to the saddle).
    optimizer : ``"FIRE"``, ``"BFGS"``, ``"MDMin"`` or ``"LBFGS"`` (from ``ase.optimize``).
    interpolate : ``"idpp"`` (image-dependent pair potential, Smidstrup et al., J. Chem. Phys.
        140, 214106 (2014)) or ``"linear"``.
    k : spring constant in eV/Å².
    logfile, trajectory : passed to the ase optimizer (``"-"`` logs to stdout).
    quiet : no progress bar (it is shown only on a terminal anyway).
    """
    from ase import optimize
    from ase.mep import NEB

    n_images = validate.positive_int("n_images", n_images)
    fmax = validate.positive("fmax", fmax, "eV/Å")
    validate.one_of("optimizer", optimizer, ("FIRE", "BFGS", "MDMin", "LBFGS"))
    validate.one_of("interpolate", interpolate, ("idpp", "linear"))
    _check_images([_dummy(initial), _dummy(initial), _dummy(final)])
    images = [initial.copy()] + [initial.copy() for _ in range(n_images)] + [final.copy()]
    import inspect
    # a Calculator instance is shared; a class or zero-argument function is a factory (one per image)
    shared = not (inspect.isclass(calculator) or
                  (callable(calculator) and not hasattr(calculator, "get_potential_energy")))
    for img in images:
        img.calc = calculator if shared else calculator()
    neb = NEB(images, k=k, climb=climb, allow_shared_calculator=shared, method="improvedtangent")
    if interpolate == "idpp":
        neb.interpolate(method="idpp", mic=True)
    else:
        neb.interpolate(mic=True)
    opt = getattr(optimize, optimizer)(neb, logfile=logfile, trajectory=trajectory)
    from matsim.core.progress import progress
    with progress(total=steps, desc=f"CI-NEB ({n_images} images)", quiet=quiet, unit="step") as bar:
        def _tick():
            bar.update(1)
            bar.set_postfix(fmax=f"{_residual(neb):.3f}", refresh=False)
        opt.attach(_tick, interval=1)
        converged = opt.run(fmax=fmax, steps=steps)
    if not converged:
        raise ConvergenceError(f"run_neb: the band did not converge to fmax = {fmax} eV/Å in {steps} steps "
                               f"(residual {_residual(neb):.3g} eV/Å); raise steps or add images")
    from ase.calculators.singlepoint import SinglePointCalculator
    band = []
    for img in images:
        a = img.copy()
        a.calc = SinglePointCalculator(a, energy=float(img.get_potential_energy()), forces=img.get_forces())
        band.append(a)
    calc0 = images[1].calc
    name = getattr(calc0, "name", None) or type(calc0).__name__
    return migration_barrier(band, source=f"CI-NEB with ase ({name} calculator, {n_images} intermediate images, "
                                          f"fmax {fmax} eV/Å, {optimizer})")


def _residual(neb) -> float:
    """Residual force on the band's non-climbing images from the last force call (eV/Å), no new
    calculation; NaN before the first call or with a single (climbing) image."""
    res = getattr(neb, "residuals", None)
    return float(np.max(res)) if res else float("nan")


def _dummy(atoms) -> DFTResult:
    return DFTResult(energy=0.0, atoms=atoms, code="structure")
