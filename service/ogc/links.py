"""service.ogc.links: absolute links (self, alternate, next, prev, ...) and content negotiation.

The base is ``Settings.base_url`` when set (behind a proxy), else the request's own base URL.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING
from urllib.parse import urlencode

if TYPE_CHECKING:
    from service.ogc.params import ItemsQuery

GEOJSON = "application/geo+json"
JSON = "application/json"
HTML = "text/html"
OPENAPI = "application/vnd.oai.openapi+json;version=3.0"
SCHEMA = "application/schema+json"
EXPORT_TYPES = {
    "csv": "text/csv",
    "gpkg": "application/geopackage+sqlite3",
    "fgb": "application/flatgeobuf",
}


def link(href: str, rel: str, type_: str, title: str | None = None) -> dict[str, str]:
    """One OGC link object."""
    out = {"href": href, "rel": rel, "type": type_}
    if title:
        out["title"] = title
    return out


def url(base: str, path: str, params: Mapping[str, object] | None = None) -> str:
    """``base`` + ``path`` + the query string of ``params`` (None values left out)."""
    query = urlencode({k: v for k, v in (params or {}).items() if v is not None})
    return f"{base}{path}" + (f"?{query}" if query else "")


def doc_links(base: str, path: str, fmt: str, title: str) -> list[dict[str, str]]:
    """``self`` and ``alternate`` links of a JSON/HTML document."""
    json_href, html_href = url(base, path), url(base, path, {"f": "html"})
    if fmt == "html":
        # f=json: a browser following the link would otherwise get HTML again.
        return [
            link(html_href, "self", HTML, f"{title} (HTML)"),
            link(url(base, path, {"f": "json"}), "alternate", JSON, f"{title} (JSON)"),
        ]
    return [
        link(json_href, "self", JSON, f"{title} (JSON)"),
        link(html_href, "alternate", HTML, f"{title} (HTML)"),
    ]


def _q(value: str) -> float:
    for part in value.split(";")[1:]:
        key, _, val = part.strip().partition("=")
        if key.strip() == "q":
            try:
                return float(val)
            except ValueError:
                return 0.0
    return 1.0


def wants_html(accept: str | None) -> bool:
    """True when the Accept header prefers HTML over JSON (a browser)."""
    if not accept:
        return False
    html = json = 0.0
    for item in accept.split(","):
        media = item.split(";")[0].strip().lower()
        q = _q(item)
        if media in ("text/html", "application/xhtml+xml"):
            html = max(html, q)
        elif media in (JSON, GEOJSON, "*/*", "application/*"):
            # */* counts a little less: a browser's "*/*;q=0.8" must not beat text/html.
            json = max(json, q - (0.001 if media == "*/*" else 0))
    return html > 0 and html >= json


def base_url(configured: str | None, request_base: str) -> str:
    """The base of absolute links, without a trailing slash."""
    return (configured or request_base).rstrip("/")


def negotiate(f: str | None, accept: str | None, choices: tuple[str, ...]) -> str | None:
    """The format asked for: ``f`` if given (None if not one of ``choices``), else HTML for a
    browser's Accept header, else JSON."""
    if f is not None:
        return f if f in choices else None
    return "html" if wants_html(accept) else "json"


def items_links(
    base: str, q: ItemsQuery, returned: int, matched: int | None
) -> list[dict[str, str]]:
    """self/alternate/next/prev/collection links of an items page (absolute URLs).

    ``next`` is there on every page but the last: when more features match than this page
    and the ones before it hold.
    """
    coll = q.collection
    path = f"/collections/{coll.id}/items"
    page_type = HTML if q.fmt == "html" else GEOJSON

    def at(offset: int, fmt: str | None) -> str:
        params: dict[str, object] = dict(q.echo)
        params["limit"] = q.limit
        if offset:
            params["offset"] = offset
        if fmt is not None:
            params["f"] = fmt
        return url(base, path, params)

    own = "html" if q.fmt == "html" else None
    other = "json" if q.fmt == "html" else "html"
    out = [
        link(at(q.offset, own), "self", page_type, "this page"),
        link(
            at(q.offset, other),
            "alternate",
            GEOJSON if other == "json" else HTML,
            "this page as " + ("GeoJSON" if other == "json" else "HTML"),
        ),
    ]
    for fmt, media in EXPORT_TYPES.items():
        out.append(
            link(
                url(base, path, {**q.echo, "f": fmt}),
                "alternate",
                media,
                f"every match as {fmt.upper()}",
            )
        )
    if matched is not None and q.offset + returned < matched:
        out.append(link(at(q.offset + q.limit, own), "next", page_type, "next page"))
    if q.offset > 0:
        out.append(link(at(max(0, q.offset - q.limit), own), "prev", page_type, "previous page"))
    out.append(link(url(base, f"/collections/{coll.id}"), "collection", JSON, coll.title))
    return out
