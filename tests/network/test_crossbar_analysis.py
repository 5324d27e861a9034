"""Crossbar analyses (sneak paths, IR drop, accuracy sweeps), plots and the CLI."""

import numpy as np

from matsim.cli import main
from matsim.network.crossbar import analysis as an


def test_sneak_margin_falls_with_size_and_selector_helps(tmp_path):
    sizes = (2, 8, 32)
    r1 = an.sneak_read_margin(sizes, cell="1R")
    r2 = an.sneak_read_margin(sizes, cell="1S1R")
    m1, m2 = r1.margin.values, r2.margin.values
    assert np.all(np.diff(m1) < 0) and np.all(np.diff(m2) < 0)
    assert np.all(m2 > m1)
    # 2x2 passive array, ideal-ish wires: the sneak path is three ON cells in series -> analytic margin
    G_on, G_off = 1e-4, 1e-6
    i_on = (G_on + G_on / 3)
    i_off = (G_off + G_on / 3)
    assert abs(m1[0] - (i_on - i_off) / i_on) < 1e-3
    fig = an.plot([r1, r2], "size", "margin", path=tmp_path / "sneak.png", logx=True, labels=["1R", "1S1R"])
    assert (tmp_path / "sneak.png").stat().st_size > 1000 and fig.axes


def test_ir_drop_error_grows_with_size():
    ds = an.ir_drop_vs_size(sizes=(8, 32, 64), r_wire=2.0)
    err = ds.relative_error.values
    assert np.all(np.diff(err) > 0) and err[0] < 0.01


def test_accuracy_sweeps_on_digits():
    from matsim.network.crossbar.dnn import AnalogMLP
    data = an.digits_split(0)
    Xtr, Xte, ytr, yte = data
    net = AnalogMLP([64, 10], None, seed=0).fit(Xtr, ytr, epochs=5, lr=0.02)
    bits = an.accuracy_vs_bits(net, Xte, yte, bits=(2, 6))
    assert bits.accuracy.values[0] < bits.accuracy.values[1]
    wires = an.accuracy_vs_wire(net, Xte, yte, r_wire=(0.0, 100.0))
    assert wires.accuracy.values[1] < wires.accuracy.values[0]
    states = an.accuracy_vs_states(data, states=(4, 1000), epochs=3)
    assert states.accuracy.values[0] < states.accuracy.values[1]


def test_cli_train_infer_sneak(capsys, tmp_path):
    assert main(["crossbar", "train", "--algo", "tikitaka", "--states", "100", "--asymmetry", "1",
                 "--epochs", "3"]) == 0
    assert "test accuracy" in capsys.readouterr().out
    assert main(["crossbar", "infer", "--device", "StanfordPKU", "--samples", "40", "--epochs", "3"]) == 0
    out = capsys.readouterr().out
    assert "analog inference (StanfordPKU" in out
    assert main(["crossbar", "sneak", "--sizes", "2", "4", "--plot", str(tmp_path / "s.png")]) == 0
    assert (tmp_path / "s.png").exists()
    assert main(["crossbar", "infer", "--device", "NoSuchModel", "--samples", "5", "--epochs", "1"]) == 2
    assert main(["crossbar", "program", "--size", "4", "--scheme", "V/3"]) == 0
    assert "of cells within 5%" in capsys.readouterr().out
