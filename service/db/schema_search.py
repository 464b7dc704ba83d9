"""service.db.schema_search: what migration ``search`` adds to existing tables, for autogenerate.

A generated ``search_key`` column on ``province``, ``commune`` and ``officer`` (see
``geo.vietnamese`` for the key; the SQL functions are created by the migration), trigram
indexes, and an index to find lineage by the new unit. The columns are appended to the
tables here rather than declared in ``service.db.models``, so the models stay as they are;
the ORM classes do not map them (only SQL reads them).
"""

from __future__ import annotations

from sqlalchemy import Column, ColumnElement, Computed, Index, Text

from service.db.models import AdminLineage, Commune, Marker, Officer, Province


def _search_key(model: type, expression: str) -> Column[str]:
    table = model.__table__  # type: ignore[attr-defined]
    if "search_key" not in table.c:
        table.append_column(Column("search_key", Text, Computed(expression, persisted=True)))
    column: Column[str] = table.c.search_key
    return column


def _trigram(name: str, column: ColumnElement[str]) -> Index:
    return Index(
        name, column, postgresql_using="gin", postgresql_ops={str(column.key): "gin_trgm_ops"}
    )


SEARCH_INDEXES = (
    _trigram("province_search_key_trgm", _search_key(Province, "bm_search_key(name)")),
    _trigram("commune_search_key_trgm", _search_key(Commune, "bm_search_key(name)")),
    _trigram("officer_search_key_trgm", _search_key(Officer, "bm_fold(full_name)")),
    _trigram("marker_label_trgm", Marker.__table__.c.label),
    Index("admin_lineage_new_code", AdminLineage.level, AdminLineage.new_code),
)
