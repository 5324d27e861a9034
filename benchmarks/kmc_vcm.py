"""VCM cell field coupling: wall time per field + conduction update and events/s, OLD vs NEW path.

    python benchmarks/kmc_vcm.py [--quick]

OLD: ``conduction="lattice"``, the ohmic network over every lattice bond, refactorized with SuperLU
after every vacancy change (the path of the cell before issue #23, kept callable for this benchmark).
NEW: ``conduction="tunnel"``, the vacancy network (metallic filament + trap-to-trap tunnelling) and
the applied potential from the Green's-function table (capacitance method): no lattice factorization
after the set-up. Both paths share the incremental electrostatics of moving charges.

For each size (about 2000, 8000, 20000 sites; 768 and 2000 with --quick) a cell with a partial
filament (a column of vacancies from the bottom electrode over 2/3 of the oxide) and 2 % random
vacancies at 1 V:

1. per update: a random vacancy hops to a free neighbour, then ``update_fields()`` (current,
   applied potential, heat, charges' Poisson solve, all rates); mean wall time;
2. events/s of ``evolve`` with a field update after every vacancy change (``field_update_changes=1``),
   and the field updates per event: the two conduction models give different kinetics (with the
   vacancy network the filament vacancies are neutral conductors and the isolated ones hop more), so
   events/s compares physics as well as cost; updates/s is the like-for-like column.

Full mode adds the device target of issue #23: a 10 nm x 10 nm x 5 nm HfO2 cell (40 x 40 x 20 sites)
forms and completes one RESET/SET cycle (:func:`kmc.device_cycle.device_cycle`, conduction="tunnel",
thermal="electrodes"), wall time per phase; OLD is the old path's cost for the same number of field
updates (its per-update time and Poisson factorization measured at that size; running it would take hours).

The machine is shared: compare the ratios printed in one run, not absolute times.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import kmc


def make_cell(shape, conduction, table=None):
    cell = kmc.VCMCell("HfO2", shape=shape, seed=3, conduction=conduction, green_table=table,
                       field_update_changes=1, max_events_per_step=10**9)
    rng = np.random.default_rng(7)
    cell.vac[rng.random(cell.grid.n) < 0.02] = 1
    nx, ny, nz = shape
    for k in range(2 * nz // 3):
        cell.vac[np.ravel_multi_index((nx // 2, ny // 2, k), shape)] = 1
    cell.set_voltage(1.0)
    return cell


def hop_random_vacancy(cell, rng):
    g = cell.grid
    while True:
        s = rng.choice(np.nonzero(cell.vac)[0])
        n = g.nbr[s, rng.integers(6)]
        if n >= 0 and cell.vac[n] == 0:
            cell.vac[s], cell.vac[n] = 0, 1
            return


def time_updates(cell, n_updates):
    rng = np.random.default_rng(11)
    hop_random_vacancy(cell, rng)
    cell.update_fields()                           # warm-up (numba, caches)
    t0 = time.perf_counter()
    for _ in range(n_updates):
        hop_random_vacancy(cell, rng)
        cell.update_fields()
    return (time.perf_counter() - t0) / n_updates


def events_per_s(cell, wall_s):
    """evolve at 1.5 V with a field update after every vacancy change, for about ``wall_s`` seconds.
    Each call holds the voltage 1000 s (KMC clock) so that it ends on its 10-event budget: with 1 s
    (before) a cell without a filament (~40 events per KMC second) made ~0.02 events per call and the
    column measured the clock and the per-call overhead (then a scipy Dijkstra for the gap), not the
    events. Returns (events/s, field updates/s)."""
    cell.set_voltage(1.5)
    cell.evolve(1e3, max_events=10)                # warm-up
    n0, u0, t0 = cell.n_events, cell.n_field_updates, time.perf_counter()
    while time.perf_counter() - t0 < wall_s:
        cell.evolve(1e3, max_events=10)
    wall = time.perf_counter() - t0
    return (cell.n_events - n0) / wall, (cell.n_field_updates - u0) / wall


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes (CI, < 60 s)")
    args = ap.parse_args()
    shapes = [(8, 8, 12), (10, 10, 20)] if args.quick else [(10, 10, 20), (20, 20, 20), (25, 25, 32)]
    print("sites  | update OLD (ms) | update NEW (ms) | ratio | events/s OLD | events/s NEW | ratio "
          "| updates/s OLD | updates/s NEW | ratio")
    for shape in shapes:
        n = int(np.prod(shape))
        new = make_cell(shape, "tunnel")
        old = make_cell(shape, "lattice", table=new._gtab / kmc.vcm.q)
        n_old = 3 if n > 10_000 else (6 if args.quick else 10)
        t_old = time_updates(old, n_old)
        t_new = time_updates(new, 5 * n_old)
        wall = 2.0 if args.quick else 6.0
        e_old, u_old = events_per_s(old, wall)
        e_new, u_new = events_per_s(new, wall)
        print(f"{n:6d} | {1e3 * t_old:15.1f} | {1e3 * t_new:15.1f} | {t_old / t_new:5.1f} | "
              f"{e_old:12.3g} | {e_new:12.3g} | {e_new / e_old:5.1f} | {u_old:13.3g} | {u_new:13.3g} | "
              f"{u_new / u_old:5.1f}")
    if not args.quick:
        device()


def device():
    """The 10 x 10 x 5 nm device: forming + RESET + SET, NEW measured, OLD = its updates x the old cost."""
    from kmc.device_cycle import DEVICE_SHAPE, device_cycle
    from kmc.grid import FixedNetwork
    r = device_cycle()
    g = r["cell"].grid
    eps = r["cell"].params.require("relative_permittivity", "1") * kmc.vcm.eps0 * g.a
    t0 = time.perf_counter()
    FixedNetwork(g, eps, eps, eps)                  # the old set-up: SuperLU of the Poisson matrix
    t_fact = time.perf_counter() - t0
    old = make_cell(DEVICE_SHAPE, "lattice", table=r["cell"]._gtab / kmc.vcm.q)
    t_upd = time_updates(old, 1)
    print(f"\ndevice {DEVICE_SHAPE} ({r['sites']} sites), conduction=tunnel, thermal=electrodes, one core:")
    print("phase    | wall NEW (s) | events | field updates | NEW ms/update | OLD estimate (s)")
    for name, p in r["phases"].items():
        est = t_fact if name == "setup" else p["field_updates"] * t_upd
        print(f"{name:8s} | {p['wall_s']:12.1f} | {p['events']:6d} | {p['field_updates']:13d} | "
              f"{1e3 * p['wall_s'] / max(p['field_updates'], 1):13.1f} | {est:16.0f}")
    print(f"total    | {r['wall_s']:12.1f}   (target <= 120 s); OLD per update {t_upd:.1f} s, "
          f"OLD Poisson factorization {t_fact:.1f} s")
    print(f"V_forming {r['V_forming']:.2f} V, V_reset {r['V_reset']:.2f} V, V_set {r['V_set']:.2f} V, "
          f"R_LRS {r['R_lrs']:.3g} Ohm, R_HRS {r['R_hrs']:.3g} Ohm")

if __name__ == "__main__":
    main()
