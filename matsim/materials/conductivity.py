"""Electrical conductivity laws of Mott (insulator-metal transition) materials, shared by the
FiPy filament model (:mod:`continuum`) and the lumped compact model (:mod:`compact`).

sigma(T, E) interpolates, in log space, between a thermally activated (Poole-Frenkel) insulator
and a metal across a tanh step of width ``dT`` at ``T_c``:

    sigma_ins = sigma0 * exp(-max(Ea - beta_PF * sqrt(E), 0) / (k_B T)),   beta_PF = sqrt(q^3 / (pi eps0 eps_r))
    f(T)      = (1 + tanh((T - T_c) / dT)) / 2
    ln sigma  = (1 - f) ln sigma_ins + f ln sigma_metal

(Poole-Frenkel: Frenkel, Phys. Rev. 54, 647 (1938); NbO2 use: Slesazeck et al., RSC Adv. 5,
102318 (2015); VO2 step: Morin (1959).) ``eps_r = 0`` switches the field term off.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matsim.core import units
from matsim.core.errors import ConfigError
from matsim.core.parameters import ParameterSet


@dataclass(frozen=True)
class MottConductivity:
    """sigma(T, E) in S/m for a Mott material; all fields SI."""

    T_c: float            # K
    dT: float             # K, tanh width
    sigma0: float         # S/m, insulating prefactor
    Ea: float             # J, activation energy
    sigma_metal: float    # S/m
    beta_pf: float = 0.0  # J / sqrt(V/m), Poole-Frenkel coefficient
    hysteresis: float = 0.0  # K, full width of the T_c hysteresis

    @classmethod
    def from_parameters(cls, ps: ParameterSet) -> "MottConductivity":
        """Build from a material ParameterSet (``matsim.materials.get("VO2")`` or ``("NbO2")``)."""
        need = ("T_transition", "transition_width", "sigma0_insulator", "Ea_insulator", "sigma_metal")
        missing = [k for k in need if k not in ps]
        if missing:
            raise ConfigError("material", ps.name or "<unnamed>",
                              f"a material with electro-thermal data ({', '.join(need)}); missing {', '.join(missing)}")
        eps_r = ps.require("poole_frenkel_permittivity", "1") if "poole_frenkel_permittivity" in ps else 0.0
        beta = float(np.sqrt(units.q**3 / (np.pi * units.eps0 * eps_r))) if eps_r > 0 else 0.0
        hyst = ps.si("hysteresis_width") if "hysteresis_width" in ps else 0.0
        return cls(T_c=ps.si("T_transition"), dT=ps.si("transition_width"), sigma0=ps.si("sigma0_insulator"),
                   Ea=ps.si("Ea_insulator"), sigma_metal=ps.si("sigma_metal"), beta_pf=beta, hysteresis=hyst)

    def metallic_fraction(self, T, branch: float = 0.0):
        """f(T) in [0, 1]; ``branch`` = +1 heating (T_c + w/2), -1 cooling (T_c - w/2), 0 centre."""
        Tc = self.T_c + 0.5 * branch * self.hysteresis
        return 0.5 * (1.0 + np.tanh((np.asarray(T, dtype=float) - Tc) / self.dT))

    def insulator(self, T, E=0.0):
        """Thermally activated / Poole-Frenkel conductivity (S/m)."""
        T = np.asarray(T, dtype=float)
        # the field cannot lower the trap barrier below zero (sigma <= sigma0)
        barrier = np.maximum(self.Ea - self.beta_pf * np.sqrt(np.abs(np.asarray(E, dtype=float))), 0.0)
        return self.sigma0 * np.exp(-barrier / (units.k_B * T))

    def __call__(self, T, E=0.0, branch: float = 0.0):
        """sigma(T, E) in S/m."""
        f = self.metallic_fraction(T, branch)
        return np.exp((1.0 - f) * np.log(self.insulator(T, E)) + f * np.log(self.sigma_metal))

    def dlnsigma_dT(self, T, E=0.0, branch: float = 0.0, h: float = 1e-3):
        """d ln(sigma)/dT (1/K), by central difference (smooth law)."""
        return (np.log(self(np.asarray(T) + h, E, branch)) - np.log(self(np.asarray(T) - h, E, branch))) / (2 * h)
