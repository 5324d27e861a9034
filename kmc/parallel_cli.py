"""``matsim kmc ensemble CONFIG.yaml --devices N --out ens.nc`` (run under ``mpiexec -n P``).

Wire-up: ``kmc/cli.py``'s ``configure`` calls ``configure_ensemble(sub)`` with its sub-parsers.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def cmd_ensemble(args) -> int:
    from kmc.parallel import ensemble_statistics, plot_ensemble, run_ensemble
    from matsim.core.parallel import get_comm
    comm = get_comm()
    ds = run_ensemble(args.config, args.devices, comm=comm, seed=args.seed, out=args.out)
    if comm.Get_rank() == 0:
        stats = ensemble_statistics(ds)
        out = Path(args.out)
        (out.with_suffix(".stats.json")).write_text(json.dumps(stats, indent=2))
        plot_ensemble(ds, out.with_suffix(".png"))
        print(f"{args.devices} devices on {comm.Get_size()} rank(s) -> {out} (+ .stats.json, .png)")
        for name, s in stats.items():
            print(f"  {name:12s} mean {s['mean']:+.4g}  std {s['std']:.3g}  c2c {s['c2c_std']:.3g}  "
                  f"d2d {s['d2d_std']:.3g}  failed {s['n_failed']}")
    return 0


def configure_ensemble(subparsers) -> argparse.ArgumentParser:
    """Add the ``ensemble`` action to the ``matsim kmc`` sub-parsers."""
    p = subparsers.add_parser("ensemble", help="device-to-device / cycle-to-cycle variability over MPI ranks")
    p.add_argument("config", help="YAML: model (ECM|VCM), electrode (ECM: Ag|Cu), material (VCM: HfO2), shape, T_K, "
                                  "compliance_A, protocol (v_set, v_reset, v_forming, n_points, dwell_s, cycles, g_threshold_S)")
    p.add_argument("--devices", type=int, required=True, help="number of independent cells (>= MPI ranks)")
    p.add_argument("--out", default="ensemble.nc", help="NetCDF output (rank 0 writes it)")
    p.add_argument("--seed", type=int, default=0, help="root seed; device d uses stream d")
    p.set_defaults(func=cmd_ensemble)
    return p
