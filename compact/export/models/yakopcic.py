"""Export spec of :class:`compact.yakopcic.Yakopcic` (state x in [0, 1]; Yakopcic et al., IEEE EDL 32,
1436 (2011) and IEEE TCAD 32, 1201 (2013)), in the smoothed form of the Python model:

    i     = a(v) x sinh(b v),  a = a2 + (a1 - a2) sstep(v/V_smooth)
    g_up  = Ap e^Vp (exp(softplus(v - Vp)) - 1),  g_down = -An e^Vn (exp(softplus(-v - Vn)) - 1)
    f_inc = 1 - s_p + s_p e^{-alphap (x - xp)} ((xp - x)/(1 - xp) + 1),  s_p = sstep((x - xp)/x_blend)
    f_dec = 1 - s_n + s_n e^{alphan (x + xn - 1)} x/(1 - xn),             s_n = sstep((1 - xn - x)/x_blend)
    dx/dt = inc f_inc window_hi(x, 1) + dec f_dec window_lo(x, 0);  (inc, dec) = (g_up, g_down) for eta = +1,
            (-g_down, -g_up) for eta = -1
"""

from compact.export.spec import Equations, register


@register("Yakopcic")
def yakopcic(model) -> Equations:
    return Equations(
        defs=[("g_up", "Ap*exp(Vp)*expm1(softplus(V - Vp, V_smooth))"),
              ("g_down", "-An*exp(Vn)*expm1(softplus(-V - Vn, V_smooth))"),
              ("s_p", "sstep((x - xp)/x_blend, 1)"),
              ("f_inc", "(1 - s_p) + s_p*exp(-alphap*(x - xp))*((xp - x)/(1 - xp) + 1)"),
              ("s_n", "sstep(((1 - xn) - x)/x_blend, 1)"),
              ("f_dec", "(1 - s_n) + s_n*exp(alphan*(x + xn - 1))*(x/(1 - xn))"),
              ("g_inc", "eta > 0 ? g_up : -g_down"),
              ("g_dec", "eta > 0 ? g_down : -g_up")],
        current="(a2 + (a1 - a2)*sstep(V/V_smooth, 1))*x*sinh(b*V)",
        rates={"x": "g_inc*f_inc*window_hi(x, 1, x_window) + g_dec*f_dec*window_lo(x, 0, x_window)"},
        notes=["Yakopcic generalized memristor: i = a x sinh(b v); dx/dt = eta g(v) f(x), thresholds Vp, Vn",
               "Yakopcic et al., IEEE EDL 32, 1436 (2011); IEEE TCAD 32, 1201 (2013)"],
        drive=(0.45, 100.0, 2.0),
    )
