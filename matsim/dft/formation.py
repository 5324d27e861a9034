"""Point-defect formation energies, charge transition levels and E_f(E_F) diagrams.

Zhang & Northrup, Phys. Rev. Lett. 67, 2339 (1991); Freysoldt et al., Rev. Mod. Phys. 86, 253 (2014):

    E_f(X^q) = E_tot(X^q) − E_tot(host) − Σ_i n_i μ_i + q (E_F + E_VBM) + E_corr

* n_i : atoms of element i *added* to the host to make the defect (from the two compositions; an
  oxygen vacancy has n_O = −1, so −n_O μ_O = +μ_O),
* μ_i : chemical potentials in eV (e.g. μ_O = ½E(O2) + Δμ_O; O-poor conditions lower E_f(V_O)),
* E_F : Fermi level in eV above the valence-band maximum E_VBM (from the host calculation),
* E_corr : finite-size/electrostatic correction in eV (e.g. Freysoldt–Neugebauer–Van de Walle).

Transition level ε(q1/q2) = [E_f(q1; E_F=0) − E_f(q2; E_F=0)] / (q2 − q1), measured from the VBM.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from matsim.core import validate
from matsim.core.errors import ConfigError, MissingParameterError
from matsim.core.parameters import Parameter
from matsim.dft.read import DFTResult, as_result


def composition_change(defect, host) -> dict[str, int]:
    """n_i = N_i(defect) − N_i(host) for every element whose count differs (atoms added to the host)."""
    d, h = as_result(defect, "defect").composition, as_result(host, "host").composition
    out = {el: d.get(el, 0) - h.get(el, 0) for el in sorted(set(d) | set(h))}
    return {el: n for el, n in out.items() if n != 0}


def _mu_value(mu: Mapping, el: str, n: int) -> float:
    if not isinstance(mu, Mapping):
        raise ConfigError("mu", mu, "a mapping element -> chemical potential in eV, e.g. {'O': -4.9}")
    if el not in mu:
        raise MissingParameterError(
            f"mu[{el!r}]", "<missing>",
            f"the chemical potential of {el} in eV (the defect has n_{el} = {n:+d} {el} atoms relative to the host; "
            f"given: {', '.join(sorted(mu)) or 'none'}), e.g. --mu {el}=-4.9")
    v = mu[el]
    if isinstance(v, Parameter):
        return float(v.to("eV"))
    if isinstance(v, str):  # "-4.9 eV", "-4900 meV"
        from matsim.core import units
        return units.parse_quantity(v, "eV", field=f"mu[{el!r}]") / units.q
    return validate.finite(f"mu[{el!r}]", v, "eV")


def _check_same_supercell(d: DFTResult, h: DFTResult) -> None:
    cd, ch = d.atoms.cell, h.atoms.cell
    if cd.rank == 3 and ch.rank == 3:
        vd, vh = cd.volume, ch.volume
        if abs(vd - vh) > 0.05 * vh:
            raise ConfigError("defect", f"cell volume {vd:.2f} Å³ ({d.label})",
                              f"the same supercell as the host ({vh:.2f} Å³, {h.label}) within 5 %")


def formation_energy(defect, host, mu: Mapping, charge: float = 0, fermi_level: float = 0.0,
                     vbm: float | None = None, correction: float = 0.0) -> Parameter:
    """Formation energy E_f (eV) of a defect supercell relative to its host (module equation).

    Parameters
    ----------
    defect, host : DFTResult, path to an output file, or ase Atoms with an energy (same supercell).
    mu : element -> chemical potential in eV (float or Parameter); needed for every element whose
        count differs between defect and host.
    charge : defect charge q in units of e (+2 for V_O^2+).
    fermi_level : E_F in eV above the VBM.
    vbm : E_VBM in eV; default the host's VBM (vasprun.xml). Required when ``charge != 0``.
    correction : E_corr in eV (finite-size charge correction, band alignment, ...).
    """
    d, h = as_result(defect, "defect"), as_result(host, "host")
    _check_same_supercell(d, h)
    q = validate.finite("charge", charge, "e")
    ef = validate.finite("fermi_level", fermi_level, "eV")
    corr = validate.finite("correction", correction, "eV")
    n = composition_change(d, h)
    mu_term = sum(n_i * _mu_value(mu, el, n_i) for el, n_i in n.items())
    vbm_source = "given"
    if vbm is None:
        if q != 0 and h.vbm is None:
            raise ConfigError("vbm", None, f"the valence-band maximum in eV for charge {q:+g} "
                              f"(the host {h.label} has no band edges; pass vbm= or read the host's vasprun.xml)")
        vbm = h.vbm if h.vbm is not None else 0.0
        vbm_source = f"host VBM ({h.label})" if h.vbm is not None else "0 (neutral defect)"
    vbm = validate.finite("vbm", vbm, "eV")
    dE = d.energy - h.energy
    value = dE - mu_term + q * (ef + vbm) + corr
    delta = ", ".join(f"n_{el}={k:+d}" for el, k in n.items()) or "no composition change"
    mus = ", ".join(f"mu_{el}={_mu_value(mu, el, k):.4f}" for el, k in n.items())
    note = (f"E_f = E_def - E_host - sum n_i mu_i + q(E_F + E_VBM) + E_corr = {dE:.6f} - ({mu_term:.6f}) "
            f"+ {q:+g}*({ef:g} + {vbm:.4f}) + {corr:g} eV; {delta}{'; ' + mus if mus else ''}; "
            f"E_VBM: {vbm_source}")
    source = f"formation energy: defect {d.label}; host {h.label}"
    return Parameter(float(value), "eV", source, note)


def _formation_at_zero(defects: Mapping, host, mu, vbm, corrections) -> dict[float, float]:
    if not isinstance(defects, Mapping) or not defects:
        raise ConfigError("defects", defects, "a mapping charge -> defect calculation, e.g. {0: 'Vo0/vasprun.xml', 2: ...}")
    corrections = corrections or {}
    return {float(q): formation_energy(d, host, mu, charge=q, fermi_level=0.0, vbm=vbm,
                                       correction=corrections.get(q, 0.0)).value
            for q, d in defects.items()}


def transition_level(q1: float, q2: float, defects: Mapping, host, mu: Mapping, vbm: float | None = None,
                     corrections: Mapping | None = None) -> Parameter:
    """Charge transition level ε(q1/q2) in eV above the VBM.

    ``defects`` maps charge -> calculation (must hold q1 and q2); ``corrections`` charge -> E_corr (eV).
    """
    if q1 == q2:
        raise ConfigError("q2", q2, f"a charge different from q1 = {q1}")
    for q in (q1, q2):
        if q not in defects:
            raise ConfigError("defects", sorted(defects), f"a calculation for charge {q:+g}")
    sub = {q1: as_result(defects[q1], f"defects[{q1}]"), q2: as_result(defects[q2], f"defects[{q2}]")}
    h = as_result(host, "host")
    e0 = _formation_at_zero(sub, h, mu, vbm, corrections)
    level = (e0[float(q1)] - e0[float(q2)]) / (q2 - q1)
    return Parameter(float(level), "eV",
                     f"transition level from defects q={q1:+g} ({sub[q1].label}) and "
                     f"q={q2:+g} ({sub[q2].label}); host {h.label}",
                     f"eps({q1:+g}/{q2:+g}) = [E_f(q1;0) - E_f(q2;0)]/(q2 - q1), Fermi level above the VBM")


def formation_energy_table(defects: Mapping, host, mu: Mapping, fermi_levels=None, vbm: float | None = None,
                           corrections: Mapping | None = None, band_gap: float | None = None):
    """E_f(q, E_F) for every charge on a Fermi-level grid, as an ``xarray.Dataset``.

    Variables: ``formation_energy`` (charge, fermi_level) [eV], ``minimum`` (fermi_level) [eV], the
    lowest over charges, and ``stable_charge`` (fermi_level). Default grid: 0..band gap (host's gap
    from vasprun.xml, or ``band_gap``) in 201 points.
    """
    import xarray as xr
    h = as_result(host, "host")
    if fermi_levels is None:
        gap = band_gap if band_gap is not None else h.band_gap
        if gap is None:
            raise ConfigError("fermi_levels", None, "a Fermi-level grid in eV, or band_gap= (the host has no gap)")
        fermi_levels = np.linspace(0.0, validate.positive("band_gap", gap, "eV"), 201)
    ef = np.asarray(validate.finite("fermi_levels", fermi_levels, "eV"), dtype=float).ravel()
    e0 = _formation_at_zero(defects, h, mu, vbm, corrections)
    charges = np.array(sorted(e0))
    table = np.array([[e0[q] + q * x for x in ef] for q in charges])
    ds = xr.Dataset(
        {"formation_energy": (("charge", "fermi_level"), table, {"units": "eV"}),
         "minimum": ("fermi_level", table.min(axis=0), {"units": "eV", "long_name": "lowest E_f over charges"}),
         "stable_charge": ("fermi_level", charges[table.argmin(axis=0)], {"units": "e"})},
        coords={"charge": ("charge", charges, {"units": "e"}),
                "fermi_level": ("fermi_level", ef, {"units": "eV", "long_name": "E_F - E_VBM"})},
        attrs={"equation": "E_f = E_def - E_host - sum n_i mu_i + q(E_F + E_VBM) + E_corr",
               "host": h.label})
    return ds


def plot_formation_energies(table, path=None, ax=None, label: str = ""):
    """Formation energy vs Fermi level (each charge dashed, the lowest envelope solid); returns the Figure."""
    import matplotlib.pyplot as plt
    fig, ax = (plt.subplots(figsize=(4.5, 3.5)) if ax is None else (ax.figure, ax))
    x = table["fermi_level"].values
    for q in table["charge"].values:
        ax.plot(x, table["formation_energy"].sel(charge=q).values, "--", lw=0.8, label=f"q = {q:+g}")
    ax.plot(x, table["minimum"].values, "k-", lw=2, label=label or "stable")
    ax.set_xlabel("Fermi level above VBM (eV)")
    ax.set_ylabel("formation energy (eV)")
    ax.set_xlim(x.min(), x.max())
    ax.legend(fontsize=8)
    fig.tight_layout()
    if path is not None:
        fig.savefig(path, dpi=150)
    return fig
