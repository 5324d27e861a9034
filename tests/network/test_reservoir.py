"""Device reservoir computing on NARMA10: fading memory, NRMSE vs a software ESN."""

import numpy as np
import pytest

from compact.nbox_ascoli import NbOxAscoli
from matsim.core.errors import ConfigError, ConvergenceError
from matsim.network.reservoir import ESN, SoftwareESN, benchmark_narma10, narma10, nrmse


def test_narma10_recursion_and_nrmse():
    u, y = narma10(500, seed=4)
    k = 200
    expect = 0.3 * y[k] + 0.05 * y[k] * y[k - 9:k + 1].sum() + 1.5 * u[k - 9] * u[k] + 0.1
    assert y[k + 1] == pytest.approx(expect)
    assert np.all((u >= 0) & (u <= 0.5))
    assert nrmse(y, np.full_like(y, y.mean())) == pytest.approx(1.0)
    assert nrmse(y, y) == 0.0
    assert np.array_equal(narma10(100, seed=1)[1], narma10(100, seed=1)[1])


def test_device_reservoir_has_fading_memory():
    esn = ESN(NbOxAscoli(), n_nodes=30, seed=2)
    u, _ = narma10(80, seed=3)
    d = esn.echo_state_distance(u, np.full((1, 30), 300.0), np.full((1, 30), 600.0))
    assert d[0] > 1.0                      # very different start ...
    assert d[-1] < 1e-2 * d[0]             # ... forgotten: echo-state property


def test_device_esn_narma10_vs_software_esn():
    dev_run = benchmark_narma10(ESN(NbOxAscoli(), n_nodes=50, seed=1), n_train=1000, n_test=500)
    sw_run = benchmark_narma10(SoftwareESN(50, seed=1), n_train=1000, n_test=500)
    dev_score, sw_score = dev_run.attrs["nrmse_test"], sw_run.attrs["nrmse_test"]
    base = dev_run.attrs["nrmse_memoryless"]
    assert base > 0.95                     # NARMA10 needs memory: a static readout fails
    assert dev_score < 0.75 * base         # the device reservoir supplies that memory
    assert dev_score < 1.5 * sw_score      # and is of the same class as a software ESN


def test_reservoir_bad_inputs():
    with pytest.raises(ConfigError, match="device"):
        ESN("TaOx")
    with pytest.raises(ConfigError, match="dt"):
        ESN(NbOxAscoli(), dt=-1e-9)
    with pytest.raises(ConfigError, match="readout"):
        SoftwareESN(10).predict(np.zeros(5))
    with pytest.raises(ConfigError, match="y"):
        SoftwareESN(10).fit(np.zeros(5), np.zeros(6))


def test_static_device_is_refused():
    # compact.Selector carries a dummy state the current ignores: before, states() died in W @ r with
    # numpy's "matmul: not enough dimensions"; a memoryless node cannot hold the input history
    from compact.selector import Selector
    with pytest.raises(ConfigError, match="state variable") as exc:
        ESN(Selector(), n_nodes=4, seed=0)
    assert exc.value.field == "device" and exc.value.value == "Selector"
    assert ESN(NbOxAscoli(), n_nodes=4, seed=0).states(np.full(3, 0.2)).shape == (3, 4)   # a device with memory


def test_series_newton_raises_when_it_gives_up():
    esn = ESN(NbOxAscoli(), n_nodes=5, seed=0, R_s=1000.0)
    u = np.linspace(0.0, 0.5, 5)
    assert np.all(np.isfinite(esn.states(u)))              # converges in normal use (30 iterations)
    esn.newton_max_iter = 1
    with pytest.raises(ConvergenceError, match=r"1 iterations.*state"):
        esn.states(u)
