"""maps.coverage: border communes coloured by officer coverage (pure builder, no DB, no disk).

Each commune feature carries the figures of the coverage API for it (the service merges
``service.db.coverage.commune_coverage`` rows with display geometry), so tooltips, legend
and summary show exactly what ``/coverage/communes`` returns.
"""

from __future__ import annotations

from collections import Counter
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
from maps.elements import ESCAPE_JS, GeoJsonLayer, Panel, Script, js_const
from service.figures import CoverageSummary

# Properties every commune feature must have (the coverage API's fields, minus names).
COMMUNE_FIELDS = (
    "code",
    "name",
    "province_code",
    "province_name",
    "is_land_border",
    "is_coastal",
    "officers",
    "officers_by_role",
)


_TOOLTIP_JS = """
function bmCommuneTooltip(p) {
    var e = bmEsc;
    var rows = "", roles = Object.keys(p.officers_by_role).sort();
    for (var i = 0; i < roles.length; i++) {
        rows += "<tr><td>" + (BM_ROLES[roles[i]] || roles[i]) + "</td><td class='n'>"
            + p.officers_by_role[roles[i]] + "</td></tr>";
    }
    var where = [p.is_land_border ? "land border" : "", p.is_coastal ? "coastal" : ""]
        .filter(Boolean).join(", ");
    return "<b>" + e(p.name) + "</b> <span class='muted'>" + e(p.code) + "</span><br>"
        + e(p.province_name) + " (" + e(p.province_code) + ") &middot; " + where
        + "<table><tr><td>Officers</td><td class='n'>" + p.officers + "</td></tr>"
        + (p.officers ? rows : "<tr><td colspan=2><b>Uncovered</b></td></tr>")
        + "</table>";
}
"""

# Leaflet path options per coverage class (the style table of the commune layers).
STYLES = {
    cls.key: {
        "fillColor": cls.fill,
        "fillOpacity": 0.85 if cls is style.UNCOVERED else 0.75,
        "color": cls.line,
        "weight": 1.6 if cls is style.UNCOVERED else 0.6,
        "dashArray": "3 2" if cls is style.UNCOVERED else None,
    }
    for cls in style.COVERAGE_CLASSES
}
HIGHLIGHT = {"weight": 3, "color": "#000000", "dashArray": None}


def _check(features: dict[str, Any]) -> None:
    for f in features["features"]:
        missing = [k for k in COMMUNE_FIELDS if k not in f.get("properties", {})]
        if missing:
            raise ValueError(f"commune feature lacks {', '.join(missing)}")


def _layer(features: list[dict[str, Any]], name: str, css: str) -> GeoJsonLayer:
    keyed = [
        {
            **f,
            "id": f["properties"]["code"],
            "properties": {
                **f["properties"],
                "cls": style.coverage_class(int(f["properties"]["officers"])).key,
            },
        }
        for f in features
    ]
    return GeoJsonLayer(
        keyed,
        name=name,
        style_key="cls",
        styles=STYLES,
        class_name=css,
        tooltip_js="bmCommuneTooltip",
        highlight=HIGHLIGHT,
    )


def legend_html(class_counts: Mapping[str, int]) -> str:
    """Legend rows: one per coverage class, with how many communes on the map are in it."""
    rows = []
    for cls in style.COVERAGE_CLASSES:
        dash = "border-style:dashed;border-width:2px;" if cls is style.UNCOVERED else ""
        rows.append(
            f'<tr data-class="{cls.key}"><td><span class="bm-swatch" style="background:'
            f'{cls.fill};border-color:{cls.line};{dash}"></span>{escape(cls.label)}</td>'
            f'<td class="n">{class_counts.get(cls.key, 0)}</td></tr>'
        )
    rows.append(
        f'<tr><td><span class="bm-swatch line" style="border-color:{style.BORDER_LINE}">'
        "</span>Land border</td><td></td></tr>"
        f'<tr><td><span class="bm-swatch line" style="border-color:{style.PROVINCE_LINE};'
        'border-top-style:dashed"></span>Province outline</td><td></td></tr>'
    )
    return (
        "<h3>Seconded officers per commune</h3>"
        f'<table id="bm-legend-table">{"".join(rows)}</table>'
        '<div class="muted">Communes per class on this map</div>'
    )


def summary_html(summary: CoverageSummary, scope: str) -> str:
    """The summary panel: the coverage API's totals for the map's filters (``scope``)."""
    fig = summary.totals
    both = fig.land_communes + fig.coastal_communes - fig.communes
    pct = f"{100.0 * fig.covered / fig.communes:.1f} %" if fig.communes else "n/a"
    role_rows = "".join(
        f'<tr data-role="{escape(role)}"><td>&nbsp;&nbsp;{escape(style.role_label(role))}</td>'
        f'<td class="n">{n}</td></tr>'
        for role, n in sorted(fig.officers_by_role.items())
    )
    era = "pre-2025 units" if summary.era == "pre2025" else "units since 1 Jul 2025"
    return (
        f"<h3>Officer coverage, {summary.as_of.isoformat()}</h3>"
        f'<div class="muted">{escape(scope)} &middot; {era}</div>'
        '<table id="bm-summary-table">'
        f'<tr data-key="communes"><td>Border communes</td><td class="n">{fig.communes}</td></tr>'
        f'<tr data-key="land_communes"><td>&nbsp;&nbsp;on the land border</td>'
        f'<td class="n">{fig.land_communes}</td></tr>'
        f'<tr data-key="coastal_communes"><td>&nbsp;&nbsp;coastal</td>'
        f'<td class="n">{fig.coastal_communes}</td></tr>'
        + (f'<tr><td>&nbsp;&nbsp;(both)</td><td class="n">{both}</td></tr>' if both > 0 else "")
        + f'<tr data-key="covered"><td>Covered</td><td class="n">{fig.covered}</td></tr>'
        f'<tr data-key="uncovered"><td><b>Uncovered</b></td>'
        f'<td class="n">{fig.uncovered}</td></tr>'
        f'<tr data-key="covered_pct"><td>Share covered</td><td class="n">{pct}</td></tr>'
        f'<tr data-key="officers"><td>Officers seconded</td><td class="n">{fig.officers}</td></tr>'
        f"{role_rows}</table>"
        '<div class="muted">Officers by role count each officer once per role.</div>'
    )


def targets_html(targets: Sequence[tuple[str, int, int]]) -> str:
    """The targets panel: (name, covered, communes) of each target on the map's date."""
    rows = "".join(
        f'<tr data-target="{k}"><td>{escape(name)}</td>'
        f'<td class="n">{covered}/{communes}</td>'
        f'<td class="n">{f"{100.0 * covered / communes:.1f} %" if communes else "n/a"}</td></tr>'
        for k, (name, covered, communes) in enumerate(targets)
    )
    return f'<h3>Targets</h3><table id="bm-targets-table">{rows}</table>'


def coverage_map(
    communes: Any,
    summary: CoverageSummary,
    *,
    scope: str,
    basemap: Basemap,
    assets: Assets,
    tiles: Tiles | None = None,
    targets: Sequence[tuple[str, int, int]] = (),
) -> OfflineMap:
    """The officer-coverage map of the border communes.

    Parameters
    ----------
    communes
        FeatureCollection (or GeoDataFrame in any CRS) of the border communes, one feature
        each, with the properties in ``COMMUNE_FIELDS`` (officer counts only, no names).
    summary
        The coverage figures for the same filters; the summary panel shows its totals.
    scope
        A human description of the filters (province), for the panel title.
    basemap, assets, tiles
        See :mod:`maps.base` and :mod:`maps.assets`.
    targets
        (name, covered, communes) per coverage target on the same date and province (the
        ``/coverage/targets`` totals); shown in a small panel when given.

    Returns
    -------
    OfflineMap
        Land-border and coastal-only communes as two layers, outlines, legend, summary.
    """
    data = as_features(communes)
    _check(data)
    m = new_map(
        assets=assets,
        basemap=basemap,
        tiles=tiles,
        synthetic=summary.synthetic,
        bounds=feature_bounds(data),
    )
    m.add_child(Script(js_const("BM_ROLES", style.ROLE_LABELS) + ESCAPE_JS + _TOOLTIP_JS))
    # A commune on the land border and the coast is drawn once, in the land layer.
    drawn = [f for f in data["features"] if f.get("geometry")]
    land = [f for f in drawn if f["properties"]["is_land_border"]]
    coastal = [f for f in drawn if not f["properties"]["is_land_border"]]
    for key, feats, name in (
        ("communes_land", land, f"Land-border communes ({len(land)})"),
        ("communes_coastal", coastal, f"Coastal communes ({len(coastal)})"),
    ):
        add_layer(m, key, _layer(feats, name, f"bm-commune {key}"))
    add_outlines(m, basemap)
    counts = Counter(
        style.coverage_class(int(f["properties"]["officers"])).key for f in data["features"]
    )
    m.add_child(Panel(legend_html(counts), dom_id="bm-legend", position="bottomright"))
    m.add_child(Panel(summary_html(summary, scope), dom_id="bm-summary", position="topleft"))
    if targets:
        m.add_child(Panel(targets_html(targets), dom_id="bm-targets", position="bottomleft"))
    return finish(m)
