"""service.web.routes.report_docs: OpenAPI pieces shared by the report routes (progress, coverage, spatial).

The report routes read their query parameters themselves (so a bad value gets a 400 naming
it); these hand-written parameter objects tell ``/api`` what each one accepts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from service.vocabulary import BORDER_CODES, ERAS
from service.web.deps import SessionDep

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


def add_report(
    router: APIRouter,
    path: str,
    answer: Callable[[Request, Session], Any],
    *,
    name: str,
    response_model: type[BaseModel],
    summary: str,
    description: str,
    params: tuple[Param, ...],
) -> None:
    """Register a report route answered as JSON (``response_model``) or CSV by ``answer``.

    The report routes read their parameters themselves (a 400 names a bad one); ``params``
    tell ``/api`` what they accept. The answer varies with ``Accept`` (JSON or CSV).
    """

    def route(request: Request, response: Response, session: SessionDep) -> Any:
        response.headers["Vary"] = "Accept"
        return answer(request, session)

    route.__doc__ = summary
    router.add_api_route(
        path,
        route,
        methods=["GET"],
        name=name,
        response_model=response_model,
        responses={**ERRORS, 200: {"content": CSV_TOO}},
        summary=summary,
        description=description,
        openapi_extra=extra(*params),
    )


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
