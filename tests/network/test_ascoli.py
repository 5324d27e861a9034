"""Two-cell RD-MCNN (Ascoli et al.): device physics, bifurcations by continuation vs simulation."""

import numpy as np
import pytest

from compact.nbox_ascoli import NbOxAscoli
from matsim.core.errors import ConfigError, ConvergenceError
from matsim.network.ascoli import (PUBLISHED_HOPF_OHM, PUBLISHED_PITCHFORK_OHM, TwoCellNetwork,
                                   design_cell)


@pytest.fixture(scope="module")
def net():
    return TwoCellNetwork()


@pytest.fixture(scope="module")
def bif(net):
    return net.find_bifurcations()


def test_device_steady_state_and_ndr():
    dev = NbOxAscoli()
    # the DC point at T is a fixed point of the thermal equation
    for T in (320.0, 350.0, 420.0):
        v, i = dev.dc_point(T)
        assert abs(dev.dstate_dt(v, np.array([T]))[0]) < 1e-6 * T / (dev.p.R_th * dev.p.C_th)
        assert np.isclose(i, dev.current(v, np.array([T])))
    # NDR (negative differential resistance) exactly above the analytic onset
    T0 = dev.ndr_onset()
    assert dev.small_signal(T0 - 2.0)["R_d"] > 0 > dev.small_signal(T0 + 2.0)["R_d"]
    # numerical dV/dI of the DC curve agrees with the small-signal R_d
    T = 360.0
    (v1, i1), (v2, i2) = dev.dc_point(T - 1e-3), dev.dc_point(T + 1e-3)
    assert np.isclose((v2 - v1) / (i2 - i1), dev.small_signal(T)["R_d"], rtol=1e-4)


def test_device_simulate_relaxes_to_dc_point():
    dev = NbOxAscoli()
    v, _ = dev.dc_point(315.0)   # below the NDR onset: voltage-driven state is stable
    ds = dev.simulate(float(v), np.linspace(0, 5e-7, 50), x0=[300.0])
    assert abs(ds["T"].values[-1] - 315.0) < 0.05


def test_homogeneous_state_independent_of_coupling(net):
    TQ = net.homogeneous_equilibrium()
    assert TQ == pytest.approx(350.0, abs=1e-6)       # design operating point
    for rc in (200.0, 60.0, 10.0):
        ys = net.equilibria(rc)
        assert any(np.allclose(y[:2], TQ) for y in ys)


def test_pitchfork_matches_analytic_and_is_supercritical(net, bif):
    assert bif["pitchfork"] == pytest.approx(bif["pitchfork_analytic"], rel=1e-6)
    # CALIBRATION (the one number taken from the paper): design_cell solves R_s so that the pitchfork
    # lands on the published 49.75 Ohm; this is a round trip of that calibration, not a prediction.
    assert bif["pitchfork"] == pytest.approx(PUBLISHED_PITCHFORK_OHM, rel=1e-6)
    # supercritical: one equilibrium just above, three just below, branch amplitude -> 0
    assert len(net.equilibria(bif["pitchfork"] * 1.01)) == 1
    ys = net.equilibria(bif["pitchfork"] * 0.99)
    assert len(ys) == 3
    amp = abs(ys[0][0] - ys[0][1])
    amp2 = abs(net.equilibria(bif["pitchfork"] * 0.96)[0][0] - net.equilibria(bif["pitchfork"] * 0.96)[0][1])
    assert 0 < amp < amp2 < 40.0
    # the two patterns are mirror images
    assert np.allclose(ys[0][:2], ys[-1][1::-1])


def test_hopf_prediction_agrees_with_eigenvalue_continuation(net, bif):
    """PREDICTION: the Hopf point follows from the device and the circuit (R_s calibrated on the
    pitchfork, C = 0.8 C_max fixed a priori), never from the published 28.1 Ohm.

    Two independent routes must agree: (a) find_bifurcations: grid-bracketed equilibria, eigenvalues
    of the analytic Jacobian, Brent on the real part of the complex pair; (b) predict_hopf: Newton
    continuation of the pattern branch, Routh-Hurwitz Delta_3 from the principal minors (no eigvals).
    """
    h = net.predict_hopf(bif["pitchfork"])
    assert h is not None and bif["hopf"] is not None
    assert h == pytest.approx(bif["hopf"], rel=1e-7)
    assert h < bif["pitchfork"]
    # at the Hopf point the leading pair is purely imaginary (Re ~ 0, Im != 0)
    y = net.pattern_branch(np.geomspace(0.98 * bif["pitchfork"], h, 80))[-1]
    ev = np.linalg.eigvals(net.jacobian(y, h))
    lead = ev[np.argmax(ev.real)]
    assert abs(lead.real) < 1e-6 * abs(lead.imag) and abs(lead.imag) > 1e6
    # distance to the published 28.1 Ohm (reported, see docs/networks.md): 24.90 Ohm, -11.4 %
    rel = (h - PUBLISHED_HOPF_OHM) / PUBLISHED_HOPF_OHM
    assert -0.15 < rel < -0.08


def test_hurwitz_coefficients_match_the_characteristic_polynomial():
    rng = np.random.default_rng(3)
    for n in (2, 4):
        J = rng.standard_normal((n, n))
        a = TwoCellNetwork.characteristic_coefficients(J)
        assert np.allclose(np.r_[1.0, a], np.poly(J), rtol=1e-10, atol=1e-10)
    # a matrix with eigenvalues +-2i, -1, -3: Delta_3 = 0 (Hopf), the others > 0
    A = np.diag([-1.0, -3.0, 0.0, 0.0])
    A[2, 3], A[3, 2] = 2.0, -2.0
    m = TwoCellNetwork.hurwitz_margin(A)
    assert abs(m["hopf"]) < 1e-9 * np.abs(m["a"]).max() ** 3 and m["others_positive"]


def test_continuation_eigenvalue_signs(net, bif):
    ds = net.continuation([80.0, bif["pitchfork"] * 1.02, bif["pitchfork"] * 0.98, bif["hopf"] * 1.1, bif["hopf"] * 0.9])
    g = ds["growth_homogeneous"].values
    assert g[0] < 0 and g[1] < 0 and np.all(g[2:] > 0)
    gp = ds["growth_pattern"].values
    assert np.isnan(gp[0]) and gp[2] < 0 and gp[3] < 0 and gp[4] > 0
    assert ds["omega_pattern"].values[4] > 0     # complex pair: Hopf, not a fold


def test_simulation_agrees_with_continuation_pitchfork(net, bif):
    """x(0) = (300 K, 500 K): homogeneous above R_C,P, a static Turing pattern below."""
    rp = bif["pitchfork"]
    above = net.simulate(rp * 1.06, (300.0, 500.0), t_end=3e-6)
    below = net.simulate(rp * 0.94, (300.0, 500.0), t_end=3e-6)
    assert above.attrs["pattern"] == "homogeneous"
    assert below.attrs["pattern"] == "static pattern"
    eq = net.equilibria(rp * 0.94)[0]        # T1 < T2 branch, as from (300, 500)
    assert below["T1"].values[-1] == pytest.approx(eq[0], abs=0.05)
    assert below["T2"].values[-1] == pytest.approx(eq[1], abs=0.05)
    # the other initial condition selects the mirror pattern
    mirror = net.simulate(rp * 0.94, (500.0, 300.0), t_end=3e-6)
    assert mirror["T1"].values[-1] == pytest.approx(eq[1], abs=0.05)


def test_simulation_agrees_with_continuation_hopf(net, bif):
    rh = bif["hopf"]
    static = net.simulate(rh * 1.15, (300.0, 500.0), t_end=1.2e-5, n_out=6001)
    osc = net.simulate(rh * 0.85, (300.0, 500.0), t_end=1.2e-5, n_out=6001)
    assert static.attrs["pattern"] == "static pattern"
    assert osc.attrs["pattern"] == "oscillation"
    # oscillation frequency near Im(lambda)/2pi at the Hopf point
    pair = [ev for y, ev in net.jacobian_eigenvalues(rh) if y[0] < y[1] - 1][0]
    f_lin = np.abs(pair[np.argmax(pair.real)].imag) / (2 * np.pi)
    T1 = osc["T1"].values[-3000:]
    t = osc["t"].values[-3000:]
    crossings = t[1:][(T1[:-1] < T1.mean()) & (T1[1:] >= T1.mean())]
    f_sim = 1.0 / np.mean(np.diff(crossings))
    assert f_sim == pytest.approx(f_lin, rel=0.15)


def test_second_order_network_has_pitchfork_but_no_hopf(bif):
    """Without capacitors (TCAS-I 69, 4596): same pitchfork, and the pattern stays stable down to 5 Ohm.

    Checks that can fail: the Hopf search runs on the 2nd-order branch too (eigenvalue crossing), and
    along the Newton-continued branch the Routh-Hurwitz conditions (trace < 0, det > 0) hold.
    """
    net2 = TwoCellNetwork(C=None)
    b = net2.find_bifurcations()
    assert b["pitchfork"] == pytest.approx(bif["pitchfork"], rel=1e-9)   # pitchfork does not depend on C
    assert b["hopf"] is None and net2.predict_hopf() is None
    grid = np.geomspace(0.98 * b["pitchfork"], 5.0, 60)
    for y, rc in zip(net2.pattern_branch(grid), grid, strict=True):
        m = TwoCellNetwork.hurwitz_margin(net2.jacobian(y, rc))
        assert m["hopf"] > 0 and m["others_positive"]              # -trace > 0 and det > 0: stable
        assert np.all(np.linalg.eigvals(net2.jacobian(y, rc)).real < 0)
    assert net2.simulate(25.0, (300.0, 500.0), t_end=2e-6).attrs["pattern"] == "static pattern"


def test_bad_inputs():
    dev = NbOxAscoli()
    with pytest.raises(ConfigError, match="R_C"):
        TwoCellNetwork().equilibria(-5.0)
    with pytest.raises(ConfigError, match="T_Q"):
        design_cell(dev, 310.0)                # below the NDR onset: not locally active
    with pytest.raises(ConfigError, match="R_C_pitchfork"):
        design_cell(dev, 350.0, R_C_pitchfork=1.0)
    with pytest.raises(ConfigError, match="T0"):
        TwoCellNetwork().simulate(40.0, (300.0, 5000.0))   # outside the device's range
    with pytest.raises(ConfigError, match="R_th"):
        NbOxAscoli(R_th=-1.0)
    # bias far beyond the device: thermal runaway leaves the model's temperature range
    hot = TwoCellNetwork(V_s=40.0, R_s=10.0, C=None)
    with pytest.raises((ConvergenceError, ConfigError)):
        hot.simulate(40.0, (300.0, 500.0), t_end=1e-6)
