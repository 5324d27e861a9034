"""ECM cell (kmc.ecm): quantized point contacts, SET/RESET polarity, conservation, engines, bad input."""

import numpy as np
import pytest

from kmc.ecm import ECMCell, conductance_histogram
from matsim import materials
from matsim.core.errors import ConfigError, MissingParameterError
from matsim.core.units import G0


def _fill(cell, sites):
    cell.occ[:] = 0
    for i, j, k in sites:
        cell.occ[(i * cell.shape[1] + j) * cell.shape[2] + k] = 2
    cell.update_fields()


def test_constriction_counts_atom_disjoint_paths_and_gap_tunnels():
    cell = ECMCell("Ag", shape=(4, 4, 5), seed=0, compliance_A=None)
    column = [(1, 1, k) for k in range(5)]
    _fill(cell, column)
    assert cell.constriction() == 1 and cell.gap() == 0
    assert cell.conductance() == pytest.approx(G0 + cell.leak_conductance_S, rel=1e-9)
    # two separate columns in parallel: 2 G0
    _fill(cell, column + [(3, 3, k) for k in range(5)])
    assert cell.constriction() == 2
    # a 2x2 bundle necked to one atom in the middle layer: the constriction is the neck
    bundle = [(i, j, k) for i in (1, 2) for j in (1, 2) for k in range(5) if k != 2] + [(1, 1, 2)]
    _fill(cell, bundle)
    assert cell.constriction() == 1
    # one missing atom: tunnelling across one lattice spacing, G = G0 exp(-a/lambda)
    _fill(cell, [(1, 1, k) for k in range(5) if k != 3])
    assert cell.constriction() == 0 and cell.gap() == 1
    g_fil, nc, gap = cell.filament_conductance()
    assert g_fil == pytest.approx(G0 * np.exp(-cell.a / cell.decay_length), rel=1e-12)


def test_mass_conservation_and_engines_agree():
    runs = []
    for engine in ("numba", "python"):
        cell = ECMCell("Ag", seed=11, engine=engine)
        cell.set_voltage(0.7)
        cell.evolve(1.0, max_events=400)
        c = cell.event_counts()
        # every atom or ion in the electrolyte came out of the active electrode
        assert cell.n_atoms + cell.n_ions == c["oxidation"] - c["deposition_active"]
        runs.append((cell.occ.copy(), cell.time))
    np.testing.assert_array_equal(runs[0][0], runs[1][0])
    assert runs[0][1] == runs[1][1]


def test_set_needs_positive_voltage_on_active_electrode_and_reset_negative():
    cell = ECMCell("Ag", seed=1)
    neg = cell.sweep_iv(np.linspace(-0.1, -0.8, 8), dwell_s=0.1)
    assert neg["G"].values.max() < 1e-3 * G0          # no filament grows at negative bias
    cell = ECMCell("Ag", seed=1)
    ds = cell.set_reset(0.8, -0.8, n_points=9, dwell_s=0.1)
    V, G = ds["V"].values, ds["G"].values
    on = np.flatnonzero(G > 0.5 * G0)
    assert on.size, "no SET"
    i_set = on[0]
    assert V[i_set] > 0.3                             # SET at positive voltage
    assert abs(ds["I"].values[i_set]) <= cell.compliance_A * (1 + 1e-9)   # compliance respected
    after = np.arange(len(V)) > i_set
    i_reset = np.flatnonzero(after & (G < 0.5 * G0))[0]
    assert V[i_reset] < 0                             # RESET at negative voltage
    assert G[-1] < 0.5 * G0 and G[i_reset - 1] >= G0 * 0.99


def test_constant_voltage_conductance_histogram_peaks_at_1_and_2_G0():
    cell = ECMCell("Ag", seed=4, compliance_A=1.2e-5)
    trace = cell.hold(0.4, 6.0)
    g = trace["G_over_G0"].values
    t = trace["t"].values
    bridged = np.flatnonzero(g > 0.5)
    assert bridged.size, "filament never bridged"
    t_b = t[bridged[0]]
    dens, edges = conductance_histogram(trace, bins=np.arange(0.05, 4.0, 0.1), t_min=t_b)
    centres = 0.5 * (edges[1:] + edges[:-1])
    share = dens * np.diff(edges)
    for level in (1, 2):
        near = np.abs(centres - level) < 0.2
        assert share[near].sum() > 0.1, f"little time near {level} G0: {share[near].sum():.3f}"
        peak = centres[near][np.argmax(share[near])]
        assert abs(peak - level) < 0.15
        # a peak: more time there than half-way between the integers
        between = np.abs(centres - (level + 0.5)) < 0.2
        assert share[near].sum() > 3 * share[between].sum()


def test_bad_input_names_the_field():
    with pytest.raises(ConfigError, match="electrode"):
        ECMCell("HfO2")
    with pytest.raises(ConfigError, match="electrode"):
        ECMCell(None)
    partial = materials.get("Ag")
    params = type(partial)({k: v for k, v in partial.items() if k != "E_hop_ion"}, name="partial")
    with pytest.raises(MissingParameterError, match="E_hop_ion"):
        ECMCell(params)
    with pytest.raises(ConfigError, match="compliance_A"):
        ECMCell("Ag", compliance_A=-1.0)
    with pytest.raises(ConfigError, match="v_reset"):
        ECMCell("Cu", seed=0).set_reset(0.5, 0.5)
