"""Crossbar peripherals and operations: DAC/ADC read (vector-matrix multiply), write-verify programming.

Read (analog VMM; Xia & Yang, Nat. Mater. 18, 309 (2019))::

    v_i   = v_read * Q_dac(x_i),       Q_b(x) = round(x (2^(b-1) - 1)) / (2^(b-1) - 1)   (x in [-1, 1])
    I_j   = exact crossbar solve (wires, nonlinear cells)  + read noise  sigma_read * |I_j|
    out_j = Q_adc(I_j / I_range,j) * I_range,j

``I_range,j`` is the ADC full scale of bit line j: fixed by :func:`calibrate_adc` on calibration inputs
(``margin * max |I_j|``) and then used for every read, so an input read alone and inside a batch give the
same output. Linear cells are read through the cached exact transfer matrix ``G_eff`` (:mod:`.transfer`)
once it exists or when the batch is large (>= rows/8 inputs), else by the batched exact solve.

Programming (Alibart, Gao, Hoskins & Strukov, Nanotechnology 23, 075201 (2012);
Kim et al., Nat. Commun. 12, 5198 (2021): 64 x 64 passive array, 5 % write-verify): cells are
programmed one at a time. The selected word line is driven to ``V_p``, the selected bit line to 0;
unselected lines to ``V_p/2`` (V/2 scheme) or, V/3 scheme, unselected word lines to ``V_p/3`` and
unselected bit lines to ``2 V_p/3``. Every pulse is a crossbar solve, so half-selected cells feel their
real partial voltages (through wires and selectors), and every cell's state is integrated over the pulse
with the compact model's ``dstate_dt`` (adaptive explicit steps, voltages held at their pulse-start
values). Write-verify: read the cell; if outside ``tolerance`` apply a SET or RESET pulse whose
amplitude ramps up (by ``v_step`` times the ratio of half the remaining log-error to the last pulse's
log-change, at most ``max_boost`` steps) while the error keeps its sign and the last pulse closed less
than half of the remaining log-error, and backs off by ``backoff`` steps when the error flips sign (incremental
step pulse programming; the last SET/RESET amplitudes carry over to the next cell).

Drift (optional, e.g. PCM; Ielmini et al., IEEE TED 54, 308 (2007))::  G(t) = G(t0) (t/t0)^(-nu)
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from matsim.core import validate
from matsim.core.errors import ConfigError
from matsim.core.progress import progress
from matsim.core.rng import make_rng


# ---- converters -------------------------------------------------------------------------------
def quantize(x, bits: int | None, signed: bool = True):
    """Uniform mid-tread quantizer on [-1, 1] (signed) or [0, 1]; ``bits=None`` leaves ``x`` unchanged."""
    x = np.asarray(x, dtype=float)
    if bits is None:
        return x
    bits = validate.positive_int("bits", bits, minimum=2 if signed else 1)
    levels = 2 ** (bits - 1) - 1 if signed else 2 ** bits - 1
    lo = -1.0 if signed else 0.0
    return np.round(np.clip(x, lo, 1.0) * levels) / levels


def apply_drift(G, t: float, nu: float, t0: float = 1.0):
    """Power-law conductance drift ``G (t/t0)^(-nu)`` (t, t0 in s; nu dimensionless, >= 0)."""
    validate.non_negative("drift_nu", nu)
    validate.positive("t_read", t, "s")
    return np.asarray(G, dtype=float) * (max(t, t0) / t0) ** (-nu)


def _solve_currents(xb, V, quiet: bool = True) -> np.ndarray:
    """Bit-line currents (A) for word-line voltages V (K, rows): G_eff for linear cells when cached or the
    batch is large, else the exact batched solve."""
    if xb.linear and (xb._geff is not None or V.shape[0] >= max(2, xb.rows // 8)):
        return V @ xb.effective_conductance().T
    return xb.solve_many(V, quiet=quiet).i_out


def calibrate_adc(xb, X_cal, v_read: float = 0.2, bits_dac: int | None = None, margin: float = 1.0,
                  quiet: bool = True) -> np.ndarray:
    """Fix the ADC full scale of every bit line (A, shape (cols,)): ``margin * max_k |I_j(x_k)|`` over the
    noise-free reads of the calibration inputs ``X_cal`` (n, rows); stored as ``xb.adc_range`` and used
    by every later :func:`read` that does not pass ``i_range``."""
    X = np.asarray(validate.finite("calibration", X_cal), dtype=float)
    if X.ndim != 2 or X.shape[1] != xb.rows or X.shape[0] < 1:
        raise ConfigError("calibration", f"array{X.shape}", f"calibration inputs of shape (n, rows) = (n, {xb.rows})")
    validate.positive("v_read", v_read, "V")
    margin = validate.positive("margin", margin)
    I = _solve_currents(xb, v_read * quantize(X, bits_dac), quiet)
    r = margin * np.max(np.abs(I), axis=0)
    xb.adc_range = np.where(r > 0, r, max(float(np.max(r)), 1e-30))
    return xb.adc_range


def read(xb, x, v_read: float = 0.2, bits_dac: int | None = None, bits_adc: int | None = None,
         i_range=None, read_noise: float = 0.0, seed=None, quiet: bool = True,
         drift_nu: float = 0.0, t_read: float = 1.0, t0: float = 1.0, out_noise: float = 0.0) -> np.ndarray:
    """Analog vector-matrix multiply: bit-line currents (A) for inputs ``x`` (shape (rows,) or (K, rows)).

    ``x`` in [-1, 1] is scaled to word-line voltages ``v_read * x`` after ``bits_dac`` quantization;
    currents get relative Gaussian read noise ``read_noise`` (std / |I|) and are quantized with
    ``bits_adc`` over ``[-i_range, i_range]`` (A, scalar or one per column). Default: the calibrated
    ``xb.adc_range`` (:func:`calibrate_adc`); an uncalibrated array falls back to the largest |I| of this
    call (an oracle range that depends on the batch; kept for compatibility). ``out_noise``: additive
    Gaussian output noise, std relative to the ADC full scale (needs a calibrated range or ``i_range``).
    """
    x = np.asarray(validate.finite("x", x), dtype=float)
    single = x.ndim == 1
    X = np.atleast_2d(x)
    if X.shape[1] != xb.rows:
        raise ConfigError("x", f"array{x.shape}", f"shape (rows,) or (K, rows) with rows = {xb.rows}")
    validate.positive("v_read", v_read, "V")
    validate.non_negative("read_noise", read_noise)
    V = v_read * quantize(X, bits_dac)
    if drift_nu > 0:
        import copy

        from matsim.network.crossbar.cells import FixedConductance
        if not isinstance(xb.element, FixedConductance):
            raise ConfigError("drift_nu", drift_nu, "0 for compact-model cells (their state dynamics set the "
                              "relaxation); power-law drift applies to fixed conductances")
        G = apply_drift(xb.element.G, t_read, drift_nu, t0)
        xb = copy.deepcopy(xb)
        xb.set_conductances(G)
    I = _solve_currents(xb, V, quiet)
    if read_noise > 0:
        I = I * (1.0 + read_noise * make_rng(seed, stream=7).standard_normal(I.shape))
    validate.non_negative("out_noise", out_noise)
    if out_noise > 0:
        if i_range is None and getattr(xb, "adc_range", None) is None:
            raise ConfigError("out_noise", out_noise, "a calibrated ADC range (calibrate_adc) or i_range: the "
                              "output noise is relative to the full scale")
        full = np.asarray(i_range if i_range is not None else xb.adc_range, dtype=float)
        I = I + out_noise * full * make_rng(seed, stream=8).standard_normal(I.shape)
    if bits_adc is not None:
        if i_range is not None:
            rng_ = np.asarray(i_range, dtype=float)
            if rng_.shape not in ((), (xb.cols,)) or not np.all(np.isfinite(rng_)) or np.any(rng_ <= 0):
                raise ConfigError("i_range", i_range, f"an ADC full scale > 0 A, scalar or {xb.cols} values")
        elif getattr(xb, "adc_range", None) is not None:
            rng_ = xb.adc_range
        else:
            rng_ = float(np.max(np.abs(I)))
            rng_ = rng_ if rng_ > 0 else 1.0
        I = quantize(I / rng_, bits_adc) * rng_
    return I[0] if single else I


# ---- pulses -------------------------------------------------------------------------------------
def integrate_pulse(model, v, x, duration: float, T=None, max_frac: float = 0.1, max_steps: int = 100000):
    """State after a voltage pulse: ``x' = x + int dstate_dt(v, x) dt`` over ``duration`` (s).

    ``v`` (device voltage, V) shape ``batch``; ``x`` shape ``(n_state, *batch)``. Adaptive explicit
    midpoint (RK2) steps per cell: each step moves no state by more than ``max_frac`` of its bound
    range; cells with ``v == 0`` are skipped. Returns the new state (clipped to bounds).
    """
    x = np.array(x, dtype=float, copy=True)
    v = np.broadcast_to(np.asarray(v, dtype=float), x.shape[1:])
    lo, hi = model.state_bounds()
    span = np.maximum(np.asarray(hi, float) - np.asarray(lo, float), 1e-300)
    flat_x = x.reshape(x.shape[0], -1)
    flat_v = v.ravel()
    idx = np.flatnonzero(flat_v != 0.0)
    t_left = np.full(idx.size, float(duration))
    steps = 0
    while idx.size:
        steps += 1
        if steps > max_steps:
            break
        xs = flat_x[:, idx]
        r = np.asarray(model.dstate_dt(flat_v[idx], xs, T), dtype=float).reshape(xs.shape)
        speed = np.max(np.abs(r) / span[:, None], axis=0)
        with np.errstate(divide="ignore"):
            dt = np.minimum(t_left, np.where(speed > 0, max_frac / speed, np.inf))
        small = speed * dt < 1e-3      # negligible change: one Euler step is exact enough
        if not np.all(small):
            xm = model.clip_state(xs + 0.5 * r * dt)
            rm = np.asarray(model.dstate_dt(flat_v[idx], xm, T), dtype=float).reshape(xs.shape)
            r = np.where(small, r, rm)
        flat_x[:, idx] = model.clip_state(xs + r * dt)
        t_left = t_left - dt
        # a cell pinned at a bound with the rate pushing outwards is finished
        keep = (t_left > 1e-15 * duration) & (speed > 0)
        pinned = np.all((flat_x[:, idx] == np.reshape(lo, (-1, 1))) & (r < 0)
                        | (flat_x[:, idx] == np.reshape(hi, (-1, 1))) & (r > 0) | (r == 0), axis=0)
        keep &= ~pinned
        idx, t_left = idx[keep], t_left[keep]
    return flat_x.reshape(x.shape)


def scheme_voltages(rows: int, cols: int, i: int, j: int, v_pulse: float, scheme: str):
    """Word-line and bit-line voltages (V) that select cell (i, j) with amplitude ``v_pulse``."""
    validate.one_of("scheme", scheme, ("V/2", "V/3"))
    if scheme == "V/2":
        vr, vc = np.full(rows, v_pulse / 2), np.full(cols, v_pulse / 2)
    else:
        vr, vc = np.full(rows, v_pulse / 3), np.full(cols, 2 * v_pulse / 3)
    vr[i], vc[j] = v_pulse, 0.0
    return vr, vc


class Programmer:
    """Pulse the devices of a :class:`~matsim.network.crossbar.Crossbar` through its real lines."""

    def __init__(self, xb, t_pulse: float = 10e-9, v_read: float = 0.1):
        el = xb.element
        if not hasattr(el, "model"):
            raise ConfigError("device", type(el).__name__,
                              "a crossbar of compact-model devices (fixed conductances cannot be programmed)")
        self.xb, self.model = xb, el.model
        self.t_pulse = validate.positive("t_pulse", t_pulse, "s")
        self.v_read = validate.positive("v_read", v_read, "V")
        self._last = None
        self.polarity = self._set_polarity()

    def _set_polarity(self) -> float:
        """+1 if a positive pulse raises the conductance of this model (probed on one isolated cell)."""
        m = self.model
        x0 = np.asarray(m.initial_state(), float).reshape(-1, 1)
        x1 = integrate_pulse(m, np.array([2.0]), x0, 100 * self.t_pulse, self.xb.T)
        g0 = m.current(self.v_read, x0, self.xb.T)
        g1 = m.current(self.v_read, x1, self.xb.T)
        if np.allclose(g1, g0):
            x0 = np.asarray(m.state_bounds()[1], float).reshape(-1, 1)
            x1 = integrate_pulse(m, np.array([-2.0]), x0, 100 * self.t_pulse, self.xb.T)
            return 1.0 if m.current(self.v_read, x1, self.xb.T) < m.current(self.v_read, x0, self.xb.T) else -1.0
        return 1.0 if np.all(g1 >= g0) else -1.0

    def window(self) -> tuple[float, float]:
        """Smallest and largest read conductance (S) a cell can reach (device state at its bounds)."""
        el = self.xb.element
        saved = el.state
        out = []
        for b in self.model.state_bounds():
            el.state = np.broadcast_to(np.reshape(b, (-1, 1, 1)), saved.shape).copy()
            out.append(self.conductance())
        el.state = saved
        return float(min(np.min(out[0]), np.min(out[1]))), float(max(np.max(out[0]), np.max(out[1])))

    def conductance(self, i: int | None = None, j: int | None = None):
        """Read conductance ``I(v_read)/v_read`` (S) of every cell alone, or of cell (i, j)."""
        if i is not None and self.xb.element is self.xb.cell:     # 1R: evaluate the one device only
            x = self.xb.element.state[:, i, j]
            return float(self.model.current(self.v_read, x, self.xb.T) / self.v_read)
        G = self.xb.cell_conductance(self.v_read)
        return G if i is None else float(G[i, j])

    def device_voltages(self, v_rows, v_cols) -> np.ndarray:
        xb = self.xb
        if xb.rows_ideal and xb.cols_ideal:
            v_cell = v_rows[:, None] - v_cols[None, :]
        else:
            self._last = xb.solve(v_rows, v_cols, initial=self._last) if not xb.linear else xb.solve(v_rows, v_cols)
            v_cell = self._last.v_cell
        cell = xb.cell
        return v_cell - cell.split(v_cell) if hasattr(cell, "split") else v_cell

    def pulse(self, i: int, j: int, v_pulse: float, scheme: str = "V/2") -> None:
        """One pulse of amplitude ``v_pulse`` (V, signed) on cell (i, j); every cell's state evolves."""
        vr, vc = scheme_voltages(self.xb.rows, self.xb.cols, i, j, v_pulse, scheme)
        v_dev = self.device_voltages(vr, vc)
        el = self.xb.element
        el.state = integrate_pulse(self.model, v_dev, el.state, self.t_pulse, self.xb.T)
        self.xb._factors = None


def program(xb, target_G, scheme: str = "V/2", verify: bool = True, tolerance: float = 0.05,
            max_pulses: int = 100, v_read: float = 0.1, t_pulse: float = 10e-9, v_start: float = 1.1,
            v_step: float = 0.02, v_max: float = 2.0, backoff: int = 3, max_boost: float = 4.0, order: str = "row", quiet: bool = False) -> xr.Dataset:
    """Program every cell to ``target_G`` (S, shape (rows, cols); NaN = leave alone) by write-verify.

    Returns an ``xarray.Dataset`` with ``target``, ``G_verified`` (conductance when the cell's own
    loop ended), ``G_final`` (after all other cells were programmed: includes disturb), ``pulses`` per
    cell, ``in_tolerance`` (final) and attrs ``fraction_in_tolerance``, ``max_disturb`` (largest
    |G_final/G_verified - 1| over programmed cells), ``total_pulses``.
    ``verify=False``: open loop, one SET pulse of ``v_start`` per cell and no reads.
    """
    target = np.asarray(target_G, dtype=float)
    if target.shape != (xb.rows, xb.cols):
        raise ConfigError("target_G", f"array{target.shape}", f"shape (rows, cols) = {(xb.rows, xb.cols)}")
    todo = np.isfinite(target)
    if np.any(target[todo] <= 0):
        raise ConfigError("target_G", float(np.min(target[todo])), "conductances > 0 S (NaN to skip a cell)")
    validate.in_range("tolerance", tolerance, 0.0, 1.0, inclusive=False)
    validate.positive_int("max_pulses", max_pulses)
    validate.one_of("scheme", scheme, ("V/2", "V/3"))
    if not (0 < v_start <= v_max):
        raise ConfigError("v_start", v_start, f"a pulse amplitude in (0, v_max = {v_max}] V")
    pr = Programmer(xb, t_pulse, v_read)
    pol = pr.polarity
    gmin, gmax = pr.window()
    if todo.any() and (np.min(target[todo]) < gmin * (1 - tolerance) or np.max(target[todo]) > gmax * (1 + tolerance)):
        raise ConfigError("target_G", f"[{np.min(target[todo]):.3g}, {np.max(target[todo]):.3g}] S",
                          f"conductances within the cell window [{gmin:.3g}, {gmax:.3g}] S read at {v_read} V")
    G_ver = np.full(target.shape, np.nan)
    pulses = np.zeros(target.shape, dtype=int)
    amp = {1: v_start, -1: v_start}      # remembered SET / RESET amplitudes, carried from cell to cell
    cells = [(i, j) for i in range(xb.rows) for j in range(xb.cols) if todo[i, j]]
    if order == "col":
        cells.sort(key=lambda c: (c[1], c[0]))
    for (i, j) in progress(cells, desc="write-verify", quiet=quiet, unit="cell"):
        if not verify:
            pr.pulse(i, j, pol * v_start, scheme)
            pulses[i, j] = 1
            G_ver[i, j] = pr.conductance(i, j)
            continue
        last_sign, G_prev = 0, None
        for n in range(max_pulses + 1):
            G = pr.conductance(i, j)
            err = np.log(G / target[i, j])
            if abs(G / target[i, j] - 1.0) <= tolerance or n == max_pulses:
                break
            sign = 1 if err < 0 else -1          # +1: needs higher conductance (SET)
            if sign != last_sign:      # first pulse or overshoot: back off this polarity's amplitude
                if last_sign != 0:
                    amp[sign] = max(v_start, amp[sign] - backoff * v_step)
            elif abs(np.log(G / G_prev)) < 0.5 * abs(err):   # slow progress: ramp the amplitude up
                boost = 0.5 * abs(err) / max(abs(np.log(G / G_prev)), 1e-12)
                amp[sign] = min(amp[sign] + v_step * min(boost, max_boost), v_max)
            last_sign, G_prev = sign, G
            pr.pulse(i, j, sign * pol * amp[sign], scheme)
            pulses[i, j] += 1
        G_ver[i, j] = G
    G_fin = pr.conductance()
    within = np.abs(G_fin / target - 1.0) <= tolerance
    disturb = np.abs(G_fin / G_ver - 1.0)
    return xr.Dataset(
        {"target": (("row", "col"), target, {"units": "S"}),
         "G_verified": (("row", "col"), G_ver, {"units": "S", "long_name": "conductance at the end of the cell's loop"}),
         "G_final": (("row", "col"), G_fin, {"units": "S", "long_name": "conductance after programming the array"}),
         "pulses": (("row", "col"), pulses, {"units": "1"}),
         "in_tolerance": (("row", "col"), within & todo)},
        attrs={"scheme": scheme, "tolerance": tolerance, "t_pulse_s": t_pulse, "v_read_V": v_read,
               "fraction_in_tolerance": float(np.mean(within[todo])) if todo.any() else 1.0,
               "fraction_verified": float(np.mean((np.abs(G_ver / target - 1) <= tolerance)[todo])) if todo.any() else 1.0,
               "max_disturb": float(np.nanmax(disturb[todo])) if todo.any() else 0.0,
               "total_pulses": int(pulses.sum()), "device": type(pr.model).__name__})


def disturb_map(xb, i: int, j: int, v_pulse: float, n_pulses: int, scheme: str = "V/2",
                v_read: float = 0.1, t_pulse: float = 10e-9) -> np.ndarray:
    """Relative conductance change ``G_after/G_before - 1`` of every cell after ``n_pulses`` pulses of
    ``v_pulse`` (V) on cell (i, j): the half-select disturb pattern of a scheme."""
    pr = Programmer(xb, t_pulse, v_read)
    G0 = pr.conductance()
    for _ in range(validate.positive_int("n_pulses", n_pulses)):
        pr.pulse(i, j, v_pulse, scheme)
    return pr.conductance() / G0 - 1.0
