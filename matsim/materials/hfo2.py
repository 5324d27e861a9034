"""HfO2 for valence-change (VCM) kinetic Monte Carlo: oxygen vacancy / oxygen ion energetics."""

from matsim.core.parameters import Parameter, ParameterSet

_KMC = "HfO2 VCM KMC literature as summarised in DESIGN.md §4.2 (cf. Guan, Yu & Wong, IEEE EDL 33, 1405 (2012); Padovani et al., IEEE TED 62, 1998 (2015))"


def parameters() -> ParameterSet:
    return ParameterSet({
        "lattice_spacing": Parameter(0.25, "nm", "Stanford-PKU model a0 (Jiang et al., IEEE TED 63, 1884 (2016))"),
        "E_generation": Parameter(3.9, "eV", _KMC, "Frenkel-pair generation barrier, bulk"),
        "E_generation_interface": Parameter(3.0, "eV", "assumed", "lower barrier at the active-electrode interface"),
        "field_dipole": Parameter(3.0, "e·Å", "assumed; order of McPherson's thermochemical dipole (J. Appl. Phys. 93, 6011 (2003))",
                                  "barrier lowering b in E_g - b*E"),
        "E_hop_vacancy": Parameter(1.1, "eV", _KMC, "oxygen-vacancy migration barrier"),
        "E_hop_ion": Parameter(0.7, "eV", _KMC, "oxygen-ion migration barrier"),
        "E_recombination": Parameter(0.3, "eV", "assumed", "vacancy-ion recombination barrier"),
        "E_exchange": Parameter(1.0, "eV", "assumed", "oxygen exchange with the active electrode"),
        "attempt_frequency": Parameter(1e13, "Hz", "assumed (typical phonon frequency)"),
        "vacancy_charge": Parameter(2.0, "e", "V_O^2+ (common assumption in VCM KMC)"),
        "relative_permittivity": Parameter(25.0, "1", "Robertson, Eur. Phys. J. Appl. Phys. 28, 265 (2004)"),
        "thermal_conductivity": Parameter(0.5, "W/(m·K)", "thin amorphous HfO2, Panzer et al., J. Heat Transfer 131, 014501 (2009)", "0.5-1 W/mK reported"),
        "band_gap": Parameter(5.8, "eV", "Robertson, Eur. Phys. J. Appl. Phys. 28, 265 (2004)"),
        "thickness": Parameter(5.0, "nm", "assumed device thickness"),
    }, name="HfO2", references=["DESIGN.md §4.2"])
