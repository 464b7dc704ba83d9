"""service.db.schema_reporting: tables for the coordination report (issue 11).

- ``commune_list`` / ``commune_list_member``: an official list of communes of one era for a
  period (the border communes a report counts, particularly difficult communes, coastal
  bãi ngang communes), with its source; synthetic stand-ins in the demo. Kept apart from
  the geometric ``is_land_border``/``is_coastal`` flags of ``commune``.
- ``coverage_target``: a goal for seconded officers: a set of communes (a list, a class of
  the period, or every border commune of an era), a role or any role, a deadline, a source.
- ``border_post`` (đồn biên phòng) with the communes of its area of responsibility
  (``border_post_commune``), its stretch of border and its markers
  (``border_post_marker``); ``assignment_post``: the post a seconded officer comes from.
- ``border_gate`` (cửa khẩu): name, border, type, position (``position_approximate``).
- ``coordination_record``: per province, the signed coordination regulation and each
  year's review conference or briefing.
"""

from __future__ import annotations

import datetime as dt

from geoalchemy2 import Geometry
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from service.db.models import Base, _in, _valid
from service.vocabulary import (
    BORDER_CODES,
    COMMUNE_CLASSES,
    COORDINATION_KINDS,
    ERAS,
    GATE_TYPES,
    OFFICER_ROLES,
)


class CommuneList(Base):
    """An official list of communes of one era, in force for a period."""

    __tablename__ = "commune_list"
    __table_args__ = (
        CheckConstraint(_in("commune_class", COMMUNE_CLASSES), name="class_known"),
        CheckConstraint(_in("era", ERAS), name="era_known"),
        CheckConstraint("valid_to IS NULL OR valid_to > valid_from", name="valid_dates"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(Text, unique=True)
    commune_class: Mapped[str] = mapped_column(Text)
    era: Mapped[str] = mapped_column(Text)
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    name: Mapped[str] = mapped_column(Text)
    source_document: Mapped[str | None] = mapped_column(Text)
    synthetic: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))


class CommuneListMember(Base):
    """One commune of a list, with the land/coastal flags the list gives it."""

    __tablename__ = "commune_list_member"

    list_id: Mapped[int] = mapped_column(
        ForeignKey("commune_list.id", ondelete="CASCADE"), primary_key=True
    )
    commune_id: Mapped[int] = mapped_column(ForeignKey("commune.id"), primary_key=True, index=True)
    is_land_border: Mapped[bool | None] = mapped_column(Boolean)
    is_coastal: Mapped[bool | None] = mapped_column(Boolean)


class CoverageTarget(Base):
    """A goal: every commune of a set has an active officer (in given roles) by a deadline."""

    __tablename__ = "coverage_target"
    __table_args__ = (
        CheckConstraint(
            "num_nonnulls(list_id, commune_class, border_era) = 1", name="one_commune_set"
        ),
        CheckConstraint(
            "commune_class IS NULL OR " + _in("commune_class", COMMUNE_CLASSES),
            name="class_known",
        ),
        CheckConstraint("border_era IS NULL OR " + _in("border_era", ERAS), name="era_known"),
        CheckConstraint(
            "roles IS NULL OR roles <@ ARRAY[" + ", ".join(repr(r) for r in OFFICER_ROLES) + "]",
            name="roles_known",
        ),
        CheckConstraint("start_date IS NULL OR deadline >= start_date", name="dates_ordered"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(Text, unique=True)
    name: Mapped[str] = mapped_column(Text)  # Vietnamese, as the source document words it
    name_en: Mapped[str | None] = mapped_column(Text)
    list_id: Mapped[int | None] = mapped_column(ForeignKey("commune_list.id"))
    commune_class: Mapped[str | None] = mapped_column(Text)
    border_era: Mapped[str | None] = mapped_column(Text)
    roles: Mapped[list[str] | None] = mapped_column(ARRAY(Text))
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    deadline: Mapped[dt.date] = mapped_column(Date)
    source_document: Mapped[str | None] = mapped_column(Text)
    synthetic: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))


class BorderPost(Base):
    """A Border Guard post (đồn biên phòng) of one era."""

    __tablename__ = "border_post"
    __table_args__ = (
        CheckConstraint(_in("era", ERAS), name="era_known"),
        CheckConstraint(
            "border_code IS NULL OR " + _in("border_code", BORDER_CODES), name="border_known"
        ),
        UniqueConstraint("era", "code", name="border_post_era_code_key"),
        _valid(),
        _valid("stretch"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(Text)
    name: Mapped[str] = mapped_column(Text)
    era: Mapped[str] = mapped_column(Text)
    province_code: Mapped[str] = mapped_column(Text)
    border_code: Mapped[str | None] = mapped_column(Text)  # None: a coastal post
    geom = mapped_column(Geometry("POINT", srid=4326, spatial_index=True))
    stretch = mapped_column(Geometry("MULTILINESTRING", srid=4326, spatial_index=False))
    position_approximate: Mapped[bool] = mapped_column(Boolean, server_default=text("true"))
    synthetic: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))


class BorderPostCommune(Base):
    """A commune in a post's area of responsibility."""

    __tablename__ = "border_post_commune"

    post_id: Mapped[int] = mapped_column(
        ForeignKey("border_post.id", ondelete="CASCADE"), primary_key=True
    )
    commune_id: Mapped[int] = mapped_column(ForeignKey("commune.id"), primary_key=True, index=True)


class BorderPostMarker(Base):
    """A marker a post looks after."""

    __tablename__ = "border_post_marker"

    post_id: Mapped[int] = mapped_column(
        ForeignKey("border_post.id", ondelete="CASCADE"), primary_key=True
    )
    marker_id: Mapped[int] = mapped_column(ForeignKey("marker.id"), primary_key=True, index=True)


class AssignmentPost(Base):
    """The post a seconded officer comes from, for one assignment."""

    __tablename__ = "assignment_post"

    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("officer_assignment.id", ondelete="CASCADE"), primary_key=True
    )
    post_id: Mapped[int] = mapped_column(ForeignKey("border_post.id"), index=True)


class BorderGate(Base):
    """A border gate (cửa khẩu)."""

    __tablename__ = "border_gate"
    __table_args__ = (
        CheckConstraint(_in("gate_type", GATE_TYPES), name="type_known"),
        _valid(),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    name_neighbour: Mapped[str | None] = mapped_column(Text)
    border_code: Mapped[str] = mapped_column(ForeignKey("border.code"))
    gate_type: Mapped[str] = mapped_column(Text)
    province_name: Mapped[str | None] = mapped_column(Text)
    geom = mapped_column(Geometry("POINT", srid=4326, spatial_index=True))
    position_approximate: Mapped[bool] = mapped_column(Boolean, server_default=text("true"))
    source: Mapped[str | None] = mapped_column(Text)
    synthetic: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))


class CoordinationRecord(Base):
    """A coordination regulation signed with a province, or a year's review of it."""

    __tablename__ = "coordination_record"
    __table_args__ = (
        CheckConstraint(_in("kind", COORDINATION_KINDS), name="kind_known"),
        CheckConstraint(_in("era", ERAS), name="era_known"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    era: Mapped[str] = mapped_column(Text)
    province_code: Mapped[str] = mapped_column(Text, index=True)
    kind: Mapped[str] = mapped_column(Text)
    event_date: Mapped[dt.date] = mapped_column(Date)
    level: Mapped[str | None] = mapped_column(Text)
    document_number: Mapped[str | None] = mapped_column(Text)
    decisions: Mapped[str | None] = mapped_column(Text)
    synthetic: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))


# Data tables of this module, parents first (the demo store empties and refills them).
REPORTING_TABLES = [
    t.__tablename__
    for t in (
        CommuneList,
        CommuneListMember,
        CoverageTarget,
        BorderPost,
        BorderPostCommune,
        BorderPostMarker,
        AssignmentPost,
        BorderGate,
        CoordinationRecord,
    )
]
