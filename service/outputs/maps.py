"""service.outputs.maps: load what each web map shows and hand it to the :mod:`maps` builders.

Shared by the routes (``/maps/...``) and the CLI (``bordermap map ...``). The figures come
from :mod:`service.db.coverage` and :mod:`service.db.progress` (the same functions as
``/coverage/communes`` and ``/progress/segments``), the display geometry from
:mod:`service.db.maplayers`. Filters must be checked before (:mod:`service.params`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from maps import style
from maps.assets import Assets, OfflineMap
from maps.base import Basemap, Tiles
from maps.communes import communes_map
from maps.controls import ViewControls
from maps.coverage import COMMUNE_FIELDS, coverage_map
from maps.elements import RawGeometry
from maps.kinds import MapKind
from maps.markers import MARKER_FIELDS, markers_map
from maps.page import PageText
from maps.places import places_layer
from maps.progress import progress_map
from maps.segments import SEGMENT_FIELDS
from service.db import maplayers
from service.db.coverage import commune_coverage, coverage_summary
from service.db.lineage import lineage
from service.db.places import gate_points, post_points
from service.db.progress import border_progress, segment_progress
from service.db.targets import list_targets, target_coverage
from service.db.units import Executor, province_name
from service.figures import Progress
from service.i18n import Translator
from service.settings import Settings
from service.vocabulary import era_on


@dataclass(frozen=True, slots=True)
class MapQuery:
    """One map and its (already checked) filters; hashable, so it keys the map cache.

    ``lang`` is part of the key: a page is built in one language. ``communes`` is the
    coverage map's land / coastal / all choice (``kind`` of ``/coverage``).
    """

    kind: MapKind
    as_of: dt.date
    province: str | None = None
    border: str | None = None
    communes: str = "all"
    lang: str = "vi"


@dataclass(frozen=True, slots=True)
class MapPage:
    """What surrounds a map: its top bar and filter panel (None: a bare map, e.g. a file)."""

    page: PageText | None = None
    controls: ViewControls | None = None


def tiles_of(settings: Settings) -> Tiles | None:
    """The operator's tile layer, if one is configured (the only external host allowed)."""
    if not settings.tiles_url:
        return None
    return Tiles(url=settings.tiles_url, attribution=settings.tiles_attribution)


@dataclass(frozen=True, slots=True)
class _Ctx:
    basemap: Basemap
    tiles: Tiles | None
    assets: Assets
    tr: Translator
    around: MapPage


def build_map(
    db: Executor,
    query: MapQuery,
    *,
    settings: Settings,
    assets: Assets,
    tr: Translator,
    around: MapPage | None = None,
    api_url: str | None = None,
) -> OfflineMap:
    """The folium map for ``query``, read in one snapshot of ``db``, in ``tr``'s language.

    ``api_url``: where the page reaches this service's API (root-relative in served
    pages); with it, layers above ``settings.map_tiles_threshold`` features are drawn from
    its vector tiles. Without it (a file written by the CLI) everything is embedded.
    """
    base = maplayers.basemap_layers(db, as_of=query.as_of, province=query.province)
    basemap = Basemap(
        countries=_raw(base.countries), provinces=_raw(base.provinces), borders=_raw(base.borders)
    )
    ctx = _Ctx(basemap, tiles_of(settings), assets, tr, around or MapPage())
    if query.kind == "coverage":
        return _coverage(db, query, ctx)
    if query.kind == "markers":
        return _markers(db, query, ctx)
    if query.kind == "communes":
        limit = settings.map_tiles_threshold if api_url is not None else None
        return _communes(db, query, ctx, limit, api_url or "")
    return _progress(db, query, ctx)


def _feature(
    shape: maplayers.Shape | dict[str, Any] | None, props: dict[str, Any]
) -> dict[str, Any]:
    if isinstance(shape, maplayers.Shape):  # GeoJSON text from PostGIS, embedded as is
        return {
            "type": "Feature",
            "bbox": list(shape.bbox),
            "geometry": RawGeometry(shape.geojson),
            "properties": props,
        }
    return {"type": "Feature", "geometry": shape, "properties": props}


def _props(row: object, names: tuple[str, ...]) -> dict[str, Any]:
    """The properties a map builder requires (its ``*_FIELDS``), read off a figures row."""
    return {name: getattr(row, name) for name in names}


def _raw(fc: dict[str, Any]) -> dict[str, Any]:
    features = [
        {**f, "geometry": RawGeometry(f["geometry"]) if f["geometry"] else None}
        for f in fc["features"]
    ]
    return {"type": "FeatureCollection", "features": features}


def _coverage(db: Executor, q: MapQuery, ctx: _Ctx) -> OfflineMap:
    rows = commune_coverage(db, as_of=q.as_of, province=q.province, kind=q.communes)
    summary = coverage_summary(db, as_of=q.as_of, province=q.province, kind=q.communes)
    land = coverage_summary(db, as_of=q.as_of, province=q.province, kind="land")
    coastal = coverage_summary(db, as_of=q.as_of, province=q.province, kind="coastal")
    shapes = maplayers.commune_shapes(db, era=era_on(q.as_of), codes=[r.code for r in rows])
    era = era_on(q.as_of)
    linked = lineage(db, "commune", era, [r.code for r in rows])
    features = [
        _feature(
            shapes.get(r.code),
            # what the commune became (old units) or was formed from (new ones)
            _props(r, COMMUNE_FIELDS)
            | {
                "lineage": [u.name for u in linked.get(r.code, [])],
                "lineage_kind": "became" if era == "pre2025" else "formed_from",
            },
        )
        for r in rows
    ]
    name = province_name(db, q.province, era=era) if q.province else None
    goals = [target_coverage(db, t, as_of=q.as_of, province=q.province) for t in list_targets(db)]
    return coverage_map(
        {"type": "FeatureCollection", "features": features},
        summary,
        scope=name or ctx.tr.gettext("All border provinces"),
        land=land.totals,
        coastal=coastal.totals,
        basemap=ctx.basemap,
        assets=ctx.assets,
        tiles=ctx.tiles,
        tr=ctx.tr,
        page=ctx.around.page,
        controls=ctx.around.controls,
        targets=[(g.target.name, g.totals.covered, g.totals.communes) for g in goals],
    )


def _communes(db: Executor, q: MapQuery, ctx: _Ctx, limit: int | None, api_url: str) -> OfflineMap:
    layer = maplayers.commune_layer(
        db, as_of=q.as_of, province=q.province, max_features=limit if limit is not None else 10**9
    )
    tile_url = None
    if layer.features is None:
        filters = {"as_of": q.as_of.isoformat(), "province": q.province}
        query = urlencode({k: v for k, v in filters.items() if v})
        tile_url = f"{api_url}/collections/communes/tiles/WebMercatorQuad/{{z}}/{{x}}/{{y}}?{query}"
    x0, y0, x1, y1 = layer.bbox or (102.1, 8.2, 109.5, 23.4)
    return communes_map(
        None
        if layer.features is None
        else _raw({"type": "FeatureCollection", "features": layer.features}),
        counts=layer.counts,
        era=layer.era,
        tile_url=tile_url,
        bounds=[[y0, x0], [y1, x1]],
        synthetic=layer.synthetic,
        basemap=ctx.basemap,
        assets=ctx.assets,
        tr=ctx.tr,
        page=ctx.around.page,
        tiles=ctx.tiles,
    )


def _segments(db: Executor, q: MapQuery) -> tuple[list[Progress], dict[str, Any]]:
    rows = segment_progress(db, as_of=q.as_of, border=q.border, province=q.province)
    lines = maplayers.segment_lines(db, as_of=q.as_of, border=q.border, province=q.province)
    features = [_feature(lines.get(r.segment_code or ""), _props(r, SEGMENT_FIELDS)) for r in rows]
    return rows, {"type": "FeatureCollection", "features": features}


def _markers(db: Executor, q: MapQuery, ctx: _Ctx) -> OfflineMap:
    points = maplayers.marker_points(db, as_of=q.as_of, border=q.border, province=q.province)
    seg_rows, segments = _segments(db, q)
    features = [
        _feature({"type": "Point", "coordinates": [p.lon, p.lat]}, _props(p, MARKER_FIELDS))
        for p in points
    ]
    synthetic = any(p.synthetic for p in points) or any(r.synthetic for r in seg_rows)
    posts = post_points(db, as_of=q.as_of, province=q.province)
    gates = gate_points(db, border=q.border)
    return markers_map(
        {"type": "FeatureCollection", "features": features},
        segments,
        as_of=q.as_of,
        basemap=ctx.basemap,
        assets=ctx.assets,
        tiles=ctx.tiles,
        synthetic=synthetic,
        tr=ctx.tr,
        page=ctx.around.page,
        controls=ctx.around.controls,
        places=[
            ("posts", places_layer(posts, name=ctx.tr.gettext("Border posts"), key="posts")),
            ("gates", places_layer(gates, name=ctx.tr.gettext("Border gates"), key="gates")),
        ],
    )


def scope_label(q: MapQuery, province: str | None, tr: Translator) -> str:
    """The border and province filters in words (``Việt Nam – Lào · Điện Biên``)."""
    border = style.border_label(q.border, tr) if q.border else tr.gettext("All borders")
    where = province or q.province if q.province else tr.gettext("all provinces")
    return f"{border} · {where}"


def _progress(db: Executor, q: MapQuery, ctx: _Ctx) -> OfflineMap:
    seg_rows, segments = _segments(db, q)
    borders = border_progress(db, as_of=q.as_of, border=q.border, province=q.province)
    planting = maplayers.planting_by_year(db, as_of=q.as_of, border=q.border, province=q.province)
    name = province_name(db, q.province, era=era_on(q.as_of)) if q.province else None
    synthetic = any(r.synthetic for r in seg_rows) or any(b.synthetic for b in borders)
    return progress_map(
        segments,
        borders,
        planting,
        as_of=q.as_of,
        scope=scope_label(q, name, ctx.tr),
        basemap=ctx.basemap,
        assets=ctx.assets,
        tiles=ctx.tiles,
        synthetic=synthetic,
        tr=ctx.tr,
        page=ctx.around.page,
        controls=ctx.around.controls,
    )
