"""``kmc.load``: one registry of checkpointable models; every one (ECM included) continues identically."""

import numpy as np
import pytest

import kmc
from kmc.ecm import ECMCell
from kmc.io import LOADERS
from matsim.core.errors import ConfigError
from matsim.core.checkpoint import save_checkpoint


def test_every_kmc_model_is_registered_and_a_saved_one_is_loadable():
    import kmc.engine
    assert {"LatticeGas", "VCMCell", "ECMCell", "ExclusionLatticeGas"} <= set(LOADERS.names())
    for name in LOADERS.names():
        cls = LOADERS.get(name)
        assert cls.__name__ == name and issubclass(cls, kmc.engine.KMCModel)
        assert hasattr(cls, "_from_checkpoint") == hasattr(cls, "save"), name     # what can be saved, loads
    for name in ("LatticeGas", "VCMCell", "ECMCell"):
        assert hasattr(LOADERS.get(name), "_from_checkpoint"), name


def test_ecm_cell_resumes_identically(tmp_path):
    def start():
        cell = ECMCell("Ag", seed=11, engine="python")     # the reference engine: no JIT time
        cell.set_voltage(0.7)
        cell.evolve(1.0, max_events=200)
        return cell

    straight = start()
    straight.evolve(1.0, max_events=200)
    half = start()
    half.save(tmp_path / "ecm.npz")
    resumed = kmc.load(tmp_path / "ecm.npz")
    assert isinstance(resumed, ECMCell) and resumed.voltage == 0.7
    resumed.evolve(1.0, max_events=200)
    assert resumed.n_events == straight.n_events > 200
    assert resumed.time == straight.time
    assert np.array_equal(resumed.occ, straight.occ) and resumed.current == straight.current


def test_unknown_checkpoint_model_names_the_known_ones(tmp_path):
    save_checkpoint(tmp_path / "x.npz", {"a": np.zeros(1)}, {"config": {"model": "Nope"}})
    with pytest.raises(ConfigError, match="ECMCell"):
        kmc.load(tmp_path / "x.npz")
