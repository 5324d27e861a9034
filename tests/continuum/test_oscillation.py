"""Pearson-Anson relaxation oscillation: a load line through the S-NDR with a parallel C makes the
VO2 device self-oscillate at the frequency of the lumped hot-spot model (within 25 %); a load line
that misses the NDR region gives a steady state.

The lumped model is ``MottThermalODE.from_iv``: R(T_max) and R_th(T_max) from the PDE's
current-controlled steady I-V (threshold fold resolved by ``refine_snapback``), one thermal time
from ``extract_lumped``.  Nothing is fitted to the oscillation itself.
"""

import numpy as np
import pytest

from continuum import Circuit, MottFilament
from continuum.lumped import MottThermalODE, extract_lumped, oscillation_frequency

R_S, C_P, V_S = 1e5, 2e-14, 22.5


@pytest.mark.slow
def test_load_line_through_ndr_oscillates_at_the_lumped_frequency_and_missing_it_does_not():
    dev = MottFilament("VO2", "axisymmetric", 100e-9, 50e-9, (8, 4), 300.0, Circuit(V_S, R_S, C_P), tol_T=1e-2)
    ps = extract_lumped(dev)
    iv = dev.steady_iv(currents=np.geomspace(1e-5, 3e-3, 14), refine_snapback=8)
    # the load line V = V_s - R_s I crosses the device curve where dV/dI < 0
    V_load = V_S - R_S * iv.I.values
    k = int(np.argmax(np.diff(np.sign(iv.V.values - V_load)) != 0))
    assert (iv.V.values[k + 1] - iv.V.values[k]) / (iv.I.values[k + 1] - iv.I.values[k]) < 0
    dev.reset()
    ds = dev.transient(6e-9, 1e-10, n_snapshots=2, dT_max=20.0, dV_rel=0.05)
    f_pde = oscillation_frequency(ds.t, ds.V, discard=0.2)
    assert f_pde > 0, "no self-oscillation with the load line through the NDR"
    assert ds.T_max.values.max() > 1000.0   # each discharge dumps C V^2 / 2 into the filament
    ode = MottThermalODE.from_iv(iv, ps.si("thermal_time"), circuit=Circuit(V_S, R_S, C_P))
    od = ode.simulate(6e-9, max_step=2e-12, n_points=12000)
    f_ode = oscillation_frequency(od.t, od.V, discard=0.2)
    assert f_ode > 0
    assert f_pde == pytest.approx(f_ode, rel=0.25)
    # the lumped model switches at the PDE's dynamic threshold
    assert od.V.values.max() == pytest.approx(ds.V.values.max(), rel=0.1)
    # load line crossing the insulating branch: steady state, no oscillation (in either model)
    dev.circuit = Circuit(8.0, R_S, C_P)
    dev.reset()
    off = dev.transient(3e-9, 1e-10, n_snapshots=0, dT_max=20.0, dV_rel=0.05)
    assert oscillation_frequency(off.t, off.V, discard=0.3) == 0.0
    assert off.T_max.values[-1] < 340.0  # stays insulating
    ode.circuit = Circuit(8.0, R_S, C_P)
    od_off = ode.simulate(3e-9, max_step=2e-12, n_points=6000)
    assert oscillation_frequency(od_off.t, od_off.V, discard=0.3) == 0.0
