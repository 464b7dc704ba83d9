"""Search: unaccent and pg_trgm, Vietnamese search keys, trigram indexes.

Adds a generated ``search_key`` column to ``province``, ``commune`` and ``officer``.

``unaccent()`` is only STABLE (its dictionary could change), so it cannot appear in an
index. ``bm_fold`` wraps it with the dictionary named explicitly (schema-qualified, the
usual ``immutable_unaccent`` pattern) and declares the result IMMUTABLE; the rules file
does not change under a running database. The keys are the SQL twins of
``geo.vietnamese`` (``bare_name``, ``fold``, ``tone_key``): the regular expressions are
taken from that module so the two cannot drift, and a test compares them on every name.

Creating the extensions needs a role that may (a superuser, or on PostgreSQL 13+ the
database owner: both are "trusted" extensions).

Revision ID: search
Revises: writes
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from geo.vietnamese import TONE_PLACEMENT, UNIT_PREFIX

revision: str = "search"
down_revision: str | None = "writes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Stored keys: (table, generated column expression). A stored column, not an expression
# index, because the SQL wrapper around unaccent cannot be inlined: computing it again in
# every index recheck and score cost ~50 us a row, most of a query's time.
SEARCH_KEYS = (
    ("province", "bm_search_key(name)"),
    ("commune", "bm_search_key(name)"),
    ("officer", "bm_fold(full_name)"),
)
# (index name, table, indexed column)
TRIGRAM_INDEXES = (
    ("province_search_key_trgm", "province", "search_key"),
    ("commune_search_key_trgm", "commune", "search_key"),
    ("marker_label_trgm", "marker", "label"),
    ("officer_search_key_trgm", "officer", "search_key"),
)
FUNCTIONS = ("bm_search_key(text)", "bm_tone_key(text)", "bm_fold(text)", "bm_bare_name(text)")


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def upgrade() -> None:
    """Apply."""
    bind = op.get_bind()
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema = bind.execute(
        sa.text(
            "SELECT quote_ident(extnamespace::regnamespace::text) FROM pg_extension"
            " WHERE extname = 'unaccent'"
        )
    ).scalar_one()
    op.execute(
        "CREATE FUNCTION bm_fold(t text) RETURNS text"
        " LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT"
        f" RETURN lower({schema}.unaccent('{schema}.unaccent'::regdictionary,"
        " translate(t, 'đĐ', 'dD')))"
    )
    op.execute(
        "CREATE FUNCTION bm_bare_name(t text) RETURNS text"
        " LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT"
        f" RETURN regexp_replace(normalize(t, NFC), {_literal(UNIT_PREFIX)}, '')"
    )
    tone = "normalize(lower(t), NFD)"
    for pattern, replacement in TONE_PLACEMENT:
        tone = f"regexp_replace({tone}, {_literal(pattern)}, {_literal(replacement)}, 'g')"
    op.execute(
        "CREATE FUNCTION bm_tone_key(t text) RETURNS text"
        " LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT"
        f" RETURN normalize({tone}, NFC)"
    )
    op.execute(
        "CREATE FUNCTION bm_search_key(t text) RETURNS text"
        " LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT"
        " RETURN bm_fold(bm_bare_name(t))"
    )
    for table, expression in SEARCH_KEYS:
        op.execute(
            f"ALTER TABLE {table} ADD COLUMN search_key text"
            f" GENERATED ALWAYS AS ({expression}) STORED"
        )
    for name, table, column in TRIGRAM_INDEXES:
        op.execute(f"CREATE INDEX {name} ON {table} USING gin ({column} gin_trgm_ops)")
    op.create_index("admin_lineage_new_code", "admin_lineage", ["level", "new_code"])


def downgrade() -> None:
    """Revert (the extensions stay: other objects may use them)."""
    op.drop_index("admin_lineage_new_code", table_name="admin_lineage")
    for name, _table, _column in TRIGRAM_INDEXES:
        op.execute(f"DROP INDEX {name}")
    for table, _expression in SEARCH_KEYS:
        op.drop_column(table, "search_key")
    for signature in FUNCTIONS:
        op.execute(f"DROP FUNCTION {signature}")
