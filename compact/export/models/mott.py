"""Export spec of :class:`compact.mott.MottThermal` (lumped VO2/NbO2 threshold switch, state T in K).

    i = v sigma(T, E) pi r^2 / d,  E = v/d
    ln sigma = (1 - f) ln sigma_ins + f ln sigma_metal,  f = (1 + tanh((T - T_c)/dT))/2
    sigma_ins = sigma0 exp(-(E_a - beta_PF sqrt|E|)/(k_B T)),  beta_PF = sqrt(q^3/(pi eps0 eps_r)) (0 if eps_r = 0)
    C_th dT/dt = i v - (T - T_ambient)/R_th
(matsim.materials.conductivity.MottConductivity; Slesazeck et al., RSC Adv. 5, 102318 (2015).)
The Python model and the export both use sqrt|E| -> sqrt(sqrt(E^2 + E_smooth^2)) with E_smooth = 1 V/m,
so dI/dV stays finite at v = 0; the Poole-Frenkel barrier is clamped at 0 in both.
"""

import math

from matsim.core import units

from compact.export.spec import Equations, register
from compact.mott import E_SMOOTH


@register("MottThermal", thermal=True)
def mott_thermal(model) -> Equations:
    has_pf = "poole_frenkel_permittivity" in model.params
    beta = ("(poole_frenkel_permittivity > 0 ? 1 : 0)*sqrt(q_e*q_e*q_e/(pi_c*eps0*max(poole_frenkel_permittivity, 1e-300)))"
            if has_pf else "0")
    return Equations(
        defs=[("E_f", "V/thickness"),
              ("f_met", "0.5*(1 + tanh((T - T_transition)/transition_width))"),
              ("beta_pf", beta),
              # Poole-Frenkel barrier clamped at 0 (as MottConductivity.insulator)
              ("barrier", "max(Ea_insulator - beta_pf*sqrt(sabs(E_f, E_smooth)), 0)"),
              ("ln_sig_ins", "ln(sigma0_insulator) - barrier/(k_B*T)"),
              ("sigma_T", "exp((1 - f_met)*ln_sig_ins + f_met*ln(sigma_metal))")],
        current="V*sigma_T*pi_c*radius*radius/thickness",
        rates={"T": "(V*I_dev*window_hi(T, T_max, T_window) - (T - T_ambient)/R_th)/C_th"},
        constants={"k_B": (units.k_B, "J/K", "Boltzmann constant (CODATA 2018, exact)"),
                   "q_e": (units.q, "C", "elementary charge (exact)"),
                   "eps0": (units.eps0, "F/m", "vacuum permittivity (CODATA 2018)"),
                   "pi_c": (math.pi, "1", "pi"),
                   "E_smooth": (E_SMOOTH, "V/m", "smoothing of sqrt|E| at E = 0 (compact.mott.E_SMOOTH)")},
        notes=["Lumped Mott threshold switch: i = v sigma(T, v/d) pi r^2/d; C_th dT/dt = i v - (T - T_ambient)/R_th",
               "sigma: tanh insulator-metal step in ln(sigma), Poole-Frenkel insulator (MottConductivity)",
               f"material: {getattr(model, 'material', '?')}; T_c hysteresis not modelled (one branch)"],
        scales={"T": 1.0},
        temperature_state="T",
        options_note=".options method=gear: the ~1 ns thermal runaway at the insulator-metal transition can "
                     "stall the default trapezoidal rule (timestep too small at node T)",
        thermal={"temperature": "T", "power": "V*I_dev*window_hi(T, T_max, T_window)", "R_th": "R_th",
                 "C_th": "C_th"},
        # VO2 default: switches to the metallic state near 3.4 V on the first rise (tau_th = 10 ns)
        drive=(6.0, 2e6, 2.0),
    )
