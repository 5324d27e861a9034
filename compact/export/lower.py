"""Well-posed state handling shared by both writers (neutral language, before rendering).

Each state ``x`` lives on an internal node ``N`` (a capacitor of 1 F charged by a behavioural current
``dN/dt``). Following Wang & Roychowdhury ("Well-posed models of memristive devices", arXiv:1605.04897,
2016), there is no ``if`` on the state and the state cannot leave its bounds:

* **bounded states** (finite ``[lo, hi]``, ``bounds="gate"``, the default): the node holds the logit
  ``u = ln(s/(1 - s))``, ``s = (x - lo')/(hi' - lo')`` of the state in the interval padded by
  ``STATE_EDGE`` (1e-9) of the range on each side, and the equations see
  ``x = lo' + (hi' - lo') (1 + tanh(u/2))/2``: inside the padded bounds for *any* node value, i.e. for
  any time step or Newton iterate the simulator picks. The node rate is the exact change of variables
  ``du/dt = 4 cosh^2(u/2) (dx/dt)/(hi' - lo')``. Every model's rate carries a boundary window that is 0
  at its bound (:func:`compact.smooth.window_from_lower`), so a state driven into a bound settles at the
  finite logit of the bound (the padding keeps it finite; without it the logit would run away linearly
  and overflow cosh when the drive reverses).
* temperature states with finite bounds (MottThermal: [50 K, T_max]) are logits too (a linear node
  overshot T_max by 34 K (VO2) / 143 K (NbO2) under default options); with ``LOGIT_TEMPERATURE = False``
  the node holds ``T/scale`` as it is (their rates point inward at both bounds).
* ``bounds="clip"``: the node holds ``x/scale``, smoothly clipped (``smax``/``smin``, error <= eps/2).
* **DC**: each state node is tied to its initial value through an inductor (``L_hold``, 1e12 H): a short
  in ``.op``/``.dc`` (the state is held at ``x0``, the operating point is unique) and an open circuit in
  ``.tran`` (the leak after a time ``t`` is ``|N - N0| t / L_hold``: 1e-11 of the node per second). The hold
  current of an operating point at a bias where the state moves persists through the transient: start
  transients from a bias at which the state is at rest (0 V or a read voltage), as a measurement does.

``bounds="clip"`` reproduces :meth:`compact.base.CompactModel.simulate` literally instead (linear node,
rate evaluated at the clipped state, no gate): the node may drift beyond a bound (the hidden-state pattern
W&R warn about); it is kept for comparisons only.
"""

from __future__ import annotations

import numpy as np

from compact.export.expr import num
from compact.export.spec import ExportSpec, StateSpec

#: padding of the logistic interval beyond each bound (fraction of the range)
STATE_EDGE = 1e-9
#: inductance (H, node units) that holds each state node at its initial value in DC only
L_HOLD = 1e12

#: node values (logits) beyond which the node-rate factor cosh^2(u/2) is frozen (a state inside its padded
#: bounds has |u| <= ln(1/STATE_EDGE) ~ 21)
U_MAX = 40.0

#: temperature states with finite bounds are carried as logits too
LOGIT_TEMPERATURE = True

BOUNDS = ("gate", "clip")


def node_symbol(st: StateSpec) -> str:
    return f"N__{st.name}"


def is_logistic(spec: ExportSpec, st: StateSpec) -> bool:
    """True when ``st`` is carried as a logit on its node (finite bounds and ``bounds='gate'``)."""
    return (spec.bounds == "gate" and np.isfinite(st.lo) and np.isfinite(st.hi) and st.hi > st.lo
            and (st.name != spec.temperature_state or LOGIT_TEMPERATURE))


def _padded(st: StateSpec) -> tuple[float, float]:
    """(lo', hi' - lo') of the padded interval of a logistic state."""
    span = st.hi - st.lo
    return st.lo - STATE_EDGE * span, span * (1.0 + 2.0 * STATE_EDGE)


def clipped_state(st: StateSpec, eps: str, scaled: bool = False) -> str:
    """Linear node: state value seen by the equations (neutral language); ``scaled``: in node units."""
    n = node_symbol(st)
    expr = n
    if np.isfinite(st.lo):
        expr = f"smax({expr}, {num(st.lo / st.scale)}, {eps})"
    if np.isfinite(st.hi):
        expr = f"smin({expr}, {num(st.hi / st.scale)}, {eps})"
    return expr if scaled else f"{expr}*{num(st.scale)}"


def state_value(spec: ExportSpec, st: StateSpec, eps: str = "eps_clip", scaled: bool = False) -> str:
    """The state (model units, or node units x/scale with ``scaled``) as a function of its node."""
    if spec.bounds == "gate" and st.name == spec.temperature_state and not is_logistic(spec, st):
        # a temperature node is used as it is: its rate points inward at both bounds (Newton cooling,
        # the T_max window), and a clip as sharp as eps_clip would stall Newton near T_max
        n = node_symbol(st)
        return n if scaled else f"{n}*{num(st.scale)}"
    if not is_logistic(spec, st):
        return clipped_state(st, eps, scaled)
    n = node_symbol(st)
    lo, span = _padded(st)
    if scaled:
        lo, span = lo / st.scale, span / st.scale
    return f"({num(lo)} + {num(span)}*0.5*(1 + tanh(0.5*{n})))"


def node_rate(spec: ExportSpec, st: StateSpec, rate: str) -> str:
    """d(node)/dt given the physical rate expression ``rate`` (neutral language, state units / s)."""
    if not is_logistic(spec, st):
        return f"(({rate})/{num(st.scale)})"
    # the logit of a state inside the padded bounds is |u| < 21; Newton iterates may go anywhere, so the
    # cosh factor is frozen beyond |u| = U_MAX (no overflow; x is saturated there anyway)
    c = f"cosh(0.5*min(max({node_symbol(st)}, -{num(U_MAX)}), {num(U_MAX)}))"
    return f"4*{c}*{c}*({rate})/{num(_padded(st)[1])}"


def node_initial(spec: ExportSpec, st: StateSpec, x0: str) -> str:
    """Node value of the initial state ``x0`` (a symbol or expression in model units)."""
    if not is_logistic(spec, st):
        return f"({x0})/{num(st.scale)}"
    lo, span = _padded(st)
    # clamp an initial value beyond the bounds to the bound (the logit of the padded bound is finite)
    s0 = f"min(max(({x0} - {num(lo)})/{num(span)}, {num(STATE_EDGE / (1 + 2 * STATE_EDGE))}), " \
         f"{num((1 + STATE_EDGE) / (1 + 2 * STATE_EDGE))})"
    return f"ln(({s0})/(1 - {s0}))"


def node_meaning(spec: ExportSpec, st: StateSpec) -> str:
    """One header line: what the node voltage means."""
    if is_logistic(spec, st):
        return (f"node {st.node} = logit((x - lo)/(hi - lo)), {st.name} = {st.lo:g} + {st.hi - st.lo:g}"
                f"*(1 + tanh(V/2))/2 [{st.unit}]: inside [{st.lo:g}, {st.hi:g}] for any node voltage")
    return f"node {st.node} = {st.name} / {num(st.scale)} [{st.unit}], bounds [{st.lo:g}, {st.hi:g}] (smooth clip)"


def node_to_state(spec: ExportSpec, st: StateSpec, node_values) -> np.ndarray:
    """State (model units) from simulated node voltages (numpy; the inverse of :func:`node_initial`)."""
    u = np.asarray(node_values, dtype=float)
    if not is_logistic(spec, st):
        return u * st.scale
    lo, span = _padded(st)
    return lo + span * 0.5 * (1.0 + np.tanh(0.5 * u))


def node_rate_to_rate(spec: ExportSpec, st: StateSpec, node_value, node_rate_value):
    """Physical rate (state units / s) from a node value and its d(node)/dt (inverse of :func:`node_rate`)."""
    u = np.asarray(node_value, dtype=float)
    if not is_logistic(spec, st):
        return np.asarray(node_rate_value) * st.scale
    c = np.cosh(0.5 * np.clip(u, -U_MAX, U_MAX))
    return np.asarray(node_rate_value) * _padded(st)[1] / (4.0 * c * c)
