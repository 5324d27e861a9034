"""Max-cut at an equal sweep budget: noisy Hopfield annealing (ideal field, device noise, crossbar read)
vs noiseless restarts, simulated annealing and steepest one-exchange.

Graphs: Erdos-Renyi G(n, 0.5), unit weights, n = 16, 50, 100, 200. Reference: the exact optimum by
enumeration for n <= 20; above, the best cut found by any run here including long simulated-annealing
runs ("best known"), with the Goemans-Williamson SDP upper bound (dual eigenvalue form) beside it.
Every method gets the same number of sweeps per trial (1 sweep = n field evaluations) and reports the
best cut it saw; the table gives mean(best cut) / reference over graphs and trials.

    .venv/bin/python benchmarks/maxcut_baselines.py [--quick] [--plot cut_vs_budget.png]
"""

from __future__ import annotations

import argparse
import time

import networkx as nx
import numpy as np

from compact.nbox_ascoli import NbOxAscoli
from matsim.network import maxcut_baselines as B
from matsim.network.annealing import CrossbarField, HopfieldMaxCut, as_weight_matrix, exact_maxcut

METHODS = {
    "noisy (sigma0=0.8)": lambda W, S, R, seed: HopfieldMaxCut(W, noise=0.8, seed=seed).run(S, n_runs=R)["best_cut"].values,
    "device noise NbOx": lambda W, S, R, seed: HopfieldMaxCut.from_device(W, NbOxAscoli(), x=[300.0], seed=seed)
    .run(S, n_runs=R)["best_cut"].values,
    "crossbar read 5%": lambda W, S, R, seed: _xbar(W, 0.05, seed).run(S, n_runs=R)["best_cut"].values,
    "crossbar read 100%": lambda W, S, R, seed: _xbar(W, 1.0, seed).run(S, n_runs=R)["best_cut"].values,
    "noiseless restarts": lambda W, S, R, seed: B.noiseless_restarts(W, S, R, seed=seed),
    "simulated annealing": lambda W, S, R, seed: B.simulated_annealing(W, S, R, seed=seed),
    "one-exchange restarts": lambda W, S, R, seed: B.one_exchange(W, S, R, seed=seed),
}
_XB = {}


def _xbar(W, sigma, seed):
    """Hopfield network reading through the crossbar; the array is solved once per graph (cached)."""
    if "field" not in _XB:
        _XB["field"] = CrossbarField(W)
    net = HopfieldMaxCut(W, noise=sigma, seed=seed)
    net.field = _XB["field"]
    return net


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="n = 16 (2 graphs) and 50 (1 graph), budgets up to 80 (< 60 s)")
    ap.add_argument("--plot", metavar="PNG", help="save cut ratio vs sweep budget")
    args = ap.parse_args(argv)
    sizes = {16: 2, 50: 1} if args.quick else {16: 4, 50: 4, 100: 3, 200: 2}
    budgets = (5, 20, 80) if args.quick else (5, 20, 80, 320)
    R = 4 if args.quick else 8
    t_start = time.perf_counter()
    results = {}
    for n, n_graphs in sizes.items():
        ratios = {m: np.zeros((n_graphs, len(budgets))) for m in METHODS}
        refs, bounds = [], []
        for gi in range(n_graphs):
            W = as_weight_matrix(nx.gnp_random_graph(n, 0.5, seed=1000 * n + gi))
            _XB.clear()
            best = {m: [] for m in METHODS}
            for m, fn in METHODS.items():
                for S in budgets:
                    best[m].append(fn(W, S, R, gi))
            if n <= 20:
                ref, kind = exact_maxcut(W)[0], "exact"
            else:
                long = B.simulated_annealing(W, 500 if args.quick else 2000, 8, seed=99)
                ref = max(float(long.max()), max(float(np.max(b)) for v in best.values() for b in v))
                kind = "best known"
            bound = B.sdp_upper_bound(W)
            refs.append(ref)
            bounds.append(bound)
            for m in METHODS:
                ratios[m][gi] = [np.mean(b) / ref for b in best[m]]
        results[n] = ratios
        print(f"\nn = {n}: {n_graphs} graphs G(n, 0.5), {R} trials each; reference = {kind} "
              f"(mean {np.mean(refs):.1f}); SDP bound / reference = {np.mean(np.array(bounds) / np.array(refs)):.4f}")
        print(f"{'method':>24} " + " ".join(f"{S:>8d}" for S in budgets) + "   (sweeps)")
        for m in METHODS:
            print(f"{m:>24} " + " ".join(f"{v:8.4f}" for v in ratios[m].mean(axis=0)))
        for k, S in enumerate(budgets):
            top = max(ratios[m][:, k].mean() for m in METHODS)
            print(f"  best at {S} sweeps: " + ", ".join(m for m in METHODS if ratios[m][:, k].mean() >= top - 1e-9))
    print(f"\ntotal {time.perf_counter() - t_start:.1f} s")
    if args.plot:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        fig, axes = plt.subplots(1, len(results), figsize=(3.6 * len(results), 3.2), sharey=False)
        for ax, (n, ratios) in zip(np.atleast_1d(axes), results.items(), strict=True):
            for m in METHODS:
                ax.plot(budgets, ratios[m].mean(axis=0), "o-", label=m, ms=3)
            ax.set_xscale("log"), ax.set_xlabel("sweep budget"), ax.set_title(f"n = {n}")
        np.atleast_1d(axes)[0].set_ylabel("best cut / reference")
        np.atleast_1d(axes)[-1].legend(fontsize=6)
        fig.tight_layout()
        fig.savefig(args.plot, dpi=120)
        print(f"plot: {args.plot}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
