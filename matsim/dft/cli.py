"""``matsim dft``: read calculations, NEB barriers and formation energies from the command line.

    matsim dft read relax/vasprun.xml
    matsim dft barrier neb_run/                      # VASP folders 00..NN (or a multi-frame extxyz)
    matsim dft formation --defect Vo/vasprun.xml --host bulk/vasprun.xml --mu O=-4.9 --charge 2 --fermi-level 1.0

Every value is printed with its provenance; ``--json`` prints machine-readable JSON instead.
"""

from __future__ import annotations

import argparse
import json

from matsim.core import units
from matsim.core.errors import ConfigError


def _parse_mu(items: list[str] | None) -> dict[str, float]:
    mu: dict[str, float] = {}
    for item in items or []:
        if "=" not in item:
            raise ConfigError("--mu", item, "ELEMENT=VALUE in eV, e.g. O=-4.9 or 'O=-4.9 eV'")
        el, val = item.split("=", 1)
        el = el.strip()
        if not el.isalpha():
            raise ConfigError("--mu", item, "an element symbol before '=', e.g. O=-4.9")
        mu[el] = units.parse_quantity(val.strip(), "eV", field=f"--mu {el}") / units.q
    return mu


def _param_json(p) -> dict:
    return {"value": p.value, "unit": p.unit, "source": p.source, "note": p.note}


def cmd_read(args) -> int:
    from matsim.dft.read import read_calculation
    r = read_calculation(args.path, index=args.index)
    print(json.dumps(r.summary(), indent=2) if args.json else r)
    return 0


def cmd_barrier(args) -> int:
    from matsim.dft.neb import migration_barrier
    mb = migration_barrier(args.path)
    if args.plot:
        mb.plot(args.plot)
    if args.json:
        print(json.dumps({"Ea": _param_json(mb.Ea), **mb.summary()}, indent=2))
    else:
        print(f"Ea = {mb.Ea.value:.4f} eV  (reverse {mb.E_reverse:.4f} eV, saddle image {mb.saddle_index}, "
              f"hop {mb.hop_distance:.3f} Å)")
        print(f"  source: {mb.Ea.source}")
        print("  image  E - E0 (eV)  path (Å)")
        for i, (e, s) in enumerate(zip(mb.energies, mb.path_length)):
            print(f"  {i:5d}  {e:11.5f}  {s:8.3f}")
    return 0


def cmd_formation(args) -> int:
    from matsim.dft.formation import formation_energy
    p = formation_energy(args.defect, args.host, _parse_mu(args.mu), charge=args.charge,
                         fermi_level=args.fermi_level, vbm=args.vbm, correction=args.correction)
    if args.json:
        print(json.dumps(_param_json(p), indent=2))
    else:
        print(f"E_f = {p.value:.4f} eV")
        print(f"  source: {p.source}")
        print(f"  {p.note}")
    return 0


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="dft_command", metavar="ACTION", required=True)

    p = sub.add_parser("read", help="energy, forces, Fermi level/VBM/gap of one calculation")
    p.add_argument("path", help="vasprun.xml, OUTCAR, extxyz/traj, or a folder with vasprun.xml/OUTCAR")
    p.add_argument("--index", type=int, default=-1, help="ionic step (default -1, the last)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_read)

    p = sub.add_parser("barrier", help="migration barrier from NEB images")
    p.add_argument("path", help="folder of VASP NEB images 00..NN, or a multi-frame extxyz/traj with energies")
    p.add_argument("--plot", metavar="PNG", help="save the energy profile plot")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_barrier)

    p = sub.add_parser("formation", help="defect formation energy E_f = E_def - E_host - sum n_i mu_i + q(E_F + E_VBM) + E_corr")
    p.add_argument("--defect", required=True, help="defect supercell output")
    p.add_argument("--host", required=True, help="host (pristine) supercell output")
    p.add_argument("--mu", action="append", metavar="EL=VALUE",
                   help="chemical potential in eV, repeatable: --mu O=-4.9 --mu Hf=-9.9")
    p.add_argument("--charge", type=float, default=0.0, help="defect charge q (e)")
    p.add_argument("--fermi-level", type=float, default=0.0, help="E_F above the VBM (eV)")
    p.add_argument("--vbm", type=float, default=None, help="E_VBM (eV); default the host's VBM")
    p.add_argument("--correction", type=float, default=0.0, help="E_corr (eV)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_formation)
