"""service.web.routes.reports: the yearly report (``/reports/{year}``) and the year's marker
work (``/progress/activity``).

``/reports/{year}`` is the printable report of :mod:`service.outputs.report` (HTML, or PDF
with ``f=pdf``), Vietnamese unless ``lang=en`` (or the cookie / Accept-Language says so);
its figures are those of :func:`service.db.report.year_report`, the API's own functions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from service import params
from service.db.report import Activity, marker_activity, report_dates, year_report
from service.db.units import checked_province
from service.errors import BadRequest
from service.i18n import COOKIE, UnknownLanguage, negotiate, translator
from service.outputs.pdf import html_to_pdf
from service.outputs.report import render_report
from service.web.deps import SessionDep
from service.web.routes.report_docs import ERRORS, PROVINCE, extra, param

router = APIRouter(tags=["reports"])

_YEAR = param("year", {"type": "integer", "minimum": 1975}, "The year (default this year).")
_LANG = param("lang", {"type": "string", "enum": ["vi", "en"]}, "Language (default vi).")


@dataclass
class ActivityReport:
    """The marker work of a year per border and segment."""

    year: int
    start: dt.date
    end: dt.date
    province: str | None
    items: list[Activity]


@router.get(
    "/progress/activity",
    response_model=ActivityReport,
    responses=ERRORS,
    summary="Marker work of a year",
    description=(
        "Per border and segment (units of the end date's era): markers first planted in the"
        " year, and markers verified, damaged and restored in it (distinct markers)."
    ),
    openapi_extra=extra(_YEAR, PROVINCE),
)
def progress_activity(request: Request, session: SessionDep) -> ActivityReport:
    """The marker work of a year (to today for this year)."""
    q = request.query_params
    params.check_known(q, ("year", "province", "f"))
    params.choice("f", q.get("f"), ("json",), "json")
    today = dt.date.today()
    year = params.integer(q.get("year"), name="year", low=1975, high=today.year, default=today.year)
    end, _ = report_dates(year, today)
    prov = checked_province(session, q.get("province"), end)
    start = dt.date(year, 1, 1)
    items = marker_activity(session, start=start, end=end, province=prov)
    return ActivityReport(year, start, end, prov, items)


@router.get(
    "/reports/{year}",
    response_class=HTMLResponse,
    responses={**ERRORS, 200: {"content": {"text/html": {}, "application/pdf": {}}}},
    summary="The yearly coordination report",
    description=(
        "Markers planted, verified, damaged and restored; km demarcated; border communes"
        " covered against each target, by class and province; officers by role; posts;"
        " lists needing action; the year's coordination records. HTML, or PDF with `f=pdf`."
    ),
    openapi_extra=extra(
        PROVINCE,
        _LANG,
        param("f", {"type": "string", "enum": ["html", "pdf"]}, "html (default) or pdf."),
    ),
)
def report(year: int, request: Request, session: SessionDep) -> Response:
    """The report of ``year`` as of 31 December (today for this year)."""
    q = request.query_params
    params.check_known(q, ("province", "lang", "f"))
    fmt = params.choice("f", q.get("f"), ("html", "pdf"), "html")
    try:
        lang = negotiate(q.get("lang"), request.cookies.get(COOKIE),
                         request.headers.get("accept-language"))  # fmt: skip
    except UnknownLanguage as exc:
        raise BadRequest(str(exc)) from None
    day, _ = report_dates(year, dt.date.today())
    prov = checked_province(session, q.get("province"), day)
    html = render_report(year_report(session, year=year, province=prov), translator(lang))
    headers = {"Content-Language": lang, "Vary": "Accept-Language, Cookie"}
    if fmt == "pdf":
        name = f"bordermap-report-{year}{'-' + prov if prov else ''}-{lang}.pdf"
        headers["Content-Disposition"] = f'inline; filename="{name}"'
        return Response(html_to_pdf(html), media_type="application/pdf", headers=headers)
    return HTMLResponse(html, headers=headers)
