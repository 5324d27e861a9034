"""Checks of the KMC engine against exact results of the non-interacting lattice gas.

Per axis of a simple-cubic lattice with spacing a, barrier E_a, attempt frequency ν and a field E
along x acting on charge q (hop rates ν exp(-(E_a ∓ ½qaE)/k_BT)):

    D = a² ν exp(-E_a/k_BT)                       (axes without field)
    v = 2 a ν exp(-E_a/k_BT) sinh(q a E / 2k_BT)  (drift along the field)

:func:`lattice_gas_drift` runs a :class:`~kmc.LatticeGas` and returns both the measured values with
their one-sigma statistical errors and the analytic values; :func:`arrhenius_fit` fits ln D vs 1/k_BT.
"""

from __future__ import annotations

import numpy as np

from kmc.lattice_gas import LatticeGas
from matsim.core.units import k_B_eV


def analytic_D(spacing_m: float, nu_Hz: float, Ea_eV: float, T_K: float) -> float:
    """D = a² ν exp(-E_a/k_BT) (m²/s, per axis)."""
    return spacing_m ** 2 * nu_Hz * np.exp(-Ea_eV / (k_B_eV * T_K))


def analytic_v(spacing_m: float, nu_Hz: float, Ea_eV: float, T_K: float, E_field_V_per_m: float,
               charge_e: float = 1.0) -> float:
    """v = 2 a ν exp(-E_a/k_BT) sinh(q a E/2k_BT) (m/s)."""
    kT = k_B_eV * T_K
    return 2 * spacing_m * nu_Hz * np.exp(-Ea_eV / kT) * np.sinh(charge_e * spacing_m * E_field_V_per_m / (2 * kT))


def lattice_gas_drift(Ea_eV: float = 0.5, nu_Hz: float = 1e13, T_K: float = 300.0,
                      E_field_V_per_m: float = 0.0, spacing_m: float = 2.5e-10, n_particles: int = 4000,
                      hops_per_particle: float = 50.0, shape=(32, 32, 32), charge_e: float = 1.0,
                      seed=0, engine: str = "numba") -> dict:
    """Measure D (from the axes without field) and v (along x) of a lattice gas; compare with theory.

    The run lasts t = hops_per_particle / (total hop rate of one particle). Errors are one sigma:
    σ_D = D sqrt(2/(2N)) (variance of a Gaussian sample, 2 axes), σ_v = std(Δx)/(t sqrt(N)).
    Returns a dict with ``D``, ``D_err``, ``D_analytic``, ``v``, ``v_err``, ``v_analytic`` (SI),
    ``t`` (s), ``n_events``.
    """
    gas = LatticeGas(shape, spacing_m, Ea_eV, nu_Hz, T_K, E_field_V_per_m, periodic=True,
                     n_particles=n_particles, charge_e=charge_e, seed=seed, engine=engine)
    per_particle = gas.total_rate() / gas.n_particles
    t = hops_per_particle / per_particle
    gas.run(t, quiet=True, desc="lattice gas")
    d = gas.displacements()
    N = gas.n_particles
    var_perp = np.mean(d[:, 1:] ** 2)          # no drift on y, z
    D = var_perp / (2 * t)
    v = d[:, 0].mean() / t
    return {"D": D, "D_err": D * np.sqrt(2.0 / (2 * N)), "D_analytic": analytic_D(spacing_m, nu_Hz, Ea_eV, T_K),
            "v": v, "v_err": d[:, 0].std(ddof=1) / (t * np.sqrt(N)),
            "v_analytic": analytic_v(spacing_m, nu_Hz, Ea_eV, T_K, E_field_V_per_m, charge_e),
            "t": t, "n_events": gas.n_events}


def arrhenius_fit(T_K, D) -> tuple[float, float]:
    """Fit ln D = ln D0 - E_a/(k_B T): returns (E_a in eV, D0 in m²/s)."""
    x = -1.0 / (k_B_eV * np.asarray(T_K, dtype=float))
    slope, intercept = np.polyfit(x, np.log(np.asarray(D, dtype=float)), 1)
    return float(slope), float(np.exp(intercept))
