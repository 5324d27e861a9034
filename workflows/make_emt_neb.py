"""Write a small NEB folder (VASP layout 00..NN, one ``image.extxyz`` with energy and forces per image)
from the EMT vacancy-hop example, for trying ``matsim dft barrier`` and a workflow's ``neb_dir``:

    .venv/bin/python workflows/make_emt_neb.py workflows/inputs/cu_vacancy_neb
    .venv/bin/matsim dft barrier workflows/inputs/cu_vacancy_neb --plot neb.png
    # workflow: - stage: dft_barrier
    #             params: {neb_dir: workflows/inputs/cu_vacancy_neb}

The images are ase EMT (Jacobsen, Stoltze & Nørskov, Surf. Sci. 366, 394 (1996)) Cu, a 2x2x2
conventional supercell with one vacancy and 3 intermediate images: a stand-in for a DFT NEB with the
same file layout (a real run has vasprun.xml/OUTCAR in each folder).
"""

from __future__ import annotations

import sys
from pathlib import Path


def write_neb_folder(out, metal: str = "Cu", size: int = 2, n_images: int = 3) -> Path:
    import ase.io
    from ase.calculators.singlepoint import SinglePointCalculator

    from matsim.dft.examples import fcc_vacancy_hop
    hop = fcc_vacancy_hop(metal, size=size, n_images=n_images)
    out = Path(out)
    for k, img in enumerate(hop.barrier.images):
        a = img.copy()
        a.calc = SinglePointCalculator(a, energy=img.get_potential_energy(), forces=img.get_forces())
        d = out / f"{k:02d}"
        d.mkdir(parents=True, exist_ok=True)
        ase.io.write(d / "image.extxyz", a, format="extxyz")
    return out


if __name__ == "__main__":
    path = write_neb_folder(sys.argv[1] if len(sys.argv) > 1 else "cu_vacancy_neb")
    print(f"wrote {path}")
