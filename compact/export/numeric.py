"""The neutral expression language as a tree, evaluated by numpy.

:mod:`compact.export.expr` renders a model's equations as text for ngspice and Verilog-A; this module
parses the same text into a small expression tree and evaluates it on numpy arrays, so the Python side
can run *exactly* the equations that the netlists carry (no simulator needed)::

    >>> tree = parse("I0*exp(-g/g0)*sinh(V/V0)")
    >>> evaluate(tree, {"I0": 1e-3, "g": 1e-9, "g0": 0.25e-9, "V": 0.1, "V0": 0.25})

Grammar (C precedence): ternary ``c ? a : b`` < comparison ``< > <= >= == !=`` < ``+ -`` < ``* /`` <
unary ``-`` < call / number / name / ``( )``. Functions: :data:`compact.export.expr.FUNCTIONS`; the
smooth macros of :data:`compact.export.expr.MACROS` are expanded with their own bodies, so ngspice,
Verilog-A and numpy all evaluate one definition.

:func:`evaluate_spec` gives the current and the state rates of an :class:`~compact.export.spec.ExportSpec`
at given ``(v, state, T)``; :class:`SpecModel` wraps it as a :class:`compact.base.CompactModel`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from matsim.core.errors import ConfigError

from compact.export import expr as ex

_TOK = re.compile(r"\s*(?:(?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)|(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
                  r"|(?P<op><=|>=|==|!=|&&|\|\||[-+*/()<>,?:!]))")


@dataclass(frozen=True)
class Node:
    """One tree node: ``kind`` in num/name/call/unary/binary/ternary, ``value`` the number/name/operator."""

    kind: str
    value: object
    args: tuple = ()


def _tokens(text: str, field: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOK.match(text, pos)
        if not m or m.end() == pos:
            raise ConfigError(field, text, f"an expression in the neutral language (bad character at {pos}: {text[pos:pos + 10]!r})")
        kind = m.lastgroup
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


class _Parser:
    def __init__(self, text: str, field: str):
        self.toks = _tokens(text, field)
        self.i = 0
        self.text = text
        self.field = field

    def peek(self):
        return self.toks[self.i] if self.i < len(self.toks) else (None, None)

    def take(self, value=None):
        tok = self.peek()
        if tok[0] is None or (value is not None and tok[1] != value):
            raise ConfigError(self.field, self.text, f"a well-formed expression (expected {value or 'more'} at token {self.i})")
        self.i += 1
        return tok

    def parse(self) -> Node:
        node = self.ternary()
        if self.i != len(self.toks):
            raise ConfigError(self.field, self.text, f"a well-formed expression (unexpected {self.toks[self.i][1]!r})")
        return node

    def ternary(self) -> Node:
        cond = self.logic()
        if self.peek()[1] == "?":
            self.take("?")
            a = self.ternary()
            self.take(":")
            b = self.ternary()
            return Node("ternary", "?", (cond, a, b))
        return cond

    def logic(self) -> Node:
        node = self.compare()
        while self.peek()[1] in ("&&", "||"):
            op = self.take()[1]
            node = Node("binary", op, (node, self.compare()))
        return node

    def compare(self) -> Node:
        node = self.additive()
        while self.peek()[1] in ("<", ">", "<=", ">=", "==", "!="):
            op = self.take()[1]
            node = Node("binary", op, (node, self.additive()))
        return node

    def additive(self) -> Node:
        node = self.term()
        while self.peek()[1] in ("+", "-"):
            op = self.take()[1]
            node = Node("binary", op, (node, self.term()))
        return node

    def term(self) -> Node:
        node = self.unary()
        while self.peek()[1] in ("*", "/"):
            op = self.take()[1]
            node = Node("binary", op, (node, self.unary()))
        return node

    def unary(self) -> Node:
        if self.peek()[1] in ("-", "+", "!"):
            op = self.take()[1]
            return Node("unary", op, (self.unary(),))
        return self.atom()

    def atom(self) -> Node:
        kind, val = self.take()
        if kind == "num":
            return Node("num", float(val))
        if kind == "name":
            if self.peek()[1] == "(":
                self.take("(")
                args = []
                if self.peek()[1] != ")":
                    args.append(self.ternary())
                    while self.peek()[1] == ",":
                        self.take(",")
                        args.append(self.ternary())
                self.take(")")
                if val not in ex.FUNCTIONS and val not in ex.MACROS:
                    raise ConfigError(self.field, val, "a known function: " + ", ".join(sorted(ex.FUNCTIONS | set(ex.MACROS))))
                return Node("call", val, tuple(args))
            return Node("name", val)
        if val == "(":
            node = self.ternary()
            self.take(")")
            return node
        raise ConfigError(self.field, self.text, f"a well-formed expression (unexpected {val!r})")


_CACHE: dict[tuple[str, str], Node] = {}


def parse(text: str, field: str = "expression") -> Node:
    """The expression tree of ``text`` (cached); :class:`ConfigError` naming ``field`` if malformed."""
    key = (text, field)
    if key not in _CACHE:
        _CACHE[key] = _Parser(text, field).parse()
    return _CACHE[key]


def limexp(a):
    """exp(a) for a <= 80, continued linearly (value and slope continuous) above: exp(80) (a - 79)."""
    a = np.asarray(a, dtype=float)
    return np.exp(np.minimum(a, 80.0)) * (1.0 + np.maximum(a - 80.0, 0.0))


_FUNCS = {
    "exp": np.exp, "sinh": np.sinh, "cosh": np.cosh, "tanh": np.tanh, "sqrt": np.sqrt, "abs": np.abs,
    "ln": np.log, "log10": np.log10, "min": np.minimum, "max": np.maximum, "pow": np.power, "atan": np.arctan, "atanh": np.arctanh,
    "limexp": limexp,
}
_BIN = {"+": np.add, "-": np.subtract, "*": np.multiply, "/": np.divide, "<": np.less, ">": np.greater,
        "<=": np.less_equal, ">=": np.greater_equal, "==": np.equal, "!=": np.not_equal,
        "&&": np.logical_and, "||": np.logical_or}


def evaluate(node: Node | str, env: dict, field: str = "expression"):
    """Value of a tree (or text) with names from ``env`` (numbers or arrays, broadcast by numpy)."""
    if isinstance(node, str):
        node = parse(node, field)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return _eval(node, env, field)


def _eval(node: Node, env: dict, field: str):
    k = node.kind
    if k == "num":
        return node.value
    if k == "name":
        try:
            return env[node.value]
        except KeyError:
            raise ConfigError(field, node.value, "a known symbol: " + ", ".join(sorted(env))) from None
    if k == "unary":
        a = _eval(node.args[0], env, field)
        return -a if node.value == "-" else (np.logical_not(a) if node.value == "!" else a)
    if k == "binary":
        return _BIN[node.value](_eval(node.args[0], env, field), _eval(node.args[1], env, field))
    if k == "ternary":
        c, a, b = (_eval(x, env, field) for x in node.args)
        return np.where(c, a, b)
    # call
    args = [_eval(x, env, field) for x in node.args]
    if node.value in ex.MACROS:
        names, body = ex.MACROS[node.value]
        if len(names) != len(args):
            raise ConfigError(field, node.value, f"{len(names)} arguments ({', '.join(names)})")
        return _eval(parse(body, node.value), dict(zip(names, args, strict=True)), node.value)
    return _FUNCS[node.value](*args)


# ---- a whole export spec -------------------------------------------------------------------------
def spec_env(spec, v, states, T=None, overrides: dict | None = None) -> dict:
    """Symbol table of ``spec`` at voltage ``v`` (V), states (sequence, model units) and ambient ``T`` (K)."""
    env = {p.symbol: p.value for p in spec.params}
    if overrides:
        env.update(overrides)
    if T is not None and spec.ambient_symbol is not None:
        env[spec.ambient_symbol] = T
    env["V"] = np.asarray(v, dtype=float)
    for st, x in zip(spec.states, states, strict=False):
        env[st.name] = np.asarray(x, dtype=float)
    return env


def solve_implicit(spec, env: dict, iterations: int = 400) -> None:
    """Solve the algebraic internal nodes (residual = 0) in ``env`` by damped Newton (numeric slope)."""
    for name, res in spec.implicit:
        tree = parse(res, f"implicit {name}")
        y = np.zeros(np.broadcast(env["V"], *[env[s.name] for s in spec.states]).shape)
        for _ in range(iterations):
            env[name] = y
            r = _eval_defs_then(spec, env, tree)
            h = 1e-7 * (1.0 + np.abs(y))
            env[name] = y + h
            r2 = _eval_defs_then(spec, env, tree)
            slope = (r2 - r) / h
            step = np.clip(-r / np.where(slope == 0, 1.0, slope), -0.05, 0.05)
            y = y + step
            if np.all(np.abs(step) < 1e-15 * (1.0 + np.abs(y))):
                break
        # final Newton steps with an analytic-accuracy secant on the converged point
        env[name] = y


def _eval_defs_then(spec, env: dict, tree: Node):
    from compact.export.spec import evaluation_order
    local = dict(env)
    for d, e in evaluation_order(spec):
        if d == "I_dev":
            local[d] = evaluate(e, local, "current")
        else:
            local[d] = evaluate(e, local, f"definition {d}")
    return evaluate(tree, local)


def evaluate_spec(spec, v, states, T=None, overrides: dict | None = None) -> tuple[np.ndarray, list[np.ndarray]]:
    """(current A, [d(state)/dt per state]) of the exported equations, at the states as given.

    The equations are evaluated literally (no clipping at the bounds): they are what the ngspice
    subcircuit and the Verilog-A module compute for that state.
    """
    from compact.export.spec import evaluation_order
    env = spec_env(spec, v, states, T, overrides)
    if spec.implicit:
        solve_implicit(spec, env)
    for d, e in evaluation_order(spec):
        env[d] = evaluate(e, env, "current" if d == "I_dev" else f"definition {d}")
    shape = np.broadcast(env["V"], *[env[s.name] for s in spec.states]).shape
    cur = np.broadcast_to(np.asarray(env["I_dev"], dtype=float), shape)
    rates = [np.broadcast_to(np.asarray(evaluate(st.rate, env, f"rate of {st.name}"), dtype=float), shape)
             for st in spec.states]
    return cur, rates


class SpecModel:
    """A compact model that runs the *exported* equations in Python (the same tree ngspice and
    Verilog-A get): ``SpecModel(StanfordPKU()).simulate(wave, t)`` integrates the export spec.

    Built on :class:`compact.base.CompactModel` (parameters, bounds and initial state of the wrapped
    model); ``current``/``dstate_dt`` evaluate :func:`evaluate_spec`.
    """

    def __new__(cls, model, **spec_kwargs):
        from compact.base import CompactModel
        from compact.export.spec import build_spec

        spec = build_spec(model, **spec_kwargs)

        class _Spec(CompactModel):
            name = f"{model.name} (export spec)"
            state_names = tuple(s.name for s in spec.states)
            state_units = tuple(s.unit for s in spec.states)
            integrator = model.integrator

            @classmethod
            def default_parameters(cls_):
                return model.params

            def current(self, v, x, T=None):
                x = np.asarray(x, dtype=float)
                return evaluate_spec(spec, v, list(x), T)[0]

            def dstate_dt(self, v, x, T=None):
                x = np.asarray(x, dtype=float)
                return np.stack(evaluate_spec(spec, v, list(x), T)[1])

            def state_bounds(self):
                return (np.array([s.lo for s in spec.states]), np.array([s.hi for s in spec.states]))

            def initial_state(self):
                return np.array([s.x0 for s in spec.states])

        out = _Spec()
        out.spec = spec
        return out
