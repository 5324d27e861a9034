"""HfO2 for valence-change (VCM) kinetic Monte Carlo: oxygen vacancy / oxygen ion energetics.

Used by :class:`kmc.VCMCell`. Barriers follow the HfOx KMC literature (Guan, Yu & Wong 2012; Padovani et al. 2015); the
effective field dipole includes the Lorentz local-field factor (2 + κ)/3 of a high-κ oxide
(McPherson et al., J. Appl. Phys. 93, 6011 (2003)). Note that atomistic work finds field-driven
Frenkel-pair generation in crystalline HfO2 needs far higher fields (Schie et al., Phys. Rev.
Materials 2, 035002 (2018)); the generation law here is the phenomenological one of the device KMC
models, not a first-principles result. Bond conductances are effective lattice values chosen so that
a one-site vacancy chain across 5 nm gives ~10 µS (a sub-G0 filament, LRS ~100 kΩ) and the pristine
oxide ~pA at 1 V.
"""

from matsim.core.parameters import Parameter, ParameterSet

_KMC = "HfO2 VCM KMC literature: Guan, Yu & Wong, IEEE EDL 33, 1405 (2012); Padovani et al., IEEE TED 62, 1998 (2015)"


def parameters() -> ParameterSet:
    return ParameterSet({
        "lattice_spacing": Parameter(0.25, "nm", "Stanford-PKU model a0 (Jiang et al., IEEE TED 63, 1884 (2016))"),
        "E_generation": Parameter(3.9, "eV", _KMC, "Frenkel-pair generation barrier, bulk"),
        "E_generation_interface": Parameter(3.0, "eV", "assumed", "lower barrier at the active-electrode interface"),
        "field_dipole": Parameter(27.0, "e·Å", "McPherson p0 ~3 e·Å (J. Appl. Phys. 93, 6011 (2003)) times the local-field factor (2+κ)/3 = 9 for κ = 25 (assumed combination)",
                                  "barrier lowering b in E_g - b*E, E the macroscopic field"),
        "E_hop_vacancy": Parameter(1.1, "eV", _KMC, "oxygen-vacancy migration barrier"),
        "E_hop_ion": Parameter(0.7, "eV", _KMC, "oxygen-ion migration barrier"),
        "E_recombination": Parameter(0.3, "eV", "assumed", "vacancy-ion recombination barrier"),
        "E_exchange": Parameter(1.0, "eV", "assumed", "oxygen exchange with the active electrode"),
        "attempt_frequency": Parameter(1e13, "Hz", "assumed (typical phonon frequency)"),
        "vacancy_charge": Parameter(2.0, "e", "V_O^2+ (common assumption in VCM KMC)"),
        "ion_charge": Parameter(-2.0, "e", "O_i^2- (common assumption in VCM KMC)"),
        "relative_permittivity": Parameter(25.0, "1", "Robertson, Eur. Phys. J. Appl. Phys. 28, 265 (2004)"),
        "thermal_conductivity": Parameter(0.5, "W/(m·K)", "thin HfO2 films, Panzer et al., IEEE Electron Device Lett. 30, 1269 (2009) (0.49-0.95 W/(m·K) for 5.6-20 nm films, picosecond thermoreflectance)", "lower end: the thinnest films"),
        # thermal model with finite electrodes (kmc.vcm_thermal, VCMCell(thermal="electrodes"))
        "thermal_conductivity_filament": Parameter(5.9, "W/(m·K)", "Wiedemann-Franz: kappa = L0 sigma T with L0 = 2.44e-8 W·Ohm/K^2, T = 300 K and sigma = g_filament/a = 2e-4 S / 0.25 nm = 8e5 S/m (conductance_filament_bond); the electronic heat conduction of a metallic CF as in Ielmini, IEEE TED 58, 4309 (2011)",
                                                   "filament (metallic vacancy) sites"),
        "thermal_conductivity_electrode": Parameter(20.0, "W/(m·K)", "assumed for sputtered TiN: Wiedemann-Franz L0 T / rho with rho = 25-100 uOhm·cm gives 7-29 W/(m·K) (electron-dominated heat transport in TiN)",
                                                    "both electrodes"),
        "electrode_thickness": Parameter(10.0, "nm", "assumed (typical TiN/Ti electrode thickness of HfO2 RRAM stacks)", "each electrode; ambient at its far face"),
        "interface_thermal_resistance": Parameter(1e-8, "m²·K/W", "order of the HfO2 interface resistances measured by Panzer et al., IEEE Electron Device Lett. 30, 1269 (2009); the epitaxial TiN/oxide limit is 1.4e-9 m²K/W (G = 700 MW/m²K, Costescu, Wall & Cahill, Phys. Rev. B 67, 054302 (2003))",
                                                  "oxide/electrode (Kapitza) resistance, assumed 1e-8"),
        "interface_thermal_resistance_filament": Parameter(2.5e-10, "m²·K/W", "metal/metal interface conductance ~4 GW/(m²K) at 300 K (Al/Cu, Gundrum, Cahill & Averback, Phys. Rev. B 72, 245426 (2005))",
                                                           "filament/electrode contact (electronic)"),
        "conductance_filament_bond": Parameter(2e-4, "S", "assumed (effective lattice value)", "bond between two vacancies: hopping along a filament"),
        "conductance_trap_bond": Parameter(1e-6, "S", "assumed: g_filament exp(-2d/λ) with d = a, λ ≈ 0.1 nm (tunnelling across one oxide site)", "bond with one vacancy end: trap-assisted tunnelling"),
        "conductance_oxide_bond": Parameter(1e-12, "S", "assumed (effective lattice value)", "bond between two oxide sites: leakage"),
        "conductance_tunnel": Parameter(5e-8, "S", "assumed: low-field trap-to-trap tunnelling conductance G_0 of a link of one lattice spacing at 300 K, set so that a filament with a one-site gap reads ~10-30 MOhm (HfO2 RRAM HRS range, Yu, Guan & Wong, Appl. Phys. Lett. 99, 063507 (2011))",
                                        "prefactor of the trap-assisted tunnelling links (kmc.vcm_conduction)"),
        "tunnel_decay_length": Parameter(0.25, "nm", "WKB: l = 1/(2 kappa), kappa = sqrt(2 m* E_T)/hbar with m* = 0.1 m0 and trap depth E_T ~ 1.5 eV (range used for HfO2 TAT by Vandelli et al., IEEE TED 58, 2878 (2011))",
                                         "tunnelling conductance decays as exp(-r/l)"),
        "E_tunnel_activation": Parameter(0.1, "eV", "assumed: thermal activation of trap-to-trap hopping (multiphonon; HRS activation energies of 0.05-0.2 eV are reported for HfO2, Yu, Guan & Wong, Appl. Phys. Lett. 99, 063507 (2011))",
                                         "also the maximum field lowering of a hop"),
        "filament_temperature_coefficient": Parameter(1e-3, "1/K", "Ielmini, IEEE TED 58, 4309 (2011) (metallic filament, R = R0 (1 + alpha (T - T0)))"),
        "band_gap": Parameter(5.8, "eV", "Robertson, Eur. Phys. J. Appl. Phys. 28, 265 (2004)"),
        "thickness": Parameter(5.0, "nm", "assumed device thickness"),
    }, name="HfO2", references=["Guan, Yu & Wong, IEEE EDL 33, 1405 (2012)", "Padovani et al., IEEE TED 62, 1998 (2015)"])
