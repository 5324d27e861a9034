"""Figures are checked for overlapping labels (tight_layout applied when needed; what is left is named)."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from matsim.pipeline.figcheck import overlapping_labels, tidy


def test_clean_figure_has_no_overlaps():
    fig, ax = plt.subplots()
    ax.semilogy([0, 1], [1e-6, 1e-3], label="data")
    ax.set_xlabel("V (V)"), ax.set_ylabel("|I| (A)"), ax.legend()
    assert overlapping_labels(fig) == []
    plt.close(fig)


def test_crowded_subplots_are_fixed_by_tight_layout():
    fig, axes = plt.subplots(2, 2)
    for a in axes.flat:
        a.plot([1, 2])
        a.set_xlabel("V (V)"), a.set_ylabel("|I| (A)")
    before = overlapping_labels(fig)
    assert "axes 1 '|I| (A)' <-> plot area of axes 0" in before and tidy(fig) == []
    plt.close(fig)


def test_unfixable_overlap_is_named():
    fig, ax = plt.subplots(figsize=(2, 2))
    ax.set_xlim(-1, 20)
    ax.set_xticks(range(20))
    ax.set_xticklabels([f"label{i}" for i in range(20)])
    left = tidy(fig)
    assert "axes 0 'label0' <-> axes 0 'label1'" in left
    fig.text(0.5, 1.2, "off the page")
    assert "figure 'off the page' cut off at the figure edge" in overlapping_labels(fig)
    assert not any("cut off" in c for c in overlapping_labels(fig, edges=False))
    plt.close(fig)


def test_fit_figure_of_the_demo_has_no_overlaps():
    """lrs_fit.png of the demo (data at +-0.1 V) had 9 overlapping x tick labels (-0.100, -0.075, ...)."""
    import numpy as np
    import xarray as xr

    from compact import StanfordPKU, fit
    m = StanfordPKU()
    g = np.array([m.params["g_min"].value * 1e-9])
    V = np.array([-0.1, -0.1, 0.1, 0.1, 0.1])
    res = fit(m, xr.Dataset({"V": ("n", V), "I": ("n", m.current(V, g) * (1 + 0.03 * np.array([1, -1, 1, -1, 0.5])))}),
              ["I0", "V0"], kind="static", x=g)
    assert res.unconstrained == ["I0", "V0"]         # noisy data at one |V|: only I0/V0 is determined
    fig = res.plot()
    assert overlapping_labels(fig) == []
    plt.close(fig)
