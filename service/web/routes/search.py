"""service.web.routes.search: ``/search`` and ``/communes/{era}/{code}/lineage``.

``/search`` answers JSON, or a small HTML page with the search box for a browser
(``f=html`` or ``Accept: text/html``). Officers (personal data) are searched only for
callers allowed to read them (a province editor: those assigned in its provinces), and
those answers are ``Cache-Control: no-store``; anonymous callers never see an officer,
whatever they type.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from service import params
from service.auth import can_read_personal
from service.auth.principal import Principal, ProvinceRef
from service.auth.roles import SCOPED, WRITERS
from service.db.lineage import LinkedUnit, commune_lineage
from service.db.search import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    MAX_QUERY_CHARS,
    Hit,
    has_synthetic_data,
    search,
)
from service.errors import BadRequest, NotFound
from service.ogc.links import base_url, negotiate
from service.outputs.search_page import render_search
from service.vocabulary import ERAS, REFORM_DATE
from service.web.auth_deps import NO_STORE, PrincipalDep
from service.web.deps import SessionDep, get_settings
from service.web.pages import TranslatorDep, chrome, localize, root
from service.web.routes.report_docs import ERRORS, NOT_FOUND, extra, param

router = APIRouter(tags=["search"])

# The last day of the pre-2025 units: maps of an old unit open on it.
LAST_PRE2025_DAY = REFORM_DATE - dt.timedelta(days=1)


def _json(doc: Any) -> Response:
    body = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
    return Response(body.encode(), media_type="application/json")


def _unit_doc(u: LinkedUnit, base: str) -> dict[str, Any]:
    return {
        "id": u.id,
        "era": u.era,
        "code": u.code,
        "name": u.name,
        "province_code": u.province_code,
        "main": u.is_default,
        "href": f"{base}/collections/communes/items/{u.id}",
    }


def _map_day(era: str | None, today: dt.date) -> dt.date:
    return LAST_PRE2025_DAY if era == "pre2025" else max(today, REFORM_DATE)


def hit_links(hit: Hit, base: str, today: dt.date) -> list[dict[str, str]]:
    """Where a hit leads: its OGC item, the map filtered to it, and for a commune its lineage."""
    links: list[dict[str, str]] = []
    if hit.kind in ("province", "commune", "marker"):
        collection = {"province": "provinces", "commune": "communes", "marker": "markers"}
        links.append(
            {
                "rel": "item",
                "type": "application/geo+json",
                "href": f"{base}/collections/{collection[hit.kind]}/items/{hit.id}",
            }
        )
    if hit.kind in ("province", "commune") and hit.province_code:
        query = {"province": hit.province_code, "as_of": _map_day(hit.era, today).isoformat()}
        links.append(
            {"rel": "map", "type": "text/html", "href": f"{base}/maps/coverage?{urlencode(query)}"}
        )
    if hit.kind == "commune":
        links.append(
            {
                "rel": "lineage",
                "type": "application/json",
                "href": f"{base}/communes/{hit.era}/{hit.code}/lineage",
            }
        )
    if hit.kind == "marker":
        marker_query = {"border": hit.border_code or ""}
        if hit.province_code:
            marker_query["province"] = hit.province_code
        links.append(
            {
                "rel": "map",
                "type": "text/html",
                "href": f"{base}/maps/markers?{urlencode(marker_query)}",
            }
        )
    return links


def hit_doc(hit: Hit, base: str, today: dt.date) -> dict[str, Any]:
    """One hit as JSON: only the fields of its kind."""
    doc: dict[str, Any] = {
        "kind": hit.kind,
        "id": hit.id,
        "name": hit.name,
        "match": hit.match,
        "score": hit.score,
    }
    if hit.kind in ("province", "commune"):
        doc.update(era=hit.era, code=hit.code)
    if hit.kind == "commune":
        doc["province"] = {"code": hit.province_code, "name": hit.province_name}
    if hit.kind in ("province", "commune"):
        if hit.era == "pre2025":
            doc["became"] = [_unit_doc(u, base) for u in hit.became]
        else:
            doc["formed_from"] = [_unit_doc(u, base) for u in hit.formed_from]
        if hit.kind == "province":
            for key in ("became", "formed_from"):
                for u in doc.get(key, []):
                    u["href"] = f"{base}/collections/provinces/items/{u['id']}"
    if hit.kind == "marker":
        doc.update(label=hit.name, border=hit.border_code)
        doc["province"] = (
            {"code": hit.province_code, "name": hit.province_name} if hit.province_code else None
        )
    if hit.kind == "officer":
        doc.update(service_number=hit.code, rank=hit.rank, assignments=hit.assignments)
    doc["links"] = hit_links(hit, base, today)
    return doc


def officer_access(p: Principal) -> tuple[bool, frozenset[ProvinceRef] | None]:
    """Whether ``p`` may find officers, and in which provinces (None: all)."""
    if can_read_personal(p):
        return True, None
    if not p.is_anonymous and p.role in SCOPED:
        return True, p.scope
    return False, None


def _base(request: Request) -> str:
    return base_url(get_settings(request).base_url, str(request.base_url))


_SEARCH_PARAMS = extra(
    param(
        "q",
        {"type": "string", "minLength": 1, "maxLength": MAX_QUERY_CHARS},
        "What to look for: a name with or without accents (`lung cu`, `Đồng Văn`), a name"
        " and its province (`tan dong tay ninh`), a marker label (`1369(2)`), or (readers"
        " only) an officer's name or service number. Optional for the HTML page.",
    ),
    param(
        "limit",
        {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
        f"How many results, 1 to {MAX_LIMIT}; default {DEFAULT_LIMIT}.",
    ),
    param("f", {"type": "string", "enum": ["json", "html"]}, "Format; a browser gets HTML."),
)


@router.get(
    "/search",
    response_class=Response,
    responses={**ERRORS, 200: {"content": {"application/json": {}, "text/html": {}}}},
    openapi_extra=_SEARCH_PARAMS,
    summary="Search provinces, communes, markers (and officers for analysts)",
    description=(
        "One ranked search across provinces and communes of both eras (with what an old"
        " commune became and what a new one was formed from), markers by label (`1369(2)`,"
        " `511/1`) and, for signed-in analysts and above only, officers. Diacritic-, case-"
        " and tone-placement-insensitive (`lung cu` finds Lũng Cú, `hoà` = `hòa`); a"
        " trailing province name narrows (`tan dong tay ninh`). Exact matches first, then"
        f" prefixes, then similar names. `limit` 1 to {MAX_LIMIT} (default {DEFAULT_LIMIT});"
        f" `q` at most {MAX_QUERY_CHARS} characters. `f=html` (or a browser) gets a page."
    ),
)
def search_route(
    request: Request, session: SessionDep, principal: PrincipalDep, tr: TranslatorDep
) -> Response:
    """Ranked search."""
    q = request.query_params
    params.check_known(q.keys(), ("q", "limit", "f"))
    fmt = negotiate(q.get("f"), request.headers.get("accept"), ("json", "html"))
    if fmt is None:
        raise BadRequest(f"f: {q.get('f')!r} is not one of json, html")
    limit = params.integer(
        q.get("limit"), name="limit", low=1, high=MAX_LIMIT, default=DEFAULT_LIMIT
    )
    officers, scope = officer_access(principal)
    today = dt.date.today()
    base = _base(request)
    if fmt == "html":
        # The page opens empty: the box is the point of it.
        text = (
            params.query_text(q.get("q"), max_chars=MAX_QUERY_CHARS)
            if q.get("q", "").strip()
            else ""
        )
        hits = (
            search(session, text, limit=limit, officers=officers, officer_scope=scope, today=today)
            if text
            else []
        )
        html = render_search(
            text,
            hits,
            tr=tr,
            chrome=chrome(request, tr, current="search"),
            base=root(request),
            editor=principal.role in WRITERS,
            max_chars=MAX_QUERY_CHARS,
            synthetic=has_synthetic_data(session),
        )
        page = HTMLResponse(html)
        if officers:
            page.headers.update(NO_STORE)
        return localize(page, request, tr)
    text = params.query_text(q.get("q"), max_chars=MAX_QUERY_CHARS)
    hits = search(session, text, limit=limit, officers=officers, officer_scope=scope, today=today)
    doc = {
        "query": text,
        "limit": limit,
        "numberReturned": len(hits),
        "results": [hit_doc(h, base, today) for h in hits],
    }
    response = _json(doc)
    if officers:  # personal data: never stored, never shared between users
        response.headers.update(NO_STORE)
    return response


@router.get(
    "/communes/{era}/{code}/lineage",
    response_class=Response,
    responses={**ERRORS, **NOT_FOUND},
    summary="What a commune became, or what it was formed from",
    description=(
        "From `admin_lineage`: for a pre-2025 commune the post-2025 commune(s) it became"
        " (`main` marks the main successor when it was split), for a post-2025 commune the"
        " pre-2025 communes it was formed from."
    ),
)
def lineage_route(era: str, code: str, request: Request, session: SessionDep) -> Response:
    """Lineage of one commune."""
    params.check_known(request.query_params.keys(), ())
    if era not in ERAS:
        raise BadRequest(f"era: unknown era {era!r}; expected one of {', '.join(ERAS)}")
    if not re.fullmatch(r"[0-9]{5}", code):
        raise BadRequest(f"code: {code!r} is not a five-digit commune code")
    found = commune_lineage(session, era, code)
    if found is None:
        raise NotFound(f"no commune {code} in era {era}")
    base = _base(request)
    return _json(
        {
            "id": found.id,
            "era": found.era,
            "code": found.code,
            "name": found.name,
            "province": {"code": found.province_code, "name": found.province_name},
            "became": [_unit_doc(u, base) for u in found.became],
            "formed_from": [_unit_doc(u, base) for u in found.formed_from],
            "links": [
                {
                    "rel": "item",
                    "type": "application/geo+json",
                    "href": f"{base}/collections/communes/items/{found.id}",
                }
            ],
        }
    )
