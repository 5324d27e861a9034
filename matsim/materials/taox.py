"""TaOx (Ta2O5-x) for VCM devices."""

from matsim.core.parameters import Parameter, ParameterSet


def parameters() -> ParameterSet:
    return ParameterSet({
        "lattice_spacing": Parameter(0.3, "nm", "assumed (O-O distance scale in Ta2O5)"),
        "E_generation": Parameter(3.5, "eV", "assumed (below HfO2, TaOx forms more easily)"),
        "E_generation_interface": Parameter(2.8, "eV", "assumed"),
        "field_dipole": Parameter(24.0, "e·Å", "assumed: p0 ~3 e·Å (McPherson et al., J. Appl. Phys. 93, 6011 (2003)) times the local-field factor (2+κ)/3 = 8 for κ = 22", "b in E_g - b*E, E the macroscopic field"),
        "E_hop_vacancy": Parameter(0.85, "eV", "assumed; DFT values 0.7-1.0 eV are reported for amorphous Ta2O5"),
        "E_hop_ion": Parameter(0.6, "eV", "assumed"),
        "E_recombination": Parameter(0.3, "eV", "assumed"),
        "E_exchange": Parameter(0.9, "eV", "assumed"),
        "attempt_frequency": Parameter(1e13, "Hz", "assumed (typical phonon frequency)"),
        "vacancy_charge": Parameter(2.0, "e", "V_O^2+ assumption"),
        "ion_charge": Parameter(-2.0, "e", "O_i^2- assumption"),
        "conductance_filament_bond": Parameter(2e-4, "S", "assumed (effective lattice value, as HfO2)", "bond between two vacancies"),
        "conductance_trap_bond": Parameter(1e-6, "S", "assumed (effective lattice value, as HfO2)", "bond with one vacancy end"),
        "conductance_oxide_bond": Parameter(1e-12, "S", "assumed (effective lattice value, as HfO2)", "oxide-oxide bond"),
        "relative_permittivity": Parameter(22.0, "1", "Robertson, Eur. Phys. J. Appl. Phys. 28, 265 (2004)"),
        "thermal_conductivity": Parameter(0.6, "W/(m·K)", "assumed (amorphous oxide film)"),
        "thickness": Parameter(10.0, "nm", "assumed device thickness"),
    }, name="TaOx")
