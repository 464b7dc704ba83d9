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
from maps.charts import Bar, fmt_pct, percent_bars_svg, year_bars_svg
from maps.controls import ViewControls, controls_panel
from maps.elements import ESCAPE_JS, Panel, Script, js_const, number_js
from maps.page import PageText
from maps.segments import TOOLTIP_JS, progress_legend_rows, segment_texts, segments_layer
from maps.text import Translator
from service.figures import Progress


def _km(v: float | None, tr: Translator) -> str:
    return tr.gettext("n/a") if v is None else tr.format_number(v, 1)


def summary_html(borders: Sequence[Progress], as_of: dt.date, scope: str, tr: Translator) -> str:
    """One block per border: % of the line demarcated, km, markers planted."""
    n = tr.format_number
    of = tr.gettext("{part} of {whole}")
    rows = "".join(
        f'<tr data-border="{escape(b.border_code)}"><th colspan="2" scope="rowgroup"><b>'
        f"{escape(style.border_label(b.border_code, tr))}</b></th></tr>"
        f'<tr data-border-pct="{escape(b.border_code)}"><td>&nbsp;&nbsp;'
        f"{escape(tr.gettext('line demarcated'))}</td>"
        f'<td class="n">{fmt_pct(b.pct_km, tr)}</td></tr>'
        f'<tr><td>&nbsp;&nbsp;{escape(tr.gettext("km demarcated"))}</td><td class="n">'
        f"{escape(of.format(part=_km(b.km_demarcated, tr), whole=_km(b.length_km, tr)))}"
        " km</td></tr>"
        f'<tr><td>&nbsp;&nbsp;{escape(tr.gettext("markers planted"))}</td><td class="n">'
        f"{escape(of.format(part=n(b.markers_planted), whole=n(b.markers_total)))}</td></tr>"
        for b in borders
    )
    title = tr.gettext("Demarcation progress, {date}").format(date=tr.format_date(as_of))
    return (
        f"<h3>{escape(title)}</h3>"
        f'<div class="muted">{escape(scope)}</div>'
        f'<table id="bm-summary-table">{rows}</table>'
    )


def chart_html(segments: dict[str, Any], planting: Mapping[int, int], tr: Translator) -> str:
    """The chart panel: markers planted per year, then % demarcated per segment (by name)."""
    feats = sorted(
        segments["features"],
        key=lambda f: (f["properties"]["border_code"], str(f["properties"]["province_name"])),
    )
    bars = [
        Bar(
            label=style.short_province(f["properties"]["province_name"]),
            pct=f["properties"]["pct_km"],
            colour=style.progress_colour(f["properties"]["pct_km"]),
            note=style.segment_label(
                f["properties"]["province_name"], f["properties"]["border_code"], tr
            ),
            key=f["properties"]["segment_code"],
        )
        for f in feats
    ]
    return (
        f"<h3>{escape(tr.gettext('Markers planted per year'))}</h3>"
        + year_bars_svg(
            planting,
            title=tr.gettext("Markers first planted per year (dashed: cumulative)"),
            tr=tr,
        )
        + f"<h3>{escape(tr.gettext('Line demarcated per segment'))}</h3>"
        + percent_bars_svg(
            bars,
            title=tr.gettext("Per cent of each segment's line demarcated"),
            tr=tr,
            width=340,
            label_w=96,
        )
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
    tr: Translator,
    page: PageText | None = None,
    controls: ViewControls | None = None,
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
    tr, page, controls
        The reader's language, the top bar and the filter panel (:mod:`maps.controls`).
    """
    lines = as_features(segments)
    m = new_map(
        assets=assets,
        basemap=basemap,
        page=page or PageText(tr.gettext("Demarcation progress by segment"), tr.lang),
        tr=tr,
        tiles=tiles,
        synthetic=synthetic,
        bounds=feature_bounds(lines),
    )
    m.add_child(
        Script(js_const("BM_T", segment_texts(tr)) + ESCAPE_JS + number_js(tr) + TOOLTIP_JS)
    )
    add_outlines(m, basemap, tr)
    add_layer(m, "segments", segments_layer(lines, weight=6, tr=tr))
    m.add_child(
        Panel(
            summary_html(borders, as_of, scope, tr),
            dom_id="bm-summary",
            title=tr.gettext("Summary"),
            position="topleft",
        )
    )
    m.add_child(
        Panel(
            f"<h3>{escape(tr.gettext('Line demarcated'))}</h3>"
            f'<table id="bm-legend-table">{progress_legend_rows(tr)}</table>',
            dom_id="bm-legend",
            title=tr.gettext("Legend"),
            position="bottomleft",
        )
    )
    m.add_child(
        Panel(
            chart_html(lines, planting, tr),
            dom_id="bm-chart",
            title=tr.gettext("Charts"),
            position="bottomright",
            css_class="bm-chart",
        )
    )
    if controls is not None:
        m.add_child(controls_panel(controls, tr))
    return finish(m, tr)
