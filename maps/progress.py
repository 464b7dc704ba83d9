"""maps.progress: border segments coloured by % demarcated, with charts (pure builder).

A side panel shows a bar per segment (% of the line demarcated) and a timeline of markers
planted per year, as inline SVG drawn here: nothing to download, readable offline.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from maps import style
from maps.assets import Assets, OfflineMap
from maps.base import (
    Basemap,
    Tiles,
    add_layer,
    add_outlines,
    as_features,
    feature_bounds,
    finish,
    new_map,
)
from maps.charts import Bar, percent_bars_svg, year_bars_svg
from maps.elements import ESCAPE_JS, Panel, Script
from maps.segments import TOOLTIP_JS, progress_legend_rows, segments_layer
from service.figures import Progress


def _fmt(v: float | None, unit: str) -> str:
    return "n/a" if v is None else f"{v:,.1f}{unit}"


def summary_html(borders: Sequence[Progress], as_of: dt.date, scope: str) -> str:
    """One block per border: % of the line demarcated, km, markers planted."""
    rows = "".join(
        f'<tr data-border="{escape(b.border_code)}"><td colspan="2"><b>'
        f"{escape(b.border_name)}</b></td></tr>"
        f'<tr data-border-pct="{escape(b.border_code)}"><td>&nbsp;&nbsp;line demarcated</td>'
        f'<td class="n">{_fmt(b.pct_km, " %")}</td></tr>'
        f'<tr><td>&nbsp;&nbsp;km demarcated</td><td class="n">{_fmt(b.km_demarcated, "")}'
        f" of {_fmt(b.length_km, ' km')}</td></tr>"
        f'<tr><td>&nbsp;&nbsp;markers planted</td><td class="n">{b.markers_planted:,}'
        f" of {b.markers_total:,}</td></tr>"
        for b in borders
    )
    return (
        f"<h3>Demarcation progress, {as_of.isoformat()}</h3>"
        f'<div class="muted">{escape(scope)}</div>'
        f'<table id="bm-summary-table">{rows}</table>'
    )


def chart_html(segments: dict[str, Any], planting: Mapping[int, int]) -> str:
    """The chart panel: markers planted per year, then % demarcated per segment."""
    feats = sorted(
        segments["features"],
        key=lambda f: (f["properties"]["border_code"], f["properties"]["segment_code"]),
    )
    bars = [
        Bar(
            label=f["properties"]["segment_code"],
            pct=f["properties"]["pct_km"],
            colour=style.progress_colour(f["properties"]["pct_km"]),
            note=str(f["properties"]["province_name"]),
        )
        for f in feats
    ]
    return (
        "<h3>Markers planted per year</h3>"
        + year_bars_svg(planting, title="Markers first planted per year (dashed: cumulative)")
        + "<h3 style='margin-top:8px'>Line demarcated per segment</h3>"
        + percent_bars_svg(bars, title="Percent of each segment's line demarcated")
    )


def progress_map(
    segments: Any,
    borders: Sequence[Progress],
    planting: Mapping[int, int],
    *,
    as_of: dt.date,
    scope: str,
    basemap: Basemap,
    assets: Assets,
    tiles: Tiles | None = None,
    synthetic: bool,
) -> OfflineMap:
    """The progress map of the border segments.

    Parameters
    ----------
    segments
        Lines (FeatureCollection or GeoDataFrame) with ``maps.segments.SEGMENT_FIELDS``.
    borders
        Border-level figures for the summary panel.
    planting
        Markers first planted per year (the timeline).
    as_of, scope
        Date and a human description of the filters, for the panel titles.
    """
    lines = as_features(segments)
    m = new_map(
        assets=assets,
        basemap=basemap,
        tiles=tiles,
        synthetic=synthetic,
        bounds=feature_bounds(lines),
    )
    m.add_child(Script(ESCAPE_JS + TOOLTIP_JS))
    add_outlines(m, basemap)
    add_layer(m, "segments", segments_layer(lines, weight=6))
    m.add_child(Panel(summary_html(borders, as_of, scope), dom_id="bm-summary", position="topleft"))
    m.add_child(
        Panel(
            f'<h3>Line demarcated</h3><table id="bm-legend-table">{progress_legend_rows()}</table>',
            dom_id="bm-legend",
            position="bottomleft",
        )
    )
    m.add_child(
        Panel(
            chart_html(lines, planting),
            dom_id="bm-chart",
            position="bottomright",
            css_class="bm-chart",
        )
    )
    return finish(m)
