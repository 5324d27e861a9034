"""Switching voltages and LRS/HRS resistances of KMC I-V sweeps: where matsim defines them (once).

Two protocols, two functions, both giving NaN for a switch that does not happen:

:func:`switching_voltages` -- a compliance-limited sweep of several :func:`kmc.experiments.bipolar_cycle`
loops after forming (the pipeline's ``kmc_switching`` -> ``fit_stanford_pku``):

* V_set: first positive step at which the current reaches the compliance after the first RESET;
* V_reset: the step of the first negative branch at which |I| falls below half of its branch maximum;
* R_lrs: V_read / I at the last read-voltage step before the first negative branch; R_hrs: at the first
  read-voltage step after it.

:func:`switching_parameters` -- one SET/RESET cycle of a device ensemble (:mod:`kmc.parallel`), cells
with or without a compliance: the conductance crossing a threshold ``g_threshold_S``.
"""

from __future__ import annotations

import numpy as np


def switching_voltages(ds, compliance_A: float, v_read: float = 0.1) -> dict:
    """``{"V_set", "V_reset" (V), "R_lrs", "R_hrs" (Ω)}`` of a sweep ``ds`` (variables V in V, I in A);
    ``compliance_A`` (A) the SET compliance, ``v_read`` (V) the read voltage (see the module docstring)."""
    V, I = ds["V"].values, ds["I"].values
    out = {"V_set": float("nan"), "V_reset": float("nan"), "R_lrs": float("nan"), "R_hrs": float("nan")}
    neg = np.nonzero(V < 0)[0]
    if neg.size:
        branch = neg[: np.argmax(np.diff(np.r_[neg, neg[-1] + 2]) > 1) + 1]   # first negative branch
        Imax = np.max(np.abs(I[branch]))
        k = branch[np.argmax(np.abs(I[branch]))]
        drop = [j for j in branch if j > k and abs(I[j]) < 0.5 * Imax]
        out["V_reset"] = float(V[drop[0]]) if drop else float("nan")
        after = np.arange(branch[-1] + 1, V.size)
        hit = [j for j in after if V[j] > 0 and I[j] >= 0.999 * compliance_A]
        out["V_set"] = float(V[hit[0]]) if hit else float("nan")
    reads = np.nonzero(np.isclose(V, v_read))[0]
    if reads.size:
        first_neg = neg[0] if neg.size else V.size
        lrs = [j for j in reads if j < first_neg]
        hrs = [j for j in reads if j > first_neg]
        if lrs:
            out["R_lrs"] = float(v_read / I[lrs[-1]])
        if hrs:
            out["R_hrs"] = float(v_read / I[hrs[0]])
    return out


def switching_parameters(V, I, g_threshold_S: float, G=None) -> dict:
    """V_set, V_reset (V), R_HRS, R_LRS (Ω) of one SET/RESET cycle (NaN when a switch is missing).

    ``G`` is the cell's own conductance (S) when it reports one (a compliance-limited I/V would
    read the compliance, not the cell); otherwise G = I/V."""
    V = np.asarray(V, dtype=float)
    I = np.asarray(I, dtype=float)
    if G is None:
        with np.errstate(divide="ignore", invalid="ignore"):
            G = np.where(V != 0, I / V, np.nan)
    G = np.asarray(G, dtype=float)
    on = np.flatnonzero((V > 0) & (G >= g_threshold_S))
    out = {"V_set": np.nan, "V_reset": np.nan, "R_HRS": 1.0 / G[0], "R_LRS": np.nan}
    if on.size:
        i_set = on[0]
        out["V_set"] = V[i_set]
        pos = np.flatnonzero((np.arange(len(V)) > i_set) & (V > 0))
        if pos.size:
            out["R_LRS"] = 1.0 / G[pos[-1]]
        off = np.flatnonzero((np.arange(len(V)) > i_set) & (V < 0) & (G < g_threshold_S))
        if off.size:
            out["V_reset"] = V[off[0]]
    return out
