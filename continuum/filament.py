"""Electro-thermal FiPy model of a Mott threshold switch (VO2, NbO2) in an external circuit.

Equations (quasi-static charge transport, transient heat; Joule heating drives the switch and forms the
filament: Zimmers et al., PRL 110, 056601 (2013) (VO2); Kumar et al., Nature 548, 318 (2017) (NbO2);
NbOx neuron: Pickett, Medeiros-Ribeiro & Williams, Nat. Mater. 12, 114 (2013))::

    div( sigma(T, |E|) grad phi ) = 0                              (current continuity)
    rho c dT/dt = div( kappa grad T ) + sigma |grad phi|^2          (heat, Joule source)

with sigma(T, E) from :class:`matsim.materials.conductivity.MottConductivity` (tanh IMT step and
Poole-Frenkel insulator).  Boundaries: the electrodes z = 0 (ground) and z = L (potential V) are heat
sinks at T_ambient, either ideal or through a thermal resistance per electrode; the lateral wall is
insulating or a heat sink at T_ambient.  The device voltage V comes from the circuit
(:class:`continuum.Circuit`), solved self-consistently in every Picard sweep: since the charge
equation is linear in phi for a given sigma field, phi = V phi_1 with phi_1 the unit-voltage
solution, and the device current is I = V G with G = integral of sigma d(phi_1)/dz over the grounded
electrode.  Time stepping is adaptive (fast core: variable-step BDF2 under a local-error estimate;
legacy core and steady states: backward Euler); a step that does not converge is
retried with a smaller dt, and a run that cannot proceed raises :class:`ConvergenceError`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import xarray as xr

from continuum._fipy import (
    CellVariable,
    DiffusionTerm,
    ImplicitSourceTerm,
    TransientTerm,
)
from continuum.circuit import Circuit
from continuum.fastcore import SOLVERS, Anderson, FaceOperator, LinearSolver
from continuum.geometry import Geometry
from continuum.nonlocal_imt import MetallicFractionFilter, dlnsigma_dT_nonlocal, sigma_nonlocal
from matsim import materials
from matsim.core import units, validate
from matsim.core.errors import ConfigError, ConvergenceError
from matsim.core.parameters import ParameterSet
from matsim.core.progress import progress
from matsim.materials.conductivity import MottConductivity

THERMAL_KEYS = ("thermal_conductivity", "mass_density", "specific_heat")
LATERAL = ("heat_sink", "insulating")
CORES = ("fast", "legacy")


def _material(material) -> ParameterSet:
    ps = materials.get(material) if isinstance(material, str) else material
    if not isinstance(ps, ParameterSet):
        raise ConfigError("material", material, "a material name (e.g. 'VO2', 'NbO2') or a ParameterSet")
    missing = [k for k in THERMAL_KEYS if k not in ps]
    if missing:
        raise ConfigError("material", ps.name or "<unnamed>",
                          f"a material with electro-thermal data ({', '.join(THERMAL_KEYS)}); missing {', '.join(missing)}")
    return ps


class MottFilament:
    """FiPy electro-thermal model of a Mott threshold switch.

    Parameters
    ----------
    material : "VO2", "NbO2" or a ParameterSet with sigma(T, E) data (see MottConductivity) and
        thermal_conductivity (W/(m K)), mass_density (kg/m^3), specific_heat (J/(kg K)).
    geometry : "axisymmetric" (cylinder, CylindricalGrid2D) or "2d" (cross-section, Grid2D).
    radius_m : device radius (m); in 2d the half-width.
    thickness_m : electrode spacing L (m).
    n_cells : n (n x n cells) or (n_lateral, n_vertical); at least 4 each.
    T_ambient_K : heat-sink temperature (K).
    circuit : :class:`Circuit` (default: ideal 0 V source).
    conductivity : override sigma: a number (S/m, constant) or a callable sigma(T, E) (S/m).
    electrode_thermal_resistance : K/W of each electrode to the heat sink (0 = ideal sink).
    lateral : "heat_sink" (wall at T_ambient) or "insulating" (no heat flux).
    depth_m : out-of-plane depth of the 2d cross-section (default 2 radius).
    hysteresis : track a heating/cooling branch per cell (T_c +- hysteresis_width/2).
    tol_T, tol_V : Picard convergence: max |dT| between sweeps (K) and relative change of V.
    max_sweeps : Picard sweeps per step before the step is retried with dt / 2.
    T_limit_K : temperature above which the solve is declared runaway (ConvergenceError).
    perturbation_K, seed : random initial temperature perturbation (K) to break symmetry in 2d.
    radial_grading : axisymmetric only: outermost / innermost radial cell width (1 = uniform); the
        filament is a few nm wide, so grading the cells towards the axis resolves it (docs/continuum.md).
    """

    def __init__(self, material="VO2", geometry: str = "axisymmetric", radius_m: float = 100e-9,
                 thickness_m: float = 50e-9, n_cells=(16, 8), T_ambient_K: float = 300.0,
                 circuit: Circuit | None = None, *, conductivity=None, electrode_thermal_resistance: float = 0.0,
                 lateral: str = "heat_sink", depth_m: float | None = None, hysteresis: bool = False,
                 T_limit_K: float = 5000.0, perturbation_K: float = 0.0, seed=None,
                 tol_T: float = 1e-3, tol_V: float = 1e-4, max_sweeps: int = 30, core: str = "fast",
                 linear_solver: str = "auto", step_tol: float = 1e-2, anderson_depth: int = 4,
                 radial_grading: float = 1.0, imt_length_m: float = 0.0):
        self.params = _material(material)
        self.material = self.params.name or "custom"
        if conductivity is None:
            self.sigma_law: Callable = MottConductivity.from_parameters(self.params)
        elif callable(conductivity):
            self.sigma_law = conductivity
        else:
            s = validate.positive("conductivity", conductivity, "S/m")
            self.sigma_law = lambda T, E=0.0, branch=0.0: np.full_like(np.asarray(T, dtype=float), s)
        self.geom = Geometry.build(geometry, radius_m, thickness_m, n_cells, depth_m, radial_grading)
        ell = validate.non_negative("imt_length_m", imt_length_m, "m")
        if ell > 0 and not isinstance(self.sigma_law, MottConductivity):
            raise ConfigError("imt_length_m", imt_length_m, "0 with a conductivity override (a MottConductivity law is needed)")
        self._imt_filter = MetallicFractionFilter(self.geom, ell) if ell > 0 else None
        self.T0 = validate.temperature("T_ambient_K", T_ambient_K)
        self.circuit = circuit if circuit is not None else Circuit(0.0)
        if not isinstance(self.circuit, Circuit):
            raise ConfigError("circuit", circuit, "a continuum.Circuit")
        self.R_electrode = validate.non_negative("electrode_thermal_resistance", electrode_thermal_resistance, "K/W")
        self.lateral = validate.one_of("lateral", lateral, LATERAL)
        self.hysteresis = bool(hysteresis)
        self.T_limit = validate.temperature("T_limit_K", T_limit_K)
        self.tol_T = validate.positive("tol_T", tol_T, "K")
        self.tol_V = validate.positive("tol_V", tol_V)
        self.max_sweeps = validate.positive_int("max_sweeps", max_sweeps, 2)
        self.core = validate.one_of("core", core, CORES)
        self.step_tol = validate.positive("step_tol", step_tol)
        self.anderson_depth = validate.positive_int("anderson_depth", anderson_depth, 0)
        if linear_solver not in SOLVERS:
            raise ConfigError("linear_solver", linear_solver, "one of " + ", ".join(SOLVERS))
        self.linear_solver = linear_solver
        self.kappa = self.params.si("thermal_conductivity")
        self.rho_c = self.params.si("mass_density") * self.params.si("specific_heat")
        self._build_equations(validate.non_negative("perturbation_K", perturbation_K, "K"), seed)

    # ------------------------------------------------------------------ set-up
    def _build_equations(self, perturbation: float, seed) -> None:
        g, mesh = self.geom, self.geom.mesh
        self._cell_volumes, self._x = g.cell_volumes, g.x       # FiPy recomputes these on every access
        T_init = np.full(mesh.numberOfCells, self.T0)
        if perturbation > 0:
            from matsim.core.rng import make_rng
            T_init += perturbation * make_rng(seed).random(mesh.numberOfCells)
        self._T_init = T_init
        self._T_prev = T_init.copy()
        self.T = CellVariable(mesh=mesh, name="T", value=T_init, hasOld=True)
        self.phi1 = CellVariable(mesh=mesh, name="phi at 1 V", value=0.0)
        self.phi1.constrain(1.0, mesh.facesTop)
        self.phi1.constrain(0.0, mesh.facesBottom)
        self.sigma = CellVariable(mesh=mesh, name="sigma", value=1.0)
        self.joule = CellVariable(mesh=mesh, name="Joule heat", value=0.0)
        self.joule_slope = CellVariable(mesh=mesh, name="dJoule/dT", value=0.0)  # Newton linearisation
        self.branch = np.ones(mesh.numberOfCells)  # +1 heating branch, -1 cooling branch

        # heat sinks: ideal -> Dirichlet; through a thermal resistance -> Robin, as a sink -b (T - T0)
        sink = np.zeros(mesh.numberOfCells)
        if self.R_electrode == 0.0:
            self.T.constrain(self.T0, mesh.facesTop | mesh.facesBottom)
        else:
            h = 1.0 / (self.R_electrode * g.electrode_area)  # W/(m^2 K)
            sink += g.boundary_sink(g.faces("top") | g.faces("bottom"), h, self.kappa)
        if self.lateral == "heat_sink":
            self.T.constrain(self.T0, g.faces("lateral"))
        self.sink = CellVariable(mesh=mesh, name="boundary sink", value=sink)
        self.t = 0.0
        self.V = 0.0
        self.G = 0.0
        self._E = np.zeros(mesh.numberOfCells)
        if self.core == "fast":
            self._build_fast(sink)
        else:
            self._build_fipy_terms()
        self._update_sigma()
        self._sync()

    def _build_fast(self, sink: np.ndarray) -> None:
        """Fixed-pattern operators of the fast core (continuum.fastcore), built once per mesh."""
        g = self.geom
        self._op = FaceOperator(g)
        top, bottom = g.faces("top"), g.faces("bottom")
        self._charge_dir = top | bottom
        self._charge_bottom = bottom & ~top          # grounded electrode faces (cached: FiPy masks cost ms)
        self._charge_vals = top[self._charge_dir].astype(float)          # phi_1 = 1 V on top, 0 at the bottom
        heat_dir = np.zeros_like(top)
        if self.R_electrode == 0.0:
            heat_dir |= top | bottom
        if self.lateral == "heat_sink":
            heat_dir |= g.faces("lateral")
        self._heat_dir = heat_dir
        self._g_heat = self.kappa * self._op.geo                          # W/K per face
        self._sink_arr = sink
        kind = "lagged" if self.linear_solver == "auto" else self.linear_solver
        # lagged-LU CG stops when its error estimate is below 1e-9 V (phi_1, at 1 V) and 1e-5 K
        self._charge_solver = LinearSolver(kind, rtol=1e-9, xtol=1e-9)
        self._heat_solver = LinearSolver(kind, rtol=1e-9, xtol=1e-5)
        self._heat_solver.share_ordering(self._charge_solver)       # one sparsity pattern: one ordering
        self._gsig = np.zeros(g.mesh.numberOfFaces)
        self._phi = np.zeros(g.mesh.numberOfCells)
        self._T_old = np.asarray(self.T.value).copy()
        self.n_sweeps = 0

    def _build_fipy_terms(self) -> None:
        """FiPy terms of the legacy core (rebuilt into matrices by FiPy at every solve)."""
        kappa, rho_c, T0 = self.kappa, self.rho_c, self.T0
        # div(sigma grad phi) = 0
        self.charge_equation = DiffusionTerm(coeff=self.sigma.harmonicFaceValue, var=self.phi1) == 0
        # rho c dT/dt = div(kappa grad T) + sigma |grad phi|^2 - b (T - T0)
        self.heat_equation = (TransientTerm(coeff=rho_c, var=self.T)
                              == DiffusionTerm(coeff=kappa, var=self.T) + self.joule
                              - ImplicitSourceTerm(coeff=self.sink, var=self.T) + self.sink * T0
                              + ImplicitSourceTerm(coeff=self.joule_slope, var=self.T))

    @property
    def thermal_time(self) -> float:
        """Estimate of the slowest thermal time (s): rho c l^2 / (pi^2 kappa), l the shorter of L and 2R."""
        ell = min(self.geom.thickness, 2 * self.geom.radius)
        return self.rho_c * ell ** 2 / (np.pi ** 2 * self.kappa)

    def _update_sigma(self, T: np.ndarray | None = None) -> None:
        T = np.asarray(self.T.value) if T is None else T
        if self._imt_filter is not None:
            s = sigma_nonlocal(self.sigma_law, T, self._imt_filter, self._E, self.branch if self.hysteresis else 0.0)
        elif isinstance(self.sigma_law, MottConductivity):
            s = self.sigma_law(T, self._E, self.branch if self.hysteresis else 0.0)
        else:
            s = np.broadcast_to(np.asarray(self.sigma_law(T, self._E), dtype=float), T.shape)
        if not np.all(np.isfinite(s)) or np.any(s <= 0):
            raise ConvergenceError(f"MottFilament: conductivity became non-finite or <= 0 at t = {self.t:.4g} s "
                                   f"(T range {T.min():.4g}..{T.max():.4g} K)")
        self._sig = np.asarray(s, dtype=float)
        if self.core == "legacy":
            self.sigma.setValue(s)

    def _solve_charge(self) -> None:
        """div(sigma grad phi_1) = 0 with phi_1 = 1 on top, 0 at the bottom, for the present sigma."""
        if self.core == "legacy":
            self.charge_equation.solve(var=self.phi1)
            return
        op = self._op
        self._gsig = op.harmonic(self._sig) * op.geo                       # S per face
        A = op.matrix(self._gsig, 0.0, self._charge_dir, reuse=True)
        b = op.dirichlet_rhs(self._gsig, self._charge_dir, self._charge_vals)
        self._phi = self._charge_solver.solve(A, b)

    def _sync(self) -> None:
        """Fast core: copy sigma and phi_1 into the FiPy variables (for observables; once per step)."""
        if self.core == "fast":
            self.sigma.setValue(self._sig)
            self.phi1.setValue(self._phi)

    def _solve_heat(self, dt: float, joule: np.ndarray, slope: np.ndarray) -> np.ndarray:
        """Backward-Euler heat step with source joule + slope T (W/m^3); returns the new T (K)."""
        if self.core == "legacy":
            self.joule_slope.setValue(slope)
            self.joule.setValue(joule)
            self.heat_equation.solve(var=self.T, dt=dt)
            return np.asarray(self.T.value).copy()
        op = self._op
        vol = op.volumes
        diag = (self.rho_c / dt + self._sink_arr - slope) * vol
        A = op.matrix(self._g_heat, diag, self._heat_dir, reuse=True)
        b = (self.rho_c / dt * self._T_old + joule + self._sink_arr * self.T0) * vol
        b += op.dirichlet_rhs(self._g_heat, self._heat_dir, self.T0)
        return self._heat_solver.solve(A, b)

    def _unit_current(self) -> float:
        """Device conductance G (S): current through the grounded electrode at 1 V."""
        if self.core == "fast":
            bottom = self._charge_bottom
            return float(np.sum(self._gsig[bottom] * self._phi[self._op.c0[bottom]]))
        g = self.geom
        mask = g.faces("bottom")
        cells = g.face_cells(mask)
        phi_c = np.asarray(self.phi1.value)[cells]
        sig = np.asarray(self.sigma.value)[cells]
        return float(np.sum(sig * phi_c / g.face_to_cell_distance(mask) * g.face_areas(mask)))

    def _grad2(self) -> np.ndarray:
        """sigma |grad phi_1|^2 (W/m^3 at 1 V), from the conservative face-by-face dissipation."""
        if self.core == "fast":
            return self._op.face_power(self._phi, self._gsig, self._charge_dir, self._charge_vals)
        return self.geom.face_power(self.phi1.value, self.phi1.faceValue.value, self.sigma.harmonicFaceValue.value)

    # ------------------------------------------------------------------ one step
    def _dlnsigma_dT(self, T: np.ndarray) -> np.ndarray:
        if self._imt_filter is not None:
            return dlnsigma_dT_nonlocal(self.sigma_law, T, self._imt_filter, self._E, self.branch if self.hysteresis else 0.0)
        if isinstance(self.sigma_law, MottConductivity):
            return self.sigma_law.dlnsigma_dT(T, self._E, self.branch if self.hysteresis else 0.0)
        h = 1e-3
        return (np.log(self.sigma_law(T + h, self._E)) - np.log(self.sigma_law(T - h, self._E))) / (2 * h)

    def _circuit_terms(self, circuit: Circuit, t: float, dt: float, V_old: float):
        """The circuit equation as ``V (extra + G) = rhs`` (None for an ideal voltage source)."""
        if circuit.current_controlled:
            return 0.0, circuit.I_source
        if circuit.R_series == 0.0:
            return None
        cdt = circuit.C_parallel / dt if (dt > 0 and np.isfinite(dt)) else 0.0
        return cdt + 1.0 / circuit.R_series, cdt * V_old + circuit.source(t) / circuit.R_series

    @property
    def _field_dependent(self) -> bool:
        law = self.sigma_law
        return not isinstance(law, MottConductivity) or law.beta_pf > 0

    def _field_pattern(self) -> np.ndarray:
        """|grad phi_1| (1/m) per cell from the last potential solve."""
        return np.sqrt(self._grad2() / self._sig)

    def _damped_pattern(self, T: np.ndarray, V: float) -> np.ndarray:
        """Field pattern |grad phi_1| updated by a local Newton step.

        In a series column E = J / sigma(E); the plain update ln E <- ln J - ln sigma(E) diverges when
        the Poole-Frenkel slope m = dln(sigma)/dln(E) = beta sqrt(E) / (2 k_B T) exceeds 1, so the
        update is scaled by 1 / (1 + m) (Newton on ln E + ln sigma(E) = ln J).
        """
        new = self._field_pattern()
        old = getattr(self, "_pattern", None)
        law = self.sigma_law
        if old is None or not np.all(old > 0) or not isinstance(law, MottConductivity) or V == 0:
            self._pattern = new
            return new
        E = abs(V) * old
        lowering = law.beta_pf * np.sqrt(E)
        m = np.where(lowering < law.Ea, lowering / (2 * units.k_B * np.asarray(T)), 0.0)
        self._pattern = np.exp(np.log(old) + (np.log(np.maximum(new, 1e-300)) - np.log(old)) / (1.0 + m))
        return self._pattern

    def _electrical(self, T: np.ndarray, V: float, pattern: np.ndarray | None = None) -> float:
        """sigma(T, |E|) with E = |V| |grad phi_1| (pattern of the last solve); solve phi_1; return G (S)."""
        if self._field_dependent:
            self._E = abs(V) * (self._field_pattern() if pattern is None else pattern)
        self._update_sigma(T)
        self._solve_charge()
        G = self._unit_current()
        if not np.isfinite(G) or G <= 0:
            raise ConvergenceError(f"MottFilament: device conductance {G!r} S at t = {self.t:.4g} s")
        return G

    def _solve_electrical(self, T, circ, circuit: Circuit, t: float, V_guess: float):
        """Device voltage V, conductance G and degree of current control c for temperature field T.

        With a field-dependent sigma (Poole-Frenkel) the circuit equation V (extra + G(V)) = rhs is
        solved for V (monotone in V) by an Illinois false-position iteration in ln V; every
        evaluation is one FiPy potential solve.
        """
        if circ is None:
            V = circuit.source(t)
            return V, self._electrical(T, V, self._damped_pattern(T, V) if self._field_dependent else None), 0.0
        extra, rhs = circ
        if rhs == 0:
            return 0.0, self._electrical(T, 0.0), 1.0
        sign, target = np.sign(rhs), abs(rhs)
        pattern = self._damped_pattern(T, V_guess) if self._field_dependent else None

        def h(x):
            G = self._electrical(T, np.exp(x), pattern)
            return np.log(np.exp(x) * (extra + G)) - np.log(target), G

        G = self._electrical(T, V_guess, pattern)
        x = np.log(target / (extra + G))
        if not self._field_dependent:
            return sign * np.exp(x), G, (1.0 if extra == 0 else G / (extra + G))
        a, (fa, G) = x, h(x)
        if abs(fa) < 1e-7:
            return sign * np.exp(a), G, (1.0 if extra == 0 else G / (extra + G))
        step = -np.sign(fa) * 0.5
        b, (fb, _) = a + step, h(a + step)
        while np.sign(fb) == np.sign(fa):          # bracket the root
            a, fa = b, fb
            step *= 2
            b, (fb, _) = b + step, h(b + step)
            if abs(step) > 100:
                raise ConvergenceError(f"MottFilament: no device voltage satisfies the circuit at t = {t:.4g} s")
        side = 0
        for _ in range(30):
            x = (a * fb - b * fa) / (fb - fa)
            fx, G = h(x)
            if abs(fx) < 1e-6 or abs(b - a) < 1e-7:
                break
            if np.sign(fx) == np.sign(fb):
                b, fb = x, fx
                if side == -1:
                    fa *= 0.5
                side = -1
            else:
                a, fa = x, fx
                if side == 1:
                    fb *= 0.5
                side = 1
        else:
            raise ConvergenceError(f"MottFilament: the device-voltage root finder gave up after 30 Illinois steps at "
                                   f"t = {t:.4g} s: V = {np.exp(x):.6g} V, residual |ln I/I_target| = {abs(fx):.3g} "
                                   f"(tolerance 1e-6), bracket width {abs(b - a):.3g} in ln V")
        return sign * np.exp(x), G, (1.0 if extra == 0 else G / (extra + G))

    def _step(self, dt: float, circuit: Circuit, T_guess: np.ndarray | None = None,
              V_guess: float | None = None, bdf=None, give_up: bool = False,
              tol_T: float | None = None, tol_V: float | None = None) -> tuple[bool, float, float]:
        """Backward-Euler step to ``self.t + dt`` by linearised Picard sweeps. Returns (converged,
        max|dT|, |dV|).

        Each sweep: sigma(T_k) -> solve div(sigma grad phi_1) = 0 -> G, s = sigma |grad phi_1|^2 (W/m^3
        at 1 V) -> V from the circuit at conductance G -> solve the heat equation with the Joule
        source linearised in T.  A cell in a series column at fixed current dissipates J^2 / sigma,
        so q(T) ~ q_k (1 - c dln(sigma)/dT (T - T_k)) with c = R_load G / (1 + R_load G) the degree of
        current control of the load (1 for a current source, 0 for a stiff voltage source); this
        implicit source term keeps the sweeps stable through the steep sigma(T) step.

        Fast core: the sweep map T_k -> T_{k+1} is Anderson-accelerated (:class:`Anderson`, depth
        ``anderson_depth``; Walker & Ni 2011) and starts from ``T_guess`` / ``V_guess`` (the
        predictor of the time-step controller) when given.  ``give_up``: stop early when the sweeps
        contract by less than a factor 2 over four sweeps (after eight): the step controller then
        retries a shorter step instead of spending up to ``max_sweeps`` sweeps on a step that fails.

        ``bdf = (dt_eff, T_base, V_base)`` (fast core) replaces the backward-Euler difference
        (y_new - y_n) / dt by (y_new - y_base) / dt_eff: any one-step-implicit multistep formula
        a0 y_new + a1 y_n + a2 y_n-1 = dt f(y_new) (BDF2: :meth:`_bdf2_coefficients`) has this form
        with dt_eff = dt / a0 and y_base = -(a1 y_n + a2 y_n-1) / a0.
        """
        fast = self.core == "fast"
        t_new = self.t + dt
        T_start = np.asarray(self.T.value).copy()
        V_old = self.V
        self._T_prev = T_start
        if fast:
            self._T_old = T_start
        else:
            self.T.updateOld()
        V_base = V_old
        if bdf is not None and fast:
            dt, self._T_old, V_base = bdf[0], bdf[1], bdf[2]
        circ = self._circuit_terms(circuit, t_new, dt, V_base)
        T_k = T_start if T_guess is None else np.asarray(T_guess, dtype=float)
        V = V_old if V_guess is None else float(V_guess)
        acc = Anderson(self.anderson_depth) if fast and self.anderson_depth > 0 else None
        first_ok = fast and T_guess is not None
        tol_sweep = self.tol_T if tol_T is None else tol_T
        tol_volt = self.tol_V if tol_V is None else tol_V
        loosen_cap = 1.0            # advance() / relax(): exact-enough solves (a steady state must not stagnate)
        if fast and T_guess is not None:
            err_tol = self.step_tol * max(float(T_start.max()) - self.T0, 1.0)      # K, as in _lte_step
            loosen_cap = max(0.01 * min(float(np.max(np.abs(T_k - T_start))), err_tol) / self._heat_solver.xtol, 1e-4)
        change = tol_sweep
        changes = []
        self.last_sweeps = 0
        for it in range(self.max_sweeps):
            self.last_sweeps = it + 1
            if fast:            # inexact linear solves: to 1/20 of the last sweep-to-sweep change and
                # 1/100 of the predicted change over the step (else tiny steps stagnate: a bias)
                loosen = min(max(0.05 * change / self._heat_solver.xtol, 1.0), 1e3, loosen_cap)
                self._heat_solver.loosen = self._charge_solver.loosen = loosen
            V_prev = V
            V, G, c = self._solve_electrical(T_k, circ, circuit, t_new, V)
            s = self._grad2()                                   # W/m^3 at 1 V
            q = V * V * s
            slope = -c * q * self._dlnsigma_dT(T_k)
            T_new = self._solve_heat(dt, q - slope * T_k, slope)
            if fast:
                self.n_sweeps += 1
            if not np.all(np.isfinite(T_new)):
                raise ConvergenceError(f"MottFilament: temperature became non-finite at t = {t_new:.4g} s "
                                       f"(dt = {dt:.3g} s, V = {V:.4g} V)")
            if T_new.max() > self.T_limit:   # reject; advance() retries with a smaller step
                self._fail_reason = (f"thermal runaway, T_max = {T_new.max():.4g} K > T_limit_K = {self.T_limit:g} K "
                                     f"(V = {V:.4g} V); add series resistance or lower the drive")
                break
            change = float(np.max(np.abs(T_new - T_k)))
            if (it > 0 or first_ok) and change < tol_sweep and abs(V - V_prev) <= tol_volt * max(abs(V), 1e-9):
                T_k = T_new
                if fast:
                    self.T.setValue(T_k)
                self._update_sigma(T_k)
                self._sync()
                self.joule.setValue(q)                                            # sigma |grad phi|^2
                if not fast:
                    self.joule_slope.setValue(0.0)
                self.V, self.G, self.t = V, G, t_new
                return True, float(np.max(np.abs(T_k - T_start))), abs(V - V_old)
            changes.append(change)
            if give_up and it >= 8 and changes[-1] > 0.5 * changes[-5]:
                self._fail_reason = f"Picard sweeps contract too slowly (max|dT| {changes[-5]:.3g} -> {change:.3g} K in 4 sweeps)"
                break
            if acc is not None and it == self.max_sweeps // 2:
                acc = None          # Anderson has not converged: finish with plain (damped-source) Picard
            if acc is not None:
                x = acc.step(T_k, T_new)
                if not np.all(np.isfinite(x)) or x.min() < 0.5 * self.T0 or x.max() > self.T_limit:
                    acc.reset()
                    x = T_new
                T_k = x
            else:
                T_k = T_new
        else:
            self._fail_reason = f"Picard sweeps did not converge in {self.max_sweeps} sweeps"
        # not converged: restore the start of the step
        self.T.setValue(T_start)
        self.T.updateOld()
        self.joule_slope.setValue(0.0)
        self.V = V_old
        return False, np.inf, np.inf

    def _restore(self, state) -> None:
        T, V, G, t, branch, E = state
        self.T.setValue(T)
        self.T.updateOld()
        self.V, self.G, self.t, self.branch, self._E = V, G, t, branch.copy(), E.copy()

    def _state(self):
        return (np.asarray(self.T.value).copy(), self.V, self.G, self.t, self.branch.copy(), self._E.copy())

    def _update_branch(self) -> None:
        if not self.hysteresis or not isinstance(self.sigma_law, MottConductivity):
            return
        s = self.sigma_law
        T = np.asarray(self.T.value)
        self.branch[T > s.T_c + 0.5 * s.hysteresis + 2 * s.dT] = -1.0
        self.branch[T < s.T_c - 0.5 * s.hysteresis - 2 * s.dT] = 1.0

    def advance(self, dt: float, circuit: Circuit | None = None, dT_max: float = 5.0, dV_max: float = np.inf,
                dt_min: float | None = None) -> float:
        """One accepted step of at most ``dt`` (halved until it converges and max|dT| <= dT_max K,
        |dV| <= dV_max V). Returns the step taken (s)."""
        circuit = circuit or self.circuit
        dt_min = dt_min if dt_min is not None else 1e-6 * self.thermal_time
        state = self._state()
        while True:
            self._fail_reason = "step changed T or V too much"
            ok, dT, dV = self._step(dt, circuit)
            if ok and dT <= dT_max and dV <= dV_max:
                self._update_branch()
                return dt
            self._restore(state)
            dt *= 0.5
            if dt < dt_min:
                raise ConvergenceError(f"MottFilament: no acceptable time step down to dt_min = {dt_min:.3g} s at "
                                       f"t = {self.t:.4g} s: {getattr(self, '_fail_reason', '')} (last max|dT| = "
                                       f"{dT:.3g} K); refine the mesh, raise max_sweeps, or add series resistance")

    # ------------------------------------------------------------------ observables
    def current(self) -> float:
        """Device current I = G V (A)."""
        return self.G * self.V

    def potential(self) -> np.ndarray:
        """phi (V) at cell centres."""
        return self.V * np.asarray(self.phi1.value)

    def filament_radius(self) -> tuple[float, float]:
        """(radius, centre) in m of the conducting region at the mid-plane: where sigma falls to half its
        peak (linear interpolation between cell centres); the device radius if it never does."""
        g = self.geom
        s = g.grid(self.sigma.value)
        prof = s[g.n_vertical // 2] if g.n_vertical % 2 else 0.5 * (s[g.n_vertical // 2] + s[g.n_vertical // 2 - 1])
        x = self._x
        k = int(np.argmax(prof))
        half = 0.5 * prof[k]

        def crossing(idx):
            for a, b in zip(idx[:-1], idx[1:], strict=True):
                if prof[b] <= half:
                    return x[a] + (x[b] - x[a]) * (prof[a] - half) / (prof[a] - prof[b])
            return None

        right = crossing(list(range(k, len(x))))
        if g.axisymmetric:
            return (g.radius if right is None else float(right)), 0.0
        left = crossing(list(range(k, -1, -1)))
        lo = 0.0 if left is None else left
        hi = 2 * g.radius if right is None else right
        return 0.5 * float(hi - lo), 0.5 * float(hi + lo)

    def _record(self, circuit: Circuit) -> dict:
        T = np.asarray(self.T.value)
        r, c = self.filament_radius()
        I = self.current()
        return {"V": self.V, "I": I, "I_source": circuit.source_current(self.V, self.t, I),
                "T_max": float(T.max()),
                "T_mean": float(np.sum(T * self._cell_volumes) / self.geom.volume),
                "filament_radius": r, "filament_center": c, "power": I * self.V}

    _UNITS = {"V": "V", "I": "A", "I_source": "A", "T_max": "K", "T_mean": "K", "filament_radius": "m",
              "filament_center": "m", "power": "W", "V_source": "V", "t": "s", "T": "K", "phi": "V"}

    def _dataset(self, dim: str, coord, rows: list[dict], snaps: list, snap_coord, attrs: dict) -> xr.Dataset:
        g = self.geom
        data = {k: ((dim,), np.array([r[k] for r in rows]), {"units": self._UNITS.get(k, "")}) for k in rows[0]}
        data["T"] = (("snapshot", "z", "x"), np.array([s[0] for s in snaps]), {"units": "K", "long_name": "temperature"})
        data["phi"] = (("snapshot", "z", "x"), np.array([s[1] for s in snaps]), {"units": "V", "long_name": "potential"})
        coords = {dim: coord, "snapshot": snap_coord, "z": ("z", g.z, {"units": "m"}),
                  "x": ("x", g.x, {"units": "m", "long_name": "r" if g.axisymmetric else "x"})}
        base = {"material": self.material, "geometry": g.kind, "radius_m": g.radius, "thickness_m": g.thickness,
                "n_lateral": g.n_lateral, "n_vertical": g.n_vertical, "T_ambient_K": self.T0,
                "electrode_thermal_resistance_K_per_W": self.R_electrode, "lateral": self.lateral,
                "imt_length_m": self._imt_filter.ell if self._imt_filter is not None else 0.0,
                "filament_radius_definition": "radius where sigma at mid-plane falls to half its peak",
                "model": "continuum.MottFilament"}
        base.update(attrs)
        return xr.Dataset(data, coords=coords, attrs=base)

    def _snapshot(self):
        return (self.geom.grid(self.T.value).copy(), self.geom.grid(self.potential()).copy())

    # ------------------------------------------------------------------ experiments
    def relax(self, circuit: Circuit | None = None, tol_K: float = 1e-3, max_steps: int = 300) -> None:
        """Pseudo-transient relaxation to the steady state under ``circuit`` (steps grow from the
        thermal time to 1e4 thermal times; stops when a step changes T by < tol_K)."""
        circuit = circuit or self.circuit
        tau = self.thermal_time
        dt = tau
        for _ in range(max_steps):
            taken = self.advance(dt, circuit, dT_max=50.0)
            T = np.asarray(self.T.value)
            change = float(np.max(np.abs(T - self._T_prev))) if taken else np.inf
            if change < tol_K and taken >= 10 * tau:
                return
            dt = min(2 * taken, 1e4 * tau)
        raise ConvergenceError(f"MottFilament.relax: no steady state after {max_steps} steps "
                               f"(last change {change:.3g} K per step)")

    def steady_iv(self, currents: Sequence[float] | None = None, voltages: Sequence[float] | None = None,
                  *, refine_snapback: int = 0, quiet: bool = True, reset: bool = True) -> xr.Dataset:
        """Quasi-static I-V: a steady state per point, each continued from the previous one.

        ``currents`` (A): current-controlled (ideal current source), traces the S-shaped NDR branch.
        ``voltages`` (V): source voltages through the model circuit's R_series (voltage-controlled;
        jumps across the NDR region).  ``refine_snapback`` (current control): when the voltage falls
        from its running maximum to less than half (the filament snaps in at the threshold), go back
        to the state before the jump and insert that many currents evenly into the interval, once,
        so the fold of the S-curve is resolved.  Returns a Dataset over ``point`` with V, I, T_max,
        T_mean, filament_radius, power, and T / phi maps per point.
        """
        if (currents is None) == (voltages is None):
            raise ConfigError("currents/voltages", (currents, voltages), "exactly one of currents (A) or voltages (V)")
        values = validate.finite("currents" if currents is not None else "voltages",
                                 currents if currents is not None else voltages, "A" if currents is not None else "V")
        values = np.atleast_1d(values)
        refine = validate.positive_int("refine_snapback", refine_snapback, 0) if currents is not None else 0
        if reset:
            self.reset()
        rows, snaps = [], []
        queue = [(float(v), refine > 0) for v in values]      # (value, may trigger a refinement)
        bar = progress(total=len(values), desc=f"{self.material} steady I-V", quiet=quiet)
        while queue:
            v, may_refine = queue.pop(0)
            if currents is not None:
                if v == 0:
                    raise ConfigError("currents", v, "non-zero currents (A)")
                c = Circuit.current_source(v)
            else:
                c = Circuit(v, self.circuit.R_series, 0.0)
            before = self._state()
            self.relax(c)
            row = self._record(c)
            at_peak = bool(rows) and abs(rows[-1]["V"]) >= max(abs(r["V"]) for r in rows)
            if may_refine and at_peak and abs(row["V"]) < 0.5 * abs(rows[-1]["V"]):
                self._restore(before)
                inserted = np.linspace(rows[-1]["I"], v, refine + 2)[1:-1]
                queue[:0] = [(float(x), False) for x in inserted] + [(v, False)]
                bar.total += refine
                continue
            row["V_source"] = v if voltages is not None else row["V"]
            rows.append(row)
            snaps.append(self._snapshot())
            bar.update(1)
        bar.close()
        mode = "current-controlled" if currents is not None else f"voltage-controlled, R_series = {self.circuit.R_series:g} Ohm"
        return self._dataset("point", np.arange(len(rows)), rows, snaps, np.arange(len(rows)),
                             {"experiment": "steady_iv", "control": mode})

    @staticmethod
    def _bdf2_coefficients(h: float, h_prev: float) -> tuple[float, float, float]:
        """Variable-step BDF2: a0 y_n+1 + a1 y_n + a2 y_n-1 = h f(y_n+1), omega = h / h_prev.

        a0 = (1 + 2 omega) / (1 + omega), a1 = -(1 + omega), a2 = omega^2 / (1 + omega) (Hairer,
        Norsett & Wanner, Solving ODEs I, sec. III.5); zero-stable for omega < 1 + sqrt 2.
        """
        w = h / h_prev
        return (1 + 2 * w) / (1 + w), -(1 + w), w * w / (1 + w)

    def _lte_step(self, h: float, circuit: Circuit, dT_cap: float, dV_cap: float, hist: list, capacitive: bool,
                  v_scale: float):
        """One error-controlled step (fast core; see :meth:`transient`).

        ``hist`` lists the accepted (t, T, V) before the present state, most recent last.  With no
        history: backward Euler with step doubling; with one point: backward Euler, error from the
        linear predictor; with two: variable-step BDF2, error from the quadratic predictor (Milne's
        device).  Returns (taken, next h, new hist).
        """
        state = self._state()
        T_n, V_n, t_n = state[0], state[1], state[3]
        # step floor: 1e-6 thermal times, or shorter while the fastest cell changes quickly: a step over
        # which no cell moves by more than 1 % of the error tolerance (K) is never too long for accuracy,
        # so only there may a failing solve be declared hopeless (a snap into a 1 nm cell needs ~5e-17 s)
        tol_K = self.step_tol * max(float(T_n.max()) - self.T0, 1.0)
        rate = float(np.max(np.abs(T_n - hist[-1][1]))) / (t_n - hist[-1][0]) if hist else 0.0     # K/s
        floor_slow = 1e-6 * self.thermal_time
        dt_min = max(min(floor_slow, 0.01 * tol_K / rate), 1e-12 * self.thermal_time) if rate > 0 else floor_slow
        self._fail_reason = "local error above step_tol"
        runaway = None
        tol_sweep = self.tol_T
        # without a parallel capacitor V is algebraic: it acts on the state only through the Joule heat,
        # which the T criterion measures; its own sweep criterion is then step_tol (relative)
        tol_volt = self.tol_V if capacitive else max(self.tol_V, self.step_tol)
        while True:
            order = 2 if len(hist) >= 2 else 1
            new_hist = (hist + [(t_n, T_n, V_n)])[-2:]
            if len(hist) >= 2:            # BDF2, quadratic predictor through t_n-2, t_n-1, t_n
                (t2, T2, V2), (t1, T1, V1) = hist[-2], hist[-1]
                h1, h2 = t_n - t1, t1 - t2
                x = t_n + h
                l2 = (x - t1) * (x - t_n) / ((t2 - t1) * (t2 - t_n))
                l1 = (x - t2) * (x - t_n) / ((t1 - t2) * (t1 - t_n))
                l0 = (x - t2) * (x - t1) / ((t_n - t2) * (t_n - t1))
                T_pred, V_pred = l0 * T_n + l1 * T1 + l2 * T2, l0 * V_n + l1 * V1 + l2 * V2
                a0, a1, a2 = self._bdf2_coefficients(h, h1)
                om = h / h1
                k_c = (1 + om) ** 2 / (6 * om * (1 + 2 * om))            # |corrector error| / (h^3 y''')
                k_p = (1 + 1 / om) * (1 + (h1 + h2) / h) / 6              # predictor error / (h^3 y''')
                w = k_c / (k_p + k_c)
                bdf = (h / a0, -(a1 * T_n + a2 * T1) / a0, -(a1 * V_n + a2 * V1) / a0)
                ok, dT, dV = self._step(h, circuit, T_guess=np.clip(T_pred, 0.5 * self.T0, self.T_limit),
                                        V_guess=V_pred, bdf=bdf, give_up=True, tol_T=tol_sweep, tol_V=tol_volt)
            elif hist:                    # backward Euler, linear predictor
                t1, T1, V1 = hist[-1]
                r = h / (t_n - t1)
                T_pred, V_pred, w = T_n + r * (T_n - T1), V_n + r * (V_n - V1), h / (h + t_n - t1)
                ok, dT, dV = self._step(h, circuit, T_guess=np.clip(T_pred, 0.5 * self.T0, self.T_limit),
                                        V_guess=V_pred, give_up=True, tol_T=tol_sweep, tol_V=tol_volt)
            else:                         # first step: step doubling (one step h against two of h / 2)
                ok, dT, dV = self._step(h, circuit)
                if ok:
                    T_pred, V_pred, w = np.asarray(self.T.value).copy(), self.V, 1.0
                    self._restore(state)
                    ok, _, _ = self._step(0.5 * h, circuit)
                    if ok:
                        new_hist = [(t_n, T_n, V_n), (self.t, np.asarray(self.T.value).copy(), self.V)]
                        ok, _, _ = self._step(0.5 * h, circuit)
                        dT = float(np.max(np.abs(np.asarray(self.T.value) - T_n)))
                        dV = abs(self.V - V_n)
            if ok:
                T_new = np.asarray(self.T.value)
                scale = self.step_tol * max(float(T_new.max()) - self.T0, float(T_n.max()) - self.T0, 1.0)
                err = w * float(np.max(np.abs(T_new - T_pred))) / scale
                if capacitive:
                    err = max(err, w * abs(self.V - V_pred) / (self.step_tol * max(v_scale, abs(self.V), 1e-3)))
                if err <= 1.0 and dT <= dT_cap and dV <= dV_cap:
                    self._update_branch()
                    grow = min(2.0, max(0.2, 0.9 * max(err, 1e-12) ** (-1.0 / (order + 1))))
                    if self.last_sweeps > 8:        # hard nonlinear solve: do not lengthen the step
                        grow = min(grow, 1.0)
                    return h, h * grow, new_hist
                factor = min(0.9, max(0.2, 0.9 * err ** (-1.0 / (order + 1)))) if err > 1.0 else 0.5
            else:
                factor = 0.25
            self.n_rejected += 1
            if "runaway" in self._fail_reason:
                runaway = self._fail_reason
            self._restore(state)
            h *= factor
            if runaway is not None:          # an attempt passed T_limit_K: no shorter floor for a runaway
                dt_min = max(dt_min, floor_slow)
            if h < dt_min:
                if runaway is not None:
                    raise ConvergenceError(f"MottFilament: no acceptable time step down to {dt_min:.3g} s at "
                                           f"t = {self.t:.4g} s: {runaway}; refine the mesh, raise max_sweeps or "
                                           f"step_tol, or add series resistance")
                self._update_sigma(T_n)
                self._sync()
                r_f, _ = self.filament_radius()
                cells = int(np.sum(self._x <= r_f)) if self.geom.axisymmetric else int(np.sum(np.abs(self._x - _) <= r_f))
                raise ConvergenceError(
                    f"MottFilament: the coupled solve fails at t = {self.t:.4g} s even on steps of {dt_min:.3g} s, over "
                    f"which T changes by < 1 % of the error tolerance ({self._fail_reason}): T_max = {T_n.max():.4g} K "
                    f"rising at {rate:.3g} K/s, filament radius {r_f * 1e9:.3g} nm ({cells} cell(s)): the current is "
                    f"collapsing into a filament the grid cannot follow (the local Mott law lets it shrink without "
                    f"bound); set imt_length_m (e.g. 30e-9) to give filaments a minimum width, refine the mesh, "
                    f"or add series resistance")

    def reset(self) -> None:
        """Back to the initial state: T = T_ambient (plus the initial perturbation), V = 0, t = 0."""
        self.T.setValue(self._T_init)
        self.T.updateOld()
        self.branch[:] = 1.0
        self.V = self.G = self.t = 0.0
        self._E[:] = 0.0
        self._pattern = None
        self._T_prev = np.asarray(self.T.value).copy()
        self._update_sigma()
        self._sync()

    def transient(self, t_end: float, dt: float, *, n_snapshots: int = 5, dT_max: float | None = None,
                  dV_rel: float | None = None, quiet: bool = True, max_steps: int = 200000) -> xr.Dataset:
        """Integrate to ``t_end`` (s) with adaptive steps of at most ``dt`` (s).

        Fast core: variable-step BDF2 with the step chosen by a local-error estimate (below);
        ``dT_max`` (K) and ``dV_rel`` are optional extra caps.  Legacy core: backward Euler; a step
        is halved when the Picard sweeps do not converge, T changes by more than ``dT_max`` K
        (default 5) or V by more than ``dV_rel`` (default 0.02) of the source scale, and grows by 1.5
        when dT < dT_max / 2.

        Local error (fast core, :meth:`_lte_step`): Milne's device on the difference between the
        BDF2 corrector and the quadratic extrapolation of the last three accepted states; a step is
        accepted when the estimate is below ``step_tol`` times max(T_max - T_ambient, 1 K) in every
        cell (and ``step_tol`` times the voltage scale for V when a parallel capacitor makes V a
        state); the next step is h 0.9 err^(-1/3), clipped to [0.2 h, 2 h] and ``dt``.  (Hairer,
        Norsett & Wanner, Solving ODEs I, sec. II.4 and III.5.)  The first step is backward Euler
        with step doubling from 0.1 sqrt(step_tol) thermal times, the second backward Euler against
        the linear extrapolation.  The extrapolation is also the first iterate of the sweeps.

        Returns a Dataset over ``t`` (accepted steps) with V, I, I_source, V_source, T_max, T_mean,
        filament_radius, power, and ``n_snapshots`` T / phi maps at evenly spaced times.
        """
        t_end = validate.positive("t_end", t_end, "s")
        dt_max = validate.positive("dt", dt, "s")
        fast = self.core == "fast"
        if dT_max is None:
            dT_max = np.inf if fast else 5.0
        else:
            dT_max = validate.positive("dT_max", dT_max, "K")
        if dV_rel is None:
            dV_rel = np.inf if fast else 0.02
        else:
            dV_rel = validate.positive("dV_rel", dV_rel)
        c = self.circuit
        t_start = self.t
        snap_times = t_start + np.linspace(0, t_end, max(n_snapshots, 1) + 1)[1:] if n_snapshots else np.array([])
        rows = [dict(self._record(c), t=self.t, V_source=c.source(self.t) if not c.current_controlled else np.nan)]
        snaps, snap_t = [], []
        # first step: backward Euler with step doubling has error ~ h^2, the thermal response starts on the
        # thermal time, so sqrt(step_tol) thermal times / 10 is about the first accepted step
        h = min(dt_max, 0.1 * np.sqrt(self.step_tol) * self.thermal_time) if fast else dt_max
        hist: list = []
        bar = progress(total=100, desc=f"{self.material} transient", quiet=quiet, unit="%")
        shown = 0
        self.n_rejected = 0
        for _ in range(max_steps):
            if self.t >= t_start + t_end * (1 - 1e-12):
                break
            h = min(h, t_start + t_end - self.t)
            vs = 0.0 if c.current_controlled else max(abs(c.source(self.t)), abs(c.source(self.t + h)))
            capacitive = (not c.current_controlled) and c.R_series > 0 and c.C_parallel > 0
            dV_max = dV_rel * max(vs, abs(self.V), 1e-3) if capacitive else np.inf  # V is a state only with C
            if fast:
                taken, h, hist = self._lte_step(h, c, dT_max, dV_max, hist, capacitive, vs)
                h = min(h, dt_max)
            else:
                taken = self.advance(h, c, dT_max=dT_max, dV_max=dV_max)
                T = np.asarray(self.T.value)
                dT = float(np.max(np.abs(T - self._T_prev)))
                h = min(taken * 1.5, dt_max) if dT < 0.5 * dT_max else taken
            rows.append(dict(self._record(c), t=self.t,
                             V_source=c.source(self.t) if not c.current_controlled else np.nan))
            while len(snaps) < len(snap_times) and self.t >= snap_times[len(snaps)] * (1 - 1e-9):
                snaps.append(self._snapshot())
                snap_t.append(self.t)
            pct = int(100 * (self.t - t_start) / t_end)
            if pct > shown:
                bar.update(pct - shown)
                shown = pct
        else:
            raise ConvergenceError(f"MottFilament.transient: {max_steps} steps did not reach t_end = {t_end:g} s")
        bar.close()
        if not snaps:
            snaps, snap_t = [self._snapshot()], [self.t]
        ds = self._dataset("t", np.array([r.pop("t") for r in rows]), rows, snaps, np.array(snap_t),
                           {"experiment": "transient", **{k: str(v) for k, v in c.describe().items()}})
        ds["t"].attrs["units"] = "s"
        ds["snapshot"].attrs["units"] = "s"
        return ds
