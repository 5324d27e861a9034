"""Gather DFT-derived numbers into a :class:`ParameterSet` for the KMC engine.

Key names follow the material library (``matsim/materials/hfo2.py``), so a library set can be
updated with DFT values, each keeping its own provenance::

    ps = materials.get("HfO2").merge(kmc_parameters(barrier=mb, attempt_frequency=nu))

Keys written (only those given):

========================= ====== ===============================================================
``E_hop_vacancy``         eV     vacancy migration barrier (NEB, :func:`migration_barrier`)
``E_hop_ion``             eV     ion migration barrier (NEB of the interstitial/ion hop)
``attempt_frequency``     Hz     Vineyard prefactor or the assumed 1e13 Hz
``lattice_spacing``       nm     hop distance (from the NEB end points unless given)
``E_generation``          eV     Frenkel-pair generation barrier (only when given explicitly)
``E_formation_vacancy``   eV     vacancy formation energy (a lower bound of E_generation)
========================= ====== ===============================================================
"""

from __future__ import annotations

from collections.abc import Mapping

from matsim.core.errors import ConfigError
from matsim.core.parameters import Parameter, ParameterSet
from matsim.dft.neb import MigrationBarrier
from matsim.dft.vineyard import attempt_frequency as _assumed_frequency


def _as_param(field: str, value, unit: str) -> Parameter:
    if isinstance(value, MigrationBarrier):
        return value.Ea
    if isinstance(value, Parameter):
        from matsim.core import units
        units.check_dimension(value.unit, unit, field=field)
        return value
    if isinstance(value, (int, float)):
        return Parameter(float(value), unit, "user value")
    raise ConfigError(field, type(value).__name__, f"a Parameter, a MigrationBarrier or a number in {unit}")


def kmc_parameters(barrier=None, attempt_frequency=None, formation=None, generation=None,
                   lattice_spacing=None, ion_barrier=None, name: str = "DFT-derived",
                   extra: Mapping[str, Parameter] | None = None) -> ParameterSet:
    """ParameterSet with KMC key names from DFT results.

    Parameters
    ----------
    barrier : MigrationBarrier or Parameter (eV) -> ``E_hop_vacancy``.
    attempt_frequency : Parameter (Hz); default 1e13 Hz "assumed".
    formation : Parameter (eV) -> ``E_formation_vacancy``.
    generation : Parameter (eV) -> ``E_generation``.
    lattice_spacing : Parameter/number (nm); default the NEB hop distance.
    ion_barrier : MigrationBarrier or Parameter (eV) -> ``E_hop_ion``.
    extra : further name -> Parameter entries.
    """
    params: dict[str, Parameter] = {}
    if barrier is not None:
        params["E_hop_vacancy"] = _as_param("barrier", barrier, "eV")
    if ion_barrier is not None:
        params["E_hop_ion"] = _as_param("ion_barrier", ion_barrier, "eV")
    params["attempt_frequency"] = (_assumed_frequency() if attempt_frequency is None
                                   else _as_param("attempt_frequency", attempt_frequency, "Hz"))
    if lattice_spacing is not None:
        params["lattice_spacing"] = _as_param("lattice_spacing", lattice_spacing, "nm")
    elif isinstance(barrier, MigrationBarrier):
        params["lattice_spacing"] = Parameter(barrier.hop_distance / 10.0, "nm", barrier.Ea.source,
                                              "hop distance of the migrating atom between the NEB end points")
    if generation is not None:
        params["E_generation"] = _as_param("generation", generation, "eV")
    if formation is not None:
        params["E_formation_vacancy"] = _as_param("formation", formation, "eV")
    for k, v in (extra or {}).items():
        if not isinstance(v, Parameter):
            raise ConfigError(f"extra[{k!r}]", v, "a Parameter with unit and source")
        params[k] = v
    return ParameterSet(params, name=name, references=["Henkelman, Uberuaga & Jónsson, J. Chem. Phys. 113, 9901 (2000) (CI-NEB)", "Vineyard, J. Phys. Chem. Solids 3, 121 (1957) (harmonic TST prefactor)"])
