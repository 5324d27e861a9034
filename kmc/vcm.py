"""Valence-change memory (VCM) cell: oxygen vacancies and ions in an oxide between two electrodes.

A simple-cubic lattice (spacing a from ``lattice_spacing``) of oxide sites between a bottom inert
electrode (plane k = -1, grounded) and a top active electrode (plane k = nz, voltage V). Events
(:mod:`kmc._vcm_kernels`): Frenkel-pair generation (barrier E_g - b|E|, lower at the active
interface), vacancy hops, oxygen-ion hops, vacancy-ion recombination, and oxygen exchange with
the active electrode (absorption into / injection from its oxygen reservoir). Hops have
r = ν exp(-(E_a + ½ ΔW)/k_B T) with ΔW the exact electrostatic energy change (self-interaction
excluded, image energies included), i.e. E_a - ½ q a E_∥ for a small field (Guan, Yu &
Wong, IEEE EDL 33, 1405 (2012); Padovani et al., IEEE TED 62, 1998 (2015)).

Electrostatics: φ = φ_applied + Σ_j z_j e G(·, j) with G the lattice Green's function of the cell
(electrodes grounded, images included; a table of nz Poisson solves, :func:`kmc.grid.green_table`).
Every event that moves a charge updates φ incrementally in O(N), and the rates that read a
potential that moved by more than ``phi_tolerance_kT`` are recomputed (see :mod:`kmc._vcm_kernels`).

Coupling (every ``field_update_events`` events, after ``field_update_changes`` vacancy/reservoir
changes, and whenever the voltage changes):

1. current, ``conduction="tunnel"`` (default): the vacancy network of :mod:`kmc.vcm_conduction`
   (metallic filament, field- and temperature-dependent trap-to-trap tunnelling), φ_applied =
   dielectric Laplace solution with the filament held at its network potential;
   ``conduction="lattice"``: resistor network over lattice bonds (both ends vacancies: g_vac, hopping
   along a filament; one end a vacancy: g_trap; oxide: g_ox; an electrode counts as a vacancy end),
   φ_applied = its node potential. Compliance (positive polarity, as for SET/forming with a 1T1R or a
   source-measure unit) limits the cell voltage;
2. the charges (isolated V_O^2+, O_i^2-; vacancies connected to an electrode through vacancies are
   the metallic filament and neutral) keep their incremental potential, checked against Poisson.
   The generation barrier E_g - b|E| uses the field of φ_applied (enhanced at a filament tip): the
   Lorentz factor in b refers to the macroscopic field, and the near field of neighbouring charged
   defects is not part of the thermochemical model;
3. temperature: steady heat diffusion with the Joule power as source; ``thermal="ambient"``
   (default): uniform κ, electrodes held at the ambient temperature at the oxide surface;
   ``thermal="electrodes"``: electrodes of finite thickness and κ, interface (Kapitza) resistance,
   κ_filament on filament sites (:mod:`kmc.vcm_thermal`).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra

from kmc import _vcm_kernels as VK
from kmc.engine import KMCModel
from kmc.lateral_fft import UniformNetwork
from kmc.vcm_conduction import TunnelNetwork
from kmc.vcm_thermal import ThermalNetwork, ThermalParameters
from kmc import grid as _grid
from kmc.grid import (G_SC_ORIGIN, FixedNetwork, Grid, check_green_table, joule_power,
                      solve_current)
from matsim import materials
from matsim.core.checkpoint import save_checkpoint
from matsim.core.errors import ConfigError
from matsim.core.parameters import ParameterSet
from matsim.core.units import eps0, k_B_eV, q
from matsim.core.validate import in_range, non_negative, one_of, positive, positive_int, temperature

#: ParameterSet keys used by the cell (unit in which they are read)
KEYS = {
    "lattice_spacing": "m", "attempt_frequency": "Hz", "E_generation": "eV", "E_generation_interface": "eV",
    "field_dipole": "e·Å", "E_hop_vacancy": "eV", "E_hop_ion": "eV", "E_recombination": "eV",
    "E_exchange": "eV", "vacancy_charge": "e", "ion_charge": "e", "relative_permittivity": "1",
    "thermal_conductivity": "W/(m·K)", "conductance_filament_bond": "S", "conductance_trap_bond": "S",
    "conductance_oxide_bond": "S",
}
#: optional per-event attempt frequencies (Hz); each defaults to ``attempt_frequency``
NU_KEYS = {"attempt_frequency_vacancy_hop": VK.NU_VHOP, "attempt_frequency_ion_hop": VK.NU_IHOP,
           "attempt_frequency_generation": VK.NU_GEN, "attempt_frequency_recombination": VK.NU_REC,
           "attempt_frequency_exchange": VK.NU_EX}
#: parameters of the vacancy-network conduction (kmc.vcm_conduction); taken from ``base_material``
#: when the parameter set has none
CONDUCTION_KEYS = {"conductance_tunnel": "S", "tunnel_decay_length": "m", "E_tunnel_activation": "eV",
                   "filament_temperature_coefficient": "1/K"}
CONDUCTION = ("tunnel", "lattice")
#: parameters of the finite-electrode thermal model (kmc.vcm_thermal); from ``base_material`` when absent
THERMAL_KEYS = {"thermal_conductivity_filament": "W/(m·K)", "thermal_conductivity_electrode": "W/(m·K)",
                "electrode_thickness": "m", "interface_thermal_resistance": "m^2*K/W",
                "interface_thermal_resistance_filament": "m^2*K/W"}
THERMAL = ("ambient", "electrodes")
#: heat solve (thermal="electrodes") stops when its temperature error is below this (K): at 300-1000 K
#: it changes a rate with a 1 eV barrier by < 1e-4, far below the phi_tolerance_kT default (1e-2)
HEAT_ATOL_K = 1e-3
#: grids with this many sites or more solve their uniform networks (Poisson, ambient heat) by lateral FFT
FFT_MIN_SITES = 4096
COUNT_NAMES = ("vacancy_hops", "ion_hops", "generation", "recombination", "absorption", "injection")


_BLAS = None


def _blas_single_thread():
    """Context manager limiting BLAS to one thread (threadpoolctl; the controller is built once)."""
    global _BLAS
    if _BLAS is None:
        from threadpoolctl import ThreadpoolController
        _BLAS = ThreadpoolController()
    return _BLAS.limit(limits=1, user_api="blas")


def resolve_parameters(params, base_material: str = "HfO2") -> ParameterSet:
    """A complete ParameterSet: a material name, or a (possibly partial, e.g. DFT-derived) set whose
    missing keys are taken from ``base_material``."""
    if isinstance(params, str):
        return materials.get(params)
    if not isinstance(params, ParameterSet):
        raise ConfigError("params", params, "a material name or a ParameterSet")
    missing = [k for k in KEYS if k not in params]
    return materials.get(base_material).merge(params) if missing else params


class VCMCell(KMCModel):
    """KMC model of a VCM cell; see the module docstring for the physics.

    Parameters
    ----------
    params : material name (``"HfO2"``, ``"TaOx"``, ``"TiO2"``) or a ParameterSet with the keys in
        :data:`KEYS` (missing ones come from ``base_material``).
    shape : (nx, ny, nz) lattice sites; nz layers across the oxide (thickness nz a).
    T_ambient_K : electrode / ambient temperature (K).
    compliance_A : current compliance for positive voltages (A); None for none.
    field_update_events : re-solve current, Poisson and heat after this many events (K) ...
    field_update_changes : ... or after this many events that changed the vacancy configuration
        (generation, recombination, vacancy hop) or the electrode reservoir, whichever comes first.
    max_events_per_step : event budget of one voltage step (a step that needs more is cut short
        and flagged ``truncated`` in the results).
    initial_vacancy_fraction : random fraction of sites that start as (isolated) vacancies; None: the
        equilibrium fraction exp(-E_f/k_B T_process) when the parameters carry ``E_formation_vacancy``
        (e.g. from :func:`matsim.dft.kmc_parameters`), else 0.
    process_temperature_K : temperature at which the oxide was grown/annealed (K), for the equilibrium
        vacancy fraction (default 673 K: a typical HfO2 ALD/anneal temperature, assumed).
    allow_unconverged_dft : accept parameters derived from a DFT calculation that did not converge
        (their note carries ``"UNCONVERGED DFT"``); refused with a ConfigError naming the parameter otherwise.
    Per-event attempt frequencies ``attempt_frequency_vacancy_hop``, ``..._ion_hop``, ``..._generation``,
    ``..._recombination``, ``..._exchange`` (Hz) are used when the parameter set has them.
    phi_tolerance_kT : the rates of a site are recomputed when a moving charge changed the
        electrostatic barriers they use by more than this fraction of k_B T_ambient (0: always;
        every field update recomputes all rates anyway).
    conduction : "tunnel" (default): metallic filament + trap-to-trap tunnelling network of the vacancies
        (:mod:`kmc.vcm_conduction`; superlinear, thermally activated HRS), electrostatics of the filament
        as a conductor, no refactorization (>= 10x faster per update at 8000 sites); "lattice": the
        earlier ohmic network over every lattice bond, refactorized at each vacancy change (its HRS is
        a step between ~1e6 and ~1e11 Ω, see docs/kmc.md).
    thermal : "ambient" (default, the model the shipped calibration was tuned on): uniform κ, electrodes
        at T_ambient at the oxide surface; "electrodes": finite electrodes (``electrode_thickness``,
        ``thermal_conductivity_electrode``), interface resistances and ``thermal_conductivity_filament``
        on filament sites (:mod:`kmc.vcm_thermal`; keys from ``base_material`` when absent).
    green_table : optional precomputed lattice Green's function of this grid (V/C), shape
        (nz, nx ny nz) as returned by :func:`kmc.grid.green_table`; computed when None.
    seed, engine : random seed; "numba" or "python" (reference engine).
    """

    rate_kernel = VK.rate
    execute_kernel = VK.execute
    run_kernel = VK.run
    fill_kernel = VK.fill_direct

    def __init__(self, params="HfO2", shape=(10, 10, 20), T_ambient_K: float = 300.0,
                 compliance_A: float | None = 2e-6, field_update_events: int = 200, field_update_changes: int = 1,
                 max_events_per_step: int = 200_000, initial_vacancy_fraction: float | None = None,
                 base_material: str = "HfO2", seed=None, engine: str = "numba", phi_tolerance_kT: float = 0.01,
                 green_table=None, conduction: str = "tunnel", process_temperature_K: float = 673.0,
                 allow_unconverged_dft: bool = False, thermal: str = "ambient"):
        self.params = resolve_parameters(params, base_material)
        if not allow_unconverged_dft:
            for key in self.params:
                par_ = self.params[key]
                if "UNCONVERGED DFT" in par_.note:
                    raise ConfigError(key, f"{par_.value} {par_.unit} ({par_.source})",
                                      "a value from a converged DFT calculation, or "
                                      "VCMCell(..., allow_unconverged_dft=True)")
        p = {k: self.params.require(k, u) for k, u in KEYS.items()}
        for k in ("lattice_spacing", "attempt_frequency", "relative_permittivity", "thermal_conductivity",
                  "conductance_filament_bond", "conductance_trap_bond", "conductance_oxide_bond"):
            positive(k, p[k], KEYS[k])
        for k in ("E_generation", "E_generation_interface", "E_hop_vacancy", "E_hop_ion", "E_recombination",
                  "E_exchange", "field_dipole"):
            non_negative(k, p[k], KEYS[k])
        if np.ndim(shape) != 1 or len(shape) != 3:
            raise ConfigError("shape", shape, "three integers (nx, ny, nz)")
        self.shape = tuple(positive_int(f"shape[{i}]", int(s) if float(s) == int(s) else s)
                           for i, s in enumerate(shape))
        self.T_ambient_K = temperature("T_ambient_K", T_ambient_K)
        self.compliance_A = None if compliance_A is None else positive("compliance_A", compliance_A, "A")
        self.field_update_events = positive_int("field_update_events", field_update_events)
        self.field_update_changes = positive_int("field_update_changes", field_update_changes)
        self.max_events_per_step = positive_int("max_events_per_step", max_events_per_step)
        self.process_temperature_K = temperature("process_temperature_K", process_temperature_K)
        if initial_vacancy_fraction is None:
            if "E_formation_vacancy" in self.params:
                e_f = self.params.require("E_formation_vacancy", "eV")
                non_negative("E_formation_vacancy", e_f, "eV")
                initial_vacancy_fraction = float(np.exp(-e_f / (k_B_eV * self.process_temperature_K)))
            else:
                initial_vacancy_fraction = 0.0
        frac = in_range("initial_vacancy_fraction", initial_vacancy_fraction, 0.0, 1.0)
        self.initial_vacancy_fraction = frac
        self.phi_tolerance_kT = non_negative("phi_tolerance_kT", phi_tolerance_kT, "k_B T")
        self.conduction = one_of("conduction", conduction, CONDUCTION)
        self.thermal = one_of("thermal", thermal, THERMAL)
        self.poisson_refresh_updates = 64     # a fresh Poisson solve of the charges every this many updates
        self.a = p["lattice_spacing"]
        self.grid = g = Grid(self.shape, self.a)
        self.g_fil, self.g_trap, self.g_ox = (p["conductance_filament_bond"], p["conductance_trap_bond"],
                                              p["conductance_oxide_bond"])
        eps = p["relative_permittivity"] * eps0
        kappa = p["thermal_conductivity"]
        # uniform-weight Poisson (and ambient heat) networks: SuperLU below FFT_MIN_SITES (the results the
        # shipped calibration was made with), the exact lateral-FFT solve above (no factorization: a
        # SuperLU of a 40x40x20 grid took 12 s, the FFT solve takes 2 ms)
        uniform = ((lambda w: FixedNetwork(g, w, w, w)) if g.n < FFT_MIN_SITES
                   else (lambda w: UniformNetwork(g, w)))
        self._poisson = uniform(eps * self.a)
        self._poisson_matrix = g.laplacian(eps * self.a, eps * self.a, eps * self.a).tocsr()
        self._poisson_w = eps * self.a
        base = materials.get(base_material)
        if self.thermal == "ambient":
            self._heat = uniform(kappa * self.a)
        else:
            pt = {k: (self.params if k in self.params else base).require(k, u) for k, u in THERMAL_KEYS.items()}
            self._heat = ThermalNetwork(g, ThermalParameters(
                kappa, pt["thermal_conductivity_filament"], pt["thermal_conductivity_electrode"],
                pt["electrode_thickness"], pt["interface_thermal_resistance"],
                pt["interface_thermal_resistance_filament"]), atol_K=HEAT_ATOL_K)
        table = _grid.green_table(g, self._poisson) if green_table is None else check_green_table(g, green_table)
        self._gtab = q * table                               # V per elementary charge
        self._gself = np.ascontiguousarray(self._gtab[np.arange(g.shape[2]), np.arange(g.shape[2])])
        self._cpair = self._pair_self_energy()
        self._phi_lap = self._poisson.solve(0.0, 1.0)          # dielectric Laplace solution, V_top = 1 V
        pc = {k: (self.params if k in self.params else base).require(k, u) for k, u in CONDUCTION_KEYS.items()}
        for k in ("conductance_tunnel", "tunnel_decay_length"):
            positive(k, pc[k], CONDUCTION_KEYS[k])
        for k in ("E_tunnel_activation", "filament_temperature_coefficient"):
            non_negative(k, pc[k], CONDUCTION_KEYS[k])
        self._tat = TunnelNetwork(g, self.g_fil, pc["conductance_tunnel"], pc["tunnel_decay_length"],
                                  pc["E_tunnel_activation"], self.g_ox, pc["filament_temperature_coefficient"],
                                  T_ref_K=300.0)
        par = np.zeros(VK.NPAR)
        par[VK.NU] = p["attempt_frequency"]
        for key, idx in NU_KEYS.items():
            par[idx] = positive(key, self.params.require(key, "Hz"), "Hz") if key in self.params else par[VK.NU]
        par[VK.EG], par[VK.EG_INT] = p["E_generation"], p["E_generation_interface"]
        par[VK.DIPOLE] = p["field_dipole"] * 1e-10          # e·Å -> eV per (V/m)
        par[VK.EV], par[VK.EI], par[VK.ER], par[VK.EX] = (p["E_hop_vacancy"], p["E_hop_ion"],
                                                          p["E_recombination"], p["E_exchange"])
        par[VK.ZV], par[VK.ZI] = p["vacancy_charge"], p["ion_charge"]
        par[VK.GINF] = q * G_SC_ORIGIN / (eps * self.a)
        par[VK.T0] = self.T_ambient_K
        par[VK.NX], par[VK.NY], par[VK.NZ] = self.shape
        zmax = max(abs(par[VK.ZV]), abs(par[VK.ZI]), 1e-12)
        par[VK.PHI_TOL] = self.phi_tolerance_kT * k_B_eV * self.T_ambient_K / zmax
        par[VK.MAX_CHANGES] = self.field_update_changes
        self._par = par
        n = g.n
        self._init_engine(n * VK.NE, engine=engine, seed=seed)
        # touched events: <= 37 per site whose potential moved (12 own hops, 2 x 2 hop-ins from each of
        # 6 neighbours when nx or ny = 2, injection) plus the direct touches of one event (2 x 45)
        self.max_touched = 37 * n + 2 * 45 + len(g.top) + 8
        self._touched = np.zeros(self.max_touched, dtype=np.int64)
        self.vac = np.zeros(n, dtype=np.int8)
        self.ion = np.zeros(n, dtype=np.int8)
        if frac > 0:
            self.vac[self.rng.random(n) < frac] = 1
        self.zvac = np.where(self.vac > 0, par[VK.ZV], 0.0)
        self.phi = np.zeros(n)
        self.phi_applied = np.zeros(n)
        self._phiref = np.zeros(n)
        self._near = np.zeros(n, dtype=np.int64)
        self.temp = np.full(n, self.T_ambient_K)
        self.efield = np.zeros(n)
        self.reservoir = np.zeros(1, dtype=np.int64)
        self.counts = np.zeros(8, dtype=np.int64)
        self.voltage = 0.0
        self.v_cell = 0.0
        self.current = 0.0
        self.n_field_updates = 0
        self.update_fields()

    def state(self) -> tuple:
        return (self.vac, self.ion, self.phi, self.temp, self.efield, self.zvac, self.grid.nbr, self.grid.k,
                self._par, self.reservoir, self.counts, self.grid.top, self._gtab, self._cpair, self._gself,
                self._phiref, self._near)

    def _pair_self_energy(self) -> np.ndarray:
        """C[k, d] = ½ (g_ss + g_nn) - g_sn (V per e) for a hop from layer k in direction d: the exact
        self-interaction (and image) term of the hop energy, z² C (see :mod:`kmc._vcm_kernels`)."""
        g = self.grid
        nz = g.shape[2]
        c = np.zeros((nz, 6))
        for k in range(nz):                     # site (0, 0, k) has index k
            for d in range(6):
                n = g.nbr[k, d]
                if n >= 0 and n != k:
                    c[k, d] = 0.5 * (self._gtab[k, k] + self._gself[g.k[n]]) - self._gtab[k, n]
        return c

    def refresh_rates(self) -> None:
        self._phiref[:] = self.phi
        VK.count_near(self.vac, self.ion, self.grid.nbr, self._near)
        super().refresh_rates()

    def charge_potential(self) -> np.ndarray:
        """Potential (V) of the charged defects alone, from a fresh Poisson solve (for checks)."""
        charge = q * (self.zvac + self._par[VK.ZI] * self.ion)
        return self._poisson.solve(0.0, 0.0, charge)

    def image_energy(self, site: int, z: float | None = None) -> float:
        """U_self = ½ z² e (G_ss - G_∞) (eV): energy of a charge z e on ``site`` from its electrode images
        (and, in a laterally periodic cell, its periodic copies), relative to the infinite lattice."""
        z = self._par[VK.ZI] if z is None else float(z)
        return float(0.5 * z * z * (self._gself[self.grid.k[site]] - self._par[VK.GINF]))

    # -- observables
    @property
    def n_vacancies(self) -> int:
        return int(self.vac.sum())

    @property
    def n_ions(self) -> int:
        """Ions inside the oxide (the reservoir of the active electrode is ``reservoir[0]``)."""
        return int(self.ion.sum())

    @property
    def T_max(self) -> float:
        return float(self.temp.max())

    def event_counts(self) -> dict[str, int]:
        return {name: int(c) for name, c in zip(COUNT_NAMES, self.counts[:len(COUNT_NAMES)], strict=True)}

    def filament_gap(self) -> int:
        """Fewest non-vacancy sites on any nearest-neighbour path from the bottom to the top electrode
        (0: a connected vacancy filament); a 0-1 breadth-first search in numba."""
        g = self.grid
        return int(VK.filament_gap_bfs(self.vac, g.nbr, g.k, g.shape[2], np.empty(g.n, dtype=np.int64),
                                       np.empty(8 * g.n + 8, dtype=np.int64)))

    def _filament_gap_dijkstra(self) -> int:
        """The same by scipy's Dijkstra (reference for the test)."""
        g = self.grid
        n = g.n
        cost = np.where(self.vac > 0, 1e-9, 1.0)
        src = np.concatenate([g.bond_a, g.bond_b, np.full(len(g.bottom), n), g.top])
        dst = np.concatenate([g.bond_b, g.bond_a, g.bottom, np.full(len(g.top), n + 1)])
        w = np.concatenate([cost[g.bond_b], cost[g.bond_a], cost[g.bottom], np.full(len(g.top), 1e-9)])
        graph = sp.csr_matrix((w, (src, dst)), shape=(n + 2, n + 2))
        d = dijkstra(graph, indices=n, min_only=True)[n + 1]
        return int(round(d))

    def filament_mask(self) -> np.ndarray:
        """Vacancies connected to an electrode through nearest-neighbour vacancies (bool, per site)."""
        g = self.grid
        out = np.empty(g.n, dtype=np.int8)
        VK.filament_sites(self.vac, g.nbr, g.k, g.shape[2], out, np.empty(g.n, dtype=np.int64))
        return out.astype(bool)

    # -- coupling
    def _bond_conductances(self):
        g = self.grid
        v = self.vac > 0
        nv = v[g.bond_a].astype(int) + v[g.bond_b]
        gb = np.where(nv == 2, self.g_fil, np.where(nv == 1, self.g_trap, self.g_ox))
        gbot = np.where(v[g.bottom], self.g_fil, self.g_ox)
        gtop = np.where(v[g.top], self.g_fil, self.g_ox)
        return gb, gbot, gtop

    def conductance(self) -> float:
        """Low-field conductance of the cell (S) in its present configuration."""
        if self.conduction == "lattice":
            gb, gbot, gtop = self._bond_conductances()
            return solve_current(self.grid, gb, gbot, gtop, 0.0, 1.0)[1]
        return self._tat.solve(self.vac, self.temp, 1e-3, None, self.T_ambient_K).current / 1e-3

    def update_fields(self) -> None:
        """Re-solve current (with compliance), applied potential and heat; the charges' potential from a
        fresh Poisson solve; recompute every rate. BLAS runs single-threaded here: its systems are small
        (|filament| or |vacancies| unknowns) and OpenBLAS threads on a shared machine made a 70 x 70
        solve take ~40 ms instead of 0.1 ms (measured)."""
        with _blas_single_thread():
            self._update_fields()

    def _update_fields(self) -> None:
        g = self.grid
        fil = self.filament_mask()
        if self.conduction == "lattice":
            phi_net, power = self._lattice_conduction()
        else:
            phi_net, power = self._tunnel_conduction(fil)
        if self.thermal == "ambient":
            if getattr(self, "_heat_power", None) is None or not np.array_equal(power, self._heat_power):
                self.temp[:] = self.T_ambient_K + self._heat.solve(0.0, 0.0, power)   # same power: same heat
                self._heat_power = power
        elif (getattr(self, "_heat_power", None) is None or not np.array_equal(power, self._heat_power)
              or not np.array_equal(fil, self._heat_fil)):
            self.temp[:] = self.T_ambient_K + self._heat.solve(power, fil)
            self._heat_power, self._heat_fil = power, fil
        self.power_W = float(power.sum())
        v = self.v_cell
        zvac = np.where((self.vac > 0) & ~fil, self._par[VK.ZV], 0.0)
        # the charges' potential, kept incrementally by the kernels; here only vacancies that joined or
        # left a filament are added. Checked against Poisson (residual of one sparse product): a fresh
        # solve when it does not fit (occupancy changed from outside, e.g. a restart or a user edit) and
        # every ``poisson_refresh_updates`` updates.
        phi_q = self.phi - self.phi_applied
        changed = np.nonzero(zvac != self.zvac)[0]
        if len(changed):
            phi_q = phi_q + (zvac[changed] - self.zvac[changed]) @ VK.green_columns(changed, self._gtab, self._par)
        self.zvac[:] = zvac
        charge = q * (self.zvac + self._par[VK.ZI] * self.ion)
        resid = np.abs(self._poisson_matrix @ phi_q - charge).max() / self._poisson_w
        if resid > 1e-10 or self.n_field_updates % self.poisson_refresh_updates == 0:
            phi_q = self.charge_potential()
        self.phi_applied[:] = phi_net
        self.phi[:] = phi_net + phi_q
        self.efield[:] = g.field_magnitude(phi_net, 0.0, v)
        self._par[VK.VTOP] = v
        self.n_field_updates += 1
        self._since_update = 0
        self.counts[VK.C_CHANGED] = 0
        self.refresh_rates()

    def _lattice_conduction(self):
        """The previous model: ohmic network over every lattice bond, SuperLU refactorization whenever
        the vacancies changed. Returns (φ of the network (V), Joule power per site (W))."""
        g = self.grid
        key = self.vac.tobytes()
        if getattr(self, "_net_key", None) != key:       # the network changes only with the vacancies
            gb, gbot, gtop = self._bond_conductances()
            self._net = (gb, gbot, gtop) + solve_current(g, gb, gbot, gtop, 0.0, 1.0)
            self._net_key = key
        gb, gbot, gtop, phi1, G = self._net
        v = self.voltage
        if self.compliance_A is not None and G * v > self.compliance_A:
            v = self.compliance_A / G
        self.v_cell = float(v)
        self.conductance_S = float(G)
        self.current = float(G * v)
        phi_net = v * phi1
        return phi_net, joule_power(g, phi_net, gb, gbot, gtop, 0.0, v)

    def _tunnel_conduction(self, fil):
        """Vacancy network (kmc.vcm_conduction) for the current; the applied potential is the dielectric
        Laplace solution with the filament vacancies held at their network potential (capacitance-matrix
        method with the Green's-function table: φ = V φ_lap + Σ_f g(·, f) σ_f, g_FF σ = V_F - V φ_lap,F)."""
        sol = self._tat.solve(self.vac, self.temp, self.voltage, self.compliance_A, self.T_ambient_K)
        v = sol.v_cell
        self.v_cell = float(v)
        self.current = float(sol.current)
        if abs(v) > 1e-9:
            self.conductance_S = float(sol.current / v)
        else:
            low = self._tat.solve(self.vac, self.temp, 1e-3, None, self.T_ambient_K)
            self.conductance_S = float(low.current / 1e-3)
        phi = v * self._phi_lap
        f_sites = np.nonzero(fil)[0]
        if len(f_sites):
            pos = np.full(self.grid.n, -1)
            pos[sol.sites] = np.arange(len(sol.sites))
            target = sol.potential[pos[f_sites]]
            if self.grid.n < FFT_MIN_SITES:
                cols = VK.green_columns(f_sites, self._gtab, self._par)          # (|F|, N) V per e
                sigma = np.linalg.solve(cols[:, f_sites], target - phi[f_sites])
                phi = phi + sigma @ cols
            else:    # large grid: g_FF from the table (O(|F|²)), the induced charges' potential by FFT
                sigma = np.linalg.solve(VK.green_block(f_sites, self._gtab, self._par), target - phi[f_sites])
                src = np.zeros(self.grid.n)
                src[f_sites] = q * sigma
                phi = phi + self._poisson.solve(0.0, 0.0, src)
        return phi, sol.power

    def set_voltage(self, volts: float) -> None:
        self.voltage = float(volts)
        self.update_fields()

    def evolve(self, duration_s: float, max_events: int | None = None) -> dict:
        """Hold the present voltage for ``duration_s`` (s), updating fields every K events.

        Returns the observables at the end (see :meth:`observables`) plus ``n_events`` done and
        ``truncated`` (the event budget ran out before the time did).
        """
        duration_s = non_negative("duration_s", duration_s, "s")
        budget = self.max_events_per_step if max_events is None else positive_int("max_events", max_events)
        t_end = self.time + duration_s
        done, truncated = 0, False
        while self.time < t_end:
            if done >= budget:
                truncated = True
                break
            chunk = min(self.field_update_events - self._since_update, budget - done)
            n, status = self.advance(t_end, chunk)
            done += n
            self._since_update += n
            if status == 2:
                self.time = t_end
                break
            if status == 3 or self._since_update >= self.field_update_events:
                self.update_fields()
        if self._since_update > 0:
            self.update_fields()
        return {**self.observables(), "n_events": done, "truncated": truncated}

    def observables(self) -> dict:
        return {"V": self.voltage, "V_cell": self.v_cell, "I": self.current, "time": self.time,
                "n_vacancies": self.n_vacancies, "n_ions": self.n_ions, "reservoir": int(self.reservoir[0]),
                "T_max": self.T_max, "gap": self.filament_gap(), "G": self.conductance_S}

    # -- experiments (kmc.experiments builds the Datasets)
    def forming(self, v_ramp=None, **kw):
        from kmc.experiments import forming
        return forming(self, v_ramp, **kw)

    def sweep_iv(self, voltages, dwell_s: float = 1e-3, **kw):
        from kmc.experiments import sweep_iv
        return sweep_iv(self, voltages, dwell_s, **kw)

    def pulse(self, V: float, width: float, **kw):
        from kmc.experiments import pulse
        return pulse(self, V, width, **kw)

    def to_atoms(self):
        """ase.Atoms of the defects: O (vacancy sites, tag 1) and O ions (tag 2) at site positions."""
        from kmc.experiments import to_atoms
        return to_atoms(self)

    # -- checkpoint / restart
    def _config(self) -> dict:
        return {"model": "VCMCell", "params": self.params.to_dict(), "shape": list(self.shape),
                "T_ambient_K": self.T_ambient_K, "compliance_A": self.compliance_A,
                "field_update_events": self.field_update_events,
                "field_update_changes": self.field_update_changes, "max_events_per_step": self.max_events_per_step,
                "phi_tolerance_kT": self.phi_tolerance_kT, "conduction": self.conduction,
                "process_temperature_K": self.process_temperature_K, "allow_unconverged_dft": True,
                "thermal": self.thermal}

    def save(self, path, extra: dict | None = None):
        """Checkpoint everything needed to continue identically (.npz via matsim.core.checkpoint)."""
        arrays = {"vac": self.vac, "ion": self.ion, "zvac": self.zvac, "phi": self.phi,
                  "phi_applied": self.phi_applied, "temp": self.temp,
                  "efield": self.efield, "reservoir": self.reservoir, "counts": self.counts, "par": self._par}
        warm_arrays, warm = self._tat.warm_state()       # the network solver's warm start
        arrays.update(warm_arrays)
        if self.thermal == "electrodes":
            arrays["heat_x"] = self._heat._x                 # the heat solve's warm start (PCG)
        meta = {"config": self._config(), **self._engine_meta(), "voltage": self.voltage, "v_cell": self.v_cell,
                "tunnel_warm_start": warm,
                "current": self.current, "conductance_S": self.conductance_S, "power_W": self.power_W,
                "since_update": self._since_update, "n_field_updates": self.n_field_updates,
                "extra": extra or {}}
        return save_checkpoint(path, arrays, meta)

    @classmethod
    def _from_checkpoint(cls, arrays, meta, engine=None):
        # a checkpoint without a conduction key was written when "lattice" was the only model: keep it
        meta = {**meta, "config": {"conduction": "lattice", **meta["config"]}}
        obj = cls._rebuild(meta, engine)
        for k in ("vac", "ion", "zvac", "phi", "phi_applied", "temp", "efield", "reservoir", "counts", "par"):
            if k in arrays:                   # phi_applied: checkpoints from before issue #23 lack it
                getattr(obj, "_par" if k == "par" else k)[:] = arrays[k]
        for k in ("voltage", "v_cell", "current", "conductance_S", "power_W"):
            setattr(obj, k, float(meta[k]))
        obj._since_update = int(meta["since_update"])
        obj.n_field_updates = int(meta["n_field_updates"])
        obj.checkpoint_extra = meta.get("extra", {})
        if "tunnel_warm_start" in meta:
            obj._tat.set_warm_state(arrays, meta["tunnel_warm_start"])
        if "heat_x" in arrays and obj.thermal == "electrodes":
            obj._heat._x = np.array(arrays["heat_x"], dtype=float)
        obj._restore_engine(meta)
        obj.refresh_rates()
        return obj
