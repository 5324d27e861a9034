"""Coupled Mott relaxation oscillators (Pearson-Anson cells) and their synchronization.

Each cell k: a DC source V_s,k in series with R_s,k feeds node k, where a volatile threshold device
(any :class:`compact.CompactModel`, e.g. ``compact.MottThermal`` for VO2/NbO2 or
:class:`compact.nbox_ascoli.NbOxAscoli`) sits in parallel with a capacitor C_k to ground. Nodes are
coupled by resistors R_kj and/or capacitors C_kj::

    (C + L_C) dv/dt = (V_s - v)/R_s - i_dev(v, x) - L_G v          (KCL at the nodes)
    dx_k/dt        = device.dstate_dt(v_k, x_k)                      (device state, e.g. T_k)

with L_G, L_C the weighted graph Laplacians of the coupling conductances 1/R_kj and capacitances
C_kj. A cell biased in the device's negative-differential-resistance region with C large enough
relaxation-oscillates (Pearson-Anson; NbO2: Pickett, Medeiros-Ribeiro & Williams, Nat. Mater. 12, 114
(2013), Kumar et al., Nature 548, 318 (2017)). Two identical cells lock
in phase through a resistor and in anti-phase through a capacitor (Parihar et al., Phys. Rev. E 92,
012904 (2015); Shukla et al., Sci. Rep. 4, 4964 (2014)).

Integration: scipy ``solve_ivp`` (Radau by default, stiff). Results: ``xarray.Dataset`` over
(cell, t) with ``v`` (V), ``i`` (device current, A) and one variable per device state.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx
import numpy as np
import scipy.sparse as sp
import xarray as xr
from scipy.integrate import solve_ivp

from compact.base import CompactModel
from matsim.core import validate
from matsim.core.errors import ConfigError, ConvergenceError


class _TooManyEvaluations(Exception):
    pass


@dataclass
class Cell:
    """One Pearson-Anson cell: ``device`` biased by ``V_s`` (V) through ``R_s`` (Ohm), with ``C`` (F)
    in parallel with the device."""

    device: CompactModel
    V_s: float
    R_s: float
    C: float
    x0: np.ndarray | None = field(default=None)

    def __post_init__(self):
        if not isinstance(self.device, CompactModel):
            raise ConfigError("device", type(self.device).__name__, "a compact.CompactModel instance")
        self.V_s = validate.finite("V_s", self.V_s, "V")
        self.R_s = validate.positive("R_s", self.R_s, "Ohm")
        self.C = validate.positive("C", self.C, "F")
        self.x0 = self.device.initial_state() if self.x0 is None else \
            self.device.check_state(np.atleast_1d(np.asarray(self.x0, float)), "x0")


def _coupling_matrices(coupling, n: int) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """(conductance matrix G_kj in S, capacitance matrix C_kj in F) from a graph or matrices.

    ``coupling`` : a networkx Graph on nodes 0..n-1 whose edges carry ``R`` (Ohm) and/or ``C`` (F);
    or a dict ``{"R": matrix of Ohm (0 = none), "C": matrix of F}``; or a single matrix of R (Ohm).
    """
    if isinstance(coupling, nx.Graph):
        nodes = set(coupling.nodes())
        if nodes != set(range(n)):
            raise ConfigError("coupling", sorted(nodes)[:10], f"a graph on the cell indices 0..{n - 1}")
        G = sp.lil_matrix((n, n))
        Cm = sp.lil_matrix((n, n))
        for u, v, d in coupling.edges(data=True):
            if "R" not in d and "C" not in d:
                raise ConfigError(f"coupling edge ({u}, {v})", d, "an attribute R (Ohm) and/or C (F)")
            if "R" in d:
                G[u, v] = G[v, u] = 1.0 / validate.positive(f"coupling edge ({u}, {v}) R", d["R"], "Ohm")
            if "C" in d:
                Cm[u, v] = Cm[v, u] = validate.positive(f"coupling edge ({u}, {v}) C", d["C"], "F")
        G, Cm = G.tocsr(), Cm.tocsr()
    else:
        mats = coupling if isinstance(coupling, dict) else {"R": coupling}
        unknown = set(mats) - {"R", "C"}
        if unknown:
            raise ConfigError("coupling", sorted(unknown), "keys 'R' (Ohm) and/or 'C' (F)")
        G = sp.csr_matrix((n, n))
        Cm = sp.csr_matrix((n, n))
        if mats.get("R") is not None:
            R = sp.csr_matrix(mats["R"], dtype=float)
            if R.shape != (n, n) or np.any(R.data < 0) or not np.all(np.isfinite(R.data)):
                raise ConfigError("coupling R", f"matrix{R.shape}", f"a {n}x{n} matrix of resistances >= 0 Ohm (0: no link)")
            R.eliminate_zeros()
            G = R.copy()
            G.data = 1.0 / G.data
        if mats.get("C") is not None:
            Cm = sp.csr_matrix(mats["C"], dtype=float)
            if Cm.shape != (n, n) or np.any(Cm.data < 0) or not np.all(np.isfinite(Cm.data)):
                raise ConfigError("coupling C", f"matrix{Cm.shape}", f"a {n}x{n} matrix of capacitances >= 0 F")
        for name, M in (("R", G), ("C", Cm)):
            if abs(M - M.T).max() > 1e-12 * max(abs(M).max(), 1e-300):
                raise ConfigError(f"coupling {name}", "asymmetric matrix", "a symmetric matrix (undirected links)")
    A = (abs(G) + abs(Cm)).tocsr()
    A.setdiag(0)
    A.eliminate_zeros()
    if n > 1:
        n_comp, _ = sp.csgraph.connected_components(A, directed=False)
        if n_comp > 1:
            raise ConfigError("coupling", f"{n_comp} disconnected groups of cells",
                              "a connected coupling graph (simulate separate groups as separate networks)")
    return G, Cm


def _laplacian(M: sp.csr_matrix) -> sp.csr_matrix:
    M = M.tolil()
    M.setdiag(0)
    M = M.tocsr()
    return (sp.diags(np.asarray(M.sum(axis=1)).ravel()) - M).tocsr()


class MottNetwork:
    """N Pearson-Anson cells coupled by resistors and/or capacitors.

    Parameters
    ----------
    cells : list of :class:`Cell` (or one Cell and ``n`` copies via :meth:`identical`).
    coupling : networkx Graph with edge attributes ``R`` (Ohm) / ``C`` (F), or ``{"R": ..., "C": ...}``
        matrices (dense or scipy.sparse), or one matrix of resistances; must connect all cells.
    """

    def __init__(self, cells: list[Cell], coupling=None):
        if not cells:
            raise ConfigError("cells", cells, "at least one Cell")
        self.cells = list(cells)
        self.n = len(self.cells)
        if coupling is None:
            if self.n > 1:
                raise ConfigError("coupling", None, "a coupling graph connecting the cells")
            coupling = sp.csr_matrix((1, 1))
        self.G_couple, self.C_couple = _coupling_matrices(coupling, self.n)
        self.L_G = _laplacian(self.G_couple)
        self.M = (sp.diags([c.C for c in self.cells]) + _laplacian(self.C_couple)).toarray()
        self._Minv = np.linalg.inv(self.M)
        self.V_s = np.array([c.V_s for c in self.cells])
        self.g_s = np.array([1.0 / c.R_s for c in self.cells])
        # group cells sharing one device object: one vectorized device call per group
        groups: dict[int, list[int]] = {}
        for k, c in enumerate(self.cells):
            groups.setdefault(id(c.device), []).append(k)
        self._groups = [(self.cells[idx[0]].device, np.array(idx)) for idx in groups.values()]
        ns = {c.device.n_state for c in self.cells}
        if len(ns) != 1:
            raise ConfigError("cells", sorted(ns), "devices with the same number of state variables")
        self.n_state = ns.pop()

    @classmethod
    def identical(cls, cell: Cell, n: int, coupling) -> "MottNetwork":
        """``n`` copies of one cell (same device object: vectorized)."""
        n = validate.positive_int("n", n)
        return cls([Cell(cell.device, cell.V_s, cell.R_s, cell.C, cell.x0) for _ in range(n)], coupling)

    @classmethod
    def pair(cls, cell: Cell, R_c: float | None = None, C_c: float | None = None) -> "MottNetwork":
        """Two identical cells joined by a resistor ``R_c`` (Ohm) and/or a capacitor ``C_c`` (F)."""
        g = nx.Graph()
        g.add_nodes_from([0, 1])
        attrs = {k: v for k, v in (("R", R_c), ("C", C_c)) if v is not None}
        if not attrs:
            raise ConfigError("R_c/C_c", None, "a coupling resistance (Ohm) and/or capacitance (F)")
        g.add_edge(0, 1, **attrs)
        return cls.identical(cell, 2, g)

    # ---- equations ----------------------------------------------------------------------------
    def _split(self, y):
        v = y[: self.n]
        x = y[self.n:].reshape(self.n_state, self.n)
        return v, x

    def device_currents(self, v, x) -> np.ndarray:
        i = np.empty(self.n) if np.ndim(v) == 1 else np.empty_like(v)
        for dev, idx in self._groups:
            i[idx] = dev.current(v[idx], dev.clip_state(x[:, idx]))
        return i

    def rhs(self, t, y) -> np.ndarray:
        v, x = self._split(y)
        i_dev = self.device_currents(v, x)
        dv = self._Minv @ ((self.V_s - v) * self.g_s - i_dev - self.L_G @ v)
        dx = np.empty_like(x)
        for dev, idx in self._groups:
            dx[:, idx] = np.reshape(dev.dstate_dt(v[idx], dev.clip_state(x[:, idx])), (self.n_state, idx.size))
        return np.concatenate([dv, dx.ravel()])

    def jacobian_sparsity(self) -> sp.csr_matrix:
        """Non-zero pattern of d(rhs)/dy: node voltages couple through (C + L_C)^-1 (I + |L_G|), each
        device state only to its own node voltage and states. Lets Radau/BDF build the Jacobian from
        a few grouped finite differences instead of one per unknown (large networks)."""
        n, m = self.n, self.n_state
        Minv_pattern = sp.csr_matrix(np.abs(self._Minv) > 0)
        vv = Minv_pattern @ (sp.identity(n, format="csr") + abs(self.L_G))
        eye = sp.identity(n, format="csr")
        blocks = [[vv] + [Minv_pattern] * m]
        for _ in range(m):
            blocks.append([eye] + [eye] * m)
        return sp.bmat(blocks, format="csr").astype(bool).astype(float)

    def initial_state(self, v0=None, x0=None) -> np.ndarray:
        v0 = np.zeros(self.n) if v0 is None else np.broadcast_to(validate.finite("v0", v0, "V"), (self.n,)).astype(float)
        if x0 is None:
            x = np.stack([c.x0 for c in self.cells], axis=1)
        else:
            x = np.asarray(x0, dtype=float).reshape(self.n_state, self.n)
            for k, c in enumerate(self.cells):
                c.device.check_state(x[:, k], f"x0[cell {k}]")
        return np.concatenate([v0, x.ravel()])

    # ---- simulation ---------------------------------------------------------------------------
    def simulate(self, t_end: float, n_out: int = 4000, v0=None, x0=None, method: str = "Radau",
                 rtol: float = 1e-6, max_step: float | None = None, seed=None, jitter: float = 0.0,
                 max_evals: int = 2_000_000) -> xr.Dataset:
        """Integrate for ``t_end`` seconds; ``jitter`` (V) adds a random offset to v0 (break symmetry).

        Raises :class:`ConvergenceError` if the integrator fails, produces non-finite values or needs
        more than ``max_evals`` right-hand-side evaluations (a stiff problem given to an explicit
        method, or an unstable circuit), and
        :class:`ConfigError` naming ``V_s`` if a device state leaves the model's range.
        """
        t_end = validate.positive("t_end", t_end, "s")
        n_out = validate.positive_int("n_out", n_out, 2)
        y0 = self.initial_state(v0, x0)
        if jitter:
            from matsim.core.rng import make_rng
            y0[: self.n] += validate.non_negative("jitter", jitter, "V") * make_rng(seed).standard_normal(self.n)
        t = np.linspace(0.0, t_end, n_out)
        max_evals = validate.positive_int("max_evals", max_evals)
        count = [0]

        def rhs(tt, y):
            count[0] += 1
            if count[0] > max_evals:
                raise _TooManyEvaluations(tt)
            return self.rhs(tt, y)

        extra = {"jac_sparsity": self.jacobian_sparsity()} if method in ("Radau", "BDF") else {}
        try:
            sol = solve_ivp(rhs, (0.0, t_end), y0, method=method, t_eval=t, rtol=rtol,
                            atol=self._atol(y0), max_step=max_step or t_end / 2000, **extra)
        except _TooManyEvaluations as exc:
            raise ConvergenceError(f"MottNetwork.simulate: {method} needed more than {max_evals} evaluations by "
                                   f"t = {exc.args[0]:.4g} s of {t_end:.4g} s (stiff or unstable); use method='Radau' "
                                   f"or 'LSODA', or check the circuit values") from None
        if not sol.success or sol.y.shape[1] != t.size or not np.all(np.isfinite(sol.y)):
            raise ConvergenceError(f"MottNetwork.simulate: the {method} integration failed at t = {sol.t[-1]:.4g} s "
                                   f"({sol.message}); try a smaller max_step, method='LSODA', or check the bias")
        v, x = sol.y[: self.n], sol.y[self.n:].reshape(self.n_state, self.n, -1)
        for k, c in enumerate(self.cells):
            left = c.device.validity_violation(x[:, k])
            if left:
                raise ConfigError(f"V_s (cell {k})", c.V_s,
                                  f"a bias that keeps {c.device.name} within its model range {left} (the state left it)")
        i = self.device_currents(v, x)
        data = {"v": (("cell", "t"), v, {"units": "V", "long_name": "node (device) voltage"}),
                "i": (("cell", "t"), i, {"units": "A", "long_name": "device current"})}
        dev0 = self.cells[0].device
        for s, (nm, un) in enumerate(zip(dev0.state_names, dev0.state_units)):
            data[nm] = (("cell", "t"), x[s], {"units": un})
        return xr.Dataset(data, coords={"t": ("t", t, {"units": "s"}), "cell": np.arange(self.n)},
                          attrs={"model": dev0.name, "n_cells": self.n, "state_names": list(dev0.state_names),
                                 "V_s": self.V_s.tolist(), "R_s": [c.R_s for c in self.cells],
                                 "C": [c.C for c in self.cells]})

    def _atol(self, y0):
        scales = [np.full(self.n, 1e-7)]
        for c in self.cells[:1]:
            lo, hi = c.device.state_bounds()
            span = np.where(np.isfinite(hi - lo), np.abs(hi - lo), 1.0)
            scales.append(np.repeat(1e-9 * np.maximum(span, 1e-30)[:, None], self.n, axis=1).ravel())
        return np.concatenate(scales)


# ---- analysis ----------------------------------------------------------------------------------
def spike_times(signal: np.ndarray, t: np.ndarray, threshold: float | None = None,
                t_min: float = 0.0, rearm: float | None = None) -> np.ndarray:
    """Times (s) where ``signal`` rises through ``threshold`` (default: midway between its 5th and
    95th percentile after ``t_min``), linearly interpolated; the detector re-arms only after the
    signal falls below ``rearm`` (default: threshold - 10 % of that range), which rejects noise."""
    signal, t = np.asarray(signal, float), np.asarray(t, float)
    m = t >= t_min
    s, tt = signal[m], t[m]
    if s.size < 3:
        return np.array([])
    lo, hi = np.percentile(s, [5, 95])
    if hi - lo <= 1e-12 * max(abs(hi), abs(lo), 1e-300):
        return np.array([])
    thr = 0.5 * (lo + hi) if threshold is None else threshold
    rearm = thr - 0.1 * (hi - lo) if rearm is None else rearm
    out, armed = [], s[0] < thr
    for k in range(1, s.size):
        if armed and s[k - 1] < thr <= s[k]:
            out.append(tt[k - 1] + (thr - s[k - 1]) * (tt[k] - tt[k - 1]) / (s[k] - s[k - 1]))
            armed = False
        elif not armed and s[k] < rearm:
            armed = True
    return np.array(out)


def _sustained(sig: np.ndarray, t: np.ndarray, t0: float, rel: float = 1e-3) -> bool:
    """True if ``sig`` oscillates with a non-decaying amplitude after ``t0``: the peak-to-peak in the
    last third is >= 0.3 x that in the first third and >= ``rel`` of max |sig|."""
    m = t >= t0
    s = sig[m]
    q = max(s.size // 3, 2)
    first, last = np.ptp(s[:q]), np.ptp(s[-q:])
    return bool(last >= 0.3 * first and last >= rel * np.max(np.abs(s)) and last > 0)


def analyze(ds: xr.Dataset, variable: str | None = None, transient: float = 0.3) -> dict:
    """Spikes, frequencies and phase locking of every cell relative to cell 0.

    ``variable``: default the first device state (e.g. the filament temperature T: smooth, and not
    directly disturbed by capacitive cross-talk); ``v`` (node voltage) or ``i`` (device current;
    narrow spikes need a fine ``n_out``) also work.

    Returns ``spikes`` (list of arrays, s), ``frequency`` (Hz per cell, nan if < 3 spikes),
    ``phase`` (mean phase of each cell relative to cell 0, in cycles, 0..1),
    ``locking`` (Kuramoto-type order parameter |<exp(2 pi i phi)>| of that phase, 1 = locked) and
    ``mode`` ("in-phase", "anti-phase", "locked", "unlocked" or "quiescent") for a pair.
    """
    if variable is None:
        names = ds.attrs.get("state_names", [])
        variable = names[0] if len(names) and names[0] in ds else "v"
    t = ds["t"].values
    t0 = t[0] + transient * (t[-1] - t[0])
    sig = ds[variable].values
    spikes = [spike_times(sig[k], t, t_min=t0) if _sustained(sig[k], t, t0) else np.array([])
              for k in range(sig.shape[0])]
    freq = np.array([1.0 / np.mean(np.diff(s)) if s.size >= 3 else np.nan for s in spikes])
    phase, lock = np.full(len(spikes), np.nan), np.full(len(spikes), np.nan)
    ref = spikes[0]
    if ref.size >= 3:
        for k, s in enumerate(spikes):
            if s.size < 3:
                continue
            # phase of each spike of cell k within the reference cycle that contains it
            j = np.searchsorted(ref, s, side="right") - 1
            ok = (j >= 0) & (j < ref.size - 1)
            if not np.any(ok):
                continue
            ph = (s[ok] - ref[j[ok]]) / (ref[j[ok] + 1] - ref[j[ok]])
            z = np.mean(np.exp(2j * np.pi * ph))
            phase[k] = (np.angle(z) / (2 * np.pi)) % 1.0
            lock[k] = abs(z)
    mode = "quiescent"
    if len(spikes) == 2 and np.isfinite(lock[1]):
        d = min(phase[1], 1 - phase[1])
        if lock[1] < 0.9:
            mode = "unlocked"
        elif d < 0.1:
            mode = "in-phase"
        elif abs(d - 0.5) < 0.1:
            mode = "anti-phase"
        else:
            mode = "locked"
    return {"spikes": spikes, "frequency": freq, "phase": phase, "locking": lock, "mode": mode}
