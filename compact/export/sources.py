"""Voltage waveforms -> simulator sources (ngspice and VACASK), exactly or not at all.

:func:`translate` turns a drive into a neutral description that both simulators express natively:

* a number -> ``("dc", v)``;
* a sine (``compact.waveforms.Sine``, :class:`compact.export.verification.SineDrive`, or any object with
  ``amplitude``/``amp``, ``frequency`` and "sin" in its class name) -> ``("sine", offset, amp, f, delay, phase)``;
* a :class:`compact.waveforms.Triangle` -> its corners as a PWL (exact);
* a :class:`compact.waveforms.PulseTrain` -> its corners as a PWL (exact; rise = 0 edges get
  ``EDGE`` = 1e-6 of the width);
* a :class:`compact.waveforms.Square` -> a PWL of its corners (rise = 0) or of its tanh edges sampled
  every rise/8 (error < 1e-3 of the amplitude);
* a piecewise-linear object (``breakpoints()`` or ``t_points``/``v_points``) -> that PWL.

Anything else (e.g. a bare callable ``v(t)``) cannot be written exactly and raises one
:class:`ConfigError` naming ``waveform``: wrap sampled values as ``t_points``/``v_points`` explicitly.
"""

from __future__ import annotations

import numpy as np

from matsim.core.errors import ConfigError

from compact.export import expr as ex

#: width of a step edge (fraction of the pulse width / period) where a waveform has a true jump
EDGE = 1e-6
#: most PWL points a translation may use
MAX_POINTS = 200_000

_WHAT = ("a waveform the simulators can express exactly: a number, a sine, compact.waveforms Triangle, "
         "Square or PulseTrain, or a PWL (breakpoints() or t_points/v_points)")


def _pwl(t, v, t_end):
    t, v = np.asarray(t, float), np.asarray(v, float)
    if not (np.all(np.isfinite(t)) and np.all(np.isfinite(v))) or t.size < 2 or np.any(np.diff(t) <= 0):
        raise ConfigError("waveform", f"PWL with {t.size} points", "finite voltages at >= 2 strictly increasing times")
    if t.size > MAX_POINTS:
        raise ConfigError("waveform", f"{t.size} PWL points", f"at most {MAX_POINTS} (shorter t_end or slower edges)")
    return ("pwl", t, v)


def _periodic_corners(shape_t, shape_v, period, t_end, offset=0.0, delay=0.0, n_max=0):
    k_end = int(np.ceil((t_end - delay) / period)) + 1
    if n_max:
        k_end = min(k_end, n_max)
    ts, vs = [], []
    for k in range(max(k_end, 1)):
        ts.append(delay + k * period + np.asarray(shape_t))
        vs.append(np.asarray(shape_v, float))
    t = np.concatenate(ts)
    v = offset + np.concatenate(vs)
    keep = np.concatenate([[True], np.diff(t) > 0])        # drop duplicated joints
    t, v = t[keep], v[keep]
    if delay > 0:
        t, v = np.concatenate([[0.0], t]), np.concatenate([[offset], v])
    if t[-1] < t_end:
        t, v = np.append(t, t_end), np.append(v, v[-1])
    return t, v


def translate(waveform, t_end: float):
    """The neutral source description of ``waveform`` over ``[0, t_end]`` (see the module docstring)."""
    from compact import waveforms as wf
    if isinstance(waveform, (int, float)) and not isinstance(waveform, bool):
        return ("dc", float(waveform))
    kind = type(waveform).__name__.lower()
    if isinstance(waveform, wf.Triangle):
        P = waveform.period
        return _pwl(*_periodic_corners([0, P / 4, P / 2, 3 * P / 4], [0, waveform.amp, 0, -waveform.amp],
                                       P, t_end, waveform.offset), t_end)
    if isinstance(waveform, wf.PulseTrain):
        P, w, r, a = waveform.period, waveform.width, waveform.rise, waveform.amp
        r_eff = r if r > 0 else EDGE * w
        shape_t = [0.0, r_eff, r_eff + w, 2 * r_eff + w] + ([P] if 2 * r_eff + w < P else [])
        shape_v = [0.0, a, a, 0.0] + ([0.0] if 2 * r_eff + w < P else [])
        return _pwl(*_periodic_corners(shape_t, shape_v, P, t_end, waveform.offset, waveform.delay, waveform.n),
                    t_end)
    if isinstance(waveform, wf.Square):
        P, a, d = waveform.period, waveform.amp, waveform.duty
        if waveform.rise == 0:
            e = EDGE * P
            return _pwl(*_periodic_corners([0, d * P - e, d * P + e, P - e], [a, a, -a, -a], P, t_end,
                                           waveform.offset), t_end)
        t = np.arange(0.0, t_end + waveform.rise / 8, waveform.rise / 8)
        return _pwl(t, waveform(t), t_end)
    a = getattr(waveform, "amplitude", getattr(waveform, "amp", None))
    f = getattr(waveform, "frequency", None)
    if a is not None and f is not None and "sin" in kind:
        return ("sine", float(getattr(waveform, "offset", 0.0) or 0.0), float(a), float(f),
                float(getattr(waveform, "delay", 0.0) or 0.0), float(getattr(waveform, "phase", 0.0) or 0.0))
    if hasattr(waveform, "breakpoints"):
        return _pwl(*waveform.breakpoints(), t_end)
    if hasattr(waveform, "t_points") and hasattr(waveform, "v_points"):
        return _pwl(waveform.t_points, waveform.v_points, t_end)
    raise ConfigError("waveform", repr(waveform)[:80], _WHAT)


def ngspice_text(src) -> str:
    """ngspice source text of a :func:`translate` result."""
    if src[0] == "dc":
        return f"DC {ex.num(src[1])}"
    if src[0] == "sine":
        _, off, a, f, delay, phase = src
        return f"SIN({ex.num(off)} {ex.num(a)} {ex.num(f)} {ex.num(delay)} 0 {ex.num(np.degrees(phase))})"
    _, t, v = src
    return "PWL(" + " ".join(f"{ex.num(x)} {ex.num(y)}" for x, y in zip(t, v, strict=True)) + ")"


def vacask_text(src) -> str:
    """VACASK ``vsource`` parameters of a :func:`translate` result."""
    if src[0] == "dc":
        return f"dc={ex.num(src[1])}"
    if src[0] == "sine":
        _, off, a, f, delay, phase = src
        if phase:
            raise ConfigError("waveform.phase", phase, "0 for simulator='vacask' (shift the drive with delay)")
        return (f'dc={ex.num(off)} type="sine" sinedc={ex.num(off)} ampl={ex.num(a)} freq={ex.num(f)}'
                + (f" delay={ex.num(delay)}" if delay else ""))
    _, t, v = src
    vals = ", ".join(f"{ex.num(x)}, {ex.num(y)}" for x, y in zip(t, v, strict=True))
    return f'dc={ex.num(v[0])} type="pwl" wave=[{vals}]'
