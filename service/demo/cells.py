"""service.demo.cells: approximate commune and province shapes from centroids.

Each commune gets the Voronoi cell of its centroid, clipped to the national outline. A
unit whose centroid lies off the outline (islands the 1:10M outline lacks, Hoàng Sa and
Trường Sa among them) also gets a small disc around its centroid, cut to its own Voronoi
cell so units never overlap. A province is the union of its communes' unclipped cells,
clipped once (clean shared edges), plus its island discs.
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


@dataclass
class Cells:
    """Shapes of one era, in the order of the communes passed in."""

    points: np.ndarray  # (n, 2) lon/lat actually used (after spreading duplicates)
    voronoi: np.ndarray  # unclipped cells (shapely polygons)
    communes: list[MultiPolygon]
    island: np.ndarray  # bool: centroid off the outline, disc added
    provinces: dict[str, MultiPolygon]


def as_multipolygon(geom: BaseGeometry) -> MultiPolygon:
    """The polygonal part of ``geom`` as a valid MultiPolygon."""
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    polys = [
        p
        for p in shapely.get_parts(geom)
        if isinstance(p, Polygon | MultiPolygon) and not p.is_empty
    ]
    flat: list[Polygon] = []
    for p in polys:
        flat.extend(p.geoms if isinstance(p, MultiPolygon) else [p])
    return MultiPolygon(flat)


def _disc(lon: float, lat: float, area_km2: float | None) -> Polygon:
    radius_km = math.sqrt(area_km2 / math.pi) if area_km2 else _DISC_DEFAULT_KM
    r = min(max(radius_km / _KM_PER_DEG, _DISC_MIN_DEG), _DISC_MAX_DEG)
    # An ellipse in degrees that is about round on the ground.
    circle = shapely.Point(lon, lat).buffer(r, quad_segs=8)
    return shapely.affinity.scale(circle, xfact=1 / math.cos(math.radians(lat)), yfact=1.0)


def build_cells(communes: list[Commune], outline: MultiPolygon) -> Cells:
    """Commune and province shapes for one era."""
    pts = np.array([(c.lon, c.lat) for c in communes], dtype=float)
    points = shapely.points(pts)
    diagram = shapely.voronoi_polygons(
        shapely.multipoints(points), extend_to=shapely.box(*_EXTENT), ordered=True
    )
    voronoi = np.asarray(shapely.get_parts(diagram))
    if len(voronoi) != len(communes):
        raise ValueError(f"Voronoi gave {len(voronoi)} cells for {len(communes)} centroids")

    shapely.prepare(outline)
    inside_cell = shapely.contains(outline, voronoi)
    island = ~shapely.contains_xy(outline, pts[:, 0], pts[:, 1])
    clipped = np.empty(len(communes), dtype=object)
    clipped[inside_cell] = voronoi[inside_cell]
    for j in np.flatnonzero(~inside_cell).tolist():
        cell = voronoi[j]
        # Clip the outline to the cell's box first: a small overlay instead of a national one.
        local = shapely.clip_by_rect(outline, *cell.bounds)
        clipped[j] = shapely.intersection(cell, local)

    shapes: list[MultiPolygon] = []
    discs: dict[int, BaseGeometry] = {}
    for i, c in enumerate(communes):
        geom = clipped[i]
        if island[i]:
            discs[i] = shapely.intersection(_disc(c.lon, c.lat, c.area_km2), voronoi[i])
            geom = shapely.union(geom, discs[i])
        shape = as_multipolygon(geom)
        if shape.is_empty:
            raise ValueError(f"commune {c.code}: empty cell")
        shapes.append(shape)

    members: dict[str, list[int]] = defaultdict(list)
    for i, c in enumerate(communes):
        members[c.province_code].append(i)
    provinces: dict[str, MultiPolygon] = {}
    for code, idx in sorted(members.items()):
        union = shapely.union_all(voronoi[idx])
        land = shapely.intersection(union, shapely.clip_by_rect(outline, *union.bounds))
        extra = [discs[i] for i in idx if i in discs]
        if extra:
            land = shapely.union_all([land, *extra])
        provinces[code] = as_multipolygon(land)
    return Cells(pts, voronoi, shapes, island, provinces)
