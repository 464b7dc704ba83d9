"""service.demo.borders: land border lines, border/coastal communes and border segments.

The three lines are Vietnam's Natural Earth outline where it meets each neighbour. Each line
(and the coast, the rest of the outline's exterior) is cut into short pieces; a piece
belongs to the commune whose centroid is nearest to its midpoint, which is exactly the
commune whose Voronoi cell holds it. That gives, per era and from the same pieces:
land-border and coastal flags, and per-province segments that tile the line. Lengths are
geodesic (WGS 84 ellipsoid), never degrees.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import shapely
from pyproj import Geod
from shapely.geometry import LineString, MultiLineString, MultiPolygon

from service.demo.facts import BORDERS
from service.demo.units import Commune

GEOD = Geod(ellps="WGS84")
_TOUCH_TOL_DEG = 1e-6  # Natural Earth neighbours share vertices
_PIECE_MAX_DEG = 0.004  # about 450 m: the resolution of flags and segment ends
_FLAG_MIN_KM = 0.2  # a commune touching a line for less than this is not flagged
# Undemarcated stretches of the VN-KH line as fractions of its length (about 16 %). The
# real ones are not itemised in public sources (DOMAIN.md section 3): these are invented.
KH_UNDEMARCATED = ((0.05, 0.08), (0.22, 0.255), (0.41, 0.44), (0.58, 0.615), (0.80, 0.83))


def geodesic_km(geom: LineString | MultiLineString) -> float:
    """Length on the WGS 84 ellipsoid, in km."""
    return float(GEOD.geometry_length(geom)) / 1000.0


@dataclass
class BorderLine:
    """One land border: its line oriented along the numbering direction."""

    iso3: str
    line: LineString
    pieces: np.ndarray  # (n, 2, 2): start and end lon/lat of each piece
    piece_km: np.ndarray  # geodesic length of each piece
    piece_t: np.ndarray  # (n + 1,) normalised (degree) position of piece ends, 0..1

    @property
    def length_km(self) -> float:
        return float(self.piece_km.sum())

    def demarcated(self) -> np.ndarray:
        """Per piece: is it in a demarcated stretch."""
        mid = (self.piece_t[:-1] + self.piece_t[1:]) / 2
        if self.iso3 != "KHM":
            return np.ones(len(mid), dtype=bool)
        undone = np.zeros(len(mid), dtype=bool)
        for a, b in KH_UNDEMARCATED:
            undone |= (mid >= a) & (mid < b)
        return ~undone


def _pieces(line: LineString) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    coords = np.asarray(shapely.segmentize(line, _PIECE_MAX_DEG).coords)
    pieces = np.stack([coords[:-1], coords[1:]], axis=1)
    _, _, dist = GEOD.inv(pieces[:, 0, 0], pieces[:, 0, 1], pieces[:, 1, 0], pieces[:, 1, 1])
    deg = np.hypot(*(pieces[:, 1] - pieces[:, 0]).T)
    t = np.concatenate([[0.0], np.cumsum(deg)]) / deg.sum()
    return pieces, np.asarray(dist) / 1000.0, t


def border_lines(outlines: dict[str, MultiPolygon]) -> dict[str, BorderLine]:
    """The three land border lines, oriented as markers are numbered.

    CN runs west -> east from the Laos tripoint; LA and KH run north -> south.
    """
    vnm = outlines["VNM"]
    lines: dict[str, BorderLine] = {}
    for b in BORDERS:
        shared = shapely.intersection(vnm.boundary, outlines[b.iso3].buffer(_TOUCH_TOL_DEG))
        merged = shapely.line_merge(
            shapely.union_all([g for g in shapely.get_parts(shared) if g.geom_type == "LineString"])
        )
        if merged.geom_type != "LineString":
            parts = sorted(shapely.get_parts(merged), key=lambda g: -g.length)
            merged = parts[0]  # the NE lines are single parts; stray slivers are dropped
        start_near = "LAO" if b.iso3 in ("CHN", "KHM") else "CHN"
        first, last = shapely.Point(merged.coords[0]), shapely.Point(merged.coords[-1])
        tri = outlines[start_near]
        if tri.distance(last) < tri.distance(first):
            merged = shapely.reverse(merged)
        pieces, km, t = _pieces(merged)
        lines[b.iso3] = BorderLine(b.iso3, merged, pieces, km, t)
    return lines


def coastline(outlines: dict[str, MultiPolygon], lines: dict[str, BorderLine]) -> list[LineString]:
    """Vietnam's outline exterior minus the land borders: the coast (islands included)."""
    rings = MultiLineString([p.exterior for p in outlines["VNM"].geoms])
    land = shapely.union_all([bl.line for bl in lines.values()]).buffer(_TOUCH_TOL_DEG * 10)
    coast = shapely.line_merge(shapely.difference(rings, land))
    return [g for g in shapely.get_parts(coast) if g.geom_type == "LineString"]


@dataclass
class EraBorders:
    """Border flags and segment pieces of one era."""

    land_km: dict[int, dict[str, float]] = field(default_factory=dict)  # commune idx -> iso3 -> km
    coast_km: dict[int, float] = field(default_factory=dict)
    piece_commune: dict[str, np.ndarray] = field(default_factory=dict)  # iso3 -> commune idx


def assign(points: np.ndarray, lines: dict[str, BorderLine], coast: list[LineString]) -> EraBorders:
    """Give every border and coast piece to the commune whose cell holds it."""
    tree = shapely.STRtree(shapely.points(points))
    out = EraBorders()
    for iso3, bl in lines.items():
        mid = shapely.points(bl.pieces.mean(axis=1))
        idx = tree.query_nearest(mid, all_matches=False)[1]
        out.piece_commune[iso3] = idx
        for i, km in zip(idx.tolist(), bl.piece_km.tolist(), strict=True):
            per = out.land_km.setdefault(i, {})
            per[iso3] = per.get(iso3, 0.0) + km
    for line in coast:
        pieces, km, _ = _pieces(line)
        idx = tree.query_nearest(shapely.points(pieces.mean(axis=1)), all_matches=False)[1]
        for i, k in zip(idx.tolist(), km.tolist(), strict=True):
            out.coast_km[i] = out.coast_km.get(i, 0.0) + k
    return out


@dataclass
class CommuneFlags:
    """Geometric border flags of one commune."""

    is_land_border: bool
    is_coastal: bool
    neighbours: list[str]


def commune_flags(n: int, eb: EraBorders, island: np.ndarray) -> list[CommuneFlags]:
    """Flags for the ``n`` communes of one era (islands off the outline count as coastal)."""
    flags = []
    for i in range(n):
        nb = sorted(k for k, km in eb.land_km.get(i, {}).items() if km >= _FLAG_MIN_KM)
        coastal = bool(island[i]) or eb.coast_km.get(i, 0.0) >= _FLAG_MIN_KM
        flags.append(CommuneFlags(bool(nb), coastal, nb))
    return flags


@dataclass
class Segment:
    """The stretch of one border in one province of one era (possibly several parts)."""

    code: str
    iso3: str
    province_code: str
    demarcated: bool
    geom: MultiLineString
    measured_km: float
    piece_idx: np.ndarray  # indices of the border's pieces in this segment


def piece_provinces(eb: EraBorders, communes: list[Commune]) -> dict[str, np.ndarray]:
    """The province of each border piece: that of the commune whose cell holds it."""
    return {
        iso3: np.array([communes[i].province_code for i in idx])
        for iso3, idx in eb.piece_commune.items()
    }


def segments(lines: dict[str, BorderLine], piece_province: dict[str, np.ndarray]) -> list[Segment]:
    """Per (province, border[, undemarcated]) segments of one era, in line order."""
    out: list[Segment] = []
    for iso3, bl in lines.items():
        province = piece_province[iso3]
        done = bl.demarcated()
        groups: dict[tuple[str, bool], list[int]] = defaultdict(list)
        for j in range(len(province)):
            groups[(str(province[j]), bool(done[j]))].append(j)
        order = sorted(groups, key=lambda k: groups[k][0])
        for prov, dem in order:
            idx = np.array(groups[(prov, dem)])
            runs = np.split(idx, np.flatnonzero(np.diff(idx) != 1) + 1)
            parts = [LineString(np.vstack([bl.pieces[r, 0], bl.pieces[r[-1], 1]])) for r in runs]
            geom = MultiLineString(parts)
            code = f"{prov}-{iso3}" + ("" if dem else "-U")
            out.append(Segment(code, iso3, prov, dem, geom, float(bl.piece_km[idx].sum()), idx))
    return out
