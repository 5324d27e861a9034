"""``matsim compact``: list, simulate and fit compact device models.

    matsim compact list
    matsim compact simulate StanfordPKU --waveform sine:amp=1.4,f=1e5 --periods 2 --out ds.nc [--plot iv.png]
    matsim compact simulate MottThermal --material NbO2 --waveform square:amp=2,f=1e8
    matsim compact fit StanfordPKU sweep.nc --fit I0,g0,V0 --out fit.json [--plot fit.png]
    matsim compact fit ECRAM iv.csv --fit G_max --kind static --state 0.7

``--params FILE`` means a ParameterSet JSON in every action (simulate, fit, export, verify);
``--fit NAMES`` lists the parameters a fit adjusts.

``export`` / ``verify`` come from :mod:`compact.export.cli` when it is installed (``EXTRA_CONFIGURERS``
lists any further ``configure(subparsers)`` hooks).
"""

from __future__ import annotations

import argparse
import importlib
import json
from pathlib import Path

from compact.calibration import KINDS

#: modules whose ``configure_export(subparsers)`` adds more actions to ``matsim compact``
EXTRA_CONFIGURERS: list[tuple[str, str]] = [("compact.export.cli", "configure_export")]


def _model(name: str, params_path: str | None = None, material: str | None = None, overrides=()):
    import compact
    from matsim.core.errors import ConfigError
    from matsim.core.parameters import ParameterSet

    cls = compact.get_model(name)
    ps = ParameterSet.load_json(params_path) if params_path else None
    kw = {}
    for item in overrides or ():
        key, eq, val = item.partition("=")
        if not eq:
            raise ConfigError("--set", item, "NAME=VALUE (value in the parameter's stored unit)")
        try:
            kw[key.strip()] = float(val)
        except ValueError:
            raise ConfigError(f"--set {key.strip()}", val, "a number") from None
    if material is not None:
        if not hasattr(cls, "vo2"):
            raise ConfigError("--material", material, f"only for MottThermal (not {cls.__name__})")
        return cls(ps, material=material, **kw)
    return cls(ps, **kw)


def cmd_list(args) -> int:
    import compact
    for name, cls in compact.MODELS.items():
        doc = (cls.__doc__ or "").strip().splitlines()[0]
        states = ", ".join(f"{n} ({u})" for n, u in zip(cls.state_names, cls.state_units, strict=True))
        print(f"{name:<14} state: {states:<22} {doc}")
        if args.parameters:
            print("  " + cls.default_parameters().table().replace("\n", "\n  "))
    return 0


def cmd_simulate(args) -> int:
    import numpy as np

    from compact import waveforms
    from matsim.core.io import save_dataset

    from matsim.core.validate import parse_floats

    from matsim.core.errors import ConfigError
    if args.points < 2:
        raise ConfigError("--points", args.points, "at least 2 output points per period")
    model = _model(args.model, args.params, args.material, args.set)
    wave = waveforms.parse(args.waveform)
    t = wave.times(args.periods, args.points)
    x0 = None if args.x0 is None else np.array(parse_floats("--x0", args.x0))
    ds = model.simulate(wave, t, x0=x0)
    ds.attrs["waveform"] = args.waveform
    state = model.state_names[0]
    print(f"{model.name}: {args.waveform}, {len(t)} points over {t[-1]:.3g} s; "
          f"|i|max = {float(np.max(np.abs(ds.i))):.4g} A; {state} from {float(ds[state][0]):.4g} "
          f"to {float(ds[state][-1]):.4g} {model.state_units[0]}")
    if args.out:
        save_dataset(ds, args.out, params=model.params, provenance={"command": "matsim compact simulate",
                                                                    "waveform": args.waveform})
        print(f"wrote {args.out}")
    if args.plot:
        import matplotlib.pyplot as plt
        fig, (a, b) = plt.subplots(1, 2, figsize=(9, 3.5))
        a.plot(ds.v, ds.i)
        a.set_xlabel("v (V)")
        a.set_ylabel("i (A)")
        b.plot(ds.t, ds[state])
        b.set_xlabel("t (s)")
        b.set_ylabel(f"{state} ({model.state_units[0]})")
        fig.suptitle(f"{model.name}: {args.waveform}")
        fig.tight_layout()
        fig.savefig(args.plot, dpi=120)
        print(f"wrote {args.plot}")
    return 0


def cmd_fit(args) -> int:
    from compact.calibration import fit

    from matsim.core.errors import ConfigError, ConvergenceError, MissingFileError
    from matsim.core.validate import parse_floats

    params_file = args.params_json or args.params
    if params_file and not params_file.lower().endswith(".json") and not Path(params_file).is_file():
        raise MissingFileError("--params", params_file, "a ParameterSet JSON file (to choose the parameters to fit, "
                               f"use --fit {params_file})")
    model = _model(args.model, params_file, args.material, args.set)
    names = [s.strip() for s in args.fit.split(",") if s.strip()] if args.fit else list(model.fit_parameters)
    try:
        bounds = json.loads(args.bounds) if args.bounds else None
    except json.JSONDecodeError as exc:
        raise ConfigError("--bounds", args.bounds, f'JSON like {{"G_max": [1e-6, 1e-3]}} ({exc})') from None
    x = None if args.state is None else parse_floats("--state", args.state)
    res = fit(model, args.data, names, bounds=bounds, kind=args.kind, x=x, source=args.source)
    print(res.summary())
    if not res.success:
        raise ConvergenceError(f"the fit did not converge ({res.message}); nothing written"
                               + (f" to {args.out}" if args.out else "")
                               + "; try other start values (--set), --bounds or fewer --fit parameters")
    if args.out:
        res.params.save_json(args.out)
        print(f"wrote {args.out}")
    if args.plot:
        res.plot(args.plot)
        print(f"wrote {args.plot}")
    return 0 if res.success else 1


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="compact_command", metavar="ACTION", required=True)

    p = sub.add_parser("list", help="list the compact models")
    p.add_argument("--parameters", action="store_true", help="also print each model's default parameters")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("simulate", help="integrate a model under a voltage waveform")
    p.add_argument("model", help="model name (matsim compact list)")
    p.add_argument("--waveform", default="sine:amp=1,f=1e3",
                   help="KIND:key=value,... with KIND sine|triangle|square|pulses (e.g. square:amp=0.45,f=5.8e6,offset=0.05)")
    p.add_argument("--periods", type=float, default=2.0, help="number of waveform periods")
    p.add_argument("--points", type=int, default=400, help="output points per period")
    p.add_argument("--x0", help="initial state, comma separated (state units)")
    p.add_argument("--params", help="ParameterSet JSON replacing the defaults (e.g. from a fit)")
    p.add_argument("--set", action="append", metavar="NAME=VALUE", help="override one parameter (stored unit)")
    p.add_argument("--material", help="MottThermal only: VO2 or NbO2")
    p.add_argument("--out", help="write the Dataset (NetCDF)")
    p.add_argument("--plot", help="write an i-v and state plot (png/pdf)")
    p.set_defaults(func=cmd_simulate)

    p = sub.add_parser("fit", help="fit parameters to I-V / I-t data (NetCDF from kmc/continuum, or CSV V,I[,t])")
    p.add_argument("model")
    p.add_argument("data", help="NetCDF Dataset or CSV with columns V,I (and t or time)")
    p.add_argument("--fit", help="comma-separated parameter names to fit (default: the model's fit_parameters)")
    p.add_argument("--bounds", help='JSON {"name": [lo, hi]} in stored units')
    p.add_argument("--kind", default="auto", choices=KINDS)
    p.add_argument("--state", help="fixed state for --kind static (comma separated)")
    p.add_argument("--params", help="start from this ParameterSet JSON (same meaning as in simulate/export)")
    p.add_argument("--params-json", help=argparse.SUPPRESS)
    p.add_argument("--set", action="append", metavar="NAME=VALUE", help="override a starting value")
    p.add_argument("--material", help="MottThermal only: VO2 or NbO2")
    p.add_argument("--source", help="provenance label of the data (default: from the file)")
    p.add_argument("--out", help="write the fitted ParameterSet JSON")
    p.add_argument("--plot", help="write the data-vs-fit figure")
    p.set_defaults(func=cmd_fit)

    for module, hook in EXTRA_CONFIGURERS:
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name and module.startswith(exc.name):
                continue
            raise
        getattr(mod, hook)(sub)


def main(argv=None) -> int:
    """``python -m compact.cli ...`` (same actions without the matsim front)."""
    from matsim.core.errors import MatsimError
    parser = argparse.ArgumentParser(prog="compact")
    configure(parser)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except MatsimError as exc:
        parser.exit(2, f"compact: error: {exc}\n")


if __name__ == "__main__":
    raise SystemExit(main())
