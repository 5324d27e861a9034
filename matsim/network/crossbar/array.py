"""The crossbar array: exact nodal solve of M x N cells with wire, driver and sense resistances.

Every cell is a compact model (with its own state per cell) or a fixed conductance, optionally in
series with a selector (1S1R) or an access transistor (1T1R); see :mod:`matsim.network.crossbar.cells`.
Kirchhoff's current law at the 2 M N wire nodes (:mod:`matsim.network.crossbar.nodal`)::

    F_U = R U - b_r + I_cell(U - W) = 0      (word-line nodes)
    F_W = C W - b_c - I_cell(U - W) = 0      (bit-line nodes)

is solved by Newton-Raphson with the analytic Jacobian ``[[R + D, -D], [-D, C + D]]``,
``D = dI_cell/dV`` (each device's ``conductance``), with a device-voltage step limit and a
backtracking line search on ``|F|``. For linear cells one Newton step from any start is the exact
solution (plus one refinement step if the linear solve left a residual).

Output current of bit line j (into the sense amplifier held at ``v_cols[j]``)::

    I_out[j] = (W[M-1, j] - v_cols[j]) / (r_wire_col + r_sense)

With ``r_wire_row = r_wire_col = 0`` (ideal lines, no driver/sense resistance) and linear cells this is
``I_out = G^T v`` exactly. Conventions follow badcrossbar (Joksas & Mehonic, SoftwareX 2020).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse.linalg as spla
import xarray as xr

from matsim.core import validate
from matsim.core.errors import ConfigError, ConvergenceError
from matsim.core.progress import progress
from matsim.network.crossbar.cells import make_cell
from matsim.network.crossbar.nodal import ChainFactor, NodalSystem, assemble, chain_apply


@dataclass
class CrossbarSolution:
    """Result of :meth:`Crossbar.solve` (arrays in SI: V, A). Batched results have a leading input axis."""

    i_out: np.ndarray          #: (…, N) A, current into each bit-line sense amplifier
    v_row: np.ndarray          #: (…, M, N) V, word-line node voltages
    v_col: np.ndarray          #: (…, M, N) V, bit-line node voltages
    v_cell: np.ndarray         #: (…, M, N) V, voltage across each cell (v_row - v_col)
    i_cell: np.ndarray         #: (…, M, N) A, current through each cell (word line -> bit line)
    iterations: int = 0        #: Newton iterations (linear: 1, or 2 with refinement)
    linear_iterations: int = 0  #: total PCG iterations
    residual: float = 0.0      #: final max |KCL residual| / current scale
    history: list = field(default_factory=list)  #: relative residual after each Newton iteration

    ARRAYS = ("i_out", "v_row", "v_col", "v_cell", "i_cell")   # the per-input result arrays

    @classmethod
    def combine(cls, parts: list["CrossbarSolution"], join, iterations) -> "CrossbarSolution":
        """One batched solution from ``parts``: arrays joined by ``join`` (np.concatenate for batches,
        np.stack for single inputs), Newton iterations reduced by ``iterations`` (max or sum), PCG
        iterations summed, the worst residual kept."""
        out = cls(*(join([getattr(p, f) for p in parts]) for f in cls.ARRAYS))
        out.iterations = iterations(p.iterations for p in parts)
        out.linear_iterations = sum(p.linear_iterations for p in parts)
        out.residual = max(p.residual for p in parts)
        return out

    def to_dataset(self) -> xr.Dataset:
        """The solution as an ``xarray.Dataset`` with units in attrs."""
        lead = ("input",) if self.i_out.ndim == 2 else ()
        d2 = lead + ("row", "col")
        return xr.Dataset(
            {"i_out": (lead + ("col",), self.i_out, {"units": "A", "long_name": "bit-line output current"}),
             "v_row": (d2, self.v_row, {"units": "V", "long_name": "word-line node voltage"}),
             "v_col": (d2, self.v_col, {"units": "V", "long_name": "bit-line node voltage"}),
             "v_cell": (d2, self.v_cell, {"units": "V", "long_name": "cell voltage"}),
             "i_cell": (d2, self.i_cell, {"units": "A", "long_name": "cell current"})},
            attrs={"newton_iterations": self.iterations, "linear_iterations": self.linear_iterations,
                   "relative_residual": self.residual})


def _forcing(rel: float) -> float:
    """Relative tolerance of the linear solve in a Newton step at relative KCL residual ``rel``."""
    return max(1e-12, min(1e-4, 0.1 * rel))


class _NeedsDirect(Exception):
    """A batched Newton step needs the direct solver (negative dI/dV or a PCG stall): solve one by one."""


def _terminal(field: str, r, n: int) -> np.ndarray:
    """Per-line terminal resistance (Ohm): scalar or shape (n,), each >= 0 or inf (floating line)."""
    try:
        arr = np.asarray(r, dtype=float)
    except (TypeError, ValueError):
        raise ConfigError(field, r, f"a resistance >= 0 Ohm (inf = floating), scalar or {n} values") from None
    if arr.ndim == 0:
        arr = np.full(n, float(arr))
    if arr.shape != (n,) or np.any(np.isnan(arr)) or np.any(arr < 0):
        raise ConfigError(field, r, f"a resistance >= 0 Ohm (inf = floating), scalar or {n} values")
    return arr


class Crossbar:
    """An M x N crossbar of cells with wire resistance.

    Parameters
    ----------
    rows, cols : array size M x N.
    device : a :class:`compact.base.CompactModel` instance (one model for all cells, the state differs)
        or conductances (S), scalar or shape ``(rows, cols)``.
    state : device states, shape ``(n_state, rows, cols)`` (default: the model's initial state).
    r_wire_row, r_wire_col : wire-segment resistance between neighbouring crosspoints (Ohm); 0 = ideal line.
    r_driver : word-line driver output resistance (Ohm), scalar or one per row (``inf``: floating line).
    r_sense : sense-amplifier input resistance (Ohm), scalar or one per column (``inf``: floating line).
    cell : ``"1R"``, ``"1S1R"`` (``selector``: a compact model, default :class:`compact.selector.Selector`)
        or ``"1T1R"`` (``transistor``: default :class:`~matsim.network.crossbar.cells.LinearTransistor`).
    T : ambient temperature (K) passed to the device model (None: the model's ``T_ambient``).
    """

    def __init__(self, rows: int, cols: int, device, r_wire_row: float = 0.0, r_wire_col: float = 0.0,
                 r_driver=0.0, r_sense=0.0, cell: str = "1R", selector=None, *, state=None,
                 transistor=None, T: float | None = None):
        self.rows = validate.positive_int("rows", rows)
        self.cols = validate.positive_int("cols", cols)
        self.r_wire_row = validate.non_negative("r_wire_row", r_wire_row, "Ohm")
        self.r_wire_col = validate.non_negative("r_wire_col", r_wire_col, "Ohm")
        self.r_driver = _terminal("r_driver", r_driver, self.rows)
        self.r_sense = _terminal("r_sense", r_sense, self.cols)
        if self.r_wire_row == 0 and np.any(self.r_driver > 0):
            raise ConfigError("r_driver", r_driver, "0 Ohm when r_wire_row = 0 (an ideal word line has no "
                              "distributed nodes; give r_wire_row > 0 to model a driver resistance)")
        if self.r_wire_col == 0 and np.any(self.r_sense > 0):
            raise ConfigError("r_sense", r_sense, "0 Ohm when r_wire_col = 0 (give r_wire_col > 0 to model a "
                              "sense resistance)")
        self.device, self.cell_type, self.selector, self.transistor, self.T = device, cell, selector, transistor, T
        self.cell = make_cell(device, state, T, cell, selector, transistor, (self.rows, self.cols))
        M, N = self.rows, self.cols
        self.rows_ideal, self.cols_ideal = self.r_wire_row == 0, self.r_wire_col == 0
        g_row = np.inf if self.rows_ideal else 1.0 / self.r_wire_row
        g_col = np.inf if self.cols_ideal else 1.0 / self.r_wire_col
        g_row0 = np.inf if self.rows_ideal else 1.0 / (self.r_wire_row + self.r_driver)   # (M,), 0 = floating
        g_col0 = np.inf if self.cols_ideal else 1.0 / (self.r_wire_col + self.r_sense)    # (N,)
        self.system = NodalSystem(M, N, g_row, g_row0, g_col, g_col0)
        self._factors = None
        self._geff = None          # (cell conductances it was computed for, G_eff)
        self.adc_range = None      # calibrated ADC full scale per bit line (A), see operations.calibrate_adc

    # ---- state ----------------------------------------------------------------------------------
    @property
    def linear(self) -> bool:
        return bool(self.cell.linear)

    @property
    def element(self):
        """The memory element of every cell (the device; inside a SeriesCell it is the second element)."""
        return getattr(self.cell, "b", self.cell)

    @property
    def state(self) -> np.ndarray | None:
        return getattr(self.element, "state", None)

    @state.setter
    def state(self, x) -> None:
        el = self.element
        if not hasattr(el, "model"):
            raise ConfigError("state", "<array>", "a crossbar of compact-model devices (this one has fixed conductances)")
        x = np.asarray(x, dtype=float)
        if x.shape != (el.model.n_state, self.rows, self.cols):
            raise ConfigError("state", f"array{x.shape}", f"shape {(el.model.n_state, self.rows, self.cols)}")
        el.state = el.model.clip_state(x)
        self._factors = None

    def set_conductances(self, G) -> None:
        """Replace fixed conductances (S, shape (rows, cols))."""
        from matsim.network.crossbar.cells import FixedConductance
        G = np.asarray(G, dtype=float)
        if G.shape != (self.rows, self.cols):
            raise ConfigError("conductances", f"array{G.shape}", f"shape {(self.rows, self.cols)}")
        new = FixedConductance(G)
        if hasattr(self.cell, "b"):
            self.cell.b = new
        else:
            self.cell = new
        self._factors = None

    def cell_conductance(self, v_read: float = 0.1) -> np.ndarray:
        """Chord conductance ``I(v_read)/v_read`` (S) of every cell alone (no wires), shape (rows, cols)."""
        v = np.full((self.rows, self.cols), float(v_read))
        return self.cell.current(v) / v

    def effective_conductance(self) -> np.ndarray:
        """Exact transfer matrix ``G_eff`` (S, shape (cols, rows)) of a linear-cell array: ``I_out = G_eff V``
        with IR drop (see :mod:`matsim.network.crossbar.transfer`). Cached; recomputed whenever the cell
        conductances differ from those it was computed for (reprogramming, new states)."""
        from matsim.network.crossbar.transfer import effective_conductance
        D = np.asarray(self.cell.conductance(np.zeros((self.rows, self.cols))), dtype=float) if self.linear else None
        if self._geff is None or D is None or not np.array_equal(self._geff[0], D):
            self._geff = (None if D is None else D.copy(), effective_conductance(self))
        return self._geff[1]

    # ---- inputs -----------------------------------------------------------------------------------
    def _inputs(self, v_rows, v_cols, batch: bool):
        M, N = self.rows, self.cols
        V = validate.finite("v_rows", v_rows, "V")
        V = np.atleast_1d(np.asarray(V, dtype=float))
        want = (V.shape[0], M) if batch else (M,)
        if batch and (V.ndim != 2 or V.shape[1] != M):
            raise ConfigError("v_rows", f"array{V.shape}", f"shape (n_inputs, rows) = (K, {M}) in V")
        if not batch and V.shape != (M,):
            if V.size == 1:
                V = np.full(M, float(V.ravel()[0]))
            else:
                raise ConfigError("v_rows", f"array{V.shape}", f"shape (rows,) = ({M},) in V")
        vc = np.asarray(validate.finite("v_cols", v_cols, "V"), dtype=float)
        if vc.ndim == 0:
            vc = np.full(want[:-1] + (N,), float(vc))
        elif vc.shape != (N,) and vc.shape != want[:-1] + (N,):
            raise ConfigError("v_cols", f"array{vc.shape}", f"a scalar or shape (cols,) = ({N},) in V")
        if batch and vc.ndim == 1:
            vc = np.broadcast_to(vc, (V.shape[0], N))
        return V, vc

    # ---- linear algebra -----------------------------------------------------------------------------
    def _linsolve(self, D, FU, FW, rtol, factors=None):
        """Solve J d = -F for the active blocks; D (MN,), FU (MN, K), FW (MN, K) chain order."""
        s = self.system
        M, N = self.rows, self.cols
        if not np.all(np.isfinite(D)):
            raise ConvergenceError("crossbar: a cell conductance dI/dV is not finite (device overflow)")
        if self.rows_ideal and self.cols_ideal:
            return None, None, 0
        if np.any(D < 0):
            return self._direct(D, FU, FW)
        if self.rows_ideal:
            Q = factors[1] if factors else ChainFactor(N, M, s.g_col0, s.g_col, s.to_col(D))
            return None, Q.solve(-FW), 0
        if self.cols_ideal:
            P = factors[0] if factors else ChainFactor(M, N, s.g_row0, s.g_row, D)
            return P.solve(-FU), None, 0
        x, y, it, relres = s.solve_block(D, -FU, -FW, rtol=rtol, factors=factors)
        if np.any(relres > 1e3 * rtol):
            return self._direct(D, FU, FW)
        return x, y, it

    def _direct(self, D, FU, FW):
        """SuperLU on the assembled matrix (negative differential conductance, or PCG trouble)."""
        s = self.system
        M, N = self.rows, self.cols
        n = M * N
        big = 1e12 * max(np.max(np.abs(D)), 1.0)
        g_row = big if self.rows_ideal else s.g_row
        g_col = big if self.cols_ideal else s.g_col
        A = assemble(M, N, g_row, big if self.rows_ideal else s.g_row0, g_col,
                     big if self.cols_ideal else s.g_col0, D)
        K = (FU if FU is not None else FW).shape[1]
        rhs = np.zeros((2 * n, K))
        if FU is not None:
            rhs[:n] = -FU
        if FW is not None:
            rhs[n:] = -s.to_row(FW)
        sol = spla.splu(A).solve(rhs)
        return (None if self.rows_ideal else sol[:n]), (None if self.cols_ideal else s.to_col(sol[n:])), 0

    def _rhs(self, V, vc):
        """b_r (MN, K) row-major and b_c (MN, K) chain order for inputs V (K, M), vc (K, N)."""
        M, N = self.rows, self.cols
        K = V.shape[0]
        s = self.system
        b_r = np.zeros((M, N, K))
        if not self.rows_ideal:
            b_r[:, 0, :] = s.g_row0[:, None] * V.T
        b_c = np.zeros((N, M, K))
        if not self.cols_ideal:
            b_c[:, 0, :] = s.g_col0[:, None] * vc.T
        return b_r.reshape(M * N, K), b_c.reshape(M * N, K)

    def _residual(self, U, W, b_r, b_c, cellI):
        """KCL residuals (A) FU (row-major) and FW (chain order); U, W row-major (MN, K)."""
        s = self.system
        M, N = self.rows, self.cols
        FU = None if self.rows_ideal else chain_apply(U, M, N, s.g_row0, s.g_row) - b_r + cellI
        FW = None if self.cols_ideal else chain_apply(s.to_col(W), N, M, s.g_col0, s.g_col) - b_c - s.to_col(cellI)
        return FU, FW

    def _cell_eval(self, U, W, derivative=True):
        M, N = self.rows, self.cols
        K = U.shape[1]
        v = (U - W).T.reshape(K, M, N)
        if K == 1:
            v = v[0]
        I = np.asarray(self.cell.current(v), dtype=float).reshape(K, M * N).T
        D = np.asarray(self.cell.conductance(v), dtype=float).reshape(K, M * N).T if derivative else None
        return I, D

    # ---- solve ----------------------------------------------------------------------------------------
    def solve(self, v_rows, v_cols=0.0, state=None, tol: float = 1e-10, max_iter: int = 100,
              dv_max: float = 0.5, initial: CrossbarSolution | None = None) -> CrossbarSolution:
        """Node voltages and currents for word-line drive ``v_rows`` (V, shape (rows,)).

        ``v_cols``: sense-amplifier (virtual ground) voltages of the bit lines (V). ``state``: device
        states to use (and keep). ``tol``: relative KCL residual for Newton convergence; ``dv_max``:
        largest change of any cell voltage per Newton step (V). Raises ConvergenceError (with the
        residual) if Newton does not converge in ``max_iter`` iterations.
        """
        if state is not None:
            self.state = state
        V, vc = self._inputs(v_rows, v_cols, batch=False)
        if self.linear:
            return self._solve_linear(V[None, :], vc[None, :], squeeze=True)
        return self._newton(V, vc, tol, max_iter, dv_max, initial)

    def solve_many(self, V, v_cols=0.0, tol: float = 1e-10, max_iter: int = 100, dv_max: float = 0.5,
                   quiet: bool = False, max_batch: int | None = None, batch_newton: bool | None = None) -> CrossbarSolution:
        """Solve for K input vectors ``V`` (shape (K, rows)); results have a leading input axis.

        Linear cells: all right-hand sides in one batched PCG sharing the chain factorizations.
        Nonlinear cells (``batch_newton``, wires on both line families): one vectorized Newton for a batch of
        inputs — every input has its own Jacobian; the K chain systems are stacked into one LAPACK
        factorization per wire family and the block PCG runs on all inputs at once, with a per-input step
        limit and line search. Otherwise (or if the batch fails: negative differential conductance) one
        Newton solve per input, each started from the previous solution. Default (None): batched for arrays
        of at most 2048 cells (measured, 16 inputs, 1S1R StanfordPKU, 2 Ohm: 16^2 7x faster; 64^2 equal;
        128^2 0.7x, since the PCG is memory-bound and the one-by-one path reuses the previous solution).
        ``max_batch``: right-hand sides per batch (default ~2.5e5 / (rows * cols)).
        """
        V, vc = self._inputs(V, v_cols, batch=True)
        if self.linear:
            # PCG is memory-bound: batches beyond ~2.5e5 cell-inputs are no faster per vector (measured)
            chunk = max(1, int(2.5e5 // (self.rows * self.cols))) if max_batch is None else \
                validate.positive_int("max_batch", max_batch)
            if V.shape[0] <= chunk:
                return self._solve_linear(V, vc, squeeze=False)
            parts = [self._solve_linear(V[k:k + chunk], vc[k:k + chunk], squeeze=False)
                     for k in range(0, V.shape[0], chunk)]
            return CrossbarSolution.combine(parts, np.concatenate, max)
        if batch_newton is None:
            batch_newton = self.rows * self.cols <= 2048
        if batch_newton and V.shape[0] > 1 and not (self.rows_ideal or self.cols_ideal):
            chunk = max(1, int(2.5e5 // (self.rows * self.cols))) if max_batch is None else \
                validate.positive_int("max_batch", max_batch)
            try:
                parts = [self._newton_batch(V[k:k + chunk], vc[k:k + chunk], tol, max_iter, dv_max)
                         for k in range(0, V.shape[0], chunk)]
                return CrossbarSolution.combine(parts, np.concatenate, max)
            except (ConvergenceError, _NeedsDirect):
                pass                     # negative differential conductance or a hard input: one at a time
        sols, prev = [], None
        for k in progress(range(V.shape[0]), desc="crossbar solves", quiet=quiet):
            prev = self._newton(V[k], vc[k], tol, max_iter, dv_max, prev)
            sols.append(prev)
        return CrossbarSolution.combine(sols, np.stack, sum)

    def _solve_linear(self, V, vc, squeeze: bool, rtol: float = 1e-13) -> CrossbarSolution:
        M, N = self.rows, self.cols
        U = np.repeat(V.T, N, axis=0)                              # (MN, K): U[i*N+j] = V[i]
        W = np.tile(vc.T, (M, 1))                                  # (MN, K): W[i*N+j] = vc[j]
        D = np.asarray(self.cell.conductance(np.zeros((M, N))), dtype=float).ravel()
        if self._factors is None and not (self.rows_ideal or self.cols_ideal) and np.all(D >= 0):
            self._factors = self.system.factor(D)
        elif self._factors is None and not (self.rows_ideal and self.cols_ideal):
            s = self.system
            self._factors = (None if self.rows_ideal else ChainFactor(M, N, s.g_row0, s.g_row, D),
                             None if self.cols_ideal else ChainFactor(N, M, s.g_col0, s.g_col, s.to_col(D)))
        b_r, b_c = self._rhs(V, vc)
        lin_it = 0
        history = []
        scale = None
        for it in range(1, 4):
            cellI = D[:, None] * (U - W)
            FU, FW = self._residual(U, W, b_r, b_c, cellI)
            scale = self._scale(cellI, V) if scale is None else scale
            rel = self._relres(FU, FW, scale)
            history.append(rel)
            if rel <= 1e-11 and it > 1:     # KCL target is 1e-9; round-off floor ~1e-12
                break
            dU, dW, li = self._linsolve(D, FU, FW, rtol, self._factors)
            lin_it += li
            if dU is not None:
                U = U + dU
            if dW is not None:
                W = W + self.system.to_row(dW)
        cellI = D[:, None] * (U - W)
        FU, FW = self._residual(U, W, b_r, b_c, cellI)
        rel = self._relres(FU, FW, scale)
        sol = self._pack(U, W, cellI, vc, squeeze)
        sol.iterations, sol.linear_iterations, sol.residual, sol.history = it, lin_it, float(rel), history
        return sol

    @staticmethod
    def _scale(cellI, V):
        return max(float(np.max(np.abs(cellI))) if cellI.size else 0.0, 1e-30)

    @staticmethod
    def _relres(FU, FW, scale):
        r = 0.0
        for F in (FU, FW):
            if F is not None and F.size:
                r = max(r, float(np.max(np.abs(F))))
        return r / scale

    def _pack(self, U, W, cellI, vc, squeeze):
        M, N = self.rows, self.cols
        K = U.shape[1]
        s = self.system
        Ur = U.T.reshape(K, M, N)
        Wr = W.T.reshape(K, M, N)
        if self.cols_ideal:
            i_out = cellI.T.reshape(K, M, N).sum(axis=1)
        else:
            i_out = s.g_col0 * (Wr[:, -1, :] - vc)
        sol = CrossbarSolution(i_out, Ur, Wr, Ur - Wr, cellI.T.reshape(K, M, N))
        if squeeze:
            for f in CrossbarSolution.ARRAYS:
                setattr(sol, f, getattr(sol, f)[0])
        return sol

    def _newton(self, V, vc, tol, max_iter, dv_max, initial=None) -> CrossbarSolution:
        M, N = self.rows, self.cols
        validate.positive("dv_max", dv_max, "V")
        U = np.repeat(V, N)[:, None].astype(float)
        W = np.tile(vc, M)[:, None].astype(float)
        if initial is not None:
            if not self.rows_ideal:
                U = np.asarray(initial.v_row, float).reshape(M * N, 1).copy()
            if not self.cols_ideal:
                W = np.asarray(initial.v_col, float).reshape(M * N, 1).copy()
        b_r, b_c = self._rhs(V[None, :], vc[None, :])
        I, D = self._cell_eval(U, W)
        FU, FW = self._residual(U, W, b_r, b_c, I)
        lin_it, history = 0, []

        def scale_of(I):
            return max(float(np.max(np.abs(I))), 1e-18)

        rel = self._relres(FU, FW, scale_of(I))
        history.append(rel)
        it = 0
        while rel > tol:
            if it >= max_iter:
                raise ConvergenceError(
                    f"crossbar Newton did not converge in {max_iter} iterations: relative KCL residual "
                    f"{rel:.3e} (tolerance {tol:g}); history {[f'{h:.2e}' for h in history[-5:]]}. "
                    "Try a smaller dv_max, more max_iter, or check the device model at these voltages.")
            it += 1
            # inexact Newton (Eisenstat & Walker, SIAM J. Sci. Comput. 17, 16 (1996)): the linear solve only
            # needs to beat the current nonlinear residual; tight near convergence
            dU, dWc, li = self._linsolve(D.ravel(), FU, FW, _forcing(rel))
            lin_it += li
            dU = np.zeros_like(U) if dU is None else dU
            dW = np.zeros_like(W) if dWc is None else self.system.to_row(dWc)
            step = float(np.max(np.abs(dU - dW))) if dU.size else 0.0
            alpha = min(1.0, dv_max / step) if step > 0 else 1.0
            merit = np.sqrt(sum(float(np.sum(F ** 2)) for F in (FU, FW) if F is not None))
            for _ in range(12):
                Un, Wn = U + alpha * dU, W + alpha * dW
                In, Dn = self._cell_eval(Un, Wn)
                FUn, FWn = self._residual(Un, Wn, b_r, b_c, In)
                mnew = np.sqrt(sum(float(np.sum(F ** 2)) for F in (FUn, FWn) if F is not None))
                if np.isfinite(mnew) and mnew <= (1 - 1e-4 * alpha) * merit:
                    break
                alpha *= 0.5
            if not np.isfinite(mnew):
                raise ConvergenceError(f"crossbar Newton: non-finite residual at iteration {it} "
                                       f"(last relative residual {rel:.3e})")
            U, W, I, D, FU, FW = Un, Wn, In, Dn, FUn, FWn
            rel = self._relres(FU, FW, scale_of(I))
            history.append(rel)
        sol = self._pack(U, W, I, vc[None, :], squeeze=True)
        sol.iterations, sol.linear_iterations, sol.residual, sol.history = it, lin_it, float(rel), history
        return sol

    def _newton_batch(self, V, vc, tol, max_iter, dv_max) -> CrossbarSolution:
        """Newton-Raphson for K inputs at once (V (K, M), vc (K, N)); see solve_many."""
        M, N = self.rows, self.cols
        validate.positive("dv_max", dv_max, "V")
        U = np.repeat(V.T, N, axis=0).astype(float)                 # (MN, K)
        W = np.tile(vc.T, (M, 1)).astype(float)
        b_r, b_c = self._rhs(V, vc)
        I, D = self._cell_eval(U, W)
        FU, FW = self._residual(U, W, b_r, b_c, I)

        def per_input(F1, F2):
            return np.sqrt(np.sum(F1 ** 2, axis=0) + np.sum(F2 ** 2, axis=0))

        def rel_of(F1, F2, I):
            r = np.maximum(np.max(np.abs(F1), axis=0), np.max(np.abs(F2), axis=0))
            return r / np.maximum(np.max(np.abs(I), axis=0), 1e-18)

        rel = rel_of(FU, FW, I)
        history = [float(rel.max())]
        it, lin_it = 0, 0
        while np.any(rel > tol):
            if it >= max_iter:
                raise ConvergenceError(f"crossbar batched Newton: no convergence in {max_iter} iterations "
                                       f"(worst relative KCL residual {rel.max():.3e})")
            it += 1
            if np.any(D < 0) or not np.all(np.isfinite(D)):
                raise _NeedsDirect()
            factors = self.system.factor(D)
            eta = _forcing(float(np.min(rel[rel > tol])))
            dU, dWc, li, relres = self.system.solve_block(D, -FU, -FW, rtol=eta, factors=factors)
            if np.any(relres > 1e3 * eta):
                raise _NeedsDirect()
            lin_it += li
            dW = self.system.to_row(dWc)
            step = np.max(np.abs(dU - dW), axis=0)
            alpha = np.where(step > 0, np.minimum(1.0, dv_max / np.where(step > 0, step, 1.0)), 1.0)
            merit = per_input(FU, FW)
            done = rel <= tol
            alpha = np.where(done, 0.0, alpha)
            accepted = done.copy()
            for _ in range(12):
                Un, Wn = U + alpha * dU, W + alpha * dW
                In, Dn = self._cell_eval(Un, Wn)
                FUn, FWn = self._residual(Un, Wn, b_r, b_c, In)
                mnew = per_input(FUn, FWn)
                ok = np.isfinite(mnew) & (mnew <= (1 - 1e-4 * alpha) * merit)
                accepted |= ok
                if np.all(accepted):
                    break
                alpha = np.where(accepted, alpha, 0.5 * alpha)
            if not np.all(np.isfinite(mnew)):
                raise ConvergenceError("crossbar batched Newton: non-finite residual")
            U, W, I, D, FU, FW = Un, Wn, In, Dn, FUn, FWn
            rel = rel_of(FU, FW, I)
            history.append(float(rel.max()))
        sol = self._pack(U, W, I, vc, squeeze=False)
        sol.iterations, sol.linear_iterations, sol.residual, sol.history = it, lin_it, float(rel.max()), history
        return sol

    # ---- operations (see matsim.network.crossbar.operations) -----------------------------------------
    def read(self, x, v_read: float = 0.2, bits_dac: int | None = None, bits_adc: int | None = None, **kw):
        """Vector-matrix multiply with DAC/ADC quantization and read noise: bit-line currents (A)."""
        from matsim.network.crossbar.operations import read
        return read(self, x, v_read, bits_dac, bits_adc, **kw)

    def calibrate_adc(self, X_cal, v_read: float = 0.2, bits_dac: int | None = None, margin: float = 1.0):
        """Fix the per-column ADC full scale on calibration inputs; see operations.calibrate_adc."""
        from matsim.network.crossbar.operations import calibrate_adc
        return calibrate_adc(self, X_cal, v_read, bits_dac, margin)

    def program(self, target_G, scheme: str = "V/2", verify: bool = True, tolerance: float = 0.05,
                max_pulses: int = 100, **kw) -> xr.Dataset:
        """Write-verify every cell to ``target_G`` (S) with the V/2 or V/3 scheme; see operations.program."""
        from matsim.network.crossbar.operations import program
        return program(self, target_G, scheme, verify, tolerance, max_pulses, **kw)

    # ---- checks ---------------------------------------------------------------------------------------
    def kcl_residual(self, sol: CrossbarSolution, v_rows, v_cols=0.0) -> float:
        """Max |KCL residual| over all nodes relative to the largest cell current, recomputed from the
        assembled sparse matrix of the wires and the cell law (an independent check of ``sol``)."""
        M, N = self.rows, self.cols
        V, vc = self._inputs(v_rows, v_cols, batch=False)
        Icell = np.asarray(self.cell.current(sol.v_row - sol.v_col), dtype=float)
        res = np.zeros((2, M, N))
        if not self.rows_ideal:
            g = self.system.g_row
            Uv = sol.v_row
            res[0] += Icell
            res[0, :, 0] += self.system.g_row0 * (Uv[:, 0] - V)
            res[0, :, 1:] += g * (Uv[:, 1:] - Uv[:, :-1])
            res[0, :, :-1] += g * (Uv[:, :-1] - Uv[:, 1:])
        if not self.cols_ideal:
            g = self.system.g_col
            Wv = sol.v_col
            res[1] -= Icell
            res[1, -1, :] += self.system.g_col0 * (Wv[-1, :] - vc)
            res[1, 1:, :] += g * (Wv[1:, :] - Wv[:-1, :])
            res[1, :-1, :] += g * (Wv[:-1, :] - Wv[1:, :])
        return float(np.max(np.abs(res)) / max(np.max(np.abs(Icell)), 1e-30))
