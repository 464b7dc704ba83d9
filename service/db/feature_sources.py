"""service.db.feature_sources: what each OGC collection selects, and how dates apply.

Each collection is a :class:`Source`: a base table, the SQL expression of every property
(named as in :mod:`service.ogc.collections`) with the joins it needs, and the conditions
its dates impose. :meth:`Source.select` takes only the columns and joins a request uses.

Dates (see :class:`service.params.When`) are bind parameters (``:day``, ``:era``, ...):

- *validity* collections (segments, communes, provinces): no date → every row of both eras;
  a date → rows of that date's era valid on it; an interval → rows valid at some time in it.
- *state* collections: ``markers`` carry their status on the date (default today) from
  ``marker_event``, ordered exactly as ``marker_status_as_of``; with an explicit date,
  markers with no event by then are left out (not yet in the plan, as in
  :mod:`service.db.progress`). ``officer_coverage`` follows :mod:`service.db.coverage`:
  border communes valid on the date, distinct officers with an assignment active on it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Date,
    FromClause,
    Integer,
    Select,
    Text,
    and_,
    bindparam,
    column,
    distinct,
    exists,
    false,
    func,
    or_,
    select,
    table,
    true,
)
from sqlalchemy.sql.expression import TableClause
from sqlalchemy.sql.sqltypes import NullType

from service.db.models import (
    AdminLineage,
    Border,
    BorderSegment,
    Commune,
    Marker,
    MarkerEvent,
    MarkerSegment,
    Province,
)
from service.db.schema_reporting import (
    BorderGate,
    BorderPost,
    BorderPostCommune,
    BorderPostMarker,
)
from service.db.schema_writes import MarkerPosition
from service.params import When
from service.vocabulary import OFFICER_ROLES, era_on

Col = ColumnElement[Any]
JoinFn = Callable[[FromClause], FromClause]


def _light(model: Any) -> TableClause:
    """A lightweight ``table()`` mirror of a model's table.

    Aliasing the ORM ``Table`` copies full ``Column`` objects (and fires GeoAlchemy2's
    events) on every request; a ``TableClause`` aliases for nearly nothing. Geometry
    columns are untyped here, so they are used as they are inside SQL functions.
    """
    t = model.__table__
    cols = [column(c.name, NullType() if c.name == "geom" else c.type) for c in t.columns]
    return table(t.name, *cols)


_BORDER = _light(Border)
_SEGMENT = _light(BorderSegment)
_PROVINCE = _light(Province)
_COMMUNE = _light(Commune)
_LINEAGE = _light(AdminLineage)
_MARKER = _light(Marker)
_POSITION = _light(MarkerPosition)
_EVENT = _light(MarkerEvent)
_MARKER_SEGMENT = _light(MarkerSegment)


@dataclass
class Source:
    """How to select one collection's rows and properties."""

    base: FromClause
    id: Col
    geom: Col
    columns: dict[str, tuple[Col, tuple[str, ...]]]  # property → (expression, joins needed)
    joins: dict[str, JoinFn] = field(default_factory=dict)  # applied in this order
    where: list[Col] = field(default_factory=list)
    # The geometry shown, when it differs from the one filters use (``geom``, indexed).
    geom_out: Col | None = None

    def select(self, names: Iterable[str], *, geom: bool) -> Select[Any]:
        """``id``, optionally ``geom``, and the properties ``names``; only the joins they need."""
        wanted = list(dict.fromkeys(names))
        needed = {j for n in wanted for j in self.columns[n][1]}
        src = self.base
        for name, join in self.joins.items():
            if name in needed:
                src = join(src)
        cols: list[Col] = [self.id.label("id")]
        if geom:
            cols.append(self.geom.label("geom"))
            if self.geom_out is not None:
                cols.append(self.geom_out.label("geom_out"))
        cols += [self.columns[n][0].label(n) for n in wanted]
        return select(*cols).select_from(src).where(*self.where)


# --- dates ------------------------------------------------------------------------------------

WhenShape = str  # "none", "instant", or "interval:" + "s"/"e" for the bounds present
DAY = bindparam("day", type_=Date)  # the state date / the instant
ERA = bindparam("era", type_=Text)  # the era of DAY


def when_shape(when: When | None) -> WhenShape:
    """The shape of the dates of a request."""
    if when is None or not when.explicit:
        return "none"
    if when.is_instant:
        return "instant"
    return "interval:" + ("s" if when.start else "") + ("e" if when.end else "")


def when_params(when: When | None, today: dt.date) -> dict[str, Any]:
    """Bind values of the dates of a request."""
    day = when.state_date if when is not None else today
    out: dict[str, Any] = {"day": day, "era": era_on(day)}
    if when is not None and when.explicit and not when.is_instant:
        out.update(t_start=when.start, t_end=when.end, eras=list(when.eras()))
    return out


def valid_on(t: FromClause) -> Col:
    """The unit row of ``t`` is in force on DAY (the SQL rule ``unit_valid_on``)."""
    c = t.c
    return func.unit_valid_on(c.era, c.valid_from, c.valid_to, ERA, DAY, type_=Boolean)


def _validity(t: FromClause, shape: WhenShape) -> list[Col]:
    """Rows of a unit table valid on the date(s) (see module docstring)."""
    c = t.c
    if shape == "none":
        return []
    if shape == "instant":
        return [valid_on(t)]
    conds: list[Col] = [c.era.in_(bindparam("eras", expanding=True))]
    bounds = shape.partition(":")[2]
    if "e" in bounds:
        conds.append(or_(c.valid_from.is_(None), c.valid_from <= bindparam("t_end", type_=Date)))
    if "s" in bounds:
        conds.append(or_(c.valid_to.is_(None), c.valid_to > bindparam("t_start", type_=Date)))
    return conds


# --- the collections --------------------------------------------------------------------------


def _borders(shape: WhenShape) -> Source:
    b = _BORDER
    names = (
        "code",
        "iso3",
        "name",
        "official_length_km",
        "official_land_km",
        "official_river_km",
        "length_source",
        "length_approximate",
        "markers_expected",
        "positions_expected",
        "demarcated_share",
        "geom_source",
        "synthetic",
    )
    return Source(b, b.c.code, b.c.geom, {n: (b.c[n], ()) for n in names})


def _province_join(child: FromClause, alias: str) -> tuple[FromClause, JoinFn]:
    p = _PROVINCE.alias(alias)

    def join(src: FromClause) -> FromClause:
        return src.outerjoin(p, and_(p.c.era == child.c.era, p.c.code == child.c.province_code))

    return p, join


def _border_segments(shape: WhenShape) -> Source:
    s = _SEGMENT.alias("s")
    p, join_p = _province_join(s, "p")
    plain = (
        "code",
        "era",
        "province_code",
        "valid_from",
        "valid_to",
        "official_length_km",
        "official_land_km",
        "official_river_km",
        "length_source",
        "measured_length_km",
        "demarcated",
        "synthetic",
    )
    cols: dict[str, tuple[Col, tuple[str, ...]]] = {n: (s.c[n], ()) for n in plain}
    cols["border"] = (s.c.border_code, ())
    cols["province_name"] = (p.c.name, ("province",))
    return Source(s, s.c.id, s.c.geom, cols, {"province": join_p}, _validity(s, shape))


def _markers(shape: WhenShape) -> Source:
    m = _MARKER.alias("m")
    # The marker's status on the date: the SQL rule ``marker_status_on`` (migration 0004).
    ev = (
        func.marker_status_on(m.c.id, DAY)
        .table_valued(column("status", Text), column("status_date", Date))
        .lateral("ev")
    )
    ms = _MARKER_SEGMENT.alias("ms")
    bs = _SEGMENT.alias("bs")

    def join_status(src: FromClause) -> FromClause:
        return src.outerjoin(ev, true())

    def join_segment(src: FromClause) -> FromClause:
        return src.outerjoin(ms, and_(ms.c.marker_id == m.c.id, ms.c.era == ERA)).outerjoin(
            bs, bs.c.id == ms.c.segment_id
        )

    plain = (
        "label",
        "number",
        "same_number_index",
        "sub_number",
        "marker_class",
        "size_class",
        "setting",
        "material",
        "planted_by",
        "elevation_m",
        "source_crs",
        "synthetic",
    )
    cols: dict[str, tuple[Col, tuple[str, ...]]] = {n: (m.c[n], ()) for n in plain}
    cols["border"] = (m.c.border_code, ())
    cols["status"] = (ev.c.status, ("status",))
    cols["status_date"] = (ev.c.status_date, ("status",))
    cols["segment_code"] = (bs.c.code, ("segment",))
    cols["province_code"] = (bs.c.province_code, ("segment",))
    # A retired marker leaves the collection on its retirement day (it is never erased).
    where: list[Col] = [or_(m.c.retired_on.is_(None), m.c.retired_on > DAY)]
    shown: Col | None = None
    if shape != "none":  # an explicit date: only markers in the record by then
        x = _EVENT.alias("x")
        where.append(exists().where(x.c.marker_id == m.c.id, x.c.event_date <= DAY))
        # ... shown where they stood then: the first former position still valid on the
        # date (marker_position, written when a marker moves), else the current one.
        # Spatial filters keep today's position: indexed (a move is metres, and an
        # expression here would cost every dated page a full scan).
        p = _POSITION.alias("p")
        former = (
            select(p.c.geom)
            .where(p.c.marker_id == m.c.id, p.c.valid_to > DAY)
            .order_by(p.c.valid_to)
            .limit(1)
            .scalar_subquery()
        )
        shown = func.coalesce(former, m.c.geom)
    joins: dict[str, JoinFn] = {"status": join_status, "segment": join_segment}
    return Source(m, m.c.id, m.c.geom, cols, joins, where, geom_out=shown)


def _unit_columns(t: FromClause, names: Iterable[str]) -> dict[str, tuple[Col, tuple[str, ...]]]:
    return {n: (t.c[n], ()) for n in names}


def _communes(shape: WhenShape) -> Source:
    c = _COMMUNE.alias("c")
    p, join_p = _province_join(c, "p")
    cols = _unit_columns(
        c,
        (
            "code",
            "name",
            "unit_type",
            "era",
            "province_code",
            "district_name",
            "valid_from",
            "valid_to",
            "is_land_border",
            "is_coastal",
            "neighbour_countries",
            "border_flag_source",
            "geom_source",
            "synthetic",
        ),
    )
    cols["province_name"] = (p.c.name, ("province",))
    cols["became"] = (_lineage_codes(c, "pre2025", "old_code", "new_code"), ())
    cols["formed_from"] = (_lineage_codes(c, "post2025", "new_code", "old_code"), ())
    return Source(c, c.c.id, c.c.geom, cols, {"province": join_p}, _validity(c, shape))


def _lineage_codes(c: FromClause, era: str, key: str, other: str) -> Col:
    """Codes of the other era linked to commune ``c`` in ``admin_lineage`` (empty for the
    communes of the other era), the main successor first."""
    lin = _LINEAGE.alias("l")
    codes = (
        select(lin.c[other])
        .where(lin.c.level == "commune", lin.c[key] == c.c.code, c.c.era == era)
        .order_by(lin.c.is_default.desc(), lin.c[other])
    )
    return func.array(codes.scalar_subquery())


def _provinces(shape: WhenShape) -> Source:
    p = _PROVINCE.alias("p")
    cols = _unit_columns(
        p,
        (
            "code",
            "name",
            "unit_type",
            "era",
            "valid_from",
            "valid_to",
            "is_land_border",
            "is_coastal",
            "neighbour_countries",
            "geom_source",
            "synthetic",
        ),
    )
    return Source(p, p.c.id, p.c.geom, cols, {}, _validity(p, shape))


def _officer_coverage(shape: WhenShape) -> Source:
    c = _COMMUNE.alias("c")
    p, join_p = _province_join(c, "p")
    # Active assignments on the date: the SQL rule ``active_assignments`` (migration 0004).
    a = func.active_assignments(DAY).table_valued(
        column("commune_id", Integer),
        column("officer_id", Integer),
        column("role", Text),
        column("synthetic", Boolean),
    )
    # Counts only: no officer column beyond the id leaves this subquery.
    per_commune = (
        select(
            a.c.commune_id,
            func.count(distinct(a.c.officer_id)).label("officers"),
            *(
                func.count(distinct(a.c.officer_id))
                .filter(a.c.role == role)
                .label(f"officers_{role}")
                for role in OFFICER_ROLES
            ),
            func.bool_or(a.c.synthetic).label("synthetic"),
        )
        .select_from(a)
        .group_by(a.c.commune_id)
        .subquery("act")
    )

    def join_act(src: FromClause) -> FromClause:
        return src.outerjoin(per_commune, per_commune.c.commune_id == c.c.id)

    cols = _unit_columns(
        c,
        (
            "code",
            "name",
            "era",
            "province_code",
            "is_land_border",
            "is_coastal",
            "neighbour_countries",
        ),
    )
    cols["province_name"] = (p.c.name, ("province",))
    cols["as_of"] = (DAY, ())
    officers = func.coalesce(per_commune.c.officers, 0)
    cols["officers"] = (officers, ("act",))
    cols["covered"] = (officers > 0, ("act",))
    for role in OFFICER_ROLES:
        cols[f"officers_{role}"] = (func.coalesce(per_commune.c[f"officers_{role}"], 0), ("act",))
    cols["synthetic"] = (
        or_(c.c.synthetic, func.coalesce(per_commune.c.synthetic, false())),
        ("act",),
    )
    where: list[Col] = [valid_on(c), or_(c.c.is_land_border, c.c.is_coastal)]
    return Source(c, c.c.id, c.c.geom, cols, {"province": join_p, "act": join_act}, where)


def _border_posts(shape: WhenShape) -> Source:
    bp = _light(BorderPost).alias("bp")
    p, join_p = _province_join(bp, "p")
    pc = _light(BorderPostCommune)
    pm = _light(BorderPostMarker)
    communes = select(func.count()).select_from(pc).where(pc.c.post_id == bp.c.id).scalar_subquery()
    markers = select(func.count()).select_from(pm).where(pm.c.post_id == bp.c.id).scalar_subquery()
    cols: dict[str, tuple[Col, tuple[str, ...]]] = {
        n: (bp.c[n], ())
        for n in ("code", "name", "era", "province_code", "position_approximate", "synthetic")
    }
    cols["border"] = (bp.c.border_code, ())
    cols["province_name"] = (p.c.name, ("province",))
    cols["communes"] = (communes, ())
    cols["markers"] = (markers, ())
    return Source(bp, bp.c.id, bp.c.geom, cols, {"province": join_p})


def _border_gates(shape: WhenShape) -> Source:
    g = _light(BorderGate).alias("g")
    names = ("name", "name_neighbour", "gate_type", "province_name", "position_approximate",
             "source", "synthetic")  # fmt: skip
    cols: dict[str, tuple[Col, tuple[str, ...]]] = {n: (g.c[n], ()) for n in names}
    cols["border"] = (g.c.border_code, ())
    return Source(g, g.c.id, g.c.geom, cols)


SOURCES: dict[str, Callable[[WhenShape], Source]] = {
    "borders": _borders,
    "border_segments": _border_segments,
    "markers": _markers,
    "communes": _communes,
    "provinces": _provinces,
    "officer_coverage": _officer_coverage,
    "border_posts": _border_posts,
    "border_gates": _border_gates,
}
