"""``matsim continuum`` subcommands: run, iv, sweep.

    matsim continuum run CONFIG.yaml [-o out.nc]
    matsim continuum iv  CONFIG.yaml --currents 1e-5,1e-4,1e-3 [--refine-snapback N] [-o iv.nc] [--plot iv.png]
    mpiexec -n 2 matsim continuum sweep CONFIG.yaml --param R_series=1e3,2e3 --param V_source=8,10 [-o sweep.nc]
"""

from __future__ import annotations

import argparse
import json


#: memory per finite-volume cell of the FiPy model (mesh geometry of cells and faces, variables,
#: sparse matrix); an estimate used to refuse a mesh that cannot fit before FiPy allocates it
BYTES_PER_CELL = 2000


def _config(path):
    import numpy as np

    from matsim.core.config import read_mapping
    from matsim.core.errors import ConfigError
    from matsim.core.memory import check_memory
    cfg = dict(read_mapping(path))
    cells = cfg.get("n_cells")
    if cells is not None:
        try:
            n = int(np.prod([int(c) for c in np.atleast_1d(cells)]))
        except (TypeError, ValueError):
            raise ConfigError(f"{path}: n_cells", cells, "cell counts, e.g. [12, 6]") from None
        check_memory(f"{path}: n_cells", cells, BYTES_PER_CELL * n, f"mesh of {n} cells")
    return cfg


def cmd_run(args) -> int:
    from matsim.core.io import save_dataset
    from continuum.sweep import run_config, summarize
    ds = run_config(_config(args.config))
    print(json.dumps(summarize(ds), indent=2))
    if args.output:
        save_dataset(ds, args.output)
    return 0


def cmd_iv(args) -> int:
    from matsim.core.io import save_dataset
    from continuum.sweep import run_config
    cfg = _config(args.config)
    cfg["experiment"] = "iv"
    if args.currents:
        from matsim.core.validate import parse_floats
        cfg["currents"] = parse_floats("--currents", args.currents, "A")
    if args.refine_snapback is not None:
        cfg["refine_snapback"] = args.refine_snapback
    ds = run_config(cfg)
    for i in range(ds.sizes["point"]):
        print(f"I = {float(ds.I[i]):.4e} A  V = {float(ds.V[i]):.4f} V  T_max = {float(ds.T_max[i]):.1f} K  "
              f"r_fil = {float(ds.filament_radius[i]) * 1e9:.1f} nm")
    if args.output:
        save_dataset(ds, args.output)
    if args.plot:
        from continuum.plotting import plot_iv
        plot_iv(ds, path=args.plot)
    return 0


def cmd_sweep(args) -> int:
    from matsim.core.parallel import get_comm
    from continuum.sweep import parse_param, rows_to_dataset, run_sweep
    params = dict(parse_param(p) for p in args.param)
    comm = get_comm()
    rows = run_sweep(_config(args.config), params, comm)
    if comm.Get_rank() == 0:
        for r in rows:
            print(json.dumps(r))
        if args.output:
            from matsim.core.io import save_dataset
            save_dataset(rows_to_dataset(rows), args.output)
    return 0


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="continuum_command", metavar="ACTION", required=True)
    p = sub.add_parser("run", help="run the experiment of a config (transient or iv)")
    p.add_argument("config")
    p.add_argument("-o", "--output", help="NetCDF output")
    p.set_defaults(func=cmd_run)
    p = sub.add_parser("iv", help="current-controlled quasi-static I-V")
    p.add_argument("config")
    p.add_argument("--currents", help="comma-separated currents in A")
    p.add_argument("--refine-snapback", type=int, metavar="N",
                   help="insert N currents where the voltage snaps back at the threshold (resolves the fold)")
    p.add_argument("-o", "--output")
    p.add_argument("--plot", help="save the I-V plot (png)")
    p.set_defaults(func=cmd_iv)
    p = sub.add_parser("sweep", help="parameter sweep over MPI ranks")
    p.add_argument("config")
    p.add_argument("--param", action="append", required=True, help="NAME=v1,v2 (repeatable)")
    p.add_argument("-o", "--output")
    p.set_defaults(func=cmd_sweep)
