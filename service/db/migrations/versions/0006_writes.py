"""Writes: marker versions and retirement, position history, inspections with photos.

Revision ID: writes
Revises: accounts
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry

revision: str = "writes"
down_revision: str | None = "accounts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NEW_TABLES = ("marker_position", "inspection", "inspection_photo")


def upgrade() -> None:
    """Apply."""
    op.add_column(
        "marker", sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False)
    )
    op.add_column("marker", sa.Column("retired_on", sa.Date(), nullable=True))
    op.add_column("marker", sa.Column("retired_note", sa.Text(), nullable=True))
    op.create_table(
        "marker_position",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("marker_id", sa.Integer(), nullable=False),
        sa.Column(
            "geom",
            Geometry(
                geometry_type="POINT",
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
                nullable=False,
            ),
            nullable=False,
        ),
        sa.Column("source_crs", sa.Text(), nullable=True),
        sa.Column("source_x", sa.Float(), nullable=True),
        sa.Column("source_y", sa.Float(), nullable=True),
        sa.Column("source_axis_order", sa.Text(), nullable=True),
        sa.Column("source_transform", sa.Text(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=False),
        sa.Column(
            "recorded_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("ST_IsValid(geom)", name="geom_valid"),
        sa.ForeignKeyConstraint(["marker_id"], ["marker.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_marker_position_marker_valid_to", "marker_position", ["marker_id", "valid_to"]
    )
    op.create_table(
        "inspection",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("marker_id", sa.Integer(), nullable=False),
        sa.Column("inspected_on", sa.Date(), nullable=False),
        sa.Column("found_status", sa.Text(), nullable=False),
        sa.Column("inspecting_unit", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column(
            "recorded_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "found_status IN ('intact', 'damaged', 'destroyed', 'displaced', 'restored', 'verified')",
            name="found_status_known",
        ),
        sa.CheckConstraint("inspected_on >= DATE '1885-01-01'", name="inspected_on_sane"),
        sa.ForeignKeyConstraint(["event_id"], ["marker_event.id"]),
        sa.ForeignKeyConstraint(["marker_id"], ["marker.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_inspection_marker_id"), "inspection", ["marker_id"])
    op.create_table(
        "inspection_photo",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("media_type", sa.Text(), nullable=False),
        sa.Column("sha256", sa.Text(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column(
            "recorded_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("media_type IN ('image/jpeg', 'image/png')", name="media_type_known"),
        sa.CheckConstraint("octet_length(data) <= 10485760", name="size_limit"),
        sa.ForeignKeyConstraint(["inspection_id"], ["inspection.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_inspection_photo_inspection_id"), "inspection_photo", ["inspection_id"]
    )
    # Photos are already compressed: keep them out of TOAST's pglz.
    op.execute("ALTER TABLE inspection_photo ALTER COLUMN data SET STORAGE EXTERNAL")
    for table in NEW_TABLES:
        op.execute(
            f"CREATE TRIGGER {table}_bump_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE"
            f" ON {table} FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version()"
        )
    # Former positions and inspections are evidence, as marker_event is.
    op.execute(
        """
        CREATE FUNCTION history_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
            USING ERRCODE = 'integrity_constraint_violation';
        END $$
        """
    )
    for table in NEW_TABLES:
        op.execute(
            f"CREATE TRIGGER {table}_no_rewrite BEFORE UPDATE OR DELETE ON {table}"
            " FOR EACH ROW EXECUTE FUNCTION history_append_only()"
        )


def downgrade() -> None:
    """Revert."""
    for table in NEW_TABLES:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_rewrite ON {table}")
        op.execute(f"DROP TRIGGER IF EXISTS {table}_bump_version ON {table}")
    op.execute("DROP FUNCTION IF EXISTS history_append_only()")
    op.drop_index(op.f("ix_inspection_photo_inspection_id"), table_name="inspection_photo")
    op.drop_table("inspection_photo")
    op.drop_index(op.f("ix_inspection_marker_id"), table_name="inspection")
    op.drop_table("inspection")
    op.drop_index("ix_marker_position_marker_valid_to", table_name="marker_position")
    op.drop_geospatial_table("marker_position")
    op.drop_column("marker", "retired_note")
    op.drop_column("marker", "retired_on")
    op.drop_column("marker", "version")
