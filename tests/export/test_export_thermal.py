"""Thermal terminal: two MottThermal (VO2) devices coupled through their thermal ports by a thermal
resistance in ngspice, against the same coupling integrated in Python:

    C_th dT_k/dt = v_k i_k w(T_k) - (T_k - T_0)/R_th - (T_k - T_j)/R_c,   k, j = 1, 2

Device 2 is biased below its own threshold; the heat of device 1 (switched on) pulls it over."""

import subprocess

import numpy as np
import pytest
from export_helpers import needs_ngspice
from scipy.integrate import solve_ivp

from compact import StanfordPKU
from compact.export import build_spec, read_raw, to_ngspice
from compact.mott import MottThermal
from matsim.core.errors import ConfigError

T0 = 300.0


def _pwl(tp, vp):
    return "PWL(" + " ".join(f"{float(a)!r} {float(b)!r}" for a, b in zip(tp, vp, strict=True)) + ")"


def _python_coupled(m, R_c, v1, v2, t):
    C = m.p.C_th

    def rhs(tt, T):
        a, b = float(v1(tt)), float(v2(tt))
        d1 = m.dstate_dt(a, [T[0]])[0] - (T[0] - T[1]) / (R_c * C)
        d2 = m.dstate_dt(b, [T[1]])[0] - (T[1] - T[0]) / (R_c * C)
        return [d1, d2]

    sol = solve_ivp(rhs, (t[0], t[-1]), [T0, T0], t_eval=t, method="LSODA", rtol=1e-8, atol=1e-6,
                    max_step=(t[-1] - t[0]) / 4000)
    T1, T2 = sol.y
    return m.current(v1(t), T1[None]), m.current(v2(t), T2[None]), T1, T2


@needs_ngspice
@pytest.mark.parametrize("R_c_factor", [0.5, np.inf])
def test_two_mott_devices_coupled_through_thermal_ports(tmp_path, R_c_factor):
    m = MottThermal.vo2()
    assert m.p.T_ambient == T0
    to_ngspice(m, tmp_path / "mott.cir", name="mott", thermal_port=True)
    tau = m.p.R_th * m.p.C_th
    t_end = 40 * tau
    tp1, vp1 = [0.0, 5 * tau, t_end], [0.0, 4.5, 4.5]
    v2_level = 0.9 * m.ndr_window()[0]            # below its own threshold voltage
    tp2, vp2 = [0.0, 5 * tau, t_end], [0.0, v2_level, v2_level]
    R_c = R_c_factor * m.p.R_th
    coupling = f"Rc th1 th2 {R_c!r}" if np.isfinite(R_c) else ""
    net = "\n".join(["two Mott devices, thermally coupled", ".temp 26.85", ".include mott.cir",
                     f"V1 a 0 {_pwl(tp1, vp1)}", f"V2 b 0 {_pwl(tp2, vp2)}",
                     "X1 a 0 th1 mott", "X2 b 0 th2 mott", coupling,
                     f".tran {t_end / 400!r} {t_end!r}", ".control", "set filetype=ascii", "run",
                     "write out.raw i(V1) i(V2) v(th1) v(th2)", "quit 0", ".endc", ".end", ""])
    (tmp_path / "net.cir").write_text(net)
    proc = subprocess.run(["ngspice", "-b", "net.cir"], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert (tmp_path / "out.raw").is_file(), proc.stdout[-1500:]
    res = read_raw(tmp_path / "out.raw")
    t = np.linspace(0.0, t_end, 801)
    i1, i2, T1, T2 = _python_coupled(m, R_c, lambda tt: np.interp(tt, tp1, vp1),
                                     lambda tt: np.interp(tt, tp2, vp2), t)
    hot = m.p.T_transition
    for T_py, ikey, i_py, tkey in ((T1, "i(v1)", i1, "v(th1)"), (T2, "i(v2)", i2, "v(th2)")):
        T_sp = T0 + np.interp(t, res["time"], res[tkey])
        i_sp = np.interp(t, res["time"], -res[ikey])
        # the same switching instant (first crossing of T_c) within 1 % of the run
        on_py, on_sp = (t[np.argmax(T > hot)] if np.any(T > hot) else np.inf for T in (T_py, T_sp))
        assert on_py == on_sp == np.inf or abs(on_py - on_sp) <= 0.01 * t_end, (tkey, on_py, on_sp)
        away = np.ones_like(t, dtype=bool) if on_py == np.inf else np.abs(t - on_py) > 0.02 * t_end
        assert np.max(np.abs(T_sp - T_py)[away]) <= 0.02 * np.max(T_py - T0), tkey
        assert np.max(np.abs(i_sp - i_py)[away]) <= 0.02 * np.max(np.abs(i_py)), ikey
    # the coupling matters: device 2 switches (hot, metallic) only when coupled
    assert (T2[-1] > hot) == np.isfinite(R_c)


def test_thermal_port_only_for_models_with_a_temperature():
    with pytest.raises(ConfigError, match="thermal_port"):
        build_spec(__import__("compact").VTEAM(), thermal_port=True)
    spec = build_spec(StanfordPKU(), thermal_port=True)
    assert spec.thermal is not None and [s.name for s in spec.states] == ["g"]


@pytest.mark.skipif(__import__("compact.export", fromlist=["find_openvaf"]).find_openvaf() is None,
                    reason="openvaf-r not installed (pip install 'matsim[vlog]')")
@pytest.mark.parametrize("make", [MottThermal.vo2, StanfordPKU, __import__("compact").JARTVCM])
def test_thermal_port_verilog_a_compiles(tmp_path, make):
    from compact.export import compile_verilog_a, to_verilog_a
    va = to_verilog_a(make(), tmp_path, thermal_port=True)
    assert "module" in va.read_text() and ", th)" in va.read_text()
    assert compile_verilog_a(va).stat().st_size > 1000
