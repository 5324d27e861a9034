"""FiPy Mott filament: legacy core (FiPy terms, rebuilt every solve) beside the fast core.

    python benchmarks/continuum_step.py [--quick]

(a) 100x100 axisymmetric VO2 (r 100 nm, L 50 nm) through 20 kOhm, from ambient:
    1. the same fixed steps on both cores (per-step cost: assembly, linear solver, sweeps);
    2. 6 V (heats to ~315 K, does not switch): ``transient`` to 2 ns with steps of at most 0.1 ns and
       each core's own step control (legacy: backward Euler, dT_max = 5 K cap; fast: BDF2 with a local
       error estimate, step_tol) -> seconds per simulated ns, steps, sweeps per step, and the error of
       T_max(t) against a tight reference (fast core, step_tol = 1e-5): largest over the run and at the end;
    3. 15 V (the filament forms at ~0.44 ns; full mode only): the same to 1 ns;
    4. fast-core linear solvers against each other (same fixed steps);
    the easy case 3 V through 10 kOhm at 1e4 cells: wall time of 1000 fixed steps (extrapolated
    from the steps run in --quick).
(b) the VO2 relaxation oscillation on the fast core at 16x8, 32x16 and 64x32 cells (quick: 16x8):
    CPU time per period and frequency, old cell beside the cell chosen from the converged I-V
    (see :func:`oscillation_periods`).
Times are CPU seconds of this process (time.process_time), so a loaded machine slows both cores
alike; the ratios printed in one run are the result.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from continuum import Circuit, MottFilament
from continuum.lumped import oscillation_frequency
from matsim.core.errors import ConvergenceError


def vo2(n, circuit, core, **kw):
    return MottFilament("VO2", "axisymmetric", 100e-9, 50e-9, n, 300.0, circuit, core=core, **kw)


def clock() -> float:
    """CPU seconds of this process (the machine is shared: wall time measures the neighbours)."""
    return time.process_time()


def fixed_steps(n, circuit, core, dt, steps, **kw) -> tuple[float, float]:
    """(CPU seconds per step, final T_max) for ``steps`` fixed steps of ``dt`` after one warm-up step."""
    dev = vo2(n, circuit, core, **kw)
    dev.advance(dt, dT_max=1e9)
    t0 = clock()
    for _ in range(steps):
        dev.advance(dt, dT_max=1e9)
    return (clock() - t0) / steps, float(dev.T.value.max())


def per_ns(n, circuit, core, t_end, **kw):
    """(CPU s per simulated ns, accepted steps, Dataset, model) of ``transient(t_end, 0.1 ns)``."""
    dev = vo2(n, circuit, core, **kw)
    t0 = clock()
    ds = dev.transient(t_end, 1e-10, n_snapshots=0)
    cpu = clock() - t0
    return cpu / (t_end * 1e9), ds.sizes["t"] - 1, ds, dev


def errors(ds, ref) -> tuple[float, float]:
    """(largest |T_max(t) - T_ref(t)| over the accepted times, T_max - T_ref at the end), K; the
    reference is interpolated linearly between its (much denser) accepted times."""
    t, T = ds.t.values, ds.T_max.values
    Tr = np.interp(t, ref.t.values, ref.T_max.values)
    return float(np.max(np.abs(T - Tr))), float(T[-1] - ref.T_max.values[-1])


def half_rise_time(ds, T_half: float) -> float:
    """First time (s) T_max reaches ``T_half`` (linear interpolation between accepted steps): the
    heating time, or the switching time when the filament forms."""
    t, T = ds.t.values, ds.T_max.values
    k = int(np.argmax(T >= T_half))
    return float(t[k - 1] + (t[k] - t[k - 1]) * (T_half - T[k - 1]) / (T[k] - T[k - 1]))


def switching_time(ds, level: float) -> float:
    """First time (s, after t = 0) the device voltage falls through ``level`` (linear interpolation)."""
    t, V = ds.t.values[1:], ds.V.values[1:]
    k = int(np.argmax(V <= level))
    return float(t[k - 1] + (t[k] - t[k - 1]) * (level - V[k - 1]) / (V[k] - V[k - 1]))


def transient_case(label, n, circuit, t_end, reference: bool, switching: bool = False) -> None:
    """Legacy beside fast: seconds per simulated ns, steps, sweeps, accuracy against a tight reference."""
    leg, n_leg, ds_leg, _ = per_ns(n, circuit, "legacy", t_end)
    new, n_new, ds_new, dev = per_ns(n, circuit, "fast", t_end)
    attempts = n_new + dev.n_rejected
    print(f"  {label}, transient to {t_end:g} s (steps <= 0.1 ns)\n"
          f"    legacy {leg:8.3f} s/ns ({n_leg} steps)   fast {new:8.3f} s/ns ({n_new} steps + {dev.n_rejected} rejected, "
          f"{dev.n_sweeps / attempts:.1f} sweeps per attempt)   speed-up {leg / new:6.1f}x")
    if reference:
        _, n_ref, ref, _ = per_ns(n, circuit, "fast", t_end, step_tol=1e-5)
        (e_leg, f_leg), (e_new, f_new) = errors(ds_leg, ref), errors(ds_new, ref)
        print(f"    error of T_max(t) against fast step_tol = 1e-5 ({n_ref} steps, T_max(end) {float(ref.T_max[-1]):.3f} K):"
              f"  legacy max {e_leg:.3f} K, end {f_leg:+.3f} K   fast max {e_new:.3f} K, end {f_new:+.4f} K")
        if switching:       # the filament snaps in: V falls through the middle of its jump
            tr, Vr = ref.t.values, ref.V.values
            k = 1 + int(np.argmax(-np.diff(Vr[1:]) / np.diff(tr[1:])))
            level = 0.5 * (np.interp(tr[k] - 5e-12, tr, Vr) + np.interp(tr[k] + 5e-12, tr, Vr))
            t_ref = switching_time(ref, level)
            print(f"    switching time (V falls through {level:.2f} V): reference {t_ref * 1e12:.2f} ps, legacy "
                  f"{(switching_time(ds_leg, level) - t_ref) * 1e12:+.2f} ps, fast "
                  f"{(switching_time(ds_new, level) - t_ref) * 1e12:+.2f} ps")
            return
        T_half = 0.5 * (float(ref.T_max[0]) + float(ref.T_max.max()))
        t_ref = half_rise_time(ref, T_half)
        print(f"    time to reach T_max = {T_half:.2f} K: reference {t_ref * 1e12:.2f} ps, legacy "
              f"{(half_rise_time(ds_leg, T_half) - t_ref) * 1e12:+.2f} ps, fast {(half_rise_time(ds_new, T_half) - t_ref) * 1e12:+.2f} ps")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="short runs (CI)")
    args = ap.parse_args()
    q = args.quick
    n = (100, 100)
    hard = Circuit(6.0, 2e4)
    print("(a) 100x100 axisymmetric VO2 through 20 kOhm")
    steps = 2 if q else 5
    dt = 2e-11
    leg, T_leg = fixed_steps(n, hard, "legacy", dt, steps)
    new, T_new = fixed_steps(n, hard, "fast", dt, steps)
    print(f"  6 V, fixed dt = {dt:g} s, {steps} steps   legacy {leg:8.3f} s/step   fast {new:8.3f} s/step   "
          f"speed-up {leg / new:6.1f}x   (T_max {T_leg:.3f} / {T_new:.3f} K)")
    transient_case("6 V", n, hard, 3e-10 if q else 2e-9, reference=True)
    if q:
        print("    (--quick: the first 0.3 ns only, where the fast core resolves the start-up in small steps; "
              "the full run measures 2 ns)")
    if not q:
        transient_case("15 V (switches)", n, Circuit(15.0, 2e4), 1e-9, reference=True, switching=True)
    if not q:
        for solver in ("lu-colamd", "lu", "cg", "auto"):
            s, _ = fixed_steps(n, hard, "fast", dt, steps, linear_solver=solver)
            print(f"  fast core, linear_solver={solver:10s} {s:8.3f} s/step")
    easy = Circuit(3.0, 1e4)
    steps = 3 if q else 20
    dt = 1.4e-10
    leg, _ = fixed_steps(n, easy, "legacy", dt, steps)
    new, _ = fixed_steps(n, easy, "fast", dt, steps)
    print(f"  easy case 3 V / 10 kOhm, 1e4 cells: 1000 steps  legacy {1000 * leg:7.1f} s   fast {1000 * new:7.1f} s   "
          f"speed-up {leg / new:6.1f}x")
    oscillation_periods(q)


def oscillation_periods(quick: bool) -> None:
    """(b) VO2 relaxation oscillation on the fast core: CPU seconds per period per grid.

    VO2 with the metallic-domain length imt_length_m = 30 nm (continuum.nonlocal_imt; the local law
    gives a Z-shaped I-V on fine grids and no oscillator) in the cell chosen from its converged
    steady I-V by continuum.oscillator.oscillator_circuit_from_iv with T_limit = 1000 K (the
    discharge energy bounded by the filament's heat capacity): 15.07 V, 36.7 kOhm, 21.9 fF (~0.99 GHz,
    peak T_max ~1420 K; the unbounded 116 fF cell heated the filament to ~3870 K, above VO2's melting
    point).  The old cell (22.5 V, 100 kOhm, 20 fF, local law) is printed beside it.
    Quick mode: the new cell at 16x8 only, about three periods.
    """
    new = Circuit(15.07, 3.674e4, 2.19e-14)
    old = Circuit(22.5, 1e5, 2e-14)
    grids = ((16, 8),) if quick else ((16, 8), (32, 16), (64, 32))
    t_end = 4e-9 if quick else 12e-9
    cells_runs = (("new cell, ell 30 nm", new, 30e-9),) if quick else (
        ("old cell, local law", old, 0.0), ("new cell, ell 30 nm", new, 30e-9))
    print("(b) VO2 relaxation oscillation (fast core), CPU s per period; target: 5 periods at 32x16 < 5 min")
    for cells in grids:
        line = f"  {cells[0]:3d}x{cells[1]:<3d}"
        for name, circuit, ell in cells_runs:
            dev = vo2(cells, circuit, "fast", tol_T=1e-2, imt_length_m=ell)
            t0 = clock()
            try:
                ds = dev.transient(t_end, 2e-10, n_snapshots=0)
            except ConvergenceError as err:    # the old cell can fail at the discharge on fine grids
                line += f"   {name}: failed ({type(err).__name__})"
                continue
            cpu = clock() - t0
            f = oscillation_frequency(ds.t, ds.V, discard=0.1, min_cycles=1)
            if f == 0:
                line += f"   {name}: no oscillation (settles at {float(ds.V[-1]):.2f} V)"
                continue
            per = cpu / (t_end * f)
            line += (f"   {name}: {f / 1e6:6.1f} MHz, {per:6.2f} s/period (5 periods {5 * per / 60:5.2f} min), "
                     f"peak T_max {float(ds.T_max.max()):.0f} K")
        print(line)


if __name__ == "__main__":
    main()
