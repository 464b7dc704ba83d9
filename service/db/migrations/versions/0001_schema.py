"""Schema: borders, segments, markers with history, units of both eras, officers.

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Frozen here: later migrations add their own tables' triggers.
DATA_TABLES = [
    "border",
    "province",
    "commune",
    "admin_lineage",
    "border_segment",
    "marker",
    "marker_segment",
    "marker_event",
    "officer",
    "officer_assignment",
]


def upgrade() -> None:
    """Apply."""
    op.create_table(
        "admin_lineage",
        sa.Column("level", sa.Text(), nullable=False),
        sa.Column("old_code", sa.Text(), nullable=False),
        sa.Column("new_code", sa.Text(), nullable=False),
        sa.Column("is_default", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.CheckConstraint("level IN ('province', 'commune')", name="level_known"),
        sa.PrimaryKeyConstraint("level", "old_code", "new_code"),
    )
    op.create_geospatial_table(
        "border",
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("iso3", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("official_length_km", sa.Numeric(precision=10, scale=3), nullable=True),
        sa.Column("official_land_km", sa.Numeric(precision=10, scale=3), nullable=True),
        sa.Column("official_river_km", sa.Numeric(precision=10, scale=3), nullable=True),
        sa.Column("length_source", sa.Text(), nullable=True),
        sa.Column(
            "length_approximate", sa.Boolean(), server_default=sa.text("false"), nullable=False
        ),
        sa.Column("markers_expected", sa.Integer(), nullable=True),
        sa.Column("positions_expected", sa.Integer(), nullable=True),
        sa.Column("demarcated_share", sa.Numeric(precision=5, scale=4), nullable=True),
        sa.Column(
            "geom",
            Geometry(
                geometry_type="MULTILINESTRING",
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
            ),
            nullable=True,
        ),
        sa.Column("geom_source", sa.Text(), server_default="approximate", nullable=False),
        sa.Column("synthetic", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.CheckConstraint("code IN ('CN', 'LA', 'KH')", name="code_known"),
        sa.CheckConstraint("geom IS NULL OR ST_IsValid(geom)", name="geom_valid"),
        sa.PrimaryKeyConstraint("code"),
        sa.UniqueConstraint("iso3"),
    )
    op.create_geospatial_index(
        "idx_border_geom",
        "border",
        ["geom"],
        unique=False,
        postgresql_using="gist",
        postgresql_ops={},
    )
    op.create_table(
        "data_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.BigInteger(), server_default="1", nullable=False),
        sa.Column(
            "changed_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("id = 1", name="single_row"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "officer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_number", sa.Text(), nullable=False),
        sa.Column("full_name", sa.Text(), nullable=False),
        sa.Column("rank", sa.Text(), nullable=True),
        sa.Column("home_unit", sa.Text(), nullable=True),
        sa.Column("synthetic", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("service_number"),
    )
    op.create_geospatial_table(
        "province",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("era", sa.Text(), nullable=False),
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("unit_type", sa.Text(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
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
        sa.Column("is_land_border", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("is_coastal", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column(
            "neighbour_countries", postgresql.ARRAY(sa.Text()), server_default="{}", nullable=False
        ),
        sa.Column("synthetic", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.CheckConstraint("code ~ '^[0-9]{2}$'", name="code_format"),
        sa.CheckConstraint("era IN ('pre2025', 'post2025')", name="era_known"),
        sa.CheckConstraint(
            "geom_source IN ('official', 'imported', 'approximate')", name="geom_source_known"
        ),
        sa.CheckConstraint("geom IS NULL OR ST_IsValid(geom)", name="geom_valid"),
        sa.CheckConstraint(
            "valid_to IS NULL OR valid_from IS NULL OR valid_to > valid_from", name="valid_dates"
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("era", "code", name="province_era_code_key"),
    )
    op.create_geospatial_index(
        "idx_province_geom",
        "province",
        ["geom"],
        unique=False,
        postgresql_using="gist",
        postgresql_ops={},
    )
    op.create_geospatial_table(
        "border_segment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("border_code", sa.Text(), nullable=False),
        sa.Column("era", sa.Text(), nullable=False),
        sa.Column("province_code", sa.Text(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("official_length_km", sa.Numeric(precision=10, scale=3), nullable=True),
        sa.Column("official_land_km", sa.Numeric(precision=10, scale=3), nullable=True),
        sa.Column("official_river_km", sa.Numeric(precision=10, scale=3), nullable=True),
        sa.Column("length_source", sa.Text(), nullable=True),
        sa.Column("measured_length_km", sa.Numeric(precision=10, scale=3), nullable=True),
        sa.Column("demarcated", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column(
            "geom",
            Geometry(
                geometry_type="MULTILINESTRING",
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
            ),
            nullable=True,
        ),
        sa.Column("synthetic", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.CheckConstraint("era IN ('pre2025', 'post2025')", name="era_known"),
        sa.CheckConstraint("geom IS NULL OR ST_IsValid(geom)", name="geom_valid"),
        sa.CheckConstraint(
            "valid_to IS NULL OR valid_from IS NULL OR valid_to > valid_from", name="valid_dates"
        ),
        sa.ForeignKeyConstraint(
            ["border_code"],
            ["border.code"],
        ),
        sa.ForeignKeyConstraint(
            ["era", "province_code"],
            ["province.era", "province.code"],
            name="segment_province_fkey",
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("era", "code", name="border_segment_era_code_key"),
    )
    op.create_geospatial_index(
        "idx_border_segment_geom",
        "border_segment",
        ["geom"],
        unique=False,
        postgresql_using="gist",
        postgresql_ops={},
    )
    op.create_geospatial_table(
        "commune",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("era", sa.Text(), nullable=False),
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("unit_type", sa.Text(), nullable=False),
        sa.Column("province_code", sa.Text(), nullable=False),
        sa.Column("district_name", sa.Text(), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
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
        sa.Column("is_land_border", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("is_coastal", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column(
            "neighbour_countries", postgresql.ARRAY(sa.Text()), server_default="{}", nullable=False
        ),
        sa.Column("border_flag_source", sa.Text(), server_default="geometric", nullable=False),
        sa.Column("synthetic", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.CheckConstraint(
            "border_flag_source IN ('geometric', 'official')", name="border_flag_source_known"
        ),
        sa.CheckConstraint("code ~ '^[0-9]{5}$'", name="code_format"),
        sa.CheckConstraint("era IN ('pre2025', 'post2025')", name="era_known"),
        sa.CheckConstraint(
            "geom_source IN ('official', 'imported', 'approximate')", name="geom_source_known"
        ),
        sa.CheckConstraint("geom IS NULL OR ST_IsValid(geom)", name="geom_valid"),
        sa.CheckConstraint(
            "valid_to IS NULL OR valid_from IS NULL OR valid_to > valid_from", name="valid_dates"
        ),
        sa.ForeignKeyConstraint(
            ["era", "province_code"],
            ["province.era", "province.code"],
            name="commune_province_fkey",
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("era", "code", name="commune_era_code_key"),
    )
    op.create_geospatial_index(
        "idx_commune_geom",
        "commune",
        ["geom"],
        unique=False,
        postgresql_using="gist",
        postgresql_ops={},
    )
    op.create_geospatial_table(
        "marker",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("border_code", sa.Text(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("same_number_index", sa.SmallInteger(), nullable=True),
        sa.Column("sub_number", sa.Integer(), nullable=True),
        sa.Column(
            "label",
            sa.Text(),
            sa.Computed(
                "(number)::text || COALESCE('/' || (sub_number)::text, '') || COALESCE('(' || (same_number_index)::text || ')', '')",
                persisted=True,
            ),
            nullable=False,
        ),
        sa.Column("marker_class", sa.Text(), nullable=False),
        sa.Column("size_class", sa.Text(), nullable=True),
        sa.Column("setting", sa.Text(), server_default="land", nullable=False),
        sa.Column("material", sa.Text(), nullable=True),
        sa.Column("planted_by", sa.Text(), nullable=True),
        sa.Column("elevation_m", sa.Numeric(precision=7, scale=2), nullable=True),
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
        sa.Column("synthetic", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.CheckConstraint("marker_class IN ('main', 'secondary', 'coc_dau')", name="class_known"),
        sa.CheckConstraint("setting IN ('land', 'river_bank', 'confluence')", name="setting_known"),
        sa.CheckConstraint("elevation_m BETWEEN -100 AND 9000", name="elevation_range"),
        sa.CheckConstraint("geom IS NULL OR ST_IsValid(geom)", name="geom_valid"),
        sa.CheckConstraint("number >= 0", name="number_nonneg"),
        sa.CheckConstraint("same_number_index IN (1, 2, 3)", name="same_number_index_range"),
        sa.CheckConstraint("sub_number > 0", name="sub_number_positive"),
        sa.ForeignKeyConstraint(
            ["border_code"],
            ["border.code"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "border_code",
            "number",
            "same_number_index",
            "sub_number",
            name="marker_natural_key",
            postgresql_nulls_not_distinct=True,
        ),
    )
    op.create_geospatial_index(
        "idx_marker_geom",
        "marker",
        ["geom"],
        unique=False,
        postgresql_using="gist",
        postgresql_ops={},
    )
    op.create_geospatial_table(
        "marker_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("marker_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("event_date", sa.Date(), nullable=False),
        sa.Column("source_document", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column(
            "geom",
            Geometry(
                geometry_type="POINT",
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
            ),
            nullable=True,
        ),
        sa.Column("synthetic", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column(
            "recorded_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("event_date >= DATE '1885-01-01'", name="event_date_sane"),
        sa.CheckConstraint(
            "status IN ('planned', 'surveyed', 'planted', 'verified', 'damaged', 'restored', 'relocated')",
            name="status_known",
        ),
        sa.CheckConstraint("geom IS NULL OR ST_IsValid(geom)", name="geom_valid"),
        sa.ForeignKeyConstraint(
            ["marker_id"],
            ["marker.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("marker_id", "event_date", "status", name="marker_event_once"),
    )
    op.create_index(op.f("ix_marker_event_marker_id"), "marker_event", ["marker_id"], unique=False)
    op.create_table(
        "marker_segment",
        sa.Column("marker_id", sa.Integer(), nullable=False),
        sa.Column("era", sa.Text(), nullable=False),
        sa.Column("segment_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["marker_id"], ["marker.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["segment_id"],
            ["border_segment.id"],
        ),
        sa.PrimaryKeyConstraint("marker_id", "era"),
    )
    op.create_index(
        op.f("ix_marker_segment_segment_id"), "marker_segment", ["segment_id"], unique=False
    )
    op.create_table(
        "officer_assignment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=False),
        sa.Column("commune_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.Text(), nullable=False),
        sa.Column("term", sa.Text(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("synthetic", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.CheckConstraint(
            "role IN ('pho_bi_thu_dang_uy', 'dang_uy_vien', 'pho_chu_tich_ubnd', 'can_bo_tang_cuong', 'dang_vien_sinh_hoat_chi_bo_thon')",
            name="role_known",
        ),
        sa.CheckConstraint("term ~ '^[0-9]{4}-[0-9]{4}$'", name="term_format"),
        sa.CheckConstraint("end_date IS NULL OR end_date > start_date", name="dates_ordered"),
        sa.ForeignKeyConstraint(
            ["commune_id"],
            ["commune.id"],
        ),
        sa.ForeignKeyConstraint(
            ["officer_id"],
            ["officer.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "officer_id", "commune_id", "role", "start_date", name="assignment_once"
        ),
    )
    op.create_index(
        op.f("ix_officer_assignment_commune_id"), "officer_assignment", ["commune_id"], unique=False
    )
    op.create_index(
        op.f("ix_officer_assignment_officer_id"), "officer_assignment", ["officer_id"], unique=False
    )

    # Every write to a data table bumps one counter: ETags and map caches key on it.
    op.execute("INSERT INTO data_version (id, version) VALUES (1, 1)")
    op.execute(
        """
        CREATE FUNCTION bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          UPDATE data_version SET version = version + 1, changed_at = now() WHERE id = 1;
          RETURN NULL;
        END $$
        """
    )
    for table in DATA_TABLES:
        op.execute(
            f"CREATE TRIGGER {table}_bump_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE"
            f" ON {table} FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version()"
        )
    # History is evidence: nothing in it is overwritten or deleted.
    op.execute(
        """
        CREATE FUNCTION marker_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          RAISE EXCEPTION 'marker_event is append-only: % is not allowed', TG_OP
            USING ERRCODE = 'integrity_constraint_violation';
        END $$
        """
    )
    op.execute(
        "CREATE TRIGGER marker_event_no_rewrite BEFORE UPDATE OR DELETE ON marker_event"
        " FOR EACH ROW EXECUTE FUNCTION marker_event_append_only()"
    )
    # Status of every marker on a date: its latest event on or before that date;
    # on one date the later step of the life cycle wins.
    op.execute(
        """
        CREATE FUNCTION marker_status_as_of(as_of date)
        RETURNS TABLE (marker_id integer, status text, status_date date)
        LANGUAGE sql STABLE AS $$
          SELECT DISTINCT ON (e.marker_id) e.marker_id, e.status, e.event_date
          FROM marker_event e
          WHERE e.event_date <= as_of
          ORDER BY e.marker_id, e.event_date DESC,
            array_position(ARRAY['planned','surveyed','planted','verified','damaged',
                                 'restored','relocated'], e.status) DESC,
            e.id DESC
        $$
        """
    )


def downgrade() -> None:
    """Revert."""
    op.execute("DROP FUNCTION IF EXISTS marker_status_as_of(date)")
    op.execute("DROP TRIGGER IF EXISTS marker_event_no_rewrite ON marker_event")
    op.execute("DROP FUNCTION IF EXISTS marker_event_append_only()")
    for table in DATA_TABLES:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_bump_version ON {table}")
    op.execute("DROP FUNCTION IF EXISTS bump_data_version()")
    op.drop_index(op.f("ix_officer_assignment_officer_id"), table_name="officer_assignment")
    op.drop_index(op.f("ix_officer_assignment_commune_id"), table_name="officer_assignment")
    op.drop_table("officer_assignment")
    op.drop_index(op.f("ix_marker_segment_segment_id"), table_name="marker_segment")
    op.drop_table("marker_segment")
    op.drop_index(op.f("ix_marker_event_marker_id"), table_name="marker_event")
    op.drop_geospatial_table("marker_event")
    op.drop_geospatial_index(
        "idx_marker_geom", table_name="marker", postgresql_using="gist", column_name="geom"
    )
    op.drop_geospatial_table("marker")
    op.drop_geospatial_index(
        "idx_commune_geom", table_name="commune", postgresql_using="gist", column_name="geom"
    )
    op.drop_geospatial_table("commune")
    op.drop_geospatial_index(
        "idx_border_segment_geom",
        table_name="border_segment",
        postgresql_using="gist",
        column_name="geom",
    )
    op.drop_geospatial_table("border_segment")
    op.drop_geospatial_index(
        "idx_province_geom", table_name="province", postgresql_using="gist", column_name="geom"
    )
    op.drop_geospatial_table("province")
    op.drop_table("officer")
    op.drop_table("data_version")
    op.drop_geospatial_index(
        "idx_border_geom", table_name="border", postgresql_using="gist", column_name="geom"
    )
    op.drop_geospatial_table("border")
    op.drop_table("admin_lineage")
