"""Time per backward-Euler step of the FiPy Mott filament model vs number of cells.

    python benchmarks/continuum_step.py [--quick]
"""

import argparse
import time

from continuum import Circuit, MottFilament


def time_step(n_lat: int, n_vert: int, steps: int) -> float:
    dev = MottFilament("VO2", "axisymmetric", 100e-9, 50e-9, (n_lat, n_vert), 300.0, Circuit(3.0, 1e4))
    dt = dev.thermal_time
    dev.advance(dt)  # warm-up (assembly caches)
    t0 = time.perf_counter()
    for _ in range(steps):
        dev.advance(dt)
    return (time.perf_counter() - t0) / steps


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="fewer steps (CI)")
    args = ap.parse_args()
    steps = 3 if args.quick else 10
    ref = None
    print(f"{'cells':>8} {'grid':>10} {'s/step':>10} {'ratio':>7}")
    for n_lat, n_vert in ((40, 25), (125, 80)):
        s = time_step(n_lat, n_vert, steps)
        ref = ref or s
        print(f"{n_lat * n_vert:>8} {f'{n_lat}x{n_vert}':>10} {s:>10.4f} {s / ref:>7.2f}")


if __name__ == "__main__":
    main()
