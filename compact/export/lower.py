"""Well-posed state handling shared by both writers (neutral language, before rendering).

Each state ``x`` lives on an internal node as ``N = x / scale`` (a capacitor of 1 F charged by a
behavioural current). Following Wang & Roychowdhury (2016, arXiv:1605.04897):

* the equations see a *smoothly clipped* state ``x_c = scale * smin(smax(N, lo_s, e), hi_s, e)``
  (hyperbolic smooth max/min, error <= e/2 in node units), never an ``if`` on the state;
* the rate is *gated* at the bounds so the node cannot run away:
  ``dN/dt = F - sstep(N - hi_s, e) max(F, 0) - sstep(lo_s - N, e) min(F, 0)``, ``F = f(V, x_c)/scale``:
  beyond the upper bound only a decreasing rate survives, below the lower one only an increasing one,
  so the state leaves a bound as soon as the drive reverses (no hidden overshoot to undo).
Infinite bounds (e.g. a temperature) are left open.

``bounds="clip"`` reproduces :meth:`compact.base.CompactModel.simulate` literally instead: the rate is
evaluated at the clipped state but not gated, so the node may drift beyond a bound (a hidden state
that must be undone before the device switches back, the ill-posed pattern W&R warn about). The two
agree whenever a model's rate already vanishes at its bounds in the outward direction.
"""

from __future__ import annotations

import numpy as np

from compact.export.expr import num
from compact.export.spec import ExportSpec, StateSpec


def node_symbol(st: StateSpec) -> str:
    return f"N__{st.name}"


def clipped_state(st: StateSpec, eps: str, scaled: bool = False) -> str:
    """State value seen by the equations (neutral language); ``scaled``: in node units."""
    n = node_symbol(st)
    expr = n
    if np.isfinite(st.lo):
        expr = f"smax({expr}, {num(st.lo / st.scale)}, {eps})"
    if np.isfinite(st.hi):
        expr = f"smin({expr}, {num(st.hi / st.scale)}, {eps})"
    return expr if scaled else f"{expr}*{num(st.scale)}"


BOUNDS = ("gate", "clip")


def gated_node_rate(st: StateSpec, rate: str, eps: str, bounds: str = "gate") -> str:
    """d(node)/dt given the physical rate expression ``rate`` (neutral language)."""
    n = node_symbol(st)
    f = f"(({rate})/{num(st.scale)})"
    out = f
    if bounds == "clip":
        return out
    if np.isfinite(st.hi):
        out += f" - sstep({n} - {num(st.hi / st.scale)}, {eps})*max({f}, 0)"
    if np.isfinite(st.lo):
        out += f" - sstep({num(st.lo / st.scale)} - {n}, {eps})*min({f}, 0)"
    return out


def eps_symbol(spec: ExportSpec) -> str:
    return "eps_clip"
