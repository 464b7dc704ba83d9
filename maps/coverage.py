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
from maps.controls import ViewControls, controls_panel
from maps.elements import ESCAPE_JS, GeoJsonLayer, Panel, Script, js_const, number_js
from maps.page import PageText
from maps.text import Translator
from service.figures import CoverageSummary, ProvinceCoverage

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


# Needs bmEsc, bmNum, BM_T (coverage_texts) and BM_ROLES on the page.
_TOOLTIP_JS = """
function bmCommuneTooltip(p) {
    var e = bmEsc;
    var rows = "", roles = Object.keys(p.officers_by_role).sort();
    for (var i = 0; i < roles.length; i++) {
        rows += "<tr><td>" + e(BM_ROLES[roles[i]] || roles[i]) + "</td><td class='n'>"
            + bmNum(p.officers_by_role[roles[i]]) + "</td></tr>";
    }
    var where = [p.is_land_border ? BM_T.land : "", p.is_coastal ? BM_T.coastal : ""]
        .filter(Boolean).join(", ");
    return "<b>" + e(p.name) + "</b> <span class='muted'>" + e(p.code) + "</span><br>"
        + e(p.province_name) + " &middot; " + where
        + "<table><tr><td>" + BM_T.officers + "</td><td class='n'>" + bmNum(p.officers)
        + "</td></tr>"
        + (p.officers ? rows : "<tr><td colspan=2><b>" + BM_T.uncovered + "</b></td></tr>")
        + "</table>"
        + (p.lineage && p.lineage.length
            ? "<div>" + BM_T[p.lineage_kind] + ": " + p.lineage.map(e).join(", ") + "</div>"
            : "");
}
"""


def coverage_texts(tr: Translator) -> dict[str, str]:
    """The words of the commune tooltip (``BM_T``), in the reader's language."""
    return {
        "na": tr.gettext("n/a"),
        "land": tr.gettext("land border"),
        "coastal": tr.gettext("coastal"),
        "officers": tr.gettext("Officers"),
        "uncovered": tr.gettext("Uncovered"),
        # admin_lineage: what an old commune became, what a new one was formed from
        "became": tr.gettext("Became"),
        "formed_from": tr.gettext("Formed from"),
    }


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


def legend_html(class_counts: Mapping[str, int], tr: Translator) -> str:
    """Legend rows: one per coverage class, with how many communes on the map are in it."""
    rows = []
    for cls in style.COVERAGE_CLASSES:
        dash = "border-style:dashed;border-width:2px;" if cls is style.UNCOVERED else ""
        rows.append(
            f'<tr data-class="{cls.key}"><td><span class="bm-swatch" style="background:'
            f'{cls.fill};border-color:{cls.line};{dash}"></span>{escape(tr.gettext(cls.label))}'
            f'</td><td class="n">{tr.format_number(class_counts.get(cls.key, 0))}</td></tr>'
        )
    rows.append(
        f'<tr><td><span class="bm-swatch line" style="border-color:{style.BORDER_LINE}">'
        f"</span>{escape(tr.gettext('Land border'))}</td><td></td></tr>"
        f'<tr><td><span class="bm-swatch line" style="border-color:{style.PROVINCE_LINE};'
        f'border-top-style:dashed"></span>{escape(tr.gettext("Province outline"))}</td>'
        "<td></td></tr>"
    )
    return (
        f"<h3>{escape(tr.gettext('Seconded officers per commune'))}</h3>"
        f'<table id="bm-legend-table">{"".join(rows)}</table>'
        f'<div class="muted">{escape(tr.gettext("Communes per class on this map"))}</div>'
    )


def _pct(part: int, whole: int, tr: Translator) -> str:
    return tr.format_number(100.0 * part / whole, 1) + " %" if whole else tr.gettext("n/a")


def kinds_html(
    land: ProvinceCoverage | None, coastal: ProvinceCoverage | None, tr: Translator
) -> str:
    """Land-border and coastal communes side by side: never one mixed national figure."""
    kinds = [(k, f) for k, f in (("land", land), ("coastal", coastal)) if f is not None]
    if not kinds:
        return ""
    names = {"land": tr.gettext("Land border"), "coastal": tr.gettext("Coastal")}
    head = "".join(f'<th scope="col" class="n">{escape(names[k])}</th>' for k, _ in kinds)
    rows = []
    for key, label in (
        ("communes", tr.gettext("Border communes")),
        ("covered", tr.gettext("Covered")),
        ("uncovered", tr.gettext("Uncovered")),
    ):
        cells = "".join(
            f'<td class="n" data-kind="{k}">{tr.format_number(getattr(f, key))}</td>'
            for k, f in kinds
        )
        rows.append(f'<tr data-kind-key="{key}"><th scope="row">{escape(label)}</th>{cells}</tr>')
    share = "".join(
        f'<td class="n" data-kind="{k}">{_pct(f.covered, f.communes, tr)}</td>' for k, f in kinds
    )
    rows.append(
        f'<tr data-kind-key="covered_pct"><th scope="row">{escape(tr.gettext("Share covered"))}'
        f"</th>{share}</tr>"
    )
    return f'<table id="bm-kinds-table"><tr><td></td>{head}</tr>{"".join(rows)}</table>'


def summary_html(
    summary: CoverageSummary,
    scope: str,
    tr: Translator,
    *,
    land: ProvinceCoverage | None = None,
    coastal: ProvinceCoverage | None = None,
) -> str:
    """The summary panel: the coverage API's totals for the map's filters (``scope``).

    Then, given the totals of the land-border and of the coastal communes on their own
    (``kind=land``/``coastal``), both side by side.
    """
    fig = summary.totals
    both = fig.land_communes + fig.coastal_communes - fig.communes
    n = tr.format_number
    role_rows = "".join(
        f'<tr data-role="{escape(role)}"><td>&nbsp;&nbsp;{escape(style.role_label(role, tr))}'
        f'</td><td class="n">{n(count)}</td></tr>'
        for role, count in sorted(fig.officers_by_role.items())
    )
    era = tr.gettext(style.ERA_LABELS.get(summary.era, summary.era))
    shown = {
        "all": tr.gettext("all border communes"),
        "land": tr.gettext("land-border communes"),
        "coastal": tr.gettext("coastal communes"),
    }.get(summary.kind, summary.kind)
    title = tr.gettext("Officer coverage, {date}").format(date=tr.format_date(summary.as_of))
    return (
        f"<h3>{escape(title)}</h3>"
        f'<div class="muted">{escape(scope)} &middot; {escape(era)} &middot; '
        f"{escape(shown)}</div>"
        '<table id="bm-summary-table">'
        f'<tr data-key="communes"><td>{escape(tr.gettext("Border communes"))}</td>'
        f'<td class="n">{n(fig.communes)}</td></tr>'
        f'<tr data-key="land_communes"><td>&nbsp;&nbsp;{escape(tr.gettext("on the land border"))}'
        f'</td><td class="n">{n(fig.land_communes)}</td></tr>'
        f'<tr data-key="coastal_communes"><td>&nbsp;&nbsp;{escape(tr.gettext("coastal"))}</td>'
        f'<td class="n">{n(fig.coastal_communes)}</td></tr>'
        + (
            f'<tr><td>&nbsp;&nbsp;{escape(tr.gettext("(both)"))}</td><td class="n">{n(both)}'
            "</td></tr>"
            if both > 0
            else ""
        )
        + f'<tr data-key="covered"><td>{escape(tr.gettext("Covered"))}</td>'
        f'<td class="n">{n(fig.covered)}</td></tr>'
        f'<tr data-key="uncovered"><td><b>{escape(tr.gettext("Uncovered"))}</b></td>'
        f'<td class="n">{n(fig.uncovered)}</td></tr>'
        f'<tr data-key="covered_pct"><td>{escape(tr.gettext("Share covered"))}</td>'
        f'<td class="n">{_pct(fig.covered, fig.communes, tr)}</td></tr>'
        f'<tr data-key="officers"><td>{escape(tr.gettext("Officers seconded"))}</td>'
        f'<td class="n">{n(fig.officers)}</td></tr>'
        f"{role_rows}</table>"
        f'<div class="muted">{escape(tr.gettext("Officers by role count each officer once per role."))}</div>'
        + kinds_html(land, coastal, tr)
    )


def targets_html(targets: Sequence[tuple[str, int, int]], tr: Translator) -> str:
    """The targets panel: (name, covered, communes) of each target on the map's date."""

    def share(covered: int, communes: int) -> str:
        return f"{tr.format_number(100.0 * covered / communes, 1)} %" if communes else "–"

    rows = "".join(
        f'<tr data-target="{k}"><td>{escape(name)}</td>'
        f'<td class="n">{tr.format_number(covered)}/{tr.format_number(communes)}</td>'
        f'<td class="n">{share(covered, communes)}</td></tr>'
        for k, (name, covered, communes) in enumerate(targets)
    )
    return f'<h3>{escape(tr.gettext("Targets"))}</h3><table id="bm-targets-table">{rows}</table>'


def coverage_map(
    communes: Any,
    summary: CoverageSummary,
    *,
    scope: str,
    basemap: Basemap,
    assets: Assets,
    tr: Translator,
    page: PageText | None = None,
    controls: ViewControls | None = None,
    tiles: Tiles | None = None,
    land: ProvinceCoverage | None = None,
    coastal: ProvinceCoverage | None = None,
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
    land, coastal
        The totals of the land-border and of the coastal communes alone (same filters),
        shown side by side so no reader takes one mixed figure for both.
    basemap, assets, tiles
        See :mod:`maps.base` and :mod:`maps.assets`.
    tr, page, controls
        The reader's language, the top bar and the filter panel (:mod:`maps.controls`).
    targets
        (name, covered, communes) per coverage target on the same date and province (the
        ``/coverage/targets`` totals); shown under the summary when given.

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
        page=page or PageText(tr.gettext("Officer coverage of border communes"), tr.lang),
        tr=tr,
        tiles=tiles,
        synthetic=summary.synthetic,
        bounds=feature_bounds(data),
    )
    roles = {role: style.role_label(role, tr) for role in style.ROLE_LABELS}
    m.add_child(
        Script(
            js_const("BM_ROLES", roles)
            + js_const("BM_T", coverage_texts(tr))
            + ESCAPE_JS
            + number_js(tr)
            + _TOOLTIP_JS
        )
    )
    # A commune on the land border and the coast is drawn once, in the land layer.
    drawn = [f for f in data["features"] if f.get("geometry")]
    on_land = [f for f in drawn if f["properties"]["is_land_border"]]
    coast_only = [f for f in drawn if not f["properties"]["is_land_border"]]
    for key, feats, name in (
        ("communes_land", on_land, tr.gettext("Land-border communes ({n})")),
        ("communes_coastal", coast_only, tr.gettext("Coastal communes ({n})")),
    ):
        label = name.format(n=tr.format_number(len(feats)))
        add_layer(m, key, _layer(feats, label, f"bm-commune {key}"))
    add_outlines(m, basemap, tr)
    counts = Counter(
        style.coverage_class(int(f["properties"]["officers"])).key for f in data["features"]
    )
    m.add_child(
        Panel(
            legend_html(counts, tr),
            dom_id="bm-legend",
            title=tr.gettext("Legend"),
            position="bottomright",
        )
    )
    m.add_child(
        Panel(
            # The targets join the summary: one panel on the left, nothing more to overlap.
            summary_html(summary, scope, tr, land=land, coastal=coastal)
            + (targets_html(targets, tr) if targets else ""),
            dom_id="bm-summary",
            title=tr.gettext("Summary"),
            position="topleft",
        )
    )
    if controls is not None:
        m.add_child(controls_panel(controls, tr))
    return finish(m, tr)
