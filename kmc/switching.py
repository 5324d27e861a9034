"""Switching voltages and read resistances of one KMC I-V sweep: the single definition used by the
pipeline (``kmc_switching`` -> ``fit_stanford_pku``) and by anything else that reads a
``VCMCell.sweep_iv`` Dataset driven by :func:`kmc.experiments.bipolar_cycle` loops.

* V_set: first positive step at which the current reaches the compliance after the first RESET;
* V_reset: the step of the first negative branch at which |I| falls below half of its branch maximum;
* R_LRS: V_read / I at the last read-voltage step before the first negative branch; R_HRS: at the first
  read-voltage step after it.

:func:`kmc.parallel.switching_parameters` (device ensembles) thresholds the conductance instead (cells
without a compliance, one cycle at a time); both give NaN for a switch that does not happen.
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
