"""Thermal crosstalk of N Mott devices on a shared oxide film / substrate (3-D, FiPy ``Grid3D``).

Layout: ``n_pads = (n_x, n_y)`` square top electrodes (pads) of side ``pad_m`` at ``pitch_m`` on an
oxide film of thickness ``thickness_m`` (the device material), optionally on a substrate layer of
thickness ``substrate_m``; the box extends half a pitch beyond the outer pad centres.  Boundaries:
the bottom of the stack (the shared bottom electrode / substrate) and the pads are ideal heat sinks
at T_ambient; the free top surface between pads and the outer walls are adiabatic.  Device i is the
oxide column under pad i.

Steady heat conduction ``div(kappa grad T) + p = 0`` is linear, so the temperature rise is
``dT_i = sum_j R_ij P_j`` with the thermal-resistance matrix

    R_ij = (mean temperature rise of device i) / (power P_j dissipated uniformly in device j)   [K/W]

obtained by N solves with one factorisation (the finite-volume operator of :mod:`continuum.fastcore`
on the FiPy mesh).  Reciprocity (R_ij = R_ji) follows from the symmetry of the operator (Green's
reciprocity); the diagonal is the self-heating R_th of each device, the off-diagonal the thermal
disturb of a neighbour (dT_i = R_ij P_j while device j switches).  Thermal time constants are the
slowest modes of ``C dT/dt = -K T``: tau_k = 1 / lambda_k of ``K x = lambda C x``
(C = rho c V per cell).

The matrix form is linear superposition of steady conduction solutions (Carslaw & Jaeger,
Conduction of Heat in Solids, 2nd ed., Oxford 1959, ch. 1).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla
import xarray as xr

from continuum.fastcore import FaceOperator
from continuum.filament import _material
from continuum.geometry import Box3D, Geometry
from matsim.core import validate
from matsim.core.errors import ConfigError
from matsim.core.parameters import Parameter, ParameterSet


def _thermal(material) -> tuple[float, float]:
    ps = _material(material)
    return ps.si("thermal_conductivity"), ps.si("mass_density") * ps.si("specific_heat")


def _layer(value, name: str) -> tuple[float, float]:
    """(kappa W/(m K), rho c J/(m^3 K)) of a layer given as a material name / ParameterSet or a pair."""
    if isinstance(value, (tuple, list)) and len(value) == 2:
        return (validate.positive(f"{name} thermal_conductivity", value[0], "W/(m K)"),
                validate.positive(f"{name} heat capacity", value[1], "J/(m^3 K)"))
    return _thermal(value)


def _solve_modes(K: sp.csr_matrix, cap: np.ndarray, n_modes: int) -> np.ndarray:
    """The ``n_modes`` longest thermal time constants (s) of C dT/dt = -K T."""
    n_modes = min(n_modes, K.shape[0] - 2)
    Cinv_sqrt = sp.diags(1.0 / np.sqrt(cap))
    S = (Cinv_sqrt @ K @ Cinv_sqrt).tocsc()
    lam = spla.eigsh(S, k=n_modes, sigma=0.0, which="LM", return_eigenvectors=False)
    return np.sort(1.0 / lam)[::-1]


def thermal_crosstalk(material="VO2", n_pads=(2, 2), pitch_m: float = 200e-9, pad_m: float = 100e-9,
                      thickness_m: float = 50e-9, *, substrate_m: float = 0.0, substrate=(1.4, 1.6e6),
                      cells_per_pad: int = 4, n_vertical: int = 4, n_substrate: int = 2,
                      T_ambient_K: float = 300.0, n_modes: int | None = None) -> xr.Dataset:
    """N x N thermal-resistance matrix and thermal time constants of a pad layout (see module doc).

    material : the oxide (name or ParameterSet with thermal data); substrate : its (kappa, rho c) or a
    material (default SiO2-like 1.4 W/(m K), 1.6e6 J/(m^3 K); used when ``substrate_m`` > 0).
    cells_per_pad : cells across a pad (the lateral cell size is pad / cells_per_pad, adjusted so a
    pitch holds a whole number of cells); n_vertical, n_substrate : cells across the film / substrate.
    Returns a Dataset with R_th (pad, pad_j) in K/W, tau (mode) in s, pad centres, and attrs
    describing the layout (the geometry actually meshed: pad side and area after rounding to cells).
    """
    if isinstance(n_pads, (int, np.integer)):
        n_pads = (int(n_pads), 1)
    if not isinstance(n_pads, (tuple, list)) or len(n_pads) != 2:
        raise ConfigError("n_pads", n_pads, "(n_x, n_y) pads, e.g. (2, 2)")
    npx = validate.positive_int("n_pads (x)", n_pads[0], 1)
    npy = validate.positive_int("n_pads (y)", n_pads[1], 1)
    pitch = validate.positive("pitch_m", pitch_m, "m")
    pad = validate.positive("pad_m", pad_m, "m")
    if pitch < pad:
        raise ConfigError("pitch_m", pitch, f"a pitch >= the pad side pad_m = {pad:g} m (pads may not overlap)")
    L = validate.positive("thickness_m", thickness_m, "m")
    t_sub = validate.non_negative("substrate_m", substrate_m, "m")
    cpp = validate.positive_int("cells_per_pad", cells_per_pad, 1)
    nz_ox = validate.positive_int("n_vertical", n_vertical, 1)
    nz_sub = validate.positive_int("n_substrate", n_substrate, 1) if t_sub > 0 else 0
    T0 = validate.temperature("T_ambient_K", T_ambient_K)
    k_ox, rc_ox = _thermal(material)
    k_sub, rc_sub = _layer(substrate, "substrate") if t_sub > 0 else (k_ox, rc_ox)

    n_pitch = max(round(pitch / (pad / cpp)), cpp)
    dx = pitch / n_pitch
    nx, ny = npx * n_pitch, npy * n_pitch
    dz = np.concatenate([np.full(nz_sub, t_sub / max(nz_sub, 1)), np.full(nz_ox, L / nz_ox)])
    box = Box3D.build(nx, ny, dx, dx, dz)
    x, y, z = box.centers
    in_oxide = z > t_sub
    kappa = np.where(in_oxide, k_ox, k_sub)
    rho_c = np.where(in_oxide, rc_ox, rc_sub)
    centres = [((i + 0.5) * pitch, (j + 0.5) * pitch) for j in range(npy) for i in range(npx)]
    fc = np.asarray(box.mesh.faceCenters)
    top = box.z_faces(t_sub + L)
    sink = box.z_faces(0.0)
    devices = []
    for cx, cy in centres:
        under = (np.abs(x - cx) < 0.5 * pad) & (np.abs(y - cy) < 0.5 * pad)
        devices.append(under & in_oxide)
        sink |= top & (np.abs(fc[0] - cx) < 0.5 * pad) & (np.abs(fc[1] - cy) < 0.5 * pad)
    cells_in_pad = round(float(np.sum(devices[0])) / nz_ox)
    op = FaceOperator(box)
    g = op.harmonic(kappa) * op.geo
    K = op.matrix(g, 0.0, sink).tocsc()
    lu = spla.splu(K)
    vol = op.volumes
    n = len(devices)
    R = np.empty((n, n))
    for j, dev_j in enumerate(devices):
        P = np.where(dev_j, vol, 0.0) / np.sum(vol[dev_j])        # 1 W spread uniformly over device j
        dT = lu.solve(P)
        for i, dev_i in enumerate(devices):
            R[i, j] = np.sum(dT[dev_i] * vol[dev_i]) / np.sum(vol[dev_i])
    tau = _solve_modes(K, rho_c * vol, n if n_modes is None else validate.positive_int("n_modes", n_modes, 1))
    pad_eff = np.sqrt(cells_in_pad) * dx
    return xr.Dataset(
        {"R_th": (("pad", "pad_j"), R, {"units": "K/W", "long_name": "thermal resistance matrix",
                                         "definition": "mean temperature rise of device i per watt in device j"}),
         "tau": (("mode",), tau, {"units": "s", "long_name": "thermal time constants (slowest modes)"})},
        coords={"pad": np.arange(n), "pad_j": np.arange(n), "mode": np.arange(tau.size),
                "pad_x": ("pad", [c[0] for c in centres], {"units": "m"}),
                "pad_y": ("pad", [c[1] for c in centres], {"units": "m"})},
        attrs={"model": "continuum.crosstalk.thermal_crosstalk", "material": _material(material).name or "custom",
               "n_pads_x": npx, "n_pads_y": npy, "pitch_m": pitch, "pad_m": pad, "pad_meshed_m": pad_eff,
               "thickness_m": L, "substrate_m": t_sub, "kappa_oxide_W_per_mK": k_ox,
               "kappa_substrate_W_per_mK": k_sub, "T_ambient_K": T0, "cells": f"{nx}x{ny}x{dz.size}",
               "boundaries": "bottom and pads at T_ambient (heat sinks); free top surface and walls adiabatic"})


def crosstalk_parameters(ds: xr.Dataset) -> ParameterSet:
    """Compact-layer parameters of a :func:`thermal_crosstalk` result: R_self (mean diagonal),
    R_mutual_nearest (largest off-diagonal), coupling = R_mutual_nearest / R_self, tau_thermal
    (slowest mode) and C_th = tau / R_self, each with provenance.  The full matrix stays in ``ds``."""
    R = np.asarray(ds.R_th)
    n = R.shape[0]
    off = R[~np.eye(n, dtype=bool)] if n > 1 else np.array([0.0])
    src = (f"fit: continuum.crosstalk ({ds.attrs['n_pads_x']}x{ds.attrs['n_pads_y']} pads, pitch "
           f"{ds.attrs['pitch_m']:.3g} m, pad {ds.attrs['pad_meshed_m']:.3g} m, {ds.attrs['cells']} cells)")
    R_self = float(np.mean(np.diag(R)))
    tau = float(ds.tau[0])
    return ParameterSet({
        "R_self": Parameter(R_self, "K/W", src, "self-heating thermal resistance of one device"),
        "R_mutual_nearest": Parameter(float(off.max()), "K/W", src, "temperature rise of the nearest neighbour per W"),
        "coupling": Parameter(float(off.max()) / R_self, "1", src, "R_mutual_nearest / R_self"),
        "tau_thermal": Parameter(tau, "s", src, "slowest thermal mode of the layout"),
        "C_th": Parameter(tau / R_self, "J/K", src, "tau_thermal / R_self"),
    }, name="thermal crosstalk", references=["continuum.crosstalk.thermal_crosstalk"])


def axisymmetric_pad_rth(material="VO2", pad_radius_m: float = 56.4e-9, domain_radius_m: float = 112.8e-9,
                         thickness_m: float = 50e-9, n_r: int = 16, n_z: int = 4) -> float:
    """R_th (K/W) of one round pad in the same boundary set-up on a 2-D axisymmetric grid
    (CylindricalGrid2D): film of radius ``domain_radius_m``, bottom and pad (r < pad radius) at
    T_ambient, the rest of the top and the outer wall adiabatic, 1 W uniformly in the film under the
    pad; the mean temperature rise of that region per watt.  The 2-D reference for
    :func:`thermal_crosstalk` (an equal-area round pad stands for the square one)."""
    kappa, _ = _thermal(material)
    a = validate.positive("pad_radius_m", pad_radius_m, "m")
    b = validate.positive("domain_radius_m", domain_radius_m, "m")
    if b < a:
        raise ConfigError("domain_radius_m", b, f"a radius >= pad_radius_m = {a:g} m")
    geom = Geometry.build("axisymmetric", b, thickness_m, (n_r, n_z))
    op = FaceOperator(geom)
    r = np.asarray(geom.mesh.cellCenters[0])
    fr = np.asarray(geom.mesh.faceCenters[0])
    sink = geom.faces("bottom") | (geom.faces("top") & (fr < a))
    K = op.matrix(kappa * op.geo, 0.0, sink).tocsc()
    dev = r < a
    vol = op.volumes
    P = np.where(dev, vol, 0.0) / np.sum(vol[dev])
    dT = spla.spsolve(K, P)
    return float(np.sum(dT[dev] * vol[dev]) / np.sum(vol[dev]))


def crosstalk_vs_pitch(pitches_m, material="VO2", pad_m: float = 100e-9, thickness_m: float = 50e-9,
                       **kw) -> xr.Dataset:
    """Two pads side by side at each pitch: R_self, R_mutual (K/W) and coupling R_mutual / R_self
    over ``pitch`` (m); ``kw`` as :func:`thermal_crosstalk` (e.g. substrate_m, cells_per_pad)."""
    pitches = np.atleast_1d(validate.positive("pitches_m", pitches_m, "m"))
    rows = [thermal_crosstalk(material, (2, 1), float(p), pad_m, thickness_m, **kw).R_th.values for p in pitches]
    R_self = np.array([r[0, 0] for r in rows])
    R_mut = np.array([r[0, 1] for r in rows])
    return xr.Dataset({"R_self": ("pitch", R_self, {"units": "K/W"}), "R_mutual": ("pitch", R_mut, {"units": "K/W"}),
                       "coupling": ("pitch", R_mut / R_self, {"units": "1"})},
                      coords={"pitch": ("pitch", pitches, {"units": "m"})},
                      attrs={"model": "continuum.crosstalk.crosstalk_vs_pitch", "pad_m": pad_m,
                             "thickness_m": thickness_m, **{k: str(v) for k, v in kw.items()}})


def disturb_rise(ds: xr.Dataset, powers_W) -> np.ndarray:
    """Steady temperature rise (K) of every device when the devices dissipate ``powers_W`` (W, one
    per pad, or a mapping {pad index: W}): dT = R_th @ P.  For a crossbar disturb estimate give the
    switching cell's power; the other entries of the result are its neighbours' rises."""
    R = np.asarray(ds.R_th)
    n = R.shape[0]
    if isinstance(powers_W, dict):
        P = np.zeros(n)
        for k, v in powers_W.items():
            if not (isinstance(k, (int, np.integer)) and 0 <= k < n):
                raise ConfigError("powers_W", k, f"pad indices 0..{n - 1}")
            P[k] = validate.non_negative(f"powers_W[{k}]", v, "W")
    else:
        P = np.atleast_1d(validate.non_negative("powers_W", powers_W, "W")).astype(float)
        if P.shape != (n,):
            raise ConfigError("powers_W", P.shape, f"{n} powers (one per pad) or a mapping pad -> W")
    return R @ P
