"""JART-like valence-change (VCM) cell: oxygen-vacancy concentration in the disc, N_disc, as state.

A simplified, explicit-state version of the JART VCM v1b model (Bengel et al., IEEE TCAS-I 67, 4618
(2020); Cüppers et al., APL Mater. 7, 091105 (2019)) with the same state meaning and structure: a
Schottky-like interface whose barrier is lowered by the disc vacancy concentration, in series with the
disc, the plug and a series resistance; vacancy drift through the disc by thermally activated,
field-accelerated hopping, with Joule heating of the filament.

    interface  i = I_s(N) 2 sinh(v_s / (2 n V_T)),  I_s = A A* T^2 exp(-(phi_B0 - dphi (N/N_max)^(1/4)) / (k_B T))
    series     v = v_s + i (R_s + R_disc(N) + R_plug),  R_disc = l_disc / (z q mu_n N A),
               R_plug = (l_cell - l_disc) / (z q mu_n N_plug A),  A = pi r_disc^2
    heating    T = T0 + i (v - i R_s) R_th                     (power in the cell, not in R_s; >= 0)
    state      dN/dt = -(a nu0 / l_disc) N_max exp(-dW_A / (k_B T)) sinh(a z q v / (2 l_cell k_B T))

Negative voltage = SET (N grows, barrier drops), positive = RESET, as in JART. The interface voltage
v_s is the root of the (monotonic, smooth) series equation, found by vectorized Newton iterations.
The barrier lowering (N/N_max)^(1/4) mimics the image-force lowering of the full model
(``dphi`` assumed). Bounds N in [N_min, N_max] are kept by exact windows in ln N
(:mod:`compact.smooth`); the SET/RESET split uses the smooth polarity split of v.

Numbers: N_min = 0.008e26, N_max = 20e26, N_plug = 20e26 m^-3, l_cell = 3 nm, l_disc = 0.4 nm,
r_disc = 45 nm, R_s = 650 Ohm, R_th = 15.72e6 K/W, a = 0.25 nm, nu0 = 2e13 Hz, dW_A = 1.35 eV,
z = 2, mu_n = 4e-6 m^2/(V s), phi_B0 = 0.18 eV, T0 = 293 K: JART VCM v1b defaults as quoted by
Bengel et al. (2020); A* = 6.01e5 A/(m^2 K^2) (m* = 0.5 m0), n, dphi assumed.
"""

from __future__ import annotations

import numpy as np

from compact.base import CompactModel
from compact.smooth import limexp, limsinh, split_polarity, stack_rate, window_from_lower, window_from_upper
from matsim.core import units, validate
from matsim.core.errors import ConfigError, ConvergenceError
from matsim.core.parameters import Parameter, ParameterSet

# Richardson constant unit (not in the core table)

_JART = "JART VCM v1b defaults (Bengel et al., IEEE TCAS-I 67, 4618 (2020))"


class JARTVCM(CompactModel):
    """Simplified JART VCM cell; state ``N_disc`` (m^-3)."""

    name = "JARTVCM"
    state_names = ("N_disc",)
    state_units = ("m^-3",)
    integrator = "LSODA"
    #: parameters ``matsim compact fit`` adjusts when none are named
    fit_parameters = ("phi_B0", "dphi", "R_s")

    @classmethod
    def default_parameters(cls) -> ParameterSet:
        return ParameterSet({
            "N_min": Parameter(0.008e26, "m^-3", _JART), "N_max": Parameter(20e26, "m^-3", _JART),
            "N_plug": Parameter(20e26, "m^-3", _JART),
            "l_cell": Parameter(3.0, "nm", _JART), "l_disc": Parameter(0.4, "nm", _JART),
            "r_disc": Parameter(45.0, "nm", _JART),
            "R_s": Parameter(650.0, "Ω", _JART, "series (line) resistance"),
            "R_th": Parameter(15.72e6, "K/W", _JART, "filament thermal resistance"),
            "a": Parameter(0.25, "nm", _JART, "ion hopping distance"),
            "nu0": Parameter(2e13, "Hz", _JART, "attempt frequency"),
            "dW_A": Parameter(1.35, "eV", _JART, "ion migration barrier"),
            "z": Parameter(2.0, "1", _JART, "vacancy charge number"),
            "mu_n": Parameter(4e-6, "m^2/(V·s)", _JART, "electron mobility"),
            "phi_B0": Parameter(0.18, "eV", _JART, "nominal Schottky barrier"),
            "dphi": Parameter(0.15, "eV", "assumed (barrier lowering at N_max, stands in for image-force lowering)"),
            "A_star": Parameter(6.01e5, "A/(m^2·K^2)", "Richardson constant 1.2e6 A/(m^2 K^2) x m*/m0 = 0.5"),
            "n_ideality": Parameter(1.0, "1", "assumed"),
            "T_ambient": Parameter(293.0, "K", _JART),
            "V_smooth": Parameter(1.0, "mV", "assumed (smooth polarity split, for export)"),
            "lnN_window": Parameter(0.01, "1", "assumed (width of the bound windows in ln N)"),
        }, name="JARTVCM", references=[_JART, "Cüppers et al., APL Mater. 7, 091105 (2019)"])

    def validate(self) -> None:
        for k in ("N_min", "N_max", "N_plug", "l_cell", "l_disc", "r_disc", "a", "nu0", "dW_A", "z", "mu_n",
                  "phi_B0", "A_star", "n_ideality", "T_ambient", "V_smooth", "lnN_window"):
            validate.positive(k, self.params[k].value, self.params[k].unit)
        for k in ("R_s", "R_th", "dphi"):
            validate.non_negative(k, self.params[k].value, self.params[k].unit)
        if not self.p.N_max > self.p.N_min:
            raise ConfigError("N_max", self.params["N_max"].value, "a concentration above N_min")
        if not self.p.l_cell > self.p.l_disc:
            raise ConfigError("l_cell", self.params["l_cell"].value, "a cell length above l_disc")

    # ---- electrical ---------------------------------------------------------------------
    @property
    def area(self) -> float:
        return np.pi * self.p.r_disc ** 2

    def series_resistance(self, N):
        """R_s + R_disc(N) + R_plug (Ohm)."""
        p = self.p
        zqmu = p.z * units.q * p.mu_n
        return p.R_s + p.l_disc / (zqmu * np.asarray(N, dtype=float) * self.area) \
            + (p.l_cell - p.l_disc) / (zqmu * p.N_plug * self.area)

    def saturation_current(self, N, T=None):
        """I_s(N) (A) of the interface at temperature T (K)."""
        p = self.p
        T = p.T_ambient if T is None else T
        phi = p.phi_B0 - p.dphi * (np.asarray(N, dtype=float) / p.N_max) ** 0.25
        return self.area * p.A_star * T ** 2 * np.exp(-phi / (units.k_B * T))

    def interface_voltage(self, v, N, T=None, iterations: int = 60):
        """v_s (V): root of v_s + R(N) I_s 2 sinh(v_s/(2 n V_T)) = v (vectorized Newton).

        Raises ConvergenceError (iterations, last step and residual, v_s reached, v, N, T) if the Newton
        step is not below 1e-12 (1 + |v|) V within ``iterations``.
        """
        p = self.p
        T = p.T_ambient if T is None else T
        v = np.asarray(v, dtype=float)
        R = self.series_resistance(N)
        Is = self.saturation_current(N, T)
        Vn = 2 * p.n_ideality * units.k_B * T / units.q
        v, R, Is = np.broadcast_arrays(v, R, Is)
        # start below the root (|v_s| <= |v| and <= the value where the resistor takes all the voltage)
        vs = np.sign(v) * np.minimum(np.abs(v), Vn * np.arcsinh(np.abs(v) / (2 * R * Is)))
        if iterations < 1:
            raise ConfigError("iterations", iterations, "a number of Newton iterations >= 1")
        for _ in range(iterations):
            a = vs / Vn
            f = vs + R * 2 * Is * limsinh(a) - v
            df = 1.0 + R * Is / Vn * (np.exp(np.minimum(a, 80.0)) + np.exp(np.minimum(-a, 80.0)))
            step = f / df
            vs = vs - step
            if np.all(np.abs(step) <= 1e-12 * (1.0 + np.abs(v))):
                return vs
        raise ConvergenceError(
            f"JART interface_voltage: Newton did not converge in {iterations} iterations: largest last step "
            f"{np.max(np.abs(step)):.3g} V (tolerance 1e-12 (1 + |v|) V), "
            f"largest residual {np.max(np.abs(f)):.3g} V; v_s = {vs!r} for v = {v!r}, "
            f"N = {np.asarray(N)!r} m^-3, T = {T!r} K")

    def current(self, v, x, T=None):
        N = np.asarray(x, dtype=float)[0]
        vs = self.interface_voltage(v, N, T)
        p = self.p
        T = p.T_ambient if T is None else T
        Vn = 2 * p.n_ideality * units.k_B * T / units.q
        return 2 * self.saturation_current(N, T) * limsinh(vs / Vn)

    # ---- ionic ----------------------------------------------------------------------------
    def temperature(self, v, x, T=None):
        T0 = self.p.T_ambient if T is None else T
        i = self.current(v, x, T)
        return T0 + i * (np.asarray(v, dtype=float) - i * self.p.R_s) * self.p.R_th

    def _rate(self, v, Tf):
        p = self.p
        kT = units.k_B * Tf
        # limexp/limsinh (= exp/sinh in the device range): a circuit simulator's Newton iterates may
        # make T_f tiny or negative at the thermal-runaway SET; the exports use the same functions
        return -(p.a * p.nu0 / p.l_disc) * p.N_max * limexp(-p.dW_A / kT) \
            * limsinh(p.a * p.z * units.q * v / (2 * p.l_cell * kT))

    def dstate_dt(self, v, x, T=None):
        p = self.p
        x = np.asarray(x, dtype=float)
        N = x[0]
        v = np.asarray(v, dtype=float)
        Tf = self.temperature(v, x, T)
        v_reset, v_set = split_polarity(v, p.V_smooth)
        lnN = np.log(np.maximum(N, 1e-300))
        rate = self._rate(v_set, Tf) * window_from_upper(lnN, np.log(p.N_max), p.lnN_window) \
            + self._rate(v_reset, Tf) * window_from_lower(lnN, np.log(p.N_min), p.lnN_window)
        return stack_rate(rate, x)

    def state_bounds(self):
        return np.array([self.p.N_min]), np.array([self.p.N_max])

    def initial_state(self) -> np.ndarray:
        return np.array([self.p.N_min])
