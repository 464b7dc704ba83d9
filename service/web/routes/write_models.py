"""service.routes.write_models: the request bodies of the write API (pydantic, so OpenAPI
documents them). Examples are invented and carry no personal data."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from service.db.schema_writes import INSPECTION_FINDINGS
from service.vocabulary import MARKER_CLASSES, MARKER_SETTINGS, MARKER_STATUSES, OFFICER_ROLES

BorderCode = Literal["CN", "LA", "KH"]
MarkerClass = Literal[MARKER_CLASSES]  # type: ignore[valid-type]
Setting = Literal[MARKER_SETTINGS]  # type: ignore[valid-type]
Status = Literal[MARKER_STATUSES]  # type: ignore[valid-type]
Finding = Literal[INSPECTION_FINDINGS]  # type: ignore[valid-type]
Role = Literal[OFFICER_ROLES]  # type: ignore[valid-type]
Era = Literal["pre2025", "post2025"]
# The schema's floor for dates (marker_event, inspection): the first border treaties.
EARLIEST = dt.date(1885, 1, 1)
Day = Annotated[dt.date, Field(ge=EARLIEST, le=dt.date(2100, 12, 31))]


def no_nul(value: str) -> str:
    """PostgreSQL text cannot hold NUL characters: refuse them as bad input."""
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


Text = Annotated[str, AfterValidator(no_nul)]


class Strict(BaseModel):
    """Unknown fields are refused (a misspelt field must not be silently dropped); numbers
    must be finite."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class PointGeometry(Strict):
    """A GeoJSON point: x/y (longitude, latitude in CRS84; easting, northing with a
    projected ``Content-Crs``)."""

    type: Literal["Point"]
    coordinates: list[float] = Field(min_length=2, max_length=3, examples=[[105.3165, 23.3623]])


class MarkerProperties(Strict):
    """The fields of a marker a client writes."""

    border: BorderCode
    number: int = Field(ge=0, le=100_000, examples=[905])
    same_number_index: int | None = Field(None, ge=1, le=3)
    sub_number: int | None = Field(None, ge=1, le=10_000)
    marker_class: MarkerClass = "main"
    size_class: Text | None = Field(None, max_length=100)
    setting: Setting = "land"
    material: Text | None = Field(None, max_length=100, examples=["granite"])
    planted_by: Text | None = Field(None, max_length=20, examples=["VN"])
    elevation_m: float | None = Field(None, ge=-100, le=9000)
    # Only on POST: the first status event. Only on PUT/PATCH: the day a new position holds.
    status: Status | None = None
    status_date: Day | None = None
    moved_on: Day | None = Field(
        None, description="day the new position took effect (PUT/PATCH; default today)"
    )


class MarkerFeature(Strict):
    """A marker as a GeoJSON Feature (POST creates, PUT replaces)."""

    type: Literal["Feature"]
    geometry: PointGeometry
    properties: MarkerProperties
    id: Any = None  # ignored: the server gives ids


MERGE_PATCH_SCHEMA: dict[str, Any] = {
    "description": "RFC 7396 merge patch of the marker Feature: fields given replace the"
    " stored ones, null removes an optional field.",
    "type": "object",
    "properties": {
        "geometry": {"$ref": "#/components/schemas/PointGeometry"},
        "properties": {"type": "object", "additionalProperties": True},
    },
    "example": {"properties": {"material": "concrete"}},
}


class StatusEvent(Strict):
    """A step of a marker's life cycle, appended to its history."""

    status: Status
    date: Day
    note: Text | None = Field(None, max_length=2000)
    source_document: Text | None = Field(None, max_length=500)


class InspectionIn(Strict):
    """What an inspection found (photos are added afterwards, one request each)."""

    inspected_on: Day
    found_status: Finding
    inspecting_unit: Text = Field(min_length=1, max_length=200, examples=["Đồn Biên phòng X"])
    note: Text | None = Field(None, max_length=4000)


class OfficerIn(Strict):
    """An officer (personal data: never shown anonymously)."""

    service_number: Text = Field(min_length=1, max_length=50, examples=["SH-0001"])
    full_name: Text = Field(min_length=1, max_length=200, examples=["Họ Tên Mẫu"])
    rank: Text | None = Field(None, max_length=100)
    home_unit: Text | None = Field(None, max_length=200)


OFFICER_PATCH_SCHEMA: dict[str, Any] = {
    "description": "RFC 7396 merge patch of an officer: the fields given are corrected.",
    "type": "object",
    "properties": {
        "service_number": {"type": "string"},
        "full_name": {"type": "string"},
        "rank": {"type": ["string", "null"]},
        "home_unit": {"type": ["string", "null"]},
    },
    "additionalProperties": False,
    "example": {"rank": "Thiếu tá"},
}


class AssignmentIn(Strict):
    """An officer seconded to a commune of an era, in a role, from a date."""

    officer_id: int = Field(ge=1, le=2**31 - 1)
    era: Era
    commune_code: str = Field(pattern=r"^[0-9]{5}$", examples=["00715"])
    role: Role
    term: str = Field(pattern=r"^[0-9]{4}-[0-9]{4}$", examples=["2025-2030"])
    start_date: Day
    end_date: Day | None = None


class AssignmentEnd(Strict):
    """The end of an assignment: the first day off the post."""

    end_date: Day
