"""Export spec of :class:`compact.taox.TaOxExtended` (HP TaOx memristor, state x in [0, 1];
Strachan et al., IEEE TED 60, 2194 (2013), in the high-frequency form of Messaris, Ascoli, Demirkol & Tetzlaff, IEEE TCAS-I 70, 566 (2023)), smoothed as the Python model:

    G(x, v) = G_m x + a exp(b (v^2 + V_s^2)^(1/4)) (1 - x),   i = v G(x, v)
    g+(x, v) = B sinh(cap(v/sigma_on)) exp(cap(-(x/x_on)^2 + v^2 G/sigma_p)),  cap(e) = e - softplus(e - 60)
    g-(x, v) = -A sinh(cap(|v|/sigma_off)) exp(-(x_off/x)^2 + 1/(1 + beta v^2 G))
    dx/dt = g+(x, v_set) window_hi(x, 1) + g-(x, v_reset),  v_set = softplus(v, V_s), v_reset = v - v_set
"""

from compact.export.spec import Equations, register

from compact.taox import _EXP_CAP


def _cap(e: str) -> str:
    """The Python model's soft cap of exponents (compact.taox._soft_cap): e - softplus(e - cap, 1)."""
    return f"(({e}) - softplus(({e}) - {_EXP_CAP!r}, 1))"


def _G(v: str, x: str) -> str:
    return f"(G_m*{x} + a*exp(b*pow({v}*{v} + V_smooth*V_smooth, 0.25))*(1 - {x}))"


@register("TaOxExtended")
def taox(model) -> Equations:
    return Equations(
        defs=[("v_set", "softplus(V, V_smooth)"),
              ("v_reset", "V - v_set"),
              ("x_r", "max(x, 1e-9)"),
              ("g_plus", "B*sinh(" + _cap("v_set/sigma_on") + ")*exp("
                         + _cap("-(x/x_on)*(x/x_on) + v_set*v_set*" + _G("v_set", "x") + "/sigma_p") + ")"),
              ("g_minus", f"-A*sinh({_cap('abs(v_reset)/sigma_off')})"
                          f"*exp(-(x_off/x_r)*(x_off/x_r) + 1/(1 + beta*v_reset*v_reset*{_G('v_reset', 'x_r')}))")],
        current=f"V*{_G('V', 'x')}",
        rates={"x": "g_plus*window_hi(x, 1, x_window) + g_minus"},
        notes=["HP TaOx extended memristor: i = v [G_m x + a exp(b sqrt|v|)(1 - x)]",
               "dx/dt = B sinh(v/sigma_on) e^{-(x/x_on)^2} e^{i v/sigma_p} (v > 0); "
               "A sinh(v/sigma_off) e^{-(x_off/x)^2} e^{1/(1 + beta i v)} (v < 0)",
               "Strachan et al., IEEE TED 60, 2194 (2013); Messaris, Ascoli, Demirkol & Tetzlaff, IEEE TCAS-I 70, 566 (2023)"],
        # 0.6 V, 10 MHz: RESET to x ~ 0.14, SET back to ~ 0.7 each period (larger drives run away in ns)
        drive=(0.6, 1e7, 2.0),
    )
