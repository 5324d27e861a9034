"""Device reservoir (NbOx nodes) vs fair baselines on NARMA10 and Mackey-Glass 10-step prediction.

Models, all on the same split (train, then held-out test), NRMSE on the test part:
device ESN with the recurrence W r as a software product and read through a solved crossbar;
a software ESN with default hyper-parameters and one tuned by validation (spectral radius, input
scaling, leak, ridge); linear and quadratic (Volterra) delay-line ridge regressions (delays and ridge
validated). The device ESN is run with its defaults and tuned by the same validation (spectral radius,
input scaling, pulse amplitude V_in, ridge).

    .venv/bin/python benchmarks/reservoir_baselines.py [--quick]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from compact.nbox_ascoli import NbOxAscoli
from matsim.network.reservoir import ESN, SoftwareESN, TunedDeviceESN, TunedESN, compare_baselines


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="one seed, 30 nodes, 600/300 steps, small ESN grid (< 60 s)")
    args = ap.parse_args(argv)
    seeds = (0,) if args.quick else (0, 1, 2)
    n_nodes, n_train, n_test = (30, 600, 300) if args.quick else (50, 1000, 500)
    grid = dict(spectral_radii=(0.8, 1.1), input_scales=(0.1, 1.0, 3.0), leaks=(0.3, 1.0)) if args.quick else {}
    dgrid = dict(spectral_radii=(0.5,), input_scales=(0.3, 1.0), V_ins=(2.0, 2.5)) if args.quick else {}
    t0 = time.perf_counter()
    for task in ("narma10", "mackey_glass"):
        rows = {}
        tuned_params = []
        for seed in seeds:
            tuned = TunedESN(n_nodes, seed=seed, **grid)
            tuned_dev = TunedDeviceESN(NbOxAscoli(), n_nodes, seed=seed, **dgrid)
            models = {"device ESN (software W r)": ESN(NbOxAscoli(), n_nodes, seed=seed),
                      "device ESN (crossbar W r)": ESN(NbOxAscoli(), n_nodes, seed=seed, recurrence="crossbar"),
                      "device ESN, tuned": tuned_dev,
                      "software ESN, default": SoftwareESN(n_nodes, seed=seed),
                      "software ESN, tuned": tuned}
            res = compare_baselines(models, task=task, n_train=n_train, n_test=n_test, seed=seed)
            for k, v in res.items():
                rows.setdefault(k, []).append(v)
            tuned_params.append((tuned.params_, tuned_dev.params_))
        print(f"\n{task}: {n_nodes} nodes, train {n_train}, test {n_test}, seeds {seeds}; NRMSE (test)")
        print(f"{'model':>28} " + " ".join(f"{'seed ' + str(s):>8}" for s in seeds) + f" {'mean':>8}")
        for k, v in rows.items():
            print(f"{k:>28} " + " ".join(f"{x:8.3f}" for x in v) + f" {np.mean(v):8.3f}")
        for name, k in (("tuned software ESN", 0), ("tuned device ESN", 1)):
            print(f"  {name}:", "; ".join(", ".join(f"{a}={b:g}" for a, b in p[k].items()) for p in tuned_params))
    print(f"\ntotal {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
