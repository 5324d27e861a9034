import numpy as np
import pytest
import xarray as xr
from pydantic import Field

from matsim.core import ConfigError, Parameter, ParameterSet, make_rng, spawn
from matsim.core.checkpoint import load_checkpoint, save_checkpoint
from matsim.core.config import MatsimConfig, load_config
from matsim.core.io import load_dataset, parameters_of, provenance_of, save_dataset
from matsim.core.parallel import SerialComm, map_tasks, scatter_tasks
from matsim.core.validate import positive, temperature


def test_rng_streams_reproducible_and_distinct():
    a = make_rng(42, stream=3).random(5)
    b = make_rng(42, stream=3).random(5)
    c = make_rng(42, stream=4).random(5)
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)
    # stream i is the i-th child of SeedSequence(seed).spawn(n)
    child = np.random.SeedSequence(42).spawn(5)[3]
    np.testing.assert_array_equal(a, np.random.default_rng(child).random(5))
    np.testing.assert_array_equal(spawn(42, 5)[3].random(5), a)
    with pytest.raises(ConfigError, match="seed"):
        make_rng(-1)


def test_serial_map_tasks_order():
    comm = SerialComm()
    assert scatter_tasks(["a", "b"], comm) == [(0, "a"), (1, "b")]
    assert map_tasks(lambda x: x * x, [1, 2, 3], comm) == [1, 4, 9]


def test_dataset_io_round_trip(tmp_path):
    ps = ParameterSet({"Ea": Parameter(1.1, "eV", "paper")}, name="x")
    ds = xr.Dataset({"i": ("v", np.array([1e-6, 2e-6]), {"units": "A"})},
                    coords={"v": ("v", [0.1, 0.2], {"units": "V"})}, attrs={"flag": True, "d": {"k": 1}})
    path = save_dataset(ds, tmp_path / "out.nc", params=ps, provenance={"seed": 7})
    back = load_dataset(path)
    np.testing.assert_array_equal(back["i"].values, ds["i"].values)
    assert back["i"].attrs["units"] == "A"
    assert parameters_of(back) == ps
    prov = provenance_of(back)
    assert prov["seed"] == 7 and "numpy" in prov["versions"]


def test_checkpoint_round_trip(tmp_path):
    rng = make_rng(1)
    rng.random(3)
    state = rng.bit_generator.state
    save_checkpoint(tmp_path / "c.npz", {"occ": np.arange(5)}, {"t": 1.5, "rng": state})
    arrays, meta = load_checkpoint(tmp_path / "c.npz")
    np.testing.assert_array_equal(arrays["occ"], np.arange(5))
    r2 = make_rng(0)
    r2.bit_generator.state = meta["rng"]
    assert r2.random() == rng.random()


def test_config_errors_name_field(tmp_path):
    class Cfg(MatsimConfig):
        T_K: float = Field(gt=0)
        n: int = 3

    (tmp_path / "good.yaml").write_text("T_K: 300\n")
    assert load_config(tmp_path / "good.yaml", Cfg).T_K == 300
    (tmp_path / "bad.yaml").write_text("T_K: -5\n")
    with pytest.raises(ConfigError, match="T_K"):
        load_config(tmp_path / "bad.yaml", Cfg)
    (tmp_path / "typo.yaml").write_text("T_K: 300\nnn: 4\n")
    with pytest.raises(ConfigError, match="nn"):
        load_config(tmp_path / "typo.yaml", Cfg)
    with pytest.raises(ConfigError, match="config"):
        load_config(tmp_path / "absent.yaml", Cfg)


def test_validate_helpers():
    assert temperature("T_K", 300) == 300.0
    with pytest.raises(ConfigError, match="T_K: got -5"):
        temperature("T_K", -5)
    with pytest.raises(ConfigError, match="nu"):
        positive("nu", 0.0, "Hz")
