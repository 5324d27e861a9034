"""Voltage waveforms ``v(t)`` for :meth:`compact.base.CompactModel.simulate`.

Each is a callable object (vectorized over ``t`` in s, returns V) with attributes ``period`` (s,
``inf`` for a single pulse train without repetition) and ``max_step`` (s, a step small enough for
the integrator to resolve the edges / the sine). Zero or negative periods and widths raise
:class:`~matsim.core.errors.ConfigError` naming the field.

>>> w = sine(amp=1.0, f=1e3)                 # 1 V, 1 kHz
>>> w = square(amp=0.45, f=5.8e6, offset=0.02)
>>> w = parse("sine:amp=1,f=1e3")            # the CLI syntax
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matsim.core import validate
from matsim.core.errors import ConfigError


@dataclass(frozen=True)
class Waveform:
    """Base: subclasses implement ``__call__(t)``; ``period`` and ``max_step`` in s."""

    period: float

    def __post_init__(self):
        validate.positive("period", self.period, "s")

    @property
    def frequency(self) -> float:
        return 1.0 / self.period

    @property
    def max_step(self) -> float:
        return self.period / 100.0

    def times(self, n_periods: float = 2.0, points_per_period: int = 200) -> np.ndarray:
        """Sample times (s) covering ``n_periods`` periods."""
        validate.positive("n_periods", n_periods)
        n = int(round(n_periods * points_per_period)) + 1
        return np.linspace(0.0, n_periods * self.period, n)


@dataclass(frozen=True)
class Sine(Waveform):
    """v = offset + amp sin(2 pi t / period + phase)."""

    amp: float = 1.0
    offset: float = 0.0
    phase: float = 0.0

    def __call__(self, t):
        return self.offset + self.amp * np.sin(2 * np.pi * np.asarray(t, dtype=float) / self.period + self.phase)


@dataclass(frozen=True)
class Triangle(Waveform):
    """Triangle sweep 0 -> +amp -> 0 -> -amp -> 0 per period (plus ``offset``): the usual bipolar I-V sweep."""

    amp: float = 1.0
    offset: float = 0.0

    def __call__(self, t):
        ph = np.mod(np.asarray(t, dtype=float) / self.period, 1.0)
        return self.offset + self.amp * (2.0 / np.pi) * np.arcsin(np.sin(2 * np.pi * ph))


@dataclass(frozen=True)
class Square(Waveform):
    """Bipolar square wave +amp / -amp (duty ``duty``) around a DC ``offset``, edges of ``rise`` s (tanh)."""

    amp: float = 1.0
    offset: float = 0.0
    duty: float = 0.5
    rise: float = 0.0

    def __post_init__(self):
        super().__post_init__()
        validate.in_range("duty", self.duty, 0.0, 1.0, inclusive=False)
        validate.non_negative("rise", self.rise, "s")

    @property
    def max_step(self) -> float:
        return self.period / 200.0

    def __call__(self, t):
        ph = np.mod(np.asarray(t, dtype=float), self.period)
        if self.rise > 0:
            s = (np.tanh(ph / self.rise) - np.tanh((ph - self.duty * self.period) / self.rise)
                 + np.tanh((ph - self.period) / self.rise))
        else:
            s = np.where(ph < self.duty * self.period, 1.0, -1.0)
        return self.offset + self.amp * s


@dataclass(frozen=True)
class PulseTrain(Waveform):
    """Rectangular pulses of height ``amp`` and width ``width`` every ``period`` starting at ``delay``,
    baseline ``offset``; ``n`` pulses (0 = unlimited). Edges of ``rise`` s (linear ramps)."""

    amp: float = 1.0
    width: float = 0.0
    offset: float = 0.0
    delay: float = 0.0
    rise: float = 0.0
    n: int = 0

    def __post_init__(self):
        super().__post_init__()
        validate.positive("width", self.width, "s")
        if self.width + 2 * self.rise > self.period:
            raise ConfigError("width", self.width, f"a pulse width + 2 rise <= period = {self.period:g} s")
        validate.non_negative("delay", self.delay, "s")
        validate.non_negative("rise", self.rise, "s")

    @property
    def max_step(self) -> float:
        return max(min(self.width, self.rise if self.rise > 0 else self.width) / 10.0, 1e-300)

    def __call__(self, t):
        t = np.asarray(t, dtype=float)
        tau = t - self.delay
        k = np.floor(tau / self.period)
        ph = tau - k * self.period
        if self.rise > 0:
            shape = np.clip(np.minimum(ph / self.rise, (self.width + 2 * self.rise - ph) / self.rise), 0.0, 1.0)
        else:
            shape = ((ph >= 0) & (ph < self.width)).astype(float)
        on = tau >= 0
        if self.n:
            on &= k < self.n
        return self.offset + self.amp * shape * on


def _checked_frequency(f, period):
    if period is None:
        if f is None:
            raise ConfigError("f", None, "a frequency > 0 Hz (or a period > 0 s)")
        validate.positive("f", f, "Hz")
        return 1.0 / float(f)
    return float(period)


def sine(amp: float = 1.0, f: float | None = None, offset: float = 0.0, phase: float = 0.0,
         period: float | None = None) -> Sine:
    """Sine of amplitude ``amp`` (V), frequency ``f`` (Hz) or ``period`` (s), DC ``offset`` (V)."""
    return Sine(period=_checked_frequency(f, period), amp=amp, offset=offset, phase=phase)


def triangle(amp: float = 1.0, f: float | None = None, offset: float = 0.0, period: float | None = None) -> Triangle:
    """Bipolar triangle sweep (V) of frequency ``f`` (Hz)."""
    return Triangle(period=_checked_frequency(f, period), amp=amp, offset=offset)


def square(amp: float = 1.0, f: float | None = None, offset: float = 0.0, duty: float = 0.5, rise: float = 0.0,
           period: float | None = None) -> Square:
    """Bipolar square wave ±``amp`` (V) around DC ``offset`` (V), frequency ``f`` (Hz)."""
    return Square(period=_checked_frequency(f, period), amp=amp, offset=offset, duty=duty, rise=rise)


def pulses(amp: float = 1.0, width: float = 1e-6, period: float | None = None, f: float | None = None,
           offset: float = 0.0, delay: float = 0.0, rise: float = 0.0, n: int = 0) -> PulseTrain:
    """Pulse train: height ``amp`` (V), ``width`` (s), repetition ``period`` (s) or ``f`` (Hz), ``n`` pulses."""
    return PulseTrain(period=_checked_frequency(f, period), amp=amp, width=width, offset=offset, delay=delay,
                      rise=rise, n=int(n))


FACTORIES = {"sine": sine, "triangle": triangle, "square": square, "pulses": pulses}


def parse(spec: str) -> Waveform:
    """``"sine:amp=1,f=1e3"`` -> :func:`sine` (amp=1, f=1e3); kinds: sine, triangle, square, pulses."""
    kind, _, rest = str(spec).partition(":")
    validate.one_of("waveform", kind.strip(), tuple(FACTORIES))
    kwargs = {}
    for item in filter(None, (s.strip() for s in rest.split(","))):
        key, eq, val = item.partition("=")
        if not eq:
            raise ConfigError("waveform", spec, "'kind:key=value,key=value' (e.g. 'sine:amp=1,f=1e3')")
        try:
            kwargs[key.strip()] = float(val)
        except ValueError:
            raise ConfigError(f"waveform.{key.strip()}", val, "a number") from None
    if "n" in kwargs:
        kwargs["n"] = int(kwargs["n"])
    try:
        return FACTORIES[kind.strip()](**kwargs)
    except TypeError as exc:
        raise ConfigError("waveform", spec, f"valid arguments of {kind}: {exc}") from None
