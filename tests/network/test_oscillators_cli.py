"""CLI and plots of the network layer: `matsim network oscillators | maxcut | ascoli`."""

import json

import numpy as np
import pytest

from matsim.cli import main
from matsim.network import plotting


def test_cli_oscillators_capacitive_pair(tmp_path, capsys):
    cfg = tmp_path / "osc.yaml"
    cfg.write_text("device: NbOxAscoli\nn_cells: 2\ncell: {V_s: 1.2829, R_s: 200.0, C: 3.9e-10}\n"
                   "coupling: {C: 1.95e-10}\nt_end: 1.5e-6\nn_out: 6000\nv0: [0.1, 0.2]\n"
                   f"output: {tmp_path / 'osc.nc'}\n")
    assert main(["network", "oscillators", str(cfg), "--json", "--plot", str(tmp_path / "r.png")]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["mode"] == "anti-phase"
    assert (tmp_path / "osc.nc").is_file() and (tmp_path / "r.png").is_file()


def test_cli_oscillators_bad_config(tmp_path, capsys):
    cfg = tmp_path / "bad.yaml"
    cfg.write_text("device: NoSuchDevice\ncell: {V_s: 1.0, R_s: 100.0, C: 1e-10}\ncoupling: {R: 100.0}\n")
    assert main(["network", "oscillators", str(cfg)]) == 2
    assert "device" in capsys.readouterr().err
    cfg.write_text("cell: {V_s: 1.0, R_s: 100.0, C: 1e-10}\ncoupling: {R: 100.0}\ntypo_key: 1\n")
    assert main(["network", "oscillators", str(cfg)]) == 2
    assert "typo_key" in capsys.readouterr().err


def test_cli_maxcut(tmp_path, capsys):
    assert main(["network", "maxcut", "random:n=12,p=0.5,seed=3", "--sweeps", "40", "--runs", "4", "--json",
                 "--plot", str(tmp_path / "cut.png")]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["noisy_ratio"] >= out["zero_noise_ratio"] and out["noisy_ratio"] > 0.95
    assert (tmp_path / "cut.png").is_file()
    assert main(["network", "maxcut", str(tmp_path / "nope.txt")]) == 2


def test_cli_ascoli_scan(tmp_path, capsys):
    assert main(["network", "ascoli", "--scan", "--json", "--plot-dir", str(tmp_path)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["pitchfork_ohm"] == pytest.approx(49.75, rel=1e-6)
    assert out["hopf_ohm"] < out["pitchfork_ohm"]
    assert out["hopf_routh_hurwitz_ohm"] == pytest.approx(out["hopf_ohm"], rel=1e-7)
    assert (tmp_path / "ascoli_bifurcation.png").is_file()


def test_plot_functions_return_figures(tmp_path):
    from compact.nbox_ascoli import NbOxAscoli
    from matsim.network.ascoli import TwoCellNetwork
    from matsim.network.neurons import MottNeuron
    ds = TwoCellNetwork().simulate(40.0, t_end=1e-6, n_out=300)
    fig = plotting.phase_portrait(ds, path=tmp_path / "pp.png")
    assert fig.axes and (tmp_path / "pp.png").is_file()
    n = MottNeuron(NbOxAscoli(), 3e-10)
    fi = n.fI_curve([1e-3, 2e-3])
    assert plotting.fI_curve(fi, threshold=n.threshold_current()).axes
    assert np.all(np.isfinite(fi["rate"].values))
