"""Per-model equation specs: what an exported device computes, independent of the target format.

A *spec builder* (one small module per model class in :mod:`compact.export.models`) turns a model
instance into :class:`Equations`: the current ``I(V, state)`` and one rate ``d(state)/dt`` per state,
written in the neutral language of :mod:`compact.export.expr` with the model's own parameter names.
:func:`build_spec` adds everything a writer needs: parameters in SI with units and provenance (checked
finite), names that are legal and unique in SPICE (case-insensitive) and Verilog-A, state bounds,
scales and initial values, physical constants and the smoothing widths.

>>> from compact.export.spec import register, Equations
>>> @register("MyModel")
... def _my_model(model):
...     return Equations(current="G*x*V", rates={"x": "k*V"})
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from matsim.core import units
from matsim.core.errors import ConfigError
from matsim.core.registry import Registry, scan_decorated

from compact.export import expr as ex

#: words that must not be used as parameter/node names in ngspice expressions or Verilog-A
RESERVED = frozenset(
    {"v", "i", "time", "temper", "hertz", "pi", "e", "gmin", "if", "else", "begin", "end", "module",
     "endmodule", "parameter", "real", "integer", "analog", "input", "output", "inout", "electrical",
     "from", "exclude", "inf", "ddt", "idt", "function", "endfunction", "branch", "case", "for",
     "while", "repeat", "default", "table", "string", "p", "n", "temp"}
    | set(ex.FUNCTIONS) | set(ex.MACROS))

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass
class Equations:
    """What a spec builder returns (neutral-language expressions, model parameter names).

    current : device current I (A) from terminal p to n, in ``V`` (V), states and parameters.
    rates : state name -> d(state)/dt (state unit per s). The writers evaluate it at the smoothly
        bounded state (a logit node, see :mod:`compact.export.lower`), so it never leaves its bounds.
    defs : ordered intermediate quantities ``(name, expression)``; ``I_dev`` (the current) is
        always available to rates.
    constants : extra numbers the equations use (name -> (value SI, unit, comment)), e.g. ``q_e``.
    notes : lines for the header comment (equation, paper).
    scales : state name -> node scale (node voltage = state / scale); default: bound range or 1.
    temperature_state : name of the state that is a device temperature (K), if any.
    """

    current: str
    rates: dict[str, str]
    defs: list[tuple[str, str]] = field(default_factory=list)
    constants: dict[str, tuple[float, str, str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    scales: dict[str, float] = field(default_factory=dict)
    temperature_state: str | None = None
    #: a drive that switches the device for :func:`compact.export.verify`: (amplitude V, frequency Hz, periods)
    drive: tuple[float, float, float] | None = None
    #: algebraic internal node voltages ``(name, residual)``: the simulator solves residual = 0 for
    #: ``name`` (V) at every time point, e.g. the interface voltage of a series resistance + Schottky
    #: diode that the Python model finds by Newton iteration
    implicit: list[tuple[str, str]] = field(default_factory=list)
    #: max time step / run length that :func:`compact.export.verify` needs for this model (abrupt edges)
    max_step_fraction: float = 2e-4
    #: the circuit simulator's max step as a fraction of Python's in :func:`compact.export.verify`
    #: (ngspice's 2nd-order gear needs finer steps than LSODA through a runaway switching edge)
    spice_step_ratio: float = 1.0
    #: a line for the subcircuit header: options a plain netlist needs for accuracy, with the reason
    options_note: str = ""
    #: ngspice ``.options`` of :func:`compact.export.verify` when the tight default stalls Newton
    verify_options: str | None = None
    #: optional thermal terminal: {"temperature": def or state name of the device temperature (K),
    #: "power": heat dissipated (W), "R_th": parameter (K/W), "C_th": parameter (J/K) or None}
    thermal: dict | None = None


#: symbol of the thermal-port node voltage (temperature rise over ambient, K) in the equations
PORT_SYMBOL = "DT_port"


@dataclass(frozen=True)
class ExportParam:
    """One exported parameter: file name, SI value, SI unit and where it came from."""

    name: str            # name in the exported file (legal, unique in SPICE and Verilog-A)
    value: float         # SI
    unit: str            # SI unit
    comment: str         # value as given, source, note
    symbol: str          # name used in the equation templates
    from_model: bool = False   # False for constants, export settings and initial states


@dataclass(frozen=True)
class StateSpec:
    name: str           # model state name (symbol in expressions)
    node: str           # internal node name
    unit: str
    lo: float
    hi: float
    scale: float
    x0: float
    rate: str           # neutral expression (physical units / s)


@dataclass
class ExportSpec:
    """Everything a writer needs; built by :func:`build_spec`."""

    model_name: str
    params: list[ExportParam]
    states: list[StateSpec]
    current: str
    defs: list[tuple[str, str]]
    notes: list[str]
    temperature_state: str | None
    drive: tuple[float, float, float] | None
    references: list[str]
    #: "gate" (well-posed logit states, default; the name is historical) or "clip" (literal simulate semantics)
    bounds: str = "gate"
    implicit: list[tuple[str, str]] = field(default_factory=list)
    #: max time step / run length that :func:`compact.export.verify` needs for this model (abrupt edges)
    max_step_fraction: float = 2e-4
    #: the circuit simulator's max step as a fraction of Python's in :func:`compact.export.verify`
    #: (ngspice's 2nd-order gear needs finer steps than LSODA through a runaway switching edge)
    spice_step_ratio: float = 1.0
    #: symbol of the ambient temperature (K) when the equations use it (bound to the simulator's
    #: temperature by the writers), else None: the model has no temperature dependence
    ambient_symbol: str | None = None
    options_note: str = ""
    verify_options: str | None = None
    #: (power expression W, R_th symbol, C_th symbol or None) when exported with a thermal terminal
    thermal: tuple[str, str, str | None] | None = None
    #: Monte-Carlo: ([(symbol, "lognormal"|"normal", sigma)], L) with z = L u, u ~ N(0, 1) per instance
    mc: tuple[list[tuple[str, str, float]], list[list[float]]] | None = None
    #: noise current sources in parallel with the device: {"white": A rms, "flicker": A, "alpha": 1,
    #: "rtn": A, "rtn_capture": s, "rtn_emission": s, "dt": s}
    noise: dict | None = None

    def mc_value(self, symbol: str, u: list[str]) -> str | None:
        """Neutral expression of a varied parameter in the standard normals ``u`` (None if not varied)."""
        if self.mc is None:
            return None
        items, L = self.mc
        for k, (sym, dist, sig) in enumerate(items):
            if sym == symbol:
                z = " + ".join(f"{ex.num(L[k][j])}*{u[j]}" for j in range(k + 1) if L[k][j] != 0.0)
                if dist == "lognormal":
                    return f"{sym}*exp(mc_on*{ex.num(sig)}*({z}))"
                return f"{sym} + mc_on*{ex.num(sig)}*abs({sym})*({z})"
        return None

    @property
    def names(self) -> dict[str, str]:
        """Expression symbol -> exported parameter name."""
        return {p.symbol: p.name for p in self.params}

    def model_values(self) -> dict[str, float]:
        """Model parameter name -> SI value as exported."""
        return {p.symbol: p.value for p in self.params if p.from_model}

    def param(self, symbol: str) -> ExportParam:
        return next(p for p in self.params if p.symbol == symbol)


#: export spec registry: model class name -> ``"compact.export.models.<module>:<builder>"``, read from the
#: ``@register("Name")`` lines of :mod:`compact.export.models` (no import); a builder module is imported
#: when its model is first exported. A name registered twice (from a different function) is refused.
SPECS = Registry("export spec", lambda: scan_decorated(Path(__file__).resolve().parent / "models",
                                                       "compact.export.models", "register"))


def register(class_name: str, thermal: bool = False):
    """Decorator: register ``fn(model) -> Equations`` as the spec builder of a model class name
    (``thermal``: its equations define a thermal terminal). A second builder for one class name raises
    :class:`~matsim.core.registry.RegistryError`."""
    def deco(fn):
        fn.has_thermal = thermal
        SPECS.add(class_name, fn)
        return fn
    return deco


def supported_models() -> list[str]:
    """Model class names that can be exported."""
    return SPECS.names()


def builder_for(model) -> Callable:
    """The spec builder of ``model``'s class (or of its nearest registered base class)."""
    for cls in type(model).__mro__:
        if cls.__name__ in SPECS:
            return SPECS.get(cls.__name__)
    raise ConfigError("model", type(model).__name__,
                      "a compact model with an export spec: " + ", ".join(SPECS.names()))


def si_unit(unit_name: str) -> str:
    """SI spelling of a unit's dimension, e.g. 'eV' -> 'J', 'nm' -> 'm', 'mA' -> 'A'."""
    u = units.unit(unit_name)
    if u.factor == 1.0 and u.offset == 0.0 and unit_name.isascii():
        return unit_name
    for cand in ("1", "J", "m", "s", "A", "V", "K", "W", "ohm", "Ohm", "S", "F", "C", "1/s", "Hz", "K/W", "J/K",
                 "V/m", "m/s", "S/m", "kg", "W/K", "m^2/s", "V^-0.5", "1/V"):
        try:
            cu = units.unit(cand)
        except ConfigError:
            continue
        if cu.dim == u.dim and cu.factor == 1.0 and cu.offset == 0.0:
            return cand if cand.isascii() else cu.name
    return units.dimension_name(u.dim)


def export_names(names: list[str], reserved=RESERVED) -> dict[str, str]:
    """Legal, case-insensitively unique names (SPICE folds case); clashes get a ``_2``, ``_3`` suffix."""
    taken: set[str] = set()
    out = {}
    for name in names:
        base = name if _IDENT.match(name) else re.sub(r"\W", "_", name)
        if not re.match(r"^[A-Za-z_]", base):
            base = "p_" + base
        cand, k = base, 1
        while cand.lower() in taken or cand.lower() in reserved:
            k += 1
            cand = f"{base}_{k}"
        taken.add(cand.lower())
        out[name] = cand
    return out


def _check_finite(field_name: str, value, unit: str) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ConfigError(field_name, value, f"a finite number in {unit} (a scalar parameter)") from None
    if not np.isfinite(v):
        raise ConfigError(field_name, value, f"a finite number in {unit} before export")
    return v


#: smoothing settings (in scaled state units, where the state range is ~1) and the DC hold of the states
EXPORT_SETTINGS: dict[str, tuple[float, str, str]] = {
    "eps_clip": (1e-5, "1", "width of the smooth clip of linear (temperature) state nodes (node units)"),
    "L_hold": (1e12, "H", "ngspice: inductor tying each state node to its initial value (short in DC, open in .tran)"),
    "G_hold": (1e9, "S", "Verilog-A: conductance tying each state node to its initial value in DC analyses only"),
}
#: added when the equations use the ambient temperature
TEMPER_SETTING = ("use_temper", 1.0, "1",
                  "1: ambient = simulator temperature (ngspice temper + 273.15, Verilog-A $temperature); 0: T_ambient")


def _with_thermal_port(model, eqs: Equations) -> Equations:
    """Equations with the device temperature taken from a thermal terminal (``T_ambient + V(th)``)."""
    th = eqs.thermal
    if th is None:
        raise ConfigError("thermal_port", True, f"False for {type(model).__name__}: a thermal terminal is "
                          "exported for models with a device temperature (" + ", ".join(
                              sorted(k for k, f in SPECS.items() if getattr(f, "has_thermal", False))) + ")")
    name = th["temperature"]
    defs = [(d, e) for d, e in eqs.defs if d != name]
    defs.insert(0, (name, f"T_ambient + {PORT_SYMBOL}"))
    rates = {k: v for k, v in eqs.rates.items() if k != name}
    from dataclasses import replace
    return replace(eqs, defs=defs, rates=rates,
                   temperature_state=None if eqs.temperature_state == name else eqs.temperature_state,
                   scales={k: v for k, v in eqs.scales.items() if k != name})


#: noise settings: name -> (default, unit, what, lower bound, strict)
NOISE_FIELDS: dict[str, tuple[float, str, str, float, bool]] = {
    "white": (0.0, "A", "white current noise, rms over the band 1/(2 dt)", 0.0, False),
    "flicker": (0.0, "A", "1/f current noise amplitude (ngspice trnoise NAMP; Verilog-A flicker_noise PSD A^2/Hz at 1 Hz)", 0.0, False),
    "alpha": (1.0, "1", "1/f exponent (0 < alpha < 2)", 0.0, True),
    "rtn": (0.0, "A", "random-telegraph current step (ngspice only)", 0.0, False),
    "rtn_capture": (1e-6, "s", "mean capture time of the RTN trap", 0.0, True),
    "rtn_emission": (1e-6, "s", "mean emission time of the RTN trap", 0.0, True),
    "dt": (1e-9, "s", "time step of the transient noise samples (ngspice trnoise NT)", 0.0, True),
}


def check_noise(noise: dict) -> dict:
    """Validated noise settings (defaults filled in); one :class:`ConfigError` naming ``noise.<field>``."""
    if not isinstance(noise, dict):
        raise ConfigError("noise", noise, "a mapping {" + ", ".join(NOISE_FIELDS) + ": value}")
    out = {}
    for k in noise:
        if k not in NOISE_FIELDS:
            raise ConfigError(f"noise.{k}", noise[k], "one of " + ", ".join(NOISE_FIELDS))
    for k, (default, unit, what, lo, strict) in NOISE_FIELDS.items():
        v = _check_finite(f"noise.{k}", noise.get(k, default), unit)
        if v < lo or (strict and v <= lo):
            raise ConfigError(f"noise.{k}", v, f"{'>' if strict else '>='} {lo:g} {unit} ({what})")
        out[k] = v
    if out["alpha"] >= 2:
        raise ConfigError("noise.alpha", out["alpha"], "0 < alpha < 2")
    return out


def build_spec(model, bounds: str = "gate", thermal_port: bool = False, params: dict | None = None,
               variability: dict | None = None, noise: dict | None = None) -> ExportSpec:
    """Collect equations, parameters, states and settings of ``model`` for the writers.

    ``thermal_port``: the device temperature becomes ``T_ambient + V(th)`` of a third terminal ``th``
    into which the device injects its dissipated power (internal R_th, and C_th where the model has
    one, to ground), so devices can be coupled through a thermal-resistance network.

    ``params``: parameter overrides (stored units) applied before export; ``variability``:
    ``{"spread": {...}, "correlation": ...}`` as :func:`compact.variability.sample` -> per-instance
    Monte-Carlo parameters; ``noise``: :data:`NOISE_FIELDS` -> noise current sources.

    Raises :class:`ConfigError` naming the parameter when a value is not finite or unknown, and when
    the model's class has no registered spec (or no thermal terminal).
    """
    from matsim.core.validate import one_of
    one_of("bounds", bounds, ("gate", "clip"))
    if params:
        unknown = sorted(set(params) - set(model.params))
        if unknown:
            raise ConfigError(f"params.{unknown[0]}", params[unknown[0]],
                              f"a parameter of {type(model).__name__}: one of {', '.join(model.params)}")
        model = model.with_params(**params)
    mc = None
    if variability is not None:
        from compact.variability import correlated_spread
        if not isinstance(variability, dict) or set(variability) - {"spread", "correlation"}:
            raise ConfigError("variability", variability, "a mapping with 'spread' (and optional 'correlation')")
        names_, dists, sig, L = correlated_spread(model, variability.get("spread"), variability.get("correlation"))
        mc = ([(n, d, float(s)) for n, d, s in zip(names_, dists, sig, strict=True)], L.tolist())
    noise = check_noise(noise) if noise is not None else None
    eqs: Equations = builder_for(model)(model)
    if thermal_port:
        eqs = _with_thermal_port(model, eqs)
    ps = model.params
    model_names = list(ps)
    for k in model_names:
        _check_finite(k, getattr(model.p, k, ps[k].si), si_unit(ps[k].unit))
    state_names = [s for s in model.state_names if s in eqs.rates or not thermal_port]
    ambient = _ambient_symbol(eqs, model_names)
    settings = dict(EXPORT_SETTINGS)
    if mc is not None:
        settings["mc_on"] = (1.0, "1", "1: per-instance Monte-Carlo draws (compact.variability spreads); 0: nominal")
    for k, v in (noise or {}).items():
        settings[f"noise_{k}"] = (v, NOISE_FIELDS[k][1], NOISE_FIELDS[k][2])
    if ambient is not None:
        settings[TEMPER_SETTING[0]] = TEMPER_SETTING[1:]
    all_names = model_names + list(eqs.constants) + list(settings) + [f"x0_{s}" for s in state_names]
    reserved = RESERVED | {s.lower() for s in state_names} | {d.lower() for d, _ in eqs.defs} | {"i_dev"} \
        | {n.lower() for n, _ in eqs.implicit}
    fnames = export_names(all_names, reserved)
    params = []
    for k in model_names:
        p = ps[k]
        value = _check_finite(k, getattr(model.p, k, p.si), si_unit(p.unit))
        shown = f"{p.value:g} {p.unit}" if isinstance(p.value, float) else f"{p.value} {p.unit}"
        comment = f"{shown}; {p.source}" + (f"; {p.note}" if p.note else "")
        params.append(ExportParam(fnames[k], value, si_unit(p.unit), comment.replace("\n", " "), k, True))
    for k, (val, unit, comment) in eqs.constants.items():
        params.append(ExportParam(fnames[k], _check_finite(k, val, unit), unit, comment, k))
    for k, (val, unit, comment) in settings.items():
        params.append(ExportParam(fnames[k], val, unit, comment, k))

    lo, hi = (np.asarray(b, dtype=float) for b in model.state_bounds())
    x0 = np.asarray(model.initial_state(), dtype=float)
    keep = [j for j, s in enumerate(model.state_names) if s in state_names]
    lo, hi, x0 = lo[keep], hi[keep], x0[keep]
    states = []
    node_names = export_names([f"s_{s}" if s.lower() in RESERVED else s for s in state_names],
                              RESERVED | {n.lower() for n in fnames.values()})
    for j, s in enumerate(state_names):
        if s not in eqs.rates:
            raise ConfigError("rates", s, f"a rate expression for every state of {model.name}")
        unit = dict(zip(model.state_names, model.state_units, strict=False)).get(s, "1")
        scale = eqs.scales.get(s)
        if scale is None:
            rng = hi[j] - lo[j]
            scale = float(rng) if np.isfinite(rng) and rng > 0 else 1.0
        scale = _check_finite(f"scale of state {s}", scale, unit)
        node = node_names[f"s_{s}" if s.lower() in RESERVED else s]
        states.append(StateSpec(s, node, unit, float(lo[j]), float(hi[j]), scale,
                                _check_finite(f"initial {s}", x0[j], unit), eqs.rates[s]))
        if ambient is not None and s == eqs.temperature_state:
            # -1: start at the ambient temperature (the simulator's with use_temper=1)
            params.append(ExportParam(fnames[f"x0_{s}"], -1.0, "K", f"initial {s} (K); < 0: the ambient temperature",
                                      f"x0_{s}"))
        else:
            params.append(ExportParam(fnames[f"x0_{s}"], float(x0[j]), si_unit(unit) if unit else "1",
                                      f"initial value of state {s}", f"x0_{s}"))
    return ExportSpec(model_name=type(model).__name__, params=params, states=states, current=eqs.current,
                      defs=list(eqs.defs), notes=list(eqs.notes), temperature_state=eqs.temperature_state,
                      drive=eqs.drive, references=list(getattr(ps, "references", [])), bounds=bounds,
                      implicit=list(eqs.implicit), max_step_fraction=eqs.max_step_fraction,
                      spice_step_ratio=eqs.spice_step_ratio,
                      ambient_symbol=ambient, options_note=eqs.options_note,
                      verify_options=eqs.verify_options,
                      thermal=(eqs.thermal["power"], eqs.thermal["R_th"], eqs.thermal.get("C_th"))
                      if thermal_port else None, mc=mc, noise=noise)


def _ambient_symbol(eqs: Equations, model_names: list[str]) -> str | None:
    """"T_ambient" when a model parameter of that name appears in the equations, else None."""
    if "T_ambient" not in model_names:
        return None
    texts = [eqs.current, *eqs.rates.values(), *(e for _, e in eqs.defs), *(e for _, e in eqs.implicit)]
    used = {name for t in texts for _, _, name, call in ex.identifiers(t) if not call}
    return "T_ambient" if "T_ambient" in used else None


def evaluation_order(spec: ExportSpec) -> list[tuple[str, str]]:
    """Definitions and ``("I_dev", current)`` ordered so each comes after what it uses.

    A definition may use the device current (e.g. a self-heating temperature ``T0 + I_dev V R_th``)
    and the current may use definitions; a cycle is refused.
    """
    from compact.export.expr import identifiers
    items = list(spec.defs) + [("I_dev", spec.current)]
    names = {n for n, _ in items}
    done: list[tuple[str, str]] = []
    known: set[str] = set()
    pending = items
    while pending:
        ready = [(n, e) for n, e in pending
                 if all(tok in known or tok not in names for _, _, tok, call in identifiers(e) if not call)]
        if not ready:
            raise ConfigError("defs", [n for n, _ in pending], "definitions without a circular dependency")
        for item in ready:
            done.append(item)
            known.add(item[0])
        pending = [it for it in pending if it not in ready]
    return done
