"""Grid convergence of the VO2 steady I-V and of its relaxation oscillation (fast core; ~9 s).

VO2, r 100 nm, L 50 nm.  With the local Mott law the on-state filament narrows to one cell on every
grid and survives at currents far below the threshold current, so the current-controlled I-V is
Z-shaped (bistable) and no load line through the NDR alone exists (continuum.oscillator); the
oscillations once seen at 8x4 / 16x8 cells were set by the cell size.  With a metallic-domain length
imt_length_m = 30 nm (continuum.nonlocal_imt) the filament keeps a grid-independent width, the I-V is
S-shaped and converges, and the circuit chosen from it by ``oscillator_circuit_from_iv`` oscillates
at a grid-converged frequency.  C is bounded by ``T_limit`` = 1000 K (one discharge's C V_th^2 / 2 must
fit in the heated volume's heat capacity, ``filament_heat_capacity``): 21.9 fF, and the filament's peak
is ~1420 K, below VO2's melting point (2240 K).  The earlier cell (C from charge_time_ratio = 10
alone, 116 fF, 0.30 GHz) heated the filament to 3870 K at every discharge.  The hot-spot lumped model
built from the same device's steady states (``MottThermalODE.from_model_iv``: R, R_th and the
heated-volume C_th; nothing fitted) is compared at 32x16 (+3.8 %).
"""

import numpy as np
import pytest

from continuum import Circuit, MottFilament
from continuum.lumped import MottThermalODE, oscillation_frequency
from continuum.oscillator import filament_heat_capacity, iv_turning_points, oscillator_circuit_from_iv
from matsim.core.errors import ConfigError

ELL = 30e-9
T_MELT_VO2 = 2240.0      # VO2 melts at 1967 C (CRC Handbook of Chemistry and Physics, 97th ed., 2016)
# oscillator_circuit_from_iv(64x32 I-V, thermal_time, operating_fraction=0.1, T_limit=1000 K,
#                            heat_capacity=filament_heat_capacity(dev, iv)): 15.07 V, 36.7 kOhm, 21.9 fF
CELL = Circuit(15.07, 3.674e4, 2.19e-14)
CURRENTS = np.concatenate([np.geomspace(5e-5, 1.4e-4, 5), np.linspace(1.5e-4, 1.75e-4, 6),
                           np.geomspace(1.9e-4, 2e-3, 10)])


def vo2(cells, **kw):
    return MottFilament("VO2", "axisymmetric", 100e-9, 50e-9, cells, 300.0, CELL, tol_T=1e-2, **kw)


def test_local_law_filament_is_one_cell_wide_and_the_iv_z_shaped():
    dev = vo2((32, 16))
    up = [5e-5, 1e-4, 1.5e-4, 1.75e-4, 1.9e-4, 2.5e-4]
    iv = dev.steady_iv(currents=up + up[::-1][1:])
    on = iv.isel(point=4)                                         # 0.19 mA, past the threshold
    assert float(on.filament_radius) <= 2.01 * 100e-9 / 32         # the filament is 1-2 cells wide (6.25 nm)
    tp = iv_turning_points(iv)
    assert tp.shape == "Z" and tp.I_h <= 1.5e-4 < tp.I_th         # the on-state holds below I_th (0.175 mA)
    with pytest.raises(ConfigError, match="Z-shaped"):
        oscillator_circuit_from_iv(iv, dev.thermal_time)


def test_vo2_iv_and_oscillation_frequency_converge_and_match_the_lumped_model():
    res = {}
    for cells in ((32, 16), (64, 32)):
        dev = vo2(cells, imt_length_m=ELL)
        iv = dev.steady_iv(currents=CURRENTS)
        tp = iv_turning_points(iv)
        k = int(np.argmin(abs(iv.I.values - 3.4e-4)))
        ds = dev.transient(6e-9, 2e-10, n_snapshots=0)
        res[cells] = dict(iv=iv, tp=tp, V_on=float(iv.V[k]), r_on=float(iv.filament_radius[k]), dev=dev,
                          f=oscillation_frequency(ds.t, ds.V, discard=0.25), ds=ds)
    a, b = res[(32, 16)], res[(64, 32)]
    assert a["tp"].shape == b["tp"].shape == "S"
    assert a["tp"].V_th == pytest.approx(b["tp"].V_th, rel=0.02)          # threshold: 5.41 / 5.47 V
    assert a["V_on"] == pytest.approx(b["V_on"], rel=0.05)                # on-branch at 0.34 mA
    assert a["r_on"] == pytest.approx(b["r_on"], rel=0.1)                 # filament width set by ell, not the cell
    assert b["r_on"] > 4 * 100e-9 / 64
    # the circuit chosen from the fine-grid I-V is the one simulated
    cth = filament_heat_capacity(b["dev"], b["iv"])                        # measured 0.467 fJ/K
    core = b["dev"].rho_c * np.pi * b["r_on"] ** 2 * 50e-9                  # the filament cylinder
    assert core < cth < b["dev"].rho_c * np.pi * (100e-9) ** 2 * 50e-9     # more than the core, less than the device
    c, info = oscillator_circuit_from_iv(b["iv"], b["dev"].thermal_time, operating_fraction=0.1, T_limit=1000.0,
                                         heat_capacity=cth)
    assert info["C_limited_by"] == "T_limit"                               # 10 thermal times would be 116 fF
    assert c.R_series == pytest.approx(CELL.R_series, rel=0.05)
    assert c.V_source == pytest.approx(CELL.V_source, rel=0.05)
    assert c.C_parallel == pytest.approx(CELL.C_parallel, rel=0.05)
    assert 0.8e9 < b["f"] < 1.3e9                                          # measured 0.988 / 0.986 GHz
    assert a["f"] == pytest.approx(b["f"], rel=0.05)                       # < 5 % from 32x16 to 64x32
    for r in (a, b):
        late = len(r["ds"].t) // 3
        assert r["ds"].V.values[late:].max() > 0.95 * r["tp"].V_th        # full swing to threshold
        peak = r["ds"].T_max.values[late:].max()
        assert 1000.0 < peak < 0.75 * T_MELT_VO2                           # every discharge crosses the IMT, no melting
    # lumped hot-spot model from the 32x16 steady states: within 25 % of the PDE (measured +3 %)
    ode = MottThermalODE.from_model_iv(a["dev"], a["iv"], circuit=CELL)
    od = ode.simulate(10e-9, max_step=5e-12, n_points=20000)
    f_ode = oscillation_frequency(od.t, od.V, discard=0.3)
    assert f_ode == pytest.approx(a["f"], rel=0.25)
