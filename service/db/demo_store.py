"""service.db.demo_store: write a whole generated dataset in one transaction.

Used by the demo builder (service.demo). Every data table is emptied with one TRUNCATE and
refilled with COPY, inside the caller's transaction: an error anywhere rolls everything
back. ``marker_event`` forbids UPDATE/DELETE but not TRUNCATE, which replaces, not edits.
Table and column names come from the schema module, never from input.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, text

from service.db.models import DATA_TABLES as CORE_TABLES
from service.db.models import Base
from service.db.schema_reporting import REPORTING_TABLES
from service.db.schema_writes import WRITE_TABLES

# Every table the demo fills, parents first.
DATA_TABLES = [*CORE_TABLES, *REPORTING_TABLES]


@dataclass(frozen=True)
class TableRows:
    """Rows for one table, in ``columns`` order (geometry as hex EWKB)."""

    name: str
    columns: tuple[str, ...]
    rows: Sequence[tuple[Any, ...]]


def _check(table: TableRows) -> None:
    known = Base.metadata.tables.get(table.name)
    if known is None or table.name not in DATA_TABLES:
        raise ValueError(f"not a data table: {table.name!r}")
    unknown = set(table.columns) - set(known.columns.keys())
    if unknown:
        raise ValueError(f"table {table.name}: unknown columns {sorted(unknown)}")


def replace_all(conn: Connection, tables: Iterable[TableRows]) -> dict[str, int]:
    """Empty every data table and COPY ``tables`` in (parents first). Returns row counts.

    Runs in the caller's transaction; explicit ids are written, so the id sequences are
    moved past them for later inserts.
    """
    tables = list(tables)
    for t in tables:
        _check(t)
    # Inspections and former positions belong to the markers being replaced.
    everything = [*DATA_TABLES, *WRITE_TABLES]
    conn.execute(text(f"TRUNCATE {', '.join(everything)} RESTART IDENTITY"))
    raw = conn.connection.driver_connection
    if raw is None:
        raise RuntimeError("no driver connection")
    counts: dict[str, int] = {}
    with raw.cursor() as cur:
        for t in tables:
            with cur.copy(f"COPY {t.name} ({', '.join(t.columns)}) FROM STDIN") as copy:
                for row in t.rows:
                    copy.write_row(row)
            counts[t.name] = len(t.rows)
    for t in tables:
        if "id" in t.columns and t.rows:
            conn.execute(
                text("SELECT setval(pg_get_serial_sequence(:t, 'id'), (SELECT max(id) FROM "
                     f"{t.name}))"),
                {"t": t.name},
            )  # fmt: skip
    return counts


def has_rows(conn: Connection, table: str) -> bool:
    """True when ``table`` (a data table) holds at least one row."""
    if table not in DATA_TABLES:
        raise ValueError(f"not a data table: {table!r}")
    return conn.execute(text(f"SELECT EXISTS (SELECT 1 FROM {table})")).scalar_one() is True


def table_counts(conn: Connection) -> dict[str, int]:
    """Row count of every data table."""
    return {
        t: int(conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()) for t in DATA_TABLES
    }
