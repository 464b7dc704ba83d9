"""service.routes.maps: the offline web maps (``/maps/...``) and their vendored assets.

Map HTML is cached per app in an LRU keyed by (map, filters, asset URL, data version).
The data version is read first, in the same REPEATABLE READ snapshot as the map's data,
so a cached page always matches the version it is filed under: after any write the
version moves on and the next request builds a new map; nothing stale is served.
A page is cached with its gzip encoding, made once: a cached map costs no compression.
"""

from __future__ import annotations

import gzip
import mimetypes
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from maps.assets import DEFAULT_STATIC_URL, Assets, static_files
from maps.kinds import MapKind
from service import params
from service.db.data_version import read_version
from service.db.units import checked_province
from service.deps import SessionDep, SettingsDep
from service.errors import NotFound
from service.maps_build import MapQuery, build_map
from service.routes.report_docs import AS_OF_DOC, BORDER_DOC, DATE, ERRORS, PROVINCE_DOC

router = APIRouter(prefix="/maps", tags=["maps"])

CacheKey = tuple[MapQuery, str, int]


@dataclass(frozen=True, slots=True)
class Page:
    """A rendered map page (or a static file), as plain and gzip bytes."""

    html: bytes
    gzipped: bytes

    @classmethod
    def of(cls, html: str) -> Page:
        """Encode (and compress, once) a rendered page.

        Level 1: the coverage map (0.9 MB) compresses in about 15 ms to 210 kB; level 6
        takes 50 ms for 178 kB. The first request of a page pays it, so speed wins.
        """
        return cls.of_bytes(html.encode("utf-8"), level=1)

    @classmethod
    def of_bytes(cls, data: bytes, *, level: int) -> Page:
        """Bytes with their gzip encoding at ``level``."""
        return cls(html=data, gzipped=gzip.compress(data, compresslevel=level, mtime=0))


class MapCache:
    """A small thread-safe LRU of rendered map pages."""

    def __init__(self, size: int = 32) -> None:
        self.size = size
        self._items: OrderedDict[CacheKey, Page] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: CacheKey) -> Page | None:
        """The page filed under ``key``, or None."""
        with self._lock:
            page = self._items.get(key)
            if page is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return page

    def put(self, key: CacheKey, page: Page) -> None:
        """File ``page`` under ``key``, dropping the least recently used beyond ``size``."""
        with self._lock:
            self._items[key] = page
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


def accepts_gzip(accept_encoding: str) -> bool:
    """True when an Accept-Encoding header allows gzip (``gzip;q=0`` refuses it)."""
    for item in accept_encoding.lower().split(","):
        name, _, q = item.strip().partition(";")
        if name.strip() in ("gzip", "*"):
            return q.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False


_STATE_LOCK = threading.Lock()


def get_map_cache(request: Request) -> MapCache:
    """The app's map cache (one per app, made on first use)."""
    state = request.app.state
    with _STATE_LOCK:
        cache = getattr(state, "map_cache", None)
        if cache is None:
            cache = state.map_cache = MapCache()
    return cache


MapCacheDep = Annotated[MapCache, Depends(get_map_cache)]


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
    as_of: str | None,
    province: str | None = None,
    border: str | None = None,
) -> Response:
    params.check_known(request.query_params, allowed)
    # One snapshot for the version and every query of the map.
    conn = session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    day = params.as_of(as_of)
    query = MapQuery(
        kind=kind,
        as_of=day,
        province=checked_province(conn, province, day),
        border=params.border(border),
    )
    assets_url = static_url(request, settings.base_url)
    version = read_version(conn)
    key = (query, assets_url, version)
    page = cache.get(key)
    if page is None:
        m = build_map(conn, query, settings=settings, assets=Assets.served(assets_url))
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


@router.get(
    "/coverage",
    response_class=HTMLResponse,
    responses={**ERRORS, **_HTML},
    summary="Map: border communes coloured by officer coverage",
)
def coverage_page(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    cache: MapCacheDep,
    as_of: str | None = Query(None, description=AS_OF_DOC, json_schema_extra=DATE),
    province: str | None = Query(None, description=PROVINCE_DOC),
) -> Response:
    """Border communes coloured by seconded officers, with legend, summary and tooltips."""
    return _page(
        request, session, settings, cache, "coverage", ("as_of", "province"), as_of, province
    )


@router.get(
    "/markers",
    response_class=HTMLResponse,
    responses={**ERRORS, **_HTML},
    summary="Map: every border marker by status, over segments by progress",
)
def markers_page(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    cache: MapCacheDep,
    as_of: str | None = Query(None, description=AS_OF_DOC, json_schema_extra=DATE),
    province: str | None = Query(None, description=PROVINCE_DOC),
    border: str | None = Query(None, description=BORDER_DOC),
) -> Response:
    """Clustered markers coloured by status (popup: label, class, history)."""
    return _page(
        request,
        session,
        settings,
        cache,
        "markers",
        ("as_of", "province", "border"),
        as_of,
        province,
        border,
    )


@router.get(
    "/progress",
    response_class=HTMLResponse,
    responses={**ERRORS, **_HTML},
    summary="Map: border segments by % demarcated, with charts",
)
def progress_page(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    cache: MapCacheDep,
    as_of: str | None = Query(None, description=AS_OF_DOC, json_schema_extra=DATE),
    province: str | None = Query(None, description=PROVINCE_DOC),
    border: str | None = Query(None, description=BORDER_DOC),
) -> Response:
    """Segments coloured by % demarcated; bars per segment and planting per year."""
    return _page(
        request,
        session,
        settings,
        cache,
        "progress",
        ("as_of", "province", "border"),
        as_of,
        province,
        border,
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
