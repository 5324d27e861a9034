"""``matsim run WORKFLOW.yaml [--size small|large] [--out DIR] [--resume] [--force]``."""

from __future__ import annotations

import argparse
from pathlib import Path


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("workflow", nargs="?", help="workflow YAML (e.g. workflows/hfo2_vcm_crossbar.yaml)")
    parser.add_argument("--size", choices=["small", "large"], help="override the workflow's size")
    parser.add_argument("--out", help="run folder (default runs/NAME-SIZE)")
    parser.add_argument("--resume", action="store_true",
                        help="continue an interrupted run in --out/default folder (finished stages are reused)")
    parser.add_argument("--force", action="store_true", help="recompute every stage")
    parser.add_argument("--quiet", action="store_true")
    parser.add_argument("--list-stages", action="store_true", help="list the registered stages and exit")
    parser.set_defaults(func=run_command)


def run_command(args) -> int:
    from matsim.core.errors import ConfigError
    from matsim.pipeline import Pipeline, stage_names
    from matsim.pipeline.stages import get_stage

    if args.list_stages:
        for name in stage_names():
            stage = get_stage(name)
            print(f"{name:<22} {stage.description}")
            fields = stage.config.model_fields
            if fields:
                print(" " * 23 + "params: " + ", ".join(fields))
        return 0
    if not args.workflow:
        raise ConfigError("workflow", None, "a workflow YAML file (or --list-stages)")
    pipe = Pipeline.from_yaml(args.workflow, run_dir=args.out, size=args.size, quiet=args.quiet)
    if args.resume and not pipe.run_dir.is_dir():
        raise ConfigError("--resume", str(pipe.run_dir), "an existing run folder to continue")
    from matsim.core.interrupt import set_interrupt_hint
    set_interrupt_hint(f"finished stages are kept in {pipe.run_dir}; resume with: "
                       f"matsim run {args.workflow} --resume" + (f" --out {args.out}" if args.out else ""))
    pipe.run(force=args.force)
    report = Path(pipe.run_dir) / "report.md"
    if pipe.comm.Get_rank() == 0:
        print(f"report: {report}  (and {report.with_suffix('.html')})")
    return 0
