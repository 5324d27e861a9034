"""Self-contained DFT-layer example: vacancy migration in an fcc metal with ase's EMT potential.

EMT (effective-medium theory; Jacobsen, Stoltze & Nørskov, Surf. Sci. 366, 394 (1996)) ships with
ase, so this runs anywhere in seconds and exercises the whole chain used with real DFT:

1. ``bulk(metal, cubic=True) * size``, remove one atom -> relaxed initial state;
2. move a nearest neighbour into the vacancy -> relaxed final state (equivalent by symmetry);
3. climbing-image NEB (:func:`matsim.dft.neb.run_neb`) -> E_a and the energy profile;
4. Vineyard prefactor from ``ase.vibrations`` with the hopping atom and its neighbours vibrating;
5. :func:`matsim.dft.params.kmc_parameters` -> ParameterSet for ``kmc``.

EMT vacancy-migration barriers are of order 0.4–0.8 eV for Cu, Al and Ni (experimental Cu: 0.70 eV),
prefactors 1e12–1e14 Hz.
"""

from __future__ import annotations

from dataclasses import dataclass

from matsim.core import validate
from matsim.core.parameters import Parameter, ParameterSet

#: fcc metals EMT parametrises
EMT_FCC_METALS = ("Cu", "Al", "Ni", "Ag", "Au", "Pd", "Pt")


@dataclass
class VacancyHop:
    """Result of :func:`fcc_vacancy_hop`."""

    barrier: object          # MigrationBarrier
    attempt_frequency: Parameter
    vacancy_formation: Parameter
    parameters: ParameterSet
    initial: object
    final: object


def relax(atoms, fmax: float = 0.05, steps: int = 300):
    """Relax positions at fixed cell with ase's BFGS (atoms keep their calculator)."""
    from ase.optimize import BFGS

    from matsim.core.errors import ConvergenceError
    opt = BFGS(atoms, logfile=None)
    if not opt.run(fmax=fmax, steps=steps):
        raise ConvergenceError(f"relax: {atoms.get_chemical_formula()} not converged to fmax {fmax} eV/Å in {steps} steps")
    return atoms


def vacancy_endpoints(metal: str = "Cu", size: int = 2, fmax: float = 0.05):
    """Relaxed initial/final states of a nearest-neighbour vacancy hop, plus the perfect cell.

    Returns (perfect, initial, final, hopping_atom_index); all carry an EMT calculator.
    """
    from ase.build import bulk
    from ase.calculators.emt import EMT

    validate.one_of("metal", metal, EMT_FCC_METALS)
    size = validate.positive_int("size", size, minimum=2)
    perfect = bulk(metal, "fcc", cubic=True) * (size, size, size)
    perfect.calc = EMT()
    vac_site = 0
    d = perfect.get_distances(vac_site, list(range(len(perfect))), mic=True)
    d[vac_site] = 1e9
    neighbour = int(d.argmin())
    target = perfect.positions[vac_site].copy()
    initial = perfect.copy()
    del initial[vac_site]
    hop = neighbour - 1 if neighbour > vac_site else neighbour
    final = initial.copy()
    final.positions[hop] = target
    for a in (initial, final):
        a.calc = EMT()
        relax(a, fmax=fmax)
    return perfect, initial, final, hop


def fcc_vacancy_hop(metal: str = "Cu", size: int = 2, n_images: int = 3, fmax: float = 0.05,
                    vibrate_neighbours: bool = True) -> VacancyHop:
    """Vacancy migration barrier and Vineyard prefactor in an fcc metal with EMT.

    Parameters
    ----------
    metal : one of :data:`EMT_FCC_METALS`.
    size : supercell of ``size``³ conventional cells (4·size³ sites).
    n_images : intermediate NEB images (odd puts one image on the symmetric saddle).
    fmax : force tolerance in eV/Å for relaxations and the NEB.
    vibrate_neighbours : partial Hessian of the hopping atom and its first shell (fast); False
        uses all atoms (slow, 2·3N force calls per state).
    """
    from ase.calculators.emt import EMT

    from matsim.dft.formation import formation_energy
    from matsim.dft.neb import run_neb
    from matsim.dft.params import kmc_parameters
    from matsim.dft.vineyard import attempt_frequency, neighbour_indices

    perfect, initial, final, hop = vacancy_endpoints(metal, size, fmax)
    mb = run_neb(initial, final, EMT(), n_images=n_images, fmax=fmax)
    # hopping atom + its first shell at both end points (the saddle's shell is the union of the two)
    indices = (sorted(set(neighbour_indices(initial, hop)) | set(neighbour_indices(final, hop)))
               if vibrate_neighbours else None)
    nu = attempt_frequency(initial, mb.saddle, EMT(), indices=indices)
    # vacancy formation energy with mu = energy per atom of the perfect crystal (fcc reference)
    mu = {metal: perfect.get_potential_energy() / len(perfect)}
    Ef = formation_energy(initial, perfect, mu)
    ps = kmc_parameters(barrier=mb, attempt_frequency=nu, formation=Ef, name=f"{metal} vacancy (EMT)")
    return VacancyHop(barrier=mb, attempt_frequency=nu, vacancy_formation=Ef, parameters=ps,
                      initial=initial, final=final)
