"""service.routes.coverage: ``/coverage/provinces`` and ``/coverage/communes`` (JSON or CSV).

Counts only: no officer name or other personal data ever leaves
:mod:`service.db.coverage`, whose docstring defines the figures.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel

from service import params
from service.csv_response import csv_response, negotiate
from service.db.coverage import (
    CommuneCoverage,
    ProvinceCoverage,
    commune_coverage,
    coverage_summary,
)
from service.db.units import checked_province
from service.deps import SessionDep
from service.routes.report_docs import AS_OF, CSV_TOO, ERRORS, KIND, PROVINCE, F, extra
from service.vocabulary import OFFICER_ROLES

router = APIRouter(prefix="/coverage", tags=["coverage"])

_ALLOWED = ("as_of", "province", "kind", "f")
_ROLE_COLUMNS = [f"officers_{r}" for r in OFFICER_ROLES]
PROVINCE_COLUMNS = [
    "province_code",
    "province_name",
    "communes",
    "land_communes",
    "coastal_communes",
    "covered",
    "uncovered",
    "covered_pct",
    "officers",
    *_ROLE_COLUMNS,
    "uncovered_communes",
    "synthetic",
]
COMMUNE_COLUMNS = [
    "code",
    "name",
    "province_code",
    "province_name",
    "is_land_border",
    "is_coastal",
    "neighbour_countries",
    "officers",
    *_ROLE_COLUMNS,
    "covered",
    "synthetic",
]


class UncoveredOut(BaseModel):
    """A border commune without any active seconded officer."""

    code: str
    name: str
    province_code: str | None = None


class ProvinceOut(BaseModel):
    """Coverage of one province's border communes (or of all, as totals)."""

    province_code: str | None
    province_name: str | None
    communes: int
    land_communes: int
    coastal_communes: int
    covered: int
    uncovered: int
    covered_pct: float | None
    officers: int
    officers_by_role: dict[str, int]
    uncovered_communes: list[UncoveredOut]
    synthetic: bool


class ProvinceReport(BaseModel):
    """Coverage per province on a date, with totals."""

    as_of: dt.date
    era: str
    kind: str
    province: str | None
    synthetic: bool
    totals: ProvinceOut
    items: list[ProvinceOut]


class CommuneReport(BaseModel):
    """Coverage per border commune on a date, with totals and the uncovered list."""

    as_of: dt.date
    era: str
    kind: str
    province: str | None
    synthetic: bool
    totals: ProvinceOut
    uncovered: list[UncoveredOut]
    items: list[CommuneCoverage]


def _province_out(p: ProvinceCoverage) -> ProvinceOut:
    row: dict[str, Any] = asdict(p)
    return ProvinceOut(**row, covered_pct=p.covered_pct)


def _roles(row: dict[str, Any]) -> dict[str, Any]:
    by_role = row.pop("officers_by_role")
    row.update({f"officers_{r}": by_role.get(r, 0) for r in OFFICER_ROLES})
    return row


def _province_csv(p: ProvinceOut) -> dict[str, object]:
    row = _roles(p.model_dump())
    row["uncovered_communes"] = [u["code"] for u in row["uncovered_communes"]]
    return row


def _inputs(request: Request, session: SessionDep) -> tuple[str, dt.date, str | None, str]:
    q = request.query_params
    params.check_known(request.query_params, _ALLOWED)
    fmt = negotiate(request, q.get("f"))
    day = params.as_of(q.get("as_of"))
    return fmt, day, checked_province(session, q.get("province"), day), params.kind(q.get("kind"))


_PARAMS = extra(AS_OF, PROVINCE, KIND, F)


@router.get(
    "/provinces",
    response_model=ProvinceReport,
    responses={**ERRORS, 200: {"content": CSV_TOO}},
    summary="Officer coverage of border communes per province",
    description=(
        "Per province: border communes valid on `as_of` (land / coastal), how many have at"
        " least one active seconded Border Guard officer, distinct officers in total and by"
        " role, and the uncovered communes. Counts only, never personal data."
    ),
    openapi_extra=_PARAMS,
)
def coverage_provinces(
    request: Request, response: Response, session: SessionDep
) -> ProvinceReport | Response:
    """Coverage per province on a date."""
    response.headers["Vary"] = "Accept"
    fmt, day, prov, knd = _inputs(request, session)
    summary = coverage_summary(session, as_of=day, province=prov, kind=knd)
    items = [_province_out(p) for p in summary.provinces]
    if fmt == "csv":
        return csv_response(
            [_province_csv(p) for p in items],
            PROVINCE_COLUMNS,
            filename=f"coverage-provinces-{day}.csv",
        )
    return ProvinceReport(
        as_of=day,
        era=summary.era,
        kind=knd,
        province=prov,
        synthetic=summary.synthetic,
        totals=_province_out(summary.totals),
        items=items,
    )


@router.get(
    "/communes",
    response_model=CommuneReport,
    responses={**ERRORS, 200: {"content": CSV_TOO}},
    summary="Officer coverage per border commune",
    description=(
        "Every border commune valid on `as_of` with the number of active seconded officers"
        " (distinct, and by role) and whether it is covered; totals and the uncovered list."
        " Counts only, never personal data."
    ),
    openapi_extra=_PARAMS,
)
def coverage_communes(
    request: Request, response: Response, session: SessionDep
) -> CommuneReport | Response:
    """Coverage per border commune on a date."""
    response.headers["Vary"] = "Accept"
    fmt, day, prov, knd = _inputs(request, session)
    rows = commune_coverage(session, as_of=day, province=prov, kind=knd)
    if fmt == "csv":
        return csv_response(
            [_roles(asdict(r)) for r in rows],
            COMMUNE_COLUMNS,
            filename=f"coverage-communes-{day}.csv",
        )
    summary = coverage_summary(session, as_of=day, province=prov, kind=knd)
    return CommuneReport(
        as_of=day,
        era=summary.era,
        kind=knd,
        province=prov,
        synthetic=summary.synthetic,
        totals=_province_out(summary.totals),
        uncovered=[
            UncoveredOut(code=r.code, name=r.name, province_code=r.province_code)
            for r in rows
            if not r.covered
        ],
        items=rows,
    )
