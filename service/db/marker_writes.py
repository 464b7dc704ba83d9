"""service.db.marker_writes: create, replace, retire markers and append status events.

Every function runs inside the caller's transaction (one per request, with its audit row)
and returns the marker's state before and after as plain dicts, for the audit.

Lost updates: a write to an existing marker first locks its row (``SELECT ... FOR UPDATE``)
and compares the client's ETag with the row's (:func:`etag_of`); the row's ``version`` goes
up by one in the same ``UPDATE ... WHERE version = :seen``. Of two writers holding the same
ETag, the second waits for the first's lock, then sees a newer version: 412, nothing written.

A move keeps the former position, with its recorded coordinates and CRS, in
``marker_position`` (valid until the day of the move), so ``as_of`` answers where the marker
stood. Retiring sets ``retired_on``; nothing is erased.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.exc import IntegrityError

from service.errors import BadRequest, Conflict, NotFound, PreconditionFailed

# Positions closer than this (degrees, ~1.6 mm) are the same position (as for imports).
SAME_POSITION_DEG = 1.5e-8


@dataclass(frozen=True)
class MarkerFields:
    """Everything a client writes about a marker (the position in WGS 84)."""

    border_code: str
    number: int
    same_number_index: int | None
    sub_number: int | None
    marker_class: str
    size_class: str | None
    setting: str
    material: str | None
    planted_by: str | None
    elevation_m: float | None
    lon: float
    lat: float
    source_crs: str | None = None
    source_x: float | None = None
    source_y: float | None = None
    source_axis_order: str | None = None
    source_transform: str | None = None


EDITABLE = (
    "border_code",
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
    "source_x",
    "source_y",
    "source_axis_order",
    "source_transform",
)

_STATE = (
    "SELECT m.id, m.version, m.label, m.retired_on, m.retired_note, "
    + ", ".join(f"m.{c}" for c in EDITABLE)
    + ", ST_X(m.geom) AS lon, ST_Y(m.geom) AS lat,"
    " (SELECT max(e.id) FROM marker_event e WHERE e.marker_id = m.id) AS last_event"
    " FROM marker m WHERE m.id = :id"
)


def etag_of(state: dict[str, Any]) -> str:
    """The strong ETag of a marker: its id, row version and latest status event."""
    return f'"m{state["id"]}-{state["version"]}-{state["last_event"] or 0}"'


def state(conn: Connection, marker_id: int, *, lock: bool = False) -> dict[str, Any] | None:
    """The marker as stored (retired or not), optionally locked for this transaction."""
    row = conn.execute(text(_STATE + (" FOR UPDATE OF m" if lock else "")), {"id": marker_id})
    found = row.mappings().first()
    if found is None:
        return None
    out = dict(found)
    if out["elevation_m"] is not None:
        out["elevation_m"] = float(out["elevation_m"])
    return out


def current_etag(conn: Connection, marker_id: int) -> str | None:
    """The ETag of a marker in the collection (None when unknown or retired)."""
    s = state(conn, marker_id)
    if s is None or s["retired_on"] is not None:
        return None
    return etag_of(s)


def _locked(conn: Connection, marker_id: int, if_match: str) -> dict[str, Any]:
    """Lock a live marker and check the client's ETag (412 when someone else wrote first)."""
    s = state(conn, marker_id, lock=True)
    if s is None:
        raise NotFound(f"feature {marker_id!r} not found in markers")
    if s["retired_on"] is not None:
        raise NotFound(f"marker {marker_id} was retired on {s['retired_on'].isoformat()}")
    if not _etag_matches(if_match, etag_of(s)):
        raise PreconditionFailed(
            f"marker {marker_id} has changed since that version (If-Match {if_match.strip()},"
            f" current {etag_of(s)}): read it again, then write"
        )
    return s


def _etag_matches(if_match: str, etag: str) -> bool:
    # If-Match uses the strong comparison: weak tags (W/) never match.
    return any(t.strip() in ("*", etag) for t in if_match.split(","))


def _public(s: dict[str, Any] | None) -> dict[str, Any] | None:
    """The audit's view of a marker state (JSON-friendly)."""
    if s is None:
        return None
    out = {k: v for k, v in s.items() if k != "last_event"}
    for k, v in out.items():
        if isinstance(v, dt.date):
            out[k] = v.isoformat()
    return out


def provinces_at(
    conn: Connection, border_code: str, lon: float, lat: float
) -> set[tuple[str, str]]:
    """(era, province code) of the segments of ``border_code`` nearest to a position."""
    rows = conn.execute(
        text(
            "SELECT e.era, seg.province_code FROM (VALUES ('pre2025'), ('post2025')) AS e(era)"
            " CROSS JOIN LATERAL (SELECT bs.province_code FROM border_segment bs"
            "  WHERE bs.border_code = :b AND bs.era = e.era AND bs.geom IS NOT NULL"
            "  ORDER BY bs.geom <-> ST_SetSRID(ST_MakePoint(:lon, :lat), 4326) LIMIT 1) seg"
        ),
        {"b": border_code, "lon": lon, "lat": lat},
    )
    return {(str(r[0]), str(r[1])) for r in rows}


def provinces_of(conn: Connection, marker_id: int) -> set[tuple[str, str]]:
    """(era, province code) of the segments a marker is linked to, in both eras."""
    rows = conn.execute(
        text(
            "SELECT bs.era, bs.province_code FROM marker_segment ms"
            " JOIN border_segment bs ON bs.id = ms.segment_id WHERE ms.marker_id = :id"
        ),
        {"id": marker_id},
    )
    return {(str(r[0]), str(r[1])) for r in rows}


def _link_segments(conn: Connection, marker_id: int) -> None:
    conn.execute(
        text(
            "INSERT INTO marker_segment (marker_id, era, segment_id)"
            " SELECT m.id, e.era, seg.id FROM marker m"
            " CROSS JOIN (VALUES ('pre2025'), ('post2025')) AS e(era)"
            " CROSS JOIN LATERAL (SELECT bs.id FROM border_segment bs"
            "  WHERE bs.border_code = m.border_code AND bs.era = e.era AND bs.geom IS NOT NULL"
            "  ORDER BY bs.geom <-> m.geom LIMIT 1) seg"
            " WHERE m.id = :id"
            " ON CONFLICT (marker_id, era) DO UPDATE SET segment_id = EXCLUDED.segment_id"
            " WHERE marker_segment.segment_id <> EXCLUDED.segment_id"
        ),
        {"id": marker_id},
    )


def _key_text(f: MarkerFields) -> str:
    label = str(f.number)
    if f.sub_number is not None:
        label += f"/{f.sub_number}"
    if f.same_number_index is not None:
        label += f"({f.same_number_index})"
    return f"{f.border_code} {label}"


def _duplicate(conn: Connection, f: MarkerFields, other_than: int | None) -> None:
    found = conn.execute(
        text(
            "SELECT id FROM marker WHERE border_code = :border_code AND number = :number"
            " AND same_number_index IS NOT DISTINCT FROM :same_number_index"
            " AND sub_number IS NOT DISTINCT FROM :sub_number"
        ),
        asdict(f),
    ).scalar()
    if found is not None and found != other_than:
        raise Conflict(f"marker {_key_text(f)} already exists (feature {found})")


def _constraint(exc: IntegrityError) -> BadRequest | Conflict:
    name = getattr(getattr(exc.orig, "diag", None), "constraint_name", None) or "a constraint"
    if name == "marker_natural_key":
        return Conflict("a marker with this border, number and index already exists")
    return BadRequest(f"the marker breaks the rule {name}")


_VALUES = (
    "border_code = :border_code, number = :number, same_number_index = :same_number_index,"
    " sub_number = :sub_number, marker_class = :marker_class, size_class = :size_class,"
    " setting = :setting, material = :material, planted_by = :planted_by,"
    " elevation_m = :elevation_m, geom = ST_SetSRID(ST_MakePoint(:lon, :lat), 4326),"
    " source_crs = :source_crs, source_x = :source_x, source_y = :source_y,"
    " source_axis_order = :source_axis_order, source_transform = :source_transform"
)


def create(conn: Connection, f: MarkerFields) -> tuple[int, dict[str, Any]]:
    """Insert a marker; (its id, its state). 409 when its number is taken on its border."""
    _duplicate(conn, f, None)
    cols = ", ".join(EDITABLE)
    values = ", ".join(f":{c}" for c in EDITABLE)
    try:
        new_id = conn.execute(
            text(
                f"INSERT INTO marker ({cols}, geom) VALUES ({values},"
                " ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)) RETURNING id"
            ),
            asdict(f),
        ).scalar_one()
    except IntegrityError as exc:
        raise _constraint(exc) from exc
    _link_segments(conn, new_id)
    after = state(conn, new_id)
    assert after is not None
    return int(new_id), after


def replace(
    conn: Connection,
    marker_id: int,
    if_match: str,
    f: MarkerFields,
    moved_on: dt.date,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Replace every field of a marker; a move keeps the former position in history."""
    before = _locked(conn, marker_id, if_match)
    _duplicate(conn, f, marker_id)
    moved = bool(
        conn.execute(
            text(
                "SELECT NOT ST_DWithin(geom, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326), :tol)"
                " FROM marker WHERE id = :id"
            ),
            {"id": marker_id, "lon": f.lon, "lat": f.lat, "tol": SAME_POSITION_DEG},
        ).scalar_one()
    )
    values = {**asdict(f), "id": marker_id, "seen": before["version"]}
    if moved:
        _keep_former_position(conn, marker_id, moved_on)
    else:  # the same position: keep it, and the coordinates as first recorded
        for k in ("lon", "lat", *(c for c in EDITABLE if c.startswith("source_"))):
            values[k] = before[k]
    try:
        n = conn.execute(
            text(
                f"UPDATE marker SET {_VALUES}, version = version + 1"
                " WHERE id = :id AND version = :seen"
            ),
            values,
        ).rowcount
    except IntegrityError as exc:
        raise _constraint(exc) from exc
    if n != 1:  # cannot happen under the row lock; kept as the last line of defence
        raise PreconditionFailed(f"marker {marker_id} changed during the write")
    if moved or f.border_code != before["border_code"]:
        _link_segments(conn, marker_id)
    after = state(conn, marker_id)
    assert after is not None
    return before, after


def _keep_former_position(conn: Connection, marker_id: int, moved_on: dt.date) -> None:
    latest = conn.execute(
        text("SELECT max(valid_to) FROM marker_position WHERE marker_id = :id"), {"id": marker_id}
    ).scalar()
    if latest is not None and moved_on <= latest:
        raise BadRequest(
            f"moved_on {moved_on.isoformat()}: the marker already moved on {latest.isoformat()};"
            " a new position must be later"
        )
    conn.execute(
        text(
            "INSERT INTO marker_position (marker_id, geom, source_crs, source_x, source_y,"
            " source_axis_order, source_transform, valid_to)"
            " SELECT id, geom, source_crs, source_x, source_y, source_axis_order,"
            " source_transform, :day FROM marker WHERE id = :id"
        ),
        {"id": marker_id, "day": moved_on},
    )


def retire(
    conn: Connection, marker_id: int, if_match: str, on: dt.date, note: str | None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Give a marker its end date (from ``on`` it is out of the collection); nothing erased."""
    before = _locked(conn, marker_id, if_match)
    conn.execute(
        text(
            "UPDATE marker SET retired_on = :on, retired_note = :note, version = version + 1"
            " WHERE id = :id AND version = :seen"
        ),
        {"id": marker_id, "on": on, "note": note, "seen": before["version"]},
    )
    after = state(conn, marker_id)
    assert after is not None
    return before, after


def add_event(
    conn: Connection,
    marker_id: int,
    status: str,
    on: dt.date,
    note: str | None = None,
    source_document: str | None = None,
) -> tuple[int, bool]:
    """Append a status event to a live marker; (event id, whether it is new).

    The same status on the same date is one event (``marker_event_once``): recording it
    again returns the existing event.
    """
    s = state(conn, marker_id, lock=True)
    if s is None or s["retired_on"] is not None:
        raise NotFound(f"feature {marker_id!r} not found in markers")
    new_id = conn.execute(
        text(
            "INSERT INTO marker_event (marker_id, status, event_date, note, source_document)"
            " VALUES (:id, :status, :on, :note, :doc)"
            " ON CONFLICT (marker_id, event_date, status) DO NOTHING RETURNING id"
        ),
        {"id": marker_id, "status": status, "on": on, "note": note, "doc": source_document},
    ).scalar()
    if new_id is None:
        existing = conn.execute(
            text(
                "SELECT id FROM marker_event WHERE marker_id = :id AND event_date = :on"
                " AND status = :status"
            ),
            {"id": marker_id, "on": on, "status": status},
        ).scalar_one()
        return int(existing), False
    conn.execute(text("UPDATE marker SET version = version + 1 WHERE id = :id"), {"id": marker_id})
    return int(new_id), True


def audit_view(s: dict[str, Any] | None) -> dict[str, Any] | None:
    """A marker state as the audit stores it."""
    return _public(s)
