"""Export spec of :class:`compact.selector.Selector`: I = I_s sinh(V/V_s), memoryless.

The dummy state ``x`` of the Python interface becomes a node with zero rate (it never moves), so
the subcircuit can sit in series with a memristor subcircuit as a 1S1R cell.
"""

from compact.export.spec import Equations, register


@register("Selector")
def selector(model) -> Equations:
    return Equations(current="I_s*sinh(V/V_s)", rates={"x": "0"},
                     notes=["Static sinh selector: I = I_s sinh(V/V_s) (Burr et al., JVST B 32, 040802 (2014))"],
                     scales={"x": 1.0}, drive=(1.0, 1e6, 1.0))
