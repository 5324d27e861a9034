"""Lumped (single-temperature) reduction of the Mott filament PDE, in its circuit.

    C_th(T) dT/dt = I V - (T - T0) / R_th(T)      (device heat balance)
    I = V / R(T)                                  (device)
    C dV/dt = (V_s(t) - V) / R_s - V / R(T)       (Pearson-Anson cell: source, R_s, device || C)

With C = 0 the node equation is algebraic, V = V_s R / (R_s + R); with a current source V = I R(T).
Two ways to build it:

* constants C_th, R_th and R(T) = L / (sigma(T) pi r^2) from a :class:`MottConductivity`
  (:meth:`MottThermalODE.from_parameters`): a device that heats uniformly (the lumped limit);
* tabulated from the PDE's current-controlled steady I-V (:meth:`MottThermalODE.from_iv`), with the
  hot-spot temperature T_max as the state: every steady state (V, I, T_max) gives R(T_max) = V / I and
  R_th(T_max) = (T_max - T0) / (I V).  R_th grows as the conducting filament narrows (the same power
  heats a smaller region), and C_th(T) = tau / R_th(T) keeps the one thermal time tau of
  :func:`extract_lumped`.  The ODE's fixed points are then exactly the PDE's S-shaped curve, and it
  differs from the PDE only in its dynamics (one time constant).

The device-only compact model with the same state is ``compact.MottThermal``.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import xarray as xr
from scipy.integrate import solve_ivp
from scipy.optimize import curve_fit

from matsim.core import validate
from matsim.core.errors import ConfigError, ConvergenceError
from matsim.core.parameters import Parameter, ParameterSet

from continuum.circuit import Circuit


Number = float | Callable[[float], float]


def _at(quantity: Number, T: float) -> float:
    """A constant or a function of temperature, evaluated at T (K)."""
    return float(quantity(T)) if callable(quantity) else quantity


def stored_heat(model, T_maps) -> np.ndarray:
    """Heat (J) stored in each steady temperature map of ``model`` (a :class:`MottFilament`):
    rho c integral (T - T0) dV over the device, one value per map in ``T_maps`` (K, mesh-shaped)."""
    vol = model.geom.grid(model.geom.cell_volumes)
    return model.rho_c * np.array([np.sum((Tm - model.T0) * vol) for Tm in np.asarray(T_maps)])


class MottThermalODE:
    """Lumped electro-thermal Mott device in a circuit (SI units throughout).

    C_th : heat capacity (J/K), a number or a callable T [K] -> J/K;
    R_th : thermal resistance to ambient (K/W), a number or a callable T [K] -> K/W;
    R_of_T : callable T [K] -> device resistance (Ohm); T0 : ambient (K); circuit : :class:`Circuit`.
    """

    def __init__(self, C_th: Number, R_th: Number, R_of_T: Callable[[np.ndarray], np.ndarray], T0: float = 300.0,
                 circuit: Circuit | None = None, field_factor: Callable[[float, float], float] | None = None):
        self.C_th = C_th if callable(C_th) else validate.positive("C_th", C_th, "J/K")
        self.R_th = R_th if callable(R_th) else validate.positive("R_th", R_th, "K/W")
        if not callable(R_of_T):
            raise ConfigError("R_of_T", R_of_T, "a callable T [K] -> resistance [Ohm]")
        self.R_of_T = R_of_T
        self.T0 = validate.temperature("T0", T0)
        self.circuit = circuit if circuit is not None else Circuit(0.0)
        self.field_factor = field_factor      # (T, V) -> R(T, V) / R(T); None: no field dependence

    def resistance(self, T: float, V: float | None = None) -> float:
        """Device resistance (Ohm) at hot-spot temperature T (K) and, with a field factor, voltage V."""
        R = float(self.R_of_T(T))
        if self.field_factor is not None and V is not None:
            R *= float(self.field_factor(T, V))
        return R

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_parameters(cls, ps: ParameterSet, conductivity, T0: float = 300.0, circuit: Circuit | None = None):
        """From ``extract_lumped``'s ParameterSet: R(T) = thickness / (sigma(T) pi radius^2)."""
        L, r = ps.si("thickness"), ps.si("radius")
        area = np.pi * r * r
        return cls(ps.si("C_th"), ps.si("R_th"), lambda T: L / (conductivity(T) * area), T0, circuit)

    @classmethod
    def from_iv(cls, iv: xr.Dataset, tau: float, T0: float | None = None,
                circuit: Circuit | None = None) -> "MottThermalODE":
        """Hot-spot model tabulated from a current-controlled steady I-V (``MottFilament.steady_iv``).

        The state T is the PDE's T_max.  Each point gives R(T_max) = V / I and
        R_th(T_max) = (T_max - T0) / (I V); C_th(T) = tau / R_th(T) with ``tau`` (s) the thermal time
        of :func:`extract_lumped` (its ``thermal_time``).  Both tables are interpolated in ln and
        held at their end values outside the sampled range.  Points whose T_max does not exceed the
        previous maximum are dropped (T_max must be single-valued along the branch; on a coarse grid
        the filament can jump by a cell).  Sample the currents densely around the threshold: the
        fold of the S-curve is where the lumped model switches.
        """
        tau = validate.positive("tau", tau, "s")
        T0 = float(iv.attrs.get("T_ambient_K", 300.0)) if T0 is None else validate.temperature("T0", T0)
        V, I = np.abs(np.asarray(iv.V, dtype=float)), np.abs(np.asarray(iv.I, dtype=float))
        T_hot = np.asarray(iv.T_max, dtype=float)
        rising = T_hot > np.maximum.accumulate(np.concatenate([[T0], T_hot[:-1]]))
        if rising.sum() < 2 or np.any(V[rising] * I[rising] <= 0):
            raise ConfigError("iv", f"{rising.sum()} usable points",
                              "a current-controlled steady I-V with at least 2 heated points (T_max > T_ambient)")
        T, lnR = T_hot[rising], np.log(V[rising] / I[rising])
        lnR_th = np.log((T - T0) / (V[rising] * I[rising]))

        def R_th(x):
            return np.exp(np.interp(x, T, lnR_th))

        return cls(lambda x: tau / R_th(x), R_th, lambda x: np.exp(np.interp(x, T, lnR)), T0, circuit)

    @classmethod
    def from_model_iv(cls, model, iv: xr.Dataset, circuit: Circuit | None = None,
                      tau: float | None = None) -> "MottThermalODE":
        """Hot-spot model with every coefficient taken from the PDE model's own steady states.

        ``iv``: ``model.steady_iv(currents=...)`` (rising currents through the threshold; its T maps
        are used).  The state is T_max; each steady state k gives

        * R(T_max) = V / I and R_th(T_max) = (T_max - T0) / (I V) (as :meth:`from_iv`);
        * C_th(T_max) = rho c integral (T - T0) dV / (T_max - T0): the heat capacity of the heated
          volume, so that C_th (T_max - T0) is the heat the PDE stores in that steady state (no
          fitted thermal time); or, with ``tau`` (s, e.g. ``extract_lumped``'s thermal_time),
          C_th = tau / R_th(T_max) as in :meth:`from_iv`.  The heated-volume time C_th R_th is the
          secant rho c integral (T - T0) dV / P, shorter than the slowest thermal mode (uniformly
          heated slab: rho c L^2 / (12 kappa) against rho c L^2 / (pi^2 kappa)); measured in
          docs/continuum.md (VO2 +5 %, NbO2 +51 % in frequency against the PDE; with tau +13 %);
        * with a Poole-Frenkel conductivity (``beta_pf > 0``, the PDE's ``MottConductivity``), R
          also depends on the voltage like the PDE's law in a uniform field E = V / L:
          R(T, V) = R(T) exp(-(1 - f(T)) beta_PF (sqrt(|V| / L) - sqrt(V_ss(T) / L)) / (k_B T))
          with V_ss(T) the steady voltage at that T_max and f the metallic fraction
          (ln sigma = (1 - f) ln sigma_PF + f ln sigma_metal, matsim.materials.conductivity);
          this is what the steady, current-controlled table alone cannot know: on the charging
          branch the device sits at a higher field than in the steady state of the same T_max.

        Reduction onto the family of steady temperature profiles (the field keeps its steady shape
        as T_max changes; Galerkin with one mode).  Points whose T_max does not rise are dropped.
        """
        from matsim.core import units as _u
        from matsim.materials.conductivity import MottConductivity

        T0 = model.T0
        V, I = np.abs(np.asarray(iv.V, dtype=float)), np.abs(np.asarray(iv.I, dtype=float))
        T_hot = np.asarray(iv.T_max, dtype=float)
        if "T" not in iv:
            raise ConfigError("iv", "no T maps", "a steady_iv Dataset with its temperature maps (T)")
        E_heat = stored_heat(model, iv.T.values)
        rising = T_hot > np.maximum.accumulate(np.concatenate([[T0 + 1e-6], T_hot[:-1]]))
        if rising.sum() < 2:
            raise ConfigError("iv", f"{rising.sum()} usable points",
                              "a current-controlled steady I-V with at least 2 heated points (T_max > T_ambient)")
        T, dT = T_hot[rising], T_hot[rising] - T0
        lnR = np.log(V[rising] / I[rising])
        lnR_th = np.log(dT / (V[rising] * I[rising]))
        lnC = np.log(E_heat[rising] / dT) if tau is None else np.log(validate.positive("tau", tau, "s")) - lnR_th
        lnV = np.log(V[rising])

        def tab(table):
            return lambda x: np.exp(np.interp(x, T, table))

        law = model.sigma_law
        field = None
        if isinstance(law, MottConductivity) and law.beta_pf > 0:
            L, V_ss = model.geom.thickness, tab(lnV)

            def field(x, v):
                ins = 1.0 - float(law.metallic_fraction(x))
                shift = law.beta_pf * (np.sqrt(abs(v) / L) - np.sqrt(float(V_ss(x)) / L))
                return float(np.exp(-ins * shift / (_u.k_B * x)))

        return cls(tab(lnC), tab(lnR_th), tab(lnR), T0, circuit, field)

    # ------------------------------------------------------------------ physics
    def device_voltage(self, T: float, t: float, V_cap: float | None = None) -> float:
        c = self.circuit
        if c.R_series == 0.0 and not c.current_controlled:
            return c.source(t)
        if c.C_parallel > 0 and V_cap is not None and not c.current_controlled:
            return V_cap
        V = None
        for _ in range(1 if self.field_factor is None else 60):   # R(T, V): fixed point in V
            R = self.resistance(T, V)
            new = c.I_source * R if c.current_controlled else c.source(t) * R / (c.R_series + R)
            if V is not None and abs(new - V) <= 1e-9 * max(abs(new), 1e-12):
                return new
            V = new if V is None else 0.5 * (V + new)
        return V

    def _has_node_state(self) -> bool:
        c = self.circuit
        return (not c.current_controlled) and c.R_series > 0 and c.C_parallel > 0

    def rhs(self, t: float, y: np.ndarray) -> np.ndarray:
        T = y[0]
        V = self.device_voltage(T, t, y[1] if self._has_node_state() else None)
        R = self.resistance(T, V)
        dT = (V * V / R - (T - self.T0) / _at(self.R_th, T)) / _at(self.C_th, T)
        if not self._has_node_state():
            return np.array([dT])
        c = self.circuit
        dV = ((c.source(t) - V) / c.R_series - V / R) / c.C_parallel
        return np.array([dT, dV])

    def simulate(self, t_end: float, T_init: float | None = None, V_init: float = 0.0, n_points: int = 2000,
                 max_step: float | None = None) -> xr.Dataset:
        """Integrate with Radau; returns Dataset(t; V, I, T, power)."""
        t_end = validate.positive("t_end", t_end, "s")
        y0 = [self.T0 if T_init is None else T_init] + ([V_init] if self._has_node_state() else [])
        t_eval = np.linspace(0.0, t_end, n_points)
        sol = solve_ivp(self.rhs, (0.0, t_end), y0, method="Radau", t_eval=t_eval, rtol=1e-7, atol=[1e-6, 1e-9][:len(y0)],
                        max_step=max_step or np.inf)
        if not sol.success:
            raise ConvergenceError(f"MottThermalODE.simulate: {sol.message} at t = {sol.t[-1]:.4g} s")
        T = sol.y[0]
        V = np.array([self.device_voltage(Ti, ti, sol.y[1][k] if self._has_node_state() else None)
                      for k, (Ti, ti) in enumerate(zip(T, sol.t, strict=True))])
        I = V / np.array([self.resistance(Ti, Vi) for Ti, Vi in zip(T, V, strict=True)])
        return xr.Dataset({"V": ("t", V, {"units": "V"}), "I": ("t", I, {"units": "A"}),
                           "T": ("t", T, {"units": "K"}), "power": ("t", V * I, {"units": "W"})},
                          coords={"t": ("t", sol.t, {"units": "s"})},
                          attrs={"model": "continuum.lumped.MottThermalODE", "T0_K": self.T0,
                                 "C_th_J_per_K": "T-dependent" if callable(self.C_th) else self.C_th,
                                 "R_th_K_per_W": "T-dependent" if callable(self.R_th) else self.R_th})


def oscillation_frequency(t, v, discard: float = 0.3, min_cycles: int = 2, min_swing: float = 0.05) -> float:
    """Frequency (Hz) of a self-oscillating waveform from the mean spacing of upward crossings of its
    mid-level after discarding the first ``discard`` fraction of time; 0 when it does not oscillate
    (fewer than ``min_cycles`` cycles or a peak-to-peak swing below ``min_swing`` of its mean)."""
    t, v = np.asarray(t, dtype=float), np.asarray(v, dtype=float)
    sel = t >= t[0] + discard * (t[-1] - t[0])
    t, v = t[sel], v[sel]
    if len(v) < 4 or (v.max() - v.min()) < min_swing * max(abs(v.mean()), 1e-12):
        return 0.0
    mid = 0.5 * (v.max() + v.min())
    up = np.nonzero((v[:-1] < mid) & (v[1:] >= mid))[0]
    if len(up) < min_cycles + 1:
        return 0.0
    tc = t[up] + (mid - v[up]) * (t[up + 1] - t[up]) / (v[up + 1] - v[up])
    return float(1.0 / np.mean(np.diff(tc)))


def extract_lumped(model, I_probe: float | None = None, rise_K: float = 2.0, t_end: float | None = None) -> ParameterSet:
    """Fit C_th (J/K) and R_th (K/W) of the PDE model from its step response.

    A small current step ``I_probe`` (default: the one giving about ``rise_K`` of heating in the
    insulating state) is applied to the model from ambient; T_max(t) - T0 is fitted with
    dT_ss (1 - exp(-t / tau)); R_th = dT_ss / P_ss, C_th = tau / R_th.  Returns a ParameterSet with
    C_th, R_th, thermal_time (tau), radius and thickness (the device's), each with provenance
    "fit: continuum.extract_lumped".
    The model's state is reset afterwards.
    """
    g = model.geom
    model.reset()
    if I_probe is None:
        G0 = model._electrical(np.asarray(model.T.value), 0.0)
        R_guess = g.thickness / (8 * model.kappa * g.electrode_area) + model.R_electrode / 2
        I_probe = float(np.sqrt(rise_K / R_guess * G0))
    I_probe = validate.positive("I_probe", I_probe, "A")
    tau = model.thermal_time if model.R_electrode == 0 else model.rho_c * g.volume * model.R_electrode / 2
    t_end = 8 * tau if t_end is None else validate.positive("t_end", t_end, "s")
    saved = model.circuit
    try:
        model.circuit = Circuit.current_source(I_probe)
        ds = model.transient(t_end, t_end / 40, n_snapshots=0, dT_max=0.3 * rise_K)
    finally:
        model.circuit = saved
        model.reset()
    t = ds.t.values
    rise = ds.T_max.values - model.T0
    (dT_ss, tau_fit), _ = curve_fit(lambda x, a, b: a * (1 - np.exp(-x / b)), t, rise, p0=[rise[-1], tau])
    P = float(ds.power.values[-1])
    R_th = dT_ss / P
    C_th = tau_fit / R_th
    src = (f"fit: continuum.extract_lumped (MottFilament {model.material}, {g.kind}, r = {g.radius:.3g} m, "
           f"L = {g.thickness:.3g} m, {g.n_lateral}x{g.n_vertical} cells, step I = {I_probe:.3g} A, T_max response)")
    return ParameterSet({
        "C_th": Parameter(float(C_th), "J/K", src, f"tau = {tau_fit:.4g} s"),
        "R_th": Parameter(float(R_th), "K/W", src, f"T_max rise {dT_ss:.4g} K at P = {P:.4g} W"),
        "thermal_time": Parameter(float(tau_fit), "s", src, "time constant of the T_max step response"),
        "radius": Parameter(g.radius, "m", src, "device radius (the filament radius at high current is in steady_iv)"),
        "thickness": Parameter(g.thickness, "m", src),
    }, name=f"{model.material} lumped", references=["continuum.lumped.extract_lumped"])
