"""The shipped workflows run end to end at their small size and give physically sane numbers."""

import json
from pathlib import Path

import pytest

from matsim.pipeline import Pipeline

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"


def run(name, tmp_path):
    pipe = Pipeline.from_yaml(WORKFLOWS / f"{name}.yaml", run_dir=tmp_path / name, quiet=True)
    return pipe, pipe.run()


@pytest.mark.slow
def test_hfo2_vcm_crossbar(tmp_path):
    pipe, s = run("hfo2_vcm_crossbar", tmp_path)
    assert 0 < s["dft_barrier"]["barrier_eV"] < 2
    assert 1e12 <= s["dft_barrier"]["dft_parameters"]["attempt_frequency"]["value"] <= 1e14
    kmc = s["kmc_switching"]
    assert kmc["V_forming"] > kmc["V_set"] > 0 > kmc["V_reset"]
    assert kmc["R_hrs"] > 3 * kmc["R_lrs"]
    fit = s["fit_stanford_pku"]
    assert fit["lrs_fit_rms_residual"] < 0.1
    # a calibration, not a prediction: I0/V0 are fitted to the LRS branch (R_lrs is one read point of it)
    # and g0 to the KMC's R_HRS at the 0.1 V read, so these check the fit's bookkeeping
    assert fit["R_lrs_model"] == pytest.approx(kmc["R_lrs"], rel=0.1)
    assert fit["R_hrs_model"] == pytest.approx(kmc["R_hrs"], rel=1e-6)
    assert fit["g0"]["source"].startswith("fit: KMC sweep")
    assert s["export_verify"]["max_rel_error_ngspice"] <= 0.01
    assert Path(s["export_verify"]["verilog_a"]).is_file()
    xb = s["crossbar_digits"]
    assert xb["float_accuracy"] > 0.9 and xb["analog_accuracy_wires_2ohm_6bit"] > 0.8   # chance is 0.1
    prov = json.loads((pipe.run_dir / "provenance.json").read_text())
    assert [st["id"] for st in prov["stages"]] == list(s)
    report = (pipe.run_dir / "report.md").read_text()
    for stage in s:
        assert f"## {stage}" in report
    # the EMT Cu stand-in for the HfO2 attempt frequency is said plainly, before the numbers
    assert report.index("## Stand-in inputs") < report.index("## dft_barrier") and "EMT Cu" in report
    assert s["kmc_switching"]["forming_verified"]
    # re-running changes nothing and computes nothing
    again = Pipeline.from_yaml(WORKFLOWS / "hfo2_vcm_crossbar.yaml", run_dir=pipe.run_dir, quiet=True)
    assert again.run() == s
    assert all(st["cached"] for st in json.loads((pipe.run_dir / "provenance.json").read_text())["stages"])


@pytest.mark.slow
def test_taox_reservoir(tmp_path):
    _, s = run("taox_reservoir", tmp_path)
    fm = s["taox_fading_memory"]
    assert fm["spread_initial"] > 0.3 and fm["spread_final"] < 5e-3          # forgets its initial state
    assert fm["mean_state_simulated"] == pytest.approx(fm["mean_state_eq4"], abs=5e-3)
    res = s["reservoir_narma10"]
    assert res["nrmse_device"] < 0.9 * res["nrmse_memoryless"]               # the reservoir adds memory


@pytest.mark.slow
def test_nbo2_mott_neuron(tmp_path):
    _, s = run("nbo2_mott_neuron", tmp_path)
    fil = s["mott_filament"]
    assert fil["ndr_points"] >= 1 and fil["min_dV_dI_ohm"] < 0                  # S-type NDR in the PDE
    assert fil["filament_radius_nm_at_max_I"] < 0.5 * fil["radius_nm"]           # current filament
    assert fil["T_max_K"] > 1070                                                 # core above the IMT
    fit = s["fit_mott_thermal"]
    assert fit["rms_residual"] < 0.02 and fit["R_th"]["source"].startswith("fit: FiPy")
    assert s["export_verify"]["max_rel_error_ngspice"] <= 0.01
    neuron = s["mott_neuron"]
    assert neuron["silent_below_threshold"] and neuron["monotonic_above"]
    osc = s["coupled_oscillators"]
    assert osc["resistive"]["mode"] == "in-phase" and osc["capacitive"]["mode"] == "anti-phase"
    assert osc["resistive"]["frequency_Hz"] == pytest.approx(osc["single_cell_frequency_Hz"], rel=0.25)
    # the filament stays out of the model's heating window (T_max - T_window) and below NbO2's melting
    # point (1915 C = 2188 K) with > 150 K margin: the spikes are set by the circuit and the device
    T_melt = 2188.0
    assert neuron["T_validity_max_K"] < T_melt
    for peak in (neuron["peak_T_K"], osc["resistive"]["peak_T_K"], osc["capacitive"]["peak_T_K"]):
        assert peak < min(T_melt - 150.0, neuron["T_validity_max_K"])
