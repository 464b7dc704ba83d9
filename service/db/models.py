"""service.db.models: the BorderMap schema (GeoAlchemy2, geometry in EPSG:4326).

Constraints keep bad rows out at the database, whoever writes: valid geometry,
SRID 4326 (column typmods), codes unique per era, ordered dates, one status
event per marker, date and status. History is append-only: ``marker_event``
rows cannot be updated or deleted (trigger in the migration).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from geoalchemy2 import Geometry
from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Computed,
    Date,
    DateTime,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Integer,
    Numeric,
    SmallInteger,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from service.vocabulary import (
    BORDER_CODES,
    ERAS,
    GEOM_SOURCES,
    MARKER_CLASSES,
    MARKER_SETTINGS,
    MARKER_STATUSES,
    OFFICER_ROLES,
)


def _in(col: str, values: tuple[str, ...]) -> str:
    return f"{col} IN ({', '.join(repr(v) for v in values)})"


def _valid(col: str = "geom") -> CheckConstraint:
    return CheckConstraint(f"{col} IS NULL OR ST_IsValid({col})", name=f"{col}_valid")


class Base(DeclarativeBase):
    """Declarative base of every BorderMap table."""


class Border(Base):
    """One land border (CN, LA, KH) with its official and measured lengths."""

    __tablename__ = "border"
    __table_args__ = (CheckConstraint(_in("code", BORDER_CODES), name="code_known"), _valid())

    code: Mapped[str] = mapped_column(Text, primary_key=True)
    iso3: Mapped[str] = mapped_column(Text, unique=True)
    name: Mapped[str] = mapped_column(Text)
    official_length_km: Mapped[Decimal | None] = mapped_column(Numeric(10, 3))
    official_land_km: Mapped[Decimal | None] = mapped_column(Numeric(10, 3))
    official_river_km: Mapped[Decimal | None] = mapped_column(Numeric(10, 3))
    length_source: Mapped[str | None] = mapped_column(Text)
    length_approximate: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    markers_expected: Mapped[int | None] = mapped_column(Integer)
    positions_expected: Mapped[int | None] = mapped_column(Integer)
    demarcated_share: Mapped[Decimal | None] = mapped_column(Numeric(5, 4))
    geom = mapped_column(Geometry("MULTILINESTRING", srid=4326, spatial_index=True))
    geom_source: Mapped[str] = mapped_column(Text, server_default="approximate")
    synthetic: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))


class Country(Base):
    """A country outline (Vietnam and its neighbours) for the offline basemap and checks."""

    __tablename__ = "country"
    __table_args__ = (_valid(),)

    iso3: Mapped[str] = mapped_column(Text, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    geom = mapped_column(Geometry("MULTIPOLYGON", srid=4326, spatial_index=True))
    geom_source: Mapped[str] = mapped_column(Text, server_default="approximate")
    source_note: Mapped[str | None] = mapped_column(Text)


class Province(Base):
    """A provincial-level unit of one era (pre- or post-2025 reform)."""

    __tablename__ = "province"
    __table_args__ = (
        UniqueConstraint("era", "code", name="province_era_code_key"),
        CheckConstraint(_in("era", ERAS), name="era_known"),
        CheckConstraint("code ~ '^[0-9]{2}$'", name="code_format"),
        CheckConstraint(_in("geom_source", GEOM_SOURCES), name="geom_source_known"),
        CheckConstraint(
            "valid_to IS NULL OR valid_from IS NULL OR valid_to > valid_from", name="valid_dates"
        ),
        _valid(),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    era: Mapped[str] = mapped_column(Text)
    code: Mapped[str] = mapped_column(Text)
    name: Mapped[str] = mapped_column(Text)
    unit_type: Mapped[str] = mapped_column(Text)
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    geom = mapped_column(Geometry("MULTIPOLYGON", srid=4326, spatial_index=True))
    geom_source: Mapped[str] = mapped_column(Text, server_default="approximate")
    is_land_border: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    is_coastal: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    neighbour_countries: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    synthetic: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))


class Commune(Base):
    """A commune, ward, town or special zone of one era, with its border flags."""

    __tablename__ = "commune"
    __table_args__ = (
        UniqueConstraint("era", "code", name="commune_era_code_key"),
        ForeignKeyConstraint(
            ["era", "province_code"],
            ["province.era", "province.code"],
            name="commune_province_fkey",
        ),
        CheckConstraint(_in("era", ERAS), name="era_known"),
        CheckConstraint("code ~ '^[0-9]{5}$'", name="code_format"),
        CheckConstraint(_in("geom_source", GEOM_SOURCES), name="geom_source_known"),
        CheckConstraint(
            "border_flag_source IN ('geometric', 'official')", name="border_flag_source_known"
        ),
        CheckConstraint(
            "valid_to IS NULL OR valid_from IS NULL OR valid_to > valid_from", name="valid_dates"
        ),
        _valid(),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    era: Mapped[str] = mapped_column(Text)
    code: Mapped[str] = mapped_column(Text)
    name: Mapped[str] = mapped_column(Text)
    unit_type: Mapped[str] = mapped_column(Text)
    province_code: Mapped[str] = mapped_column(Text)
    district_name: Mapped[str | None] = mapped_column(Text)
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    geom = mapped_column(Geometry("MULTIPOLYGON", srid=4326, spatial_index=True))
    geom_source: Mapped[str] = mapped_column(Text, server_default="approximate")
    is_land_border: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    is_coastal: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    neighbour_countries: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    border_flag_source: Mapped[str] = mapped_column(Text, server_default="geometric")
    synthetic: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))


class AdminLineage(Base):
    """Which pre-2025 unit became which post-2025 unit(s)."""

    __tablename__ = "admin_lineage"
    __table_args__ = (CheckConstraint("level IN ('province', 'commune')", name="level_known"),)

    level: Mapped[str] = mapped_column(Text, primary_key=True)
    old_code: Mapped[str] = mapped_column(Text, primary_key=True)
    new_code: Mapped[str] = mapped_column(Text, primary_key=True)
    is_default: Mapped[bool] = mapped_column(Boolean, server_default=text("true"))


class BorderSegment(Base):
    """The stretch of one border inside one province of one era (e.g. ``04-CHN``)."""

    __tablename__ = "border_segment"
    __table_args__ = (
        UniqueConstraint("era", "code", name="border_segment_era_code_key"),
        ForeignKeyConstraint(
            ["era", "province_code"],
            ["province.era", "province.code"],
            name="segment_province_fkey",
        ),
        CheckConstraint(_in("era", ERAS), name="era_known"),
        CheckConstraint(
            "valid_to IS NULL OR valid_from IS NULL OR valid_to > valid_from", name="valid_dates"
        ),
        _valid(),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(Text)
    border_code: Mapped[str] = mapped_column(ForeignKey("border.code"))
    era: Mapped[str] = mapped_column(Text)
    province_code: Mapped[str] = mapped_column(Text)
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    official_length_km: Mapped[Decimal | None] = mapped_column(Numeric(10, 3))
    official_land_km: Mapped[Decimal | None] = mapped_column(Numeric(10, 3))
    official_river_km: Mapped[Decimal | None] = mapped_column(Numeric(10, 3))
    length_source: Mapped[str | None] = mapped_column(Text)
    measured_length_km: Mapped[Decimal | None] = mapped_column(Numeric(10, 3))
    demarcated: Mapped[bool] = mapped_column(Boolean, server_default=text("true"))
    geom = mapped_column(Geometry("MULTILINESTRING", srid=4326, spatial_index=True))
    synthetic: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))


class Marker(Base):
    """A border marker as the surveyor recorded it. Its label is derived, not stored by hand."""

    __tablename__ = "marker"
    __table_args__ = (
        UniqueConstraint(
            "border_code",
            "number",
            "same_number_index",
            "sub_number",
            name="marker_natural_key",
            postgresql_nulls_not_distinct=True,
        ),
        CheckConstraint("number >= 0", name="number_nonneg"),
        CheckConstraint("same_number_index IN (1, 2, 3)", name="same_number_index_range"),
        CheckConstraint("sub_number > 0", name="sub_number_positive"),
        CheckConstraint(_in("marker_class", MARKER_CLASSES), name="class_known"),
        CheckConstraint(_in("setting", MARKER_SETTINGS), name="setting_known"),
        CheckConstraint("elevation_m BETWEEN -100 AND 9000", name="elevation_range"),
        _valid(),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    border_code: Mapped[str] = mapped_column(ForeignKey("border.code"))
    number: Mapped[int] = mapped_column(Integer)
    same_number_index: Mapped[int | None] = mapped_column(SmallInteger)
    sub_number: Mapped[int | None] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(
        Text,
        Computed(
            "(number)::text"
            " || COALESCE('/' || (sub_number)::text, '')"
            " || COALESCE('(' || (same_number_index)::text || ')', '')",
            persisted=True,
        ),
    )
    marker_class: Mapped[str] = mapped_column(Text)
    size_class: Mapped[str | None] = mapped_column(Text)
    setting: Mapped[str] = mapped_column(Text, server_default="land")
    material: Mapped[str | None] = mapped_column(Text)
    planted_by: Mapped[str | None] = mapped_column(Text)
    elevation_m: Mapped[Decimal | None] = mapped_column(Numeric(7, 2))
    geom = mapped_column(Geometry("POINT", srid=4326, spatial_index=True), nullable=False)
    source_crs: Mapped[str | None] = mapped_column(Text)
    source_x: Mapped[float | None] = mapped_column(Float)
    source_y: Mapped[float | None] = mapped_column(Float)
    source_axis_order: Mapped[str | None] = mapped_column(Text)
    source_transform: Mapped[str | None] = mapped_column(Text)
    synthetic: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    # Writes (migration "writes"): the row version If-Match checks, and retirement (an end
    # date, never an erase: from that day the marker is no longer in the collection).
    version: Mapped[int] = mapped_column(Integer, server_default=text("1"))
    retired_on: Mapped[dt.date | None] = mapped_column(Date)
    retired_note: Mapped[str | None] = mapped_column(Text)


class MarkerSegment(Base):
    """Which border segment a marker lies on, in each era."""

    __tablename__ = "marker_segment"

    marker_id: Mapped[int] = mapped_column(
        ForeignKey("marker.id", ondelete="CASCADE"), primary_key=True
    )
    era: Mapped[str] = mapped_column(Text, primary_key=True)
    segment_id: Mapped[int] = mapped_column(ForeignKey("border_segment.id"), index=True)


class MarkerEvent(Base):
    """One step of a marker's status history. Append-only."""

    __tablename__ = "marker_event"
    __table_args__ = (
        UniqueConstraint("marker_id", "event_date", "status", name="marker_event_once"),
        CheckConstraint(_in("status", MARKER_STATUSES), name="status_known"),
        CheckConstraint("event_date >= DATE '1885-01-01'", name="event_date_sane"),
        _valid(),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    marker_id: Mapped[int] = mapped_column(ForeignKey("marker.id"), index=True)
    status: Mapped[str] = mapped_column(Text)
    event_date: Mapped[dt.date] = mapped_column(Date)
    source_document: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    # A relocation records the new position here; the marker keeps the current one.
    geom = mapped_column(Geometry("POINT", srid=4326, spatial_index=False))
    synthetic: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    recorded_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


class Officer(Base):
    """A Border Guard officer. Personal data: never in public output."""

    __tablename__ = "officer"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    service_number: Mapped[str] = mapped_column(Text, unique=True)
    full_name: Mapped[str] = mapped_column(Text)
    rank: Mapped[str | None] = mapped_column(Text)
    home_unit: Mapped[str | None] = mapped_column(Text)
    synthetic: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))


class OfficerAssignment(Base):
    """An officer seconded to a commune in a role, for a period."""

    __tablename__ = "officer_assignment"
    __table_args__ = (
        CheckConstraint(_in("role", OFFICER_ROLES), name="role_known"),
        CheckConstraint("end_date IS NULL OR end_date > start_date", name="dates_ordered"),
        CheckConstraint("term ~ '^[0-9]{4}-[0-9]{4}$'", name="term_format"),
        UniqueConstraint("officer_id", "commune_id", "role", "start_date", name="assignment_once"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("officer.id"), index=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("commune.id"), index=True)
    role: Mapped[str] = mapped_column(Text)
    term: Mapped[str] = mapped_column(Text)
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    synthetic: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))


class DataVersion(Base):
    """One row: a counter that every write bumps (ETags and map caches use it)."""

    __tablename__ = "data_version"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, server_default="1")
    changed_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


DATA_TABLES = [
    t.__tablename__
    for t in (
        Country,
        Border,
        Province,
        Commune,
        AdminLineage,
        BorderSegment,
        Marker,
        MarkerSegment,
        MarkerEvent,
        Officer,
        OfficerAssignment,
    )
]
