"""The fast core (fixed-pattern matrices, lagged-LU CG, Anderson sweeps, local-error steps)
against the legacy FiPy-terms core: same discretisation, same physics."""

import numpy as np
import pytest

from continuum import Circuit, MottFilament
from continuum.fastcore import Anderson
from continuum.lumped import oscillation_frequency
from matsim.core.errors import ConfigError

# VO2 relaxation oscillator of test_oscillation.py at 8x4 cells
OSC = {"material": "VO2", "geometry": "axisymmetric", "radius_m": 100e-9, "thickness_m": 50e-9,
       "n_cells": (8, 4), "T_ambient_K": 300.0, "circuit": Circuit(22.5, 1e5, 2e-14), "tol_T": 1e-2}
# measured with core="legacy" (transient(6e-9, 1e-10, dT_max=20, dV_rel=0.05), 918 steps, 231 s on the
# benchmark machine); the slow test below measures it again
F_LEGACY_8x4 = 629.04e6


@pytest.mark.parametrize("geometry", ["axisymmetric", "2d"])
def test_fast_matrices_reproduce_fipy_to_round_off(geometry):
    """Constant sigma (linear problem): both cores take the same backward-Euler steps, so T and phi
    agree to round-off -- the fixed-pattern assembly is FiPy's discretisation, boundary sinks included."""
    out = {}
    for core in ("legacy", "fast"):
        dev = MottFilament("VO2", geometry, 100e-9, 50e-9, (7, 5), 300.0, Circuit(0.5), core=core,
                           conductivity=1e4, electrode_thermal_resistance=1e5 if geometry == "2d" else 0.0)
        for _ in range(2):
            dev.advance(dev.thermal_time, dT_max=1e9)
        out[core] = (np.asarray(dev.T.value).copy(), dev.potential(), dev.current())
    rise = out["legacy"][0].max() - 300.0
    assert rise > 1.0
    np.testing.assert_allclose(out["fast"][0], out["legacy"][0], rtol=0, atol=1e-9 * rise)
    np.testing.assert_allclose(out["fast"][1], out["legacy"][1], rtol=1e-9, atol=1e-12)
    assert out["fast"][2] == pytest.approx(out["legacy"][2], rel=1e-9)


def test_fast_core_reproduces_the_legacy_threshold_voltage():
    """Current-controlled steady I-V through the S-NDR: threshold voltage (the fold) within 1 %."""
    currents = np.geomspace(3e-5, 4e-4, 5)
    res = {}
    for core in ("legacy", "fast"):
        dev = MottFilament("VO2", "axisymmetric", 100e-9, 50e-9, (8, 4), 300.0, tol_T=1e-2, core=core)
        res[core] = dev.steady_iv(currents=currents)
    V_leg, V_new = res["legacy"].V.values, res["fast"].V.values
    assert np.any(np.diff(V_leg) < 0)                           # an S-NDR: the test can fail
    assert V_new.max() == pytest.approx(V_leg.max(), rel=0.01)
    np.testing.assert_allclose(res["fast"].T_max.values, res["legacy"].T_max.values, rtol=0.01)


def test_fast_core_oscillation_frequency_at_8x4_matches_the_legacy_core():
    dev = MottFilament(**OSC)
    ds = dev.transient(6e-9, 1e-10, n_snapshots=0)
    f = oscillation_frequency(ds.t, ds.V, discard=0.2)
    assert f == pytest.approx(F_LEGACY_8x4, rel=0.02)
    assert ds.T_max.values.max() > 1000.0


@pytest.mark.slow
def test_fast_and_legacy_oscillation_frequencies_agree_within_2_percent_live():
    f = {}
    for core in ("legacy", "fast"):
        dev = MottFilament(**OSC, core=core)
        kw = {"dT_max": 20.0, "dV_rel": 0.05} if core == "legacy" else {}
        ds = dev.transient(6e-9, 1e-10, n_snapshots=0, **kw)
        f[core] = oscillation_frequency(ds.t, ds.V, discard=0.2)
    assert f["legacy"] > 0
    assert f["fast"] == pytest.approx(f["legacy"], rel=0.02)


def test_error_controlled_steps_converge_at_first_order():
    """Backward Euler under the local-error controller: the local error h^2 y''/2 is held at step_tol,
    so h ~ tol^(1/2) and the global (first-order) error ~ h ~ tol^(1/2): ten times tighter tolerance
    gives about 1/sqrt(10) = 0.32 of the error of T_max(t_end) against a tight reference."""
    def run(tol):
        dev = MottFilament("VO2", "axisymmetric", 100e-9, 50e-9, (6, 4), 300.0, Circuit(3.0, 1e4), step_tol=tol)
        ds = dev.transient(4 * dev.thermal_time, dev.thermal_time, n_snapshots=0)
        return float(ds.T_max[-1]), ds.sizes["t"]
    ref, _ = run(1e-5)
    (a, na), (b, nb) = run(1e-2), run(1e-3)
    ratio = abs(b - ref) / abs(a - ref)
    assert 0.15 < ratio < 0.5
    assert nb > 2 * na


def test_anderson_accelerates_a_linear_fixed_point():
    rng = np.random.default_rng(1)
    Q, _ = np.linalg.qr(rng.normal(size=(20, 20)))
    M = Q @ np.diag(np.linspace(0.5, 0.95, 20)) @ Q.T          # contraction, rate 0.95
    c = rng.normal(size=20)
    x_star = np.linalg.solve(np.eye(20) - M, c)
    x, acc = np.zeros(20), Anderson(5)
    for _ in range(25):
        x = acc.step(x, M @ x + c)
    assert np.linalg.norm(x - x_star) < 1e-4 * np.linalg.norm(x_star)   # plain iteration: 0.95^25 = 0.28


def test_bad_step_tolerance_and_solver_name_the_field():
    with pytest.raises(ConfigError, match="step_tol"):
        MottFilament("VO2", n_cells=(4, 4), step_tol=0.0)
    with pytest.raises(ConfigError, match="step_tol"):
        MottFilament("VO2", n_cells=(4, 4), step_tol=-1e-3)
    with pytest.raises(ConfigError, match="linear_solver"):
        MottFilament("VO2", n_cells=(4, 4), linear_solver="gmres")
    with pytest.raises(ConfigError, match="core"):
        MottFilament("VO2", n_cells=(4, 4), core="turbo")
