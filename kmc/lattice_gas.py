"""Non-interacting lattice gas on a simple-cubic lattice: the validation model of the engine.

Each particle hops to one of its 6 nearest neighbours with rate

    r_± = ν exp(-(E_a ∓ ½ q a E)/k_B T)

(± along/against the field component on that axis), so per axis the exact results are
D = a² ν e^(-E_a/k_B T) (without field, or on axes without field) and the drift
v = 2 a ν e^(-E_a/k_B T) sinh(q a E / 2 k_B T) (e.g. Kittel/Mehrer, *Diffusion in Solids*, ch. 11).
"""

from __future__ import annotations

import numpy as np

from kmc import _lattice_gas_kernels as LK
from kmc.engine import KMCModel
from matsim.core.checkpoint import save_checkpoint
from matsim.core.units import k_B_eV
from matsim.core.validate import finite, non_negative, positive, positive_int, temperature


def hop_rates(Ea_eV: float, nu_Hz: float, T_K: float, E_field_V_per_m, spacing_m: float,
              charge_e: float = 1.0) -> np.ndarray:
    """The 6 hop rates (1/s) for +x, -x, +y, -y, +z, -z."""
    E = np.broadcast_to(np.asarray(E_field_V_per_m, dtype=float), (3,)) if np.ndim(E_field_V_per_m) == 0 \
        else np.asarray(E_field_V_per_m, dtype=float)
    if np.ndim(E_field_V_per_m) == 0:
        E = np.array([float(E_field_V_per_m), 0.0, 0.0])
    kT = k_B_eV * T_K
    out = np.empty(6)
    for axis in range(3):
        w = 0.5 * charge_e * spacing_m * E[axis]        # eV (charge in e, field in V/m)
        out[2 * axis] = nu_Hz * np.exp(-(Ea_eV - w) / kT)
        out[2 * axis + 1] = nu_Hz * np.exp(-(Ea_eV + w) / kT)
    return out


class LatticeGas(KMCModel):
    """Independent particles hopping on a cubic lattice (validation of the BKL engine).

    Parameters
    ----------
    shape : (nx, ny, nz) sites; positions wrap for ``periodic=True``, walls reflect otherwise.
    spacing_m : lattice constant a (m).
    Ea_eV : hop barrier (eV). nu_Hz : attempt frequency (Hz). T_K : temperature (K).
    E_field_V_per_m : field along x (scalar) or a 3-vector (V/m). charge_e : particle charge (e).
    n_particles : number of particles (placed uniformly at random, several may share a site).
    seed : random seed (or pass ``rng``). engine : "numba" (default) or "python" (reference).
    """

    rate_kernel = LK.rate
    execute_kernel = LK.execute
    run_kernel = LK.run
    fill_kernel = LK.fill
    max_touched = 6

    def __init__(self, shape=(16, 16, 16), spacing_m: float = 2.5e-10, Ea_eV: float = 0.5,
                 nu_Hz: float = 1e13, T_K: float = 300.0, E_field_V_per_m=0.0, periodic: bool = True,
                 n_particles: int = 1000, charge_e: float = 1.0, seed=None, engine: str = "numba", rng=None,
                 _positions=None):
        shape = tuple(int(positive_int(f"shape[{i}]", s)) for i, s in enumerate(_as_shape(shape)))
        self.shape = shape
        self.spacing_m = positive("spacing_m", spacing_m, "m")
        self.Ea_eV = non_negative("Ea_eV", Ea_eV, "eV")
        self.nu_Hz = positive("nu_Hz", nu_Hz, "Hz")
        self.T_K = temperature("T_K", T_K)
        self.E_field = np.atleast_1d(finite("E_field_V_per_m", E_field_V_per_m, "V/m")).astype(float)
        if self.E_field.shape not in ((1,), (3,)):
            raise ValueError("E_field_V_per_m: expected a number or a 3-vector (V/m)")
        self.charge_e = finite("charge_e", charge_e, "e")
        self.periodic = bool(periodic)
        n = positive_int("n_particles", n_particles)
        self._init_engine(6 * n, engine=engine, seed=seed, rng=rng)
        if _positions is None:
            _positions = np.stack([self.rng.integers(0, s, size=n) for s in shape], axis=1)
        self._pos = np.ascontiguousarray(_positions, dtype=np.int64)
        self._start = self._pos.copy()
        field = self.E_field[0] if self.E_field.shape == (1,) else self.E_field
        self._hop = hop_rates(self.Ea_eV, self.nu_Hz, self.T_K, field, self.spacing_m, self.charge_e)
        self._shape_arr = np.array(shape, dtype=np.int64)
        self._periodic_arr = np.array([int(self.periodic)], dtype=np.int64)
        self.refresh_rates()

    @property
    def n_particles(self) -> int:
        return self._pos.shape[0]

    def state(self) -> tuple:
        return (self._pos, self._hop, self._shape_arr, self._periodic_arr)

    def positions(self) -> np.ndarray:
        """Unwrapped particle positions (m), shape (N, 3)."""
        return self._pos * self.spacing_m

    def displacements(self) -> np.ndarray:
        """Displacement since the start (m), shape (N, 3)."""
        return (self._pos - self._start) * self.spacing_m

    def sites(self) -> np.ndarray:
        """Wrapped lattice indices (N, 3)."""
        return np.mod(self._pos, self._shape_arr)

    # -- checkpoint / restart
    def _config(self) -> dict:
        return {"model": "LatticeGas", "shape": list(self.shape), "spacing_m": self.spacing_m,
                "Ea_eV": self.Ea_eV, "nu_Hz": self.nu_Hz, "T_K": self.T_K,
                "E_field_V_per_m": self.E_field.tolist(), "periodic": self.periodic,
                "charge_e": self.charge_e}

    def save(self, path):
        """Checkpoint (positions, clock, random-generator state) to ``path`` (.npz)."""
        return save_checkpoint(path, {"positions": self._pos, "start": self._start},
                               {"config": self._config(), **self._engine_meta()})

    @classmethod
    def _from_checkpoint(cls, arrays, meta, engine=None):
        cfg = dict(meta["config"])
        cfg.pop("model")
        field = cfg.pop("E_field_V_per_m")
        obj = cls(**cfg, E_field_V_per_m=field[0] if len(field) == 1 else field,
                  n_particles=len(arrays["positions"]), engine=engine or meta["engine"], seed=0,
                  _positions=arrays["positions"])
        obj._start = np.ascontiguousarray(arrays["start"], dtype=np.int64)
        obj._restore_engine(meta)
        return obj


def _as_shape(shape):
    if np.ndim(shape) == 0:
        return (shape,) * 3
    shape = tuple(shape)
    if len(shape) != 3:
        raise ValueError(f"shape: expected 3 integers (nx, ny, nz), got {shape!r}")
    return shape
