"""service.routes.report_docs: OpenAPI pieces shared by the report routes (progress, coverage, spatial).

The report routes read their query parameters themselves (so a bad value gets a 400 naming
it); these hand-written parameter objects tell ``/api`` what each one accepts.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from service.vocabulary import BORDER_CODES, ERAS

Param = dict[str, Any]


class ErrorBody(BaseModel):
    """The body of a 400 or 404 answer: what was wrong, naming the parameter."""

    detail: str


ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "A query parameter is unknown or malformed."},
    304: {"description": "Not modified (If-None-Match matched the ETag)."},
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "No such unit."},
}
CSV_TOO: dict[str, Any] = {"text/csv": {"schema": {"type": "string"}}}
GEOJSON: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "A GeoJSON FeatureCollection (WGS 84 lon/lat).",
        "content": {"application/geo+json": {"schema": {"type": "object"}}},
    }
}


def param(name: str, schema: dict[str, Any], description: str, *, required: bool = False) -> Param:
    """One query parameter object."""
    return {
        "name": name,
        "in": "query",
        "required": required,
        "description": description,
        "schema": schema,
    }


def extra(*params: Param) -> dict[str, Any]:
    """``openapi_extra`` listing ``params``."""
    return {"parameters": list(params)}


AS_OF = param(
    "as_of",
    {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}([Tt ].+)?$"},
    "The date of the figures, an RFC 3339 date (YYYY-MM-DD) or date-time (its UTC day);"
    " default today. Before 2025-07-01 the pre-2025"
    " provinces, communes and segments apply, from then the post-2025 ones.",
)
PROVINCE = param(
    "province",
    {"type": "string", "pattern": r"^\d{2}$"},
    "Two-digit code of a province valid on `as_of` (codes changed in 2025); an unknown"
    " code is a 400.",
)
BORDER = param(
    "border",
    {"type": "string", "enum": list(BORDER_CODES)},
    "Border: CN (China), LA (Laos) or KH (Cambodia); default all.",
)
F = param(
    "f",
    {"type": "string", "enum": ["json", "csv"]},
    "Output format: json (default) or csv; without it, the Accept header decides.",
)
KIND = param(
    "kind",
    {"type": "string", "enum": ["all", "land", "coastal"]},
    "Border communes on a land border (`land`), on the coast (`coastal`) or both (`all`,"
    " the default).",
)
ERA = param(
    "era",
    {"type": "string", "enum": list(ERAS)},
    "Which units a code means: pre2025 or post2025 (default: the era of `as_of`).",
)

# Plain descriptions for routes that declare their parameters with FastAPI (the maps).
DATE: dict[str, Any] = {"format": "date"}
AS_OF_DOC: str = AS_OF["description"]
PROVINCE_DOC: str = PROVINCE["description"]
BORDER_DOC: str = BORDER["description"]
F_DOC: str = F["description"]
KIND_DOC: str = KIND["description"]
