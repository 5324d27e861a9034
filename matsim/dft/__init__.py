"""DFT outputs (VASP, extxyz, NEB images) -> kinetic parameters with provenance.

Read finished calculations with ase/pymatgen and turn them into the numbers the kinetic engines
need, each a :class:`~matsim.core.parameters.Parameter` whose ``source`` names the files (and
their SHA-256) it came from:

* :func:`read_calculation` -- energy, forces, structure, Fermi level / VBM / gap of one run;
* :func:`formation_energy`, :func:`transition_level`, :func:`formation_energy_table` --
  E_f = E_def - E_host - sum n_i mu_i + q(E_F + E_VBM) + E_corr;
* :func:`migration_barrier` (NEB images or VASP folders 00..NN), :func:`run_neb` (ase CI-NEB);
* :func:`attempt_frequency` -- Vineyard prefactor from ``ase.vibrations`` (or 1e13 Hz assumed);
* :func:`kmc_parameters` -- a ParameterSet with the material-library key names for ``kmc``.

See ``docs/dft.md`` and :mod:`matsim.dft.examples` (vacancy hop in fcc metals with EMT).
"""

from matsim.dft.formation import (composition_change, formation_energy, formation_energy_table,
                                  plot_formation_energies, transition_level)
from matsim.dft.neb import MigrationBarrier, migration_barrier, read_neb_directory, run_neb
from matsim.dft.params import kmc_parameters
from matsim.dft.read import DFTResult, read_calculation
from matsim.dft.vineyard import (DEFAULT_ATTEMPT_FREQUENCY_HZ, attempt_frequency, neighbour_indices,
                                 vibrational_frequencies, vineyard_prefactor)

__all__ = [
    "DFTResult", "read_calculation",
    "formation_energy", "transition_level", "formation_energy_table", "plot_formation_energies",
    "composition_change",
    "MigrationBarrier", "migration_barrier", "read_neb_directory", "run_neb",
    "attempt_frequency", "vineyard_prefactor", "vibrational_frequencies", "neighbour_indices",
    "DEFAULT_ATTEMPT_FREQUENCY_HZ",
    "kmc_parameters",
]
