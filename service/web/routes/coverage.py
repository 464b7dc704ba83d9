"""service.web.routes.coverage: ``/coverage/provinces`` and ``/coverage/communes`` (JSON or CSV).

Counts only: no officer name or other personal data ever leaves
:mod:`service.db.coverage`, whose docstring defines the figures.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, fields
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from service import params
from service.db.coverage import commune_coverage, coverage_summary
from service.db.units import checked_province
from service.figures import CommuneCoverage, CoverageSummary, ProvinceCoverage, UncoveredCommune
from service.vocabulary import OFFICER_ROLES
from service.web.csv_response import csv_response, negotiate
from service.web.routes.report_docs import AS_OF, KIND, PROVINCE, F, add_report

router = APIRouter(prefix="/coverage", tags=["coverage"])

_ALLOWED = ("as_of", "province", "kind", "f")


def _columns(figure: type) -> list[str]:
    """CSV columns of a figure: its fields, officers by role spread over one column each."""
    out: list[str] = []
    for f in fields(figure):
        out += (
            [f"officers_{r}" for r in OFFICER_ROLES] if f.name == "officers_by_role" else [f.name]
        )
    return out


PROVINCE_COLUMNS = _columns(ProvinceCoverage)
COMMUNE_COLUMNS = _columns(CommuneCoverage)


class _Report(BaseModel):
    """What every coverage report says about itself: the date, units and filters."""

    as_of: dt.date
    era: str
    kind: str
    province: str | None
    synthetic: bool
    totals: ProvinceCoverage

    @classmethod
    def head(cls, summary: CoverageSummary, province: str | None) -> dict[str, Any]:
        """The common fields, from the summary of the same filters."""
        return {
            "as_of": summary.as_of,
            "era": summary.era,
            "kind": summary.kind,
            "province": province,
            "synthetic": summary.synthetic,
            "totals": summary.totals,
        }


class ProvinceReport(_Report):
    """Coverage per province on a date, with totals."""

    items: list[ProvinceCoverage]


class CommuneReport(_Report):
    """Coverage per border commune on a date, with totals and the uncovered list."""

    uncovered: list[UncoveredCommune]
    items: list[CommuneCoverage]


def _roles(row: dict[str, Any]) -> dict[str, Any]:
    by_role = row.pop("officers_by_role")
    row.update({f"officers_{r}": by_role.get(r, 0) for r in OFFICER_ROLES})
    return row


def _province_csv(p: ProvinceCoverage) -> dict[str, object]:
    row = _roles(asdict(p))
    row["uncovered_communes"] = [u["code"] for u in row["uncovered_communes"]]
    return row


def _inputs(request: Request, session: Session) -> tuple[str, dt.date, str | None, str]:
    q = request.query_params
    params.check_known(request.query_params, _ALLOWED)
    fmt = negotiate(request, q.get("f"))
    day = params.as_of(q.get("as_of"))
    return fmt, day, checked_province(session, q.get("province"), day), params.kind(q.get("kind"))


def _provinces(request: Request, session: Session) -> ProvinceReport | Response:
    fmt, day, prov, knd = _inputs(request, session)
    summary = coverage_summary(session, as_of=day, province=prov, kind=knd)
    if fmt == "csv":
        return csv_response(
            [_province_csv(p) for p in summary.provinces],
            PROVINCE_COLUMNS,
            filename=f"coverage-provinces-{day}.csv",
        )
    return ProvinceReport(**_Report.head(summary, prov), items=summary.provinces)


def _communes(request: Request, session: Session) -> CommuneReport | Response:
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
        **_Report.head(summary, prov),
        uncovered=[
            UncoveredCommune(r.code, r.name, r.province_code) for r in rows if not r.covered
        ],
        items=rows,
    )


_PARAMS = (AS_OF, PROVINCE, KIND, F)
add_report(
    router,
    "/provinces",
    _provinces,
    name="coverage_provinces",
    response_model=ProvinceReport,
    summary="Officer coverage of border communes per province",
    description=(
        "Per province: border communes valid on `as_of` (land / coastal), how many have at"
        " least one active seconded Border Guard officer, distinct officers in total and by"
        " role, and the uncovered communes. Counts only, never personal data."
    ),
    params=_PARAMS,
)
add_report(
    router,
    "/communes",
    _communes,
    name="coverage_communes",
    response_model=CommuneReport,
    summary="Officer coverage per border commune",
    description=(
        "Every border commune valid on `as_of` with the number of active seconded officers"
        " (distinct, and by role) and whether it is covered; totals and the uncovered list."
        " Counts only, never personal data."
    ),
    params=_PARAMS,
)
