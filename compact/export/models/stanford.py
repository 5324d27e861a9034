"""Export spec of :class:`compact.stanford.StanfordPKU` (state: filament gap g, m).

    I     = I0 exp(-g/g0) sinh(V/V0)
    T     = T_ambient + I V R_th                       (I V >= 0: smooth)
    gamma = gamma0 - beta (g/g1)^alpha
    R(v)  = -v0 exp(-Ea/(k_B T)) sinh(gamma a0 q v/(t_ox k_B T)) sstep((gamma sqrt(v^2 + V_s^2)/t_ox - F_min)/dF)
    dg/dt = R(v_set) window_lo(g, g_min, g_window) + R(v_reset) window_hi(g, g_max, g_window)
    v_set = softplus(V, V_smooth),  v_reset = V - v_set
(Jiang et al., IEEE TED 63, 1884 (2016); Stanford RRAM Verilog-A v1.0.0; the smooth form is the
Python model's own, see compact/stanford.py.) The windows make the bounds invariant, so the
well-posed export and ``simulate`` agree.
"""

from matsim.core import units

from compact.export.spec import Equations, register


def _rate(v: str) -> str:
    return (f"-v0*exp(-Ea/(k_B*T_loc))*sinh(gam*a0*q_e*{v}/(t_ox*k_B*T_loc))"
            f"*sstep((gam*sqrt({v}*{v} + V_smooth*V_smooth)/t_ox - F_min)/dF, 1)")


@register("StanfordPKU")
def stanford_pku(model) -> Equations:
    return Equations(
        defs=[("T_loc", "T_ambient + I_dev*V*R_th"),
              ("gam", "gamma0 - beta*pow(g/g1, alpha)"),
              ("v_set", "softplus(V, V_smooth)"),
              ("v_reset", "V - v_set"),
              ("r_set", _rate("v_set")),
              ("r_reset", _rate("v_reset"))],
        current="I0*exp(-g/g0)*sinh(V/V0)",
        rates={"g": "r_set*window_lo(g, g_min, g_window) + r_reset*window_hi(g, g_max, g_window)"},
        constants={"k_B": (units.k_B, "J/K", "Boltzmann constant (CODATA 2018, exact)"),
                   "q_e": (units.q, "C", "elementary charge (exact)")},
        notes=["Stanford-PKU RRAM: I = I0 exp(-g/g0) sinh(V/V0); dg/dt = -v0 exp(-Ea/kT) sinh(gamma a0 q V/(t_ox kT))",
               "T = T_ambient + I V R_th; gamma = gamma0 - beta (g/g1)^alpha; smooth F_min gate and bound windows",
               "Jiang et al., IEEE TED 63, 1884 (2016); Stanford RRAM Verilog-A model v1.0.0, doi:10.4231/D37H1DN48"],
        # SET on the rising edge (field gate opens near 1.4 V), RESET on the negative half
        drive=(1.8, 1e6, 2.0),
    )
