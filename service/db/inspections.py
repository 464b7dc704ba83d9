"""service.db.inspections: inspections of markers and their photos.

An inspection records what a border post found at a marker on a date. A finding that is a
step of the life cycle (damaged, destroyed = damaged, restored, verified) is also appended to
``marker_event``. Photos (JPEG or PNG by their first bytes, at most 10 MB, at most 5 per
inspection) are stored in PostgreSQL; the count is checked under a lock on the inspection.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from sqlalchemy import Connection, text

from service.db import marker_writes
from service.db.schema_writes import FINDING_EVENTS, MAX_PHOTO_BYTES, MAX_PHOTOS
from service.errors import BadRequest, Conflict, NotFound, PayloadTooLarge, UnsupportedMediaType

_MAGIC = ((b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"))


def photo_type(data: bytes) -> str:
    """``image/jpeg`` or ``image/png`` from the file's magic bytes; 415 otherwise, 413 if big."""
    if len(data) > MAX_PHOTO_BYTES:
        raise PayloadTooLarge(
            f"the photo is {len(data):,} bytes; at most {MAX_PHOTO_BYTES:,} (10 MB) are accepted"
        )
    if not data:
        raise BadRequest("the photo is empty")
    for magic, media_type in _MAGIC:
        if data.startswith(magic):
            return media_type
    raise UnsupportedMediaType("the photo is neither JPEG nor PNG (checked by its first bytes)")


def record(
    conn: Connection,
    marker_id: int,
    inspected_on: dt.date,
    found_status: str,
    inspecting_unit: str,
    note: str | None,
) -> dict[str, Any]:
    """Record an inspection (and its life-cycle event); the stored inspection."""
    event_id: int | None = None
    status = FINDING_EVENTS.get(found_status)
    if status is not None:
        event_note = f"inspection: {found_status}" + (f"; {note}" if note else "")
        event_id, _ = marker_writes.add_event(conn, marker_id, status, inspected_on, event_note)
    elif not marker_writes.current_etag(conn, marker_id):
        raise NotFound(f"feature {marker_id!r} not found in markers")
    row = conn.execute(
        text(
            "INSERT INTO inspection (marker_id, inspected_on, found_status, inspecting_unit,"
            " note, event_id) VALUES (:m, :d, :s, :u, :n, :e) RETURNING id"
        ),
        {
            "m": marker_id,
            "d": inspected_on,
            "s": found_status,
            "u": inspecting_unit,
            "n": note,
            "e": event_id,
        },
    ).scalar_one()
    found = get(conn, int(row))
    assert found is not None
    return found


_SELECT = (
    "SELECT i.id, i.marker_id, i.inspected_on, i.found_status, i.inspecting_unit, i.note,"
    " i.event_id, i.recorded_at,"
    " COALESCE((SELECT array_agg(p.id ORDER BY p.id) FROM inspection_photo p"
    "  WHERE p.inspection_id = i.id), '{}') AS photos"
    " FROM inspection i"
)


def get(conn: Connection, inspection_id: int) -> dict[str, Any] | None:
    """One inspection with the ids of its photos."""
    row = conn.execute(text(_SELECT + " WHERE i.id = :id"), {"id": inspection_id}).mappings()
    found = row.first()
    return None if found is None else dict(found)


def of_marker(conn: Connection, marker_id: int) -> list[dict[str, Any]]:
    """The inspections of a marker, latest first."""
    rows = conn.execute(
        text(_SELECT + " WHERE i.marker_id = :id ORDER BY i.inspected_on DESC, i.id DESC"),
        {"id": marker_id},
    ).mappings()
    return [dict(r) for r in rows]


def add_photo(conn: Connection, inspection_id: int, data: bytes) -> dict[str, Any]:
    """Store a photo of an inspection; its id, type, size and sha256."""
    media_type = photo_type(data)
    locked = conn.execute(
        text("SELECT id FROM inspection WHERE id = :id FOR UPDATE"), {"id": inspection_id}
    ).scalar()
    if locked is None:
        raise NotFound(f"inspection {inspection_id} not found")
    n = conn.execute(
        text("SELECT count(*) FROM inspection_photo WHERE inspection_id = :id"),
        {"id": inspection_id},
    ).scalar_one()
    if n >= MAX_PHOTOS:
        raise Conflict(f"inspection {inspection_id} already has {MAX_PHOTOS} photos (the most)")
    digest = hashlib.sha256(data).hexdigest()
    photo_id = conn.execute(
        text(
            "INSERT INTO inspection_photo (inspection_id, media_type, sha256, data)"
            " VALUES (:i, :t, :h, :d) RETURNING id"
        ),
        {"i": inspection_id, "t": media_type, "h": digest, "d": data},
    ).scalar_one()
    return {
        "id": int(photo_id),
        "inspection_id": inspection_id,
        "media_type": media_type,
        "bytes": len(data),
        "sha256": digest,
    }


def photo(conn: Connection, inspection_id: int, photo_id: int) -> tuple[str, bytes]:
    """A photo's media type and bytes."""
    row = conn.execute(
        text("SELECT media_type, data FROM inspection_photo WHERE id = :p AND inspection_id = :i"),
        {"p": photo_id, "i": inspection_id},
    ).first()
    if row is None:
        raise NotFound(f"photo {photo_id} of inspection {inspection_id} not found")
    return str(row[0]), bytes(row[1])


def marker_of(conn: Connection, inspection_id: int) -> int:
    """The marker an inspection is of (404 when unknown)."""
    found = conn.execute(
        text("SELECT marker_id FROM inspection WHERE id = :id"), {"id": inspection_id}
    ).scalar()
    if found is None:
        raise NotFound(f"inspection {inspection_id} not found")
    return int(found)
