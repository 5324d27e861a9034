"""One-device Mott neuron: threshold, f-I curve, refractoriness."""

import numpy as np
import pytest

from compact.nbox_ascoli import NbOxAscoli
from matsim.core.errors import ConfigError
from matsim.network.neurons import MottNeuron


@pytest.fixture(scope="module")
def neuron():
    return MottNeuron(NbOxAscoli(), C=3e-10)


def test_fI_curve_silent_below_threshold_monotonic_above(neuron):
    I_th = neuron.threshold_current()        # linear (Hopf) threshold of the rest point
    assert I_th > NbOxAscoli().dc_point(NbOxAscoli().ndr_onset())[1]
    low = neuron.fI_curve(I_th * np.array([0.3, 0.6, 0.8]))
    assert np.all(low["rate"].values == 0.0)
    high = neuron.fI_curve(I_th * np.array([1.05, 1.5, 2.2, 3.0]))
    f = high["rate"].values
    assert np.all(f > 1e6)
    assert np.all(np.diff(f) > 0)


def test_refractory_period(neuron):
    I_th = neuron.threshold_current()
    r = neuron.refractory_period(0.5 * I_th, 1.5 * I_th, 30e-9, [35e-9, 45e-9, 80e-9, 150e-9])
    n = r["n_spikes"].values
    assert n[0] == 1 and n[-1] == 2                       # too early: absorbed; later: second spike
    assert np.all(np.diff(n) >= 0)
    assert 35e-9 < r.attrs["refractory_period"] <= 150e-9


def test_neuron_bad_inputs(neuron):
    with pytest.raises(ConfigError, match="C"):
        MottNeuron(NbOxAscoli(), C=-1.0)
    with pytest.raises(ConfigError, match="C"):
        MottNeuron(NbOxAscoli(), C=1e-12).threshold_current()    # too small to ever spike
    with pytest.raises(ConfigError, match="I_bias"):
        I_th = neuron.threshold_current()
        neuron.refractory_period(2.0 * I_th, I_th, 30e-9, [50e-9])
