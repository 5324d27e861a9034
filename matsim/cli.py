"""The ``matsim`` command.

Subcommands of each layer live beside that layer, in a module with ``configure(parser)``; this
file only lists them, and imports a layer only when its subcommand is used (start-up stays fast).
A :class:`~matsim.core.MatsimError` ends the command with one line on stderr and exit status 2;
Ctrl-C (or SIGTERM) with one line saying what was saved and how to resume (a command sets that
line with :func:`set_interrupt_hint`) and status 130. Under ``mpiexec`` an error on one rank ends
all ranks (:mod:`matsim.core.mpi_errors`), never a hang.
"""

from __future__ import annotations

import argparse
import importlib
import json
import platform
import shutil
import subprocess
import sys

import matsim
from matsim.core.errors import MatsimError

#: subcommand -> (module with ``configure(parser)``, one-line help). Layers add their line here.
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "dft": ("matsim.dft.cli", "DFT outputs -> migration barriers, formation energies, prefactors"),
    "kmc": ("kmc.cli", "kinetic Monte Carlo of vacancies / metal filaments"),
    "continuum": ("continuum.cli", "FiPy electro-thermal Mott filament models"),
    "compact": ("compact.cli", "compact device models: simulate, fit, export, verify"),
    "crossbar": ("matsim.network.crossbar.cli", "crossbar arrays: inference, training, analyses"),
    "network": ("matsim.network.cli", "Mott oscillator / neuron networks, annealing"),
    "run": ("matsim.pipeline.cli", "run an end-to-end workflow YAML"),
}


def _versions() -> dict[str, str]:
    from importlib import metadata
    out = {"python": platform.python_version()}
    for name in ("numpy", "scipy", "ase", "pymatgen", "fipy", "numba", "xarray", "h5py", "pydantic", "mpi4py"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def ngspice_version() -> str | None:
    """First line of ``ngspice --version`` or None when ngspice is not on PATH."""
    exe = shutil.which("ngspice")
    if exe is None:
        return None
    try:
        out = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.TimeoutExpired):
        return f"{exe} (version unknown)"
    lines = [ln.strip("* ").strip() for ln in out.splitlines() if "ngspice" in ln.lower()]
    return lines[0] if lines else exe


def cmd_info(args) -> int:
    from matsim.core.parallel import get_comm, mpi_library_version
    info = {"matsim": matsim.__version__, **_versions(),
            "MPI library": mpi_library_version() or "none (serial mode)",
            "MPI ranks": get_comm().Get_size(),
            "ngspice": ngspice_version() or "not found (install: apt-get install ngspice)"}
    if args.json:
        print(json.dumps(info, indent=2))
    else:
        w = max(map(len, info))
        for k, v in info.items():
            print(f"{k:<{w}}  {v}")
    return 0


def cmd_params_show(args) -> int:
    from matsim import materials
    ps = materials.get(args.name)
    print(ps.to_json() if args.json else ps.table())
    return 0


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="matsim", description=matsim.__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"matsim {matsim.__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("info", help="versions of matsim, its libraries, MPI and ngspice")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_info)

    p = sub.add_parser("params", help="material parameter sets")
    psub = p.add_subparsers(dest="params_command", metavar="ACTION", required=True)
    show = psub.add_parser("show", help="show a material's parameters with sources")
    show.add_argument("name", help="material name, e.g. HfO2 (see `matsim params list`)")
    show.add_argument("--json", action="store_true")
    show.set_defaults(func=cmd_params_show)
    lst = psub.add_parser("list", help="list materials")
    lst.set_defaults(func=lambda a: print("\n".join(__import__("matsim.materials").materials.names())) or 0)

    argv = sys.argv[1:] if argv is None else argv
    chosen = next((a for a in argv if not a.startswith("-")), None)
    for name, (module, help_text) in SUBCOMMANDS.items():
        sp = sub.add_parser(name, help=help_text)
        if name == chosen:
            try:
                mod = importlib.import_module(module)
            except ModuleNotFoundError as exc:
                if exc.name and module.startswith(exc.name):
                    sp.set_defaults(func=lambda a, n=name: _not_available(n))
                    continue
                raise
            mod.configure(sp)
    return parser


# the hint lives in matsim.core.interrupt so that the engines' CLIs can set it without importing upward
from matsim.core.interrupt import HINT as _INTERRUPT_HINT
from matsim.core.interrupt import set_interrupt_hint  # noqa: F401  (re-exported)


def _comm():
    """The MPI communicator if this process runs under MPI (mpi4py already imported), else None."""
    if "mpi4py.MPI" not in sys.modules:
        return None
    from matsim.core.parallel import get_comm
    comm = get_comm()
    return comm if comm.Get_size() > 1 else None


_SIGNALLED: list[int] = []


def _on_signal(signum, frame):
    """Ctrl-C / SIGTERM: unwind normally (temporary folders are removed, the hint is printed). The
    signal is also remembered: a KeyboardInterrupt raised inside a C callback (numba compiling) is
    swallowed by ctypes, and the command must not then end as if nothing happened."""
    _SIGNALLED.append(signum)
    raise KeyboardInterrupt


def _not_available(name: str) -> int:
    print(f"matsim: the '{name}' commands are not available in this version", file=sys.stderr)
    return 2


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 1
    import signal
    _INTERRUPT_HINT.clear()
    from matsim.core import mpi_errors
    if mpi_errors.launched_by_mpi():     # under mpiexec: a private communicator to agree on errors
        from matsim.core.parallel import get_comm
        mpi_errors.prepare(get_comm())
    _SIGNALLED.clear()
    default_hook = sys.unraisablehook
    sys.unraisablehook = lambda u: None if (u.exc_type and issubclass(u.exc_type, KeyboardInterrupt)) \
        else default_hook(u)   # the swallowed Ctrl-C is reported below, without ctypes' traceback
    try:
        previous = {sig: signal.signal(sig, _on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    except ValueError:          # not the main thread
        previous = None
    try:
        code = int(args.func(args) or 0)
        if _SIGNALLED:          # the interrupt was swallowed somewhere below; still report it
            raise KeyboardInterrupt
        return code
    except MatsimError as exc:
        comm = _comm()
        if comm is None:
            print(f"matsim: error: {exc}", file=sys.stderr)
            return 2
        from matsim.core.mpi_errors import abort_on_error
        return abort_on_error(comm, exc, 2)
    except KeyboardInterrupt:
        comm = _comm()
        if comm is None or comm.Get_rank() == 0:        # mpiexec forwards Ctrl-C to every rank: one line
            hint = _INTERRUPT_HINT[0] if _INTERRUPT_HINT else "nothing was saved"
            hint = hint() if callable(hint) else hint
            print(f"\nmatsim: interrupted; {hint}", file=sys.stderr, flush=True)
        return 130
    except Exception as exc:
        comm = _comm()
        if comm is None:
            raise
        from matsim.core.mpi_errors import abort_on_error
        return abort_on_error(comm, exc, 1)
    finally:
        for sig, handler in (previous or {}).items():
            signal.signal(sig, handler)
        sys.unraisablehook = default_hook


if __name__ == "__main__":
    sys.exit(main())
