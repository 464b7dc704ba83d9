"""Search: unaccent and pg_trgm, Vietnamese search keys, trigram indexes.

``unaccent()`` is only STABLE (its dictionary could change), so it cannot appear in an
index. ``bm_fold`` wraps it with the dictionary named explicitly (schema-qualified, the
usual ``immutable_unaccent`` pattern) and declares the result IMMUTABLE; the rules file
does not change under a running database. The keys are the SQL twins of
``geo.vietnamese`` (``bare_name``, ``fold``, ``tone_key``): the regular expressions are
taken from that module so the two cannot drift, and a test compares them on every name.

Creating the extensions needs a role that may (a superuser, or on PostgreSQL 13+ the
database owner: both are "trusted" extensions).

Revision ID: search
Revises: accounts
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from geo.vietnamese import TONE_PLACEMENT, UNIT_PREFIX

revision: str = "search"
down_revision: str | None = "accounts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (index name, table, indexed expression)
TRIGRAM_INDEXES = (
    ("province_search_key_trgm", "province", "bm_search_key(name)"),
    ("commune_search_key_trgm", "commune", "bm_search_key(name)"),
    ("marker_label_trgm", "marker", "label"),
    ("officer_search_key_trgm", "officer", "bm_fold(full_name)"),
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
    for name, table, expression in TRIGRAM_INDEXES:
        op.execute(f"CREATE INDEX {name} ON {table} USING gin ({expression} gin_trgm_ops)")
    op.create_index("admin_lineage_new_code", "admin_lineage", ["level", "new_code"])


def downgrade() -> None:
    """Revert (the extensions stay: other objects may use them)."""
    op.drop_index("admin_lineage_new_code", table_name="admin_lineage")
    for name, _table, _expression in TRIGRAM_INDEXES:
        op.execute(f"DROP INDEX {name}")
    for signature in FUNCTIONS:
        op.execute(f"DROP FUNCTION {signature}")
