"""service.routes.pages: the overview page (``/overview``) and the two-date comparison
(``/maps/changes``): HTML for people, in their language, linking into the maps."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from maps import style
from service import params
from service.db.units import (
    AmbiguousProvince,
    Executor,
    checked_province,
    province_name,
    resolve_province,
)
from service.errors import BadRequest
from service.i18n import Translator
from service.outputs.changes import load_changes, render_changes
from service.outputs.overview import load_overview, render_overview
from service.outputs.render import MapUrl
from service.vocabulary import era_on
from service.web.deps import SessionDep
from service.web.pages import TranslatorDep, chrome, localize, root
from service.web.routes.report_docs import AS_OF, BORDER, ERRORS, LANG, PROVINCE, extra, param

router = APIRouter(tags=["pages"])

_HTML: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/html": {}}, "description": "An HTML page"}
}


def map_links(request: Request, tr: Translator) -> MapUrl:
    """``url(kind, **params)``: a map's root-relative URL in the reader's language."""
    base = root(request)

    def url(page: str, /, **query: str | None) -> str:
        kept = {k: v for k, v in query.items() if v}
        return f"{base}/maps/{page}?{urlencode({**kept, 'lang': tr.lang})}"

    return url


def _snapshot(session: SessionDep) -> Executor:
    return session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


@router.get(
    "/overview",
    response_class=HTMLResponse,
    responses={**ERRORS, **_HTML},
    summary="Overview page: progress per border, coverage per province, markers to restore",
    openapi_extra=extra(AS_OF, LANG),
)
def overview(request: Request, session: SessionDep, tr: TranslatorDep) -> Response:
    """Progress per border, coverage per province, recent events, damaged markers."""
    q = request.query_params
    params.check_known(q, ("as_of",))
    day = params.as_of(q.get("as_of"))
    data = load_overview(_snapshot(session), as_of=day, dated=q.get("as_of") is not None)
    state = {"as_of": day.isoformat() if data.dated else None}
    html = render_overview(
        data,
        tr=tr,
        chrome=chrome(request, tr, current="overview", state=state),
        map_url=map_links(request, tr),
    )
    return localize(HTMLResponse(html), request, tr)


FROM = param(
    "from",
    {"type": "string", "format": "date"},
    "The first date (YYYY-MM-DD): changes after it are listed.",
    required=True,
)
TO = param("to", {"type": "string", "format": "date"}, "The second date; default today.")


def _start_province(db: Executor, code: str | None, start: dt.date, end: dt.date) -> str | None:
    """The province of ``start``'s era that ``code`` (of ``end``'s era) was or became."""
    if code is None or era_on(start) == era_on(end):
        return code
    name = province_name(db, code, era=era_on(end))
    try:
        return resolve_province(db, name, era_on(start)) if name else None
    except AmbiguousProvince:
        return None


@router.get(
    "/maps/changes",
    response_class=HTMLResponse,
    responses={**ERRORS, **_HTML},
    summary="What changed between two dates: markers planted, damaged, restored; communes",
    openapi_extra=extra(FROM, TO, PROVINCE, BORDER, LANG),
)
def changes(request: Request, session: SessionDep, tr: TranslatorDep) -> Response:
    """Markers planted, damaged and restored, and communes newly (un)covered, from A to B."""
    q = request.query_params
    params.check_known(q, ("from", "to", "province", "border"))
    if not q.get("from"):
        raise BadRequest("from: required (the first date, YYYY-MM-DD)")
    start = params.as_of(q.get("from"), name="from")
    end = params.as_of(q.get("to") or None, name="to")
    if end <= start:
        raise BadRequest(f"to: {end.isoformat()} is not after from ({start.isoformat()})")
    db = _snapshot(session)
    province = checked_province(db, q.get("province"), end)
    border = params.border(q.get("border") or None)
    data = load_changes(
        db,
        start=start,
        end=end,
        province=province,
        province_start=_start_province(db, province, start, end),
        border=border,
    )
    name = province_name(db, province, era=era_on(end)) if province else None
    scope = " · ".join(
        [
            style.border_label(border, tr) if border else tr.gettext("All borders"),
            style.short_province(name) if name else tr.gettext("all provinces"),
        ]
    )
    state = {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "province": province,
        "border": border,
    }
    html = render_changes(
        data,
        tr=tr,
        chrome=chrome(request, tr, current=None, state=state),
        map_url=map_links(request, tr),
        scope=scope,
    )
    return localize(HTMLResponse(html), request, tr)
