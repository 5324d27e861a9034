"""Export spec of :class:`compact.jart.JARTVCM` (simplified JART VCM cell, state N_disc in m^-3;
Bengel et al., IEEE TCAS-I 67, 4618 (2020); Cüppers et al., APL Mater. 7, 091105 (2019)).

The Python model finds the Schottky-interface voltage v_s by Newton iteration; the export makes it an
algebraic internal node ``i_v_s`` that the circuit simulator solves together with the circuit:

    0 = v_s + R(N) 2 I_s(N) sinh(v_s/V_n) - v,     i = 2 I_s(N) sinh(v_s/V_n),  V_n = 2 n k_B T/q
    R(N) = R_s + l_disc/(z q mu_n N A) + (l_cell - l_disc)/(z q mu_n N_plug A),  A = pi r_disc^2
    I_s(N) = A A* T^2 exp(-(phi_B0 - dphi (N/N_max)^(1/4))/(k_B T))
    T_f = T_ambient + i (v - i R_s) R_th
    dN/dt = r(v_neg) window_hi(ln N, ln N_max) + r(v_pos) window_lo(ln N, ln N_min),
    r(v) = -(a nu0/l_disc) N_max exp(-dW_A/(k_B T_f)) sinh(a z q v/(2 l_cell k_B T_f))
The state node is scaled by N_min (node value 1 .. N_max/N_min), so the smooth clip is fine near N_min.
"""

import math

from matsim.core import units

from compact.export.spec import Equations, register


def _rate(v: str) -> str:
    # sinh argument via the thermal voltage V_Tf = k_B T_f/q: ngspice adds a fudge (~1e-32) to every
    # divisor (ptfuncs.c PTdivide), so a literal 2 l_cell k_B T_f ~ 2.5e-29 would be 4e-4 relative off
    return f"-(a*nu0/l_disc)*N_max*limexp(-dW_A/(k_B*T_f))*limsinh((a*z/(2*l_cell))*{v}/V_Tf)"


@register("JARTVCM", thermal=True)
def jart(model) -> Equations:
    return Equations(
        defs=[("area", "pi_c*r_disc*r_disc"),
              ("zqmu", "z*q_e*mu_n"),
              # N_g: N_disc guarded against 0, which only the simulator's first Newton guess (all
              # auxiliary nodes at 0 V) can produce; inside the bounds N_g = N_disc exactly
              ("N_g", "max(N_disc, 1e-6*N_min)"),
              ("R_ser", "R_s + l_disc/(zqmu*N_g*area) + (l_cell - l_disc)/(zqmu*N_plug*area)"),
              ("I_s", "area*A_star*T_ambient*T_ambient*exp(-(phi_B0 - dphi*pow(N_g/N_max, 0.25))/(k_B*T_ambient))"),
              ("V_n", "2*n_ideality*k_B*T_ambient/q_e"),
              ("T_f", "T_ambient + I_dev*(V - I_dev*R_s)*R_th"),
              ("V_Tf", "(k_B/q_e)*T_f"),
              ("v_pos", "softplus(V, V_smooth)"),
              ("v_neg", "V - v_pos"),
              ("lnN", "ln(N_g)")],
        # limsinh (= sinh below |v_s| = 80 V_n ~ 4 V; the Python model uses it too): Newton iterates of
        # v_s far outside overflowed ngspice's cosh (the derivative of sinh) at the SET
        implicit=[("v_s", "v_s + R_ser*2*I_s*limsinh(v_s/V_n) - V")],
        current="2*I_s*limsinh(v_s/V_n)",
        thermal={"temperature": "T_f", "power": "I_dev*(V - I_dev*R_s)", "R_th": "R_th", "C_th": None},
        rates={"N_disc": f"{_rate('v_neg')}*window_hi(lnN, ln(N_max), lnN_window)"
                         f" + {_rate('v_pos')}*window_lo(lnN, ln(N_min), lnN_window)"},
        constants={"k_B": (units.k_B, "J/K", "Boltzmann constant (CODATA 2018, exact)"),
                   "q_e": (units.q, "C", "elementary charge (exact)"),
                   "pi_c": (math.pi, "1", "pi")},
        notes=["Simplified JART VCM: series R(N) + Schottky interface (internal node v_s), "
               "T = T0 + i (v - i R_s) R_th, Mott-Gurney-free hopping rate of the disc vacancies",
               "Bengel et al., IEEE TCAS-I 67, 4618 (2020); Cuppers et al., APL Mater. 7, 091105 (2019)"],
        scales={"N_disc": model.p.N_min},
        # SET at ~ -1.05 V is a thermal runaway of a few us: resolve it with small steps, one period
        drive=(1.4, 1e3, 1.0),
        max_step_fraction=5e-5,
    )
