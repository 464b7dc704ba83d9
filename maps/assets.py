"""maps.assets: the one place that decides where a map's JS and CSS come from.

Folium keeps its asset lists (``default_js``/``default_css``) on the classes, pointing at
CDNs. BorderMap never mutates those lists: the maps are :class:`OfflineMap` objects, a
subclass with its own empty lists, and every asset a map needs is added to *that* map's
figure by :func:`require`, either as a link to the app's own static route or inlined
(``--self-contained``). Nothing is shared between maps or threads, so two renders can never
leak assets into each other.

The vendored files and their pinned versions are listed in ``static/vendor/manifest.json``.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import folium
from branca.element import CssLink, Element, Figure, JavascriptLink

from maps.render import Raw, RenderOnce

STATIC_DIR = Path(__file__).resolve().parent / "static"
VENDOR_DIR = STATIC_DIR / "vendor"
DEFAULT_STATIC_URL = "/maps/static"


@dataclass(frozen=True, slots=True)
class Asset:
    """One vendored JS or CSS file of a pinned npm package."""

    package: str
    file: str
    kind: Literal["js", "css"]

    @property
    def path(self) -> str:
        """Path below ``static/``, e.g. ``vendor/leaflet@1.9.4/leaflet.js``."""
        return f"vendor/{self.package}@{package_version(self.package)}/{self.file}"

    @property
    def key(self) -> str:
        """Name of the asset in the figure header (one entry per asset)."""
        return f"{self.package}/{self.file}"


LEAFLET = (Asset("leaflet", "leaflet.js", "js"), Asset("leaflet", "leaflet.css", "css"))
# MarkerCluster.Default.css is not used: clusters are drawn as status rings (maps.markers).
MARKERCLUSTER = (
    Asset("leaflet.markercluster", "leaflet.markercluster.js", "js"),
    Asset("leaflet.markercluster", "MarkerCluster.css", "css"),
)
# Vector tiles (Mapbox Vector Tile decoding and SVG drawing) for layers too big to embed.
VECTORGRID = (Asset("leaflet.vectorgrid", "Leaflet.VectorGrid.bundled.min.js", "js"),)
ALL_ASSETS = (*LEAFLET, *MARKERCLUSTER, *VECTORGRID)


@lru_cache(maxsize=1)
def manifest() -> dict[str, Any]:
    """The vendored packages: version, licence and sha256 of every file."""
    data: dict[str, Any] = json.loads((VENDOR_DIR / "manifest.json").read_text("utf-8"))
    packages: dict[str, Any] = data["packages"]
    return packages


def package_version(package: str) -> str:
    """Pinned version of a vendored package."""
    return str(manifest()[package]["version"])


@lru_cache(maxsize=1)
def static_files() -> dict[str, Path]:
    """Every file the static route may serve, by path below ``static/`` (nothing else)."""
    out: dict[str, Path] = {}
    for package, meta in manifest().items():
        base = f"vendor/{package}@{meta['version']}"
        for name in meta["files"]:
            out[f"{base}/{name}"] = VENDOR_DIR / f"{package}@{meta['version']}" / name
    return out


_CSS_URL = re.compile(r"url\((['\"]?)([^)'\"#][^)'\"]*)\1\)")
_SOURCE_MAP = re.compile(r"\n?//# sourceMappingURL=\S+\s*$")


def _inline_css(asset: Asset) -> str:
    """CSS text with every relative ``url(...)`` turned into a data: URI."""
    folder = static_files()[asset.path].parent

    def to_data_uri(match: re.Match[str]) -> str:
        target = (folder / match.group(2)).resolve()
        mime = {".png": "image/png", ".svg": "image/svg+xml", ".woff2": "font/woff2"}.get(
            target.suffix, "application/octet-stream"
        )
        encoded = base64.b64encode(target.read_bytes()).decode("ascii")
        return f'url("data:{mime};base64,{encoded}")'

    return _CSS_URL.sub(to_data_uri, static_files()[asset.path].read_text("utf-8"))


def _inline_js(asset: Asset) -> str:
    text = static_files()[asset.path].read_text("utf-8")
    # The source map is not shipped inline; "</script" would end the inline element early.
    text = _SOURCE_MAP.sub("", text)
    return re.sub(r"</(script)", r"<\\/\1", text, flags=re.IGNORECASE)


@lru_cache(maxsize=16)
def _inline_text(asset: Asset) -> str:
    return _inline_css(asset) if asset.kind == "css" else _inline_js(asset)


@dataclass(frozen=True, slots=True)
class Assets:
    """How a map loads its vendored files: linked below a URL, or inlined.

    Build with :meth:`served` (the app's pages, or files beside a written page) or
    :meth:`inline` (one self-contained file). Both resolve everything up front (URLs or
    texts, from the manifest), so the builders that use an ``Assets`` read no files.
    """

    urls: Mapping[str, str] = field(default_factory=dict)
    texts: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def served(cls, static_url: str = DEFAULT_STATIC_URL) -> Assets:
        """Link every asset below ``static_url`` (root-relative: no host in the page)."""
        base = static_url.rstrip("/")
        return cls(urls={a.key: f"{base}/{a.path}" for a in ALL_ASSETS})

    @classmethod
    def inline(cls) -> Assets:
        """Inline every asset (images and fonts as data: URIs): the file needs no server."""
        return cls(texts={a.key: _inline_text(a) for a in ALL_ASSETS})

    @property
    def is_inline(self) -> bool:
        """True when the assets are written into the page."""
        return not self.urls

    def element(self, asset: Asset) -> Element:
        """The header element that loads ``asset``."""
        if asset.key in self.urls:
            url = self.urls[asset.key]
            return JavascriptLink(url) if asset.kind == "js" else CssLink(url)
        text = self.texts[asset.key]
        tag = "script" if asset.kind == "js" else "style"
        return Raw(f"<{tag}>{text}</{tag}>")


class OfflineMap(folium.Map, RenderOnce):
    """A ``folium.Map`` whose class-level asset lists are its own, empty, never mutated.

    Folium's ``Map.default_js``/``default_css`` name CDN URLs; overriding them here (not
    patching folium) keeps them out of every BorderMap page, in every thread. It renders
    through :class:`maps.render.RenderOnce`.
    """

    default_js: list[tuple[str, str]] = []
    default_css: list[tuple[str, str]] = []


def figure_of(m: folium.Map) -> Figure:
    """The page (``branca`` Figure) a map renders into."""
    root = m.get_root()
    if not isinstance(root, Figure):
        raise TypeError("the map is not attached to a Figure")
    return root


def require(m: folium.Map, assets: Assets, bundle: tuple[Asset, ...]) -> None:
    """Add the files of ``bundle`` to the figure of ``m`` (in order, once each)."""
    header = figure_of(m).header
    for asset in bundle:
        header.add_child(assets.element(asset), name=asset.key)
