"""Two-cell reaction-diffusion memristor cellular network (RD-MCNN) of Ascoli et al.

Circuit (Ascoli, Demirkol, Tetzlaff & Chua, "Edge of chaos is sine qua non for Turing
instability", IEEE TCAS-I 69, 4596 (2022); with cell capacitors: "Edge of chaos theory resolves
Smale paradox", IEEE TCAS-I 69, 1252 (2022); reviewed in Song et al., ACS Nano 17, 11994 (2023),
Figs. 12-13): each cell is a DC source ``V_s`` in series with ``R_s`` driving a locally active NbOx
memristor (state x_k = filament temperature T_k in K), optionally in parallel with a capacitor ``C``;
the two memristor top terminals are joined by the coupling resistor ``R_C`` (the "diffusion" path)::

    C_th dT_k/dt = G(T_k) v_k^2 - (T_k - T_amb)/R_th                              (k = 1, 2)
    C    dv_k/dt = (V_s - v_k)/R_s - G(T_k) v_k - (v_k - v_j)/R_C                 (C > 0: 4th order)
    0            = same right-hand side, solved for v                           (C = 0: 2nd order)

The homogeneous equilibrium (T1 = T2 = T_Q) does not depend on R_C. Its antisymmetric mode sees the
load R_s || (R_C/2), so it loses stability through a pitchfork when R_s || R_C/2 = |R_d(T_Q)|:
R_C,P = 2 / (1/|R_d| - 1/R_s) (R_d: DC differential resistance of the device, negative on the NDR
branch; the uncoupled cell must sit on the edge of chaos: locally active and stable). With
capacitors, the inhomogeneous (Turing) equilibria born there can lose stability through a Hopf
bifurcation at a smaller R_C (dynamic patterns).

Published values (NaMLab device, their cell): R_C,P = 49.75 Ohm, R_C,H = 28.1 Ohm. The NaMLab
memductance function is not public (see :mod:`compact.nbox_ascoli`); the default cell here uses the
documented model form with assumed device numbers, and cell values (T_Q, R_s, C) chosen with the
edge-of-chaos design rules above. Calibration vs prediction: ONE number is calibrated on the paper
(R_s, so that the pitchfork falls on 49.75 Ohm); C = 0.8 C_max is a fixed design margin; the Hopf point
is then a prediction (:meth:`TwoCellNetwork.predict_hopf`, Routh-Hurwitz on the Newton-continued
pattern branch, checked against the eigenvalue continuation of :meth:`TwoCellNetwork.find_bifurcations`).
"""

from __future__ import annotations

import numpy as np
import xarray as xr
from scipy.integrate import solve_ivp
from scipy.optimize import brentq

from compact.nbox_ascoli import NbOxAscoli
from matsim.core import validate
from matsim.core.errors import ConfigError, ConvergenceError

#: published bifurcation points (Ascoli et al., IEEE TCAS-I 2022, MetroXRAINE 2022;
#: Song et al., ACS Nano 2023, Figs. 12-13)
PUBLISHED_PITCHFORK_OHM = 49.75
PUBLISHED_HOPF_OHM = 28.1

#: default cell design (see :func:`design_cell`): operating temperature, and the capacitance as a
#: fraction of the largest edge-of-chaos capacitance C_max (a fixed 20 % stability margin, set before
#: and independent of the Hopf point; the one number calibrated on the paper is R_s <- 49.75 Ohm)
DEFAULT_T_Q = 350.0
DEFAULT_C_FRACTION = 0.80


def design_cell(device: NbOxAscoli, T_Q: float, R_C_pitchfork: float = PUBLISHED_PITCHFORK_OHM,
                C_fraction: float | None = None) -> dict:
    """Cell values that put the uncoupled cell on the edge of chaos at ``T_Q`` (K).

    R_s follows from the pitchfork condition R_s || R_C,P/2 = |R_d(T_Q)|; V_s = v_Q + i_Q R_s.
    The cell with a capacitor stays stable only for C < C_max = C_th (G + 1/R_s)/|a| (trace of the
    2x2 cell Jacobian); ``C_fraction`` * C_max is returned as ``C`` (None: no capacitor, 2nd order).
    """
    ss = device.small_signal(T_Q)
    if not (ss["R_d"] < 0 and ss["a"] < 0):
        raise ConfigError("T_Q", T_Q, f"a temperature on the NDR branch (> {device.ndr_onset():.1f} K) of the device")
    g = 1.0 / abs(ss["R_d"]) - 2.0 / validate.positive("R_C_pitchfork", R_C_pitchfork, "Ohm")
    if g <= 0:
        raise ConfigError("R_C_pitchfork", R_C_pitchfork,
                          f"> 2|R_d(T_Q)| = {2 * abs(ss['R_d']):.4g} Ohm for this device at T_Q = {T_Q:g} K")
    R_s = 1.0 / g
    out = {"V_s": float(ss["v"] + ss["i"] * R_s), "R_s": float(R_s), "C": None, "T_Q": float(T_Q),
           "R_d": float(ss["R_d"])}
    C_max = device.p.C_th * (ss["G"] + 1.0 / R_s) / abs(ss["a"])
    out["C_max"] = float(C_max)
    if C_fraction is not None:
        out["C"] = float(validate.in_range("C_fraction", C_fraction, 0.0, 1.0, inclusive=False) * C_max)
    return out


class TwoCellNetwork:
    """Two identical memristive cells coupled by a resistor R_C (given per call, in Ohm).

    Parameters
    ----------
    device : a memductance device (``memductance(T)``, ``dmemductance_dT(T)``, ``dc_point(T)``, the
        compact ``dstate_dt``), default :class:`compact.nbox_ascoli.NbOxAscoli`.
    V_s : bias source (V); R_s : series resistor (Ohm); C : cell capacitor (F) or None (2nd order).
    Default cell: :func:`design_cell` at T_Q = 350 K with the pitchfork placed at 49.75 Ohm and
    C = 0.80 C_max.
    """

    def __init__(self, device: NbOxAscoli | None = None, V_s: float | None = None, R_s: float | None = None,
                 C: float | None | str = "default"):
        self.device = device or NbOxAscoli()
        if V_s is None or R_s is None:
            d = design_cell(self.device, DEFAULT_T_Q, C_fraction=DEFAULT_C_FRACTION)
            V_s = d["V_s"] if V_s is None else V_s
            R_s = d["R_s"] if R_s is None else R_s
            if C == "default":
                C = d["C"]
        elif C == "default":
            C = None
        self.V_s = validate.positive("V_s", V_s, "V")
        self.R_s = validate.positive("R_s", R_s, "Ohm")
        self.C = None if C is None else validate.positive("C", C, "F")
        p = self.device.p
        self._Tamb, self._Rth, self._Cth, self._Tmax = p.T_ambient, p.R_th, p.C_th, p.T_max

    @property
    def order(self) -> int:
        return 2 if self.C is None else 4

    def __repr__(self) -> str:
        c = "no C" if self.C is None else f"C={self.C:.3g} F"
        return f"TwoCellNetwork(V_s={self.V_s:.4g} V, R_s={self.R_s:.4g} Ohm, {c}, device={self.device.name})"

    # ---- circuit ------------------------------------------------------------------------------
    def _check_RC(self, R_C) -> float:
        return validate.positive("R_C", R_C, "Ohm")

    def node_voltages(self, T, R_C: float) -> np.ndarray:
        """v (V) of both memristors for temperatures T (K), 2nd-order circuit (KCL solved exactly)."""
        G1, G2 = self.device.memductance(np.asarray(T, dtype=float))
        gs, gc = 1.0 / self.R_s, 1.0 / R_C
        a11, a22 = gs + G1 + gc, gs + G2 + gc
        det = a11 * a22 - gc * gc
        b = self.V_s * gs
        return np.array([b * (a22 + gc) / det, b * (a11 + gc) / det])

    def rhs(self, t, y, R_C: float) -> np.ndarray:
        """d/dt of (T1, T2) or (T1, T2, v1, v2)."""
        dev = self.device
        T = y[:2]
        v = self.node_voltages(T, R_C) if self.C is None else y[2:]
        G = dev.memductance(T)
        dT = (G * v * v - (T - self._Tamb) / self._Rth) / self._Cth
        if self.C is None:
            return dT
        dv = ((self.V_s - v) / self.R_s - G * v - (v - v[::-1]) / R_C) / self.C
        return np.concatenate([dT, dv])

    def jacobian(self, y, R_C: float) -> np.ndarray:
        """Analytic Jacobian of :meth:`rhs` at state ``y`` (2x2 or 4x4; 1/s)."""
        dev = self.device
        T = np.asarray(y[:2], dtype=float)
        G, dG = dev.memductance(T), dev.dmemductance_dT(T)
        Cth, Rth, gc = self._Cth, self._Rth, 1.0 / R_C
        if self.C is None:
            v = self.node_voltages(T, R_C)
            M = np.array([[1 / self.R_s + G[0] + gc, -gc], [-gc, 1 / self.R_s + G[1] + gc]])
            dv_dT = -np.linalg.solve(M, np.diag(dG * v))        # dv_i/dT_k
            J = np.diag((dG * v * v - 1 / Rth) / Cth) + (2 * G * v / Cth)[:, None] * dv_dT
            return J
        v = np.asarray(y[2:], dtype=float)
        J = np.zeros((4, 4))
        for k in range(2):
            J[k, k] = (dG[k] * v[k] ** 2 - 1 / Rth) / Cth
            J[k, 2 + k] = 2 * G[k] * v[k] / Cth
            J[2 + k, k] = -dG[k] * v[k] / self.C
            J[2 + k, 2 + k] = (-1 / self.R_s - G[k] - gc) / self.C
            J[2 + k, 3 - k] = gc / self.C
        return J

    # ---- equilibria ---------------------------------------------------------------------------
    def homogeneous_equilibrium(self) -> float:
        """T_Q (K) of the homogeneous state (independent of R_C); error if not unique."""
        dev = self.device
        Ts = np.linspace(self._Tamb + 1e-6, self._Tmax, 20001)
        r = self._cell_residual(Ts)
        idx = np.nonzero(r[:-1] * r[1:] < 0)[0]
        if len(idx) != 1:
            raise ConfigError("V_s", self.V_s, f"a bias giving one homogeneous operating point (found {len(idx)}) "
                              f"with R_s = {self.R_s:g} Ohm and device {dev.name}")
        return float(brentq(self._cell_residual, Ts[idx[0]], Ts[idx[0] + 1], xtol=1e-12))

    def _cell_residual(self, T):
        v, i = self.device.dc_point(T)
        return (self.V_s - v) / self.R_s - i

    def _pair_residual(self, T1, R_C):
        """For T1 on the device DC curve, close the circuit and return the mismatch of cell 2 (A)."""
        dev = self.device
        v1, i1 = dev.dc_point(T1)
        v2 = v1 - R_C * ((self.V_s - v1) / self.R_s - i1)
        i2 = (self.V_s - v2) / self.R_s - (v2 - v1) / R_C
        with np.errstate(invalid="ignore"):
            T2 = self._Tamb + self._Rth * v2 * i2
            ok = (v2 * i2 >= 0) & (T2 <= self._Tmax)
            res = np.where(ok, i2 - dev.memductance(np.where(ok, T2, self._Tamb)) * v2, np.nan)
        return res, T2, v1, v2

    def equilibria(self, R_C: float, n_grid: int = 20000) -> list[np.ndarray]:
        """All equilibria (T1, T2[, v1, v2]) at coupling R_C (Ohm), sorted by T1 - T2.

        Method: every steady state of a memristor lies on its DC curve (T <-> (v, i)); choosing T1
        fixes cell 1, KCL then fixes v2 and i2 and the remaining scalar mismatch is bracketed on a
        grid of T1 in [T_amb, T_max] and refined with Brent's method.
        """
        R_C = self._check_RC(R_C)
        T1 = np.linspace(self._Tamb + 1e-6, self._Tmax, n_grid)
        r = self._pair_residual(T1, R_C)[0]
        good = np.isfinite(r[:-1]) & np.isfinite(r[1:]) & (r[:-1] * r[1:] < 0)
        out = []
        for k in np.nonzero(good)[0]:
            t1 = brentq(lambda t: float(self._pair_residual(np.array(t), R_C)[0]), T1[k], T1[k + 1], xtol=1e-12)
            _, T2, v1, v2 = self._pair_residual(np.array(t1), R_C)
            y = np.array([t1, float(T2)]) if self.C is None else np.array([t1, float(T2), float(v1), float(v2)])
            out.append(y)
        # exact symmetric point: replace the bracketed one (grid-accurate) by the 1-D solution
        TQ = self.homogeneous_equilibrium()
        out = [y for y in out if abs(y[0] - y[1]) > 1e-6 * TQ]
        vQ, _ = self.device.dc_point(TQ)
        out.append(np.array([TQ, TQ]) if self.C is None else np.array([TQ, TQ, float(vQ), float(vQ)]))
        return sorted(out, key=lambda y: y[0] - y[1])

    def jacobian_eigenvalues(self, R_C: float) -> list[tuple[np.ndarray, np.ndarray]]:
        """[(equilibrium, eigenvalues (1/s)), ...] at R_C (Ohm)."""
        return [(y, np.linalg.eigvals(self.jacobian(y, R_C))) for y in self.equilibria(R_C)]

    # ---- continuation -------------------------------------------------------------------------
    def _homogeneous_growth(self, R_C: float) -> float:
        TQ = self._TQ
        vQ, _ = self.device.dc_point(TQ)
        y = np.array([TQ, TQ]) if self.C is None else np.array([TQ, TQ, vQ, vQ])
        return float(np.max(np.linalg.eigvals(self.jacobian(y, R_C)).real))

    def _branch_hopf_growth(self, R_C: float) -> float:
        """Largest real part among complex eigenvalues of the inhomogeneous equilibria (nan if none)."""
        vals = [ev for y, ev in self.jacobian_eigenvalues(R_C) if abs(y[0] - y[1]) > 1e-3]
        if not vals:
            return np.nan
        ev = vals[0]
        cplx = ev[np.abs(ev.imag) > 1e-9 * np.abs(ev).max()]
        return float(cplx.real.max()) if cplx.size else float(ev.real.max())

    def continuation(self, R_C_values=None, quiet: bool = True) -> xr.Dataset:
        """Equilibria and their stability over a grid of R_C (Ohm), largest first.

        Returns a Dataset over ``R_C`` with ``T_homogeneous``, ``growth_homogeneous`` (max Re of its
        eigenvalues, 1/s), ``T1_pattern``/``T2_pattern`` (the inhomogeneous equilibrium with
        T1 < T2, nan if none), ``growth_pattern`` and ``n_equilibria``.
        """
        from matsim.core.progress import progress
        R = np.sort(np.asarray(R_C_values if R_C_values is not None else np.geomspace(200.0, 5.0, 60), float))[::-1]
        self._TQ = self.homogeneous_equilibrium()
        n, g_h, t1, t2, g_p, imag_p = [], [], [], [], [], []
        for rc in progress(R, total=len(R), desc="R_C scan", quiet=quiet):
            pairs = self.jacobian_eigenvalues(rc)
            n.append(len(pairs))
            g_h.append(self._homogeneous_growth(rc))
            pat = [(y, ev) for y, ev in pairs if y[0] - y[1] < -1e-3 * y[0]]
            if pat:
                y, ev = min(pat, key=lambda p: p[0][0] - p[0][1])       # outermost (stable) branch
                t1.append(y[0]); t2.append(y[1]); g_p.append(ev.real.max()); imag_p.append(np.abs(ev[np.argmax(ev.real)].imag))
            else:
                t1.append(np.nan); t2.append(np.nan); g_p.append(np.nan); imag_p.append(np.nan)
        ds = xr.Dataset(
            {"T_homogeneous": ("R_C", np.full(len(R), self._TQ), {"units": "K"}),
             "growth_homogeneous": ("R_C", np.array(g_h), {"units": "1/s", "long_name": "max Re(eigenvalue)"}),
             "T1_pattern": ("R_C", np.array(t1), {"units": "K"}),
             "T2_pattern": ("R_C", np.array(t2), {"units": "K"}),
             "growth_pattern": ("R_C", np.array(g_p), {"units": "1/s"}),
             "omega_pattern": ("R_C", np.array(imag_p), {"units": "rad/s", "long_name": "Im of leading eigenvalue"}),
             "n_equilibria": ("R_C", np.array(n))},
            coords={"R_C": ("R_C", R, {"units": "Ohm"})},
            attrs={"model": repr(self), "order": self.order})
        return ds

    def find_bifurcations(self, R_C_range=(5.0, 200.0), n_scan: int = 40) -> dict:
        """Pitchfork (homogeneous state) and Hopf (inhomogeneous branch) points in Ohm.

        Pitchfork: the leading eigenvalue of the homogeneous equilibrium crosses zero (it is real);
        Hopf: the leading complex pair of the outer inhomogeneous equilibria crosses the imaginary
        axis (4th-order circuit only). Both refined with Brent's method after a log-spaced scan.
        Also returns the analytic pitchfork 2/(1/|R_d| - 1/R_s) as a check.
        """
        lo, hi = (validate.positive("R_C_range", v, "Ohm") for v in R_C_range)
        self._TQ = self.homogeneous_equilibrium()
        grid = np.geomspace(hi, lo, n_scan)
        out = {"pitchfork": None, "hopf": None, "T_Q": self._TQ}
        ss = self.device.small_signal(self._TQ)
        g = 1.0 / abs(ss["R_d"]) - 1.0 / self.R_s
        out["pitchfork_analytic"] = float(2.0 / g) if ss["R_d"] < 0 and g > 0 else None
        gh = np.array([self._homogeneous_growth(r) for r in grid])
        k = np.nonzero((gh[:-1] < 0) & (gh[1:] > 0))[0]
        if k.size:
            out["pitchfork"] = float(brentq(self._homogeneous_growth, grid[k[0] + 1], grid[k[0]], xtol=1e-10))
        if out["pitchfork"] is not None:
            sub = grid[grid < out["pitchfork"] * (1 - 1e-6)]
            gp = np.array([self._branch_hopf_growth(r) for r in sub])
            k = np.nonzero(np.isfinite(gp[:-1]) & np.isfinite(gp[1:]) & (gp[:-1] < 0) & (gp[1:] > 0))[0]
            if k.size:
                out["hopf"] = float(brentq(self._branch_hopf_growth, sub[k[0] + 1], sub[k[0]], xtol=1e-8))
        return out

    # ---- prediction of the Hopf point: Newton continuation + Routh-Hurwitz ----------------------
    def _newton_equilibrium(self, y0, R_C: float, tol: float = 1e-12, max_iter: int = 50) -> np.ndarray:
        """Equilibrium near ``y0`` by Newton's method on rhs(y) = 0 with the analytic Jacobian."""
        y = np.array(y0, dtype=float)
        scale = np.r_[1.0, 1.0, 1e-3, 1e-3][: y.size]
        for _ in range(max_iter):
            f = self.rhs(0.0, y, R_C)
            step = np.linalg.solve(self.jacobian(y, R_C), f)
            y = y - step
            if np.all(np.abs(step) < tol * (np.abs(y) + scale)):
                return y
        raise ConvergenceError(f"TwoCellNetwork: Newton continuation of the pattern branch failed at R_C = {R_C:g} Ohm")

    def pattern_branch(self, R_C_values) -> list[np.ndarray]:
        """Outer inhomogeneous equilibrium (T1 < T2) followed by natural-parameter continuation.

        Starts from the bracketed equilibrium at the first (largest) ``R_C`` and follows it with
        Newton steps on the full vector field (no grid search), one R_C value after the other.
        """
        R = [self._check_RC(r) for r in R_C_values]
        pats = [y for y in self.equilibria(R[0]) if y[0] - y[1] < -1e-3 * y[0]]
        if not pats:
            raise ConfigError("R_C_values", R[0], "a first coupling below the pitchfork (a Turing pattern exists)")
        y = min(pats, key=lambda p: p[0] - p[1])
        out = []
        for k, rc in enumerate(R):
            guess = y if k < 2 else out[-1] + (out[-1] - out[-2]) * (rc - R[k - 1]) / (R[k - 1] - R[k - 2])
            y = self._newton_equilibrium(guess, rc)
            if y[1] - y[0] < 1e-3 * y[0]:
                raise ConvergenceError(f"TwoCellNetwork.pattern_branch: Newton fell back to the homogeneous state at "
                                       f"R_C = {rc:g} Ohm; use a finer R_C grid")
            out.append(y.copy())
        return out

    @staticmethod
    def characteristic_coefficients(J: np.ndarray) -> np.ndarray:
        """Coefficients a_1..a_n of det(lambda I - J) = lambda^n + a_1 lambda^(n-1) + ... + a_n.

        a_k = (-1)^k * (sum of the k x k principal minors of J): no eigenvalue routine involved, so
        the Routh-Hurwitz test below is independent of the eigenvalue continuation.
        """
        from itertools import combinations
        n = J.shape[0]
        return np.array([(-1) ** k * sum(np.linalg.det(J[np.ix_(c, c)]) for c in combinations(range(n), k))
                         for k in range(1, n + 1)])

    @classmethod
    def hurwitz_margin(cls, J: np.ndarray) -> dict:
        """Routh-Hurwitz stability data of a 2x2 or 4x4 Jacobian.

        n = 2: stable iff a1 > 0 and a2 > 0; a Hopf point is a1 = 0 with a2 > 0.
        n = 4: stable iff all a_k > 0 and Delta_3 = a1 a2 a3 - a3^2 - a1^2 a4 > 0; a Hopf point is
        Delta_3 = 0 with a1, a3, a4 > 0 (Gantmacher, Theory of Matrices vol. 2, ch. XV; Liu,
        J. Math. Anal. Appl. 182, 250 (1994), for the Hopf criterion). Returns the coefficients,
        ``hopf`` (the quantity that crosses zero at a Hopf point) and ``others_positive``.
        """
        a = cls.characteristic_coefficients(J)
        if a.size == 2:
            return {"a": a, "hopf": float(a[0]), "others_positive": bool(a[1] > 0)}
        if a.size == 4:
            d3 = a[0] * a[1] * a[2] - a[2] ** 2 - a[0] ** 2 * a[3]
            return {"a": a, "hopf": float(d3), "others_positive": bool(a[0] > 0 and a[2] > 0 and a[3] > 0)}
        raise ConfigError("J", f"array{J.shape}", "a 2x2 or 4x4 Jacobian")

    def predict_hopf(self, R_C_pitchfork: float | None = None, R_C_min: float = 5.0, n_scan: int = 120) -> float | None:
        """Hopf point (Ohm) of the Turing-pattern branch by Routh-Hurwitz on the Newton-continued branch.

        Independent of :meth:`find_bifurcations` (grid-bracketed equilibria, eigenvalues): the branch
        is followed from just below the pitchfork to ``R_C_min`` with Newton steps, the Hurwitz
        quantity (Delta_3 for the 4th-order circuit, the trace for the 2nd-order one) is evaluated from
        the characteristic-polynomial coefficients and its sign change refined with Brent's method.
        None if the branch stays Hurwitz-stable (e.g. the 2nd-order circuit).
        """
        if R_C_pitchfork is None:
            ss = self.device.small_signal(self.homogeneous_equilibrium())
            R_C_pitchfork = 2.0 / (1.0 / abs(ss["R_d"]) - 1.0 / self.R_s)
        grid = np.geomspace(0.98 * R_C_pitchfork, validate.positive("R_C_min", R_C_min, "Ohm"), n_scan)
        branch = self.pattern_branch(grid)
        h = np.array([self.hurwitz_margin(self.jacobian(y, rc))["hopf"] for y, rc in zip(branch, grid, strict=True)])
        k = np.nonzero((h[:-1] > 0) & (h[1:] <= 0))[0]
        if not k.size:
            return None
        k = int(k[0])

        def f(rc):
            return self.hurwitz_margin(self.jacobian(self._newton_equilibrium(branch[k], rc), rc))["hopf"]
        return float(brentq(f, grid[k + 1], grid[k], xtol=1e-10))

    # ---- time domain --------------------------------------------------------------------------
    def simulate(self, R_C: float, T0=(300.0, 500.0), t_end: float = 2e-6, n_out: int = 2001,
                 v0=None, rtol: float = 1e-7) -> xr.Dataset:
        """Integrate from temperatures ``T0`` (K) (and capacitor voltages ``v0``, V; default: the
        resistive-divider values) over ``t_end`` seconds with Radau. Returns a Dataset over t with
        T1, T2, v1, v2, i1, i2 and ``attrs['pattern']`` from :func:`classify`."""
        R_C = self._check_RC(R_C)
        T0 = np.asarray(T0, dtype=float)
        if T0.shape != (2,):
            raise ConfigError("T0", T0.tolist(), "two initial temperatures (K)")
        self.device.check_state(T0[None, :], "T0")
        t_end = validate.positive("t_end", t_end, "s")
        y0 = T0
        if self.C is not None:
            v0 = self.node_voltages(T0, R_C) if v0 is None else validate.finite("v0", v0, "V")
            y0 = np.concatenate([T0, np.asarray(v0, float).reshape(2)])
        t = np.linspace(0.0, t_end, n_out)
        tau = self._Cth * self._Rth
        sol = solve_ivp(self.rhs, (0.0, t_end), y0, method="Radau", t_eval=t, args=(R_C,), rtol=rtol,
                        atol=np.r_[1e-6, 1e-6, 1e-9, 1e-9][: len(y0)], max_step=tau / 2,
                        jac=lambda tt, y, rc: self.jacobian(y, rc))
        if not sol.success or not np.all(np.isfinite(sol.y)):
            raise ConvergenceError(f"TwoCellNetwork.simulate: integration failed at t = {sol.t[-1]:.3g} s ({sol.message})")
        if np.any(sol.y[:2] > self._Tmax) or np.any(sol.y[:2] < 1.0):
            raise ConvergenceError(f"TwoCellNetwork.simulate: temperature left the device range [1, {self._Tmax:g}] K "
                                   f"(thermal runaway: reduce V_s or raise R_s)")
        T = sol.y[:2]
        v = np.array([self.node_voltages(T[:, j], R_C) for j in range(T.shape[1])]).T if self.C is None else sol.y[2:]
        i = self.device.memductance(T) * v
        ds = xr.Dataset({
            "T1": ("t", T[0], {"units": "K"}), "T2": ("t", T[1], {"units": "K"}),
            "v1": ("t", v[0], {"units": "V"}), "v2": ("t", v[1], {"units": "V"}),
            "i1": ("t", i[0], {"units": "A"}), "i2": ("t", i[1], {"units": "A"})},
            coords={"t": ("t", t, {"units": "s"})},
            attrs={"R_C_ohm": R_C, "model": repr(self), "device_parameters": self.device.params.to_json()})
        ds.attrs["pattern"] = classify(ds)
        return ds


def classify(ds: xr.Dataset, tail: float = 0.25, dT_static: float = 1.0, dT_osc: float = 0.5) -> str:
    """'homogeneous', 'static pattern' or 'oscillation' from the last ``tail`` fraction of a run.

    Oscillation: peak-to-peak of T1 above ``dT_osc`` K; static pattern: |mean(T1 - T2)| above
    ``dT_static`` K; else homogeneous.
    """
    n = ds.sizes["t"]
    last = slice(int(n * (1 - tail)), n)
    T1, T2 = ds["T1"].values[last], ds["T2"].values[last]
    if np.ptp(T1) > dT_osc:
        return "oscillation"
    if abs(np.mean(T1 - T2)) > dT_static:
        return "static pattern"
    return "homogeneous"
