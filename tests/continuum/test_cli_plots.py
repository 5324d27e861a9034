"""CLI (run/iv/sweep) and plots on a tiny device."""

import json

import matplotlib.figure
import numpy as np

from matsim.cli import main

from continuum import Circuit, MottFilament
from continuum.plotting import plot_iv, plot_temperature, plot_waveform

CFG = """material: VO2
geometry: 2d
radius_m: 100.0e-9
thickness_m: 50.0e-9
n_cells: [6, 4]
circuit: {V_source: 3.0, R_series: 1.0e4}
experiment: transient
t_end: 1.0e-9
dt: 2.0e-10
"""


def test_cli_run_iv_sweep(tmp_path, capsys):
    cfg = tmp_path / "dev.yaml"
    cfg.write_text(CFG)
    assert main(["continuum", "run", str(cfg), "-o", str(tmp_path / "run.nc")]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["T_max_final"] > 300.0 and out["I_final"] > 0
    assert (tmp_path / "run.nc").exists()
    assert main(["continuum", "iv", str(cfg), "--currents", "1e-5,1e-4", "--refine-snapback", "3",
                 "--plot", str(tmp_path / "iv.png")]) == 0
    assert (tmp_path / "iv.png").exists()
    assert capsys.readouterr().out.count("I = ") == 2   # below threshold: no snap-back, nothing inserted
    assert main(["continuum", "sweep", str(cfg), "--param", "R_series=1e3,2e4"]) == 0
    rows = [json.loads(x) for x in capsys.readouterr().out.splitlines() if x.startswith("{")]
    assert [r["R_series"] for r in rows] == [1e3, 2e4]
    assert rows[0]["I_final"] > rows[1]["I_final"]  # smaller load resistor, more current
    assert main(["continuum", "sweep", str(cfg), "--param", "bogus=1"]) == 2  # clear error, exit 2


def test_plots(tmp_path):
    dev = MottFilament("VO2", "axisymmetric", 100e-9, 50e-9, (6, 4), 300.0, Circuit(3.0, 1e4))
    iv = dev.steady_iv(currents=[1e-5, 1e-4])
    assert isinstance(plot_iv(iv, path=tmp_path / "iv.png"), matplotlib.figure.Figure)
    assert isinstance(plot_temperature(iv, -1, path=tmp_path / "t.png"), matplotlib.figure.Figure)
    dev.reset()
    tr = dev.transient(5e-10, 1e-10)
    assert isinstance(plot_waveform(tr, path=tmp_path / "w.png"), matplotlib.figure.Figure)
    assert np.all(np.diff(tr.t.values) > 0)
    assert (tmp_path / "t.png").exists()
