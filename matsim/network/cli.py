"""``matsim network ...``: Mott oscillator networks, max-cut annealing, the Ascoli two-cell network.

    matsim network oscillators CONFIG.yaml [--plot raster.png] [--json]
    matsim network maxcut GRAPH [--noise 0.8] [--sweeps 100] [--runs 10] [--seed 0] [--plot cut.png]
    matsim network ascoli [--scan] [--order 4] [--simulate 45 20] [--plot-dir DIR] [--json]

GRAPH is an edge-list file (``u v [weight]`` per line) or ``random:n=16,p=0.5,seed=1``.

Oscillator CONFIG (YAML/JSON)::

    device: NbOxAscoli            # a class in the compact package, or Class.classmethod (MottThermal.VO2)
    device_parameters: {}         # overrides, in each parameter's stored unit
    n_cells: 2
    cell: {V_s: 1.25, R_s: 200.0, C: 3.9e-10}
    coupling: {R: 200.0}          # all-to-all pairs with R (Ohm) and/or C (F), or
    # edges: [[0, 1, {R: 200.0}], [1, 2, {C: 1e-10}]]
    t_end: 2.0e-6
    n_out: 4000
    v0: [0.1, 0.2]
    output: oscillators.nc        # optional NetCDF
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from matsim.core.config import MatsimConfig, load_config
from matsim.core.errors import ConfigError


class CellConfig(MatsimConfig):
    V_s: float
    R_s: float
    C: float


class OscillatorConfig(MatsimConfig):
    device: str = "NbOxAscoli"
    device_parameters: dict[str, float] = {}
    n_cells: int = 2
    cell: CellConfig
    coupling: dict[str, float] | None = None
    edges: list[list] | None = None
    t_end: float = 2e-6
    n_out: int = 4000
    v0: list[float] | float | None = None
    x0: list[list[float]] | None = None
    method: str = "Radau"
    output: str | None = None


def make_device(name: str, params: dict | None = None):
    """A compact model by class name (``NbOxAscoli``) or ``Class.classmethod`` (``MottThermal.VO2``)."""
    import importlib

    import compact
    cls_name, _, ctor = name.partition(".")
    obj = getattr(compact, cls_name, None)
    if obj is None:
        for mod in ("compact.nbox_ascoli",):
            obj = getattr(importlib.import_module(mod), cls_name, None)
            if obj is not None:
                break
    if obj is None:
        raise ConfigError("device", name, "a compact model class, e.g. NbOxAscoli or MottThermal.VO2 "
                          f"(available: {', '.join(n for n in dir(compact) if n[:1].isupper())}, NbOxAscoli)")
    if ctor:
        if not hasattr(obj, ctor):
            raise ConfigError("device", name, f"a classmethod of {cls_name}")
        return getattr(obj, ctor)(**(params or {}))
    return obj(**(params or {}))


def _coupling_graph(cfg: OscillatorConfig):
    import networkx as nx
    g = nx.Graph()
    g.add_nodes_from(range(cfg.n_cells))
    if cfg.edges is not None:
        for k, e in enumerate(cfg.edges):
            if len(e) != 3 or not isinstance(e[2], dict):
                raise ConfigError(f"edges[{k}]", e, "[i, j, {R: Ohm, C: F}]")
            g.add_edge(int(e[0]), int(e[1]), **{kk: float(v) for kk, v in e[2].items()})
    elif cfg.coupling:
        for i in range(cfg.n_cells):
            for j in range(i + 1, cfg.n_cells):
                g.add_edge(i, j, **cfg.coupling)
    elif cfg.n_cells > 1:
        raise ConfigError("coupling", None, "coupling: {R: Ohm, C: F} or edges: [[i, j, {R: ...}], ...]")
    return g


def cmd_oscillators(args) -> int:
    from matsim.network.oscillators import Cell, MottNetwork, analyze
    cfg = load_config(args.config, OscillatorConfig)
    device = make_device(cfg.device, cfg.device_parameters)
    cell = Cell(device, cfg.cell.V_s, cfg.cell.R_s, cfg.cell.C)
    net = MottNetwork.identical(cell, cfg.n_cells, _coupling_graph(cfg))
    ds = net.simulate(cfg.t_end, n_out=cfg.n_out, v0=cfg.v0, x0=cfg.x0, method=cfg.method)
    a = analyze(ds)
    summary = {"n_cells": cfg.n_cells, "frequency_Hz": [float(f) for f in a["frequency"]],
               "phase_cycles": [float(p) for p in a["phase"]], "locking": [float(x) for x in a["locking"]],
               "mode": a["mode"]}
    if cfg.output:
        from matsim.core.io import save_dataset
        save_dataset(ds, cfg.output, params=device.params, provenance={"config": str(args.config)})
        summary["output"] = cfg.output
    if args.plot:
        from matsim.network.plotting import spike_raster
        spike_raster(ds, a["spikes"], path=args.plot)
        summary["plot"] = args.plot
    _print(summary, args.json)
    return 0


def cmd_maxcut(args) -> int:
    from matsim.network.annealing import compare, parse_graph
    g = parse_graph(args.graph)
    res = compare(g, noise=args.noise, n_sweeps=args.sweeps, n_runs=args.runs, seed=args.seed)
    traces = res.pop("traces")
    res.update(nodes=g.number_of_nodes(), edges=g.number_of_edges())
    if args.plot:
        from matsim.network.plotting import cut_vs_iterations
        cut_vs_iterations({f"noise {args.noise:g}": traces["noisy"], "zero noise": traces["zero_noise"]},
                          optimum=res.get("optimum"), path=args.plot)
        res["plot"] = args.plot
    _print(res, args.json)
    return 0


def cmd_ascoli(args) -> int:
    import numpy as np

    from matsim.network.ascoli import PUBLISHED_HOPF_OHM, PUBLISHED_PITCHFORK_OHM, TwoCellNetwork
    net = TwoCellNetwork() if args.order == 4 else TwoCellNetwork(C=None)
    out = {"network": repr(net), "T_Q_K": net.homogeneous_equilibrium()}
    if args.scan:
        b = net.find_bifurcations()
        out.update(pitchfork_ohm=b["pitchfork"], hopf_ohm=b["hopf"], pitchfork_analytic_ohm=b["pitchfork_analytic"],
                   hopf_routh_hurwitz_ohm=net.predict_hopf(b["pitchfork"]) if b["pitchfork"] else None,
                   calibrated="R_s (pitchfork placed on the published value); Hopf predicted",
                   published_pitchfork_ohm=PUBLISHED_PITCHFORK_OHM, published_hopf_ohm=PUBLISHED_HOPF_OHM)
        if args.plot_dir:
            from matsim.network.plotting import bifurcation_diagram
            scan = net.continuation(np.geomspace(120.0, 8.0, 50), quiet=args.json)
            path = Path(args.plot_dir) / "ascoli_bifurcation.png"
            path.parent.mkdir(parents=True, exist_ok=True)
            bifurcation_diagram(scan, b, path=path)
            out["bifurcation_plot"] = str(path)
    for rc in args.simulate or []:
        ds = net.simulate(rc, (300.0, 500.0), t_end=args.t_end)
        out[f"R_C={rc:g}"] = {"pattern": ds.attrs["pattern"], "T1_final_K": float(ds["T1"].values[-1]),
                              "T2_final_K": float(ds["T2"].values[-1])}
        if args.plot_dir:
            from matsim.network.plotting import phase_portrait
            path = Path(args.plot_dir) / f"ascoli_phase_RC{rc:g}.png"
            path.parent.mkdir(parents=True, exist_ok=True)
            phase_portrait(ds, path=path)
    _print(out, args.json)
    return 0


def _print(d: dict, as_json: bool) -> None:
    if as_json:
        print(json.dumps(d, indent=2, default=float))
        return
    for k, v in d.items():
        print(f"{k}: {v}")


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="network_command", metavar="ACTION", required=True)

    p = sub.add_parser("oscillators", help="simulate coupled Pearson-Anson Mott oscillators from a YAML config")
    p.add_argument("config", help="YAML/JSON config (see `matsim network oscillators --help` and docs/networks.md)")
    p.add_argument("--plot", metavar="PNG", help="save a spike raster")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_oscillators)

    p = sub.add_parser("maxcut", help="max-cut by a noisy memristor Hopfield network vs exact/zero-noise")
    p.add_argument("graph", help="edge-list file or random:n=16,p=0.5,seed=1")
    p.add_argument("--noise", type=float, default=0.8, help="initial relative read noise (annealed to 0)")
    p.add_argument("--sweeps", type=int, default=100)
    p.add_argument("--runs", type=int, default=10)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--plot", metavar="PNG", help="save cut vs sweeps")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_maxcut)

    p = sub.add_parser("ascoli", help="two-cell NbOx RD-MCNN of Ascoli et al.: bifurcations and patterns")
    p.add_argument("--scan", action="store_true", help="locate the pitchfork and Hopf points by continuation")
    p.add_argument("--order", type=int, choices=(2, 4), default=4, help="2: no cell capacitors; 4: with")
    p.add_argument("--simulate", type=float, nargs="*", metavar="R_C", help="simulate from (300 K, 500 K) at these R_C (Ohm)")
    p.add_argument("--t-end", type=float, default=5e-6, help="simulated time (s)")
    p.add_argument("--plot-dir", metavar="DIR", help="save the bifurcation diagram and phase portraits here")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_ascoli)
