"""Electrochemical-metallization (ECM, CBRAM) cell: Ag/Cu filament growth and rupture by KMC.

Geometry: the simple-cubic site grid of :class:`kmc.grid.Grid` (lateral periodic) filled with a
solid electrolyte / oxide; the top plane (k = nz) is the **active** electrode (Ag or Cu, voltage V),
the bottom plane (k = -1) the **inert** counter electrode (grounded). Events
(:mod:`kmc._ecm_kernels`): oxidation of the active electrode M -> M^z+ + z e^-, ion hopping in the
field, reduction at the counter electrode or at the filament (nucleation and growth), re-deposition
into the active electrode, and dissolution (oxidation) of filament atoms, with Butler-Volmer barriers

    E_b = E_0 ± α z η,   r = ν exp(-max(E_b, 0)/k_B T)

(Menzel, Kaupmann & Waser, Nanoscale 7, 12673 (2015); Menzel et al., Adv. Funct. Mater. 21, 4487
(2011); Valov et al., Nanotechnology 22, 254003 (2011)). SET needs V > 0 on the active electrode
(ions drift to the counter electrode, the filament grows back towards the active electrode); RESET
needs V < 0 (the filament dissolves where the potential drop is largest, at its constriction).

Potential: every ``field_update_events`` events, the site potential φ is the solution of a resistor
network on the lattice in which metal-metal bonds conduct ``metal_to_electrolyte`` times better
than the electrolyte (so the filament is nearly equipotential with its electrode and the field
concentrates at its tip or constriction); the space charge of the ions is neglected (stated
limitation; the VCM cell :class:`kmc.VCMCell` solves Poisson for its charged defects).

Conductance (what the source sees):

* filament bridges the electrodes: the narrowest constriction has n_c atoms (the minimum vertex cut
  of the metal cluster between the electrodes = number of atom-disjoint paths, Menger's theorem),
  each an atomic point contact with one open channel: G_fil = n_c G0, G0 = 2e²/h
  (quantized conductance, Terabe et al., Nature 433, 47 (2005); Tappertzhofen et al., ACS Nano 9,
  1306 (2015));
* otherwise: tunnelling across the gap of d = g a (g empty sites on the best path),
  G_fil = G0 exp(-d/λ), λ = ``tunnel_decay_length``;
* G = 1/(1/(G_fil + G_leak) + R_series). The source applies V limited by the compliance
  I_cc (SET polarity) or ``reset_compliance_A`` (RESET polarity): V_cell = sign(V) min(|V|, I_cc/G).

Joule heating is lumped: the atoms of a bridging filament dissolve at T_fil = T + R_th I V_cell
(thermally assisted RESET, cf. Russo et al., IEEE TED 56, 193 (2009)); everything else is at T.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
import xarray as xr
from scipy.sparse.csgraph import maximum_flow, shortest_path

from kmc import _ecm_kernels as EK
from kmc.engine import KMCModel
from kmc.grid import Grid, solve_current
from matsim import materials
from matsim.core.errors import ConfigError
from matsim.core.parameters import ParameterSet
from matsim.core.units import G0, k_B_eV
from matsim.core.validate import finite, in_range, non_negative, positive, positive_int, temperature

#: ParameterSet keys of the ECM cell and the unit they are read in
KEYS = {
    "atomic_spacing": "m", "ion_charge": "e", "E_oxidation": "eV", "E_reduction": "eV", "E_hop_ion": "eV",
    "E_dissolution": "eV", "E_coordination": "eV", "attempt_frequency": "Hz",
    "charge_transfer_coefficient": "1", "tunnel_decay_length": "m",
}
COUNT_NAMES = ("ion_hops", "deposition_active", "dissolution", "reduction", "oxidation")
ELECTRODES = ("Ag", "Cu")


def resolve_parameters(params) -> ParameterSet:
    """The ParameterSet of an active-electrode material (``"Ag"``, ``"Cu"``) or a full set."""
    if params is None:
        raise ConfigError("electrode", None, "an active-electrode material (one of Ag, Cu) or a ParameterSet")
    if isinstance(params, str):
        if params.lower() not in {e.lower() for e in ELECTRODES}:
            raise ConfigError("electrode", params, "an ECM active-electrode material: one of Ag, Cu")
        return materials.get(params)
    if not isinstance(params, ParameterSet):
        raise ConfigError("electrode", params, "a material name (Ag, Cu) or a ParameterSet")
    return params


class ECMCell(KMCModel):
    """KMC model of an ECM cell (active Ag/Cu | electrolyte | inert electrode); see module docstring.

    Parameters
    ----------
    params : ``"Ag"``, ``"Cu"`` or a ParameterSet with the keys in :data:`KEYS`.
    shape : (nx, ny, nz) sites; the electrolyte is nz a thick.
    T_K : temperature (K).
    compliance_A : current compliance for V > 0 (A); None for none.
    reset_compliance_A : compliance for V < 0 (A); None (default) for none.
    series_resistance_ohm : resistance in series with the filament (Ω).
    leak_conductance_S : electronic leakage of the electrolyte in parallel with the filament (S).
    metal_to_electrolyte : conductance ratio of metal and electrolyte bonds in the potential solve.
    interface_resistance_ratio : resistance of an electrode/electrolyte bond relative to an
        electrolyte bond (the Helmholtz-layer share of the voltage that drives the redox steps).
    thermal_resistance_K_per_W : R_th of a bridging filament: T_fil = T + R_th I V_cell heats the
        dissolution of filament atoms (thermally assisted RESET).
    field_update_events : events between two potential updates (K).
    max_events_per_step : event budget of one voltage step (truncated steps are flagged).
    seed, engine : random seed; "numba" or "python" (reference engine).
    """

    rate_kernel = EK.rate
    execute_kernel = EK.execute
    run_kernel = EK.run
    fill_kernel = EK.fill
    max_touched = 2 * 7 * EK.NE

    def __init__(self, params="Ag", shape=(3, 3, 8), T_K: float = 300.0, compliance_A: float | None = 2e-5,
                 reset_compliance_A: float | None = None, series_resistance_ohm: float = 0.0,
                 leak_conductance_S: float = 1e-9, metal_to_electrolyte: float = 1e4,
                 interface_resistance_ratio: float = 5.0, thermal_resistance_K_per_W: float = 5e6,
                 field_update_events: int = 20, max_events_per_step: int = 200_000, seed=None,
                 engine: str = "numba"):
        self.params = resolve_parameters(params)
        p = {k: self.params.require(k, u) for k, u in KEYS.items()}
        for k in ("atomic_spacing", "attempt_frequency", "tunnel_decay_length", "ion_charge"):
            positive(k, p[k], KEYS[k])
        for k in ("E_oxidation", "E_reduction", "E_hop_ion", "E_dissolution", "E_coordination"):
            non_negative(k, p[k], KEYS[k])
        in_range("charge_transfer_coefficient", p["charge_transfer_coefficient"], 0.0, 1.0)
        if np.ndim(shape) != 1 or len(shape) != 3:
            raise ConfigError("shape", shape, "three integers (nx, ny, nz)")
        self.shape = tuple(positive_int(f"shape[{i}]", s) for i, s in enumerate(shape))
        if self.shape[2] < 2:
            raise ConfigError("shape[2]", self.shape[2], "at least 2 electrolyte layers")
        self.T_K = temperature("T_K", T_K)
        self.compliance_A = None if compliance_A is None else positive("compliance_A", compliance_A, "A")
        self.reset_compliance_A = (None if reset_compliance_A is None
                                   else positive("reset_compliance_A", reset_compliance_A, "A"))
        self.series_resistance_ohm = non_negative("series_resistance_ohm", series_resistance_ohm, "Ω")
        self.leak_conductance_S = non_negative("leak_conductance_S", leak_conductance_S, "S")
        self.metal_to_electrolyte = positive("metal_to_electrolyte", metal_to_electrolyte, "1")
        self.interface_resistance_ratio = positive("interface_resistance_ratio", interface_resistance_ratio, "1")
        self.thermal_resistance_K_per_W = non_negative("thermal_resistance_K_per_W", thermal_resistance_K_per_W,
                                                       "K/W")
        self.field_update_events = positive_int("field_update_events", field_update_events)
        self.max_events_per_step = positive_int("max_events_per_step", max_events_per_step)
        self.a = p["atomic_spacing"]
        self.decay_length = p["tunnel_decay_length"]
        self.grid = Grid(self.shape, self.a)
        par = np.zeros(16)
        par[EK.NU] = p["attempt_frequency"]
        par[EK.EHOP], par[EK.EOX], par[EK.ERED] = p["E_hop_ion"], p["E_oxidation"], p["E_reduction"]
        par[EK.EDIS], par[EK.ECOORD] = p["E_dissolution"], p["E_coordination"]
        par[EK.ALPHA], par[EK.Z] = p["charge_transfer_coefficient"], p["ion_charge"]
        par[EK.KT] = par[EK.KT_FIL] = k_B_eV * self.T_K
        par[EK.NZ] = self.shape[2]
        self._par = par
        self.occ = np.zeros(self.grid.n, dtype=np.int8)
        self.phi = np.zeros(self.grid.n)
        self.counts = np.zeros(8, dtype=np.int64)
        self._init_engine(self.grid.n * EK.NE, engine=engine, seed=seed)
        self.voltage = 0.0
        self.update_fields()

    def state(self) -> tuple:
        return (self.occ, self.phi, self.grid.nbr, self.grid.k, self._par, self.counts)

    # -- observables
    @property
    def n_atoms(self) -> int:
        """Metal atoms in the electrolyte (filament and clusters)."""
        return int(np.count_nonzero(self.occ == 2))

    @property
    def n_ions(self) -> int:
        return int(np.count_nonzero(self.occ == 1))

    def event_counts(self) -> dict[str, int]:
        return {name: int(c) for name, c in zip(COUNT_NAMES, self.counts)}

    def constriction(self) -> int:
        """Atoms in the narrowest constriction of a filament that bridges the electrodes (0 if none).

        Maximum flow with unit vertex capacities from the counter to the active electrode through
        metal sites = minimum number of atoms whose removal disconnects the electrodes.
        """
        g = self.grid
        n = g.n
        metal = self.occ == 2
        if not (metal[g.bottom].any() and metal[g.top].any()):
            return 0
        big = 4 * n
        sites = np.flatnonzero(metal)
        both = metal[g.bond_a] & metal[g.bond_b]
        a, b = g.bond_a[both], g.bond_b[both]
        src, sink = 2 * n, 2 * n + 1
        bot, top = g.bottom[metal[g.bottom]], g.top[metal[g.top]]
        rows = np.concatenate([sites, a + n, b + n, np.full(len(bot), src), top + n])
        cols = np.concatenate([sites + n, b, a, bot, np.full(len(top), sink)])
        cap = np.concatenate([np.ones(len(sites), np.int32), np.full(2 * len(a) + len(bot) + len(top), big, np.int32)])
        graph = sp.csr_matrix((cap, (rows, cols)), shape=(2 * n + 2, 2 * n + 2), dtype=np.int32)
        return int(maximum_flow(graph, src, sink).flow_value)

    def gap(self) -> int:
        """Fewest non-metal sites on a nearest-neighbour path between the electrodes (0: bridged)."""
        g = self.grid
        n = g.n
        step = np.where(self.occ == 2, 0.0, 1.0)     # cost of entering a site
        eps = 1e-12                                  # scipy drops explicit zero weights
        src, dst = n, n + 1
        rows = np.concatenate([g.bond_a, g.bond_b, np.full(len(g.bottom), src), g.top])
        cols = np.concatenate([g.bond_b, g.bond_a, g.bottom, np.full(len(g.top), dst)])
        w = np.concatenate([step[g.bond_b], step[g.bond_a], step[g.bottom], np.zeros(len(g.top))]) + eps
        graph = sp.csr_matrix((w, (rows, cols)), shape=(n + 2, n + 2))
        return int(round(shortest_path(graph, indices=src, directed=True)[dst]))

    def filament_conductance(self) -> tuple[float, int, int]:
        """(G_fil in S, atoms in the constriction n_c, gap in sites): n_c G0 or G0 exp(-g a/λ)."""
        nc = self.constriction()
        if nc > 0:
            return nc * G0, nc, 0
        gap = self.gap()
        return G0 * np.exp(-gap * self.a / self.decay_length), 0, gap

    def conductance(self) -> float:
        """Device conductance G (S) including leakage and series resistance."""
        return self._device_conductance(self.filament_conductance()[0])

    def _device_conductance(self, g_fil: float) -> float:
        g = g_fil + self.leak_conductance_S
        return 1.0 / (1.0 / g + self.series_resistance_ohm)

    # -- coupling
    def update_fields(self) -> None:
        """Conductance, compliance-limited cell voltage, potential of the network; recompute rates."""
        g_fil, self.n_constriction, self.gap_sites = self.filament_conductance()
        G = self._device_conductance(g_fil)
        v = self.voltage
        icc = self.compliance_A if v >= 0 else self.reset_compliance_A
        if icc is not None and abs(G * v) > icc:
            v = np.sign(v) * icc / G
        self.conductance_S, self.v_cell, self.current = float(G), float(v), float(G * v)
        self.T_filament = self.T_K + (self.thermal_resistance_K_per_W * abs(self.current * v)
                                      if self.n_constriction > 0 else 0.0)
        self._par[EK.KT_FIL] = k_B_eV * self.T_filament
        grid = self.grid
        metal = self.occ == 2
        low = 1.0 / self.metal_to_electrolyte
        gb = np.where(metal[grid.bond_a] & metal[grid.bond_b], 1.0, low)
        gbot = np.where(metal[grid.bottom], 1.0, low / self.interface_resistance_ratio)
        gtop = np.where(metal[grid.top], 1.0, low / self.interface_resistance_ratio)
        self.phi[:] = solve_current(grid, gb, gbot, gtop, 0.0, self.v_cell)[0]
        self._par[EK.VTOP] = self.v_cell
        self._since_update = 0
        self.refresh_rates()

    # -- checkpoint / restart (kmc.load)
    def _config(self) -> dict:
        return {"model": "ECMCell", "params": self.params.to_dict(), "shape": list(self.shape), "T_K": self.T_K,
                "compliance_A": self.compliance_A, "reset_compliance_A": self.reset_compliance_A,
                "series_resistance_ohm": self.series_resistance_ohm, "leak_conductance_S": self.leak_conductance_S,
                "metal_to_electrolyte": self.metal_to_electrolyte,
                "interface_resistance_ratio": self.interface_resistance_ratio,
                "thermal_resistance_K_per_W": self.thermal_resistance_K_per_W,
                "field_update_events": self.field_update_events, "max_events_per_step": self.max_events_per_step}

    def save(self, path, extra: dict | None = None):
        """Checkpoint (occupation, event counts, voltage, clock, random-generator state) to ``path`` (.npz)."""
        from matsim.core.checkpoint import save_checkpoint
        return save_checkpoint(path, {"occ": self.occ, "counts": self.counts},
                               {"config": self._config(), **self._engine_meta(), "voltage": self.voltage,
                                "extra": extra or {}})

    @classmethod
    def _from_checkpoint(cls, arrays, meta, engine=None):
        obj = cls._rebuild(meta, engine)
        obj.occ[:] = arrays["occ"]
        obj.counts[:] = arrays["counts"]
        obj.voltage = float(meta["voltage"])
        obj.update_fields()               # potential, conductance and rates follow from occupation + voltage
        obj.checkpoint_extra = meta.get("extra", {})
        obj._restore_engine(meta)
        return obj

    def set_voltage(self, volts: float) -> None:
        self.voltage = float(finite("voltage", volts, "V"))
        self.update_fields()

    def evolve(self, duration_s: float, max_events: int | None = None, record: list | None = None) -> dict:
        """Hold the present voltage for ``duration_s`` (s); potential and conductance are updated every
        ``field_update_events`` events. With ``record`` (a list), (time, G, n_c) is appended after each
        update. Returns :meth:`observables` plus ``n_events`` and ``truncated``."""
        duration_s = non_negative("duration_s", duration_s, "s")
        budget = self.max_events_per_step if max_events is None else positive_int("max_events", max_events)
        t_end = self.time + duration_s
        done = 0
        while self.time < t_end and done < budget:
            n, status = self.advance(t_end, min(self.field_update_events, budget - done))
            done += n
            if n:
                self.update_fields()
            if record is not None:
                record.append((self.time, self.conductance_S, self.n_constriction))
            if status == 2:
                self.time = t_end
        return {**self.observables(), "n_events": done, "truncated": bool(self.time < t_end)}

    def observables(self) -> dict:
        return {"V": self.voltage, "V_cell": self.v_cell, "I": self.current, "G": self.conductance_S,
                "time": self.time, "n_atoms": self.n_atoms, "n_ions": self.n_ions,
                "n_constriction": self.n_constriction, "gap": self.gap_sites, "T_filament": self.T_filament}

    # -- experiments
    def sweep_iv(self, voltages, dwell_s: float = 1e-2, quiet: bool = True) -> xr.Dataset:
        """Quasi-static I-V: hold each voltage (V) of ``voltages`` for ``dwell_s`` (s).

        Returns a Dataset over ``step`` with V, V_cell, I, G, n_constriction, gap, n_atoms, time,
        truncated.
        """
        from matsim.core.progress import progress
        volts = np.asarray(voltages, dtype=float).ravel()
        if volts.size == 0 or not np.all(np.isfinite(volts)):
            raise ConfigError("voltages", voltages, "a non-empty sequence of finite voltages (V)")
        positive("dwell_s", dwell_s, "s")
        rows = []
        for v in progress(volts, desc="ECM I-V", quiet=quiet):
            self.set_voltage(v)
            rows.append(self.evolve(dwell_s))
        return _rows_to_dataset(rows, self, "step")

    def set_reset(self, v_set: float = 0.6, v_reset: float = -0.6, n_points: int = 25,
                  dwell_s: float = 1e-2, quiet: bool = True) -> xr.Dataset:
        """One SET/RESET cycle: 0 -> v_set -> 0 -> v_reset -> 0 (V), ``n_points`` per branch."""
        from kmc.experiments import bipolar_cycle
        return self.sweep_iv(bipolar_cycle(v_set, v_reset, n_points=n_points), dwell_s, quiet)

    def hold(self, voltage: float, duration_s: float, max_events: int = 2_000_000) -> xr.Dataset:
        """Constant voltage: conductance G(t) (S) and constriction size after every field update."""
        self.set_voltage(voltage)
        record: list = []
        self.evolve(duration_s, max_events=max_events, record=record)
        t, g, nc = (np.array(c) for c in zip(*record)) if record else (np.zeros(0),) * 3
        return xr.Dataset({"G": ("t", g, {"units": "S"}), "G_over_G0": ("t", g / G0, {"units": "1"}),
                           "n_constriction": ("t", nc.astype(int), {"units": "atoms"})},
                          coords={"t": ("t", t, {"units": "s"})},
                          attrs={"model": "ECMCell", "V": float(voltage), "G0_S": G0})


def conductance_histogram(ds: xr.Dataset, bins=None, t_min: float = 0.0):
    """Time-weighted histogram of G/G0 from :meth:`ECMCell.hold` (each sample weighted by the time
    until the next one). Returns (density, bin_edges)."""
    t = ds["t"].values
    g = ds["G_over_G0"].values
    w = np.diff(t, append=t[-1])
    keep = t >= t_min
    bins = np.linspace(0, max(4.0, float(np.ceil(g.max())) if g.size else 4.0), 81) if bins is None else bins
    return np.histogram(g[keep], bins=bins, weights=w[keep], density=True)


def plot_conductance_trace(ds: xr.Dataset, path=None):
    """G(t)/G0 and its time-weighted histogram (Figure; saved when ``path`` is given)."""
    import matplotlib.pyplot as plt
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.5), gridspec_kw={"width_ratios": [2, 1]})
    ax1.step(ds["t"].values, ds["G_over_G0"].values, where="post")
    ax1.set_xlabel("t (s)")
    ax1.set_ylabel("G / G0")
    dens, edges = conductance_histogram(ds)
    ax2.barh(0.5 * (edges[1:] + edges[:-1]), dens, height=np.diff(edges))
    ax2.set_xlabel("time fraction density")
    for k in range(1, 5):
        ax1.axhline(k, color="0.7", lw=0.5)
        ax2.axhline(k, color="0.7", lw=0.5)
    fig.tight_layout()
    if path is not None:
        fig.savefig(path, dpi=120)
    return fig


def _rows_to_dataset(rows: list[dict], cell: ECMCell, dim: str) -> xr.Dataset:
    units = {"V": "V", "V_cell": "V", "I": "A", "G": "S", "time": "s", "n_atoms": "atoms", "n_ions": "ions",
             "n_constriction": "atoms", "gap": "sites", "T_filament": "K", "n_events": "1", "truncated": "1"}
    data = {k: (dim, np.array([r[k] for r in rows]), {"units": u}) for k, u in units.items()}
    return xr.Dataset(data, attrs={"model": "ECMCell", "electrode": cell.params.name or "",
                                   "shape": list(cell.shape), "T_K": cell.T_K,
                                   "compliance_A": -1.0 if cell.compliance_A is None else cell.compliance_A})
