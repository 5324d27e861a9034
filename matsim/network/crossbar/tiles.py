"""A weight matrix on analog tiles: differential conductance pairs, exact IR drop, calibrated peripherals.

``W`` (n_out, n_in) is split into tiles of at most ``io.tile_size`` physical (rows, cols); output k of a
tile uses the column pair (G+, G-) with (Burr et al., Adv. Phys. X 2, 89 (2017))::

    G± = G_min + (G_max - G_min) clip(±W, 0, w_max) / w_max

Partial sums of the tiles of one column block are added digitally (each tile has its own DAC/ADC, see
:mod:`.io`). A tile with wire resistance is a :class:`~matsim.network.crossbar.Crossbar` of fixed
conductances; its exact IR-drop map ``G_eff`` (:mod:`.transfer`, cached by the crossbar and recomputed
when the conductances change) gives the effective weights::

    W_eff = w_max (G_eff[+] - G_eff[-]) / (G_max - G_min)        (forward:  y = W_eff u)
    backward (transposed read, reciprocity):                      z = W_eff^T d

so exact IR drop costs one matrix product per read. With ideal lines ``W_eff = W``.
"""

from __future__ import annotations

import numpy as np

from matsim.core import validate
from matsim.core.errors import ConfigError
from matsim.core.rng import make_rng
from matsim.network.crossbar.io import IOParameters
from matsim.network.crossbar.operations import quantize


class TiledMatrix:
    """``W`` (n_out, n_in) on tiles; :meth:`forward` ``y = W x`` and :meth:`backward` ``z = W^T d`` through
    the peripherals of ``io``. ``w_max``: weight of a fully-on pair (None: ``max |W|`` at each programming)."""

    def __init__(self, n_in: int, n_out: int, io: IOParameters, w_max: float | None = None, seed=None,
                 index: int = 0):
        if not isinstance(io, IOParameters):
            raise ConfigError("io", type(io).__name__, "an IOParameters instance")
        self.n_in = validate.positive_int("n_in", n_in)
        self.n_out = validate.positive_int("n_out", n_out)
        self.io = io
        self.w_max_fixed = None if w_max is None else validate.positive("w_max", w_max)
        rows, cols = io.tile_size
        outs = cols // 2
        self.in_blocks = [slice(a, min(a + rows, n_in)) for a in range(0, n_in, rows)]
        self.out_blocks = [slice(a, min(a + outs, n_out)) for a in range(0, n_out, outs)]
        self.rng = make_rng(seed, stream=(13, index))
        self.W = None
        self.w_max = 1.0
        self.Weff: dict = {}
        self.crossbars: dict = {}
        self.adc_range: dict | None = None
        self._Wlin: dict = {}

    @property
    def n_tiles(self) -> int:
        return len(self.in_blocks) * len(self.out_blocks)

    def tiles(self):
        for r, rb in enumerate(self.in_blocks):
            for c, cb in enumerate(self.out_blocks):
                yield (r, c), rb, cb

    # ---- programming ----------------------------------------------------------------------------
    def conductances(self, Wb: np.ndarray) -> np.ndarray:
        """Conductance pairs (S) of a weight block (outs, ins): shape (ins, 2 outs), columns (G+, G-)."""
        io = self.io
        span = io.G_max - io.G_min
        wm = self.w_max
        G = np.empty((Wb.shape[1], 2 * Wb.shape[0]))
        G[:, 0::2] = (io.G_min + span * np.clip(Wb, 0, wm) / wm).T
        G[:, 1::2] = (io.G_min + span * np.clip(-Wb, 0, wm) / wm).T
        return G

    def set_weights(self, W) -> None:
        """Program ``W`` (n_out, n_in); tiles whose weights did not change keep their cached ``G_eff``."""
        W = np.asarray(W, dtype=float)
        if W.shape != (self.n_out, self.n_in):
            raise ConfigError("W", f"array{W.shape}", f"shape (n_out, n_in) = {(self.n_out, self.n_in)}")
        if self.W is not None and np.array_equal(W, self.W):
            return
        self.W = W.copy()
        wm = self.w_max_fixed if self.w_max_fixed is not None else float(np.max(np.abs(W)))
        self.w_max = wm if wm > 0 else 1.0
        io = self.io
        self._Wlin = {}
        for key, rb, cb in self.tiles():
            Wb = self.W[cb, rb]
            if io.cell_model is not None:
                self._program_nonlinear(key, Wb)
                continue
            if io.r_wire == 0:
                self.Weff[key] = Wb
                continue
            from matsim.network.crossbar.array import Crossbar
            G = self.conductances(Wb)
            xb = self.crossbars.get(key)
            if xb is None:
                xb = self.crossbars[key] = Crossbar(G.shape[0], G.shape[1], G, r_wire_row=io.r_wire,
                                                    r_wire_col=io.r_wire)
            else:
                xb.set_conductances(G)
            Ge = xb.effective_conductance()                          # (2 outs, ins), cached by the crossbar
            self.Weff[key] = self.w_max * (Ge[0::2] - Ge[1::2]) / (io.G_max - io.G_min)

    def _program_nonlinear(self, key, Wb) -> None:
        """Compact-model tile: cell states whose read conductance at v_read is the pair conductance."""
        from matsim.network.crossbar.array import Crossbar
        from matsim.network.crossbar.dnn import state_for_conductance
        io = self.io
        G = self.conductances(Wb)
        x = state_for_conductance(io.cell_model, G, io.v_read)
        xb = self.crossbars.get(key)
        if xb is None:
            self.crossbars[key] = Crossbar(G.shape[0], G.shape[1], io.cell_model, r_wire_row=io.r_wire,
                                           r_wire_col=io.r_wire, state=x)
        else:
            xb.state = x
        self.Weff[key] = None

    def _mvm(self, key, forward: bool):
        """The tile's analog product as a function of the (DAC) input: exact batched solve for compact
        cells (forward), else the cached effective weights."""
        io = self.io
        if io.cell_model is not None:
            xb = self.crossbars[key]
            scale = self.w_max / (io.v_read * (io.G_max - io.G_min))
            if forward:
                def nonlinear(uu):
                    I = xb.solve_many(io.v_read * uu, quiet=True).i_out
                    return scale * (I[:, 0::2] - I[:, 1::2])
                return nonlinear
            if key not in self._Wlin:                   # backward: chord-conductance linearization
                from matsim.network.crossbar.array import Crossbar
                lin = Crossbar(xb.rows, xb.cols, xb.cell_conductance(io.v_read), r_wire_row=io.r_wire,
                               r_wire_col=io.r_wire)
                Ge = lin.effective_conductance()
                self._Wlin[key] = self.w_max * (Ge[0::2] - Ge[1::2]) / (io.G_max - io.G_min)
            A = self._Wlin[key]
            return lambda uu: uu @ A
        A = self.Weff[key]
        return (lambda uu: uu @ A.T) if forward else (lambda uu: uu @ A)

    # ---- reads ----------------------------------------------------------------------------------------
    def _dac(self, X, width: int, field: str):
        X = np.asarray(validate.finite(field, X), dtype=float)
        if X.ndim != 2 or X.shape[1] != width:
            raise ConfigError(field, f"array{X.shape}", f"shape (n_samples, {width})")
        if self.W is None:
            raise ConfigError("W", None, "weights programmed with set_weights before a read")
        io = self.io
        s = np.ones((X.shape[0], 1))
        if io.noise_management and not io.is_ideal:     # ideal IO: scaling would change nothing but round-off
            s = np.max(np.abs(X), axis=1, keepdims=True)
            s = np.where(s > 0, s, 1.0)
        U = quantize(X / s, io.bits_dac)
        return U, s

    def _tile_read(self, mvm, u, r):
        """One tile: ``mvm(u)`` (the analog product) + weight and output noise, through an ADC of range ``r``
        (per output, or None = no ADC), with bound management. Returns (K, outs)."""
        io = self.io

        def analog(uu):
            y = mvm(uu)
            if io.w_noise > 0:
                y = y + io.w_noise * self.w_max * np.linalg.norm(uu, axis=1, keepdims=True) * \
                    self.rng.standard_normal(y.shape)
            if io.out_noise > 0 and r is not None:
                y = y + io.out_noise * r * self.rng.standard_normal(y.shape)
            return y

        y = analog(u)
        if r is None:
            return y
        scale = np.ones((u.shape[0], 1))
        if io.bound_management:
            for _ in range(io.bm_max):
                sat = np.any(np.abs(y) >= r, axis=1)
                if not np.any(sat):
                    break
                scale[sat] *= 2.0
                y[sat] = analog(u[sat] / scale[sat])
        z = np.clip(y / r, -1.0, 1.0)
        if io.bits_adc is not None:
            z = quantize(z, io.bits_adc)
        return scale * r * z

    def calibrate(self, X) -> dict:
        """Fix the forward ADC range of every tile output: ``adc_margin * max |y|`` over the calibration
        inputs ``X`` (n, n_in) (noise-free, DAC applied). Returns the ranges {(r, c): (outs,)}."""
        X = np.asarray(X, dtype=float) if not hasattr(X, "shape") else X
        if np.ndim(X) != 2 or np.shape(X)[1] != self.n_in:
            raise ConfigError("calibration", f"array{np.shape(X)}", f"calibration inputs of shape (n, {self.n_in})")
        U, _ = self._dac(X, self.n_in, "calibration")
        ranges = {}
        for key, rb, _cb in self.tiles():
            m = np.max(np.abs(self._mvm(key, True)(U[:, rb])), axis=0) * self.io.adc_margin
            if self.io.adc_per == "tile":
                m = np.full_like(m, np.max(m))
            ranges[key] = np.where(m > 0, m, self.w_max)
        self.adc_range = ranges
        return ranges

    def forward(self, X) -> np.ndarray:
        """``y = W x`` for inputs ``X`` (K, n_in) through the tiles' peripherals: (K, n_out)."""
        io = self.io
        U, s = self._dac(X, self.n_in, "x")
        if io.inp_noise > 0:
            U = U + io.inp_noise * self.rng.standard_normal(U.shape)
        if io.needs_range and self.adc_range is None:
            raise ConfigError("adc_range", None, "calibrated ADC ranges: call calibrate(X_cal) first "
                              "(the range is fixed on calibration data, not taken from the batch)")
        Y = np.zeros((U.shape[0], self.n_out))
        for key, rb, cb in self.tiles():
            r = self.adc_range[key] if io.needs_range else None
            Y[:, cb] += self._tile_read(self._mvm(key, True), U[:, rb], r)
        return s * Y

    def backward(self, D) -> np.ndarray:
        """``z = W^T d`` for deltas ``D`` (K, n_out) by the transposed tile reads: (K, n_in)."""
        io = self.io
        U, s = self._dac(D, self.n_out, "delta")
        if io.inp_noise > 0:
            U = U + io.inp_noise * self.rng.standard_normal(U.shape)
        r = io.backward_bound * self.w_max if io.needs_range else None
        Z = np.zeros((U.shape[0], self.n_in))
        for key, rb, cb in self.tiles():
            Z[:, rb] += self._tile_read(self._mvm(key, False), U[:, cb], r)
        return s * Z
