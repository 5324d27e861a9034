"""KMC on MPI ranks: ensemble throughput and decomposed lattice-gas events/s on 1 vs 2 ranks.

Launches ``.venv/bin/mpiexec -n 1`` and ``-n 2`` on itself (``--worker``); each worker first warms
up numba (compilation is not timed), then times

* ``kmc.parallel.run_ensemble``: independent ECM cells (SET/RESET cycles), devices/s;
* ``kmc.decomposition.DecomposedLatticeGas``: synchronous-sublattice lattice gas, events/s.

Prints the rates, the 2-rank/1-rank ratios and the load average (the machine may be shared), and
the ensemble's CPU seconds per rank: serial CPU / max rank CPU is the speed-up an idle machine would
give (device load balance), when other jobs take cores away from the wall-clock ratio.

    .venv/bin/python benchmarks/kmc_mpi.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MPIEXEC = ROOT / ".venv" / "bin" / "mpiexec"


def worker(args) -> None:
    import numpy as np
    from kmc.decomposition import DecomposedLatticeGas
    from kmc.parallel import load_ensemble_config, run_ensemble, simulate_device
    from matsim.core.parallel import get_comm
    comm = get_comm()
    cfg = load_ensemble_config({"electrode": "Ag", "protocol": {"cycles": args.cycles, "n_points": 9,
                                                                "dwell_s": 0.1}})
    simulate_device(load_ensemble_config({"electrode": "Ag", "protocol": {"cycles": 1, "n_points": 2,
                                                                         "dwell_s": 1e-3}}), 0, 0)
    comm.Barrier()
    t0, c0 = time.perf_counter(), time.process_time()
    run_ensemble(cfg, args.devices, comm=comm, seed=1)
    cpu_ens = comm.allgather(time.process_time() - c0)   # CPU seconds per rank (busy-waiting included)
    comm.Barrier()
    t_ens = time.perf_counter() - t0
    kw = dict(shape=(32, 16, 16), n_particles=args.particles, Ea_eV=0.5, T_K=300.0, seed=2, comm=comm)
    warm = DecomposedLatticeGas(**{**kw, "n_particles": 200})
    warm.run(2 * warm.tau)
    gas = DecomposedLatticeGas(**kw)
    comm.Barrier()
    t0 = time.perf_counter()
    gas.run(args.hops / gas.hop.sum())
    comm.Barrier()
    t_gas = time.perf_counter() - t0
    events = gas.total_events()
    comm_share = comm.allreduce(gas.wall_comm) / comm.Get_size()
    if comm.Get_rank() == 0:
        print("RESULT " + json.dumps({"ranks": comm.Get_size(), "devices": args.devices, "t_ensemble": t_ens,
                                      "devices_per_s": args.devices / t_ens, "cpu_ensemble": cpu_ens, "events": events, "t_gas": t_gas,
                                      "events_per_s": events / t_gas, "t_exchange": comm_share}), flush=True)
    del np


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes (< ~60 s on an idle machine)")
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--devices", type=int, default=None)
    ap.add_argument("--cycles", type=int, default=None)
    ap.add_argument("--particles", type=int, default=None)
    ap.add_argument("--hops", type=float, default=None)
    args = ap.parse_args(argv)
    q = args.quick
    args.devices = args.devices or (16 if q else 32)
    args.cycles = args.cycles or (2 if q else 3)
    args.particles = args.particles or (50000 if q else 100000)
    args.hops = args.hops or (20.0 if q else 30.0)
    if args.worker:
        worker(args)
        return 0
    rows = {}
    for n in (1, 2):
        cmd = [str(MPIEXEC), "-n", str(n), sys.executable, __file__, "--worker", "--devices", str(args.devices),
               "--cycles", str(args.cycles), "--particles", str(args.particles), "--hops", str(args.hops)]
        load = os.getloadavg()[0]
        out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=1800)
        line = [ln for ln in out.stdout.splitlines() if ln.startswith("RESULT ")]
        if out.returncode or not line:
            print(out.stdout, out.stderr, file=sys.stderr)
            return 1
        rows[n] = {**json.loads(line[0][7:]), "load_before": load}
    print(f"{'ranks':>5} {'devices/s':>10} {'ensemble s':>10} {'gas events/s':>13} {'gas s':>7} "
          f"{'exchange s':>10} {'load(1min)':>10}")
    for n, r in rows.items():
        print(f"{n:>5} {r['devices_per_s']:>10.3f} {r['t_ensemble']:>10.2f} {r['events_per_s']:>13.3g} "
              f"{r['t_gas']:>7.2f} {r['t_exchange']:>10.3f} {r['load_before']:>10.2f}")
    print(f"ensemble speed-up 2 vs 1 rank: {rows[2]['devices_per_s'] / rows[1]['devices_per_s']:.2f}x "
          f"({args.devices} devices x {args.cycles} cycle(s))")
    cpu1, cpu2 = sum(rows[1]["cpu_ensemble"]), rows[2]["cpu_ensemble"]
    print(f"ensemble CPU seconds: 1 rank {cpu1:.1f}; 2 ranks {', '.join(f'{c:.1f}' for c in cpu2)} "
          f"-> CPU-bound speed-up on an idle machine ~{cpu1 / max(cpu2):.2f}x (load balance of the devices)")
    print(f"decomposed lattice gas speed-up 2 vs 1 rank: {rows[2]['events_per_s'] / rows[1]['events_per_s']:.2f}x "
          f"({args.particles} particles, {rows[1]['events']} / {rows[2]['events']} events)")
    print(f"cores: {os.cpu_count()}, load average now: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
