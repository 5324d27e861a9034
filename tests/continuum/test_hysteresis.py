"""VO2 heating/cooling hysteresis (T_c +- w/2): memory inside the hysteresis window.

At an ambient temperature T0 = T_c the device starts on the heating branch (insulating, T_c + w/2).
A current pulse heats it past T_c + w/2; after it has cooled back to T0 it stays on the cooling
branch (metallic, T_c - w/2) and reads a much lower resistance: the VO2 memory effect (Driscoll et
al., Science 325, 1518 (2009)).  Without hysteresis the read after the pulse equals the read before.
"""

import pytest

from continuum import Circuit, MottFilament
from matsim import materials
from matsim.materials.conductivity import MottConductivity

I_READ = 1e-7


def _read_pulse_read(hysteresis: bool):
    dev = MottFilament("VO2", "axisymmetric", 50e-9, 20e-9, (6, 4), 340.0, hysteresis=hysteresis, tol_T=1e-3)
    before = dev.steady_iv(currents=[I_READ])
    dev.circuit = Circuit.current_source(2e-3)
    pulse = dev.transient(10 * dev.thermal_time, dev.thermal_time, n_snapshots=0)
    after = dev.steady_iv(currents=[I_READ], reset=False)
    return float(before.V[0] / I_READ), float(after.V[0] / I_READ), pulse, after


def test_hysteresis_window_stores_the_metallic_state():
    R0, R1, pulse, after = _read_pulse_read(True)
    vo2 = MottConductivity.from_parameters(materials.get("VO2"))
    assert float(pulse.T_max.max()) > vo2.T_c + vo2.hysteresis / 2 + 2 * vo2.dT   # the pulse crossed the window
    assert float(after.T_max[0]) < 340.5                                         # back at ambient for the read
    # all cells on the cooling instead of the heating branch: sigma(T0) larger by ratio_bound (1.5e3);
    # only the cells the pulse heated past T_c + w/2 flip (measured R0/R1 = 373)
    ratio_bound = vo2(340.0, branch=-1.0) / vo2(340.0, branch=1.0)
    assert R0 / R1 > 0.1 * ratio_bound
    assert R0 / R1 < 1.01 * ratio_bound


def test_without_hysteresis_no_memory():
    R0, R1, _, _ = _read_pulse_read(False)
    assert R1 == pytest.approx(R0, rel=1e-2)       # vs a factor ~1e3 with hysteresis
