"""``matsim crossbar ...``: analog inference, training, solve benchmark, analyses with plots.

    matsim crossbar infer --device StanfordPKU --size 64 [--r-wire 1] [--bits 6]
    matsim crossbar train --algo tikitaka --states 100 --asymmetry 1
    matsim crossbar sneak --sizes 2 4 8 16 32 64 --plot sneak.png
    matsim crossbar program --size 16 --scheme V/3
    matsim crossbar analyze --out figures/
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from matsim.core.errors import ConfigError
from matsim.core.memory import check_memory

#: float64 arrays of n_rows x n_cols a write-verify run holds (target, state, conductances, currents,
#: masks, ...), and with wire resistance the extra factor of the node-voltage solve (2 nodes per cell)
PROGRAM_ARRAYS, WIRE_FACTOR = 8, 5
#: DAC/ADC/level resolutions beyond this are not physical for analog arrays (and 2^bits levels are allocated)
MAX_BITS = 24


def _check_sizes(args) -> None:
    """Option values and memory before anything is allocated (one ConfigError naming the option)."""
    for name in ("size", "bits", "max_pulses", "samples", "epochs", "states", "hidden"):
        v = getattr(args, name, None)
        if v is not None and v < (0 if name in ("size", "samples", "hidden") else 1):
            raise ConfigError(f"--{name.replace('_', '-')}", v, "a non-negative integer" if name in
                              ("size", "samples", "hidden") else "a positive integer")
    for name in ("g_min", "g_max", "g_init", "v_read", "tolerance"):
        v = getattr(args, name, None)
        if v is not None and not (np.isfinite(v) and v > 0):
            raise ConfigError(f"--{name.replace('_', '-')}", v, "a finite number > 0")
    for name in ("r_wire", "read_noise"):
        v = getattr(args, name, None)
        if v is not None and not (np.isfinite(v) and v >= 0):
            raise ConfigError(f"--{name.replace('_', '-')}", v, "a finite number >= 0")
    if getattr(args, "bits", None) is not None and args.bits > MAX_BITS:
        raise ConfigError("--bits", args.bits, f"a resolution of 1..{MAX_BITS} bits (2^bits levels are stored)")
    if getattr(args, "g_min", None) and getattr(args, "g_max", None) and args.g_max <= args.g_min:
        raise ConfigError("--g-max", args.g_max, f"a conductance above --g-min ({args.g_min} S)")


def _device(name: str | None):
    if name is None or name.lower() in ("ideal", "ohmic", "none"):
        return None
    import compact
    try:
        return compact.get_model(name)()
    except ConfigError:
        if name.lower() == "selector":
            from compact.selector import Selector
            return Selector()
        raise


def cmd_infer(args) -> int:
    from matsim.network.crossbar.analysis import digits_split
    from matsim.network.crossbar.dnn import AnalogMLP
    _check_sizes(args)
    dev = _device(args.device)          # an unknown device is an error before minutes of training
    data = digits_split(args.seed)
    Xtr, Xte, ytr, yte = data
    sizes = [64, args.size, 10] if args.size else [64, 10]
    n_weights = sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:], strict=True))
    # weights + gradients + 2 conductance arrays per layer + per-cell crossbar arrays; activations of a test pass
    check_memory("--size", args.size, 8.0 * (12 * n_weights + 3 * len(Xte) * sum(sizes)), "network and crossbars")
    print(f"training float network {sizes} ({n_weights} weights) on {len(Xtr)} images, {args.epochs} epochs ...",
          flush=True)
    net = AnalogMLP(sizes, None, seed=args.seed).fit(Xtr, ytr, epochs=args.epochs, lr=args.lr, quiet=False)
    n = min(args.samples or len(yte), len(yte))
    print(f"float network {sizes}: test accuracy {net.score(Xte[:n], yte[:n]):.4f} ({n} test images)")
    t0 = time.perf_counter()
    xbs = net.to_crossbars(G_min=args.g_min, G_max=args.g_max, device=dev, v_read=args.v_read,
                           r_wire_row=args.r_wire, r_wire_col=args.r_wire, cell=args.cell)
    acc = net.score(Xte[:n], yte[:n], crossbars=xbs, v_read=args.v_read, bits_dac=args.bits, bits_adc=args.bits,
                    read_noise=args.read_noise, seed=args.seed, quiet=False)
    print(f"analog inference ({args.device or 'ideal'} {args.cell}, wires {args.r_wire} Ohm, "
          f"{args.bits or 'no'} DAC/ADC bits, {n} test images): accuracy {acc:.4f} "
          f"[{time.perf_counter() - t0:.1f} s]")
    return 0


def cmd_train(args) -> int:
    _check_sizes(args)
    from matsim.network.crossbar.analysis import digits_split
    from matsim.network.crossbar.dnn import AnalogMLP, CompactPulsedDevice, PulsedDevice
    Xtr, Xte, ytr, yte = digits_split(args.seed)
    if args.device:
        dev = CompactPulsedDevice(_device(args.device))
    else:
        dev = PulsedDevice(args.states, args.asymmetry, args.noise)
    sizes = [64, args.hidden, 10] if args.hidden else [64, 10]
    net = AnalogMLP(sizes, dev, args.algo, seed=args.seed).fit(Xtr, ytr, args.epochs, args.lr, quiet=False)
    print(f"{args.algo} on {dev}: test accuracy {net.score(Xte, yte):.4f}; loss per epoch "
          + " ".join(f"{v:.3f}" for v in net.history_))
    return 0


def cmd_sneak(args) -> int:
    from matsim.network.crossbar.analysis import plot, sneak_read_margin
    if min(args.sizes) < 1:
        raise ConfigError("--sizes", args.sizes, "array sizes >= 1")
    check_memory("--sizes", max(args.sizes), 8.0 * max(args.sizes) ** 2 * PROGRAM_ARRAYS * WIRE_FACTOR,
                 f"{max(args.sizes)}x{max(args.sizes)} array")
    out = [sneak_read_margin(args.sizes, cell=c) for c in ("1R", "1S1R")]
    print(f"{'size':>6} {'margin 1R':>10} {'margin 1S1R':>12}")
    for k, n in enumerate(args.sizes):
        print(f"{n:>6} {out[0].margin.values[k]:10.4f} {out[1].margin.values[k]:12.4f}")
    if args.plot:
        plot(out, "size", "margin", path=args.plot, logx=True, labels=["1R", "1S1R"])
        print(f"wrote {args.plot}")
    return 0


def cmd_program(args) -> int:
    from matsim.network.crossbar.array import Crossbar
    _check_sizes(args)
    if args.size < 1:
        raise ConfigError("--size", args.size, "an array size >= 1")
    check_memory("--size", args.size, 8.0 * args.size ** 2 * PROGRAM_ARRAYS * (WIRE_FACTOR if args.r_wire else 1),
                 f"{args.size}x{args.size} array")
    dev = _device(args.device)
    if dev is None:
        raise ConfigError("device", args.device, "a compact model with dynamics, e.g. StanfordPKU")
    rng = np.random.default_rng(args.seed)
    levels = np.linspace(args.g_min, args.g_max, 2 ** args.bits)
    target = levels[rng.integers(0, len(levels), (args.size, args.size))]
    from matsim.network.crossbar.dnn import state_for_conductance
    formed = state_for_conductance(dev, np.full((args.size, args.size), args.g_init), 0.1)
    xb = Crossbar(args.size, args.size, dev, r_wire_row=args.r_wire, r_wire_col=args.r_wire, state=formed)
    ds = xb.program(target, scheme=args.scheme, tolerance=args.tolerance, max_pulses=args.max_pulses)
    a = ds.attrs
    print(f"{args.size}x{args.size} {args.bits}-bit write-verify ({args.scheme}): {a['fraction_in_tolerance']:.4f} "
          f"of cells within {args.tolerance:.0%}, {a['total_pulses']} pulses, max disturb {a['max_disturb']:.2e}")
    return 0


def cmd_analyze(args) -> int:
    """All crossbar analyses (the accuracy and programming studies reviewed in Song et al., ACS Nano 17,
    11994 (2023)) with plots (PNG) and the numbers (JSON) in ``--out``."""
    from pathlib import Path

    from matsim.core.io import save_json
    from matsim.network.crossbar import analysis as an
    from matsim.network.crossbar.dnn import AnalogMLP
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    data = an.digits_split(args.seed)
    Xtr, Xte, ytr, yte = data
    net = AnalogMLP([64, 10], None, seed=args.seed).fit(Xtr, ytr, epochs=args.epochs, lr=0.02)
    results = {"float_accuracy": net.score(Xte, yte)}
    runs = [
        ("bits", lambda: an.accuracy_vs_bits(net, Xte, yte), "bits", "accuracy", False),
        ("wire", lambda: an.accuracy_vs_wire(net, Xte, yte), "r_wire", "accuracy", False),
        ("states", lambda: an.accuracy_vs_states(data, epochs=args.epochs), "n_states", "accuracy", True),
        ("asymmetry", lambda: an.accuracy_vs_asymmetry(data, epochs=args.epochs), "asymmetry", ["sgd", "tikitaka"], False),
        ("ir_drop", lambda: an.ir_drop_vs_size(), "size", "relative_error", True),
        ("size", lambda: an.accuracy_vs_size(data, epochs=args.epochs), "hidden", ["float", "crossbar"], True),
    ]
    for name, fn, x, y, logx in runs:
        t0 = time.perf_counter()
        ds = fn()
        an.plot(ds, x, y, path=out / f"crossbar_{name}.png", logx=logx, labels=[name],
                ylabel="relative error" if name == "ir_drop" else "test accuracy")
        results[name] = {k: ds[k].values.tolist() for k in list(ds.data_vars) + [x]}
        print(f"{name:>10}: {results[name]}  [{time.perf_counter() - t0:.1f} s]")
    sneak = [an.sneak_read_margin(cell=c) for c in ("1R", "1S1R")]
    an.plot(sneak, "size", "margin", path=out / "crossbar_sneak.png", logx=True, labels=["1R", "1S1R"])
    results["sneak"] = {c: s.margin.values.tolist() for c, s in zip(("1R", "1S1R"), sneak, strict=True)}
    results["sneak"]["size"] = sneak[0]["size"].values.tolist()
    print(f"{'sneak':>10}: {results['sneak']}")
    save_json(results, out / "crossbar_analyses.json")
    print(f"wrote plots and crossbar_analyses.json to {out}")
    return 0


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="crossbar_command", metavar="ACTION", required=True)

    p = sub.add_parser("infer", help="train a float MLP on sklearn digits, infer through crossbar solves")
    p.add_argument("--device", default=None, help="compact model holding the conductances (e.g. StanfordPKU); "
                   "default ideal ohmic cells")
    p.add_argument("--size", type=int, default=0, help="hidden-layer width = array columns (0: single layer)")
    p.add_argument("--cell", default="1R", choices=("1R", "1S1R", "1T1R"))
    p.add_argument("--r-wire", type=float, default=0.0, help="wire segment resistance (Ohm)")
    p.add_argument("--g-min", type=float, default=1e-5, help="conductance of weight 0 (S)")
    p.add_argument("--g-max", type=float, default=1e-4, help="conductance of the largest weight (S)")
    p.add_argument("--v-read", type=float, default=0.2, help="read voltage for input 1 (V)")
    p.add_argument("--bits", type=int, default=None, help="DAC and ADC resolution (bits)")
    p.add_argument("--read-noise", type=float, default=0.0, help="relative read noise of the currents")
    p.add_argument("--samples", type=int, default=0, help="test images to infer (0: all 450)")
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--lr", type=float, default=0.02)
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(func=cmd_infer)

    p = sub.add_parser("train", help="train on sklearn digits with pulsed device updates (SGD or Tiki-Taka)")
    p.add_argument("--algo", default="sgd", choices=("sgd", "tikitaka"))
    p.add_argument("--device", default=None, help="compact model with apply_pulses (e.g. ECRAM); default: "
                   "a PulsedDevice config from --states/--asymmetry/--noise")
    p.add_argument("--states", type=int, default=1000, help="device states between -w_max and w_max")
    p.add_argument("--asymmetry", type=float, default=0.0, help="0 symmetric .. 1 soft bounds")
    p.add_argument("--noise", type=float, default=0.0, help="cycle-to-cycle step noise (fraction of a step)")
    p.add_argument("--hidden", type=int, default=0, help="hidden-layer width (0: single layer)")
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--lr", type=float, default=0.02)
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("sneak", help="worst-case sneak-path read margin vs array size (1R vs 1S1R)")
    p.add_argument("--sizes", type=int, nargs="+", default=[2, 4, 8, 16, 32, 64])
    p.add_argument("--plot", default=None, help="save the plot to this file (png/pdf)")
    p.set_defaults(func=cmd_sneak)

    p = sub.add_parser("analyze", help="all analyses (bits, states, wires, asymmetry, IR drop, sneak) with plots")
    p.add_argument("--out", default="crossbar_analyses", help="output folder")
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(func=cmd_analyze)

    p = sub.add_parser("program", help="write-verify a random multi-level pattern into a passive array")
    p.add_argument("--device", default="StanfordPKU")
    p.add_argument("--size", type=int, default=16)
    p.add_argument("--bits", type=int, default=4)
    p.add_argument("--scheme", default="V/2", choices=("V/2", "V/3"))
    p.add_argument("--tolerance", type=float, default=0.05)
    p.add_argument("--max-pulses", type=int, default=100)
    p.add_argument("--g-min", type=float, default=20e-6, help="lowest level (S, read at 0.1 V)")
    p.add_argument("--g-max", type=float, default=200e-6, help="highest level (S)")
    p.add_argument("--g-init", type=float, default=100e-6, help="conductance of every cell after forming (S)")
    p.add_argument("--r-wire", type=float, default=0.0, help="wire segment resistance (Ohm)")
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(func=cmd_program)
