"""service.demo.cells: approximate commune and province shapes from centroids.

Each commune gets the Voronoi cell of its centroid, clipped to the national outline. A
unit whose centroid lies off the outline (islands the 1:10M outline lacks, Hoàng Sa and
Trường Sa among them) also gets a small disc around its centroid, cut to its own Voronoi
cell so units never overlap. A province is the union of its communes' unclipped cells,
clipped once (clean shared edges), plus its island discs. A centroid that the generalised
1:10M outline puts inside a neighbour is first moved about 500 m inside Vietnam.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from service.demo.units import Commune

_EXTENT = (95.0, 0.0, 125.0, 30.0)  # far beyond every unit: no cell is cut by the diagram box
_DISC_MIN_DEG, _DISC_MAX_DEG, _DISC_DEFAULT_KM = 0.01, 0.09, 2.0
_KM_PER_DEG = 111.32
_PULL_INSIDE_DEG = 0.005  # about 500 m


@dataclass
class Cells:
    """Shapes of one era, in the order of the communes passed in."""

    points: np.ndarray  # (n, 2) lon/lat actually used (after spreading duplicates)
    voronoi: np.ndarray  # unclipped cells (shapely polygons)
    communes: np.ndarray  # MultiPolygons
    island: np.ndarray  # bool: centroid off the outline, disc added
    provinces: dict[str, MultiPolygon]


def as_multipolygon(geom: BaseGeometry) -> MultiPolygon:
    """The polygonal part of ``geom`` as a valid MultiPolygon."""
    out: MultiPolygon = as_multipolygons(np.array([geom], dtype=object))[0]
    return out


def as_multipolygons(geoms: np.ndarray) -> np.ndarray:
    """Vectorised ``as_multipolygon``: repairs invalid ones, drops lines and points."""
    geoms = geoms.copy()
    invalid = ~shapely.is_valid(geoms)
    geoms[invalid] = shapely.make_valid(geoms[invalid])
    parts, idx = shapely.get_parts(geoms, return_index=True)
    # Collections may hold multipolygons: flatten one more level.
    parts, sub = shapely.get_parts(parts, return_index=True)
    idx = idx[sub]
    keep = (shapely.get_type_id(parts) == 3) & ~shapely.is_empty(parts)
    out = np.array([MultiPolygon()] * len(geoms), dtype=object)
    if keep.any():
        multi = shapely.multipolygons(parts[keep], indices=idx[keep])
        out[np.unique(idx[keep])] = multi
    return out


def _disc(lon: float, lat: float, area_km2: float | None) -> Polygon:
    radius_km = math.sqrt(area_km2 / math.pi) if area_km2 else _DISC_DEFAULT_KM
    r = min(max(radius_km / _KM_PER_DEG, _DISC_MIN_DEG), _DISC_MAX_DEG)
    # An ellipse in degrees that is about round on the ground.
    circle = shapely.Point(lon, lat).buffer(r, quad_segs=8)
    return shapely.affinity.scale(circle, xfact=1 / math.cos(math.radians(lat)), yfact=1.0)


def _pull_inside(pts: np.ndarray, outline: MultiPolygon, neighbours: BaseGeometry) -> np.ndarray:
    """Move centroids that fall in a neighbour (the 1:10M line is off by a few km) just
    inside Vietnam, so they get a cell on the right side and no island disc."""
    out = pts.copy()
    across = shapely.contains_xy(neighbours, pts[:, 0], pts[:, 1]) & ~shapely.contains_xy(
        outline, pts[:, 0], pts[:, 1]
    )
    for i in np.flatnonzero(across).tolist():
        p = shapely.Point(pts[i])
        edge = shapely.get_coordinates(shapely.shortest_line(p, outline))[1]
        step = edge - pts[i]
        step = step / (np.hypot(*step) or 1.0) * _PULL_INSIDE_DEG
        candidate = shapely.Point(edge + step)
        if not outline.contains(candidate):
            candidate = shapely.point_on_surface(outline.intersection(p.buffer(0.05)))
        out[i] = shapely.get_coordinates(candidate)[0]
    return out


def build_cells(communes: list[Commune], outline: MultiPolygon, neighbours: BaseGeometry) -> Cells:
    """Commune and province shapes for one era (``neighbours``: the land neighbours' union)."""
    shapely.prepare(outline)
    shapely.prepare(neighbours)
    pts = _pull_inside(
        np.array([(c.lon, c.lat) for c in communes], dtype=float), outline, neighbours
    )
    points = shapely.points(pts)
    diagram = shapely.voronoi_polygons(
        shapely.multipoints(points), extend_to=shapely.box(*_EXTENT), ordered=True
    )
    voronoi = np.asarray(shapely.get_parts(diagram))
    if len(voronoi) != len(communes):
        raise ValueError(f"Voronoi gave {len(voronoi)} cells for {len(communes)} centroids")

    inside_cell = shapely.contains(outline, voronoi)
    island = ~shapely.contains_xy(outline, pts[:, 0], pts[:, 1])
    clipped = np.empty(len(communes), dtype=object)
    clipped[inside_cell] = voronoi[inside_cell]
    for j in np.flatnonzero(~inside_cell).tolist():
        cell = voronoi[j]
        # Clip the outline to the cell's box first: a small overlay instead of a national one.
        local = shapely.clip_by_rect(outline, *cell.bounds)
        clipped[j] = shapely.intersection(cell, local)

    discs: dict[int, BaseGeometry] = {}
    for i in np.flatnonzero(island).tolist():
        c = communes[i]
        discs[i] = shapely.intersection(_disc(c.lon, c.lat, c.area_km2), voronoi[i])
        clipped[i] = shapely.union(clipped[i], discs[i])
    shapes = as_multipolygons(clipped)
    empty = np.flatnonzero(shapely.is_empty(shapes))
    if len(empty):
        raise ValueError(f"commune {communes[int(empty[0])].code}: empty cell")

    members: dict[str, list[int]] = defaultdict(list)
    for i, c in enumerate(communes):
        members[c.province_code].append(i)
    provinces: dict[str, MultiPolygon] = {}
    for code, idx in sorted(members.items()):
        union = shapely.coverage_union_all(voronoi[idx])  # Voronoi cells share exact edges
        land = shapely.intersection(union, shapely.clip_by_rect(outline, *union.bounds))
        extra = [discs[i] for i in idx if i in discs]
        if extra:
            land = shapely.union_all([land, *extra])
        provinces[code] = as_multipolygon(land)
    return Cells(pts, voronoi, shapes, island, provinces)
