"""Attempt frequency of a thermally activated hop by harmonic transition-state theory.

Vineyard, J. Phys. Chem. Solids 3, 121 (1957):

    ν* = Π_{i=1}^{3N} ν_i(minimum) / Π_{i=1}^{3N−1} ν_i(saddle)

where ν_i are the normal-mode frequencies (Hz) of the N vibrating atoms at the initial minimum and
the real ones at the saddle point (the saddle has exactly one imaginary mode, along the path). The
hop rate is then r = ν* exp(−E_a / k_B T).

Cost control: the finite-difference Hessian needs 2·3N force calls per structure. Pass
``indices=`` (the hopping atom and its nearest neighbours, see :func:`neighbour_indices`) to let
only those atoms vibrate: a partial-Hessian approximation, standard for defect hops, which keeps the
far atoms frozen. The same atoms must be used at the minimum and the saddle. When *all* atoms of a
periodic cell vibrate, the three zero-frequency translations are removed from both products.

Without a calculator (no phonons), :func:`attempt_frequency` returns the conventional 1e13 Hz with
provenance "assumed".
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np

from matsim.core import units, validate
from matsim.core.errors import ConfigError, ConvergenceError
from matsim.core.parameters import Parameter

#: default prefactor when no phonons are computed (typical optical-phonon frequency)
DEFAULT_ATTEMPT_FREQUENCY_HZ = 1e13
_CM1_TO_HZ = units.to_si(1.0, "cm^-1")


def neighbour_indices(atoms, center: int, cutoff: float | None = None) -> list[int]:
    """``center`` and every atom within ``cutoff`` Å of it (minimum image).

    Default cutoff: 1.2 × the nearest-neighbour distance of ``center``, i.e. the first shell.
    """
    n = len(atoms)
    if not 0 <= int(center) < n:
        raise ConfigError("center", center, f"an atom index in 0..{n - 1}")
    d = atoms.get_distances(int(center), list(range(n)), mic=any(atoms.pbc))
    d[int(center)] = np.inf
    if cutoff is None:
        cutoff = 1.2 * float(np.min(d))
    cutoff = validate.positive("cutoff", cutoff, "Å")
    return sorted([int(center)] + [int(i) for i in np.nonzero(d <= cutoff)[0]])


def vibrational_frequencies(atoms, calculator=None, indices=None, delta: float = 0.01) -> np.ndarray:
    """Normal-mode frequencies in Hz (complex: imaginary modes have an imaginary part), ascending by |ν|.

    Finite differences with ``ase.vibrations.Vibrations`` (central differences, step ``delta`` Å).
    The cache goes to a private temporary directory of this process (``matsim_vib_r<rank>_p<pid>_*``),
    removed afterwards also when the calculation fails; ase's ``world`` is a one-process
    communicator meanwhile, so under ``mpiexec`` each rank computes its own cache (ase would
    otherwise let only rank 0 write the cache files other ranks then fail to read).
    """
    import os
    import socket

    from ase.vibrations import Vibrations

    from matsim.core.parallel import get_comm, serial_ase_world
    delta = validate.positive("delta", delta, "Å")
    a = atoms.copy()
    a.calc = calculator if calculator is not None else atoms.calc
    if a.calc is None:
        raise ConfigError("calculator", None, "an ase Calculator (e.g. EMT(), Vasp(...)) to compute forces")
    remove_stale_vibration_caches()
    prefix = f"{_VIB_PREFIX}{socket.gethostname()}_r{get_comm().Get_rank()}_p{os.getpid()}_"
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp, serial_ase_world():
        vib = Vibrations(a, indices=indices, name=str(Path(tmp) / "vib"), delta=delta, nfree=2)
        vib.run()
        freqs = np.asarray(vib.get_frequencies(), dtype=complex) * _CM1_TO_HZ
    return freqs[np.argsort(np.abs(freqs))]


_VIB_PREFIX = "matsim_vib_"


def remove_stale_vibration_caches(tmpdir=None) -> list[str]:
    """Remove ``matsim_vib_<host>_r<rank>_p<pid>_*`` cache folders of this host whose process is gone
    (a run killed with SIGKILL cannot clean up after itself); returns the removed names."""
    import os
    import re
    import shutil
    import socket
    root = Path(tmpdir or tempfile.gettempdir())
    pat = re.compile(re.escape(_VIB_PREFIX + socket.gethostname()) + r"_r\d+_p(\d+)_")
    removed = []
    for d in root.glob(_VIB_PREFIX + "*"):
        m = pat.match(d.name)
        if not (m and d.is_dir()):
            continue
        try:
            os.kill(int(m.group(1)), 0)
        except ProcessLookupError:
            shutil.rmtree(d, ignore_errors=True)
            removed.append(d.name)
        except (PermissionError, OSError):
            pass                          # another user's live process
    return removed


def _split(freqs: np.ndarray, tol_hz: float):
    imag = freqs[np.abs(freqs.imag) > tol_hz]
    real = freqs[(np.abs(freqs.imag) <= tol_hz)].real
    return imag, real


def vineyard_prefactor(freqs_min: np.ndarray, freqs_saddle: np.ndarray, n_zero: int = 0,
                       tol_hz: float = 1e10) -> float:
    """ν* = Π ν_min / Π' ν_saddle (Hz) from mode frequencies in Hz (complex allowed).

    n_zero : number of zero (translation) modes to drop from both sets (3 when all atoms of a
        periodic cell vibrate, else 0).
    tol_hz : imaginary parts below this are numerical noise.
    Products are taken as sums of logarithms (no overflow for hundreds of modes).
    """
    fm = np.asarray(freqs_min, dtype=complex)
    fs = np.asarray(freqs_saddle, dtype=complex)
    if len(fm) != len(fs):
        raise ConfigError("freqs_saddle", len(fs), f"as many modes as at the minimum ({len(fm)}): same vibrating atoms")
    fm = fm[np.argsort(np.abs(fm))][n_zero:]
    fs = fs[np.argsort(np.abs(fs))][n_zero:]
    imag_m, real_m = _split(fm, tol_hz)
    if len(imag_m):
        raise ConvergenceError(f"initial state has {len(imag_m)} imaginary mode(s) "
                               f"(|ν| up to {np.max(np.abs(imag_m)):.3g} Hz): not a minimum; relax it further")
    imag_s, real_s = _split(fs, tol_hz)
    if len(imag_s) != 1:
        raise ConvergenceError(f"saddle has {len(imag_s)} imaginary modes; expected exactly 1 "
                               "(converge the climbing-image NEB to a tighter fmax, or check the saddle image)")
    if np.any(real_m <= 0) or np.any(real_s <= 0):
        raise ConvergenceError("zero-frequency modes left after removing translations; freeze atoms "
                               "(indices=) or pass n_zero")
    log_nu = np.sum(np.log(real_m)) - np.sum(np.log(real_s))
    return float(np.exp(log_nu))


def attempt_frequency(initial=None, saddle=None, calculator=None, indices=None, delta: float = 0.01,
                      source: str | None = None) -> Parameter:
    """Attempt frequency ν* (Hz) of a hop by the Vineyard formula, or 1e13 Hz "assumed".

    Parameters
    ----------
    initial, saddle : ase Atoms of the relaxed initial state and the saddle point (e.g. the
        climbing image, ``MigrationBarrier.saddle``); same atoms in the same order.
    calculator : ase Calculator for the forces; if None, each structure's own ``calc`` is used
        (it must be able to compute, not a stored single point). If no structures/calculator are
        given at all, returns ``Parameter(1e13, "Hz", "assumed ...")``.
    indices : atoms allowed to vibrate (hopping atom + neighbours keeps it cheap; see the module
        docstring). None = all atoms (translations removed when the cell is periodic).
    delta : finite-difference displacement in Å.
    """
    if initial is None and saddle is None:
        return Parameter(DEFAULT_ATTEMPT_FREQUENCY_HZ, "Hz",
                         "assumed (typical phonon frequency; no phonon calculation given)",
                         "Vineyard prefactor not computed")
    if initial is None or saddle is None:
        raise ConfigError("saddle" if saddle is None else "initial", None,
                          "both the initial minimum and the saddle structure (ase Atoms)")
    if len(initial) != len(saddle) or initial.get_chemical_symbols() != saddle.get_chemical_symbols():
        raise ConfigError("saddle", saddle.get_chemical_formula(),
                          f"the same atoms in the same order as initial ({initial.get_chemical_formula()})")
    for name, a in (("initial", initial), ("saddle", saddle)):
        if calculator is None and (a.calc is None or type(a.calc).__name__.startswith("SinglePoint")):
            raise ConfigError("calculator", None,
                              f"an ase Calculator: {name} has no calculator able to compute forces "
                              "(or call attempt_frequency() without structures for the assumed 1e13 Hz)")
    if indices is not None:
        indices = sorted({int(i) for i in indices})
        if not indices or indices[0] < 0 or indices[-1] >= len(initial):
            raise ConfigError("indices", indices, f"atom indices in 0..{len(initial) - 1}")
    fm = vibrational_frequencies(initial, calculator, indices, delta)
    fs = vibrational_frequencies(saddle, calculator, indices, delta)
    n_vib = len(indices) if indices is not None else len(initial)
    n_zero = 3 if (indices is None and all(initial.pbc)) else 0
    nu = vineyard_prefactor(fm, fs, n_zero=n_zero)
    calc = calculator if calculator is not None else initial.calc
    name = getattr(calc, "name", None) or type(calc).__name__
    imag = fs[np.abs(fs.imag) > 1e10]
    note = (f"Vineyard: {3 * n_vib - n_zero} modes at minimum / {3 * n_vib - n_zero - 1} real at saddle; "
            f"{n_vib} vibrating atoms{' (partial Hessian, others frozen)' if indices is not None else ''}; "
            f"saddle imaginary mode {abs(imag[0]) / 1e12:.3f}i THz" if len(imag) else "")
    return Parameter(nu, "Hz", source or f"Vineyard harmonic TST (J. Phys. Chem. Solids 3, 121 (1957)), "
                                         f"ase.vibrations with {name}, delta {delta} Å", note)
