"""``matsim compact export`` and ``matsim compact verify``.

The compact layer's ``compact/cli.py`` owns ``matsim compact``; it calls :func:`configure_export` with its
sub-parsers object to add these two actions::

    matsim compact export StanfordPKU --format ngspice --out build/ [--params fit.json] [--name RRAM1]
    matsim compact export TaOxExtended --format verilog-a --out build/ [--compile]
    matsim compact verify VTEAM [--plot vteam.png] [--tolerance 0.01]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from matsim.core.errors import ConfigError


def resolve_model(name: str, params_path: str | None = None):
    """A model instance from its class name (case-insensitive), optionally with a ParameterSet JSON.

    The names are those of the compact model registry (:data:`compact.MODELS`) that have an export spec
    (:data:`compact.export.spec.SPECS`); both are read from the sources, so only the model asked for is imported.
    """
    import compact
    from compact.export.spec import SPECS
    from matsim.core.parameters import ParameterSet
    from matsim.core.registry import suggestion

    exportable = [n for n in compact.model_names() if n in SPECS]
    lookup = {n.lower(): n for n in exportable}
    if str(name).lower() not in lookup:
        raise ConfigError("MODEL", name, "one of: " + (", ".join(exportable) or "none (no exportable compact model)")
                          + suggestion(name, exportable))
    cls = compact.get_model(lookup[str(name).lower()])
    if params_path:
        return cls(ParameterSet.load_json(params_path))
    return cls()


def cmd_export(args) -> int:
    from compact.export import compile_verilog_a, to_ngspice, to_verilog_a
    model = resolve_model(args.model, args.params)
    out = Path(args.out)
    noise = None
    if args.noise:
        noise = {}
        for item in args.noise.split(","):
            k, _, v = item.partition("=")
            try:
                noise[k.strip()] = float(v)
            except ValueError:
                raise ConfigError(f"--noise {k.strip()}", v, "a number (e.g. --noise white=1e-9,dt=1e-9)") from None
    writer = to_ngspice if args.format == "ngspice" else to_verilog_a
    path = writer(model, out, name=args.name, bounds=args.bounds, thermal_port=args.thermal_port, noise=noise)
    print(f"wrote {path}")
    if args.compile:
        if args.format != "verilog-a":
            raise ConfigError("--compile", True, "only with --format verilog-a")
        print(f"compiled {compile_verilog_a(path)}")
    return 0


def cmd_verify(args) -> int:
    from compact.export import verify
    model = resolve_model(args.model, args.params)
    res = verify(model, plot_path=args.plot, bounds=args.bounds, workdir=args.workdir)
    ok = res.max_rel_error <= args.tolerance
    print(f"{type(model).__name__}: max |i_ngspice - i_python| / max|i| = {res.max_rel_error:.3e} "
          f"({'OK' if ok else 'ABOVE'} tolerance {args.tolerance:g})")
    if args.plot:
        print(f"plot: {args.plot}")
    return 0 if ok else 1


def configure_export(subparsers) -> None:
    """Add the ``export`` and ``verify`` actions to an argparse sub-parsers object."""
    p = subparsers.add_parser("export", help="write a model as an ngspice subcircuit or a Verilog-A module")
    p.add_argument("model", help="model class, e.g. StanfordPKU, MottThermal, VTEAM, Yakopcic, TaOxExtended")
    p.add_argument("--format", choices=("ngspice", "verilog-a"), default="ngspice")
    p.add_argument("--out", default=".", help="output directory or file (.cir / .va)")
    p.add_argument("--params", help="ParameterSet JSON (e.g. from a fit) replacing the defaults")
    p.add_argument("--name", help="subcircuit / module name (default: the class name)")
    p.add_argument("--bounds", choices=("gate", "clip"), default="gate",
                   help="state bounds: logit node inside the bounds (well-posed, default) or literal clip as in simulate")
    p.add_argument("--thermal-port", action="store_true",
                   help="add a thermal terminal th (V = temperature rise K, current = power W); Mott, Stanford, JART")
    p.add_argument("--noise", help="current noise, e.g. white=1e-9,flicker=1e-10,alpha=1,rtn=1e-8,dt=1e-9")
    p.add_argument("--compile", action="store_true", help="also compile the .va with openvaf-r")
    p.set_defaults(func=cmd_export)

    p = subparsers.add_parser("verify", help="run the exported model in ngspice and compare with Python")
    p.add_argument("model")
    p.add_argument("--params", help="ParameterSet JSON replacing the defaults")
    p.add_argument("--plot", help="save the comparison figure here (png/pdf)")
    p.add_argument("--tolerance", type=float, default=0.01, help="max error as a fraction of peak |i| (exit 1 above)")
    p.add_argument("--bounds", choices=("gate", "clip"), default="gate")
    p.add_argument("--workdir", help="keep the netlist and raw file here")
    p.set_defaults(func=cmd_verify)


def configure(parser: argparse.ArgumentParser) -> None:
    """Stand-alone hook (``matsim.cli`` style) when no ``compact/cli.py`` wires :func:`configure_export`."""
    configure_export(parser.add_subparsers(dest="compact_command", metavar="ACTION", required=True))


def main(argv=None) -> int:
    """``python -m compact.export.cli export StanfordPKU ...`` (same actions, without the matsim front)."""
    import sys

    from matsim.core.errors import MatsimError
    parser = argparse.ArgumentParser(prog="python -m compact.export.cli")
    configure(parser)
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except MatsimError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
