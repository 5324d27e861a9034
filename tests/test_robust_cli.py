"""Bad input to the CLIs gives one line naming the option (not a traceback), sizes are checked against
memory before allocation, results follow the user's umask, and every example config runs/validates."""

import os
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from matsim.cli import main
from matsim.core.errors import ConfigError
from matsim.core.io import save_dataset
from matsim.core.memory import check_memory
from matsim.core.validate import parse_floats

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("argv, message", [
    (["crossbar", "program", "--size", "100000"], "--size: got 100000; expected a size whose 100000x100000 array"),
    (["crossbar", "infer", "--size", "-3"], "--size: got -3"),
    (["crossbar", "program", "--g-max", "1e-6"], "--g-max: got 1e-06; expected a conductance above --g-min"),
    (["crossbar", "program", "--tolerance", "nan"], "--tolerance: got nan"),
    (["crossbar", "sneak", "--sizes", "0", "4"], "--sizes"),
    (["crossbar", "train", "--epochs", "0"], "--epochs: got 0"),
    (["crossbar", "program", "--bits", "40"], "--bits: got 40; expected a resolution of 1..24 bits"),
    (["crossbar", "infer", "--device", "NoSuchModel"], "model: got 'NoSuchModel'"),   # before training
    (["compact", "simulate", "StanfordPKU", "--points", "0"], "--points: got 0"),
    (["compact", "simulate", "StanfordPKU", "--x0", "1,abc"], "--x0: got '1,abc'"),
    (["continuum", "iv", str(ROOT / "continuum/examples/vo2_iv.yaml"), "--currents=1e-5,abc"],
     "--currents: got '1e-5,abc'; expected comma-separated numbers (A); item 2 is 'abc'"),
])
def test_bad_cli_input_is_one_line(capsys, argv, message):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_memory_check_and_number_lists():
    check_memory("--size", 10, 1e3, available=10**9)
    with pytest.raises(ConfigError, match=r"needs ~74.5 GiB, 8 GiB available"):
        check_memory("--size", 100000, 8.0 * 1e10, available=8 * 2**30)
    assert parse_floats("--x", "1, 2e-3") == [1.0, 2e-3]
    for bad in ("1,,2", "", "1,inf"):
        with pytest.raises(ConfigError, match="--x"):
            parse_floats("--x", bad)


def test_netcdf_follows_umask(tmp_path):
    old = os.umask(0o022)
    try:
        p = save_dataset(xr.Dataset({"a": ("x", np.arange(3.0))}), tmp_path / "a.nc")
    finally:
        os.umask(old)
    assert p.stat().st_mode & 0o777 == 0o644          # before: 0600 (tempfile.mkstemp)


def test_example_configs_validate():
    from continuum.filament import MottFilament
    from continuum.sweep import build_model
    from matsim.core.config import read_mapping
    for name, exp in (("vo2_iv.yaml", "iv"), ("vo2_transient.yaml", "transient")):
        cfg = read_mapping(ROOT / "continuum" / "examples" / name)
        assert isinstance(build_model(cfg), MottFilament) and cfg["experiment"] == exp


def test_example_neb_folder_gives_the_emt_barrier(capsys):
    """workflows/inputs/cu_vacancy_neb (written by workflows/make_emt_neb.py): EMT Cu vacancy hop.
    EMT's Cu migration barrier is ~0.7-0.8 eV (experiment 0.70 eV; Jacobsen et al., Surf. Sci. 366, 394 (1996))."""
    assert main(["dft", "barrier", str(ROOT / "workflows" / "inputs" / "cu_vacancy_neb"), "--json"]) == 0
    import json
    out = json.loads(capsys.readouterr().out)
    assert 0.6 < out["Ea"]["value"] < 0.9 and out["Ea"]["unit"] == "eV"


def test_huge_meshes_and_lattices_are_refused_before_allocation(tmp_path, capsys):
    c = tmp_path / "c.yaml"
    c.write_text((ROOT / "continuum/examples/vo2_iv.yaml").read_text().replace("n_cells: [12, 6]", "n_cells: [100000, 100000]"))
    assert main(["continuum", "iv", str(c)]) == 2          # before: _ArrayMemoryError for 74.5 GiB
    assert "n_cells: got [100000, 100000]; expected a size whose mesh of 10000000000 cells fit" in capsys.readouterr().err
    k = tmp_path / "k.yaml"
    k.write_text("cell: {shape: [2000, 2000, 2000]}\nprotocol: [{kind: forming}]\n")
    assert main(["kmc", "run", str(k), "--out", str(tmp_path / "o"), "--quiet"]) == 2   # before: 59.6 GiB error
    assert "cell.shape: got [2000, 2000, 2000]" in capsys.readouterr().err


def test_ctrl_c_in_kmc_run_says_what_was_saved(tmp_path, capsys, monkeypatch):
    import kmc.cli
    real, calls = kmc.cli._run_step, []

    def interrupt_second_step(cell, step, quiet, snaps):
        calls.append(step.kind)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(cell, step, quiet, snaps)
    monkeypatch.setattr(kmc.cli, "_run_step", interrupt_second_step)
    k = tmp_path / "k.yaml"
    k.write_text("cell: {shape: [4, 4, 6], seed: 1, max_events_per_step: 200}\n"
                 "protocol: [{kind: forming, v_max: 2.5, v_step: 0.25}, {kind: sweep, voltages: [0.1]}]\n"
                 "output: {plots: false}\n")
    ck = tmp_path / "c.npz"
    argv = ["kmc", "run", str(k), "--out", str(tmp_path / "o"), "--checkpoint", str(ck), "--quiet"]
    assert main(argv) == 130
    assert capsys.readouterr().err.strip() == (f"matsim: interrupted; checkpoint {ck} holds 1 finished protocol "
                                               "step(s); run the same command again to resume (--restart starts over)")
    calls[:] = ["x"]                     # the next call is number 2: interrupted before any step is done
    ck.unlink()
    assert main(argv) == 130
    assert capsys.readouterr().err.strip() == (f"matsim: interrupted; no protocol step finished, nothing saved "
                                               f"(--checkpoint {ck} is written after each step)")


def test_stale_vibration_caches_of_dead_processes_are_removed(tmp_path):
    """A run killed with SIGKILL leaves its ase Vibrations cache folder; the next run removes it."""
    import socket
    import subprocess
    import sys

    from matsim.dft.vineyard import remove_stale_vibration_caches
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()
    host = socket.gethostname()
    (tmp_path / f"matsim_vib_{host}_r0_p{dead}_abc" / "vib").mkdir(parents=True)
    (tmp_path / f"matsim_vib_{host}_r0_p{os.getpid()}_xyz").mkdir()
    assert remove_stale_vibration_caches(tmp_path) == [f"matsim_vib_{host}_r0_p{dead}_abc"]
    assert [p.name for p in tmp_path.iterdir()] == [f"matsim_vib_{host}_r0_p{os.getpid()}_xyz"]


def test_ctrl_c_swallowed_below_still_ends_as_interrupted(capsys, monkeypatch):
    """Ctrl-C during numba compilation raises inside a ctypes callback, which swallows it; before, the
    command then ran on and exited 0 as if never interrupted."""
    import signal

    import kmc.cli

    def swallowing(args):
        try:
            signal.raise_signal(signal.SIGINT)
        except KeyboardInterrupt:
            pass                       # what ctypes does with an exception in a callback
        return 0
    monkeypatch.setattr(kmc.cli, "cmd_lattice_gas", swallowing)
    assert main(["kmc", "lattice-gas"]) == 130
    assert capsys.readouterr().err.strip() == "matsim: interrupted; nothing was saved"
