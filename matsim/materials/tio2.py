"""TiO2 (HP memristor material)."""

from matsim.core.parameters import Parameter, ParameterSet


def parameters() -> ParameterSet:
    return ParameterSet({
        "lattice_spacing": Parameter(0.3, "nm", "assumed (rutile O-O distance scale)"),
        "vacancy_mobility": Parameter(1e-14, "m^2/(V·s)", "Strukov et al., Nature 453, 80 (2008)"),
        "E_hop_vacancy": Parameter(0.7, "eV", "assumed; rutile V_O migration 0.7-1.1 eV in DFT literature"),
        "E_hop_ion": Parameter(0.6, "eV", "assumed"),
        "E_generation": Parameter(3.0, "eV", "assumed"),
        "E_generation_interface": Parameter(2.5, "eV", "assumed"),
        "field_dipole": Parameter(27.0, "e·Å", "assumed: same effective dipole as HfO2 (the Lorentz factor (2+κ)/3 is not meaningful for κ = 80)", "b in E_g - b*E, E the macroscopic field"),
        "E_recombination": Parameter(0.3, "eV", "assumed"),
        "E_exchange": Parameter(0.9, "eV", "assumed"),
        "attempt_frequency": Parameter(1e13, "Hz", "assumed (typical phonon frequency)"),
        "vacancy_charge": Parameter(2.0, "e", "V_O^2+ assumption"),
        "ion_charge": Parameter(-2.0, "e", "O_i^2- assumption"),
        "conductance_filament_bond": Parameter(2e-4, "S", "assumed (effective lattice value, as HfO2)", "bond between two vacancies"),
        "conductance_trap_bond": Parameter(1e-6, "S", "assumed (effective lattice value, as HfO2)", "bond with one vacancy end"),
        "conductance_oxide_bond": Parameter(1e-12, "S", "assumed (effective lattice value, as HfO2)", "oxide-oxide bond"),
        "relative_permittivity": Parameter(80.0, "1", "rutile, typical film value (assumed)"),
        "thermal_conductivity": Parameter(1.0, "W/(m·K)", "assumed (thin film)"),
        "thickness": Parameter(10.0, "nm", "Strukov et al., Nature 453, 80 (2008)"),
    }, name="TiO2")
