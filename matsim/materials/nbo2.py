"""NbO2: Poole-Frenkel conduction plus insulator-metal transition near 1070 K."""

from matsim.core.parameters import Parameter, ParameterSet


def parameters() -> ParameterSet:
    return ParameterSet({
        "T_transition": Parameter(1070.0, "K", "Janninck & Whitmore, J. Phys. Chem. Solids 27, 1183 (1966)"),
        "transition_width": Parameter(20.0, "K", "assumed (tanh width)"),
        "hysteresis_width": Parameter(0.0, "K", "assumed (second-order-like in threshold devices)"),
        "sigma0_insulator": Parameter(5e4, "S/m", "assumed; Poole-Frenkel prefactor (Slesazeck et al., RSC Adv. 5, 102318 (2015) form)"),
        "Ea_insulator": Parameter(0.30, "eV", "assumed; PF trap depth of the order used by Slesazeck et al. (2015)"),
        "poole_frenkel_permittivity": Parameter(45.0, "1", "assumed high-frequency permittivity for the PF barrier lowering"),
        "sigma_metal": Parameter(1e5, "S/m", "assumed metallic NbO2 conductivity"),
        "thermal_conductivity": Parameter(1.0, "W/(m·K)", "assumed (thin film)"),
        "mass_density": Parameter(5900.0, "kg/m^3", "NbO2 crystal density"),
        "specific_heat": Parameter(470.0, "J/(kg·K)", "assumed"),
        "relative_permittivity": Parameter(45.0, "1", "assumed"),
    }, name="NbO2", references=["Slesazeck et al., RSC Adv. 5, 102318 (2015)", "Janninck & Whitmore, J. Phys. Chem. Solids 27, 1183 (1966)", "Pickett, Medeiros-Ribeiro & Williams, Nat. Mater. 12, 114 (2013)"])
