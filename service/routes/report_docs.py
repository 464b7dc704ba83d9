"""service.routes.report_docs: OpenAPI pieces shared by the report routes (progress, coverage, spatial)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class ErrorBody(BaseModel):
    """The body of a 400 or 404 answer: what was wrong, naming the parameter."""

    detail: str


ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "A query parameter is unknown or malformed."},
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

DATE = {"format": "date"}
AS_OF_DOC = (
    "The date (YYYY-MM-DD) of the figures; default today. Before 2025-07-01 the pre-2025"
    " provinces, communes and segments apply, from then the post-2025 ones."
)
PROVINCE_DOC = "Two-digit code of a province valid on `as_of` (codes changed in 2025)."
BORDER_DOC = "Border: CN (China), LA (Laos) or KH (Cambodia)."
F_DOC = "Output format: json (default) or csv; without it, the Accept header decides."
KIND_DOC = "Border communes on a land border (`land`), on the coast (`coastal`) or both (`all`)."
