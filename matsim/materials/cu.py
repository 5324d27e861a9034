"""Cu active electrode for electrochemical-metallization (ECM) cells."""

from matsim.core.parameters import Parameter, ParameterSet

_ECM = "assumed; order of magnitude from ECM kinetics literature (Menzel et al., Adv. Funct. Mater. 21, 4487 (2011))"


def parameters() -> ParameterSet:
    return ParameterSet({
        "atomic_spacing": Parameter(0.256, "nm", "Cu fcc nearest-neighbour distance"),
        "ion_charge": Parameter(2.0, "e", "Cu2+ (Cu+ also reported)"),
        "E_oxidation": Parameter(0.9, "eV", _ECM),
        "E_reduction": Parameter(0.65, "eV", _ECM),
        "E_hop_ion": Parameter(0.6, "eV", _ECM, "Cu ion hop in the electrolyte/oxide"),
        "E_dissolution": Parameter(0.9, "eV", _ECM,
                                   "kink-site filament atom; equal to E_oxidation (same chemical potential as the electrode)"),
        "E_coordination": Parameter(0.1, "eV", _ECM, "extra dissolution barrier per additional metal neighbour"),
        "attempt_frequency": Parameter(1e13, "Hz", "assumed (typical phonon frequency)"),
        "charge_transfer_coefficient": Parameter(0.5, "1", "Butler-Volmer symmetric assumption"),
        "tunnel_decay_length": Parameter(0.1, "nm", "assumed"),
    }, name="Cu")
