"""FiPy meshes of a Mott threshold switch: a cylinder (axisymmetric) or a cross-section (2d).

``axisymmetric``: :class:`fipy.CylindricalGrid2D`, r in [0, radius], z in [0, thickness]; the
axis r = 0 is a symmetry line, the lateral wall is r = radius.  A filament forms on the axis.

``2d``: :class:`fipy.Grid2D`, x in [0, 2 radius], z in [0, thickness], of out-of-plane ``depth``
(default 2 radius); both side walls are lateral boundaries, so a filament may form off-centre.

Electrodes are the faces z = 0 (grounded, "bottom") and z = thickness ("top").
FiPy's cylindrical meshes store face areas and cell volumes per radian; :attr:`Geometry.area_factor`
(2 pi, or the depth in 2d) turns sums over them into SI amperes and watts.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from continuum._fipy import fipy  # noqa: E402  (serial FiPy, also under mpiexec)

from matsim.core import validate  # noqa: E402
from matsim.core.errors import ConfigError  # noqa: E402

GEOMETRIES = ("axisymmetric", "2d")
MIN_CELLS = 4  # per direction: fewer cannot resolve a filament or the Joule parabola


@dataclass
class Geometry:
    """Mesh plus the index arrays the model needs (all lengths in m)."""

    kind: str
    radius: float
    thickness: float
    depth: float
    n_lateral: int
    n_vertical: int
    mesh: fipy.meshes.mesh.Mesh

    @classmethod
    def build(cls, kind: str, radius_m: float, thickness_m: float, n_cells, depth_m: float | None = None) -> "Geometry":
        validate.one_of("geometry", kind, GEOMETRIES)
        radius = validate.positive("radius_m", radius_m, "m")
        thickness = validate.positive("thickness_m", thickness_m, "m")
        if isinstance(n_cells, (tuple, list)):
            if len(n_cells) != 2:
                raise ConfigError("n_cells", n_cells, "an int n (n x n cells) or a pair (n_lateral, n_vertical)")
            n_lat, n_vert = n_cells
        else:
            n_lat = n_vert = n_cells
        n_lat = validate.positive_int("n_cells (lateral)", n_lat, MIN_CELLS)
        n_vert = validate.positive_int("n_cells (vertical)", n_vert, MIN_CELLS)
        if kind == "axisymmetric":
            mesh = fipy.CylindricalGrid2D(nr=n_lat, nz=n_vert, dr=radius / n_lat, dz=thickness / n_vert)
            depth = float("nan")
        else:
            depth = 2 * radius if depth_m is None else validate.positive("depth_m", depth_m, "m")
            mesh = fipy.Grid2D(nx=n_lat, ny=n_vert, dx=2 * radius / n_lat, dy=thickness / n_vert)
        return cls(kind, radius, thickness, depth, n_lat, n_vert, mesh)

    # ------------------------------------------------------------------ derived quantities
    @property
    def axisymmetric(self) -> bool:
        return self.kind == "axisymmetric"

    @property
    def area_factor(self) -> float:
        """Multiplier turning FiPy face areas / cell volumes into m^2 / m^3."""
        return 2 * np.pi if self.axisymmetric else self.depth

    @property
    def electrode_area(self) -> float:
        """Area of one electrode (m^2)."""
        return np.pi * self.radius ** 2 if self.axisymmetric else 2 * self.radius * self.depth

    @property
    def volume(self) -> float:
        """Device volume (m^3)."""
        return self.electrode_area * self.thickness

    @property
    def dz(self) -> float:
        return self.thickness / self.n_vertical

    @property
    def x(self) -> np.ndarray:
        """Lateral cell-centre coordinates (r or x), m."""
        return np.asarray(self.mesh.cellCenters[0]).reshape(self.n_vertical, self.n_lateral)[0]

    @property
    def z(self) -> np.ndarray:
        """Vertical cell-centre coordinates, m."""
        return np.asarray(self.mesh.cellCenters[1]).reshape(self.n_vertical, self.n_lateral)[:, 0]

    def grid(self, values) -> np.ndarray:
        """Cell values as a (n_vertical, n_lateral) array (z rows, lateral columns)."""
        return np.asarray(values).reshape(self.n_vertical, self.n_lateral)

    @property
    def cell_volumes(self) -> np.ndarray:
        """Cell volumes in m^3."""
        return np.asarray(self.mesh.cellVolumes) * self.area_factor

    def faces(self, where: str) -> np.ndarray:
        """Boolean face mask: "top", "bottom", "lateral" (the wall(s) that are not the axis)."""
        m = self.mesh
        if where == "top":
            return np.asarray(m.facesTop)
        if where == "bottom":
            return np.asarray(m.facesBottom)
        if where == "lateral":
            right = np.asarray(m.facesRight)
            return right if self.axisymmetric else right | np.asarray(m.facesLeft)
        raise ValueError(where)

    def face_cells(self, mask) -> np.ndarray:
        """Index of the (single) cell next to each boundary face in ``mask``."""
        return np.asarray(self.mesh.faceCellIDs[0])[np.asarray(mask)]

    def face_areas(self, mask) -> np.ndarray:
        """Areas (m^2) of the faces in ``mask``."""
        return np.asarray(self.mesh._faceAreas)[np.asarray(mask)] * self.area_factor

    def face_to_cell_distance(self, mask) -> np.ndarray:
        """Distance (m) from each boundary face in ``mask`` to the centre of its cell."""
        fc = np.asarray(self.mesh.faceCenters)[:, np.asarray(mask)]
        cc = np.asarray(self.mesh.cellCenters)[:, self.face_cells(mask)]
        return np.hypot(*(fc - cc))

    def boundary_sink(self, mask, h: float, kappa: float) -> np.ndarray:
        """Per-cell coefficient b (W/(m^3 K)) of a boundary heat sink ``-b (T - T_ambient)``.

        A face of area A with heat-transfer coefficient h (W/(m^2 K)) in series with the half cell
        (distance d, conductivity kappa) carries ``A (T_cell - T_amb) / (1/h + d/kappa)``; dividing by
        the cell volume gives b.  ``h = inf`` reproduces FiPy's Dirichlet discretisation.
        """
        mask = np.asarray(mask)
        cells = self.face_cells(mask)
        d = self.face_to_cell_distance(mask)
        h_eff = 1.0 / ((0.0 if np.isinf(h) else 1.0 / h) + d / kappa)
        b = np.zeros(self.mesh.numberOfCells)
        np.add.at(b, cells, h_eff * self.face_areas(mask))
        return b / self.cell_volumes

    # ------------------------------------------------------------------ conservative Joule heat
    def _face_tables(self):
        if not hasattr(self, "_ft"):
            ids = np.asarray(self.mesh.faceCellIDs.filled(-1))
            c0, c1 = ids[0], ids[1]
            d = np.asarray(self.mesh._cellDistances)          # centre-centre, or centre-face at the boundary
            area = np.asarray(self.mesh._faceAreas) * self.area_factor
            self._ft = (c0, c1, c1 >= 0, d, area)
        return self._ft

    def face_power(self, phi_cells, phi_faces, sigma_faces) -> np.ndarray:
        """Joule power per cell volume (W/m^3), dissipated face by face.

        Each face is a conductance g_f = sigma_f A_f / d_f carrying the potential difference dphi_f
        between its two cell centres (or cell centre and constrained face value at the boundary);
        its power g_f dphi_f^2 is shared equally by the two cells (all to the cell at a boundary).
        The sum over cells is exactly I V of the discrete network (unlike sigma |cell grad phi|^2,
        which FiPy's cell gradient gets wrong near the axis of cylindrical grids).
        """
        c0, c1, interior, d, area = self._face_tables()
        phi_c = np.asarray(phi_cells)
        other = np.where(interior, phi_c[np.where(interior, c1, 0)], np.asarray(phi_faces))
        p = np.asarray(sigma_faces) * area / d * (other - phi_c[c0]) ** 2
        q = np.zeros(self.mesh.numberOfCells)
        np.add.at(q, c0, np.where(interior, 0.5 * p, p))
        np.add.at(q, c1[interior], 0.5 * p[interior])
        return q / self.cell_volumes
