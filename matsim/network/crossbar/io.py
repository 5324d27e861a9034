"""Peripheral (IO) configuration of analog tiles, kept separate from the device configuration.

In the spirit of aihwkit's ``IOParameters`` (Rasch et al., IEEE AICAS 2021; noise and bound management:
Gokmen, Onen & Haensch, Front. Neurosci. 11, 538 (2017)). One analog matrix-vector product
``y = W x`` of a tile (forward pass, and ``z = W^T d`` in the backward pass) is::

    s      = max_k |x_k|                      (noise management; s = 1 when off)
    u      = Q_dac(x / s) + sigma_in N(0,1)   Q_b(u) = round(u (2^(b-1)-1)) / (2^(b-1)-1) on [-1, 1]
    y_t    = W_eff,t u_t                      (W_eff: exact IR drop of the tile, see .transfer)
             + sigma_w w_max |u_t| N(0,1)     (additive weight noise, fresh each read)
             + sigma_out r_t N(0,1)           (output noise relative to the ADC range r_t)
    y_t    = r_t Q_adc(clip(y_t / r_t, -1, 1))
    y      = s sum_t y_t                      (digital accumulation over the tiles of a column block)

``r_t`` (one per output column of every tile, or one per tile with ``adc_per="tile"``) is calibrated once,
on calibration inputs, as
``adc_margin * max |y_t|`` and then fixed, so a read does not depend on the other inputs of its batch.
Bound management: a read that saturates the ADC (``|y_t| >= r_t``) is repeated with its input halved
(output doubled), at most ``bm_max`` times. The backward pass uses the fixed range
``backward_bound * w_max`` (deltas are normalized by noise management, so the range is in weight units).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matsim.core import validate
from matsim.core.errors import ConfigError


def _bits(field: str, value):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ConfigError(field, value, "an integer number of bits >= 2 (or None: no converter)")
    if int(value) < 2:
        raise ConfigError(field, value, "an integer number of bits >= 2 (or None: no converter); "
                          "a signed converter needs at least 2 bits")
    return int(value)


@dataclass
class IOParameters:
    """DAC/ADC, noise, IR drop and bound management of analog tiles (see the module docstring).

    ``tile_size``: maximum physical tile (rows, cols) or one int for square tiles; a layer of ``n_in``
    inputs and ``n_out`` outputs (conductance pairs: 2 columns per output) is split over
    ``ceil((n_in + 1) / rows) x ceil(2 n_out / cols)`` tiles. ``r_wire`` (Ohm per segment, rows and
    columns) with the conductance window ``G_min``..``G_max`` (S) gives exact IR drop (0 = ideal lines).
    ``cell_model``: a compact model for nonlinear tiles (cells programmed to the pair conductances at
    ``v_read``, forward reads by the exact batched Newton solve at ``v_read`` times the input; the backward
    pass uses the tiles' chord conductances, a linearization); None = ohmic cells.
    """

    bits_dac: int | None = None
    bits_adc: int | None = None
    inp_noise: float = 0.0
    out_noise: float = 0.0
    w_noise: float = 0.0
    r_wire: float = 0.0
    G_min: float = 1e-6
    G_max: float = 1e-4
    tile_size: int | tuple = 256
    noise_management: bool = True
    bound_management: bool = True
    bm_max: int = 5
    adc_margin: float = 1.0
    adc_per: str = "column"
    backward_bound: float = 1.0
    forward: bool = True
    backward: bool = True
    cell_model: object = None
    v_read: float = 0.2

    def __post_init__(self):
        self.bits_dac = _bits("bits_dac", self.bits_dac)
        self.bits_adc = _bits("bits_adc", self.bits_adc)
        for k in ("inp_noise", "out_noise", "w_noise"):
            setattr(self, k, validate.non_negative(k, getattr(self, k)))
        self.r_wire = validate.non_negative("r_wire", self.r_wire, "Ohm")
        self.G_max = validate.positive("G_max", self.G_max, "S")
        self.G_min = validate.non_negative("G_min", self.G_min, "S")
        if self.G_min >= self.G_max:
            raise ConfigError("G_min", self.G_min, f"a conductance below G_max = {self.G_max} S")
        ts = self.tile_size
        ts = (ts, ts) if not isinstance(ts, (tuple, list)) else tuple(ts)
        if len(ts) != 2:
            raise ConfigError("tile_size", self.tile_size, "an int or (rows, cols) of positive ints")
        for t in ts:
            if isinstance(t, bool) or not isinstance(t, (int, np.integer)) or t < 1:
                raise ConfigError("tile_size", self.tile_size, "positive integers (rows, cols), cols >= 2 "
                                  "(one differential pair)")
        if ts[1] < 2:
            raise ConfigError("tile_size", self.tile_size, "at least 2 columns (one differential pair)")
        self.tile_size = (int(ts[0]), int(ts[1]))
        self.bm_max = validate.positive_int("bm_max", self.bm_max, minimum=0)
        self.adc_margin = validate.positive("adc_margin", self.adc_margin)
        self.adc_per = validate.one_of("adc_per", self.adc_per, ("column", "tile"))
        self.backward_bound = validate.positive("backward_bound", self.backward_bound)
        self.v_read = validate.positive("v_read", self.v_read, "V")
        if self.cell_model is not None:
            from compact.base import CompactModel
            if not isinstance(self.cell_model, CompactModel):
                raise ConfigError("cell_model", type(self.cell_model).__name__, "a compact model or None (ohmic cells)")

    @property
    def needs_range(self) -> bool:
        """True when the forward read needs calibrated ADC ranges (quantization, output noise or BM)."""
        return self.bits_adc is not None or self.out_noise > 0

    @property
    def is_ideal(self) -> bool:
        return (self.bits_dac is None and self.bits_adc is None and self.inp_noise == 0 and self.out_noise == 0
                and self.w_noise == 0 and self.r_wire == 0 and self.cell_model is None)
