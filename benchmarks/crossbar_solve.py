"""Crossbar nodal-solve speed: 64^2, 128^2, 256^2 arrays with wire resistance, linear and 1S1R.

Solver choice (printed): conjugate gradients preconditioned by symmetric block Gauss-Seidel over the
two wire families. Word lines couple only along a row and bit lines only along a column, so the two
diagonal blocks of the nodal matrix are independent tridiagonal chains (LAPACK dpttrf/dpttrs, O(MN));
the cells (-D) are the only coupling. The direct alternative, SuperLU on the assembled 2MN x 2MN
matrix, is timed beside it, and so is badcrossbar (if installed) on the same arrays: time ratio and
max relative difference of the output currents.

    .venv/bin/python benchmarks/crossbar_solve.py [--quick]
"""

from __future__ import annotations

import argparse
import logging
import time
import warnings

import numpy as np
import scipy.sparse.linalg as spla

from compact import StanfordPKU
from matsim.network.crossbar import Crossbar
from matsim.network.crossbar.nodal import assemble


def timed(fn, repeat=1):
    best, out = np.inf, None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="one repetition per case (< 60 s)")
    ap.add_argument("--r-wire", type=float, default=2.0, help="wire segment resistance (Ohm)")
    args = ap.parse_args(argv)
    rep = 1 if args.quick else 3
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import badcrossbar
        logging.getLogger("badcrossbar").setLevel(logging.WARNING)
        logging.disable(logging.INFO)
    except ImportError:
        badcrossbar = None
        print("badcrossbar not installed: comparison skipped "
              "(.venv/bin/pip install --no-deps badcrossbar && .venv/bin/pip install sigfig pathvalidate)")
    rng = np.random.default_rng(0)
    rw = args.r_wire
    print(f"wire segment {rw} Ohm; G uniform in [1e-6, 1e-4] S; inputs uniform in [0, 0.3] V (linear), "
          "[0, 1] V (1S1R: sinh selector + fixed G; PKU1S1R: selector + StanfordPKU, gaps 0.3-1.7 nm)")
    pku = StanfordPKU()
    print(f"{'size':>8} {'linear s':>9} {'PCG it':>7} {'SuperLU s':>10} {'1S1R s':>8} {'Newton':>7} "
          f"{'PKU1S1R s':>9} {'it':>5} "
          f"{'badxbar s':>10} {'speed-up':>9} {'max rel diff':>13}")
    Crossbar(8, 8, 1e-4, r_wire_row=1.0, r_wire_col=1.0).solve(np.ones(8))     # warm-up (imports, LAPACK)
    for n in (64, 128, 256):
        G = rng.uniform(1e-6, 1e-4, (n, n))
        v = rng.uniform(0, 0.3, n)

        def lin():
            return Crossbar(n, n, G, r_wire_row=rw, r_wire_col=rw).solve(v)

        t_lin, sol = timed(lin, rep)
        A = assemble(n, n, 1 / rw, 1 / rw, 1 / rw, 1 / rw, G.ravel())
        b = np.zeros(2 * n * n)
        b[: n * n].reshape(n, n)[:, 0] = v / rw
        t_lu, _ = timed(lambda: spla.splu(A).solve(b), rep)
        vn = rng.uniform(0, 1.0, n)
        t_nl, nsol = timed(lambda: Crossbar(n, n, G, r_wire_row=rw, r_wire_col=rw, cell="1S1R").solve(vn), rep)
        gaps = rng.uniform(0.3e-9, 1.7e-9, (1, n, n))
        t_pku, psol = timed(lambda: Crossbar(n, n, pku, state=gaps, r_wire_row=rw, r_wire_col=rw,
                                             cell="1S1R").solve(vn), rep)
        line = (f"{n:>4}x{n:<3} {t_lin:9.3f} {sol.linear_iterations:7d} {t_lu:10.3f} {t_nl:8.3f} "
                f"{nsol.iterations:7d} {t_pku:9.3f} {psol.iterations:5d}")
        if badcrossbar is not None:
            t_b, bs = timed(lambda: badcrossbar.compute(v[:, None], 1 / G, r_i=rw), 1)
            ib = np.asarray(bs.currents.output).ravel()
            diff = np.max(np.abs(ib - sol.i_out)) / np.max(np.abs(ib))
            line += f" {t_b:10.3f} {t_b / t_lin:8.1f}x {diff:13.2e}"
        print(line, flush=True)
    n, K = 256, 16
    G = rng.uniform(1e-6, 1e-4, (n, n))
    xb = Crossbar(n, n, G, r_wire_row=rw, r_wire_col=rw)
    V = rng.uniform(0, 0.3, (K, n))
    t_many, many = timed(lambda: xb.solve_many(V), 1)
    print(f"solve_many, 256x256 linear, {K} input vectors sharing the chain factorizations: {t_many:.3f} s "
          f"({t_many / K * 1e3:.1f} ms per vector, {many.linear_iterations} PCG iterations for the batch)")
    print("targets: 256x256 linear <= 0.5 s, 1S1R <= 5 s, >= 5x faster than badcrossbar with currents "
          "equal to 1e-9 relative")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
