"""Energy, latency and area per inference of crossbar layers and their periphery (NeuroSim-style).

A first-order model in the spirit of NeuroSim (Chen, Peng & Yu, "NeuroSim: a circuit-level macro model
for benchmarking neuro-inspired architectures in online learning", IEEE TCAD 37, 3067 (2018)): every
analog matrix-vector product costs DAC conversions on the word lines, word-line drivers that charge
the line capacitance, the array itself (Joule power from the SOLVED node voltages and cell currents of
:class:`matsim.network.crossbar.Crossbar`), and ADC conversions on the bit lines (shared by
``col_mux`` columns each, read one after the other).

Formulas (SI units; per layer and input vector; M rows, N columns):

* ADC energy per conversion at b bits (Murmann, "ADC Performance Survey 1997-2024",
  https://github.com/bmurmann/ADC-survey; Walden, IEEE JSAC 17, 539 (1999)): the survey's envelope
  is set by the Walden figure of merit at low resolution and by thermal noise (Schreier FOM) at high
  resolution::

      E_ADC(b) = max( FOM_W 2^b ,  10^((6.02 b + 1.76 - FOM_S)/10) / 2 )

  (FOM_S in dB with f_s = 2 BW). Latency of a SAR conversion (b + 1) / f_clk; area
  A_ADC = A_ADC0 + 2^b A_unit (the capacitor DAC of a SAR grows with 2^b).
* DAC (word-line input, b_in bits, resistive/capacitive string): E_DAC = E_dac_unit 2^b_in per
  conversion, area A_dac_unit 2^b_in, settling latency t_dac.
* Driver: charging the word line, E_drv = c_cell N V^2 per row and input (c_cell = wire capacitance
  per cell pitch); bit lines are held at the sense (virtual-ground) voltage.
* Array: E_array = t_read sum_i V_i sum_j i_cell[i, j] (each row driver supplies the currents of its
  row, wire losses included), from the nodal solution; area M N (4 F^2) (1R cell, F feature size).

Latency per layer = t_dac + t_read + ceil(N / n_adc) t_ADC with n_adc = ceil(N / col_mux) ADCs.
Default numbers are ASSUMED orders of magnitude (32 nm-class CMOS), listed in :data:`SOURCES`.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from matsim.core import validate
from matsim.core.errors import ConfigError

#: provenance of the default parameters
SOURCES = {
    "fom_walden": "5 fJ/conv-step: Walden-FOM envelope of the Murmann ADC survey at moderate speed (assumed round)",
    "fom_schreier": "180 dB: Schreier-FOM envelope of the Murmann ADC survey (high-resolution, thermal-noise limit)",
    "f_clk": "1 GHz SAR clock (assumed)",
    "adc_area0": "300 um^2 fixed SAR area (comparator, logic; assumed, NeuroSim-like order of magnitude)",
    "adc_area_unit": "2 um^2 per unit capacitor (assumed)",
    "dac_energy_unit": "0.5 fJ per DAC level (assumed)",
    "dac_area_unit": "0.5 um^2 per DAC level (assumed)",
    "t_dac": "1 ns settling (assumed)",
    "c_cell": "0.2 fF wire capacitance per cell pitch (assumed; ~0.2 fF/um at ~1 um pitch incl. fringe)",
    "t_read": "10 ns read/integration window (assumed)",
    "feature": "32 nm feature size; 1R cell 4 F^2 (NeuroSim cross-point cell)",
    "col_mux": "8 columns share one ADC (NeuroSim default column multiplexing)",
}


class PeripheralCost:
    """Cost model of the periphery (see the module docstring). All arguments in SI units.

    bits_adc, bits_dac : converter resolutions (>= 1). col_mux : columns per ADC (>= 1).
    """

    def __init__(self, bits_adc: int = 6, bits_dac: int = 6, fom_walden: float = 5e-15, fom_schreier: float = 180.0,
                 f_clk: float = 1e9, adc_area0: float = 300e-12, adc_area_unit: float = 2e-12,
                 dac_energy_unit: float = 0.5e-15, dac_area_unit: float = 0.5e-12, t_dac: float = 1e-9,
                 c_cell: float = 0.2e-15, t_read: float = 10e-9, feature: float = 32e-9, col_mux: int = 8):
        self.bits_adc = validate.positive_int("bits_adc", bits_adc)
        self.bits_dac = validate.positive_int("bits_dac", bits_dac)
        self.fom_walden = validate.positive("fom_walden", fom_walden, "J")
        self.fom_schreier = validate.positive("fom_schreier", fom_schreier, "dB")
        self.f_clk = validate.positive("f_clk", f_clk, "Hz")
        self.adc_area0 = validate.non_negative("adc_area0", adc_area0, "m^2")
        self.adc_area_unit = validate.non_negative("adc_area_unit", adc_area_unit, "m^2")
        self.dac_energy_unit = validate.non_negative("dac_energy_unit", dac_energy_unit, "J")
        self.dac_area_unit = validate.non_negative("dac_area_unit", dac_area_unit, "m^2")
        self.t_dac = validate.non_negative("t_dac", t_dac, "s")
        self.c_cell = validate.non_negative("c_cell", c_cell, "F")
        self.t_read = validate.positive("t_read", t_read, "s")
        self.feature = validate.positive("feature", feature, "m")
        self.col_mux = validate.positive_int("col_mux", col_mux)

    # ---- converters ---------------------------------------------------------------------------
    def adc_energy(self, bits: int | None = None) -> float:
        """Energy per conversion (J): max(Walden 2^b FOM_W, Schreier thermal limit)."""
        b = self.bits_adc if bits is None else validate.positive_int("bits_adc", bits)
        walden = self.fom_walden * 2.0 ** b
        schreier = 0.5 * 10.0 ** ((6.02 * b + 1.76 - self.fom_schreier) / 10.0)
        return float(max(walden, schreier))

    def adc_latency(self) -> float:
        return (self.bits_adc + 1) / self.f_clk

    def adc_area(self) -> float:
        return self.adc_area0 + self.adc_area_unit * 2.0 ** self.bits_adc

    def dac_energy(self) -> float:
        return self.dac_energy_unit * 2.0 ** self.bits_dac

    # ---- one array ----------------------------------------------------------------------------
    def layer_cost(self, crossbar, v_rows: np.ndarray) -> dict:
        """Mean energy (J) per input vector by component, latency (s) and area (m^2) of one array.

        ``v_rows``: word-line voltages (V), shape (K, rows); the array is solved for each
        (``Crossbar.solve_many``) and the array energy taken from the solved cell currents.
        """
        V = np.atleast_2d(np.asarray(validate.finite("v_rows", v_rows, "V"), dtype=float))
        M, N = crossbar.rows, crossbar.cols
        if V.shape[1] != M:
            raise ConfigError("v_rows", f"array{V.shape}", f"shape (K, rows) with rows = {M}")
        sol = crossbar.solve_many(V, quiet=True)
        p_array = np.einsum("ki,ki->k", V, sol.i_cell.sum(axis=2))      # W, per input
        n_adc = int(np.ceil(N / self.col_mux))
        energy = {
            "dac": M * self.dac_energy(),
            "driver": float(np.mean(self.c_cell * N * (V * V).sum(axis=1))),
            "array": float(np.mean(p_array)) * self.t_read,
            "adc": N * self.adc_energy(),
        }
        latency = self.t_dac + self.t_read + int(np.ceil(N / n_adc)) * self.adc_latency()
        area = {"array": M * N * 4.0 * self.feature ** 2, "adc": n_adc * self.adc_area(),
                "dac": M * self.dac_area_unit * 2.0 ** self.bits_dac}
        return {"energy": energy, "latency": latency, "area": area, "n_adc": n_adc,
                "array_power_W": float(np.mean(p_array))}

    def network_cost(self, layers_inputs) -> xr.Dataset:
        """Cost per inference of a network: ``layers_inputs`` = [(crossbar, v_rows), ...] one per layer.

        Returns a Dataset over ``component`` (dac, driver, array, adc) with ``energy`` (J per
        inference, summed over layers), ``area`` (m^2) and attrs ``latency_s`` (layers in sequence)
        and ``energy_total_J``.
        """
        comps = ("dac", "driver", "array", "adc")
        E = dict.fromkeys(comps, 0.0)
        A = dict.fromkeys(comps, 0.0)
        latency = 0.0
        for xb, V in layers_inputs:
            c = self.layer_cost(xb, V)
            for k in comps:
                E[k] += c["energy"][k]
                A[k] += c["area"].get(k, 0.0)
            latency += c["latency"]
        return xr.Dataset({"energy": ("component", [E[k] for k in comps], {"units": "J", "long_name": "per inference"}),
                           "area": ("component", [A[k] for k in comps], {"units": "m^2"})},
                          coords={"component": list(comps)},
                          attrs={"latency_s": latency, "energy_total_J": sum(E.values()),
                                 "area_total_m2": sum(A.values()), "bits_adc": self.bits_adc,
                                 "bits_dac": self.bits_dac})


def mlp_layer_inputs(net, crossbars, X, v_read: float = 0.2, **read_kw) -> list:
    """[(crossbar, word-line voltages), ...] of an :class:`~matsim.network.crossbar.dnn.AnalogMLP` run
    on ``X`` through its crossbars (activations from the crossbar reads, bias input 1 appended,
    DAC quantization as in ``Crossbar.read``)."""
    from matsim.network.crossbar.dnn import crossbar_forward
    from matsim.network.crossbar.operations import quantize
    a = np.asarray(X, dtype=float)
    out = []
    for k, (layer, xb) in enumerate(zip(net.layers, crossbars, strict=True)):
        xa = np.hstack([a, np.ones((a.shape[0], 1))])
        out.append((xb, v_read * quantize(xa, read_kw.get("bits_dac"))))
        z = crossbar_forward(layer, xb, a, v_read=v_read, **read_kw)
        a = z if k == len(net.layers) - 1 else np.clip(z, 0.0, 1.0)
    return out


def accuracy_vs_energy(net, X, y, bits=(2, 3, 4, 5, 6, 8), bits_dac: int = 8, n_cost: int = 32,
                       cost: PeripheralCost | None = None, v_read: float = 0.2, **xb_kw) -> xr.Dataset:
    """Test accuracy and energy per inference of an AnalogMLP on crossbars vs ADC bits.

    Accuracy over all of ``X`` (DAC ``bits_dac``, ADC b bits); energy from the first ``n_cost``
    samples (the array term is solved for them)."""
    base = cost or PeripheralCost()
    xbs = net.to_crossbars(v_read=v_read, **xb_kw)
    acc, energy, comp, lat = [], [], [], []
    for b in bits:
        kw = dict(bits_dac=bits_dac, bits_adc=b)
        acc.append(net.score(X, y, crossbars=xbs, v_read=v_read, **kw))
        c = PeripheralCost(**{**base.__dict__, "bits_adc": b, "bits_dac": bits_dac})
        ds = c.network_cost(mlp_layer_inputs(net, xbs, X[:n_cost], v_read=v_read, **kw))
        energy.append(ds.attrs["energy_total_J"])
        comp.append(ds["energy"].values)
        lat.append(ds.attrs["latency_s"])
    return xr.Dataset({"accuracy": ("bits", acc, {"units": "1"}),
                       "energy": ("bits", energy, {"units": "J", "long_name": "energy per inference"}),
                       "energy_component": (("bits", "component"), np.array(comp), {"units": "J"}),
                       "latency": ("bits", lat, {"units": "s"})},
                      coords={"bits": list(bits), "component": ["dac", "driver", "array", "adc"]},
                      attrs={"float_accuracy": net.score(X, y), "bits_dac": bits_dac,
                             "title": "accuracy vs energy per inference across ADC bits"})
