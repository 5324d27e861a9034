"""DFT -> KMC parameters, end to end, with ase's EMT potential standing in for DFT.

Vacancy migration in an fcc metal: relaxed end points, climbing-image NEB, Vineyard prefactor
(hopping atom + first shell vibrating), vacancy formation energy -> a ParameterSet with the KMC key
names (E_hop_vacancy, attempt_frequency, lattice_spacing, E_formation_vacancy), written as JSON, plus
the NEB energy profile (PNG). Replace the EMT steps by :func:`matsim.dft.read_calculation` /
:func:`matsim.dft.migration_barrier` on VASP folders for real DFT.

    python workflows/dft_to_kmc_params.py --metal Cu --out runs/dft_cu/params.json
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

#: experimental vacancy migration enthalpies (eV) for comparison (Ehrhart, Landolt-Börnstein III/25 (1991))
EXPERIMENT_EM_EV = {"Cu": 0.70, "Al": 0.61, "Ni": 1.04, "Ag": 0.66, "Au": 0.71, "Pt": 1.43, "Pd": None}


def main(argv: list[str] | None = None) -> int:
    from matsim.dft.examples import EMT_FCC_METALS, fcc_vacancy_hop

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--metal", default="Cu", choices=EMT_FCC_METALS, help="fcc metal (EMT parameters exist)")
    ap.add_argument("--out", default="runs/dft_to_kmc/params.json", help="ParameterSet JSON to write")
    ap.add_argument("--size", type=int, default=2, help="supercell of SIZE^3 conventional cells (4 SIZE^3 sites)")
    ap.add_argument("--images", type=int, default=3, help="intermediate NEB images")
    ap.add_argument("--fmax", type=float, default=0.05, help="force tolerance (eV/Å)")
    args = ap.parse_args(argv)

    hop = fcc_vacancy_hop(args.metal, size=args.size, n_images=args.images, fmax=args.fmax)
    out = Path(args.out)
    hop.parameters.save_json(out)
    png = out.with_suffix(".neb.png")
    hop.barrier.plot(png)

    mb = hop.barrier
    print(f"{args.metal} vacancy hop, EMT, {len(hop.initial)} atoms, {args.images} intermediate images")
    print(f"  E_a  = {mb.Ea.value:.3f} eV (reverse {mb.E_reverse:.3f} eV, asymmetry {mb.asymmetry:.1e} eV)"
          + (f"; experiment {EXPERIMENT_EM_EV[args.metal]:.2f} eV" if EXPERIMENT_EM_EV.get(args.metal) else ""))
    print(f"  nu*  = {hop.attempt_frequency.value:.3e} Hz  ({hop.attempt_frequency.note})")
    print(f"  E_f  = {hop.vacancy_formation.value:.3f} eV (vacancy formation, mu = bulk energy per atom)")
    print(hop.parameters.table())
    print(f"wrote {out} and {png}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
