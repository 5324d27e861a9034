"""A small neutral expression language shared by the ngspice and Verilog-A writers.

Each model's equations are written once, as text a physicist can read::

    I0*exp(-g/g0)*sinh(V/V0)

Identifiers are resolved against a symbol table (``V`` = device voltage, state names, parameter
names, intermediate definitions); function calls against :data:`FUNCTIONS` and :data:`MACROS`.
:func:`render` rewrites the text for one *dialect* (ngspice B-source or Verilog-A). Unknown names are
refused at export time, so a typo in a template fails loudly instead of producing a netlist that
ngspice silently evaluates as zero.

Smooth helpers (well-posed models, Wang & Roychowdhury, "Well-posed models of memristive devices",
arXiv:1605.04897, 2016): ``smax``/``smin`` (hyperbolic smooth max/min, error <= e/2), ``spos``
(smooth max(a, 0)), ``sstep`` (tanh step of width e), ``sabs`` (sqrt(a^2 + e^2)), the
:mod:`compact.smooth` helpers ``softplus(a, s)``, ``window_lo(x, lo, d)``, ``window_hi(x, hi, d)``, ``limexp``
(exp continued linearly above 80: the same function in numpy, ngspice and Verilog-A, unlike the
simulator-specific Newton limiting of Verilog-A's built-in ``limexp``), ``limsinh`` and ``expm1``. They replace ``if`` on the state.
"""

from __future__ import annotations

import re

from matsim.core.errors import ConfigError

#: built-in functions, same spelling in ngspice B-sources and Verilog-A (natural log is ``ln``)
FUNCTIONS = frozenset({"exp", "sinh", "cosh", "tanh", "sqrt", "abs", "ln", "log10", "min", "max", "pow",
                       "atan", "atanh"})

#: smooth helpers: name -> (arguments, body in the neutral language)
MACROS: dict[str, tuple[tuple[str, ...], str]] = {
    "smax": (("a", "b", "e"), "0.5*(a+b+sqrt((a-b)*(a-b)+e*e))"),
    "smin": (("a", "b", "e"), "0.5*(a+b-sqrt((a-b)*(a-b)+e*e))"),
    "spos": (("a", "e"), "0.5*(a+sqrt(a*a+e*e))"),
    "sstep": (("a", "e"), "0.5*(1+tanh(a/e))"),
    "sabs": (("a", "e"), "sqrt(a*a+e*e)"),
    # compact.smooth: overflow-safe softplus s ln(1 + exp(a/s)), boundary windows 1 - exp(-d/delta)
    # log1p(y) = 2 atanh(y/(2 + y)) keeps the tail exp(-|a/s|) << 1e-16 exact (as numpy's log1p)
    "softplus": (("a", "s"), "s*(max(a/s, 0)+2*atanh(exp(-abs(a/s))/(2+exp(-abs(a/s)))))"),
    # 1 - exp(-m), m = max(x - lo, 0)/d, as -expm1(-m) = 2 sinh(m/2) exp(-m/2) below m = 1 (accurate
    # near the bound; arguments capped so neither branch can overflow)
    "window_lo": (("x", "lo", "d"),
                  "(max(x-lo, 0)/d < 1 ? 2*sinh(0.5*min(max(x-lo, 0)/d, 1))*exp(-0.5*min(max(x-lo, 0)/d, 1))"
                  " : 1-exp(-max(x-lo, 0)/d))"),
    "window_hi": (("x", "hi", "d"),
                  "(max(hi-x, 0)/d < 1 ? 2*sinh(0.5*min(max(hi-x, 0)/d, 1))*exp(-0.5*min(max(hi-x, 0)/d, 1))"
                  " : 1-exp(-max(hi-x, 0)/d))"),
    # exp(a) - 1 without cancellation for small a (numpy's expm1 to ~1 ulp)
    "expm1": (("a",), "2*sinh(0.5*a)*exp(0.5*a)"),
    # exp limited as in Verilog-A's limexp: exp(a) up to a = 80, then continued linearly (C1)
    "limexp": (("a",), "exp(min(a, 80))*(1 + max(a - 80, 0))"),
    "limsinh": (("a",), "0.5*(exp(min(a, 80))*(1 + max(a - 80, 0)) - exp(min(-a, 80))*(1 + max(-a - 80, 0)))"),
}


_TOKEN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NUMBER_BEFORE = re.compile(r"[0-9.][eE]$")


def num(x: float) -> str:
    """A float written so it reads back bit-exactly (``repr``), valid in SPICE and Verilog-A."""
    x = float(x)
    if x != x or x in (float("inf"), float("-inf")):
        raise ConfigError("value", x, "a finite number")
    return repr(x)


def identifiers(expr: str) -> list[tuple[int, int, str, bool]]:
    """(start, end, name, is_call) of every identifier in ``expr`` (exponent letters skipped)."""
    out = []
    for m in _TOKEN.finditer(expr):
        s, e = m.span()
        # the 'e' in 1e-3 or 2.5E+4 is not an identifier
        if s > 0 and (expr[s - 1].isdigit() or expr[s - 1] == ".") :
            continue
        is_call = expr[e:].lstrip().startswith("(")
        out.append((s, e, m.group(), is_call))
    return out


def used_calls(expr: str) -> set[str]:
    return {name for _, _, name, call in identifiers(expr) if call}


def render(expr: str, symbols: dict[str, str], field: str = "expression",
           funcmap: dict[str, str] | None = None) -> str:
    """Replace every identifier by ``symbols[name]``; calls must be known functions and are renamed
    by ``funcmap`` (e.g. ``log10`` -> ``log`` in Verilog-A).

    Raises :class:`ConfigError` naming ``field`` for an unknown identifier or function.
    """
    pieces, last = [], 0
    for s, e, name, call in identifiers(expr):
        if call:
            if name not in FUNCTIONS and name not in MACROS:
                raise ConfigError(field, name, "a known function: " + ", ".join(sorted(FUNCTIONS | set(MACROS))))
            if funcmap and name in funcmap:
                pieces.append(expr[last:s])
                pieces.append(funcmap[name])
                last = e
            continue
        if name not in symbols:
            raise ConfigError(field, name, f"a known symbol in {expr!r}: " + ", ".join(sorted(symbols)))
        pieces.append(expr[last:s])
        pieces.append(symbols[name])
        last = e
    pieces.append(expr[last:])
    return "".join(pieces)
