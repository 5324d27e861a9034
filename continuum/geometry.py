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

from dataclasses import dataclass

import numpy as np

from continuum._fipy import fipy
from matsim.core import validate
from matsim.core.errors import ConfigError

GEOMETRIES = ("axisymmetric", "2d")
MIN_CELLS_3D = 2  # per axis of a Cartesian 3-D box


def face_tables(mesh, area_factor: float = 1.0):
    """(c0, c1, interior, d, area) of every face of a FiPy mesh: its cells (c1 = -1 at the boundary),
    centre-centre distance (centre-face at the boundary), m, and area in m^2 (FiPy's per-radian
    areas of cylindrical grids times ``area_factor``)."""
    ids = np.asarray(mesh.faceCellIDs.filled(-1))
    c0, c1 = ids[0], ids[1]
    d = np.asarray(mesh._cellDistances)
    area = np.asarray(mesh._faceAreas) * area_factor
    return c0, c1, c1 >= 0, d, area
MIN_CELLS = 4  # per direction: fewer cannot resolve a filament or the Joule parabola


def radial_widths(radius: float, n: int, grading: float) -> np.ndarray:
    """Radial cell widths (m) growing geometrically from the axis: n widths summing to ``radius``, the
    last ``grading`` times the first (dr_i = dr_0 q^i, q = grading^(1/(n-1)))."""
    if grading == 1.0:
        return np.full(n, radius / n)
    q = grading ** (1.0 / (n - 1))
    w = q ** np.arange(n)
    return radius * w / w.sum()


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
    def build(cls, kind: str, radius_m: float, thickness_m: float, n_cells, depth_m: float | None = None,
              radial_grading: float = 1.0) -> Geometry:
        """``radial_grading`` (axisymmetric only): ratio of the outermost to the innermost radial cell
        width; the widths grow geometrically from the axis (1 = uniform).  A Mott filament is much
        thinner than the device (a few nm in a 100 nm VO2 cylinder), so the cells near the axis decide
        whether its width is resolved (see :func:`radial_widths`)."""
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
        grading = validate.positive("radial_grading", radial_grading)
        if grading < 1.0:
            raise ConfigError("radial_grading", radial_grading, "a ratio >= 1 (outermost / innermost radial cell width)")
        if grading != 1.0 and kind != "axisymmetric":
            raise ConfigError("radial_grading", radial_grading, "1 in the 2d geometry (grading is axisymmetric only)")
        if kind == "axisymmetric":
            dr = radial_widths(radius, n_lat, grading) if grading != 1.0 else radius / n_lat
            mesh = fipy.CylindricalGrid2D(nr=n_lat, nz=n_vert, dr=dr, dz=thickness / n_vert)
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
            self._ft = face_tables(self.mesh, self.area_factor)
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


@dataclass
class Box3D:
    """Cartesian 3-D box meshed with :class:`fipy.Grid3D` (x, y lateral, z vertical; lengths in m).

    ``dz`` may be a sequence (layers of different cell heights, bottom to top).  Every axis needs at
    least 2 cells (:data:`MIN_CELLS_3D`).
    """

    dx: float
    dy: float
    dz: np.ndarray
    nx: int
    ny: int
    mesh: fipy.meshes.mesh.Mesh

    @classmethod
    def build(cls, nx: int, ny: int, dx: float, dy: float, dz) -> Box3D:
        nx = validate.positive_int("n_cells (x)", nx, MIN_CELLS_3D)
        ny = validate.positive_int("n_cells (y)", ny, MIN_CELLS_3D)
        dz = np.atleast_1d(np.asarray(dz, dtype=float))
        if dz.size < MIN_CELLS_3D:
            raise ConfigError("n_cells (z)", int(dz.size), f"an integer >= {MIN_CELLS_3D}")
        validate.positive("dz", dz, "m")
        dx, dy = validate.positive("dx", dx, "m"), validate.positive("dy", dy, "m")
        mesh = fipy.Grid3D(nx=nx, ny=ny, nz=dz.size, dx=dx, dy=dy, dz=dz)
        return cls(float(dx), float(dy), dz, nx, ny, mesh)

    area_factor = 1.0

    @property
    def cell_volumes(self) -> np.ndarray:
        return np.asarray(self.mesh.cellVolumes)

    @property
    def centers(self) -> np.ndarray:
        """(3, n_cells) cell centres, m."""
        return np.asarray(self.mesh.cellCenters)

    def _face_tables(self):
        if not hasattr(self, "_ft"):
            self._ft = face_tables(self.mesh, 1.0)
        return self._ft

    def z_faces(self, z: float) -> np.ndarray:
        """Boolean mask of the exterior faces lying in the plane z (m), i.e. the bottom or the top."""
        fc = np.asarray(self.mesh.faceCenters)
        ext = np.asarray(self.mesh.exteriorFaces)
        tol = 1e-6 * float(self.dz.min())
        normal_z = np.abs(np.asarray(self.mesh.faceNormals)[2]) > 0.5
        return ext & normal_z & (np.abs(fc[2] - z) < tol)
