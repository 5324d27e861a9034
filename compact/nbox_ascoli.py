"""NbOx volatile threshold switch with the filament temperature as state (Ascoli / Messaris form).

Model (memductance form of Messaris et al., ISCAS 2020, "A simplified model for a NbO2 Mott
memristor physical realization", used by Ascoli, Demirkol, Tetzlaff & Chua in the NaMLab-memristor
edge-of-chaos studies, IEEE TCAS-I 69, 1252 and 4596 (2022))::

    i_M      = G(T) v_M                                      (current, A)
    G(T)     = exp(-(E_a / k_B) (1/T - 1/T_ref)) / R_ref     (memductance, S; Arrhenius / small-field
                                                              Poole-Frenkel of Slesazeck et al.,
                                                              RSC Adv. 5, 102318 (2015))
    C_th dT/dt = G(T) v_M^2 w(T) - (T - T_amb) / R_th        (Joule heating vs loss to the ambient)
    w(T)     = 1 - exp(-(T_max - T) / T_window)              (heating fades out at the validity bound)

The state x = (T,) is the absolute filament temperature in K. The window w keeps T inside
[1 K, T_max] for any bias (well-posed export, as in :class:`compact.mott.MottThermal`); it differs
from 1 by exp(-(T_max - T)/T_window), under 1e-10 below 1500 K with the defaults, so the static-curve
and small-signal formulas below neglect it.

Provenance: the published G(x, v) of the NaMLab device and its fitted numbers were **not** found in
any public source reachable from here (searched: code, docs, pages corpora for "NaMLab memristor",
"Ascoli NbOx", "Messaris NbO2", "Slesazeck Poole-Frenkel"). The form above is the one the Messaris
abstract states (current linear in voltage, memductance a function of temperature only); the numbers
are assumed, chosen so that the device shows a current-controlled negative differential resistance
(NDR) between about 330 K and the thermal runaway, a threshold near 0.5 V / 0.5 mA and a
~10 ns thermal time constant. NDR needs (E_a/k_B) (T - T_amb) / T^2 > 1, i.e. T > ~332 K here.

Static (DC) curve, parametrized by the temperature (every T is a steady state for one current)::

    p(T) = (T - T_amb)/R_th,   v(T) = sqrt(p / G(T)),   i(T) = G(T) v(T)

Small-signal (local activity) quantities at a DC point: a(T) = 1/R_th - G'(T) v^2 (< 0 on the NDR
branch, where the voltage-driven device is unstable) and the DC differential resistance
R_d = 1 / (G + 2 G G' v^2 / a) (< 0 on the NDR branch; Chua's local-activity criterion).
"""

from __future__ import annotations

import numpy as np

from compact.base import CompactModel
from compact.smooth import window_from_upper
from matsim.core import units
from matsim.core.errors import ConfigError
from matsim.core.parameters import Parameter, ParameterSet

_MESSARIS = "Messaris et al., ISCAS 2020 (i = G(T) v form)"


class NbOxAscoli(CompactModel):
    """Thermally driven NbOx threshold switch, state ``T`` (K); see the module docstring."""

    name = "NbOx-Ascoli"
    state_names = ("T",)
    state_units = ("K",)
    integrator = "Radau"

    @classmethod
    def default_parameters(cls) -> ParameterSet:
        return ParameterSet({
            "E_a": Parameter(0.30, "eV", "assumed; Poole-Frenkel trap depth scale of Slesazeck et al., RSC Adv. 2015",
                             "activation energy of the memductance"),
            "R_ref": Parameter(600.0, "Ohm", "assumed", "device resistance at T_ref"),
            "T_ref": Parameter(300.0, "K", "assumed", "reference temperature of R_ref"),
            "R_th": Parameter(1.0e5, "K/W", "assumed; order of nanoscale NbOx cells (Slesazeck 2015: ~150 K rise at threshold)"),
            "C_th": Parameter(1.0e-13, "J/K", "assumed; thermal time constant R_th*C_th = 10 ns"),
            "T_ambient": Parameter(300.0, "K", "assumed (room temperature)"),
            "T_max": Parameter(2000.0, "K", "model validity bound (filament melts / model not fitted above)"),
            "T_window": Parameter(20.0, "K", "assumed: Joule heating fades out within ~T_window below T_max "
                                  "(keeps T in its bounds for any bias; as in MottThermal)"),
        }, name="NbOx-Ascoli", references=[_MESSARIS, "Slesazeck et al., RSC Adv. 5, 102318 (2015)",
                                           "Ascoli et al., Front. Neurosci. 15, 651452 (2021)"])

    def validate(self) -> None:
        p = self.p
        for k in ("E_a", "R_ref", "T_ref", "R_th", "C_th", "T_ambient", "T_max", "T_window"):
            if not np.isfinite(getattr(p, k)) or getattr(p, k) <= 0:
                raise ConfigError(k, self.params[k].value, f"a finite number > 0 {self.params[k].unit}")
        if p.T_max <= p.T_ambient:
            raise ConfigError("T_max", p.T_max, f"a temperature above T_ambient = {p.T_ambient:g} K")

    # ---- device equations ---------------------------------------------------------------------
    def memductance(self, T):
        """G(T) in S."""
        T = np.asarray(T, dtype=float)
        return np.exp(-(self.p.E_a / units.k_B) * (1.0 / T - 1.0 / self.p.T_ref)) / self.p.R_ref

    def dmemductance_dT(self, T):
        """dG/dT in S/K."""
        T = np.asarray(T, dtype=float)
        return self.memductance(T) * self.p.E_a / (units.k_B * T * T)

    def _ambient(self, T):
        return self.p.T_ambient if T is None else T

    def current(self, v, x, T=None):
        x = np.asarray(x, dtype=float)
        return self.memductance(x[0]) * np.asarray(v, dtype=float)

    def conductance(self, v, x, T=None, dv: float = 0.0):
        """dI/dV at fixed state = G(T) (S)."""
        x = np.asarray(x, dtype=float)
        return self.memductance(x[0]) * np.ones_like(np.asarray(v, dtype=float))

    def dstate_dt(self, v, x, T=None):
        x = np.asarray(x, dtype=float)
        v = np.asarray(v, dtype=float)
        Tf = x[0]
        heating = self.memductance(Tf) * v * v * window_from_upper(Tf, self.p.T_max, self.p.T_window)
        dT = (heating - (Tf - self._ambient(T)) / self.p.R_th) / self.p.C_th
        return dT[None, ...] if np.ndim(dT) == np.ndim(x) - 1 else dT

    def state_bounds(self):
        return np.array([1.0]), np.array([self.p.T_max])

    def validity_bounds(self):
        """Up to T_max - T_window: above it the heating window, not the device, sets T."""
        return np.array([1.0]), np.array([self.p.T_max - self.p.T_window])

    def initial_state(self) -> np.ndarray:
        return np.array([self.p.T_ambient])

    # ---- static curve and local activity ------------------------------------------------------
    def dc_point(self, T):
        """(v, i) in (V, A) of the steady state at filament temperature ``T`` (K, >= T_ambient)."""
        T = np.asarray(T, dtype=float)
        if np.any(T < self.p.T_ambient) or np.any(T > self.p.T_max):
            raise ConfigError("T", T.tolist() if T.size < 10 else f"array{T.shape}",
                              f"temperatures in [T_ambient, T_max] = [{self.p.T_ambient:g}, {self.p.T_max:g}] K")
        power = (T - self.p.T_ambient) / self.p.R_th
        G = self.memductance(T)
        v = np.sqrt(power / G)
        return v, G * v

    def small_signal(self, T):
        """Local-activity quantities at the DC point of temperature ``T``.

        Returns a dict with ``v``, ``i``, ``G`` (S), ``dG_dT`` (S/K), ``a`` = 1/R_th - G' v^2 (W/K^2 ... in
        1/(K/W)), and ``R_d`` the DC differential resistance dV/dI (Ohm; negative = locally active NDR).
        """
        v, i = self.dc_point(T)
        G, dG = self.memductance(T), self.dmemductance_dT(T)
        a = 1.0 / self.p.R_th - dG * v * v
        with np.errstate(divide="ignore"):
            R_d = 1.0 / (G + 2.0 * G * dG * v * v / a)
        return {"v": v, "i": i, "G": G, "dG_dT": dG, "a": a, "R_d": R_d}

    def ndr_onset(self) -> float:
        """Lowest temperature (K) of the NDR branch: (E_a/k_B)(T - T_amb) = T^2."""
        b = self.p.E_a / units.k_B
        disc = b * b - 4.0 * b * self.p.T_ambient
        if disc <= 0:
            raise ConfigError("E_a", self.params["E_a"].value,
                              f"> 4 k_B T_ambient = {4 * units.k_B_eV * self.p.T_ambient:.3f} eV for an NDR region")
        return 0.5 * (b - np.sqrt(disc))
