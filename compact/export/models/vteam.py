"""Export spec of :class:`compact.vteam.VTEAM` (state: x, m; Kvatinsky et al., IEEE TCAS-II 62, 786 (2015)).

    i     = v / (R_on + (R_off - R_on)(x - x_on)/(x_off - x_on))
    dx/dt = k_off (softplus(v - v_off)/v_off)^alpha_off f_off(x) window_hi(x, x_off)
          + k_on  (softplus(v_on - v)/(-v_on))^alpha_on f_on(x)  window_lo(x, x_on)
    f_off = exp(-exp((x - x_off)/w_c)),  f_on = exp(-exp(-(x - x_on)/w_c))        (Kvatinsky window)
The softplus replaces max(v/v_off - 1, 0) (threshold without a kink), as in the Python model.
"""

from compact.export.spec import Equations, register


@register("VTEAM")
def vteam(model) -> Equations:
    return Equations(
        defs=[("over_off", "softplus(V - v_off, V_smooth)/v_off"),
              ("over_on", "softplus(v_on - V, V_smooth)/(-v_on)"),
              ("f_off", "exp(-exp((x - x_off)/w_c))"),
              ("f_on", "exp(-exp(-(x - x_on)/w_c))")],
        current="V/(R_on + (R_off - R_on)*(x - x_on)/(x_off - x_on))",
        rates={"x": "k_off*pow(over_off, alpha_off)*f_off*window_hi(x, x_off, x_window)"
                    " + k_on*pow(over_on, alpha_on)*f_on*window_lo(x, x_on, x_window)"},
        notes=["VTEAM: i = v/R(x), R linear in x; dx/dt = k (v/v_thr - 1)^alpha f(x) beyond the thresholds",
               "Kvatinsky, Ramadan, Friedman & Kolodny, IEEE TCAS-II 62, 786 (2015); Kvatinsky window"],
        # OFF (x -> x_off) during the positive half, ON (fast, v < v_on) during the negative one
        drive=(0.4, 1e6, 2.0),
    )
