"""Export compact models to circuit simulators and prove the export matches the Python model.

>>> from compact import StanfordPKU
>>> from compact.export import to_ngspice, to_verilog_a, verify
>>> to_ngspice(StanfordPKU(), "out/")              # out/StanfordPKU.cir  (.subckt StanfordPKU p n)
>>> to_verilog_a(StanfordPKU(), "out/")            # out/StanfordPKU.va   (well-posed module)
>>> res = verify(StanfordPKU())                    # runs ngspice -b, compares with model.simulate
>>> res.max_rel_error                              # max |i_spice - i_python| / max |i_python|

See ``docs/export.md`` for the equations, the well-posedness rules (Wang & Roychowdhury 2016) and the
command line (``matsim compact export|verify``).
"""

from __future__ import annotations

import re
from pathlib import Path

from matsim.core.errors import ConfigError

from compact.export.ngspice import NgspiceError, find_ngspice, read_raw, run_ngspice, spice_source, subckt_text
from compact.export.spec import Equations, ExportSpec, build_spec, register, supported_models
from compact.export.verilog_a import VerilogACompileError, compile_verilog_a, find_openvaf, module_text

__all__ = ["to_ngspice", "to_verilog_a", "verify", "read_parameters", "build_spec", "register", "Equations",
           "ExportSpec", "supported_models", "NgspiceError", "VerilogACompileError", "compile_verilog_a",
           "find_openvaf", "find_ngspice", "run_ngspice", "read_raw", "spice_source"]

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _target(path, name: str, suffix: str) -> Path:
    path = Path(path)
    if path.suffix.lower() != suffix and (path.is_dir() or not path.suffix):
        path = path / f"{name}{suffix}"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError("path", str(path), f"a writable location for the {suffix} file ({exc.strerror})") from None
    if path.is_dir():
        raise ConfigError("path", str(path), f"a file path ending in {suffix} or a directory")
    return path


def _write(path: Path, text: str) -> Path:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ConfigError("path", str(path), f"a writable file ({exc.strerror})") from None
    return path


def _check_name(name: str) -> str:
    if not isinstance(name, str) or not _NAME.match(name):
        raise ConfigError("name", name, "a SPICE/Verilog-A identifier (letters, digits, _; not starting with a digit)")
    return name


def to_ngspice(model, path, name: str | None = None, bounds: str = "gate", thermal_port: bool = False,
               params: dict | None = None, variability: dict | None = None, noise: dict | None = None) -> Path:
    """Write ``model`` as an ngspice ``.subckt NAME p n params: ...`` file and return its path.

    ``path`` is a ``.cir``/``.lib`` file or a directory (then ``NAME.cir``). States are voltages on
    internal capacitor nodes driven by B-sources, smoothly clipped and gated at their bounds; a
    temperature state is a node in K. Parameters are SI values, overridable per instance.
    ``bounds="clip"`` copies :meth:`CompactModel.simulate` literally (rate not gated; see
    :mod:`compact.export.lower`). ``thermal_port=True`` adds a terminal ``th`` (``.subckt NAME p n th``):
    V(th) = temperature rise (K), current into it = dissipated power (W); MottThermal, StanfordPKU,
    JARTVCM. ``params`` overrides model parameters (stored units); ``variability`` =
    ``{"spread": ..., "correlation": ...}`` (as :func:`compact.variability.sample`) draws the parameters
    per instance (``agauss``; seed with ``.options seed=N``); ``noise`` = ``{"white": A, "flicker": A,
    "alpha": 1, "rtn": A, "rtn_capture": s, "rtn_emission": s, "dt": s}`` adds a ``trnoise`` current
    source. Raises :class:`ConfigError` naming the field for an unknown parameter, a non-finite value,
    a negative noise amplitude, an unsupported model or an unwritable path.
    """
    name = _check_name(name or type(model).__name__)
    spec = build_spec(model, bounds, thermal_port=thermal_port, params=params, variability=variability,
                      noise=noise)
    text = subckt_text(spec, name)
    p = Path(path)
    suffix = p.suffix.lower() if p.suffix.lower() in (".cir", ".lib", ".sp", ".spice", ".inc") else ".cir"
    return _write(_target(path, name, suffix), text)


def to_verilog_a(model, path, name: str | None = None, bounds: str = "gate", thermal_port: bool = False,
                 params: dict | None = None, variability: dict | None = None, noise: dict | None = None) -> Path:
    """Write ``model`` as a well-posed Verilog-A module (``.va``) and return its path.

    Compile it with :func:`compile_verilog_a` (openvaf-r from the optional ``vlog`` extra);
    ``thermal_port``, ``params``, ``variability`` and ``noise`` as in :func:`to_ngspice` (module
    ``NAME(p, n, th)``; Monte-Carlo through per-instance standard normals ``mc_u1..``, since OpenVAF has no
    ``$rdist_normal``; white and 1/f noise via ``white_noise``/``flicker_noise``, no random telegraph).
    """
    name = _check_name(name or type(model).__name__)
    spec = build_spec(model, bounds, thermal_port=thermal_port, params=params, variability=variability,
                      noise=noise)
    return _write(_target(path, name, ".va"), module_text(spec, name))


_SUBCKT_PARAM = re.compile(r"^\+\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(\S+)\s*$")
_VA_PARAM = re.compile(r"parameter\s+real\s+([A-Za-z_][A-Za-z0-9_]*)\s*=\s*([^;\s]+)\s*;")


def read_parameters(path) -> dict[str, float]:
    """Parameter names and values as written in an exported ``.cir`` subcircuit or ``.va`` module.

    Values are parsed with ``float``; an export writes ``repr`` so the numbers come back bit-exact.
    """
    from matsim.core.errors import MissingFileError
    path = Path(path)
    if not path.is_file():
        raise MissingFileError("path", str(path), "an exported .cir or .va file")
    text = path.read_text(encoding="utf-8")
    out: dict[str, float] = {}
    if path.suffix.lower() == ".va":
        for m in _VA_PARAM.finditer(text):
            out[m.group(1)] = float(m.group(2))
        return out
    in_header = False
    for line in text.splitlines():
        if line.lower().startswith(".subckt"):
            in_header = True
            continue
        if in_header:
            m = _SUBCKT_PARAM.match(line)
            if not m:
                break
            out[m.group(1)] = float(m.group(2))
    return out


def verify(model, waveform=None, simulator: str = "ngspice", **kwargs):
    """Simulate ``model`` in ngspice and in Python under the same drive; see :func:`compact.export.verification.verify`."""
    from compact.export.verification import verify as _verify
    return _verify(model, waveform, simulator=simulator, **kwargs)
