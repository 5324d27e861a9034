"""Crossbar DNN inference with exact IR drop: a 784-256-10 MLP on all 1797 digits (upsampled to 28 x 28).

Old: each layer is ONE physical array (785 x 512 and 257 x 20) and every image is an exact nodal solve
(``Crossbar.solve_many``; timed on a few images and extrapolated to 1797). New: layers on 256 x 256 tiles
(:class:`matsim.network.crossbar.tiles.TiledMatrix`) whose exact IR-drop map G_eff (Kron reduction,
:mod:`matsim.network.crossbar.transfer`) is computed once per tile, so every image costs a matrix product;
digital accumulation of the tiles' partial sums. Printed side by side; then accuracy vs tile size and
wire resistance (conductances in [1, 100] uS, w_max = max |W| per layer).

    .venv/bin/python benchmarks/crossbar_dnn.py [--quick]
    .venv/bin/python benchmarks/crossbar_dnn.py --train     # the training table of docs/crossbar.md (minutes)
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from matsim.network.crossbar.analysis import digits_split
from matsim.network.crossbar.dnn import AnalogMLP
from matsim.network.crossbar.io import IOParameters


def hardware_net(net, io, seed=0):
    hw = AnalogMLP(net.sizes, None, seed=seed, io=io)
    for a, b in zip(net.layers, hw.layers, strict=True):
        b.C = a.C.copy()
    return hw


def tiled_accuracy(net, X, y, tile, r_wire):
    t0 = time.perf_counter()
    hw = hardware_net(net, IOParameters(r_wire=r_wire, tile_size=tile))
    acc = hw.score(X, y)
    return acc, time.perf_counter() - t0, sum(layer.tile.n_tiles for layer in hw.layers)


def main(argv=None) -> int:
    # single-threaded BLAS: small products are 10-50x slower with threads on a loaded 2-core machine (measured)
    from threadpoolctl import threadpool_limits
    with threadpool_limits(1, user_api="blas"):
        return _main(argv)


def _main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="the 256 x 256, 1 Ohm case only (< 60 s)")
    ap.add_argument("--epochs", type=int, default=None, help="float training epochs (default 3 quick, 8 full)")
    ap.add_argument("--train", action="store_true", help="only the training table: pulsed devices from compact "
                    "models, SGD vs Tiki-Taka variants, hardware-aware passes (64-10 on 8x8 digits)")
    args = ap.parse_args(argv)
    if args.train:
        return training_table(args.epochs or 5)
    epochs = args.epochs or (3 if args.quick else 8)
    X, _, y, _ = digits_split(size=28, test_size=0)
    Xtr, Xte, ytr, yte = digits_split(0, size=28)
    t0 = time.perf_counter()
    net = AnalogMLP([784, 256, 10], None, seed=0).fit(Xtr, ytr, epochs=epochs, lr=0.003)
    print(f"784-256-10 float MLP, {epochs} epochs on 1347 digits (28 x 28): {time.perf_counter() - t0:.1f} s; "
          f"float accuracy: test {net.score(Xte, yte):.3f}, all 1797 {net.score(X, y):.3f}")

    # ---- old: one physical array per layer, one exact solve per image -------------------------------
    n_old = 2 if args.quick else 4
    xbs = net.to_crossbars(r_wire_row=1.0, r_wire_col=1.0)
    t0 = time.perf_counter()
    old_logits = net.predict_logits(X[:n_old], crossbars=xbs)
    t_old = (time.perf_counter() - t0) / n_old

    # ---- new: 256 x 256 tiles, cached G_eff ----------------------------------------------------------
    t0 = time.perf_counter()
    hw = hardware_net(net, IOParameters(r_wire=1.0, tile_size=256))
    acc_new = hw.score(X, y)
    t_new = time.perf_counter() - t0
    n_tiles = sum(layer.tile.n_tiles for layer in hw.layers)
    # the tiles' G_eff against one exact solve of a tile (first tile of layer 1, 2 images)
    tile = hw.layers[0].tile
    xb = tile.crossbars[(0, 0)]
    V = 0.2 * np.hstack([X[:2], np.ones((2, 1))])[:, tile.in_blocks[0]]
    I = xb.solve_many(V, quiet=True).i_out
    check = np.max(np.abs(V @ xb.effective_conductance().T - I)) / np.max(np.abs(I))
    print("\nexact IR drop, 1 Ohm segments, G in [1e-6, 1e-4] S, 1797 images:")
    print(f"{'':>28} {'old (one array/layer)':>22} {'new (256x256 tiles)':>20} {'ratio':>7}")
    print(f"{'time for 1797 images (s)':>28} {t_old * 1797:>22.0f} {t_new:>20.1f} {t_old * 1797 / t_new:>6.0f}x")
    print(f"{'time per image (ms)':>28} {1e3 * t_old:>22.0f} {1e3 * t_new / 1797:>20.2f}")
    print(f"{'arrays':>28} {'785x512 + 257x20':>22} {n_tiles:>20d}")
    print(f"{'accuracy (1797)':>28} {'(not run: hours)':>22} {acc_new:>20.3f}")
    print(f"old first-{n_old} predictions {np.argmax(old_logits, 1).tolist()} vs labels {y[:n_old].tolist()}; "
          f"tile G_eff vs exact solve: max rel diff {check:.1e}")

    if args.quick:
        return 0
    print("\naccuracy vs tile size (1 Ohm) and wire resistance (256 x 256 tiles), all 1797 images:")
    print(f"{'tile':>6} {'r_wire':>7} {'tiles':>6} {'accuracy':>9} {'time s':>7}")
    for tile_size, r in [(64, 1.0), (128, 1.0), (256, 1.0), (512, 1.0), (256, 0.0), (256, 2.5), (256, 5.0),
                         (256, 10.0)]:
        acc, dt, n = tiled_accuracy(net, X, y, tile_size, r)
        print(f"{tile_size:>6} {r:>7.1f} {n:>6d} {acc:>9.3f} {dt:>7.1f}")
    return 0


def training_table(epochs: int) -> int:
    """Test accuracy of a 64-10 layer trained on pulsed devices extracted from compact models."""
    from compact import ECRAM, StanfordPKU
    from matsim.network.crossbar.dnn import PulsedDevice
    Xtr, Xte, ytr, yte = digits_split(0)
    io = IOParameters(bits_dac=7, bits_adc=9, out_noise=0.02)
    devices = {
        "ECRAM": lambda: PulsedDevice.from_compact(ECRAM(), (1.0, 1e-6), (-1.0, 1e-6)),
        "ECRAM nu=3, 100 pulses, asym 0.3": lambda: PulsedDevice.from_compact(
            ECRAM(nu=3.0, n_states=100, asym=0.3), (1.0, 1e-6), (-1.0, 1e-6)),
        "StanfordPKU 1.4 V / -1.2 V, 1 ns": lambda: PulsedDevice.from_compact(
            StanfordPKU(), (1.4, 1e-9), (-1.2, 1e-9)),
    }
    fl = [AnalogMLP([64, 10], None, seed=0, io=io).fit(Xtr, ytr, epochs=epochs, lr=lr).score(Xte, yte)
          for lr in (0.002, 0.005, 0.02)]
    print(f"64-10 on 1347/450 digits, {epochs} epochs, hardware-aware passes (DAC 7 b, ADC 9 b calibrated, "
          f"output noise 2 %); float weights with the same IO at lr 0.002/0.005/0.02: "
          + " / ".join(f"{a:.3f}" for a in fl))
    runs = [("SGD", "sgd", dict(lr=lr)) for lr in (0.002, 0.005, 0.02)] + [
        ("Tiki-Taka, zero-shift", "tikitaka", dict(lr=0.02)),
        ("Tiki-Taka, no zero-shift", "tikitaka", dict(lr=0.02, zero_shift=False)),
        ("TTv2", "ttv2", dict(lr=0.02)), ("chopped TTv2", "chopped", dict(lr=0.02))]
    print("| device | states | w* | algorithm | lr | accuracy | time s |")
    print("|---|---|---|---|---|---|---|")
    for name, make in devices.items():
        dev = make()
        for label, algo, kw in runs:
            kw = dict(kw)
            lr = kw.pop("lr")
            t0 = time.perf_counter()
            net = AnalogMLP([64, 10], dev, algo, seed=0, io=io, **kw).fit(Xtr, ytr, epochs=epochs, lr=lr)
            print(f"| {name} | {dev.n_states} | {dev.symmetry_point:.2f} | {label} | {lr} | {net.score(Xte, yte):.3f} "
                  f"| {time.perf_counter() - t0:.0f} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
