"""Export spec of :class:`compact.nbox_ascoli.NbOxAscoli` (state: filament temperature T, K).

    i = G(T) v,   G(T) = exp(-(E_a/k_B)(1/T - 1/T_ref)) / R_ref
    C_th dT/dt = G(T) v^2 w(T) - (T - T_ambient)/R_th,   w = 1 - exp(-(T_max - T)/T_window)
(Messaris et al., ISCAS 2020 form; numbers as in the model's ParameterSet.) The temperature is the
internal node ``T`` in kelvin (scale 1), so it can be probed as ``V(x1.T)``.
"""

from matsim.core import units

from compact.export.spec import Equations, register


@register("NbOxAscoli")
def nbox_ascoli(model) -> Equations:
    return Equations(
        defs=[("G_T", "exp(-(E_a/k_B)*(1/T - 1/T_ref))/R_ref")],
        current="G_T*V",
        rates={"T": "(G_T*V*V*window_hi(T, T_max, T_window) - (T - T_ambient)/R_th)/C_th"},
        constants={"k_B": (units.k_B, "J/K", "Boltzmann constant (CODATA 2018, exact)")},
        notes=["i = G(T) v, G = exp(-(E_a/k_B)(1/T - 1/T_ref))/R_ref; "
               "C_th dT/dt = G v^2 w(T) - (T - T_ambient)/R_th, heating gated to 0 at T_max",
               "Messaris et al., ISCAS 2020; Slesazeck et al., RSC Adv. 5, 102318 (2015)"],
        scales={"T": 1.0},
        temperature_state="T",
        # just below the thermal runaway (~0.25 V) of the voltage-driven cell: T swings by tens of K
        drive=(0.24, 2e7, 2.0),
    )
