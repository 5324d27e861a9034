"""Max-cut on a memristor Hopfield network, with device read noise as the annealing temperature.

Problem: split the nodes of a weighted graph into two sets to maximize the cut
C(s) = sum_{(i,j) in E} w_ij (1 - s_i s_j)/2,  s_i = +-1, i.e. minimize the Ising energy
E(s) = sum_{(i,j)} w_ij s_i s_j. The Hopfield weights J = -W are stored as crossbar conductances;
neuron i reads its field h_i = sum_j J_ij s_j through the array and sets s_i = sign(h_i)
(asynchronous updates: each one lowers E, so the noiseless network stops in a local minimum).

Noise as a resource (Cai et al., Nat. Electron. 3, 409 (2020)): every read of a
conductance carries noise, J_ij (1 + sigma xi_ij), so h_i has a Gaussian error of standard deviation
sigma * sqrt(sum_j J_ij^2). A large sigma early lets the network climb out of local minima, and
lowering it (annealing) freezes it into a deep one. Two ways to set sigma(k) over the sweeps k:

* ``noise=sigma0`` : relative read noise, lowered linearly (or geometrically) to zero;
* :meth:`HopfieldMaxCut.from_device` : the physical route of Cai et al. -- the absolute current noise
  of a device is fixed (Johnson 4 k_B T G df + shot 2 q I df, plus an optional relative
  random-telegraph/1-f part), while the read voltage is ramped up, so the relative noise
  sigma(V) = sqrt(4 k_B T G df + 2 q G V df)/(G V) + sigma_rel falls as the signal grows.

Reference solvers: :func:`exact_maxcut` (enumeration, <= 24 nodes) and networkx's one-exchange
local search.
"""

from __future__ import annotations

import re
from pathlib import Path

import networkx as nx
import numpy as np
import xarray as xr

from matsim.core import units, validate
from matsim.core.errors import ConfigError, MissingFileError
from matsim.core.rng import make_rng


# ---- graphs ------------------------------------------------------------------------------------
def as_weight_matrix(graph, nonnegative: bool = False) -> np.ndarray:
    """Symmetric weight matrix (zero diagonal) from a networkx graph, a dense or sparse matrix.

    ``nonnegative=True`` refuses negative weights (a crossbar stores them as conductances >= 0)."""
    if isinstance(graph, nx.Graph):
        if graph.number_of_nodes() == 0:
            raise ConfigError("graph", "empty graph", "a graph with at least 2 nodes")
        W = nx.to_numpy_array(graph, nodelist=sorted(graph.nodes()), weight="weight")
    else:
        try:
            import scipy.sparse as sp
            W = graph.toarray() if sp.issparse(graph) else np.asarray(graph, dtype=float)
        except (TypeError, ValueError):
            raise ConfigError("graph", type(graph).__name__, "a networkx Graph or a square weight matrix") from None
    W = np.asarray(W, dtype=float)
    if W.ndim != 2 or W.shape[0] != W.shape[1] or W.shape[0] < 2:
        raise ConfigError("graph", f"array{W.shape}", "a square weight matrix with at least 2 nodes")
    if not np.all(np.isfinite(W)):
        raise ConfigError("graph", "non-finite weights", "finite edge weights")
    if not np.allclose(W, W.T):
        raise ConfigError("graph", "asymmetric matrix", "an undirected graph (symmetric weights)")
    W = W.copy()
    np.fill_diagonal(W, 0.0)
    if nonnegative and np.any(W < 0):
        i, j = np.argwhere(W < 0)[0]
        raise ConfigError("graph", f"negative weight {W[i, j]:g} on edge ({i}, {j})",
                          "edge weights >= 0 (stored as crossbar conductances)")
    return W


def parse_graph(spec: str) -> nx.Graph:
    """``random:n=16,p=0.5,seed=1`` (Erdos-Renyi G(n, p)) or the path of an edge-list file
    (``u v`` or ``u v weight`` per line, ``#`` comments)."""
    spec = str(spec).strip()
    if spec.startswith("random:"):
        opts = {}
        for item in filter(None, spec[len("random:"):].split(",")):
            m = re.fullmatch(r"\s*(n|p|seed)\s*=\s*([-+0-9.eE]+)\s*", item)
            if not m:
                raise ConfigError("graph", spec, "random:n=<int>,p=<0..1>[,seed=<int>] (e.g. random:n=16,p=0.5,seed=1)")
            opts[m.group(1)] = m.group(2)
        n = validate.positive_int("n", int(float(opts.get("n", 16))))
        p = validate.in_range("p", float(opts.get("p", 0.5)), 0.0, 1.0)
        return nx.gnp_random_graph(n, p, seed=int(float(opts.get("seed", 0))))
    path = Path(spec)
    if not path.is_file():
        raise MissingFileError("graph", spec, "an edge-list file or random:n=..,p=..,seed=..")
    try:
        g = nx.read_weighted_edgelist(path, nodetype=int)
    except (TypeError, ValueError, IndexError):
        try:
            g = nx.read_edgelist(path, nodetype=int, data=False)
        except (TypeError, ValueError, IndexError) as exc:
            raise ConfigError("graph", spec, f"lines 'u v [weight]' with integer node ids ({exc})") from None
    if g.number_of_edges() == 0:
        raise ConfigError("graph", spec, "an edge list with at least one edge")
    return g


def cut_value(W: np.ndarray, s: np.ndarray) -> np.ndarray:
    """Cut weight of spin configuration(s) ``s`` (+-1, shape (n,) or (m, n))."""
    s = np.asarray(s, dtype=float)
    # sum_{i<j} w_ij (1 - s_i s_j)/2 = (sum W/2 - s W s / 2)/2
    quad = np.einsum("...i,ij,...j->...", s, W, s)
    return 0.25 * (W.sum() - quad)


def exact_maxcut(graph, chunk: int = 1 << 16) -> tuple[float, np.ndarray]:
    """Optimum cut by enumeration of all 2^(n-1) partitions (n <= 24). Returns (cut, spins)."""
    W = as_weight_matrix(graph)
    n = W.shape[0]
    if n > 24:
        raise ConfigError("graph", f"{n} nodes", "at most 24 nodes for exact enumeration")
    best, best_s = -np.inf, None
    total = 1 << (n - 1)                      # node n-1 fixed to +1 (mirror symmetry)
    bits = np.arange(n - 1)
    for start in range(0, total, chunk):
        idx = np.arange(start, min(start + chunk, total))
        s = np.ones((idx.size, n))
        s[:, :-1] = 1.0 - 2.0 * ((idx[:, None] >> bits) & 1)
        c = cut_value(W, s)
        k = int(np.argmax(c))
        if c[k] > best:
            best, best_s = float(c[k]), s[k].copy()
    return best, best_s


def one_exchange_cut(graph, seed=0) -> float:
    """Cut from networkx's one-exchange local search (a classical heuristic baseline)."""
    g = graph if isinstance(graph, nx.Graph) else nx.from_numpy_array(as_weight_matrix(graph))
    from networkx.algorithms.approximation import one_exchange
    value, _ = one_exchange(g, weight="weight" if nx.get_edge_attributes(g, "weight") else None, seed=seed)
    return float(value)


# ---- how a neuron reads its field ---------------------------------------------------------------
class IdealField:
    """h_i = sum_j J_ij s_j with relative conductance read noise: + sigma sqrt(sum_j J_ij^2) xi."""

    source = "ideal J s + relative conductance noise"

    def __init__(self, J: np.ndarray):
        self.J = J
        self.row_norm = np.sqrt((J * J).sum(axis=1))

    def __call__(self, i: np.ndarray, s: np.ndarray, sigma: float, rng) -> np.ndarray:
        h = np.einsum("rj,rj->r", self.J[i], s)
        if sigma > 0:
            h = h + sigma * self.row_norm[i] * rng.standard_normal(h.shape)
        return h


class CrossbarField:
    """Field read through a solved :class:`~matsim.network.crossbar.Crossbar` (Cai et al. 2020 layout).

    The weights W >= 0 are stored as conductances G_ij = G_min + (G_max - G_min) W_ij / max(W) in an
    n x (n + 1) array; the extra column holds G_min everywhere (reference for the offset). Spins drive the
    word lines with +-v_read. Bit-line current of column i: I_i = sum_j A_ji v_read s_j, where A is the
    effective transfer matrix of the array with its wire resistances, found once by solving the array
    (``Crossbar.solve_many``) for the n unit inputs (the cells are linear, so superposition is exact).
    The field is h_i = -(I_i - I_ref) max(W) / ((G_max - G_min) v_read), and every read carries the
    relative Gaussian current noise of ``Crossbar.read`` (``read_noise``): I (1 + sigma xi), on both the
    column and the reference current; ``bits_adc`` quantizes each current over the largest possible
    |I| (sum of the column's conductances times v_read).
    """

    source = "crossbar read (solved array, relative current noise)"

    def __init__(self, W: np.ndarray, G_min: float = 1e-7, G_max: float = 1e-5, r_wire: float = 1.0,
                 v_read: float = 0.1, bits_adc: int | None = None):
        from matsim.network.crossbar import Crossbar
        W = as_weight_matrix(W, nonnegative=True)
        n = W.shape[0]
        self.G_min = validate.positive("G_min", G_min, "S")
        self.G_max = validate.positive("G_max", G_max, "S")
        if self.G_max <= self.G_min:
            raise ConfigError("G_max", G_max, f"a conductance above G_min = {G_min:g} S")
        self.v_read = validate.positive("v_read", v_read, "V")
        self.bits_adc = None if bits_adc is None else validate.positive_int("bits_adc", bits_adc, 2)
        w_max = float(W.max()) if W.max() > 0 else 1.0
        G = np.full((n, n + 1), self.G_min)
        G[:, :n] += (self.G_max - self.G_min) * W / w_max
        r = validate.non_negative("r_wire", r_wire, "Ohm")
        self.crossbar = Crossbar(n, n + 1, G, r_wire_row=r, r_wire_col=r)
        sol = self.crossbar.solve_many(self.v_read * np.eye(n), quiet=True)
        self.A = sol.i_out / self.v_read                      # (n, n+1) S: I = (v_read s) @ A
        self.scale = w_max / ((self.G_max - self.G_min) * self.v_read)
        self.w_max = w_max
        self.i_full = self.v_read * self.A.sum(axis=0)        # ADC range per column (A)
        self.ideal_error = float(np.max(np.abs(self.A - G)) / self.G_max)   # IR drop: relative to G_max

    def _adc(self, I: np.ndarray, col: np.ndarray) -> np.ndarray:
        if self.bits_adc is None:
            return I
        from matsim.network.crossbar.operations import quantize
        rng_ = self.i_full[col]
        return quantize(I / rng_, self.bits_adc) * rng_

    def __call__(self, i: np.ndarray, s: np.ndarray, sigma: float, rng) -> np.ndarray:
        v = self.v_read * s
        I = np.einsum("rj,jr->r", v, self.A[:, i])
        I_ref = v @ self.A[:, -1]
        if sigma > 0:
            I = I * (1.0 + sigma * rng.standard_normal(I.shape))
            I_ref = I_ref * (1.0 + sigma * rng.standard_normal(I_ref.shape))
        ref = np.full(i.shape, self.A.shape[1] - 1)
        h = -(self._adc(I, i) - self._adc(I_ref, ref)) * self.scale
        return np.where(np.abs(h) < 1e-9 * self.w_max, 0.0, h)    # round-off of a tie (h = 0) stays a tie


# ---- the Hopfield network ----------------------------------------------------------------------
class HopfieldMaxCut:
    """Hopfield network solving max-cut with annealed read noise.

    Parameters
    ----------
    graph : networkx Graph (edge attribute ``weight``, default 1) or symmetric weight matrix.
    noise : relative read noise sigma0 of the stored conductances at the first sweep (1), or a
        callable ``sigma(k, n_sweeps)``; 0 gives the plain (greedy) Hopfield network.
    schedule : ``"linear"`` (sigma0 (1 - k/n)) or ``"geometric"`` (sigma0 * 1e-3^(k/n)); ignored when
        ``noise`` is a callable.
    seed : for the initial state, update order and noise (numpy Generator via matsim.core.rng).
    """

    def __init__(self, graph, noise: float = 0.0, schedule: str = "linear", seed=None):
        self.W = as_weight_matrix(graph)
        self.J = -self.W                           # Hopfield weights (crossbar conductances, signed)
        self.n = self.W.shape[0]
        self.schedule = validate.one_of("schedule", schedule, ("linear", "geometric"))
        if callable(noise):
            self._sigma = noise
            self.noise = None
        else:
            self.noise = validate.non_negative("noise", noise, "(relative)")
            self._sigma = self._scheduled
        self.seed = seed
        self.noise_source = "relative read noise"
        self.field = IdealField(self.J)

    def _scheduled(self, k: int, n_sweeps: int) -> float:
        f = k / max(n_sweeps - 1, 1)
        if self.schedule == "linear":
            return self.noise * (1.0 - f)
        return self.noise * 1e-3 ** f

    @classmethod
    def from_device(cls, graph, device, x=None, v_read=(1e-5, 0.1), bandwidth: float = 1e8,
                    temperature: float = 300.0, relative_noise: float = 0.0, seed=None) -> "HopfieldMaxCut":
        """Noise from a compact device (any :class:`compact.CompactModel`) at state ``x``: Johnson +
        shot noise of its read current over ``bandwidth`` (Hz) plus a constant ``relative_noise``;
        the read voltage is ramped geometrically from ``v_read[0]`` to ``v_read[1]`` (V) over the
        sweeps, which anneals sigma(V) = sqrt(4 k_B T G df + 2 q G V df)/(G V) + relative_noise."""
        v0, v1 = (validate.positive("v_read", v, "V") for v in v_read)
        if v1 <= v0:
            raise ConfigError("v_read", v_read, "(start, end) read voltages with start < end, in V")
        df = validate.positive("bandwidth", bandwidth, "Hz")
        T = validate.temperature("temperature", temperature)
        rel = validate.non_negative("relative_noise", relative_noise)
        x = device.initial_state() if x is None else device.check_state(np.atleast_1d(x), "x")
        G = float(np.abs(device.conductance(v0, x)))
        if not np.isfinite(G) or G <= 0:
            raise ConfigError("x", np.asarray(x).tolist(), "a device state with a finite conductance > 0 S")

        def sigma(k: int, n_sweeps: int) -> float:
            V = v0 * (v1 / v0) ** (k / max(n_sweeps - 1, 1))
            return float(np.sqrt(4 * units.k_B * T * G * df + 2 * units.q * G * V * df) / (G * V) + rel)

        net = cls(graph, noise=sigma, seed=seed)
        net.noise_source = f"{getattr(device, 'name', type(device).__name__)}: G = {G:.3g} S, df = {df:.3g} Hz, " \
                           f"V_read {v0:g} -> {v1:g} V"
        return net

    @classmethod
    def from_crossbar(cls, graph, read_noise: float = 0.05, schedule: str = "linear", G_min: float = 1e-7,
                      G_max: float = 1e-5, r_wire: float = 1.0, v_read: float = 0.1, bits_adc: int | None = None,
                      seed=None) -> "HopfieldMaxCut":
        """Fields read through a solved crossbar (:class:`CrossbarField`, weights >= 0) whose relative
        current read noise ``read_noise`` (std/|I|, as in ``Crossbar.read``) is the annealing
        temperature, lowered by ``schedule`` to 0 (e.g. by lengthening the sense integration time,
        noise ~ 1/sqrt(t_int))."""
        net = cls(graph, noise=read_noise, schedule=schedule, seed=seed)
        net.field = CrossbarField(as_weight_matrix(graph, nonnegative=True), G_min, G_max, r_wire, v_read, bits_adc)
        net.noise_source = (f"crossbar read noise {read_noise:g} (relative current), G {G_min:g}-{G_max:g} S, "
                            f"r_wire {r_wire:g} Ohm, ADC {bits_adc or 'ideal'} bits")
        return net

    def energy(self, s) -> np.ndarray:
        """Ising energy E = sum_{i<j} w_ij s_i s_j (= -s J s / 2)."""
        s = np.asarray(s, dtype=float)
        return 0.5 * np.einsum("...i,ij,...j->...", s, self.W, s)

    def run(self, n_sweeps: int = 100, s0=None, n_runs: int = 1) -> xr.Dataset:
        """Anneal ``n_runs`` independent networks for ``n_sweeps`` sweeps (n asynchronous updates each).

        Returns a Dataset over (run, sweep): ``cut`` after each sweep, ``sigma`` (relative read noise
        used), and per run ``final_cut``, ``best_cut`` (best seen) and ``spins`` (final state).
        """
        n_sweeps = validate.positive_int("n_sweeps", n_sweeps)
        n_runs = validate.positive_int("n_runs", n_runs)
        rng = make_rng(self.seed)
        n = self.n
        sig = np.array([self._sigma(k, n_sweeps) for k in range(n_sweeps)], dtype=float)
        if not np.all(np.isfinite(sig)) or np.any(sig < 0):
            raise ConfigError("noise", "schedule", "finite relative noise values >= 0")
        if s0 is None:
            s = rng.choice([-1.0, 1.0], size=(n_runs, n))
        else:
            s = np.broadcast_to(np.sign(np.asarray(s0, float)) + (np.asarray(s0, float) == 0), (n_runs, n)).copy()
        cuts = np.empty((n_runs, n_sweeps))
        for k in range(n_sweeps):
            order = rng.permuted(np.tile(np.arange(n), (n_runs, 1)), axis=1)
            runs = np.arange(n_runs)
            for step in range(n):
                i = order[:, step]
                h = self.field(i, s, sig[k], rng)
                new = np.where(h > 0, 1.0, np.where(h < 0, -1.0, s[runs, i]))
                s[runs, i] = new
            cuts[:, k] = cut_value(self.W, s)
        ds = xr.Dataset(
            {"cut": (("run", "sweep"), cuts, {"long_name": "cut weight after the sweep"}),
             "sigma": ("sweep", sig, {"units": "1", "long_name": "relative read noise"}),
             "final_cut": ("run", cuts[:, -1]),
             "best_cut": ("run", cuts.max(axis=1)),
             "spins": (("run", "node"), s)},
            coords={"sweep": np.arange(1, n_sweeps + 1), "run": np.arange(n_runs), "node": np.arange(n)},
            attrs={"n_nodes": n, "n_edges": int(np.count_nonzero(np.triu(self.W))),
                   "noise_source": self.noise_source, "schedule": self.schedule, "field": self.field.source})
        return ds


def compare(graph, noise: float = 1.0, n_sweeps: int = 100, n_runs: int = 10, seed=0) -> dict:
    """Cut quality of noisy annealing, the zero-noise network (one descent), and at the SAME budget of
    ``n_sweeps`` per run: noiseless restarts and simulated annealing (best cut seen, see
    :mod:`matsim.network.maxcut_baselines`); networkx one-exchange; the exact optimum (enumeration when
    n <= 20). Returns a dict of mean cuts and ratios to the optimum."""
    from matsim.network import maxcut_baselines as baselines
    W = as_weight_matrix(graph)
    noisy = HopfieldMaxCut(W, noise=noise, seed=seed).run(n_sweeps, n_runs=n_runs)
    plain = HopfieldMaxCut(W, noise=0.0, seed=seed).run(n_sweeps, n_runs=n_runs)
    out = {"noisy_mean": float(noisy["final_cut"].mean()), "zero_noise_mean": float(plain["final_cut"].mean()),
           "restarts_mean": float(baselines.noiseless_restarts(W, n_sweeps, n_runs, seed=seed).mean()),
           "annealing_sa_mean": float(baselines.simulated_annealing(W, n_sweeps, n_runs, seed=seed).mean()),
           "one_exchange": one_exchange_cut(W, seed=seed)}
    if W.shape[0] <= 20:
        opt, _ = exact_maxcut(W)
        out["optimum"] = opt
        for k in ("noisy_mean", "zero_noise_mean", "restarts_mean", "annealing_sa_mean", "one_exchange"):
            out[k.replace("_mean", "") + "_ratio"] = out[k] / opt if opt > 0 else 1.0
    out["traces"] = {"noisy": noisy, "zero_noise": plain}
    return out
