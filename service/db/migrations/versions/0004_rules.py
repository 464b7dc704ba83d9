"""Business rules defined once, as SQL functions every query calls.

- ``unit_valid_on``: a province, commune or segment row is in force on a day (its era is
  the day's era and the day lies in ``[valid_from, valid_to)``).
- ``active_assignments``: the officer assignments active on a day (the end date is the
  first day off the post), with their synthetic flag.
- ``marker_status_on``: one marker's status on a day: its latest event on or before it;
  on one date the later step of the life cycle wins. ``marker_status_as_of`` (every
  marker) is redefined on top of it.

They are plain SQL functions, which PostgreSQL inlines into the calling query, so indexes
are used as if the conditions were written out.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The life cycle in order (service.vocabulary.MARKER_STATUSES when this was written).
STATUSES = ("planned", "surveyed", "planted", "verified", "damaged", "restored", "relocated")
_RANK = "ARRAY[" + ",".join(f"'{s}'" for s in STATUSES) + "]"


def upgrade() -> None:
    """Create the rule functions and rebase marker_status_as_of on marker_status_on."""
    op.execute(
        """
        CREATE FUNCTION unit_valid_on(u_era text, u_from date, u_to date, era text, day date)
        RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
          SELECT u_era = era AND (u_from IS NULL OR u_from <= day)
                 AND (u_to IS NULL OR u_to > day)
        $$
        """
    )
    op.execute(
        """
        CREATE FUNCTION active_assignments(day date)
        RETURNS TABLE (commune_id integer, officer_id integer, role text, synthetic boolean)
        LANGUAGE sql STABLE PARALLEL SAFE AS $$
          SELECT a.commune_id, a.officer_id, a.role, (a.synthetic OR o.synthetic)
          FROM officer_assignment a
          JOIN officer o ON o.id = a.officer_id
          WHERE a.start_date <= day AND (a.end_date IS NULL OR a.end_date > day)
        $$
        """
    )
    op.execute(
        f"""
        CREATE FUNCTION marker_status_on(marker integer, day date)
        RETURNS TABLE (status text, status_date date)
        LANGUAGE sql STABLE PARALLEL SAFE AS $$
          SELECT e.status, e.event_date
          FROM marker_event e
          WHERE e.marker_id = marker AND e.event_date <= day
          ORDER BY e.event_date DESC, array_position({_RANK}, e.status) DESC, e.id DESC
          LIMIT 1
        $$
        """
    )
    op.execute(
        """
        CREATE OR REPLACE FUNCTION marker_status_as_of(as_of date)
        RETURNS TABLE (marker_id integer, status text, status_date date)
        LANGUAGE sql STABLE AS $$
          SELECT m.id, s.status, s.status_date
          FROM marker m CROSS JOIN LATERAL marker_status_on(m.id, as_of) s
        $$
        """
    )


def downgrade() -> None:
    """Restore marker_status_as_of's own body and drop the rule functions."""
    op.execute(
        f"""
        CREATE OR REPLACE FUNCTION marker_status_as_of(as_of date)
        RETURNS TABLE (marker_id integer, status text, status_date date)
        LANGUAGE sql STABLE AS $$
          SELECT DISTINCT ON (e.marker_id) e.marker_id, e.status, e.event_date
          FROM marker_event e
          WHERE e.event_date <= as_of
          ORDER BY e.marker_id, e.event_date DESC, array_position({_RANK}, e.status) DESC,
            e.id DESC
        $$
        """
    )
    op.execute("DROP FUNCTION IF EXISTS marker_status_on(integer, date)")
    op.execute("DROP FUNCTION IF EXISTS active_assignments(date)")
    op.execute("DROP FUNCTION IF EXISTS unit_valid_on(text, date, date, text, date)")
