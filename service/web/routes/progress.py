"""service.web.routes.progress: ``/progress/borders`` and ``/progress/segments`` (JSON or CSV).

The figures and their definitions live in :mod:`service.db.progress`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from service import params
from service.db.progress import border_progress, segment_progress
from service.db.units import checked_province
from service.figures import Progress
from service.vocabulary import MARKER_STATUSES, era_on
from service.web.csv_response import csv_response, negotiate
from service.web.routes.report_docs import AS_OF, BORDER, PROVINCE, F, add_report

router = APIRouter(prefix="/progress", tags=["progress"])

_ALLOWED = ("as_of", "border", "province", "f")
COLUMNS = [
    "border_code",
    "border_name",
    "segment_code",
    "province_code",
    "province_name",
    "markers_total",
    "markers_planned",
    "markers_planted",
    "markers_verified",
    "markers_damaged",
    *(f"status_{s}" for s in MARKER_STATUSES),
    "markers_expected",
    "pct_markers",
    "positions_done",
    "positions_expected",
    "pct_positions",
    "length_km",
    "length_basis",
    "measured_km",
    "km_demarcated",
    "pct_km",
    "demarcated_flag",
    "synthetic",
]


class ProgressReport(BaseModel):
    """Progress rows for one date and filter set."""

    as_of: dt.date
    era: str
    border: str | None
    province: str | None
    synthetic: bool
    items: list[Progress]


def _flat(p: Progress) -> dict[str, object]:
    row: dict[str, Any] = asdict(p)
    for status, n in row.pop("by_status").items():
        row[f"status_{status}"] = n
    return row


def _report(level: str) -> Callable[[Request, Session], ProgressReport | Response]:
    fetch = segment_progress if level == "segments" else border_progress

    def answer(request: Request, session: Session) -> ProgressReport | Response:
        q = request.query_params
        params.check_known(q, _ALLOWED)
        fmt = negotiate(request, q.get("f"))
        day = params.as_of(q.get("as_of"))
        code = params.border(q.get("border"))
        prov = checked_province(session, q.get("province"), day)
        rows = fetch(session, as_of=day, border=code, province=prov)
        if fmt == "csv":
            return csv_response(
                [_flat(r) for r in rows], COLUMNS, filename=f"progress-{level}-{day}.csv"
            )
        return ProgressReport(
            as_of=day,
            era=era_on(day),
            border=code,
            province=prov,
            synthetic=any(r.synthetic for r in rows),
            items=rows,
        )

    return answer


_DESC = (
    " Markers planned / planted (or any later step) / verified / damaged on `as_of`, positions"
    " done, km demarcated and percentages by count and by km. Definitions: markers count by"
    " their latest status on the date; a position is (border, number, sub-number), so the"
    " two markers of a same-number pair count once; a stretch of line between consecutive"
    " markers is demarcated once both are planted; km use the official length where known,"
    " else the measured one."
)

for _level, _summary, _what in (
    (
        "borders",
        "Demarcation progress per border",
        "Per border (with `province`, that province's part).",
    ),
    (
        "segments",
        "Demarcation progress per border segment",
        "Per border segment (one border in one province) of the era of `as_of`.",
    ),
):
    add_report(
        router,
        f"/{_level}",
        _report(_level),
        name=f"progress_{_level}",
        response_model=ProgressReport,
        summary=_summary,
        description=_what + _DESC,
        params=(AS_OF, BORDER, PROVINCE, F),
    )
