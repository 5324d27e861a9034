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
    # the sinh argument is written with the thermal voltage V_T = k_B T/q (~26 mV) so that no divisor is
    # tiny: ngspice's B-source division adds a fudge term (~1e-32) to every divisor (PTdivide in
    # src/spicelib/parser/ptfuncs.c), and t_ox k_B T ~ 5e-29 would shift the argument by 2e-4 relative,
    # a 0.3 % rate error that the runaway SET edge of a calibrated device amplifies to 7 % of peak current
    return (f"-v0*exp(-Ea/(q_e*V_T))*limsinh(gam*(a0/t_ox)*{v}/V_T)"
            f"*sstep((gam*sqrt({v}*{v} + V_smooth*V_smooth)/t_ox - F_min)/dF, 1)")


@register("StanfordPKU", thermal=True)
def stanford_pku(model) -> Equations:
    return Equations(
        defs=[("T_loc", "T_ambient + I_dev*V*R_th"),
              ("V_T", "(k_B/q_e)*T_loc"),
              ("gam", "gamma0 - beta*pow(g/g1, alpha)"),
              ("v_set", "softplus(V, V_smooth)"),
              ("v_reset", "V - v_set"),
              ("r_set", _rate("v_set")),
              ("r_reset", _rate("v_reset"))],
        current="I0*exp(-g/g0)*limsinh(V/V0)",
        thermal={"temperature": "T_loc", "power": "I_dev*V", "R_th": "R_th", "C_th": None},
        rates={"g": "r_set*window_lo(g, g_min, g_window) + r_reset*window_hi(g, g_max, g_window)"},
        constants={"k_B": (units.k_B, "J/K", "Boltzmann constant (CODATA 2018, exact)"),
                   "q_e": (units.q, "C", "elementary charge (exact)")},
        notes=["Stanford-PKU RRAM: I = I0 exp(-g/g0) sinh(V/V0); dg/dt = -v0 exp(-Ea/kT) sinh(gamma a0 q V/(t_ox kT))",
               "T = T_ambient + I V R_th; gamma = gamma0 - beta (g/g1)^alpha; smooth F_min gate and bound windows",
               "Jiang et al., IEEE TED 63, 1884 (2016); Stanford RRAM Verilog-A model v1.0.0, doi:10.4231/D37H1DN48"],
        options_note="a step cap (.tran ... tmax) of ~1e-4 of the switching time scale if the SET instant must "
                     "be known to ~1 %: the SET is a runaway (the gap collapses in ns)",
        # SET on the rising edge (field gate opens near 1.4 V), RESET on the negative half
        drive=(1.8, 1e6, 2.0),
        # the SET is a runaway (gamma grows as g shrinks): a KMC-calibrated cell (g0 ~ 0.54 nm, V0 ~ 3.2 V)
        # collapses 1.2 nm of gap in ~5 ns; ngspice's gear-2 needs finer steps than LSODA there
        # (logit state node: max error 1.2 % of peak at ratio 1, 0.64 % at 0.3 in 32 s;
        # tests/export/test_export_stanford_fit.py)
        spice_step_ratio=0.3,
    )
