"""VO2: insulator-metal transition near 340 K (Mott/Peierls), for electro-thermal models."""

from matsim.core.parameters import Parameter, ParameterSet


def parameters() -> ParameterSet:
    return ParameterSet({
        "T_transition": Parameter(340.0, "K", "Morin, Phys. Rev. Lett. 3, 34 (1959)"),
        "transition_width": Parameter(2.0, "K", "assumed (tanh width of the sigma(T) step)"),
        "hysteresis_width": Parameter(6.0, "K", "assumed; thin films show a few K (Hoffmann et al., APL Mater. 10, 070904 (2022))"),
        "sigma0_insulator": Parameter(4.76e5, "S/m", "assumed; chosen so sigma_ins(300 K) = 30 S/m with Ea = 0.25 eV"),
        "Ea_insulator": Parameter(0.25, "eV", "Berglund & Guggenheim, Phys. Rev. 185, 1022 (1969), ~0.2-0.3 eV"),
        "poole_frenkel_permittivity": Parameter(0.0, "1", "no field-enhanced conduction in the VO2 default (0 disables it)"),
        "sigma_metal": Parameter(3e5, "S/m", "assumed; metallic film resistivity ~3e-4 Ohm cm, ratio 1e3-1e4 (Hoffmann et al., APL Mater. 10, 070904 (2022))"),
        "thermal_conductivity": Parameter(5.0, "W/(m·K)", "Lee et al., Science 355, 371 (2017): 3.5-6 W/mK"),
        "mass_density": Parameter(4670.0, "kg/m^3", "VO2 crystal density"),
        "specific_heat": Parameter(690.0, "J/(kg·K)", "Berglund & Guggenheim, Phys. Rev. 185, 1022 (1969)"),
        "relative_permittivity": Parameter(36.0, "1", "assumed"),
    }, name="VO2", references=["Hoffmann et al., APL Mater. 10, 070904 (2022)"])
