"""service.db.officer_writes: officers (personal data) and their assignments to communes.

Overlaps: one officer holds one role in at most one assignment at a time. The check runs
under a lock on the officer's row, so two concurrent assignments of one officer are
serialised and the second sees the first. Dates are ``[start_date, end_date)``: the end date
is the first day off the post, so an assignment may start on the day another ends.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.exc import IntegrityError

from service.errors import BadRequest, Conflict, NotFound

OFFICER_FIELDS = ("service_number", "full_name", "rank", "home_unit")


def officer(conn: Connection, officer_id: int, *, lock: bool = False) -> dict[str, Any] | None:
    """An officer as stored."""
    row = conn.execute(
        text(
            "SELECT id, service_number, full_name, rank, home_unit, synthetic FROM officer"
            " WHERE id = :id" + (" FOR UPDATE" if lock else "")
        ),
        {"id": officer_id},
    ).mappings()
    found = row.first()
    return None if found is None else dict(found)


def _unique(exc: IntegrityError, number: str) -> Exception:
    name = getattr(getattr(exc.orig, "diag", None), "constraint_name", None)
    if name == "officer_service_number_key":
        return Conflict(f"an officer with service number {number} exists")
    return BadRequest(f"the officer breaks the rule {name or 'a constraint'}")


def create_officer(conn: Connection, fields: dict[str, Any]) -> dict[str, Any]:
    """Add an officer; 409 when the service number is taken."""
    taken = conn.execute(
        text("SELECT id FROM officer WHERE service_number = :n"), {"n": fields["service_number"]}
    ).scalar()
    if taken is not None:
        raise Conflict(f"an officer with service number {fields['service_number']} exists")
    try:
        new_id = conn.execute(
            text(
                "INSERT INTO officer (service_number, full_name, rank, home_unit)"
                " VALUES (:service_number, :full_name, :rank, :home_unit) RETURNING id"
            ),
            {k: fields.get(k) for k in OFFICER_FIELDS},
        ).scalar_one()
    except IntegrityError as exc:
        raise _unique(exc, fields["service_number"]) from exc
    found = officer(conn, int(new_id))
    assert found is not None
    return found


def correct_officer(
    conn: Connection, officer_id: int, changes: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Correct an officer's fields (only those given); (before, after)."""
    before = officer(conn, officer_id, lock=True)
    if before is None:
        raise NotFound(f"officer {officer_id} not found")
    sets = [k for k in OFFICER_FIELDS if k in changes]
    if sets:
        try:
            conn.execute(
                text(
                    "UPDATE officer SET "
                    + ", ".join(f"{k} = :{k}" for k in sets)
                    + " WHERE id = :id"
                ),
                {**{k: changes[k] for k in sets}, "id": officer_id},
            )
        except IntegrityError as exc:
            raise _unique(exc, str(changes.get("service_number"))) from exc
    after = officer(conn, officer_id)
    assert after is not None
    return before, after


_ASSIGNMENT = (
    "SELECT a.id, a.officer_id, c.era, c.code AS commune_code, c.province_code, a.role,"
    " a.term, a.start_date, a.end_date FROM officer_assignment a"
    " JOIN commune c ON c.id = a.commune_id"
)


def assignment(conn: Connection, assignment_id: int) -> dict[str, Any] | None:
    """An assignment with its commune's era, code and province."""
    row = conn.execute(text(_ASSIGNMENT + " WHERE a.id = :id"), {"id": assignment_id}).mappings()
    found = row.first()
    return None if found is None else dict(found)


def commune_province(conn: Connection, era: str, code: str) -> tuple[str, str]:
    """(era, province code) of a commune of an era (404 when unknown)."""
    found = conn.execute(
        text("SELECT province_code FROM commune WHERE era = :era AND code = :code"),
        {"era": era, "code": code},
    ).scalar()
    if found is None:
        raise NotFound(f"commune {code} is not in the database for era {era}")
    return era, str(found)


def provinces_of_officer(conn: Connection, officer_id: int) -> set[tuple[str, str]]:
    """(era, province code) of the communes an officer has ever been assigned to."""
    rows = conn.execute(
        text(
            "SELECT DISTINCT c.era, c.province_code FROM officer_assignment a"
            " JOIN commune c ON c.id = a.commune_id WHERE a.officer_id = :id"
        ),
        {"id": officer_id},
    )
    return {(str(r[0]), str(r[1])) for r in rows}


def _overlap(
    conn: Connection,
    officer_id: int,
    role: str,
    start: dt.date,
    end: dt.date | None,
    other_than: int | None,
) -> None:
    row = conn.execute(
        text(
            _ASSIGNMENT + " WHERE a.officer_id = :o AND a.role = :r AND a.id <> :x"
            " AND daterange(a.start_date, a.end_date) && daterange(:s, :e)"
            " ORDER BY a.start_date LIMIT 1"
        ),
        {"o": officer_id, "r": role, "s": start, "e": end, "x": other_than or 0},
    ).mappings()
    found = row.first()
    if found is not None:
        until = found["end_date"].isoformat() if found["end_date"] else "open-ended"
        raise Conflict(
            f"officer {officer_id} already holds the role {role} from"
            f" {found['start_date'].isoformat()} to {until} (assignment {found['id']}, commune"
            f" {found['commune_code']}, {found['era']}): overlapping assignments in one role"
            " are refused; end that one first"
        )


def assign(conn: Connection, fields: dict[str, Any]) -> dict[str, Any]:
    """Assign an officer to a commune in a role for dates; 409 on an overlap in that role."""
    if officer(conn, fields["officer_id"], lock=True) is None:
        raise NotFound(f"officer {fields['officer_id']} not found")
    commune_id = conn.execute(
        text("SELECT id FROM commune WHERE era = :era AND code = :code"),
        {"era": fields["era"], "code": fields["commune_code"]},
    ).scalar()
    if commune_id is None:
        raise NotFound(
            f"commune {fields['commune_code']} is not in the database for era {fields['era']}"
        )
    start, end = fields["start_date"], fields.get("end_date")
    if end is not None and end <= start:
        raise BadRequest(f"end_date {end.isoformat()} is not after start_date {start.isoformat()}")
    _overlap(conn, fields["officer_id"], fields["role"], start, end, None)
    try:
        new_id = conn.execute(
            text(
                "INSERT INTO officer_assignment (officer_id, commune_id, role, term, start_date,"
                " end_date) VALUES (:o, :c, :r, :t, :s, :e) RETURNING id"
            ),
            {
                "o": fields["officer_id"],
                "c": commune_id,
                "r": fields["role"],
                "t": fields["term"],
                "s": start,
                "e": end,
            },
        ).scalar_one()
    except IntegrityError as exc:
        name = getattr(getattr(exc.orig, "diag", None), "constraint_name", None)
        raise BadRequest(f"the assignment breaks the rule {name or 'a constraint'}") from exc
    found = assignment(conn, int(new_id))
    assert found is not None
    return found


def end_assignment(
    conn: Connection, assignment_id: int, end: dt.date
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Set an assignment's end date (the first day off the post); (before, after)."""
    before = assignment(conn, assignment_id)
    if before is None:
        raise NotFound(f"assignment {assignment_id} not found")
    officer(conn, before["officer_id"], lock=True)
    before = assignment(conn, assignment_id)
    assert before is not None
    if end <= before["start_date"]:
        raise BadRequest(
            f"end_date {end.isoformat()} is not after start_date {before['start_date'].isoformat()}"
        )
    _overlap(conn, before["officer_id"], before["role"], before["start_date"], end, assignment_id)
    conn.execute(
        text("UPDATE officer_assignment SET end_date = :e WHERE id = :id"),
        {"e": end, "id": assignment_id},
    )
    after = assignment(conn, assignment_id)
    assert after is not None
    return before, after
