"""Lumped electro-thermal Mott threshold switch (VO2 / NbO2), state = filament temperature T.

Equations (one thermal node, Joule heating against a thermal resistance to the ambient; the
lumped limit of the FiPy filament model :mod:`continuum.filament`; Pearson-Anson relaxation oscillator
physics as reviewed by Hoffmann et al., APL Mater. 10, 070904 (2022), NbO2 form of Slesazeck et al., RSC Adv. 5, 102318 (2015))::

    C_th dT/dt = i v - (T - T_0) / R_th                        (K/s after division by C_th)
    i          = v / R(T, v)
    R(T, v)    = thickness / (sigma(T, E = v / thickness) * pi * radius^2)

``sigma(T, E)`` is :class:`matsim.materials.conductivity.MottConductivity` of the chosen material
(tanh insulator-metal step at ``T_transition`` plus thermally activated / Poole-Frenkel insulator).
Above the model's validity range the heating term is multiplied by a smooth window that vanishes at
``T_max`` (width ``T_window``), so the state is bounded for any input (well-posed export); the model
range (:meth:`MottThermal.validity_bounds`) ends at ``T_max - T_window``, below the melting point.
The T_c hysteresis of the material is not modelled (one branch, the centre of the loop): a
hysteretic IMT needs a second (phase-fraction) state.

Quasi-static I-V: every temperature T >= T_0 is the steady state of exactly one bias, found from
``v^2 / R(T, v) = (T - T_0) / R_th``; the curve is S-shaped (current-controlled negative differential
resistance) when sigma grows fast enough with T: see :meth:`MottThermal.quasi_static_iv`.

Parameters (SI inside): ``R_th`` (K/W), ``C_th`` (J/K), ``radius`` and ``thickness`` (m, the
conducting channel), ``T_ambient`` (K), ``T_max`` (K, upper state bound) and the material
conductivity parameters copied from :func:`matsim.materials.get` (``T_transition``, ...).  A
ParameterSet from :func:`continuum.extract_lumped` (C_th, R_th, radius, thickness) can be passed
directly: ``MottThermal(lumped_ps, material="NbO2")``.
"""

from __future__ import annotations

import numpy as np
import xarray as xr
from scipy.optimize import brentq

from compact.base import CompactModel
from matsim.core.errors import ConfigError
from matsim.core.parameters import Parameter, ParameterSet
from matsim.core import validate
from matsim.materials.conductivity import MottConductivity
from compact.smooth import window_from_upper

#: smoothing field of sqrt|E| in the Poole-Frenkel barrier (V/m)
E_SMOOTH = 1.0

#: material parameters that define sigma(T, E)
MATERIAL_KEYS = ("T_transition", "transition_width", "sigma0_insulator", "Ea_insulator", "sigma_metal",
                 "poole_frenkel_permittivity")

#: device defaults per material: (R_th K/W, C_th J/K, radius m, thickness m, T_max K)
_DEVICE_DEFAULTS = {
    "VO2": (1.0e6, 1.0e-14, 50e-9, 100e-9, 1500.0),
    "NbO2": (2.0e5, 5.0e-15, 25e-9, 20e-9, 2000.0),
}

#: source of T_max per material: a validity bound below the melting point
_T_MAX_SOURCE = {
    "VO2": "model validity bound (upper state bound); below the VO2 melting point 1967 C = 2240 K "
           "(CRC Handbook of Chemistry and Physics, physical constants of inorganic compounds)",
    "NbO2": "model validity bound: ~190 K below the NbO2 melting point 1915 C = 2188 K (Greenwood & Earnshaw, "
            "Chemistry of the Elements, 2nd ed. (1997)); as compact.nbox_ascoli",
}


class MottThermal(CompactModel):
    """Lumped Mott (VO2/NbO2) threshold switch with self-heating; state ``T`` (K).

    >>> m = MottThermal.vo2()
    >>> ds = m.quasi_static_iv()          # S-shaped I-V (V, I, T)
    >>> m2 = MottThermal(R_th=5e5)         # VO2 default with another thermal resistance
    """

    name = "MottThermal"
    state_names = ("T",)
    state_units = ("K",)
    integrator = "LSODA"
    #: parameters ``matsim compact fit`` adjusts when none are named
    fit_parameters = ("R_th", "radius")

    def __init__(self, params: ParameterSet | None = None, material: str = "VO2", **overrides):
        validate.one_of("material", material, tuple(_DEVICE_DEFAULTS))
        self.material = material
        ps = self.default_parameters(material)
        if params is not None:
            ps = ps.merge(params, name=ps.name)
        super().__init__(ps, **overrides)

    @classmethod
    def default_parameters(cls, material: str = "VO2") -> ParameterSet:
        from matsim import materials
        validate.one_of("material", material, tuple(_DEVICE_DEFAULTS))
        mat = materials.get(material)
        R_th, C_th, radius, thickness, T_max = _DEVICE_DEFAULTS[material]
        dev = {
            "R_th": Parameter(R_th, "K/W", "assumed; nanoscale filament cells show 1e5-1e6 K/W (Hoffmann et al., APL Mater. 10, 070904 (2022))"),
            "C_th": Parameter(C_th, "J/K", "assumed; gives R_th*C_th = 1-10 ns thermal time constant"),
            "radius": Parameter(radius * 1e9, "nm", "assumed conducting-channel radius"),
            "thickness": Parameter(thickness * 1e9, "nm", "assumed film thickness between electrodes"),
            "T_ambient": Parameter(300.0, "K", "assumed (room temperature)"),
            "T_max": Parameter(T_max, "K", _T_MAX_SOURCE[material]),
            "T_window": Parameter(20.0, "K", "assumed: Joule heating fades out within ~T_window below T_max "
                                  "so the state stays bounded (well-posed export)"),
        }
        for k in MATERIAL_KEYS:
            if k in mat:
                dev[k] = mat[k]
        return ParameterSet(dev, name=f"MottThermal-{material}",
                            references=["Pickett, Medeiros-Ribeiro & Williams, Nat. Mater. 12, 114 (2013) (Mott neuristor)",
                                        "Slesazeck et al., RSC Adv. 5, 102318 (2015)"] + list(mat.references))

    @classmethod
    def vo2(cls, params: ParameterSet | None = None, **overrides) -> "MottThermal":
        """VO2 device (T_c = 340 K)."""
        return cls(params, material="VO2", **overrides)

    @classmethod
    def nbo2(cls, params: ParameterSet | None = None, **overrides) -> "MottThermal":
        """NbO2 device (T_c = 1070 K, Poole-Frenkel insulator)."""
        return cls(params, material="NbO2", **overrides)

    def with_params(self, **overrides) -> "MottThermal":
        return type(self)(self.params, material=self.material, **overrides)

    def validate(self) -> None:
        p = self.p
        for k, unit in (("R_th", "K/W"), ("C_th", "J/K"), ("radius", "nm"), ("thickness", "nm"),
                        ("T_max", "K"), ("T_ambient", "K"), ("T_window", "K")):
            validate.positive(k, self.params[k].value, unit)
        if p.T_max <= p.T_ambient:
            raise ConfigError("T_max", self.params["T_max"].value, f"a temperature above T_ambient = {p.T_ambient:g} K")
        self.sigma = MottConductivity.from_parameters(self.params)
        self.area = np.pi * p.radius ** 2

    # ---- device equations -------------------------------------------------------------------
    def resistance(self, v, T_dev):
        """R(T, v) in Ohm."""
        E = np.asarray(v, dtype=float) / self.p.thickness
        # sqrt|E| of the Poole-Frenkel term -> sqrt(sqrt(E^2 + E_smooth^2)), E_smooth = 1 V/m: dI/dV stays
        # finite at v = 0 (circuit simulators need it; a 1e-3 shift of the exponent at E = 0 only), and the
        # exported netlists evaluate this very expression (compact/export/models/mott.py)
        E = np.sqrt(E * E + E_SMOOTH * E_SMOOTH)
        return self.p.thickness / (self.sigma(T_dev, E) * self.area)

    def current(self, v, x, T=None):
        x = np.asarray(x, dtype=float)
        v = np.asarray(v, dtype=float)
        return v / self.resistance(v, x[0])

    def dstate_dt(self, v, x, T=None):
        x = np.asarray(x, dtype=float)
        v = np.asarray(v, dtype=float)
        T0 = self.p.T_ambient if T is None else T
        Tf = x[0]
        heating = v * v / self.resistance(v, Tf) * window_from_upper(Tf, self.p.T_max, self.p.T_window)
        dT = (heating - (Tf - T0) / self.p.R_th) / self.p.C_th
        return dT[None, ...] if np.ndim(dT) == np.ndim(x) - 1 else np.reshape(dT, np.shape(x))

    def state_bounds(self):
        return np.array([50.0]), np.array([self.p.T_max])

    def validity_bounds(self):
        """Up to T_max - T_window: above it the heating window, not the device, sets T."""
        return np.array([50.0]), np.array([self.p.T_max - self.p.T_window])

    def initial_state(self) -> np.ndarray:
        return np.array([self.p.T_ambient])

    @property
    def thermal_time_constant(self) -> float:
        """R_th * C_th (s)."""
        return self.p.R_th * self.p.C_th

    # ---- steady states ----------------------------------------------------------------------
    def steady_voltage(self, T_dev: float, T=None) -> float:
        """Bias v >= 0 (V) whose Joule power holds the device at ``T_dev`` (K) in steady state."""
        T0 = self.p.T_ambient if T is None else T
        P = (T_dev - T0) / self.p.R_th
        if P <= 0:
            return 0.0
        f = lambda lv: np.log(np.exp(2 * lv) / self.resistance(np.exp(lv), T_dev)) - np.log(P)
        # v^2/R(v) grows monotonically with v (sigma non-decreasing in |E|)
        lo, hi = -30.0, 10.0
        return float(np.exp(brentq(f, lo, hi, xtol=1e-12)))

    def steady_current(self, T_dev: float, T=None) -> float:
        """Current (A) of the steady state at device temperature ``T_dev`` (K)."""
        v = self.steady_voltage(T_dev, T)
        return float(v / self.resistance(v, T_dev)) if v > 0 else 0.0

    def steady_voltage_at_current(self, current: float, T=None) -> float:
        """Device voltage (V) of the steady state that carries ``current`` (A > 0): the current-controlled
        (S-shaped) I-V, unique because the steady current grows monotonically with T."""
        validate.positive("current", current, "A")
        T0 = self.p.T_ambient if T is None else T
        lo, hi = T0 + 1e-9, self.p.T_max - 3 * self.p.T_window
        if self.steady_current(hi, T0) < current:
            raise ConfigError("current", current, f"a current below {self.steady_current(hi, T0):.3g} A "
                              f"(the model's T_max = {self.p.T_max:g} K)")
        Tdev = brentq(lambda tt: np.log(self.steady_current(tt, T0) / current), lo, hi, xtol=1e-9)
        return self.steady_voltage(Tdev, T0)

    def quasi_static_iv(self, T_grid=None, T=None) -> xr.Dataset:
        """Steady-state (DC) I-V parametrized by the device temperature.

        Returns a Dataset over ``T`` (K) with ``v`` (V), ``i`` (A), ``R`` (Ohm) and ``dvdi`` (Ohm,
        differential resistance; < 0 on the NDR branch).
        """
        T0 = self.p.T_ambient if T is None else T
        if T_grid is None:
            T_grid = np.linspace(T0 + 0.05, min(self.p.T_max, T0 + 3.0 * (self.p.T_transition - T0) + 200.0), 800)
        T_grid = np.asarray(T_grid, dtype=float)
        v = np.array([self.steady_voltage(t, T0) for t in T_grid])
        i = v / self.resistance(v, T_grid)
        dvdi = np.gradient(v, T_grid) / np.gradient(i, T_grid)
        return xr.Dataset({"v": ("T", v, {"units": "V"}), "i": ("T", i, {"units": "A"}),
                           "R": ("T", v / i, {"units": "Ohm"}),
                           "dvdi": ("T", dvdi, {"units": "Ohm", "long_name": "differential resistance dV/dI"})},
                          coords={"T": ("T", T_grid, {"units": "K"})},
                          attrs={"model": self.name, "material": self.material,
                                 "parameters": self.params.to_json()})

    def ndr_window(self, T=None) -> tuple[float, float, float, float]:
        """(i_threshold, i_hold, v_threshold, v_hold) bounding the NDR branch of the quasi-static I-V.

        Threshold = first voltage maximum (onset of dV/dI < 0), hold = the following voltage minimum.
        Raises :class:`ConfigError` if the I-V has no NDR with these parameters.
        """
        ds = self.quasi_static_iv(T=T)
        v, i = ds.v.values, ds.i.values
        neg = np.nonzero(np.diff(v) < 0)[0]
        if neg.size == 0:
            raise ConfigError("parameters", self.params.name,
                              "parameters that give negative differential resistance (none found)")
        k0 = neg[0]
        k1 = k0 + np.argmin(v[k0:])
        return float(i[k0]), float(i[k1]), float(v[k0]), float(v[k1])
