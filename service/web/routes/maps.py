"""service.web.routes.maps: the offline web maps (``/maps/...``) and their vendored assets.

Map HTML is cached per app in an LRU keyed by (map, filters, asset URL, data version).
The data version is read first, in the same REPEATABLE READ snapshot as the map's data,
so a cached page always matches the version it is filed under: after any write the
version moves on and the next request builds a new map; nothing stale is served.
A page is cached with its gzip encoding, made once: a cached map costs no compression.
"""

from __future__ import annotations

import mimetypes
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from maps.assets import DEFAULT_STATIC_URL, Assets, static_files
from maps.controls import Option, ViewControls
from maps.kinds import MapKind
from maps.page import PageText
from maps.style import short_province
from service import params
from service.db.data_version import read_version
from service.db.maplayers import event_years
from service.db.units import Executor, border_provinces, checked_province, province_name
from service.errors import NotFound
from service.i18n import Translator
from service.outputs.maps import MapPage, MapQuery, build_map
from service.vocabulary import BORDER_CODES, era_on
from service.web.deps import MapCacheDep, SessionDep, SettingsDep
from service.web.page_cache import MapCache, Page, accepts_gzip
from service.web.pages import MAP_TITLES, TranslatorDep, chrome, localize, root
from service.web.routes.report_docs import (
    AS_OF,
    BORDER,
    ERRORS,
    KIND,
    LANG,
    PROVINCE,
    Param,
    extra,
)
from service.web.security_headers import html_policy, origin_of

router = APIRouter(prefix="/maps", tags=["maps"])


def static_url(request: Request, base_url: str | None) -> str:
    """Root-relative URL of the static route (no host: the page works under any name)."""
    prefix = urlsplit(base_url).path.rstrip("/") if base_url else request.scope.get("root_path", "")
    return f"{prefix}{DEFAULT_STATIC_URL}"


def controls_for(db: Executor, request: Request, query: MapQuery, tr: Translator) -> ViewControls:
    """The filter panel's state and choices (provinces of the date's era, by name)."""
    years = event_years(db) or (query.as_of.year, query.as_of.year)
    era = era_on(query.as_of)
    selected = province_name(db, query.province, era=era) if query.province else None
    base = root(request)
    return ViewControls(
        action=f"{base}/maps/{query.kind}",
        as_of=query.as_of,
        years=(min(years[0], query.as_of.year), max(years[1], query.as_of.year)),
        lang=tr.lang,
        provinces=[
            Option(short_province(name), short_province(name))
            for _code, name in border_provinces(db, as_of=query.as_of)
        ],
        province=short_province(selected) if selected else None,
        borders=BORDER_CODES if query.kind in ("markers", "progress") else (),
        border=query.border,
        kinds=query.kind == "coverage",
        kind=query.communes,
        changes_action=f"{base}/maps/changes",
    )


def _page(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    cache: MapCache,
    tr: Translator,
    kind: MapKind,
    allowed: tuple[str, ...],
) -> Response:
    q = request.query_params
    params.check_known(q, allowed)
    # One snapshot for the version and every query of the map.
    conn = session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    day = params.as_of(q.get("as_of"))
    query = MapQuery(
        kind=kind,
        as_of=day,
        province=checked_province(conn, q.get("province"), day),
        border=params.border(q.get("border") or None),
        communes=params.kind(q.get("kind") or None),
        lang=tr.lang,
    )
    assets_url = static_url(request, settings.base_url)
    version = read_version(conn)
    # The language links keep the date only when one was asked for (else: today's).
    dated = q.get("as_of") is not None
    key = (query, assets_url, version, dated, root(request))
    page = cache.get(key)
    if page is None:
        state = {
            "as_of": day.isoformat() if dated else None,
            "province": query.province,
            "border": query.border,
            "kind": None if query.communes == "all" else query.communes,
        }
        bar = chrome(request, tr, current=kind, state=state)
        around = MapPage(
            page=PageText(tr.gettext(MAP_TITLES[kind]), tr.lang, bar),
            controls=controls_for(conn, request, query, tr),
        )
        m = build_map(
            conn,
            query,
            settings=settings,
            assets=Assets.served(assets_url),
            tr=tr,
            around=around,
            api_url=assets_url.removesuffix(DEFAULT_STATIC_URL),
        )
        page = Page.of(m.get_root().render())
        cache.put(key, page)
    headers = {
        "X-Data-Version": str(version),
        "Vary": "Accept-Encoding",
        "Content-Security-Policy": html_policy(page.scripts, origin_of(settings.tiles_url)),
    }
    if accepts_gzip(request.headers.get("accept-encoding", "")):
        # Already encoded: the GZip middleware passes a response with Content-Encoding on.
        headers["Content-Encoding"] = "gzip"
        return localize(HTMLResponse(page.gzipped, headers=headers), request, tr)
    return localize(HTMLResponse(page.html, headers=headers), request, tr)


_HTML: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/html": {}}, "description": "A Leaflet map page"}
}

# Each map: its summary, what it shows, and the filters it takes.
MAPS: tuple[tuple[MapKind, str, str, tuple[Param, ...]], ...] = (
    (
        "coverage",
        "Map: border communes coloured by officer coverage",
        "Border communes coloured by seconded officers, with legend, summary and tooltips.",
        (AS_OF, PROVINCE, KIND, LANG),
    ),
    (
        "markers",
        "Map: every border marker by status, over segments by progress",
        "Clustered markers coloured by status (popup: label, class, history).",
        (AS_OF, PROVINCE, BORDER, LANG),
    ),
    (
        "progress",
        "Map: border segments by % demarcated, with charts",
        "Segments coloured by % demarcated; bars per segment and planting per year.",
        (AS_OF, PROVINCE, BORDER, LANG),
    ),
    (
        "communes",
        "Map: every commune, land-border / coastal / inland",
        "Every commune of the date's era (or of one province). Above"
        " BORDERMAP_MAP_TILES_THRESHOLD communes (the national map) they are drawn from"
        " the vector tiles of /collections/communes/tiles, so the page stays small.",
        (AS_OF, PROVINCE, LANG),
    ),
)


def _map_handler(kind: MapKind, allowed: tuple[str, ...]) -> Any:
    def page(
        request: Request,
        session: SessionDep,
        settings: SettingsDep,
        cache: MapCacheDep,
        tr: TranslatorDep,
    ) -> Response:
        return _page(request, session, settings, cache, tr, kind, allowed)

    return page


for _kind, _summary, _description, _params in MAPS:
    router.add_api_route(
        f"/{_kind}",
        _map_handler(_kind, tuple(p["name"] for p in _params)),
        methods=["GET"],
        name=f"{_kind}_page",
        response_class=HTMLResponse,
        responses={**ERRORS, **_HTML},
        summary=_summary,
        description=_description,
        openapi_extra=extra(*_params),
    )


@lru_cache(maxsize=64)
def _static_page(path: str) -> Page | None:
    file = static_files().get(path)
    return None if file is None else Page.of_bytes(file.read_bytes(), level=9)


@router.get("/static/{path:path}", include_in_schema=False, name="map_static")
def static(request: Request, path: str) -> Response:
    """A vendored JS/CSS/image/licence file (only those in the manifest; versioned paths).

    The few small files are kept in memory with their gzip encoding, made once.
    """
    page = _static_page(path)
    if page is None:
        raise NotFound(f"no map asset {path!r}")
    media = mimetypes.guess_type(path)[0] or "application/octet-stream"
    if path.endswith("LICENSE"):
        media = "text/plain"
    headers = {"Cache-Control": "public, max-age=31536000, immutable", "Vary": "Accept-Encoding"}
    if accepts_gzip(request.headers.get("accept-encoding", "")) and not media.startswith("image/"):
        headers["Content-Encoding"] = "gzip"
        return Response(page.gzipped, media_type=media, headers=headers)
    return Response(page.html, media_type=media, headers=headers)
