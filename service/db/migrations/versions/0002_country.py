"""Country outlines (Vietnam and neighbours) for the offline basemap and area checks.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply."""
    op.create_geospatial_table(
        "country",
        sa.Column("iso3", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column(
            "geom",
            Geometry(
                geometry_type="MULTIPOLYGON",
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
            ),
            nullable=True,
        ),
        sa.Column("geom_source", sa.Text(), server_default="approximate", nullable=False),
        sa.Column("source_note", sa.Text(), nullable=True),
        sa.CheckConstraint("geom IS NULL OR ST_IsValid(geom)", name="geom_valid"),
        sa.PrimaryKeyConstraint("iso3"),
    )
    op.create_geospatial_index(
        "idx_country_geom",
        "country",
        ["geom"],
        unique=False,
        postgresql_using="gist",
        postgresql_ops={},
    )
    op.execute(
        "CREATE TRIGGER country_bump_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE"
        " ON country FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version()"
    )


def downgrade() -> None:
    """Revert."""
    op.execute("DROP TRIGGER IF EXISTS country_bump_version ON country")
    op.drop_geospatial_index(
        "idx_country_geom", table_name="country", postgresql_using="gist", column_name="geom"
    )
    op.drop_geospatial_table("country")
