"""Mott (threshold-switch) neuron: one volatile device in parallel with a membrane capacitor.

Pearson-Anson / "neuristor" cell driven by an input current I_in(t) (Pickett, Medeiros-Ribeiro & Williams,
Nat. Mater. 12, 114 (2013) use two such channels; this module implements the one-channel
integrate-and-fire form)::

    C dv/dt   = I_in(t) - i_dev(v, x) - v / R_leak
    dx/dt     = device.dstate_dt(v, x)                (for a thermal device x = T, in K)

The capacitor integrates the input until the device reaches its threshold; the device then switches
to its conducting branch, discharges C (the spike, a current pulse through the device), cools and
switches back. Below a threshold current the resting point is a stable focus (no spikes); above it
the cell fires periodically with a rate that rises with the input (the f-I curve, class-II-like
onset at a Hopf point). For a memductance device (i = G(T) v, e.g.
:class:`compact.nbox_ascoli.NbOxAscoli`) the rest point at DC current I loses stability when
C * a(T) + C_th * (G + 1/R_leak) = 0 (trace of the 2x2 Jacobian), which
:meth:`MottNeuron.threshold_current` solves for.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import xarray as xr
from scipy.integrate import solve_ivp
from scipy.optimize import brentq

from compact.base import CompactModel
from matsim.core import validate
from matsim.core.errors import ConfigError, ConvergenceError
from matsim.core.progress import progress
from matsim.network.oscillators import spike_times


class MottNeuron:
    """One-device Mott neuron.

    Parameters
    ----------
    device : any :class:`compact.CompactModel` with an S-type (current-controlled NDR) I-V.
    C : membrane capacitance (F).
    R_leak : optional leak resistor to ground (Ohm); None = no leak.
    """

    def __init__(self, device: CompactModel, C: float, R_leak: float | None = None):
        if not isinstance(device, CompactModel):
            raise ConfigError("device", type(device).__name__, "a compact.CompactModel instance")
        self.device = device
        self.C = validate.positive("C", C, "F")
        self.g_leak = 0.0 if R_leak is None else 1.0 / validate.positive("R_leak", R_leak, "Ohm")

    def __repr__(self) -> str:
        return f"MottNeuron({self.device.name}, C={self.C:.3g} F)"

    def rhs(self, t, y, I_in: Callable[[float], float]):
        dev = self.device
        v, x = y[0], dev.clip_state(y[1:])
        dv = (I_in(t) - float(dev.current(v, x)) - v * self.g_leak) / self.C
        return np.concatenate([[dv], np.atleast_1d(dev.dstate_dt(v, x)).ravel()])

    def simulate(self, I_in: float | Callable[[float], float], t_end: float, n_out: int = 4000,
                 v0: float = 0.0, x0=None, max_step: float | None = None) -> xr.Dataset:
        """Integrate (Radau) under input current ``I_in`` (A, constant or a function of t in s)."""
        t_end = validate.positive("t_end", t_end, "s")
        if callable(I_in):
            drive = I_in
        else:
            I0 = validate.finite("I_in", I_in, "A")
            drive = lambda t, _I=I0: _I
        dev = self.device
        x0 = dev.initial_state() if x0 is None else dev.check_state(np.atleast_1d(x0), "x0")
        t = np.linspace(0.0, t_end, validate.positive_int("n_out", n_out, 2))
        lo, hi = dev.state_bounds()
        span = np.where(np.isfinite(hi - lo), np.abs(hi - lo), 1.0)
        sol = solve_ivp(self.rhs, (0.0, t_end), np.concatenate([[float(v0)], x0]), method="Radau", t_eval=t,
                        args=(drive,), rtol=1e-6, atol=np.concatenate([[1e-7], 1e-9 * span]),
                        max_step=max_step or t_end / 2000)
        if not sol.success or not np.all(np.isfinite(sol.y)):
            raise ConvergenceError(f"MottNeuron.simulate: integration failed at t = {sol.t[-1]:.4g} s ({sol.message})")
        x = sol.y[1:]
        left = dev.validity_violation(x)    # beyond the range a numerical window (e.g. MottThermal's T_max) sets x
        if left:
            raise ConfigError("I_in", "input", f"an input current that keeps {dev.name} within its model range {left}")
        v = sol.y[0]
        i = np.asarray(dev.current(v, x), dtype=float)
        data = {"v": ("t", v, {"units": "V"}), "i": ("t", i, {"units": "A", "long_name": "device current"}),
                "I_in": ("t", np.array([drive(tt) for tt in t]), {"units": "A"})}
        for k, (nm, un) in enumerate(zip(dev.state_names, dev.state_units, strict=True)):
            data[nm] = ("t", x[k], {"units": un})
        return xr.Dataset(data, coords={"t": ("t", t, {"units": "s"})}, attrs={"model": repr(self)})

    # ---- excitability ---------------------------------------------------------------------------
    def threshold_current(self) -> float:
        """Input current (A) at which the rest point loses stability (memductance devices with
        ``small_signal(T)``: C a(T) + C_th (G + g_leak) = 0 solved on the DC curve)."""
        dev = self.device
        if not hasattr(dev, "small_signal"):
            raise ConfigError("device", dev.name, "a memductance device with small_signal(T) (e.g. NbOxAscoli); "
                              "use fI_curve for other devices")

        def trace(T):
            ss = dev.small_signal(T)
            return self.C * ss["a"] + dev.p.C_th * (ss["G"] + self.g_leak)

        Ts = np.linspace(dev.ndr_onset() + 1e-3, dev.p.T_max * 0.999, 4000)
        tr = np.array([trace(T) for T in Ts])
        k = np.nonzero(tr[:-1] * tr[1:] < 0)[0]
        if not k.size:
            raise ConfigError("C", self.C, f"a capacitance large enough for {dev.name} to spike")
        T_H = brentq(trace, Ts[k[0]], Ts[k[0] + 1], xtol=1e-9)
        v, i = dev.dc_point(T_H)
        return float(i + v * self.g_leak)

    def firing_rate(self, I_in: float, t_end: float | None = None) -> float:
        """Steady firing rate (Hz) at DC input ``I_in`` (A); 0 if it does not spike. Default
        ``t_end``: 200 thermal times R_th C_th (or 2 us for devices without them)."""
        p = self.device.p
        t_end = t_end or (200.0 * p.R_th * p.C_th if hasattr(p, "R_th") and hasattr(p, "C_th") else 2e-6)
        ds = self.simulate(I_in, t_end, n_out=6000)
        s = spike_times(ds["i"].values, ds["t"].values, t_min=0.3 * t_end)
        if s.size < 3:
            return 0.0
        amp = np.ptp(ds["i"].values[ds["t"].values >= 0.5 * t_end])
        if amp < 0.05 * abs(I_in):                    # decaying transient or noise, not spikes
            return 0.0
        return float(1.0 / np.mean(np.diff(s)))

    def fI_curve(self, currents, t_end: float | None = None, quiet: bool = True) -> xr.Dataset:
        """Firing rate (Hz) vs input current (A)."""
        I = np.asarray(validate.finite("currents", currents, "A"), dtype=float).ravel()
        f = np.array([self.firing_rate(c, t_end=t_end) for c in progress(I, total=I.size, desc="f-I", quiet=quiet)])
        return xr.Dataset({"rate": ("I_in", f, {"units": "Hz"})}, coords={"I_in": ("I_in", I, {"units": "A"})},
                          attrs={"model": repr(self)})

    def refractory_period(self, I_bias: float, pulse_amplitude: float, pulse_width: float,
                          delays, spike_factor: float = 1.5) -> xr.Dataset:
        """Pair-pulse test of refractoriness: on a sub-threshold bias ``I_bias`` (A), a first pulse
        (``pulse_amplitude`` A for ``pulse_width`` s) fires a spike; a second identical pulse after
        each ``delay`` (s) fires again only once the cell has recovered. Returns per delay the
        number of spikes and ``attrs['refractory_period']`` = the shortest delay giving two spikes.
        A spike is a device-current pulse above rest + ``spike_factor`` * pulse amplitude (the
        capacitor discharging through the switched device adds to the input current).
        """
        delays = np.sort(np.asarray(validate.positive("delays", delays, "s"), dtype=float).ravel())
        w = validate.positive("pulse_width", pulse_width, "s")
        if delays[0] < w:
            raise ConfigError("delays", delays.tolist(), f"start-to-start delays >= pulse_width = {w:g} s (no overlap)")
        # resting state on the bias alone (must be quiescent)
        t_rest = max(50 * w, 20 * self.C * 1.0 / max(abs(I_bias), 1e-15))
        rest_ds = self.simulate(I_bias, t_rest, n_out=400)
        if spike_times(rest_ds["i"].values, rest_ds["t"].values, t_min=0.5 * t_rest).size >= 2:
            raise ConfigError("I_bias", I_bias, "a sub-threshold bias current (the cell fires on the bias alone)")
        v_rest = float(rest_ds["v"].values[-1])
        x_rest = np.array([rest_ds[nm].values[-1] for nm in self.device.state_names])
        counts = []
        for d in delays:
            def drive(t, d=d):
                on = (0.0 <= t - w < w) or (0.0 <= t - w - d < w)
                return I_bias + (pulse_amplitude if on else 0.0)
            t_end = 2 * w + d + 30 * w
            ds = self.simulate(drive, t_end, n_out=4000, max_step=w / 10, v0=v_rest, x0=x_rest)
            i = ds["i"].values
            # a spike: the device current overshoots the total input (the capacitor discharges
            # through the switched device), i.e. i > rest + spike_factor * pulse
            thr = i[0] + spike_factor * abs(pulse_amplitude)
            counts.append(spike_times(i, ds["t"].values, threshold=thr, rearm=i[0] + 0.5 * abs(pulse_amplitude)).size)
        counts = np.array(counts)
        two = delays[counts >= 2]
        ds = xr.Dataset({"n_spikes": ("delay", counts)}, coords={"delay": ("delay", delays, {"units": "s"})},
                        attrs={"refractory_period": float(two.min()) if two.size else float("nan"),
                               "I_bias": I_bias, "pulse_amplitude": pulse_amplitude, "pulse_width": w})
        return ds
