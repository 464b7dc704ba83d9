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
from maps.kinds import MapKind
from service import params
from service.db.data_version import read_version
from service.db.units import checked_province
from service.errors import NotFound
from service.outputs.maps import MapQuery, build_map
from service.web.deps import MapCacheDep, SessionDep, SettingsDep
from service.web.page_cache import MapCache, Page, accepts_gzip
from service.web.routes.report_docs import AS_OF, BORDER, ERRORS, PROVINCE, Param, extra

router = APIRouter(prefix="/maps", tags=["maps"])


def static_url(request: Request, base_url: str | None) -> str:
    """Root-relative URL of the static route (no host: the page works under any name)."""
    prefix = urlsplit(base_url).path.rstrip("/") if base_url else request.scope.get("root_path", "")
    return f"{prefix}{DEFAULT_STATIC_URL}"


def _page(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    cache: MapCache,
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
        border=params.border(q.get("border")),
    )
    assets_url = static_url(request, settings.base_url)
    version = read_version(conn)
    key = (query, assets_url, version)
    page = cache.get(key)
    if page is None:
        m = build_map(
            conn,
            query,
            settings=settings,
            assets=Assets.served(assets_url),
            api_url=assets_url.removesuffix(DEFAULT_STATIC_URL),
        )
        page = Page.of(m.get_root().render())
        cache.put(key, page)
    headers = {"X-Data-Version": str(version), "Vary": "Accept-Encoding"}
    if accepts_gzip(request.headers.get("accept-encoding", "")):
        # Already encoded: the GZip middleware passes a response with Content-Encoding on.
        headers["Content-Encoding"] = "gzip"
        return HTMLResponse(page.gzipped, headers=headers)
    return HTMLResponse(page.html, headers=headers)


_HTML: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/html": {}}, "description": "A Leaflet map page"}
}

# Each map: its summary, what it shows, and the filters it takes.
MAPS: tuple[tuple[MapKind, str, str, tuple[Param, ...]], ...] = (
    (
        "coverage",
        "Map: border communes coloured by officer coverage",
        "Border communes coloured by seconded officers, with legend, summary and tooltips.",
        (AS_OF, PROVINCE),
    ),
    (
        "markers",
        "Map: every border marker by status, over segments by progress",
        "Clustered markers coloured by status (popup: label, class, history).",
        (AS_OF, PROVINCE, BORDER),
    ),
    (
        "progress",
        "Map: border segments by % demarcated, with charts",
        "Segments coloured by % demarcated; bars per segment and planting per year.",
        (AS_OF, PROVINCE, BORDER),
    ),
    (
        "communes",
        "Map: every commune, land-border / coastal / inland",
        "Every commune of the date's era (or of one province). Above"
        " BORDERMAP_MAP_TILES_THRESHOLD communes (the national map) they are drawn from"
        " the vector tiles of /collections/communes/tiles, so the page stays small.",
        (AS_OF, PROVINCE),
    ),
)


def _map_handler(kind: MapKind, allowed: tuple[str, ...]) -> Any:
    def page(
        request: Request, session: SessionDep, settings: SettingsDep, cache: MapCacheDep
    ) -> Response:
        return _page(request, session, settings, cache, kind, allowed)

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
