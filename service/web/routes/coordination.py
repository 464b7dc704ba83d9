"""service.routes.coordination: ``/coordination``, the coordination records (JSON).

Each record: a province's coordination regulation with the Border Guard, or a year's review
conference or briefing (date, level, document number, decisions). See
:mod:`service.db.coordination`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from fastapi import APIRouter, Depends, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from service import params
from service.auth import Principal
from service.db import audit
from service.db.coordination import (
    CoordinationRecord,
    add_coordination_record,
    coordination_records,
)
from service.errors import BadRequest
from service.vocabulary import COORDINATION_KINDS
from service.web.auth_deps import require_role
from service.web.deps import SessionDep
from service.web.routes.report_docs import ERRORS, extra, param

router = APIRouter(tags=["coordination"])


@dataclass
class CoordinationReport:
    """The records of a year (or all), oldest first."""

    year: int | None
    province: str | None
    synthetic: bool
    items: list[CoordinationRecord]


@router.get(
    "/coordination",
    response_model=CoordinationReport,
    responses=ERRORS,
    summary="Coordination records",
    description="Coordination regulations and each year's review conferences and briefings.",
    openapi_extra=extra(
        param("year", {"type": "integer", "minimum": 1990, "maximum": 2100}, "Only this year."),
        param("province", {"type": "string", "pattern": r"^\d{2}$"}, "Province code."),
    ),
)
def coordination(request: Request, session: SessionDep) -> CoordinationReport:
    """Coordination records, optionally of one year and province."""
    q = request.query_params
    params.check_known(q, ("year", "province", "f"))
    params.choice("f", q.get("f"), ("json",), "json")
    year = params.integer(q.get("year"), name="year", low=1990, high=2100, default=0) or None
    prov = params.province_code(q.get("province"))
    start = dt.date(year, 1, 1) if year else None
    end = dt.date(year, 12, 31) if year else None
    items = coordination_records(session, start=start, end=end, province=prov)
    return CoordinationReport(year, prov, any(i.synthetic for i in items), items)


class CoordinationIn(BaseModel):
    """A new coordination record (its era is that of ``event_date``)."""

    province_code: str = Field(pattern=r"^[0-9]{2}$")
    kind: str = Field(pattern="^(" + "|".join(COORDINATION_KINDS) + ")$")
    event_date: dt.date
    level: str | None = Field(default=None, max_length=200)
    document_number: str | None = Field(default=None, max_length=200)
    decisions: str | None = Field(default=None, max_length=20000)


_EDITOR = Depends(require_role("editor", "admin"))


@router.post(
    "/coordination",
    status_code=201,
    response_model=CoordinationRecord,
    responses={**ERRORS, 401: {}, 403: {}, 404: {}},
    summary="Add a coordination record (editors)",
)
def add_coordination(
    body: CoordinationIn, session: SessionDep, principal: Principal = _EDITOR
) -> JSONResponse:
    """Add a record; audited in the same transaction."""
    if body.event_date > dt.date.today():
        raise BadRequest("event_date: a record of the future cannot be entered")
    record = add_coordination_record(session, **body.model_dump())
    audit.record(session, principal, "coordination.create", "coordination_record", record.id,
                 None, body.model_dump())  # fmt: skip
    session.commit()
    return JSONResponse(jsonable_encoder(record), status_code=201)
