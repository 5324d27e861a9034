"""Statistical export: per-instance Monte-Carlo parameters (ngspice agauss, correlations kept) against
compact.variability.sample, noise current sources, and one clear error for bad input."""

import subprocess

import numpy as np
import pytest
from export_helpers import needs_ngspice
from scipy.stats import ks_2samp

import compact
from compact import variability
from compact.export import build_spec, read_raw, to_ngspice, to_verilog_a
from matsim.core.errors import ConfigError

SPREAD = {"I0": 0.3, "g0": 0.05}
CORR = [[1.0, -0.6], [-0.6, 1.0]]
V_READ = 0.1


def _run(tmp_path, net):
    (tmp_path / "net.cir").write_text(net)
    proc = subprocess.run(["ngspice", "-b", "net.cir"], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert (tmp_path / "out.raw").is_file(), proc.stdout[-1500:] + proc.stderr[-1500:]
    return read_raw(tmp_path / "out.raw")


@needs_ngspice
def test_monte_carlo_200_instances_match_variability_sample(tmp_path):
    m = compact.StanfordPKU()
    to_ngspice(m, tmp_path / "rram.cir", name="rram", variability={"spread": SPREAD, "correlation": CORR})
    n = 200
    lines = ["200-instance Monte-Carlo read", ".options seed=11", ".include rram.cir", f"V1 rd 0 DC {V_READ!r}"]
    lines += [f"Vm{k} rd a{k} DC 0\nX{k} a{k} 0 rram" for k in range(n)]
    lines += [".control", "set filetype=ascii", "op", "write out.raw " + " ".join(f"i(Vm{k})" for k in range(n)),
              "quit 0", ".endc", ".end", ""]
    res = _run(tmp_path, "\n".join(lines))
    i_spice = np.array([res[f"i(vm{k})"][0] for k in range(n)])
    devices = variability.sample(m, n, spread=SPREAD, correlation=CORR, seed=3)
    i_py = np.array([float(d.current(V_READ, d.initial_state())) for d in devices])
    assert np.unique(i_spice).size == n                      # every instance draws its own parameters
    p = ks_2samp(np.log(i_spice), np.log(i_py)).pvalue
    assert p > 0.01, p
    # the distribution is not the nominal one: the spread is really there (and the anticorrelation
    # of I0 and g0 narrows ln I: var = s_I0^2 + (g/g0)^2 s_g0^2 + 2 rho s_I0 (g/g0) s_g0)
    g = m.p.g_max / m.p.g0
    expect = np.sqrt(0.3**2 + (g * 0.05) ** 2 + 2 * (-0.6) * 0.3 * g * 0.05)
    assert np.std(np.log(i_spice)) == pytest.approx(expect, rel=0.15)
    # mc_on=0 gives the nominal device
    net = "\n".join(["nominal", ".include rram.cir", f"V1 a 0 DC {V_READ!r}", "X1 a 0 rram mc_on=0", ".control",
                     "set filetype=ascii", "op", "write out.raw i(V1)", "quit 0", ".endc", ".end", ""])
    assert -_run(tmp_path, net)["i(v1)"][0] == pytest.approx(float(m.current(V_READ, m.initial_state())), rel=1e-9)


@needs_ngspice
def test_white_noise_amplitude(tmp_path):
    """A white current noise of 1 uA rms on a 10 kOhm VTEAM cell read at 0.1 V (10 uA): std(i) ~ 1 uA."""
    m = compact.VTEAM()
    to_ngspice(m, tmp_path / "cell.cir", name="cell", noise={"white": 1e-6, "dt": 1e-9})
    net = "\n".join(["noise", ".include cell.cir", f"V1 a 0 DC {V_READ!r}", "X1 a 0 cell",
                     ".tran 1n 2u", ".control", "set filetype=ascii", "run", "write out.raw i(V1)", "quit 0",
                     ".endc", ".end", ""])
    res = _run(tmp_path, net)
    t, i = res["time"], -res["i(v1)"]
    k = t > 0.1e-6
    i_dc = float(m.current(V_READ, m.initial_state()))
    assert np.mean(i[k]) == pytest.approx(i_dc, rel=0.05)
    assert np.std(i[k]) == pytest.approx(1e-6, rel=0.25)


def test_bad_input_names_the_field(tmp_path):
    m = compact.StanfordPKU()
    with pytest.raises(ConfigError, match="params.I0x"):
        to_ngspice(m, tmp_path, params={"I0x": 1.0})
    with pytest.raises(ConfigError, match="noise.white"):
        to_ngspice(m, tmp_path, noise={"white": -1e-9})
    with pytest.raises(ConfigError, match="noise.rtn"):
        to_verilog_a(m, tmp_path, noise={"rtn": -1e-9})
    with pytest.raises(ConfigError, match="noise.colour"):
        build_spec(m, noise={"colour": 1.0})
    with pytest.raises(ConfigError, match="spread.nope"):
        build_spec(m, variability={"spread": {"nope": 0.1}})
    with pytest.raises(ConfigError, match="correlation"):
        build_spec(m, variability={"spread": SPREAD, "correlation": [[1, 2], [2, 1]]})
    # a parameter override is applied (stored units)
    assert build_spec(m, params={"I0": 2.0}).model_values()["I0"] == pytest.approx(2e-3)


@pytest.mark.skipif(__import__("compact.export", fromlist=["find_openvaf"]).find_openvaf() is None,
                    reason="openvaf-r not installed (pip install 'matsim[vlog]')")
def test_monte_carlo_and_noise_verilog_a_compiles(tmp_path):
    from compact.export import compile_verilog_a
    va = to_verilog_a(compact.StanfordPKU(), tmp_path, variability={"spread": SPREAD, "correlation": CORR},
                      noise={"white": 1e-9, "flicker": 1e-10})
    text = va.read_text()
    assert "mc_u2" in text and "white_noise(" in text and "flicker_noise(" in text
    assert compile_verilog_a(va).stat().st_size > 1000
