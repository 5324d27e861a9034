"""Export spec of :class:`compact.ecram.ECRAM` (state x in [0, 1], channel conductance G_min..G_max).

    i     = v (G_min + (G_max - G_min) x)
    dx/dt = [sstep((v - V_th)/V_w) s_up(x) window_hi(x, 1) + sstep((-v - V_th)/V_w) s_down(x) window_lo(x, 0)] / t_pulse
    s_up = (1 + asym/2)/n_states e^{-nu x},  s_down = -(1 - asym/2)/n_states e^{-nu (1 - x)}
The deterministic part of the model (the cycle-to-cycle noise of ``apply_pulses`` is not exported).
"""

from compact.export.spec import Equations, register


@register("ECRAM")
def ecram(model) -> Equations:
    return Equations(
        defs=[("s_up", "(1 + 0.5*asym)/n_states*exp(-nu*x)"),
              ("s_down", "-(1 - 0.5*asym)/n_states*exp(-nu*(1 - x))")],
        current="V*(G_min + (G_max - G_min)*x)",
        rates={"x": "(sstep((V - V_th)/V_w, 1)*s_up*window_hi(x, 1, x_window)"
                    " + sstep((-V - V_th)/V_w, 1)*s_down*window_lo(x, 0, x_window))/t_pulse"},
        notes=["ECRAM synapse: i = v G(x), thresholded soft-bounds steps per write pulse of length t_pulse",
               "deterministic part only (no cycle-to-cycle noise)"],
        drive=(1.0, 1e3, 2.0),
    )
