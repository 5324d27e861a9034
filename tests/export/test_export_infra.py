"""compact.export infrastructure, checked with a small test-only model (tests/export/export_toy.py)."""


import numpy as np
import pytest
from export_helpers import needs_ngspice
from export_nodal import crossbar_currents
from export_toy import ToyDrift

from compact.export import (NgspiceError, VerilogACompileError, build_spec, compile_verilog_a, find_openvaf,
                            read_parameters, read_raw, run_ngspice, spice_source, to_ngspice, to_verilog_a,
                            verify)
from compact.export import expr as ex
from compact.export.spec import export_names
from matsim.core.errors import ConfigError


# ---- expression language ------------------------------------------------------------------------
def test_render_maps_symbols_and_keeps_exponents():
    out = ex.render("a*exp(-x/1e-3) + 2.5E+4*V", {"a": "A1", "x": "V(s)", "V": "V(p,n)"})
    assert out == "A1*exp(-V(s)/1e-3) + 2.5E+4*V(p,n)"
    assert ex.render("log10(a)", {"a": "q"}, funcmap={"log10": "log"}) == "log(q)"


def test_render_refuses_unknown_names():
    with pytest.raises(ConfigError, match="typo"):
        ex.render("a*typo", {"a": "a"})
    with pytest.raises(ConfigError, match="fancy"):
        ex.render("fancy(a)", {"a": "a"})


def test_num_is_repr_exact_and_refuses_nan():
    for x in (0.1, 1e-10, 1.602176634e-19, -3.0000000000000004, 7.2e-06):
        assert float(ex.num(x)) == x
    with pytest.raises(ConfigError):
        ex.num(float("nan"))


def test_export_names_are_unique_without_case():
    names = export_names(["V0", "v0", "k", "time", "I0"])
    low = [n.lower() for n in names.values()]
    assert len(set(low)) == 5
    assert names["V0"] == "V0" and names["v0"] == "v0_2" and names["time"] == "time_2"


# ---- files, round trip, bad input ---------------------------------------------------------------
@pytest.mark.parametrize("writer,suffix", [(to_ngspice, ".cir"), (to_verilog_a, ".va")])
def test_parameters_round_trip_repr_exact(tmp_path, writer, suffix):
    m = ToyDrift(k=1234.5678901234567, R_off=1.0 / 3.0)
    path = writer(m, tmp_path)
    assert path.suffix == suffix and path.name == f"ToyDrift{suffix}"
    spec = build_spec(m)
    back = read_parameters(path)
    for sym, val in spec.model_values().items():
        assert back[spec.names[sym]] == val          # bit-exact
        assert val == getattr(m.p, sym)
    assert len(back) == len(spec.params)


def test_non_finite_parameter_is_refused(tmp_path):
    m = ToyDrift()
    m.p.k = float("inf")                             # e.g. a fit that diverged
    with pytest.raises(ConfigError, match="k"):
        to_ngspice(m, tmp_path)
    with pytest.raises(ConfigError, match="finite"):
        to_verilog_a(m, tmp_path)


def test_unwritable_path_is_refused(tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    with pytest.raises(ConfigError, match="path"):
        to_ngspice(ToyDrift(), blocker / "sub" / "toy.cir")
    with pytest.raises(ConfigError, match="path"):
        to_verilog_a(ToyDrift(), blocker / "toy.va")


def test_bad_name_and_unsupported_model(tmp_path):
    with pytest.raises(ConfigError, match="name"):
        to_ngspice(ToyDrift(), tmp_path, name="1bad name")

    class Unknown(ToyDrift):
        pass
    Unknown.__name__ = "Unknown"
    # a subclass inherits its parent's spec; an unrelated class does not
    assert build_spec(Unknown()).model_name == "Unknown"
    with pytest.raises(ConfigError, match="export spec"):
        build_spec(object.__new__(type("Alien", (), {})))


def test_spice_source_translation():
    class Sine:
        amplitude, frequency, offset = 1.5, 1e3, 0.0

        def __call__(self, t):
            return 1.5 * np.sin(2e3 * np.pi * t)
    assert spice_source(Sine(), 1e-3) == "SIN(0.0 1.5 1000.0 0.0 0 0.0)"
    pwl = spice_source(lambda t: 2.0 * np.asarray(t), 1.0, n_pwl=3)
    assert pwl == "PWL(0.0 0.0 0.5 1.0 1.0 2.0)"
    with pytest.raises(ConfigError, match="waveform"):
        spice_source("sine", 1.0)


def test_missing_ngspice_gives_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("MATSIM_NGSPICE", str(tmp_path / "no-ngspice"))
    monkeypatch.setenv("PATH", str(tmp_path))
    net = tmp_path / "x.cir"
    net.write_text("x\n.end\n")
    with pytest.raises(NgspiceError, match="ngspice not found"):
        run_ngspice(net)


# ---- running ngspice ----------------------------------------------------------------------------
@pytest.mark.ngspice
@needs_ngspice
def test_ngspice_error_is_reported(tmp_path):
    net = tmp_path / "bad.cir"
    net.write_text("bad\nV1 1 0 1\nX1 1 0 nosuchsubckt\n.tran 1u 1m\n.end\n")
    with pytest.raises(NgspiceError, match="nosuchsubckt|error"):
        run_ngspice(net)


@pytest.mark.ngspice
@needs_ngspice
def test_read_raw_ascii_and_binary(tmp_path):
    for ftype in ("ascii", "binary"):
        net = tmp_path / f"rc_{ftype}.cir"
        net.write_text(f"rc\nV1 in 0 DC 1\nR1 in out 1k\nC1 out 0 1u IC=0\n.tran 1e-5 5e-3 0 1e-5 uic\n"
                       f".control\nset filetype={ftype}\nrun\nwrite rc_{ftype}.raw v(out) i(v1)\nquit 0\n.endc\n.end\n")
        run_ngspice(net)
        res = read_raw(tmp_path / f"rc_{ftype}.raw")
        t, v = res["time"], res["v(out)"]
        # RC charging, tau = 1 ms: the analytic solution within the integrator's error
        assert np.max(np.abs(v - (1 - np.exp(-t / 1e-3)))) < 2e-3
        assert np.allclose(-res["i(v1)"], (1 - v) / 1e3, rtol=0, atol=1e-9)


@pytest.mark.ngspice
@needs_ngspice
def test_verify_toy_model_switches_and_agrees(tmp_path):
    m = ToyDrift()
    res = verify(m, plot_path=tmp_path / "toy.png")
    x = res.data["x_python"].values
    assert x.max() > 0.9 and x[-1] < 0.1              # the sine drive switches ON and back OFF
    assert res.max_rel_error <= 1e-2
    assert (tmp_path / "toy.png").stat().st_size > 1000
    # the state traces agree too
    assert np.max(np.abs(res.data["x_spice"].values - x)) < 1e-2


@pytest.mark.ngspice
@needs_ngspice
def test_crossbar_2x2_matches_nodal_solve(tmp_path):
    from compact.export.crossbar import read_crossbar
    m = ToyDrift()
    states = np.array([[0.1, 0.9], [0.5, 0.3]])
    kw = dict(r_driver=50.0, r_wire=20.0, r_sense=100.0)
    v_rows = np.array([0.3, -0.2])
    i_spice = read_crossbar(m, states, v_rows, workdir=tmp_path, **kw)
    i_ref = crossbar_currents(m, states, v_rows, **kw)
    assert np.allclose(i_spice, i_ref, rtol=1e-6, atol=1e-12)
    # without wires the column current is the sum of the cell currents (Kirchhoff), a sanity anchor
    assert abs(i_ref[0]) > 1e-6


@pytest.mark.skipif(find_openvaf() is None, reason="openvaf-r not installed (pip install 'matsim[vlog]')")
def test_verilog_a_compiles_with_openvaf(tmp_path):
    va = to_verilog_a(ToyDrift(), tmp_path)
    osdi = compile_verilog_a(va)
    assert osdi.is_file() and osdi.stat().st_size > 1000
    broken = tmp_path / "broken.va"
    broken.write_text('`include "disciplines.vams"\nmodule broken(p, n); inout p, n; electrical p, n;\n'
                      "analog begin I(p, n) <+ undefined_thing; end\nendmodule\n")
    with pytest.raises(VerilogACompileError, match="broken"):
        compile_verilog_a(broken)


def _have_vacask():
    from compact.export.verilog_a import VerilogACompileError, find_vacask
    try:
        return find_openvaf() is not None and bool(find_vacask())
    except VerilogACompileError:
        return False


@pytest.mark.skipif(not _have_vacask(), reason="openvaf-r/VACASK not installed (pip install 'matsim[vlog]')")
def test_verilog_a_runs_in_vacask_and_agrees():
    # the .va compiled to OSDI and simulated by VACASK matches the Python model like the subcircuit does
    res = verify(ToyDrift(), simulator="vacask", x0=[0.1])
    assert res.max_rel_error <= 1e-2
    assert res.data["x_python"].values.max() > 0.9


def test_ngspice_osdi_probe_reports_a_bool():
    from compact.export.verilog_a import ngspice_loads_osdi
    assert ngspice_loads_osdi() in (True, False)


def _eval_neutral(body, **vals):
    from compact.export.numeric import evaluate
    return evaluate(body, vals)


def test_macros_match_compact_smooth():
    from compact import smooth
    a = np.array([-40.0, -1.0, -1e-3, 0.0, 2e-3, 0.7, 35.0])
    args, body = ex.MACROS["softplus"]
    # log1p written as 2 atanh(y/(2 + y)): the same value as numpy's log1p to round-off
    assert np.allclose(_eval_neutral(body, a=a, s=0.05), smooth.softplus(a, 0.05), rtol=1e-14, atol=0)
    x = np.linspace(-0.1, 1.1, 13)
    _, body = ex.MACROS["window_lo"]
    assert np.allclose(_eval_neutral(body, x=x, lo=0.0, d=0.02), smooth.window_from_lower(x, 0.0, 0.02),
                       rtol=1e-14, atol=0)
    _, body = ex.MACROS["window_hi"]
    assert np.allclose(_eval_neutral(body, x=x, hi=1.0, d=0.02), smooth.window_from_upper(x, 1.0, 0.02),
                       rtol=1e-14, atol=0)
    _, body = ex.MACROS["smax"]
    # the smooth max is within e/2 of the hard one
    assert np.all(np.abs(_eval_neutral(body, a=x, b=0.5, e=1e-3) - np.maximum(x, 0.5)) <= 0.5e-3 + 1e-15)


@pytest.mark.ngspice
@needs_ngspice
def test_crossbar_2x2_of_rram_matches_network_crossbar(tmp_path):
    """ngspice 2x2 array of exported Stanford-PKU cells (I ~ sinh(V/V0)) vs matsim.network.crossbar."""
    import compact
    from compact.export.crossbar import read_crossbar
    from matsim.network.crossbar import Crossbar
    m = compact.StanfordPKU()
    g = np.array([[0.3e-9, 1.5e-9], [0.8e-9, 1.2e-9]])          # m: LRS .. HRS gaps
    v_rows = np.array([0.6, 0.3])                                # read: below the F_min gate
    xb = Crossbar(2, 2, m, state=g[None], r_wire_row=2.0, r_wire_col=2.0, r_driver=10.0, r_sense=10.0)
    sol = xb.solve(v_rows, tol=1e-13)
    i_spice = read_crossbar(m, g[..., None], v_rows, r_driver=12.0, r_wire=2.0, r_sense=12.0, workdir=tmp_path)
    assert np.allclose(i_spice, sol.i_out, rtol=1e-5, atol=1e-12)
    # sinh I-V: at 0.6 V the cell current is far above the ohmic extrapolation
    x = np.array([0.3e-9])
    assert m.current(0.6, x) / (600 * m.current(1e-3, x)) > 1.5


@pytest.mark.ngspice
@needs_ngspice
def test_crossbar_2x2_matches_network_crossbar(tmp_path):
    """ngspice 2x2 array of exported nonlinear (Poole-Frenkel) NbO2 cells vs matsim.network.crossbar."""
    from compact.export.crossbar import read_crossbar
    from compact.mott import MottThermal
    from matsim.network.crossbar import Crossbar
    m = MottThermal.nbo2()
    T = np.array([[300.0, 900.0], [1100.0, 600.0]])           # K, one insulating-to-metallic spread
    v_rows = np.array([1.5, -0.8])
    r_wire, r_driver, r_sense = 5.0, 20.0, 50.0
    xb = Crossbar(2, 2, m, state=T[None], r_wire_row=r_wire, r_wire_col=r_wire, r_driver=r_driver,
                  r_sense=r_sense)
    sol = xb.solve(v_rows, tol=1e-13)
    # Crossbar puts the first wire segment in series with driver/sense; the netlist has them as nodes
    i_spice = read_crossbar(m, T[..., None], v_rows, r_driver=r_driver + r_wire, r_wire=r_wire,
                            r_sense=r_sense + r_wire, workdir=tmp_path)
    assert np.allclose(i_spice, sol.i_out, rtol=1e-5, atol=1e-12)
    # the cells are far from ohmic here: the Poole-Frenkel term changes the current by > 10 %
    g_lin = m.current(1e-3, np.array([T[0, 0]])) / 1e-3
    assert abs(m.current(1.5, np.array([T[0, 0]])) / (1.5 * g_lin) - 1) > 0.1


@pytest.mark.ngspice
@needs_ngspice
def test_verify_with_compact_waveforms_triangle():
    """A compact.waveforms triangle becomes a PWL source with its corners; the sweep switches VTEAM."""
    import compact
    tri = compact.waveforms.Triangle(period=1e-6, amp=0.4)
    src = spice_source(tri, 1e-6)
    assert src.startswith("PWL(0.0 0.0 2.5e-07 0.4 5e-07 0.0 7.5e-07 -0.4 1e-06 0.0")
    m = compact.VTEAM()
    res = verify(m, tri)                                          # two periods (waveform.period)
    assert res.max_rel_error <= 1e-2
    assert np.ptp(res.data["x_python"].values) > 0.5 * 3e-9
