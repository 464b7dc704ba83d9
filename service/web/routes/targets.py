"""service.routes.targets: coverage against targets, by commune class and per border post.

``/coverage/targets``, ``/coverage/targets/{id}``, ``/coverage/classes``,
``/coverage/posts`` (JSON). Counts and commune names only; the definitions are in
:mod:`service.db.targets` and :mod:`service.db.posts`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from fastapi import APIRouter, Request

from service import params
from service.db.posts import PostFigures, post_figures
from service.db.targets import (
    ClassCoverage,
    TargetCoverage,
    class_coverage,
    list_targets,
    target_coverage,
)
from service.db.units import checked_province
from service.errors import NotFound
from service.web.deps import SessionDep
from service.web.routes.report_docs import AS_OF, ERRORS, NOT_FOUND, PROVINCE, extra

router = APIRouter(prefix="/coverage", tags=["coverage"])
_ALLOWED = ("as_of", "province", "f")


@dataclass
class TargetsReport:
    """Every target's coverage on a date."""

    as_of: dt.date
    province: str | None
    synthetic: bool
    items: list[TargetCoverage]


@dataclass
class ClassesReport:
    """Coverage by commune class on a date."""

    as_of: dt.date
    province: str | None
    synthetic: bool
    items: list[ClassCoverage]


@dataclass
class PostsReport:
    """Figures per border post on a date."""

    as_of: dt.date
    province: str | None
    synthetic: bool
    items: list[PostFigures]


def _inputs(request: Request, session: SessionDep) -> tuple[dt.date, str | None]:
    q = request.query_params
    params.check_known(q, _ALLOWED)
    params.choice("f", q.get("f"), ("json",), "json")
    day = params.as_of(q.get("as_of"))
    return day, checked_province(session, q.get("province"), day)


_PARAMS = extra(AS_OF, PROVINCE)


@router.get(
    "/targets",
    response_model=TargetsReport,
    responses=ERRORS,
    summary="Coverage against every target",
    description=(
        "For each target (a set of communes, a role or any, a deadline, its source): the"
        " communes of its set, how many have an active seconded officer on `as_of`, per"
        " province and in total, the uncovered ones, and whether the deadline was met."
    ),
    openapi_extra=_PARAMS,
)
def coverage_targets(request: Request, session: SessionDep) -> TargetsReport:
    """Coverage against every target on a date."""
    day, prov = _inputs(request, session)
    items = [target_coverage(session, t, as_of=day, province=prov) for t in list_targets(session)]
    return TargetsReport(day, prov, any(i.synthetic for i in items), items)


@router.get(
    "/targets/{target_id}",
    response_model=TargetCoverage,
    responses={**ERRORS, **NOT_FOUND},
    summary="Coverage against one target",
    openapi_extra=_PARAMS,
)
def coverage_target(target_id: int, request: Request, session: SessionDep) -> TargetCoverage:
    """Coverage against one target on a date."""
    day, prov = _inputs(request, session)
    # Ids are int4: a larger number names no target (and must not reach the database).
    found = list_targets(session, target_id) if 0 < target_id < 2**31 else []
    if not found:
        raise NotFound(f"no target {target_id}")
    return target_coverage(session, found[0], as_of=day, province=prov)


@router.get(
    "/classes",
    response_model=ClassesReport,
    responses=ERRORS,
    summary="Coverage by commune class",
    description=(
        "For each commune class (the border-commune list, particularly difficult communes,"
        " coastal bãi ngang communes): the class's list in force on `as_of` and how many of"
        " its communes have an active seconded officer, per province and in total."
    ),
    openapi_extra=_PARAMS,
)
def coverage_classes(request: Request, session: SessionDep) -> ClassesReport:
    """Coverage by commune class on a date."""
    day, prov = _inputs(request, session)
    items = class_coverage(session, as_of=day, province=prov)
    return ClassesReport(day, prov, any(i.synthetic for i in items), items)


@router.get(
    "/posts",
    response_model=PostsReport,
    responses=ERRORS,
    summary="Figures per border post",
    description=(
        "Per border post (đồn biên phòng) of the era in force on `as_of`: communes of its"
        " area and how many are covered, officers it seconds, markers it looks after, those"
        " damaged, and the year's inspections. Counts only."
    ),
    openapi_extra=_PARAMS,
)
def coverage_posts(request: Request, session: SessionDep) -> PostsReport:
    """Figures per border post on a date."""
    day, prov = _inputs(request, session)
    items = post_figures(session, as_of=day, province=prov)
    return PostsReport(day, prov, any(i.synthetic for i in items), items)
