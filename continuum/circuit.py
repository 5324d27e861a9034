"""External circuit of a Mott threshold switch: source V_s(t) -- R_series -- (device || C_parallel).

Kirchhoff at the device node (device voltage V, device conductance G = I_dev / V for the present
conductivity field, which the PDE gives by one potential solve at unit voltage)::

    C dV/dt = (V_s(t) - V) / R_s - G V

Backward Euler over a step dt is linear in V once G is known, so the circuit is solved exactly inside
every Picard sweep of the PDE (self-consistent coupling)::

    V = (C V_old / dt + V_s / R_s) / (C / dt + 1 / R_s + G)

``R_series = 0`` means an ideal voltage source on the device (then C is irrelevant).  A large
R_series with V_s = I R_s approximates a current source (nearly horizontal load line); the exact
current-controlled mode is :meth:`Circuit.current_source`.
This is the Pearson-Anson relaxation oscillator when the load line crosses the S-shaped NDR branch
(Pearson & Anson, Proc. Phys. Soc. 34, 204 (1921); with NbO2 Mott switches: Pickett,
Medeiros-Ribeiro & Williams, Nat. Mater. 12, 114 (2013)).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from matsim.core import validate
from matsim.core.errors import ConfigError


@dataclass(frozen=True)
class Circuit:
    """Source (V, or a callable t[s] -> V), series resistor (Ohm), parallel capacitor (F).

    ``I_source`` (A) set instead of ``V_source`` makes the device current-controlled (ideal current
    source; R_series and C_parallel are then ignored).
    """

    V_source: float | Callable[[float], float] = 0.0
    R_series: float = 0.0
    C_parallel: float = 0.0
    I_source: float | None = None

    def __post_init__(self):
        if not callable(self.V_source):
            object.__setattr__(self, "V_source", validate.finite("V_source", self.V_source, "V"))
        object.__setattr__(self, "R_series", validate.non_negative("R_series", self.R_series, "Ohm"))
        object.__setattr__(self, "C_parallel", validate.non_negative("C_parallel", self.C_parallel, "F"))
        if self.I_source is not None:
            object.__setattr__(self, "I_source", validate.finite("I_source", self.I_source, "A"))

    @classmethod
    def current_source(cls, I: float) -> "Circuit":
        """An ideal current source of ``I`` amperes on the device."""
        return cls(I_source=I)

    @property
    def current_controlled(self) -> bool:
        return self.I_source is not None

    def source(self, t: float) -> float:
        """V_s(t) in V."""
        v = self.V_source(t) if callable(self.V_source) else self.V_source
        v = float(v)
        if not np.isfinite(v):
            raise ConfigError("V_source", v, "a waveform returning finite volts")
        return v

    def source_current(self, V: float, t: float, I_device: float) -> float:
        """Current delivered by the source (A): through R_series, or the device current without it."""
        if self.current_controlled or self.R_series == 0.0:
            return I_device
        return (self.source(t) - V) / self.R_series

    def describe(self) -> dict:
        """Plain-number description for dataset attrs."""
        if self.current_controlled:
            return {"I_source_A": float(self.I_source)}
        vs = "waveform" if callable(self.V_source) else float(self.V_source)
        return {"V_source_V": vs, "R_series_Ohm": float(self.R_series), "C_parallel_F": float(self.C_parallel)}
