"""verify drives: sine, triangle, square, pulse trains and PWL are written exactly for ngspice and VACASK;
a waveform that cannot be written exactly raises one ConfigError naming ``waveform``."""

import numpy as np
import pytest
from export_helpers import needs_ngspice

import compact
from compact import waveforms as wf
from compact.export import verify
from compact.export.sources import ngspice_text, translate, vacask_text
from matsim.core.errors import ConfigError


@pytest.mark.parametrize("w", [wf.triangle(0.4, 1e6, offset=0.1), wf.pulses(0.4, width=2e-7, period=1e-6, rise=2e-8,
                                                                            delay=1e-7, n=2),
                               wf.square(0.3, 1e6, duty=0.3)])
def test_pwl_translation_is_exact(w):
    kind, t, v = translate(w, 3e-6)
    assert kind == "pwl" and t[0] == 0.0 and t[-1] >= 3e-6
    # between the corners the waveform is linear: the PWL equals it everywhere (square: up to the 1e-6 edges)
    tt = np.linspace(0, 3e-6, 30001)
    err = np.abs(np.interp(tt, t, v) - w(tt))
    if isinstance(w, wf.Square):
        err = err[np.min(np.abs(tt[:, None] - t[None, :]), axis=1) > 2e-12]
    assert np.max(err) <= 1e-9
    assert ngspice_text(("pwl", t, v)).startswith("PWL(") and 'type="pwl"' in vacask_text(("pwl", t, v))


def test_untranslatable_waveform_raises():
    with pytest.raises(ConfigError, match="waveform"):
        translate(lambda t: np.sin(t), 1.0)
    with pytest.raises(ConfigError, match="waveform"):
        verify(compact.VTEAM(), lambda t: 0.4 * np.sin(2e6 * np.pi * t), t_end=1e-6)
    with pytest.raises(ConfigError, match="waveform.phase"):
        vacask_text(translate(wf.sine(0.4, 1e6, phase=0.5), 1e-6))


def _have_vacask():
    from compact.export.verilog_a import VerilogACompileError, find_openvaf, find_vacask
    try:
        return find_openvaf() is not None and bool(find_vacask())
    except VerilogACompileError:
        return False


SIMS = ["ngspice", pytest.param("vacask", marks=pytest.mark.skipif(not _have_vacask(), reason="no VACASK"))]


@needs_ngspice
@pytest.mark.parametrize("sim", SIMS)
@pytest.mark.parametrize("w", [wf.triangle(0.4, 1e6), wf.pulses(0.4, width=2e-7, period=1e-6, rise=2e-8),
                               wf.sine(0.4, 1e6)], ids=["triangle", "pulses", "sine"])
def test_verify_drives_in_both_simulators(sim, w):
    """VTEAM under each drive (the VACASK triangle used to be run as a sine: 83 % error)."""
    res = verify(compact.VTEAM(), w, simulator=sim)
    assert res.max_rel_error <= 1e-2
    assert np.ptp(res.data["x_python"].values) > 0.3 * (compact.VTEAM().state_bounds()[1][0])
