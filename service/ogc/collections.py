"""service.ogc.collections: the feature collections BorderMap publishes, as metadata.

Each collection lists its properties (name, JSON type, description), the simple filter
parameters of its items endpoint, and how dates apply to it. The SQL that produces
these properties lives in :mod:`service.db.features`, under the same names (a test holds
the two together). Property names double as CQL2 queryables and ``sortby`` keys, so the
whitelist is this file.

Every collection has a ``synthetic`` property: true when the row (or a row behind a
figure) is synthetic, as the demo data is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from service.errors import NotFound
from service.vocabulary import (
    BORDER_CODES,
    ERAS,
    GATE_TYPES,
    MARKER_CLASSES,
    MARKER_SETTINGS,
    MARKER_STATUSES,
)
from service.vocabulary import OFFICER_ROLES as ROLES

PropType = Literal["string", "integer", "number", "boolean", "date", "array"]
FilterKind = Literal["eq", "contains"]
# How dates (``as_of``/``datetime``) apply to a collection:
# "validity": rows valid on the date (era of the date, valid_from/valid_to);
# "state": the state of every row on the date (marker status, active officers);
# None: the collection does not change over time.
Temporal = Literal["validity", "state"] | None

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True, slots=True)
class Prop:
    """A feature property: also a queryable and a sort key unless it is an array."""

    name: str
    type: PropType
    description: str
    enum: tuple[str, ...] | None = None
    pattern: str | None = None

    @property
    def queryable(self) -> bool:
        """Arrays are filtered through their own parameter (e.g. ``border``), not CQL2."""
        return self.type != "array"

    def json_schema(self) -> dict[str, object]:
        """The property as JSON Schema (queryables, OpenAPI)."""
        schema: dict[str, object] = {"title": self.name, "description": self.description}
        if self.type == "date":
            schema.update(type="string", format="date")
        elif self.type == "array":
            schema.update(type="array", items={"type": "string"})
        else:
            schema["type"] = self.type
        if self.enum:
            schema["enum"] = list(self.enum)
        if self.pattern:
            schema["pattern"] = self.pattern
        return schema


@dataclass(frozen=True, slots=True)
class Filter:
    """A simple query parameter of the items endpoint, e.g. ``status=planted,verified``.

    ``eq``: the property equals one of the comma-separated values;
    ``contains``: the array property contains one of them.
    """

    param: str
    prop: str
    description: str
    kind: FilterKind = "eq"


@dataclass(frozen=True, slots=True)
class Collection:
    """One OGC API feature collection."""

    id: str
    title: str
    description: str
    geometry_type: str  # GeoJSON type of every feature
    id_type: Literal["integer", "string"]
    props: tuple[Prop, ...]
    filters: tuple[Filter, ...]
    temporal: Temporal
    keywords: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        names = [p.name for p in self.props]
        assert len(set(names)) == len(names), f"{self.id}: duplicate property"
        assert all(_NAME.match(n) for n in names), f"{self.id}: bad property name"
        assert "synthetic" in names, f"{self.id}: every collection says what is synthetic"
        for f in self.filters:
            assert f.prop in names, f"{self.id}: filter {f.param} on unknown {f.prop}"

    def prop(self, name: str) -> Prop:
        """The property ``name``; KeyError if unknown."""
        for p in self.props:
            if p.name == name:
                return p
        raise KeyError(name)

    @property
    def prop_names(self) -> tuple[str, ...]:
        """Property names in output order."""
        return tuple(p.name for p in self.props)

    @property
    def queryables(self) -> tuple[Prop, ...]:
        """Properties usable in ``filter`` and ``sortby``."""
        return tuple(p for p in self.props if p.queryable)


_BORDER = Prop("border", "string", "Border: CN China, LA Laos, KH Cambodia.", BORDER_CODES)
_ERA = Prop("era", "string", "Administrative era: before or after the 1 July 2025 reform.", ERAS)
_PROVINCE = Prop("province_code", "string", "Two-digit GSO province code.", pattern="^[0-9]{2}$")
_PROVINCE_NAME = Prop("province_name", "string", "Province name (of the same era).")
_VALID_FROM = Prop("valid_from", "date", "First day the unit is in force (null: open).")
_VALID_TO = Prop("valid_to", "date", "First day the unit is no longer in force (null: open).")
_LAND = Prop("is_land_border", "boolean", "Part of its boundary is the land border.")
_COASTAL = Prop("is_coastal", "boolean", "Coastal (sea-border) unit.")
_NEIGHBOURS = Prop("neighbour_countries", "array", "Neighbour countries it borders (CN, LA, KH).")
_GEOM_SOURCE = Prop(
    "geom_source",
    "string",
    "Where the geometry comes from.",
    ("official", "imported", "approximate"),
)
_SYNTHETIC = Prop("synthetic", "boolean", "True when this row is synthetic (demo data).")


def _km(name: str, what: str) -> Prop:
    return Prop(name, "number", f"{what}, km.")


_F_BORDER = Filter("border", "border", "Border codes, comma-separated (CN, LA, KH).")
_F_ERA = Filter("era", "era", "pre2025 or post2025.")
_F_PROVINCE = Filter("province", "province_code", "Province codes, comma-separated.")
_F_LAND = Filter("land", "is_land_border", "true: land-border units only; false: the others.")
_F_COASTAL = Filter("coastal", "is_coastal", "true: coastal units only; false: the others.")
_F_NEIGHBOUR = Filter(
    "border", "neighbour_countries", "Units on these borders (CN, LA, KH).", "contains"
)

BORDERS = Collection(
    id="borders",
    title="Land borders",
    description="Vietnam's three land borders with their official and measured lengths.",
    geometry_type="MultiLineString",
    id_type="string",
    props=(
        Prop("code", "string", "Border code (feature id).", BORDER_CODES),
        Prop("iso3", "string", "ISO 3166-1 alpha-3 code of the neighbour."),
        Prop("name", "string", "Name of the border."),
        _km("official_length_km", "Official length"),
        _km("official_land_km", "Official length on land"),
        _km("official_river_km", "Official length along rivers and streams"),
        Prop("length_source", "string", "Source of the official lengths."),
        Prop("length_approximate", "boolean", "The official length is approximate."),
        Prop("markers_expected", "integer", "Markers expected when demarcation is complete."),
        Prop("positions_expected", "integer", "Marker positions expected."),
        Prop("demarcated_share", "number", "Share of the line demarcated (0-1)."),
        _GEOM_SOURCE,
        _SYNTHETIC,
    ),
    filters=(Filter("border", "code", "Border codes, comma-separated (CN, LA, KH)."),),
    temporal=None,
    keywords=("border", "boundary"),
)

BORDER_SEGMENTS = Collection(
    id="border_segments",
    title="Border segments",
    description="The stretch of each border inside each province, in both administrative eras.",
    geometry_type="MultiLineString",
    id_type="integer",
    props=(
        Prop("code", "string", "Segment code, e.g. 04-CHN."),
        _BORDER,
        _ERA,
        _PROVINCE,
        _PROVINCE_NAME,
        _VALID_FROM,
        _VALID_TO,
        _km("official_length_km", "Official length"),
        _km("official_land_km", "Official length on land"),
        _km("official_river_km", "Official length along rivers"),
        Prop("length_source", "string", "Source of the official lengths."),
        _km("measured_length_km", "Length measured on the geometry"),
        Prop("demarcated", "boolean", "The segment is demarcated."),
        _SYNTHETIC,
    ),
    filters=(
        _F_BORDER,
        _F_ERA,
        _F_PROVINCE,
        Filter("code", "code", "Segment codes, comma-separated."),
        Filter("demarcated", "demarcated", "true or false."),
    ),
    temporal="validity",
    keywords=("border", "segment", "province"),
)

MARKERS = Collection(
    id="markers",
    title="Border markers",
    description=(
        "Border markers with their status on a date (as_of; default today) from the status"
        " history, and the segment and province they lie in (units of that date's era)."
    ),
    geometry_type="Point",
    id_type="integer",
    props=(
        Prop("label", "string", "Marker label as carved, e.g. 1369(2) or 511/1."),
        _BORDER,
        Prop("number", "integer", "Marker number."),
        Prop("same_number_index", "integer", "1-3 for double/triple same-number markers."),
        Prop("sub_number", "integer", "Sub-number of a secondary marker (511/1 → 1)."),
        Prop("marker_class", "string", "main, secondary or cọc dấu.", MARKER_CLASSES),
        Prop("size_class", "string", "Size class (large/medium/small for CN, A/B/C for KH)."),
        Prop("setting", "string", "Land, river bank or confluence.", MARKER_SETTINGS),
        Prop("material", "string", "Material."),
        Prop("planted_by", "string", "Country that planted the marker."),
        Prop("elevation_m", "number", "Elevation, m."),
        Prop("status", "string", "Status on the date (null: no record yet).", MARKER_STATUSES),
        Prop("status_date", "date", "Date of that status."),
        Prop("segment_code", "string", "Border segment (units of the date's era)."),
        _PROVINCE,
        Prop("source_crs", "string", "CRS the coordinates were surveyed in."),
        _SYNTHETIC,
    ),
    filters=(
        _F_BORDER,
        Filter("status", "status", "Statuses on the date, comma-separated."),
        Filter("class", "marker_class", "Marker classes, comma-separated."),
        Filter("setting", "setting", "land, river_bank or confluence."),
        _F_PROVINCE,
        Filter("label", "label", "Marker labels, comma-separated (e.g. 1369(2))."),
    ),
    temporal="state",
    keywords=("border", "marker", "demarcation"),
)

_UNIT_PROPS = (
    Prop("code", "string", "GSO code of the unit."),
    Prop("name", "string", "Name."),
    Prop(
        "unit_type",
        "string",
        "Kind of unit (tinh, thanh_pho, xa, phuong, thi_tran, dac_khu, huyen).",
    ),
    _ERA,
)

COMMUNES = Collection(
    id="communes",
    title="Communes",
    description="Communes, wards and special zones of both eras, with their border flags.",
    geometry_type="MultiPolygon",
    id_type="integer",
    props=(
        *_UNIT_PROPS,
        _PROVINCE,
        _PROVINCE_NAME,
        Prop("district_name", "string", "District (pre-2025 units only)."),
        Prop(
            "became",
            "array",
            "Codes of the post-2025 communes a pre-2025 commune became (admin_lineage), main"
            " successor first; empty for post-2025 communes.",
        ),
        Prop(
            "formed_from",
            "array",
            "Codes of the pre-2025 communes a post-2025 commune was formed from"
            " (admin_lineage); empty for pre-2025 communes.",
        ),
        _VALID_FROM,
        _VALID_TO,
        _LAND,
        _COASTAL,
        _NEIGHBOURS,
        Prop(
            "border_flag_source",
            "string",
            "How the border flags were set.",
            ("geometric", "official"),
        ),
        _GEOM_SOURCE,
        _SYNTHETIC,
    ),
    filters=(
        Filter("code", "code", "Commune codes, comma-separated."),
        _F_ERA,
        _F_PROVINCE,
        _F_NEIGHBOUR,
        _F_LAND,
        _F_COASTAL,
        Filter("unit_type", "unit_type", "Unit kinds, comma-separated."),
    ),
    temporal="validity",
    keywords=("commune", "administrative unit"),
)

PROVINCES = Collection(
    id="provinces",
    title="Provinces",
    description="Provincial-level units of both eras, with their border flags.",
    geometry_type="MultiPolygon",
    id_type="integer",
    props=(
        *_UNIT_PROPS,
        _VALID_FROM,
        _VALID_TO,
        _LAND,
        _COASTAL,
        _NEIGHBOURS,
        _GEOM_SOURCE,
        _SYNTHETIC,
    ),
    filters=(
        Filter("code", "code", "Province codes, comma-separated."),
        _F_ERA,
        _F_NEIGHBOUR,
        _F_LAND,
        _F_COASTAL,
    ),
    temporal="validity",
    keywords=("province", "administrative unit"),
)

OFFICER_COVERAGE = Collection(
    id="officer_coverage",
    title="Officer coverage of border communes",
    description=(
        "Per border commune valid on the date (as_of; default today): how many seconded"
        " Border Guard officers are active there, in total and by role. Counts only:"
        " no names, service numbers or other personal data."
    ),
    geometry_type="MultiPolygon",
    id_type="integer",
    props=(
        Prop("code", "string", "GSO commune code."),
        Prop("name", "string", "Commune name."),
        _ERA,
        _PROVINCE,
        _PROVINCE_NAME,
        _LAND,
        _COASTAL,
        _NEIGHBOURS,
        Prop("as_of", "date", "The date the counts are for."),
        Prop("officers", "integer", "Distinct officers with an active assignment."),
        Prop("covered", "boolean", "At least one active officer."),
        *(
            Prop(f"officers_{role}", "integer", f"Distinct active officers in role {role}.")
            for role in ROLES
        ),
        _SYNTHETIC,
    ),
    filters=(
        _F_PROVINCE,
        _F_NEIGHBOUR,
        _F_LAND,
        _F_COASTAL,
        Filter("covered", "covered", "true: communes with an active officer; false: without."),
    ),
    temporal="state",
    keywords=("commune", "Border Guard", "coverage"),
)

BORDER_POSTS = Collection(
    id="border_posts",
    title="Border Guard posts",
    description=(
        "Border Guard posts (đồn biên phòng) of both eras: position, the communes of their"
        " area of responsibility and the markers they look after (counts)."
    ),
    geometry_type="Point",
    id_type="integer",
    props=(
        Prop("code", "string", "Post code."),
        Prop("name", "string", "Post name."),
        _ERA,
        _PROVINCE,
        _PROVINCE_NAME,
        Prop("border", "string", "Border it looks after (null: a coastal post).", BORDER_CODES),
        Prop("communes", "integer", "Communes in its area of responsibility."),
        Prop("markers", "integer", "Markers it looks after."),
        Prop("position_approximate", "boolean", "The position is approximate."),
        _SYNTHETIC,
    ),
    filters=(_F_BORDER, _F_ERA, _F_PROVINCE),
    temporal=None,
    keywords=("Border Guard", "post", "đồn biên phòng"),
)

BORDER_GATES = Collection(
    id="border_gates",
    title="Border gates",
    description="Border gates (cửa khẩu) by name, border, type and position.",
    geometry_type="Point",
    id_type="integer",
    props=(
        Prop("name", "string", "Gate name (Vietnamese side)."),
        Prop("name_neighbour", "string", "Name of the neighbour's gate."),
        _BORDER,
        Prop("gate_type", "string", "international, main or secondary.", GATE_TYPES),
        Prop("province_name", "string", "Province (as named in the source)."),
        Prop("position_approximate", "boolean", "The position is approximate."),
        Prop("source", "string", "Source of the name, type and position."),
        _SYNTHETIC,
    ),
    filters=(_F_BORDER, Filter("gate_type", "gate_type", "Gate types, comma-separated.")),
    temporal=None,
    keywords=("border gate", "cửa khẩu"),
)

COLLECTIONS: dict[str, Collection] = {
    c.id: c
    for c in (
        BORDERS,
        BORDER_SEGMENTS,
        MARKERS,
        COMMUNES,
        PROVINCES,
        OFFICER_COVERAGE,
        BORDER_POSTS,
        BORDER_GATES,
    )
}


def get_collection(collection_id: str) -> Collection:
    """The collection ``collection_id`` or NotFound naming it."""
    try:
        return COLLECTIONS[collection_id]
    except KeyError:
        raise NotFound(f"collection {collection_id!r} not found") from None
