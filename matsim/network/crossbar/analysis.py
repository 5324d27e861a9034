"""Crossbar analyses (as reviewed in Song et al., ACS Nano 17, 11994 (2023)):
accuracy vs bits / states / wire resistance / asymmetry, IR-drop
error vs array size, sneak-path read margin of passive (1R) and 1S1R arrays. Each returns an
``xarray.Dataset``; :func:`plot` draws any of them (matplotlib, returns the Figure).
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from matsim.core import validate
from matsim.core.rng import make_rng


def digits_split(seed: int = 0, test_size: float = 0.25, size: int = 8):
    """sklearn digits, pixels scaled to [0, 1]: (X_train, X_test, y_train, y_test).

    ``size`` > 8 upsamples the 8 x 8 images to ``size x size`` (bilinear, ``scipy.ndimage.zoom``), e.g. 28 for
    MNIST-shaped 784-input networks (no MNIST offline); ``test_size=0`` returns (X, None, y, None), all 1797.
    """
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split
    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    size = validate.positive_int("size", size, minimum=8)
    if size != 8:
        from scipy.ndimage import zoom
        X = np.clip(zoom(X.reshape(-1, 8, 8), (1, size / 8, size / 8), order=1), 0.0, 1.0).reshape(len(X), -1)
    if test_size == 0:
        return X, None, y, None
    return train_test_split(X, y, test_size=test_size, random_state=seed, stratify=y)


def accuracy_vs_bits(net, X, y, bits=(2, 3, 4, 5, 6, 8), **xb_kw) -> xr.Dataset:
    """Test accuracy of a trained :class:`~.dnn.AnalogMLP` read through crossbars with DAC = ADC = b bits."""
    xbs = net.to_crossbars(**xb_kw)
    acc = [net.score(X, y, crossbars=xbs, bits_dac=b, bits_adc=b) for b in bits]
    return xr.Dataset({"accuracy": ("bits", acc, {"units": "1"})}, coords={"bits": list(bits)},
                      attrs={"float_accuracy": net.score(X, y), "title": "accuracy vs DAC/ADC bits"})


def accuracy_vs_wire(net, X, y, r_wire=(0.0, 1.0, 5.0, 20.0, 50.0), G_max: float = 1e-3) -> xr.Dataset:
    """Test accuracy vs wire-segment resistance (Ohm) at conductance scale ``G_max`` (IR drop)."""
    acc = [net.score(X, y, crossbars=net.to_crossbars(G_max=G_max, r_wire_row=r, r_wire_col=r)) for r in r_wire]
    return xr.Dataset({"accuracy": ("r_wire", acc, {"units": "1"})},
                      coords={"r_wire": ("r_wire", list(r_wire), {"units": "Ohm"})},
                      attrs={"G_max_S": G_max, "title": "accuracy vs wire resistance (IR drop)"})


def accuracy_vs_size(data, hidden=(16, 64, 128), r_wire: float = 2.0, G_max: float = 1e-3, epochs: int = 10,
                     lr: float = 0.02, seed: int = 0) -> xr.Dataset:
    """Float vs crossbar accuracy of a 64-h-10 MLP for hidden width h: the first layer's array is
    65 x 2h, the second (h+1) x 20, so larger h means longer lines and more IR drop (r_wire in Ohm)."""
    from matsim.network.crossbar.dnn import AnalogMLP
    Xtr, Xte, ytr, yte = data
    fl, an_ = [], []
    for h in hidden:
        net = AnalogMLP([64, h, 10], None, seed=seed).fit(Xtr, ytr, epochs, lr)
        fl.append(net.score(Xte, yte))
        an_.append(net.score(Xte, yte, crossbars=net.to_crossbars(G_max=G_max, r_wire_row=r_wire, r_wire_col=r_wire)))
    return xr.Dataset({"float": ("hidden", fl, {"units": "1"}), "crossbar": ("hidden", an_, {"units": "1"})},
                      coords={"hidden": list(hidden)},
                      attrs={"r_wire_Ohm": r_wire, "G_max_S": G_max,
                             "title": f"accuracy vs array size (64-h-10, r_wire = {r_wire} Ohm)"})


def accuracy_vs_states(data, states=(10, 30, 100, 300, 1000), asymmetry: float = 0.0, epochs: int = 10,
                       lr: float = 0.02, seed: int = 0, sizes=(64, 10)) -> xr.Dataset:
    """Trained accuracy vs number of device states (pulsed SGD)."""
    from matsim.network.crossbar.dnn import AnalogMLP, PulsedDevice
    Xtr, Xte, ytr, yte = data
    acc = [AnalogMLP(list(sizes), PulsedDevice(n, asymmetry), seed=seed).fit(Xtr, ytr, epochs, lr).score(Xte, yte)
           for n in states]
    return xr.Dataset({"accuracy": ("n_states", acc, {"units": "1"})}, coords={"n_states": list(states)},
                      attrs={"asymmetry": asymmetry, "title": "accuracy vs number of states (SGD)"})


def accuracy_vs_asymmetry(data, asymmetries=(0.0, 0.25, 0.5, 0.75, 1.0), n_states: int = 100, epochs: int = 10,
                          lr: float = 0.02, seed: int = 0, sizes=(64, 10)) -> xr.Dataset:
    """Trained accuracy vs device asymmetry for plain SGD and Tiki-Taka."""
    from matsim.network.crossbar.dnn import AnalogMLP, PulsedDevice
    Xtr, Xte, ytr, yte = data
    out = {}
    for algo in ("sgd", "tikitaka"):
        out[algo] = ("asymmetry", [AnalogMLP(list(sizes), PulsedDevice(n_states, a), algo, seed=seed)
                                   .fit(Xtr, ytr, epochs, lr).score(Xte, yte) for a in asymmetries], {"units": "1"})
    return xr.Dataset(out, coords={"asymmetry": list(asymmetries)},
                      attrs={"n_states": n_states, "title": "accuracy vs asymmetry: SGD vs Tiki-Taka"})


def accuracy_over_time(net, X, y, device=None, G_min: float = 1e-5, G_max: float = 1e-4,
                       times=(1.0, 60.0, 3600.0, 86400.0, 2.592e6, 3.156e7), nu_mean: float = 0.05,
                       nu_std: float = 0.02, read_noise: float = 0.01, tolerance: float = 0.05, v_read: float = 0.1,
                       X_cal=None, seed: int = 0, scheme: str = "V/3", program: bool = True) -> xr.Dataset:
    """Accuracy of a trained network whose weights are programmed by write-verify onto compact cells, vs
    time after programming, with and without global drift compensation (GDC).

    Each layer's conductance pairs (G_min..G_max, S) are written with :func:`.operations.program`
    (``device``, default :class:`compact.StanfordPKU`; ``tolerance``; ``scheme`` half-bias), giving the
    programmed ``G_0``. At time ``t`` (s) after programming (reference ``t_0`` = 1 s) every cell drifts and is
    read with relative Gaussian noise (Ielmini et al., IEEE TED 54, 308 (2007); statistics as in
    Joshi et al., Nat. Commun. 11, 2473 (2020))::

        G(t) = G_0 (t / t_0)^(-nu_ij) (1 + sigma_read N(0, 1)),    nu_ij ~ N(nu_mean, nu_std), >= 0

    (``nu_mean``, ``nu_std``: assumed, of the order reported for phase-change memory; filamentary RRAM
    drifts less). GDC (Joshi et al. 2020): each layer's outputs are multiplied by
    ``alpha(t) = sum |y(t_0)| / sum |y(t)|`` measured on calibration inputs ``X_cal`` (default ``X[:64]``).
    ``program=False``: ``G_0`` = the targets (ideal programming; drift and noise only).
    """
    from compact import StanfordPKU
    from matsim.network.crossbar.array import Crossbar
    device = StanfordPKU() if device is None else device
    X = np.asarray(X, dtype=float)
    X_cal = X[:64] if X_cal is None else np.asarray(X_cal, dtype=float)
    rng = make_rng(seed, stream=23)
    t0 = 1.0
    programmed, maps, stats = [], [], []
    for layer in net.layers:
        G = layer.conductance_pairs(G_min, G_max)
        maps.append(layer._map)
        if not program:
            programmed.append(G)
            stats.append(1.0)
            continue
        xb = Crossbar(G.shape[0], G.shape[1], device)
        ds = xb.program(G, scheme=scheme, tolerance=tolerance, v_read=v_read, quiet=True)
        programmed.append(np.asarray(ds.G_final.values))
        stats.append(float(ds.attrs["fraction_in_tolerance"]))
    nus = [np.maximum(nu_mean + nu_std * rng.standard_normal(g.shape), 0.0) for g in programmed]

    def logits(Xin, Gs, alphas=None):
        a = Xin
        for k, (G, (wm, span)) in enumerate(zip(Gs, maps, strict=True)):
            I = np.hstack([a, np.ones((a.shape[0], 1))]) @ G
            z = wm * (I[:, 0::2] - I[:, 1::2]) / span
            z = z * (alphas[k] if alphas is not None else 1.0)
            a = z if k == len(Gs) - 1 else np.clip(z, 0.0, 1.0)
        return net.out_scale * a

    def layer_sums(Xin, Gs):
        sums, a = [], Xin
        for k, (G, (wm, span)) in enumerate(zip(Gs, maps, strict=True)):
            I = np.hstack([a, np.ones((a.shape[0], 1))]) @ G
            z = wm * (I[:, 0::2] - I[:, 1::2]) / span
            sums.append(float(np.sum(np.abs(I))))
            a = z if k == len(Gs) - 1 else np.clip(z, 0.0, 1.0)
        return sums

    ref = layer_sums(X_cal, programmed)
    acc, acc_gdc = [], []
    for t in times:
        t = validate.positive("times", t, "s")
        Gs = [g * (max(t, t0) / t0) ** (-nu) * (1.0 + read_noise * rng.standard_normal(g.shape))
              for g, nu in zip(programmed, nus, strict=True)]
        acc.append(float(np.mean(np.argmax(logits(X, Gs), 1) == y)))
        alphas = [r / max(s, 1e-300) for r, s in zip(ref, layer_sums(X_cal, Gs), strict=True)]
        acc_gdc.append(float(np.mean(np.argmax(logits(X, Gs, alphas), 1) == y)))
    return xr.Dataset({"accuracy": ("time", acc, {"units": "1"}),
                       "accuracy_gdc": ("time", acc_gdc, {"units": "1", "long_name": "with global drift compensation"})},
                      coords={"time": ("time", list(times), {"units": "s"})},
                      attrs={"float_accuracy": net.score(X, y, hardware=False), "device": type(device).__name__,
                             "fraction_in_tolerance": stats, "nu_mean": nu_mean, "nu_std": nu_std,
                             "read_noise": read_noise, "title": "accuracy vs time after programming"})


def ir_drop_vs_size(sizes=(16, 32, 64, 128, 256), r_wire: float = 1.0, G_range=(1e-6, 1e-4), v_read: float = 0.2,
                    seed: int = 0) -> xr.Dataset:
    """Relative error ``|I - G^T v| / |G^T v|`` (2-norm) of the analog VMM vs array size (n x n, random G)."""
    from matsim.network.crossbar.array import Crossbar
    rng = make_rng(seed, stream=21)
    err = []
    for n in sizes:
        G = rng.uniform(*G_range, (n, n))
        v = v_read * rng.uniform(0, 1, n)
        i = Crossbar(n, n, G, r_wire_row=r_wire, r_wire_col=r_wire).solve(v).i_out
        ref = G.T @ v
        err.append(float(np.linalg.norm(i - ref) / np.linalg.norm(ref)))
    return xr.Dataset({"relative_error": ("size", err, {"units": "1"})}, coords={"size": list(sizes)},
                      attrs={"r_wire_Ohm": r_wire, "title": f"VMM error from IR drop, r_wire = {r_wire} Ohm"})


def sneak_read_margin(sizes=(2, 4, 8, 16, 32, 64), G_on: float = 1e-4, G_off: float = 1e-6, v_read: float = 1.0,
                      r_wire: float = 1.0, cell: str = "1R", selector=None) -> xr.Dataset:
    """Worst-case read margin of one cell in an n x n array with floating unselected lines.

    The far-corner cell (0, n-1) is read with ``v_read`` on its word line and its bit line at virtual
    ground; all other lines float (``r_driver = r_sense = inf``) and every other cell is ON (the worst
    case for sneak paths). Margin = ``(I_on - I_off) / I_on`` of the sensed current when the selected
    cell is ON vs OFF (1 = no sneak current, 0 = unreadable).
    """
    from matsim.network.crossbar.array import Crossbar
    validate.positive("v_read", v_read, "V")
    i_on, i_off = [], []
    for n in sizes:
        r_drv = np.full(n, np.inf)
        r_drv[0] = 0.0
        r_sen = np.full(n, np.inf)
        r_sen[n - 1] = 0.0
        v = np.zeros(n)
        v[0] = v_read
        res = []
        for g_sel in (G_on, G_off):
            G = np.full((n, n), G_on)
            G[0, n - 1] = g_sel
            xb = Crossbar(n, n, G, r_wire_row=r_wire, r_wire_col=r_wire, r_driver=r_drv, r_sense=r_sen,
                          cell=cell, selector=selector)
            res.append(float(xb.solve(v).i_out[n - 1]))
        i_on.append(res[0])
        i_off.append(res[1])
    i_on, i_off = np.array(i_on), np.array(i_off)
    return xr.Dataset({"margin": ("size", (i_on - i_off) / i_on, {"units": "1"}),
                       "i_on": ("size", i_on, {"units": "A"}), "i_off": ("size", i_off, {"units": "A"})},
                      coords={"size": list(sizes)},
                      attrs={"cell": cell, "G_on_S": G_on, "G_off_S": G_off, "v_read_V": v_read,
                             "title": f"worst-case sneak-path read margin (G_on/G_off = {G_on / G_off:g})"})


def plot(datasets, x: str, y, path=None, logx: bool = False, logy: bool = False, labels=None,
         ylabel: str | None = None):
    """Line plot of variable(s) ``y`` against coordinate ``x`` for one or several datasets; returns the Figure."""
    import matplotlib.pyplot as plt
    datasets = datasets if isinstance(datasets, (list, tuple)) else [datasets]
    ys = [y] if isinstance(y, str) else list(y)
    fig, ax = plt.subplots(figsize=(5, 3.6))
    for k, ds in enumerate(datasets):
        for var in ys:
            lab = var if len(ys) > 1 else (labels[k] if labels else ds.attrs.get("cell", ""))
            ax.plot(ds[x].values, ds[var].values, "o-", label=lab.strip() or var)
    ax.set_xlabel(f"{x}" + (f" ({datasets[0][x].attrs['units']})" if "units" in datasets[0][x].attrs else ""))
    ax.set_ylabel(ylabel or ", ".join(ys))
    if logx:
        from matplotlib.ticker import NullFormatter, ScalarFormatter
        ax.set_xscale("log")
        ax.set_xticks(datasets[0][x].values)
        ax.xaxis.set_major_formatter(ScalarFormatter())
        ax.xaxis.set_minor_formatter(NullFormatter())
    if logy:
        ax.set_yscale("log")
    ax.set_title(datasets[0].attrs.get("title", ""), fontsize=9)
    ax.legend(fontsize=8)
    fig.tight_layout()
    if path is not None:
        fig.savefig(path, dpi=120)
    return fig
