"""Import FiPy as a serial library, also under ``mpiexec``.

matsim parallelises over parameter sets (each rank solves whole, small meshes), not over the mesh.
FiPy decides at import time whether it runs in parallel (from mpi4py's COMM_WORLD size) and then
refuses the scipy solver and partitions meshes; hiding mpi4py during the import keeps every rank's
FiPy serial.  Parallel FiPy solvers (PETSc/Trilinos) are optional and not used here.
"""

import os
import sys

os.environ.setdefault("FIPY_SOLVERS", "scipy")

if "fipy" not in sys.modules:
    _saved = {k: sys.modules.get(k) for k in ("mpi4py", "mpi4py.MPI")}
    sys.modules["mpi4py"] = None  # type: ignore[assignment]  # -> ImportError inside fipy
    sys.modules["mpi4py.MPI"] = None  # type: ignore[assignment]
    try:
        import fipy
    finally:
        for k, v in _saved.items():
            if v is None:
                sys.modules.pop(k, None)
            else:
                sys.modules[k] = v

import fipy  # noqa: F401
from fipy import CellVariable, DiffusionTerm, ImplicitSourceTerm, TransientTerm  # noqa: F401
