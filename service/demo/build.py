"""service.demo.build: generate the whole demo dataset in memory, then write it at once.

``generate_demo(seed)`` is pure (packaged sources in, rows out) and deterministic: the same
seed gives the same rows on every machine. ``write_demo`` replaces the database content in
one transaction. ``build_demo`` does both.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import shapely
from shapely.geometry import MultiLineString
from shapely.geometry.base import BaseGeometry
from sqlalchemy import Connection, Engine

from service.db import demo_store
from service.db.demo_store import TableRows
from service.db.readiness import connect, require_schema
from service.demo import borders as B
from service.demo import coordination as C
from service.demo import facts as F
from service.demo import history, markers, officers
from service.demo.cells import as_multipolygon, build_cells
from service.demo.rand import DEFAULT_SEED as DEFAULT_SEED
from service.demo.sources import read_admin_units, read_natural_earth
from service.demo.summary import BorderCounts, DemoSummary, EraCounts
from service.demo.units import POST, PRE, Commune, Units, build_units

log = logging.getLogger(__name__)

# Neighbours are cut to the region around Vietnam (lon/lat box).
NEIGHBOUR_BOX = (97.0, 7.0, 112.5, 27.0)
COUNTRY_NAMES = {"VNM": "Việt Nam", "CHN": "Trung Quốc", "LAO": "Lào", "KHM": "Campuchia"}
_KM = Decimal("0.001")


@dataclass
class DemoDataset:
    """Every table's rows, ready to COPY, and the counts to report."""

    seed: int
    tables: list[TableRows]
    summary: DemoSummary

    def table(self, name: str) -> TableRows:
        return next(t for t in self.tables if t.name == name)


def ewkb(geom: BaseGeometry) -> str:
    """Hex EWKB with SRID 4326, as PostGIS reads it from COPY text."""
    return str(ewkb_all(np.array([geom], dtype=object))[0])


def ewkb_all(geoms: np.ndarray) -> np.ndarray:
    """Vectorised ``ewkb``."""
    return np.asarray(shapely.to_wkb(shapely.set_srid(geoms, 4326), hex=True, include_srid=True))


def checksum(rows: Iterable[Sequence[Any]]) -> str:
    """SHA-256 of rows (floats by repr): the same rows give the same digest anywhere."""
    h = hashlib.sha256()
    for row in rows:
        h.update(repr(tuple(row)).encode())
        h.update(b"\n")
    return h.hexdigest()


def _round_km(km: float) -> Decimal:
    return Decimal(str(km)).quantize(_KM)


def generate_demo(seed: int = DEFAULT_SEED) -> DemoDataset:
    """Build every row of the demo dataset in memory (no database)."""
    t0 = time.perf_counter()
    units = build_units(read_admin_units())
    ne = read_natural_earth()
    vnm = ne.outlines["VNM"]
    lines = B.border_lines(ne.outlines)
    coast = B.coastline(ne.outlines, lines)
    neighbours = shapely.union_all(
        [shapely.clip_by_rect(ne.outlines[k], *NEIGHBOUR_BOX) for k in ("CHN", "LAO", "KHM")]
    )
    summary = DemoSummary(seed=seed)

    country_rows = []
    for iso3 in ("VNM", "CHN", "LAO", "KHM"):
        geom = ne.outlines[iso3]
        note = f"Natural Earth 10m admin-0 v{ne.version} (public domain), 1:10M generalised"
        if iso3 != "VNM":
            geom = as_multipolygon(shapely.clip_by_rect(geom, *NEIGHBOUR_BOX))
            note += "; clipped to lon {0}-{2}, lat {1}-{3}".format(*NEIGHBOUR_BOX)
        country_rows.append((iso3, COUNTRY_NAMES[iso3], ewkb(geom), "approximate", note))

    border_rows = []
    for b in F.BORDERS:
        border_rows.append((
            b.code, b.iso3, b.name, b.length_km, b.land_km, b.river_km, b.length_source,
            b.length_approximate, b.markers, b.positions, b.demarcated_share,
            ewkb(MultiLineString([lines[b.iso3].line])), "approximate", True,
        ))  # fmt: skip

    province_rows: list[tuple[Any, ...]] = []
    commune_rows: list[tuple[Any, ...]] = []
    segment_rows: list[tuple[Any, ...]] = []
    commune_id: dict[tuple[str, str], int] = {}
    segments_by_era: dict[str, list[tuple[int, B.Segment]]] = {}
    piece_province: dict[str, dict[str, np.ndarray]] = {}
    land_border: dict[str, list[tuple[str, str]]] = {}
    any_border: dict[str, list[tuple[str, str]]] = {}
    next_commune, next_province, next_segment = 1, 1, 1
    new_province = {old: new for old, new, _default in units.province_lineage}
    for era in (PRE, POST):
        communes = units.communes[era]
        cells = build_cells(communes, vnm, neighbours)
        eb = B.assign(cells.points, lines, coast)
        flags = B.commune_flags(len(communes), eb, cells.island)
        valid_from = F.REFORM if era == POST else None
        valid_to = F.REFORM if era == PRE else None
        prov_flags: dict[str, tuple[bool, bool, set[str]]] = defaultdict(
            lambda: (False, False, set())
        )
        shapes = ewkb_all(cells.communes).tolist()
        for c, shape, fl in zip(communes, shapes, flags, strict=True):
            commune_id[(era, c.code)] = next_commune
            commune_rows.append((
                next_commune, era, c.code, c.name, c.unit_type, c.province_code, c.district_name,
                valid_from, valid_to, shape, "approximate", fl.is_land_border,
                fl.is_coastal, fl.neighbours, "geometric", True,
            ))  # fmt: skip
            next_commune += 1
            lb, co, nb = prov_flags[c.province_code]
            prov_flags[c.province_code] = (lb or fl.is_land_border, co or fl.is_coastal,
                                           nb | set(fl.neighbours))  # fmt: skip
        land_border[era] = [
            (c.code, c.name) for c, fl in zip(communes, flags, strict=True) if fl.is_land_border
        ]
        any_border[era] = [
            (c.code, c.name)
            for c, fl in zip(communes, flags, strict=True)
            if fl.is_land_border or fl.is_coastal
        ]
        if era == PRE:
            pre_geo = _PreEra(
                communes,
                np.array([f.is_land_border for f in flags]),
                np.array([f.is_coastal for f in flags]),
                shapely.distance(
                    shapely.points(cells.points),
                    shapely.union_all([bl.line for bl in lines.values()]),
                ),
                np.array([eb.coast_km.get(i, 0.0) for i in range(len(communes))]),
                {c.code: f.neighbours for c, f in zip(communes, flags, strict=True)},
                eb.piece_commune,
            )
        for p in units.provinces[era]:
            lb, co, nb = prov_flags[p.code]
            province_rows.append((
                next_province, era, p.code, p.name, p.unit_type, p.valid_from, p.valid_to,
                ewkb(cells.provinces[p.code]), "approximate", lb, co, sorted(nb), True,
            ))  # fmt: skip
            next_province += 1
        # The reform merged whole provinces, so a new province's stretch of a border is
        # exactly the stretches of the old provinces it absorbed.
        piece_province[era] = (
            B.piece_provinces(eb, communes)
            if era == PRE
            else {iso3: np.array([new_province[p] for p in pp])
                  for iso3, pp in piece_province[PRE].items()}
        )  # fmt: skip
        segs = B.segments(lines, piece_province[era])
        segments_by_era[era] = []
        for s in segs:
            official = F.SEGMENTS_PRE2025.get((s.province_code, s.iso3)) if era == PRE else None
            if not s.demarcated:
                official, source = (
                    None,
                    (
                        "undemarcated stretch (~16 % of the VN-KH line is not demarcated; which"
                        " stretches is not public: position invented)"
                    ),
                )
            elif official:
                source = official.source
                if s.iso3 == "KHM" and any(o.code == s.code + "-U" for o in segs):
                    source += (
                        f"; official figure covers the whole provincial stretch incl. {s.code}-U"
                    )
            else:
                source = None
            border_code = F.BORDER_BY_ISO3[s.iso3].code
            segment_rows.append((
                next_segment, s.code, border_code, era, s.province_code, valid_from, valid_to,
                official.length_km if official else None, official.land_km if official else None,
                official.river_km if official else None, source, _round_km(s.measured_km),
                s.demarcated, ewkb(s.geom), True,
            ))  # fmt: skip
            segments_by_era[era].append((next_segment, s))
            next_segment += 1
        n_land = sum(f.is_land_border for f in flags)
        n_coast = sum(f.is_coastal for f in flags)
        summary.eras.append(EraCounts(
            era=era, provinces=len(units.provinces[era]), communes=len(communes),
            land_border_communes=n_land, coastal_communes=n_coast,
            land_and_coastal=sum(f.is_land_border and f.is_coastal for f in flags),
            by_neighbour=dict(Counter(n for f in flags for n in f.neighbours)),
            border_provinces=sum(1 for v in prov_flags.values() if v[0]), segments=len(segs),
        ))  # fmt: skip

    lineage_rows = [("province", o, n, d) for o, n, d in units.province_lineage]
    lineage_rows += [("commune", o, n, d) for o, n, d in units.commune_lineage]
    extra = _coordination(seed, pre_geo, units, lines, commune_id, new_province)

    # Markers, their segments in both eras, and their histories.
    all_markers = markers.generate(lines, vnm, seed)
    la = lines["LAO"]
    la_piece = _piece_of(la, [m.t for m in all_markers["LA"]])
    markers.record_in_vn2000(
        all_markers["LA"], [str(piece_province[PRE]["LAO"][i]) for i in la_piece]
    )
    events = history.generate(all_markers, seed)
    marker_rows: list[tuple[Any, ...]] = []
    marker_segment_rows: list[tuple[Any, ...]] = []
    event_rows: list[tuple[Any, ...]] = []
    next_marker, next_event = 1, 1
    for b in F.BORDERS:
        ms = all_markers[b.code]
        bl = lines[b.iso3]
        first_id = next_marker
        pieces = _piece_of(bl, [m.t for m in ms])
        seg_of_piece = {
            era: _segment_of_piece(
                len(bl.piece_km), [s for s in segments_by_era[era] if s[1].iso3 == b.iso3]
            )
            for era in (PRE, POST)
        }
        points = ewkb_all(shapely.points([(m.lon, m.lat) for m in ms])).tolist()
        for m, piece, point in zip(ms, pieces, points, strict=True):
            marker_rows.append((
                next_marker, m.border_code, m.number, m.same_number_index, m.sub_number,
                m.marker_class, m.size_class, m.setting, m.material, m.planted_by, m.elevation_m,
                point, m.source_crs, m.source_x, m.source_y,
                m.source_axis_order, m.source_transform, True,
            ))  # fmt: skip
            for era in (PRE, POST):
                marker_segment_rows.append((next_marker, era, seg_of_piece[era][piece]))
            for post_id in extra.posts_of_piece.get((b.iso3, int(piece)), ()):
                extra.post_marker_rows.append((post_id, next_marker))
            next_marker += 1
        for e in events[b.code]:
            m = ms[e.marker]
            geom = points[e.marker] if e.relocated else None
            event_rows.append((next_event, first_id + e.marker, e.status, e.date,
                               e.source_document, e.note, geom, True))  # fmt: skip
            next_event += 1
        undemarcated = sum(s.measured_km for _, s in segments_by_era[PRE]
                           if s.iso3 == b.iso3 and not s.demarcated)  # fmt: skip
        summary.borders.append(BorderCounts(
            code=b.code, name=b.name, markers=len(ms), positions=len({m.position_key for m in ms}),
            main=sum(m.marker_class == "main" for m in ms),
            secondary=sum(m.marker_class == "secondary" for m in ms),
            coc_dau=sum(m.marker_class == "coc_dau" for m in ms),
            markers_expected=b.markers, positions_expected=b.positions, line_km=bl.length_km,
            official_km=float(b.length_km), undemarcated_km=undemarcated,
        ))  # fmt: skip

    officer_list, assignment_list = officers.generate(
        {PRE: extra.border_list_communes, POST: any_border[POST]}, seed
    )
    assignment_post_rows = []
    for i, a in enumerate(assignment_list):
        post = extra.post_of_commune.get((a.era, a.commune_code))
        if post is not None:
            assignment_post_rows.append((i + 1, post[0]))
            if not officer_list[a.officer].home_unit:
                officer_list[a.officer].home_unit = post[1]
    officer_rows = [
        (i + 1, o.service_number, o.full_name, o.rank, o.home_unit, True)
        for i, o in enumerate(officer_list)
    ]
    assignment_rows = [
        (i + 1, a.officer + 1, commune_id[(a.era, a.commune_code)], a.role, a.term, a.start,
         a.end, True)
        for i, a in enumerate(assignment_list)
    ]  # fmt: skip
    for term in officers.TERMS:
        mine = [a for a in assignment_list if a.term == term.code]
        summary.officers_per_term[term.code] = len({a.officer for a in mine})
        summary.assignments_per_term[term.code] = len(mine)
    summary.officers = len(officer_list)
    summary.events = len(event_rows)

    tables = [
        TableRows("country", ("iso3", "name", "geom", "geom_source", "source_note"), country_rows),
        TableRows("border", (
            "code", "iso3", "name", "official_length_km", "official_land_km", "official_river_km",
            "length_source", "length_approximate", "markers_expected", "positions_expected",
            "demarcated_share", "geom", "geom_source", "synthetic"), border_rows),
        TableRows("province", (
            "id", "era", "code", "name", "unit_type", "valid_from", "valid_to", "geom",
            "geom_source", "is_land_border", "is_coastal", "neighbour_countries", "synthetic"),
            province_rows),
        TableRows("commune", (
            "id", "era", "code", "name", "unit_type", "province_code", "district_name",
            "valid_from", "valid_to", "geom", "geom_source", "is_land_border", "is_coastal",
            "neighbour_countries", "border_flag_source", "synthetic"), commune_rows),
        TableRows("admin_lineage", ("level", "old_code", "new_code", "is_default"), lineage_rows),
        TableRows("border_segment", (
            "id", "code", "border_code", "era", "province_code", "valid_from", "valid_to",
            "official_length_km", "official_land_km", "official_river_km", "length_source",
            "measured_length_km", "demarcated", "geom", "synthetic"), segment_rows),
        TableRows("marker", (
            "id", "border_code", "number", "same_number_index", "sub_number", "marker_class",
            "size_class", "setting", "material", "planted_by", "elevation_m", "geom",
            "source_crs", "source_x", "source_y", "source_axis_order", "source_transform",
            "synthetic"), marker_rows),
        TableRows("marker_segment", ("marker_id", "era", "segment_id"), marker_segment_rows),
        TableRows("marker_event", (
            "id", "marker_id", "status", "event_date", "source_document", "note", "geom",
            "synthetic"), event_rows),
        TableRows("officer", ("id", "service_number", "full_name", "rank", "home_unit",
                              "synthetic"), officer_rows),
        TableRows("officer_assignment", (
            "id", "officer_id", "commune_id", "role", "term", "start_date", "end_date",
            "synthetic"), assignment_rows),
        *extra.tables(assignment_post_rows),
    ]  # fmt: skip
    summary.generate_seconds = time.perf_counter() - t0
    return DemoDataset(seed=seed, tables=tables, summary=summary)


def _piece_of(bl: B.BorderLine, ts: Sequence[float]) -> np.ndarray:
    """Index of the line piece each normalised position falls in."""
    idx = np.searchsorted(bl.piece_t, np.asarray(ts), side="right") - 1
    return np.clip(idx, 0, len(bl.piece_km) - 1)


def _segment_of_piece(n: int, segs: list[tuple[int, B.Segment]]) -> np.ndarray:
    out = np.zeros(n, dtype=int)
    for sid, s in segs:
        out[s.piece_idx] = sid
    if (out == 0).any():
        raise ValueError("a border piece belongs to no segment")
    return out


def write_demo(
    engine: Engine,
    dataset: DemoDataset,
    *,
    before_commit: Callable[[Connection], None] | None = None,
) -> DemoSummary:
    """Replace the database content with ``dataset`` in one transaction.

    ``before_commit`` runs inside the transaction after the rows are written (checks; a
    test uses it to fail half-way). Any error rolls everything back.
    """
    t0 = time.perf_counter()
    with engine.begin() as conn:
        counts = demo_store.replace_all(conn, dataset.tables)
        if before_commit is not None:
            before_commit(conn)
    dataset.summary.table_rows = counts
    dataset.summary.write_seconds = time.perf_counter() - t0
    return dataset.summary


def build_demo(engine: Engine, *, seed: int = DEFAULT_SEED) -> DemoSummary:
    """Generate the demo dataset and replace the database content with it.

    Raises ``DatabaseNotReady`` before generating anything when the database is unreachable
    or not migrated.
    """
    with connect(engine) as conn:
        require_schema(conn)
    dataset = generate_demo(seed)
    summary = write_demo(engine, dataset)
    log.info("demo dataset built in %.1f s", summary.seconds)
    return summary


def is_empty(engine: Engine) -> bool:
    """True when the border table has no rows (``--if-empty``); ``DatabaseNotReady`` as above."""
    with connect(engine) as conn:
        require_schema(conn)
        return not demo_store.has_rows(conn, "border")


@dataclass
class _PreEra:
    """What the commune lists and posts need from the pre-2025 geometry."""

    communes: list[Commune]
    land: np.ndarray
    coastal: np.ndarray
    land_distance: np.ndarray
    coast_km: np.ndarray
    neighbours: dict[str, list[str]]
    piece_commune: dict[str, np.ndarray]


@dataclass
class _Coordination:
    """Rows of the reporting tables, and the lookups the markers and officers need."""

    list_rows: list[tuple[Any, ...]]
    member_rows: list[tuple[Any, ...]]
    target_rows: list[tuple[Any, ...]]
    post_rows: list[tuple[Any, ...]]
    post_commune_rows: list[tuple[Any, ...]]
    gate_rows: list[tuple[Any, ...]]
    record_rows: list[tuple[Any, ...]]
    border_list_communes: list[tuple[str, str]]
    posts_of_piece: dict[tuple[str, int], list[int]]
    post_of_commune: dict[tuple[str, str], tuple[int, str]]
    post_marker_rows: list[tuple[Any, ...]]

    def tables(self, assignment_post_rows: list[tuple[Any, ...]]) -> list[TableRows]:
        return [
            TableRows("commune_list", ("id", "code", "commune_class", "era", "valid_from",
                      "valid_to", "name", "source_document", "synthetic"), self.list_rows),
            TableRows("commune_list_member", ("list_id", "commune_id", "is_land_border",
                      "is_coastal"), self.member_rows),
            TableRows("coverage_target", ("id", "code", "name", "name_en", "list_id", "commune_class",
                      "border_era", "roles", "start_date", "deadline", "source_document",
                      "synthetic"), self.target_rows),
            TableRows("border_post", ("id", "code", "name", "era", "province_code",
                      "border_code", "geom", "stretch", "position_approximate", "synthetic"),
                      self.post_rows),
            TableRows("border_post_commune", ("post_id", "commune_id"), self.post_commune_rows),
            TableRows("border_post_marker", ("post_id", "marker_id"), self.post_marker_rows),
            TableRows("assignment_post", ("assignment_id", "post_id"), assignment_post_rows),
            TableRows("border_gate", ("id", "name", "name_neighbour", "border_code", "gate_type",
                      "province_name", "geom", "position_approximate", "source", "synthetic"),
                      self.gate_rows),
            TableRows("coordination_record", ("id", "era", "province_code", "kind",
                      "event_date", "level", "document_number", "decisions", "synthetic"),
                      self.record_rows),
        ]  # fmt: skip


def _coordination(
    seed: int,
    pre: _PreEra,
    units: Units,
    lines: dict[str, B.BorderLine],
    commune_id: dict[tuple[str, str], int],
    new_province: dict[str, str],
) -> _Coordination:
    """Commune lists, targets, posts, gates and coordination records (``coordination``)."""
    border = C.border_list(pre.communes, pre.land, pre.coastal, pre.land_distance, pre.coast_km)
    lists = [border, *C.class_lists(border, seed)]
    list_rows, member_rows, list_id = [], [], {}
    for k, cl in enumerate(lists, start=1):
        list_id[cl.code] = k
        list_rows.append((k, cl.code, cl.commune_class, cl.era, cl.valid_from, cl.valid_to,
                          cl.name, cl.source_document, True))  # fmt: skip
        member_rows += [(k, commune_id[(cl.era, c)], land, coast) for c, land, coast in cl.members]
    target_rows = [
        (k, t.code, t.name, t.name_en, list_id[t.list_code] if t.list_code else None,
         t.commune_class,
         t.border_era, t.roles, t.start_date, t.deadline, t.source_document,
         t.synthetic or t.list_code is not None or t.commune_class is not None)
        for k, t in enumerate(C.read_targets(), start=1)
    ]  # fmt: skip
    border_of_iso3 = {b.iso3: b.code for b in F.BORDERS}
    pre_posts = C.posts(border, pre.communes, pre.neighbours, pre.piece_commune, border_of_iso3)
    successor = {o: n for o, n, d in units.commune_lineage if d}
    post_codes = {c.code for c in units.communes[POST]}
    after = C.posts_after_reform(pre_posts, successor, post_codes)
    piece_xy = {iso3: bl.pieces for iso3, bl in lines.items()}
    post_rows, post_commune_rows = [], []
    posts_of_piece: dict[tuple[str, int], list[int]] = defaultdict(list)
    post_of_commune: dict[tuple[str, str], tuple[int, str]] = {}
    for k, p in enumerate([*pre_posts, *after], start=1):
        province = p.province_code or new_province[pre_posts[k - 1 - len(pre_posts)].province_code]
        stretch = C.stretch(p.pieces, piece_xy)
        post_rows.append((k, p.code, p.name, p.era, province, p.border_code,
                          ewkb(shapely.Point(p.lon, p.lat)),
                          ewkb(stretch) if stretch is not None else None, True, True))  # fmt: skip
        for c in p.communes:
            post_commune_rows.append((k, commune_id[(p.era, c)]))
            post_of_commune[(p.era, c)] = (k, p.name)
        for iso3, idx in p.pieces.items():
            for piece in idx:
                posts_of_piece[(iso3, piece)].append(k)
    gates = C.read_gates({iso3: bl.line for iso3, bl in lines.items()},
                         {b.code: b.iso3 for b in F.BORDERS})  # fmt: skip
    gate_rows = [
        (k, g.name, g.name_neighbour, g.border_code, g.gate_type, g.province_name,
         ewkb(shapely.Point(g.lon, g.lat)), True, g.source, True)
        for k, g in enumerate(gates, start=1)
    ]  # fmt: skip
    pre_provinces = sorted({p.province_code for p in pre_posts})
    post_provinces = sorted({new_province[p] for p in pre_provinces})
    record_rows = [
        (k, r.era, r.province_code, r.kind, r.event_date, r.level, r.document_number,
         r.decisions, True)
        for k, r in enumerate(C.records(pre_provinces, post_provinces, seed), start=1)
    ]  # fmt: skip
    names = {c.code: c.name for c in pre.communes}
    return _Coordination(
        list_rows, member_rows, target_rows, post_rows, post_commune_rows, gate_rows,
        record_rows, [(c, names[c]) for c, _l, _co in border.members], posts_of_piece,
        post_of_commune, [],
    )  # fmt: skip
