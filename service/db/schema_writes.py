"""service.db.schema_writes: tables the write API adds (migration ``writes``).

- ``marker_position``: where a marker stood before each move, with the coordinates and CRS as
  recorded then; a row holds until ``valid_to`` (the day of the move). Append-only.
- ``inspection``: a border post's visit to a marker (date, what was found, unit, note);
  a damaged/restored/verified finding also appends to ``marker_event`` (``event_id``).
- ``inspection_photo``: up to 5 JPEG/PNG photos of an inspection, at most 10 MB each, in
  PostgreSQL itself (served only to signed-in users).
"""

from __future__ import annotations

import datetime as dt

from geoalchemy2 import Geometry
from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Text,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from service.db.models import Base

# Tables of this module, all referencing markers: a demo rebuild empties them too.
WRITE_TABLES = ("marker_position", "inspection_photo", "inspection")
INSPECTION_FINDINGS = ("intact", "damaged", "destroyed", "displaced", "restored", "verified")
# Findings that are a step of the marker's life cycle: appended to marker_event.
FINDING_EVENTS = {
    "damaged": "damaged",
    "destroyed": "damaged",
    "restored": "restored",
    "verified": "verified",
}
PHOTO_TYPES = ("image/jpeg", "image/png")
MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PHOTOS = 5


def _in(col: str, values: tuple[str, ...]) -> str:
    return f"{col} IN ({', '.join(repr(v) for v in values)})"


class MarkerPosition(Base):
    """A former position of a marker, valid until the day it moved."""

    __tablename__ = "marker_position"
    __table_args__ = (
        Index("ix_marker_position_marker_valid_to", "marker_id", "valid_to"),
        CheckConstraint("ST_IsValid(geom)", name="geom_valid"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    marker_id: Mapped[int] = mapped_column(ForeignKey("marker.id"))
    geom = mapped_column(Geometry("POINT", srid=4326, spatial_index=False), nullable=False)
    source_crs: Mapped[str | None] = mapped_column(Text)
    source_x: Mapped[float | None] = mapped_column(Float)
    source_y: Mapped[float | None] = mapped_column(Float)
    source_axis_order: Mapped[str | None] = mapped_column(Text)
    source_transform: Mapped[str | None] = mapped_column(Text)
    valid_to: Mapped[dt.date] = mapped_column(Date)
    recorded_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


class Inspection(Base):
    """One inspection of a marker."""

    __tablename__ = "inspection"
    __table_args__ = (
        CheckConstraint(_in("found_status", INSPECTION_FINDINGS), name="found_status_known"),
        CheckConstraint("inspected_on >= DATE '1885-01-01'", name="inspected_on_sane"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    marker_id: Mapped[int] = mapped_column(ForeignKey("marker.id"), index=True)
    inspected_on: Mapped[dt.date] = mapped_column(Date)
    found_status: Mapped[str] = mapped_column(Text)
    inspecting_unit: Mapped[str] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("marker_event.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


class InspectionPhoto(Base):
    """A photo of an inspection (bytes checked by their magic numbers)."""

    __tablename__ = "inspection_photo"
    __table_args__ = (
        CheckConstraint(_in("media_type", PHOTO_TYPES), name="media_type_known"),
        CheckConstraint(f"octet_length(data) <= {MAX_PHOTO_BYTES}", name="size_limit"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspection.id"), index=True)
    media_type: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(Text)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    recorded_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
