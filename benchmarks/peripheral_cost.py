"""Accuracy vs energy per inference of the digits network on crossbars, across ADC bits (cost model of
:mod:`matsim.network.peripheral_cost`; array energy from the solved arrays).

    .venv/bin/python benchmarks/peripheral_cost.py [--quick] [--plot acc_vs_energy.png]
"""

from __future__ import annotations

import argparse
import time

from matsim.network.crossbar.analysis import digits_split
from matsim.network.crossbar.dnn import AnalogMLP
from matsim.network.peripheral_cost import accuracy_vs_energy


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer samples for the energy solve")
    ap.add_argument("--plot", metavar="PNG")
    ap.add_argument("--r-wire", type=float, default=1.0, help="wire segment resistance (Ohm)")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    Xtr, Xte, ytr, yte = digits_split(0)
    net = AnalogMLP([64, 10], None, seed=0).fit(Xtr, ytr, epochs=10, lr=0.02)
    ds = accuracy_vs_energy(net, Xte, yte, bits=(2, 3, 4, 5, 6, 8, 10), bits_dac=5, n_cost=16 if args.quick else 128,
                            r_wire_row=args.r_wire, r_wire_col=args.r_wire)
    print(f"digits, 65 x 20 array (64 pixels + bias, 10 differential outputs), G 1e-6..1e-4 S, "
          f"r_wire {args.r_wire} Ohm, v_read 0.2 V, DAC 5 bits; float accuracy {ds.attrs['float_accuracy']:.4f}")
    print(f"{'ADC bits':>8} {'accuracy':>9} {'E total pJ':>11} {'DAC':>7} {'driver':>7} {'array':>7} {'ADC':>8} {'latency ns':>11}")
    for k, b in enumerate(ds.bits.values):
        c = ds["energy_component"].values[k] * 1e12
        print(f"{b:8d} {ds.accuracy.values[k]:9.4f} {ds.energy.values[k] * 1e12:11.3f} {c[0]:7.3f} {c[1]:7.4f} "
              f"{c[2]:7.3f} {c[3]:8.3f} {ds.latency.values[k] * 1e9:11.1f}")
    print(f"total {time.perf_counter() - t0:.1f} s")
    if args.plot:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        fig, ax = plt.subplots(figsize=(4.5, 3.2))
        ax.plot(ds.energy.values * 1e12, ds.accuracy.values, "o-")
        for b, e, a in zip(ds.bits.values, ds.energy.values * 1e12, ds.accuracy.values, strict=True):
            ax.annotate(f"{b} b", (e, a), fontsize=7)
        ax.axhline(ds.attrs["float_accuracy"], ls=":", color="k", label="float")
        ax.set_xscale("log"), ax.set_xlabel("energy per inference (pJ)"), ax.set_ylabel("test accuracy")
        ax.legend(), fig.tight_layout(), fig.savefig(args.plot, dpi=120)
        print(f"plot: {args.plot}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
