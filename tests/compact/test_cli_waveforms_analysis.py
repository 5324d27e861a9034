"""CLI actions, waveforms, small-signal analysis (NDR / local activity of MottThermal)."""

import numpy as np
import pytest

from compact import MottThermal, StanfordPKU, waveforms as W
from compact.analysis import small_signal
from compact.cli import main
from matsim.core.errors import ConfigError
from matsim.core.io import load_dataset


def test_waveforms_shapes_and_errors():
    assert W.sine(1.0, 1e3)(2.5e-4) == pytest.approx(1.0)
    tri = W.triangle(2.0, 1e3)
    np.testing.assert_allclose(tri([0, 2.5e-4, 5e-4, 7.5e-4]), [0, 2, 0, -2], atol=1e-12)
    sq = W.square(0.45, 5.8e6, offset=0.05)
    assert sq(0.1 / 5.8e6) == pytest.approx(0.5) and sq(0.6 / 5.8e6) == pytest.approx(-0.4)
    pt = W.pulses(amp=1.0, width=1e-6, period=1e-5, n=2)
    np.testing.assert_allclose(pt([5e-7, 5e-6, 1.05e-5, 2.05e-5]), [1, 0, 1, 0])
    assert W.parse("square:amp=0.45,f=5.8e6,offset=0.05") == sq
    for bad in ("sine:amp=1,f=0", "square:amp=1,period=-1", "sine:amp=1,f=1e3,duty=0.5", "saw:f=1", "sine:f"):
        with pytest.raises(ConfigError):
            W.parse(bad)
    with pytest.raises(ConfigError, match="width"):
        W.pulses(width=2e-5, period=1e-5)


def test_small_signal_mott_ndr_and_local_activity():
    m = MottThermal.vo2()
    iv = m.quasi_static_iv()
    k_ndr = int(np.argmax(iv.dvdi.values < 0)) + 20           # a point on the NDR branch
    k_pos = 50                                                 # a point on the low-current positive branch
    for k, negative in ((k_ndr, True), (k_pos, False)):
        v, T = float(iv.v[k]), float(iv["T"][k])
        ss = small_signal(m, v, x_dc=[T], frequencies=np.logspace(3, 12, 60))
        assert ss.attrs["residual"] * m.thermal_time_constant < 1e-6 * (T - 300)   # an equilibrium
        assert (ss.attrs["R_dc"] < 0) is negative
        assert ss.attrs["R_dc"] == pytest.approx(float(iv.dvdi[k]), rel=0.05)        # matches the DC curve
        # high frequency: the temperature cannot follow -> the chord resistance v/i
        assert ss.Z_real.values[-1] == pytest.approx(float(iv.R[k]), rel=1e-3)
        assert bool(ss.attrs["locally_active"]) is negative


def test_small_signal_memristor_is_resistive_below_threshold():
    ss = small_signal(StanfordPKU(), 0.1, x_dc=[1.0e-9])
    assert ss.attrs["ndr"] == 0 and ss.attrs["locally_active"] == 0
    assert ss.Z_real.values[0] == pytest.approx(1 / float(StanfordPKU().conductance(0.1, [1e-9])), rel=1e-3)


def test_cli_list_simulate_fit(tmp_path, capsys):
    assert main(["list"]) == 0
    assert "TaOxExtended" in capsys.readouterr().out
    out = tmp_path / "sim.nc"
    assert main(["simulate", "Yakopcic", "--waveform", "sine:amp=0.5,f=1e3", "--points", "100",
                 "--out", str(out), "--plot", str(tmp_path / "iv.png")]) == 0
    ds = load_dataset(out)
    assert set(ds.data_vars) >= {"v", "i", "x"} and (tmp_path / "iv.png").exists()
    csv = tmp_path / "iv.csv"
    v = np.linspace(-0.3, 0.3, 9)
    from compact import ECRAM
    i = ECRAM(G_max=2.0).current(v, [0.5])
    csv.write_text("V,I\n" + "\n".join(f"{a},{b}" for a, b in zip(v, i, strict=True)))
    assert main(["fit", "ECRAM", str(csv), "--fit", "G_max", "--kind", "static", "--state", "0.5",
                 "--out", str(tmp_path / "fit.json")]) == 0
    assert '"fit: CSV iv.csv"' in (tmp_path / "fit.json").read_text()
    # without --fit the model's fit_parameters (G_min, G_max) are fitted
    assert main(["fit", "ECRAM", str(csv), "--kind", "static", "--state", "0.5"]) == 0
    assert "G_min" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exc:
        main(["simulate", "NoSuchModel"])
    assert exc.value.code == 2
    with pytest.raises(SystemExit):
        main(["simulate", "VTEAM", "--waveform", "sine:amp=1,f=0"])
