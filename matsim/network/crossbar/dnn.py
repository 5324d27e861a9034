"""Analog deep-learning layers on crossbars: differential conductance pairs, pulsed training, Tiki-Taka.

Weights map to conductance pairs (Burr et al., Adv. Phys. X 2, 89 (2017))::

    W = w_max (G+ - G-) / (G_max - G_min),   G± = G_min + (G_max - G_min) max(±W, 0) / w_max

and an analog forward pass is a crossbar read (``v = v_read x``; ``y_j = w_max (I_2j - I_2j+1) /
(v_read (G_max - G_min))``), with wires, DAC/ADC and read noise from :mod:`.operations`.

Training with pulsed devices (device config objects, aihwkit style; Gokmen & Vlasov, Front. Neurosci.
10, 333 (2016)): the outer-product update ``dW = -lr delta x^T`` becomes ``n = dW / dw_min`` pulses
(stochastic rounding), each changing a weight by the device's state-dependent step::

    dw_up(w)   = dw_min (1 - a w / w_max),   dw_down(w) = dw_min (1 + a w / w_max),   dw_min = 2 w_max / n_states

``a`` = asymmetry (0: symmetric linear device with hard bounds; 1: soft bounds, symmetry point 0),
plus cycle-to-cycle step noise. n pulses in one direction have the closed form
``w_n = w* - (w* - w)(1 - a dw_min / w_max)^n`` with ``w* = ±w_max / a``.

Tiki-Taka (Gokmen & Haensch, Front. Neurosci. 14, 103 (2020)): two arrays A and C, ``W = gamma A + C``;
gradient pulses go to A; every ``transfer_every`` updates one column of A is read and added to C with
pulses (learning rate ``lr_transfer``). A's asymmetry pulls it to its symmetry point (0), which acts as a
low-pass filter of the gradient instead of biasing W, so training tolerates asymmetric devices.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matsim.core import validate
from matsim.core.errors import ConfigError
from matsim.core.progress import progress
from matsim.core.rng import make_rng


@dataclass
class PulsedDevice:
    """Pulsed-update device config: ``n_states`` between -w_max and w_max, ``asymmetry`` a in [0, 1],
    relative cycle-to-cycle step ``noise`` (std of each step / dw_min)."""

    n_states: int = 1000
    asymmetry: float = 0.0
    noise: float = 0.0
    w_max: float = 1.0
    name: str = "pulsed"

    def __post_init__(self):
        validate.positive_int("n_states", self.n_states, minimum=2)
        validate.in_range("asymmetry", self.asymmetry, 0.0, 1.0)
        validate.non_negative("noise", self.noise)
        validate.positive("w_max", self.w_max)

    @property
    def dw_min(self) -> float:
        return 2.0 * self.w_max / self.n_states

    @property
    def symmetry_point(self) -> float:
        """Weight where up and down steps are equal: 0 for this model (soft bounds symmetric about 0)."""
        return 0.0

    def symmetry_points(self, shape) -> np.ndarray:
        return np.zeros(shape)

    @staticmethod
    def from_compact(model, up, down, **kw):
        """A pulsed device from a compact model's own pulse response (dG(G) lookup tables, cycle-to-cycle
        noise, device-to-device variation, symmetry point); see
        :meth:`matsim.network.crossbar.devices.LUTPulsedDevice.from_compact`."""
        from matsim.network.crossbar.devices import LUTPulsedDevice
        return LUTPulsedDevice.from_compact(model, up, down, **kw)

    def apply_pulses(self, w, n, rng) -> np.ndarray:
        """Weights after ``n`` signed pulses (integer array, + = up) applied to ``w``."""
        w = np.asarray(w, dtype=float)
        n = np.asarray(n, dtype=float)
        b, dw, a = self.w_max, self.dw_min, self.asymmetry
        na = np.abs(n)
        if a > 0:
            ws = np.where(n > 0, b / a, -b / a)
            out = ws - (ws - w) * (1.0 - a * dw / b) ** na
        else:
            out = w + n * dw
        if self.noise > 0:
            out = out + self.noise * dw * np.sqrt(na) * rng.standard_normal(w.shape)
        return np.clip(out, -b, b)


class CompactPulsedDevice:
    """A compact model with ``apply_pulses(x, n_pulses_signed, rng)`` (e.g. :class:`compact.ECRAM`) as the
    weight device: ``w = w_max (2 x - 1)`` against a reference cell at x = 1/2; the weight step per pulse
    ``dw_min`` is calibrated at w = 0 (mean of one up and one down pulse); the model's own step asymmetry,
    soft bounds and cycle-to-cycle noise apply pulse by pulse."""

    def __init__(self, model, w_max: float = 1.0):
        if not hasattr(model, "apply_pulses"):
            raise ConfigError("device", type(model).__name__, "a compact model with apply_pulses (e.g. ECRAM)")
        self.model = model
        self.w_max = validate.positive("w_max", w_max)
        self.n_states = int(round(getattr(model.p, "n_states", 1000)))
        self.name = type(model).__name__
        # calibrated weight step: mean of one up and one down pulse at the symmetry point w = 0 (x = 1/2)
        half = np.array([0.5])
        up = float(model.apply_pulses(half, np.array([1]))[0]) - 0.5
        down = 0.5 - float(model.apply_pulses(half, np.array([-1]))[0])
        self.dw_min = self.w_max * (up + down)
        if not self.dw_min > 0:
            raise ConfigError("device", self.name, "a model whose pulses change the state at x = 1/2")

    def apply_pulses(self, w, n, rng) -> np.ndarray:
        x = np.clip((np.asarray(w, dtype=float) / self.w_max + 1.0) / 2.0, 0.0, 1.0)
        x = self.model.apply_pulses(x, np.asarray(n).astype(int), rng=rng)
        return self.w_max * (2.0 * x - 1.0)

    def __repr__(self) -> str:
        return f"CompactPulsedDevice({self.name}, {self.n_states} states)"


def ecram_like(n_states: int = 1000) -> PulsedDevice:
    """Symmetric, many-state device (ECRAM-like: ~1000 nearly linear, symmetric states; Tang et al.,
    IEDM 2018; Kim et al., IEDM 2019)."""
    return PulsedDevice(n_states=n_states, asymmetry=0.0, noise=0.0, name="ECRAM-like")


class AnalogLinear:
    """Fully connected layer ``y = W [x, 1]`` whose weights live on pulsed devices (or floats).

    ``device=None``: floating-point weights (the digital baseline). ``algorithm``: ``"sgd"`` (pulsed
    outer-product updates on one array), ``"tikitaka"`` (arrays A and C, see module docstring), ``"ttv2"``
    (Tiki-Taka v2: the A reads are low-pass filtered in a digital buffer H and moved to C by whole pulses;
    Gokmen, Front. Artif. Intell. 4, 699148 (2021)) or ``"chopped"`` (TTv2 with a sign chopper per input
    column on the A updates and reads, flipped every ``chop_every`` column sweeps, which cancels A's
    remaining offset; Rasch et al., "Fast and robust analog in-memory deep neural network training",
    Nat. Commun. (2024)). ``zero_shift`` (default True): A is
    referenced to its devices' symmetry points (``device.symmetry_points``; the zero-shifting of
    Kim et al., arXiv:1907.10228 (2019)), so A decays to zero and not to an offset.
    """

    ALGORITHMS = ("sgd", "tikitaka", "ttv2", "chopped")

    def __init__(self, n_in: int, n_out: int, device: PulsedDevice | CompactPulsedDevice | None = None, algorithm: str = "sgd",
                 gamma: float = 0.0, transfer_every: int = 1, lr_transfer: float = 0.05, seed=None, index: int = 0,
                 io=None, zero_shift: bool = True, chop_every: int = 10):
        self.n_in = validate.positive_int("n_in", n_in)
        self.n_out = validate.positive_int("n_out", n_out)
        self.device = device
        self.algorithm = validate.one_of("algorithm", algorithm, self.ALGORITHMS)
        if algorithm != "sgd" and device is None:
            raise ConfigError("device", None, "a PulsedDevice for Tiki-Taka (two device arrays A and C)")
        self.chop_every = validate.positive_int("chop_every", chop_every)
        self.gamma = float(gamma)
        self.transfer_every = validate.positive_int("transfer_every", transfer_every)
        self.lr_transfer = validate.positive("lr_transfer", lr_transfer)
        self.rng = make_rng(seed, stream=(11, index))
        scale = 1.0 / np.sqrt(n_in)
        w0 = self.rng.uniform(-scale, scale, (n_out, n_in + 1))
        if device is not None:
            w0 = np.clip(w0, -device.w_max, device.w_max)
        self.C = w0                      # the weights (SGD) or the slow array C (Tiki-Taka)
        self.A_ref = np.zeros_like(w0)   # A's reference: its symmetry points with zero shifting
        self._arrays = hasattr(device, "device_index")   # device-to-device identity per physical array
        if device is not None and zero_shift and hasattr(device, "symmetry_points"):
            self.A_ref = np.asarray(device.symmetry_points(w0.shape, *((1,) if self._arrays else ())),
                                    dtype=float).copy()
        self.A = self.A_ref.copy()       # the fast gradient array (Tiki-Taka), programmed to its symmetry point
        self.H = np.zeros_like(w0)       # TTv2 digital transfer buffer
        self.chop = np.ones(n_in + 1)    # chopper signs per input column
        self._sweeps = 0
        self._n_updates = 0
        self._col = 0
        self.io = io
        self.tile = None
        if io is not None:
            from matsim.network.crossbar.tiles import TiledMatrix
            self.tile = TiledMatrix(n_in + 1, n_out, io, w_max=None if device is None else device.w_max,
                                    seed=seed, index=index)

    @property
    def weights(self) -> np.ndarray:
        """Effective weights (n_out, n_in + 1), last column = bias."""
        if self.algorithm == "sgd" or self.gamma == 0:
            return self.C
        return self.gamma * (self.A - self.A_ref) * self.chop + self.C

    def forward(self, x, hardware: bool = True) -> np.ndarray:
        """``y = W [x, 1]``: through the tiles' peripherals (:mod:`.io`) when the layer has an ``io`` config
        (and ``hardware``), else the float product."""
        if hardware and self.io is not None and self.io.forward:
            self.tile.set_weights(self.weights)
            return self.tile.forward(np.hstack([x, np.ones((x.shape[0], 1))]))
        return x @ self.weights[:, :-1].T + self.weights[:, -1]

    def backward(self, delta) -> np.ndarray:
        """``W^T delta`` without the bias row: the transposed read of the tiles (with ``io``) or floats."""
        if self.io is not None and self.io.backward:
            self.tile.set_weights(self.weights)
            return self.tile.backward(delta)[:, :-1]
        return delta @ self.weights[:, :-1]

    def calibrate(self, x) -> None:
        """Fix the tiles' forward ADC ranges on calibration inputs ``x`` (n, n_in)."""
        if self.tile is not None:
            x = np.asarray(x, dtype=float)
            if x.ndim != 2 or x.shape[1] != self.n_in:
                raise ConfigError("calibration", f"array{x.shape}", f"calibration inputs of shape (n, {self.n_in})")
            self.tile.set_weights(self.weights)
            self.tile.calibrate(np.hstack([x, np.ones((x.shape[0], 1))]))

    def _pulse(self, w, dW, array: int = 0):
        """Pulses for the update ``dW`` on array ``array`` (0 = C / the SGD weights, 1 = A)."""
        dev = self.device
        n = dW / dev.dw_min
        n = np.floor(n + self.rng.random(n.shape))        # stochastic rounding: E[n] = dW / dw_min
        if self._arrays:
            return dev.apply_pulses(w, n, self.rng, array=array)
        return dev.apply_pulses(w, n, self.rng)

    def update(self, x, delta, lr: float) -> None:
        """Apply ``dW = -lr delta^T [x, 1]`` (summed over the batch rows)."""
        xa = np.hstack([x, np.ones((x.shape[0], 1))])
        dW = -lr * delta.T @ xa
        if self.device is None:
            self.C = self.C + dW
            return
        if self.algorithm == "sgd":
            self.C = self._pulse(self.C, dW)
            return
        chopped = self.algorithm == "chopped"
        self.A = self._pulse(self.A, dW * self.chop if chopped else dW, array=1)
        self._n_updates += 1
        if self._n_updates % self.transfer_every == 0:
            k = self._col
            a = self._read_a(k) * (self.chop[k] if chopped else 1.0)
            if self.algorithm == "tikitaka":
                dC = np.zeros_like(self.C)
                dC[:, k] = self.lr_transfer * a
                self.C = self._pulse(self.C, dC)
            else:                                    # TTv2 / chopped: digital low-pass H, whole pulses to C
                dev = self.device
                self.H[:, k] += self.lr_transfer * a
                n = np.trunc(self.H[:, k] / dev.dw_min)
                if np.any(n):
                    n_all = np.zeros(self.C.shape)
                    n_all[:, k] = n                    # whole array: each cell keeps its device (d2d)
                    self.C = dev.apply_pulses(self.C, n_all, self.rng)
                    self.H[:, k] -= n * dev.dw_min
            self._col = (k + 1) % self.C.shape[1]
            if self._col == 0:
                self._sweeps += 1
                if chopped and self._sweeps % self.chop_every == 0:
                    self.chop = -self.chop

    def _read_a(self, k: int) -> np.ndarray:
        """Column k of A relative to its reference, read through the peripherals (output and weight noise,
        ADC over the fixed backward range) when the layer has an ``io`` config."""
        a = self.A[:, k] - self.A_ref[:, k]
        io = self.io
        if io is None:
            return a
        r = io.backward_bound * self.device.w_max
        if io.w_noise > 0:
            a = a + io.w_noise * self.device.w_max * self.tile.rng.standard_normal(a.shape)
        if io.out_noise > 0:
            a = a + io.out_noise * r * self.tile.rng.standard_normal(a.shape)
        if io.bits_adc is not None:
            from matsim.network.crossbar.operations import quantize
            a = r * quantize(np.clip(a / r, -1, 1), io.bits_adc)
        return a

    # ---- mapping onto a crossbar -----------------------------------------------------------------
    def conductance_pairs(self, G_min: float = 1e-6, G_max: float = 1e-4, w_max: float | None = None) -> np.ndarray:
        """Conductances (S) of shape (n_in + 1, 2 n_out): column 2k = G+ of output k, 2k+1 = G-."""
        validate.positive("G_max", G_max, "S")
        validate.non_negative("G_min", G_min, "S")
        if G_min >= G_max:
            raise ConfigError("G_min", G_min, f"a conductance below G_max = {G_max} S")
        W = self.weights
        wm = float(np.max(np.abs(W))) if w_max is None else w_max
        wm = wm if wm > 0 else 1.0
        span = G_max - G_min
        Gp = G_min + span * np.clip(W, 0, wm) / wm
        Gm = G_min + span * np.clip(-W, 0, wm) / wm
        G = np.empty((self.n_in + 1, 2 * self.n_out))
        G[:, 0::2], G[:, 1::2] = Gp.T, Gm.T
        self._map = (wm, span)
        return G


def crossbar_forward(layer: AnalogLinear, xb, x, v_read: float = 0.2, **read_kw) -> np.ndarray:
    """Layer output computed by a crossbar read (``xb`` holds ``layer.conductance_pairs``)."""
    from matsim.network.crossbar.operations import read
    xa = np.hstack([x, np.ones((x.shape[0], 1))])
    I = read(xb, xa, v_read=v_read, **read_kw)
    wm, span = layer._map
    return wm * (I[:, 0::2] - I[:, 1::2]) / (v_read * span)


def _softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


class AnalogMLP:
    """Multilayer perceptron of :class:`AnalogLinear` layers; hidden activation clipped ReLU (in [0, 1],
    the DAC input range); softmax cross-entropy output with a fixed digital gain ``out_scale``.

    >>> net = AnalogMLP([64, 10], device=ecram_like(), seed=0).fit(X, y, epochs=5)   # doctest: +SKIP
    """

    def __init__(self, sizes, device: PulsedDevice | None = None, algorithm: str = "sgd",
                 out_scale: float = 4.0, seed=None, io=None, n_calibration: int = 256, **layer_kw):
        sizes = [validate.positive_int("sizes", s) for s in sizes]
        if len(sizes) < 2:
            raise ConfigError("sizes", sizes, "at least [n_inputs, n_outputs]")
        self.sizes, self.out_scale = sizes, float(out_scale)
        self.io = io
        self.n_calibration = validate.positive_int("n_calibration", n_calibration)
        self.layers = [AnalogLinear(a, b, device, algorithm, seed=seed, index=k, io=io, **layer_kw)
                       for k, (a, b) in enumerate(zip(sizes[:-1], sizes[1:], strict=True))]
        self.rng = make_rng(seed, stream=12)
        self.history_: list[float] = []

    def _activations(self, X, forwards):
        acts = [X]
        for k, fwd in enumerate(forwards):
            z = fwd(k, acts[-1])
            acts.append(z if k == len(forwards) - 1 else np.clip(z, 0.0, 1.0))
        return acts

    def calibrate(self, X) -> "AnalogMLP":
        """Fix every tile's forward ADC range on calibration inputs ``X`` (n, n_inputs), layer by layer
        (each layer calibrated on the hardware-aware activations of the previous one)."""
        X = np.asarray(X, dtype=float)
        if X.ndim != 2 or X.shape[1] != self.sizes[0]:
            raise ConfigError("calibration", f"array{X.shape}", f"calibration inputs of shape (n, {self.sizes[0]})")
        a = X
        for k, layer in enumerate(self.layers):
            layer.calibrate(a)
            z = layer.forward(a)
            a = z if k == len(self.layers) - 1 else np.clip(z, 0.0, 1.0)
        return self

    def predict_logits(self, X, crossbars=None, hardware: bool = True, **read_kw) -> np.ndarray:
        """Output logits; with ``crossbars`` (one per layer, from :meth:`to_crossbars`) via crossbar reads,
        else through the layers' IO tiles (if the network has ``io`` and ``hardware``) or floats."""
        X = np.asarray(X, dtype=float)
        if crossbars is None:
            fwd = lambda k, a: self.layers[k].forward(a, hardware)
        else:
            fwd = lambda k, a: crossbar_forward(self.layers[k], crossbars[k], a, **read_kw)
        return self.out_scale * self._activations(X, [fwd] * len(self.layers))[-1]

    def score(self, X, y, crossbars=None, hardware: bool = True, **read_kw) -> float:
        """Classification accuracy (fraction)."""
        return float(np.mean(np.argmax(self.predict_logits(X, crossbars, hardware, **read_kw), axis=1)
                             == np.asarray(y)))

    def fit(self, X, y, epochs: int = 10, lr: float = 0.05, batch_size: int = 8, quiet: bool = True) -> "AnalogMLP":
        """Mini-batch training with pulsed updates (cross-entropy); records the loss per epoch in ``history_``."""
        X = np.asarray(X, dtype=float)
        y = np.asarray(y, dtype=int)
        if X.ndim != 2 or X.shape[1] != self.sizes[0]:
            raise ConfigError("X", f"array{X.shape}", f"shape (n_samples, {self.sizes[0]})")
        if y.shape != (X.shape[0],) or y.min() < 0 or y.max() >= self.sizes[-1]:
            raise ConfigError("y", f"array{y.shape}", f"{X.shape[0]} labels in [0, {self.sizes[-1] - 1}]")
        Y = np.eye(self.sizes[-1])[y]
        for _ in progress(range(validate.positive_int("epochs", epochs)), desc="training", quiet=quiet):
            order = self.rng.permutation(X.shape[0])
            if self.io is not None and self.io.needs_range:      # periodic ADC calibration (once per epoch)
                self.calibrate(X[order[:self.n_calibration]])
            loss = 0.0
            for s in range(0, X.shape[0], batch_size):
                b = order[s:s + batch_size]
                acts = self._activations(X[b], [lambda k, a: self.layers[k].forward(a)] * len(self.layers))
                p = _softmax(self.out_scale * acts[-1])
                loss -= float(np.sum(np.log(np.maximum(p[np.arange(len(b)), y[b]], 1e-300))))
                delta = self.out_scale * (p - Y[b])
                for k in range(len(self.layers) - 1, -1, -1):
                    layer = self.layers[k]
                    back = layer.backward(delta) if k > 0 else None     # with the weights of the forward pass
                    layer.update(acts[k], delta, lr)
                    if k > 0:
                        a = acts[k]
                        delta = back * ((a > 0) & (a < 1))
            self.history_.append(loss / X.shape[0])
        return self

    def calibrate_crossbars(self, crossbars, X, v_read: float = 0.2, bits_dac: int | None = None,
                            margin: float = 1.0) -> None:
        """Fix the ADC range of every crossbar (one per layer) on calibration inputs ``X``: layer k is
        calibrated on the activations of the crossbar reads of the layers before it."""
        a = np.asarray(X, dtype=float)
        for k, (layer, xb) in enumerate(zip(self.layers, crossbars, strict=True)):
            xa = np.hstack([a, np.ones((a.shape[0], 1))])
            xb.calibrate_adc(xa, v_read, bits_dac, margin)
            if k < len(self.layers) - 1:
                a = np.clip(crossbar_forward(layer, xb, a, v_read=v_read, bits_dac=bits_dac), 0.0, 1.0)

    def to_crossbars(self, G_min: float = 1e-6, G_max: float = 1e-4, device=None, v_read: float = 0.2, **xb_kw):
        """One :class:`~matsim.network.crossbar.Crossbar` per layer holding its conductance pairs.

        ``device``: a compact model to hold the conductances (its states are set so that each cell's
        read conductance ``I(v_read)/v_read`` equals the target); None = fixed (ohmic) conductances.
        ``xb_kw``: wire/driver/sense resistances, cell type.
        """
        from matsim.network.crossbar.array import Crossbar
        out = []
        for layer in self.layers:
            G = layer.conductance_pairs(G_min, G_max)
            if device is None:
                out.append(Crossbar(G.shape[0], G.shape[1], G, **xb_kw))
            else:
                x = state_for_conductance(device, G, v_read)
                out.append(Crossbar(G.shape[0], G.shape[1], device, state=x, **xb_kw))
        return out


def state_for_conductance(model, G, v_read: float = 0.2, T=None, iters: int = 80) -> np.ndarray:
    """Device states (n_state, *G.shape) whose read conductance ``I(v_read)/v_read`` equals ``G`` (S).

    Bisection on the first state variable between its bounds (others at their initial value); the
    conductance must be monotonic in that state. Targets outside the device window raise ConfigError.
    """
    G = np.asarray(G, dtype=float)
    lo, hi = (np.asarray(b, float) for b in model.state_bounds())
    x0 = np.asarray(model.initial_state(), float)
    shape = (model.n_state,) + G.shape

    def state(s):
        x = np.broadcast_to(x0.reshape((-1,) + (1,) * G.ndim), shape).copy()
        x[0] = s
        return x

    def cond(s):
        return model.current(v_read, state(s), T) / v_read

    g_lo, g_hi = cond(np.full(G.shape, lo[0])), cond(np.full(G.shape, hi[0]))
    gmin, gmax = np.minimum(g_lo, g_hi), np.maximum(g_lo, g_hi)
    if np.any(G < gmin * (1 - 1e-9)) or np.any(G > gmax * (1 + 1e-9)):
        raise ConfigError("G", f"[{G.min():.3g}, {G.max():.3g}] S",
                          f"conductances within the {type(model).__name__} window "
                          f"[{float(gmin.min()):.3g}, {float(gmax.max()):.3g}] S at {v_read} V")
    increasing = g_hi > g_lo
    a, b = np.full(G.shape, lo[0]), np.full(G.shape, hi[0])
    for _ in range(iters):
        m = 0.5 * (a + b)
        gm = cond(m)
        go_up = (gm < G) == increasing
        a, b = np.where(go_up, m, a), np.where(go_up, b, m)
    return state(0.5 * (a + b))
