"""``matsim kmc``: run KMC device experiments from a YAML config; check the engine.

    matsim kmc run kmc/examples/hfo2_cell.yaml --out results/ --checkpoint results/cell.npz
    matsim kmc lattice-gas --T 300 --Ea 0.3 --field 1e8        # engine check vs analytic D and v

``run`` executes the protocol steps in order (forming, sweeps, pulses), writes one NetCDF file per
step plus plots, and after each step a checkpoint; started again with the same ``--checkpoint`` it
continues after the last finished step with the saved random state. The checkpoint stores a hash of
the config (everything but ``output``), of the parameters file and of the kmc engine's source: a
checkpoint of another config or code is refused (``--restart`` discards it, ``--force`` resumes anyway).
A run that did no physics (no KMC event at all, forming not reached) ends with exit status 2.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np


def _build_cell(cfg):
    from kmc.vcm import VCMCell
    from matsim import materials
    from matsim.core.parameters import ParameterSet

    ps = materials.get(cfg.material)
    if cfg.parameters_file:
        ps = ps.merge(ParameterSet.load_json(cfg.parameters_file))
    if cfg.overrides:
        ps = ps.with_values(source="config override", **cfg.overrides)
    c = cfg.cell
    return VCMCell(ps, shape=c.shape, T_ambient_K=c.T_ambient_K, compliance_A=c.compliance_A,
                   field_update_events=c.field_update_events, field_update_changes=c.field_update_changes,
                   max_events_per_step=c.max_events_per_step, initial_vacancy_fraction=c.initial_vacancy_fraction,
                   seed=c.seed, conduction=c.conduction, thermal=c.thermal)


def _run_step(cell, step, quiet, snapshots):
    from kmc.experiments import bipolar_cycle
    if step.kind == "forming":
        return cell.forming(v_max=step.v_max, v_step=step.v_step, ramp_rate_V_per_s=step.ramp_rate_V_per_s,
                            stop_at_compliance=step.stop_at_compliance, quiet=quiet, snapshots=snapshots)
    if step.kind == "sweep":
        v = np.asarray(step.voltages, float) if step.voltages is not None else \
            bipolar_cycle(step.cycle.v_set, step.cycle.v_reset, step.cycle.v_step)
        return cell.sweep_iv(np.tile(v, step.repeat), step.dwell_s, quiet=quiet, snapshots=snapshots)
    return cell.pulse(step.V, step.width_s, n_samples=step.n_samples, v_read=step.v_read, quiet=quiet,
                      snapshots=snapshots)


#: memory of a VCM cell per lattice site: ~15 event slots (rate, index), the touched-event buffer of the
#: incremental electrostatics (37 int64), occupation, potential, temperature and field arrays (an estimate
#: from the arrays VCMCell allocates, without the Green's table of 8 nz bytes per site and the sparse
#: factorizations; checked before building it)
BYTES_PER_SITE = 1000


def run_stamp(cfg) -> dict:
    """Config + code identity stored in the checkpoint (see :func:`matsim.core.checkpoint.stamp`)."""
    import kmc
    import matsim
    from matsim.core.checkpoint import code_fingerprint, stamp
    from matsim.core.io import file_sha256
    config = cfg.model_dump(mode="json", exclude={"output"})
    if cfg.parameters_file and Path(cfg.parameters_file).is_file():
        config["parameters_file_sha256"] = file_sha256(cfg.parameters_file)
    return stamp(config, f"matsim {matsim.__version__}, kmc {code_fingerprint(kmc)}")


def _load_run_config(path):
    from kmc.config import KMCRunConfig
    from matsim import materials
    from matsim.core.config import read_mapping, validate
    from matsim.core.errors import ConfigError
    data = read_mapping(path)
    if not data:
        raise ConfigError("config", str(path), "a KMC run config with at least 'protocol' (the file is empty; "
                          "see kmc/examples/hfo2_cell.yaml)")
    cfg = validate(KMCRunConfig, data, context=str(path))
    materials.get(cfg.material)
    from matsim.core.memory import check_memory
    n_sites = int(np.prod(cfg.cell.shape))
    check_memory(f"{path}: cell.shape", list(cfg.cell.shape), BYTES_PER_SITE * n_sites, f"KMC lattice of {n_sites} sites")
    if "protocol" not in data:
        raise ConfigError(f"{path}: protocol", "<missing>", "a list of steps (forming/sweep/pulse): the file has "
                          f"only {', '.join(map(str, data))} (truncated? see kmc/examples/hfo2_cell.yaml)")
    return cfg


def _check_physics(cell, step_index, step, ds, out) -> None:
    """A step that did nothing a user asked for is an error, not a result (after its files are written)."""
    from matsim.core.errors import NoResultError
    if step.kind == "forming" and not np.isfinite(float(ds.attrs.get("V_forming", np.nan))):
        raise NoResultError(f"step {step_index} (forming): the cell did not form up to v_max = {step.v_max} V "
                            f"(V_forming = nan, gap = {int(ds.gap[-1])} sites); raise v_max, lower the ramp rate "
                            f"or the barrier; step outputs kept in {out}")
    if not np.all(np.isfinite(ds["I"].values)):
        raise NoResultError(f"step {step_index} ({step.kind}): non-finite current in the result; outputs in {out}")


def cmd_run(args) -> int:
    import kmc
    from kmc import plotting
    from matsim.core.checkpoint import check_resumable, load_checkpoint
    from matsim.core.errors import NoResultError
    from matsim.core.io import save_dataset

    cfg = _load_run_config(args.config)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    ckpt = Path(args.checkpoint) if args.checkpoint else None
    me = run_stamp(cfg)
    from matsim.core.interrupt import set_interrupt_hint
    done: list[int] = []

    def hint() -> str:
        if ckpt is None:
            return (f"outputs of {len(done)} finished step(s) are in {out}/; without --checkpoint a new run "
                    "starts over")
        if not ckpt.is_file():
            return f"no protocol step finished, nothing saved (--checkpoint {ckpt} is written after each step)"
        n = int(load_checkpoint(ckpt)[1].get("extra", {}).get("steps_done", 0))
        return (f"checkpoint {ckpt} holds {n} finished protocol step(s); run the same command again to resume "
                "(--restart starts over)")
    set_interrupt_hint(hint)
    if ckpt is not None and ckpt.is_file() and args.restart:
        print(f"--restart: discarding checkpoint {ckpt}")
        ckpt.unlink()
    if ckpt is not None and ckpt.is_file():
        stored = load_checkpoint(ckpt)[1].get("extra", {}).get("run", {})
        if args.force:
            if stored.get("config_hash") != me["config_hash"]:
                print(f"--force: resuming from {ckpt} although it was written for another config/code")
        else:
            check_resumable(stored, me["config"], me["code"], ckpt,
                            how="use a new --checkpoint path, or --restart to discard it and start over "
                                "(--force resumes anyway)")
        cell = kmc.load(ckpt)
        first = int(cell.checkpoint_extra.get("steps_done", 0))
        print(f"restarting from {ckpt}: {first} protocol step(s) done, t = {cell.time:.4g} s")
    else:
        cell = _build_cell(cfg)
        first = 0
    print(f"VCM cell {cell.shape} of {cell.params.name}: {cell.n_event_slots} event slots, "
          f"compliance {cell.compliance_A} A")
    for i in range(first, len(cfg.protocol)):
        step = cfg.protocol[i]
        t0, e0, u0 = time.time(), cell.n_events, cell.n_field_updates
        snaps = out / f"step{i}_{step.kind}.extxyz" if cfg.output.snapshots else None
        ds = _run_step(cell, step, args.quiet, snaps)
        wall = time.time() - t0
        ds.attrs.update({"protocol_step": i, "events_per_s_wall": (cell.n_events - e0) / max(wall, 1e-9)})
        save_dataset(ds, out / f"step{i}_{step.kind}.nc", params=cell.params,
                     provenance={"config": str(args.config), "step": i, "kind": step.kind})
        if cfg.output.plots:
            plotting.plot_iv(ds, out / f"step{i}_{step.kind}_iv.png")
        print(f"step {i} {step.kind}: {len(ds.step)} voltage points, {cell.n_events - e0} events, "
              f"{cell.n_field_updates - u0} field updates, {wall:.1f} s wall "
              f"({(cell.n_events - e0) / max(wall, 1e-9):.3g} events/s); I_end = {float(ds.I[-1]):.3e} A, "
              f"gap = {int(ds.gap[-1])}, T_max = {float(ds.T_max.max()):.0f} K"
              + (f", V_forming = {ds.attrs['V_forming']:.2f} V" if "V_forming" in ds.attrs else ""))
        _check_physics(cell, i, step, ds, out)     # before the checkpoint: a failed step is not "done"
        if ckpt is not None:
            cell.save(ckpt, extra={"steps_done": i + 1, "run": me})
        done.append(i)
    if cell.n_events == 0:
        raise NoResultError(f"no KMC event happened in {len(cfg.protocol)} protocol step(s) "
                            f"(t = {cell.time:.3g} s): the voltages/dwell times are too small for any hop; "
                            f"nothing physical to report (outputs in {out})")
    if cfg.output.plots:
        plotting.plot_vacancy_map(cell, out / "vacancy_map.png")
        plotting.plot_temperature_map(cell, out / "temperature_map.png")
    print(json.dumps({"events": cell.n_events, "time_s": cell.time, **cell.event_counts()}))
    return 0


def cmd_lattice_gas(args) -> int:
    from kmc.validation import lattice_gas_drift
    r = lattice_gas_drift(Ea_eV=args.Ea, T_K=args.T, E_field_V_per_m=args.field, nu_Hz=args.nu,
                          n_particles=args.particles, hops_per_particle=args.hops, seed=args.seed)
    print(f"D = {r['D']:.4e} ± {r['D_err']:.1e} m^2/s   analytic {r['D_analytic']:.4e}")
    print(f"v = {r['v']:.4e} ± {r['v_err']:.1e} m/s     analytic {r['v_analytic']:.4e}")
    print(f"{r['n_events']} events, t = {r['t']:.3e} s")
    return 0


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="kmc_command", metavar="ACTION")
    p = sub.add_parser("run", help="run a VCM-cell protocol from a YAML config")
    p.add_argument("config", help="YAML config (see kmc/examples/hfo2_cell.yaml)")
    p.add_argument("--out", default="kmc_out", help="output folder (NetCDF per step, plots)")
    p.add_argument("--checkpoint", help="checkpoint file (.npz): written after each step, resumed if present")
    p.add_argument("--restart", action="store_true", help="discard an existing --checkpoint and start over")
    p.add_argument("--force", action="store_true",
                   help="resume from --checkpoint even if it was written for another config or code")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.set_defaults(func=cmd_run)
    p = sub.add_parser("lattice-gas", help="engine check: lattice-gas D and v against the analytic values")
    p.add_argument("--T", type=float, default=300.0, help="temperature (K)")
    p.add_argument("--Ea", type=float, default=0.3, help="hop barrier (eV)")
    p.add_argument("--field", type=float, default=0.0, help="field along x (V/m)")
    p.add_argument("--nu", type=float, default=1e13, help="attempt frequency (Hz)")
    p.add_argument("--particles", type=int, default=4000)
    p.add_argument("--hops", type=float, default=50.0, help="hops per particle")
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(func=cmd_lattice_gas)
    from kmc.parallel_cli import configure_ensemble
    configure_ensemble(sub)
    parser.set_defaults(func=lambda a: (parser.print_help(), 1)[1])
