"""Regression: ngspice export of a StanfordPKU calibrated from KMC data (tests/export/data/README.md).

The parameter set (g0 ~ 0.54 nm, V0 ~ 3.2 V, I0 ~ 0.05 mA, F_min = 0.025 V/nm) gives a runaway SET that
collapses the gap in a few ns, so a 0.3 % error in the rate becomes a late SET edge and a current error
of 7 % of peak. Two causes were fixed: ngspice's B-source division adds a fudge term (~1e-32) to every
divisor (ptfuncs.c PTdivide), which shifted sinh(gamma a0 q V/(t_ox k_B T)) by 2e-4 relative when the
divisor t_ox k_B T ~ 5e-29 was written literally; and ngspice's gear-2 needs finer steps than LSODA through
that edge (spec ``spice_step_ratio``).
"""

from pathlib import Path

import numpy as np
import pytest
from export_helpers import needs_ngspice

from compact import StanfordPKU
from compact.export import build_spec, verify
from compact.export.lower import node_rate_to_rate
from compact.export.ngspice import read_raw, run_ngspice, subckt_text
from matsim.core.parameters import ParameterSet

DATA = Path(__file__).parent / "data" / "stanford_pku_kmc_fit.json"


@pytest.fixture(scope="module")
def fitted():
    return StanfordPKU(ParameterSet.load_json(DATA))


@needs_ngspice
@pytest.mark.parametrize("v,g_nm", [(1.5, 1.69), (1.7, 1.2), (1.7, 0.5), (-1.2, 0.8)])
def test_exported_gap_rate_equals_python(tmp_path, fitted, v, g_nm):
    """The exported d(g)/dt, evaluated by ngspice at a fixed (V, g), equals ``dstate_dt`` to 1e-6
    (the literal t_ox k_B T divisor was 3e-3 off for SET)."""
    spec = build_spec(fitted)
    st = spec.states[0]
    (tmp_path / "dev.cir").write_text(subckt_text(spec, "dev"), encoding="utf-8")
    x0 = spec.names["x0_g"]
    # .op holds the state node at x0 through L_hold, whose current is then the node rate du/dt
    probe = f"l.x1.l_{st.node}#branch"          # written to the raw file as i(l.x1.l_g)
    net = "\n".join(["rate probe", ".include dev.cir", f"V1 in 0 DC {v!r}", f"X1 in 0 dev {x0}={g_nm * 1e-9!r} use_temper=0",
                     ".options reltol=1e-9 abstol=1e-20", ".control", "set filetype=ascii", "op",
                     f"write rate.raw {probe} v(x1.{st.node})", "quit 0", ".endc", ".end", ""])
    (tmp_path / "rate.cir").write_text(net, encoding="utf-8")
    run_ngspice(tmp_path / "rate.cir")
    res = read_raw(tmp_path / "rate.raw")
    rate_spice = node_rate_to_rate(spec, st, res[f"v(x1.{st.node})"][0], res[f"i(l.x1.l_{st.node})"][0])  # m/s
    rate_py = float(fitted.dstate_dt(v, [g_nm * 1e-9])[0])
    assert rate_py != 0.0
    assert rate_spice == pytest.approx(rate_py, rel=1e-6)


@needs_ngspice
def test_kmc_fit_verify_within_one_percent(fitted):
    """Default switching drive (1.8 V, 1 MHz, 2 periods): ngspice within 1 % of peak current (was 0.14),
    and both sides SET (gap at g_min after the first positive half-wave)."""
    res = verify(fitted)
    assert res.max_rel_error <= 0.01, res
    ds = res.data
    k = int(np.searchsorted(ds["t"].values, 0.3e-6))
    g_min = fitted.p.g_min
    assert ds["g_python"].values[k] == pytest.approx(g_min, rel=1e-3)
    assert ds["g_spice"].values[k] == pytest.approx(g_min, rel=1e-3)
