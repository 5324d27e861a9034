"""An M x N crossbar of exported devices as an ngspice netlist, and a read-out run.

Topology (the usual one of crossbar simulators): word line ``i`` is driven by ``V_i`` through
``r_driver``; along it, wire segments ``r_wire`` connect the cell nodes ``r_i_j``; device ``(i, j)`` sits
between ``r_i_j`` and ``c_i_j``; bit line ``j`` runs down through segments ``r_wire`` and ends in
``r_sense`` to ground. The output currents are those through the sense resistors.

A read is the operating point (``.op``): every state is held at its given value in DC (the exports'
DC hold, :mod:`compact.export.lower`), so the currents are the DC solution with the given states and
can be compared with a nodal solve. ``t_read`` is kept for compatibility and unused.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np

from matsim.core import validate
from matsim.core.errors import ConfigError

from compact.export import expr as ex
from compact.export.ngspice import check_convergence, read_raw, run_ngspice, subckt_text
from compact.export.spec import build_spec


def crossbar_netlist(spec, name: str, subckt_file: str, states: np.ndarray, v_rows, r_driver: float,
                     r_wire: float, r_sense: float, t_read: float, raw_file: str) -> str:
    M, N = states.shape[:2]
    lines = [f"matsim {M}x{N} crossbar of {name}", f".include {subckt_file}"]
    for i in range(M):
        lines.append(f"V_row{i} drv{i} 0 DC {ex.num(v_rows[i])}")
        lines.append(f"R_drv{i} drv{i} r_{i}_0 {ex.num(r_driver)}")
        for j in range(N - 1):
            lines.append(f"R_rw{i}_{j} r_{i}_{j} r_{i}_{j + 1} {ex.num(r_wire)}")
    for j in range(N):
        for i in range(M - 1):
            lines.append(f"R_cw{i}_{j} c_{i}_{j} c_{i + 1}_{j} {ex.num(r_wire)}")
        lines.append(f"V_sense{j} c_{M - 1}_{j} sense{j} DC 0")
        lines.append(f"R_sense{j} sense{j} 0 {ex.num(r_sense)}")
    for i in range(M):
        for j in range(N):
            ov = " ".join(f"{spec.names['x0_' + st.name]}={ex.num(states[i, j, k])}"
                          for k, st in enumerate(spec.states))
            lines.append(f"X_{i}_{j} r_{i}_{j} c_{i}_{j} {name} {ov}")
    probes = [f"i(v_sense{j})" for j in range(N)]
    # a read is the operating point: every state is held at its x0 in DC (compact.export.lower)
    lines += [".options reltol=1e-9 abstol=1e-18 vntol=1e-12 gmin=1e-18",
              ".control", "set filetype=ascii", "op", f"write {raw_file} " + " ".join(probes), "quit 0",
              ".endc", ".end", ""]
    return "\n".join(lines)


def read_crossbar(model, states, v_rows, r_driver: float = 1.0, r_wire: float = 1.0, r_sense: float = 1.0,
                  t_read: float = 1e-15, workdir=None, timeout: float = 60.0) -> np.ndarray:
    """Column (bit-line) currents (A) of an M x N crossbar of ``model`` devices read in ngspice.

    states : (M, N, n_state) device states (model units); v_rows : (M,) word-line voltages (V);
    resistances in ohm; t_read : transient length (s), short enough that the states do not move.
    """
    states = np.asarray(states, dtype=float)
    if states.ndim == 2:
        states = states[..., None]
    if states.ndim != 3 or states.shape[2] != model.n_state:
        raise ConfigError("states", f"array{states.shape}", f"an (M, N, {model.n_state}) array of device states")
    v_rows = validate.finite("v_rows", np.atleast_1d(v_rows), "V")
    if v_rows.shape != (states.shape[0],):
        raise ConfigError("v_rows", f"array{v_rows.shape}", f"{states.shape[0]} word-line voltages (V)")
    for fld, val in (("r_driver", r_driver), ("r_wire", r_wire), ("r_sense", r_sense)):
        validate.positive(fld, val, "ohm")
    spec = build_spec(model)
    name = type(model).__name__
    tmp = tempfile.TemporaryDirectory(prefix="matsim-xbar-") if workdir is None else None
    wd = Path(tmp.name if tmp else workdir)
    wd.mkdir(parents=True, exist_ok=True)
    try:
        (wd / f"{name}.cir").write_text(subckt_text(spec, name), encoding="utf-8")
        net = wd / "crossbar.cir"
        net.write_text(crossbar_netlist(spec, name, f"{name}.cir", states, v_rows, r_driver, r_wire, r_sense,
                                        t_read, "crossbar.raw"), encoding="utf-8")
        run_ngspice(net, timeout=timeout)
        res = read_raw(wd / "crossbar.raw")
    finally:
        if tmp is not None:
            tmp.cleanup()
    check_convergence(res, f"{name} crossbar")
    return np.array([res[f"i(v_sense{j})"][-1] for j in range(states.shape[1])])
