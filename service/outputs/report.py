"""service.outputs.report: the yearly coordination report as one printable HTML page.

A pure renderer: :func:`render_report` takes the figures of
:func:`service.db.report.year_report` and a translator and returns the page (A4, inline
CSS and SVG, nothing to load), in the translator's language. Charts come from
:mod:`maps.charts`; the small map of each border is an SVG drawn from the segments' lines
(equirectangular at the border's mid-latitude), coloured by each segment's share
demarcated. The same HTML prints to PDF (:mod:`service.outputs.pdf`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from html import escape
from typing import Any

from maps.charts import Bar, percent_bars_svg, year_bars_svg
from maps.text import N_
from service.db.report import YearReport
from service.db.targets import target_name
from service.figures import Progress
from service.i18n import Translator

# The same msgids as the maps' labels (one catalogue entry each).
ROLES = {
    "pho_bi_thu_dang_uy": N_("Deputy secretary, commune party committee"),
    "dang_uy_vien": N_("Member, commune party committee"),
    "pho_chu_tich_ubnd": N_("Vice-chair, commune People's Committee"),
    "can_bo_tang_cuong": N_("Seconded cadre"),
    "dang_vien_sinh_hoat_chi_bo_thon": N_("Party member in a village cell"),
}
CLASSES = {
    "border": N_("Border communes (report list)"),
    "particularly_difficult": N_("Particularly difficult communes"),
    "coastal_bai_ngang": N_("Coastal bãi ngang communes"),
}
KINDS = {
    "regulation": N_("Coordination regulation signed"),
    "review_conference": N_("Review conference"),
    "briefing": N_("Briefing"),
}

_CSS = """
@page { size: A4; margin: 14mm 12mm; }
body { font-family: "DejaVu Sans", "Noto Sans", Arial, sans-serif; font-size: 10pt;
       color: #222; margin: 0 auto; max-width: 190mm; }
h1 { font-size: 17pt; margin: 0 0 2mm; } h2 { font-size: 13pt; margin: 6mm 0 2mm;
  border-bottom: 1px solid #999; break-after: avoid; } h3 { font-size: 11pt; margin: 3mm 0 1mm; }
table { border-collapse: collapse; width: 100%; margin: 1mm 0 3mm; break-inside: auto; }
th, td { border: 1px solid #bbb; padding: 1px 4px; vertical-align: top; }
th { background: #eee; text-align: left; font-size: 8.5pt; } th.n { text-align: right; }
td.n { text-align: right; white-space: nowrap; } table.demarcation, table.posts { font-size: 9pt; }
tr { break-inside: avoid; } .muted { color: #666; font-size: 9pt; }
.banner { background: #b00; color: #fff; font-weight: bold; padding: 2mm; margin: 2mm 0; }
.up { color: #1a7f37; } .down { color: #b00; }
.maps { display: flex; flex-wrap: wrap; gap: 4mm; } .maps figure { margin: 0; }
figcaption { font-size: 9pt; text-align: center; } .charts { display: flex; gap: 6mm; }
ul.compact { margin: 0; padding-left: 5mm; columns: 2; font-size: 9pt; }
"""


def _num(tr: Translator, value: float | int | None, digits: int = 0) -> str:
    return "–" if value is None else tr.format_number(value, digits)


def _pct(tr: Translator, value: float | None) -> str:
    return "–" if value is None else f"{tr.format_number(value, 1)} %"


def _change(tr: Translator, now: float | int | None, before: float | int | None, d: int = 0) -> str:
    """The change from the previous year, signed and coloured (empty when unknown)."""
    if now is None or before is None:
        return ""
    delta = now - before
    if abs(delta) < 10 ** (-d) / 2:
        return '<span class="muted">±0</span>'
    css, sign = ("up", "+") if delta > 0 else ("down", "−")
    return f'<span class="{css}">{sign}{tr.format_number(abs(delta), d)}</span>'


def _table(head: Sequence[tuple[str, bool]], rows: Iterable[Sequence[str]], css: str = "") -> str:
    """A table; ``head`` is (label, numeric) per column; cells are HTML already."""
    th = "".join(f'<th class="n">{h}</th>' if n else f"<th>{h}</th>" for h, n in head)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="n">{c}</td>' if n else f"<td>{c}</td>"
            for c, (_, n) in zip(r, head, strict=True)
        )
        + "</tr>"
        for r in rows
    )
    return f'<table class="{css}"><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>'


def _colour(pct: float | None) -> str:
    if pct is None or pct <= 0:
        return "#d62728"
    if pct >= 99.5:
        return "#2ca02c"
    return "#ff7f0e" if pct < 50 else "#bcbd22"


def border_map_svg(
    lines: Sequence[tuple[str, dict[str, Any], float | None]], *, title: str, size: int = 220
) -> str:
    """A small SVG map of one border's segments: (code, GeoJSON line, % demarcated) each."""
    coords: list[list[tuple[float, float]]] = []
    styled: list[tuple[str, float | None, list[list[tuple[float, float]]]]] = []
    for code, geom, pct in lines:
        parts = geom["coordinates"] if geom["type"] == "MultiLineString" else [geom["coordinates"]]
        pts = [[(float(x), float(y)) for x, y in part] for part in parts]
        coords += pts
        styled.append((code, pct, pts))
    if not coords:
        return ""
    xs = [x for part in coords for x, _ in part]
    ys = [y for part in coords for _, y in part]
    k = math.cos(math.radians((min(ys) + max(ys)) / 2))
    w, h = (max(xs) - min(xs)) * k or 1e-6, (max(ys) - min(ys)) or 1e-6
    scale = (size - 10) / max(w, h)
    width, height = w * scale + 10, h * scale + 10

    def pt(x: float, y: float) -> str:
        return f"{5 + (x - min(xs)) * k * scale:.1f},{5 + (max(ys) - y) * scale:.1f}"

    out = [
        f'<svg role="img" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}"><title>{escape(title)}</title>'
        f'<rect width="100%" height="100%" fill="#f7f7f4"/>'
    ]
    for code, pct, parts in styled:
        for part in parts:
            out.append(
                f'<polyline data-segment="{escape(code)}" points="'
                + " ".join(pt(x, y) for x, y in part)
                + f'" fill="none" stroke="{_colour(pct)}" stroke-width="2.5"/>'
            )
    out.append("</svg>")
    return "".join(out)


def _headline(r: YearReport, tr: Translator) -> str:
    planted = sum(a.planted for a in r.activity if a.segment_code is None)
    km = sum(b.km_demarcated or 0 for b in r.borders)
    km_before = sum(b.km_demarcated or 0 for b in r.borders_before) if r.borders_before else None
    rows = [
        [tr.gettext("Markers planted in the year"), _num(tr, planted), ""],
        [tr.gettext("Km demarcated to date"), _num(tr, km, 1), _change(tr, km, km_before, 1)],
        [
            tr.gettext("Border communes (geometric flags)"),
            _num(tr, r.coverage.totals.communes),
            _change(tr, r.coverage.totals.communes, r.coverage_before.totals.communes),
        ],
        [
            tr.gettext("Officers seconded"),
            _num(tr, r.coverage.totals.officers),
            _change(tr, r.coverage.totals.officers, r.coverage_before.totals.officers),
        ],
    ]
    before = {t.target.id: t for t in r.targets_before}
    for t in r.targets:
        prev = before.get(t.target.id)
        rows.append(
            [
                escape(
                    tr.gettext("Covered: {target}").format(target=target_name(t.target, tr.lang))
                ),
                f"{_num(tr, t.totals.covered)} / {_num(tr, t.totals.communes)}"
                f" ({_pct(tr, t.totals.covered_pct)})",
                _change(tr, t.totals.covered, prev.totals.covered if prev else None),
            ]
        )
    head = [
        (tr.gettext("Figure"), False),
        (tr.gettext("Value"), True),
        (tr.gettext("Change from {date}").format(date=tr.format_date(r.previous)), True),
    ]
    return f"<h2>{tr.gettext('Headline figures')}</h2>" + _table(head, rows, "headline")


def _demarcation(r: YearReport, tr: Translator) -> str:
    act = {(a.border_code, a.segment_code): a for a in r.activity}
    before = {b.border_code: b for b in r.borders_before}
    head = [
        (tr.gettext("Border / segment"), False),
        (tr.gettext("planted"), True),
        (tr.gettext("verified"), True),
        (tr.gettext("damaged"), True),
        (tr.gettext("restored"), True),
        (tr.gettext("Planted to date"), True),
        (tr.gettext("Km demarcated"), True),
        (tr.gettext("% of the line"), True),
        (tr.gettext("Change (km)"), True),
    ]

    def row(p: Progress, prev: Progress | None) -> list[str]:
        a = act.get((p.border_code, p.segment_code))
        label = escape(p.border_name if p.segment_code is None else f"{p.segment_code} "
                       f"{p.province_name or ''}")  # fmt: skip
        if p.segment_code is None:
            label = f"<b>{label}</b>"
        return [
            label,
            *(
                _num(tr, getattr(a, k) if a else 0)
                for k in ("planted", "verified", "damaged", "restored")
            ),  # fmt: skip
            _num(tr, p.markers_planted),
            _num(tr, p.km_demarcated, 1),
            _pct(tr, p.pct_km),
            _change(tr, p.km_demarcated, prev.km_demarcated if prev else None, 1) if prev else "",
        ]

    rows = []
    for b in r.borders:
        rows.append(row(b, before.get(b.border_code)))
        rows += [row(s, None) for s in r.segments if s.border_code == b.border_code]
    bars = [Bar(b.border_code, b.pct_km, _colour(b.pct_km), b.border_name) for b in r.borders]
    charts = [percent_bars_svg(bars, title=tr.gettext("Share of each border demarcated"), tr=tr)]
    for b in r.borders:
        counts = r.planted_per_year.get(b.border_code)
        if counts:
            charts.append(
                "<figure>"
                + year_bars_svg(
                    counts,
                    title=tr.gettext("Markers planted per year: {border}").format(
                        border=b.border_name
                    ),
                    tr=tr,
                    width=300,
                )
                + f"<figcaption>{escape(b.border_name)}</figcaption></figure>"
            )
    pct = {s.segment_code: s.pct_km for s in r.segments}
    maps = []
    for b in r.borders:
        lines = [(s.code, s.geometry, pct.get(s.code)) for s in r.shapes
                 if s.border_code == b.border_code]  # fmt: skip
        svg = border_map_svg(lines, title=b.border_name)
        if svg:
            maps.append(f"<figure>{svg}<figcaption>{escape(b.border_name)}</figcaption></figure>")
    legend = tr.gettext(
        "Segments: green fully demarcated, yellow-green over half, orange under half, red none."
    )
    return (
        f"<h2>{tr.gettext('Border demarcation: markers and km')}</h2>"
        f'<p class="muted">{tr.gettext("Markers planted, verified, damaged and restored in the year; km demarcated to date.")}</p>'  # noqa: E501
        + _table(head, rows, "demarcation")
        + f'<div class="charts">{"".join(charts)}</div>'
        + f'<div class="maps">{"".join(maps)}</div><p class="muted">{legend}</p>'
    )


def _targets(r: YearReport, tr: Translator) -> str:
    out = [f"<h2>{tr.gettext('Border communes with seconded officers, against each target')}</h2>"]
    before = {t.target.id: t for t in r.targets_before}
    for t in r.targets:
        g = t.target
        roles = (
            ", ".join(tr.gettext(ROLES.get(x, x)) for x in g.roles)
            if g.roles
            else tr.gettext("any role")
        )
        met = (
            ""
            if t.met is None
            else (tr.gettext("deadline met") if t.met else tr.gettext("deadline not met"))
        )
        out.append(
            f"<h3>{escape(target_name(g, tr.lang))}</h3><p class='muted'>"
            + escape(
                tr.gettext("Role: {roles}. Deadline: {deadline}. Source: {source}.").format(
                    roles=roles,
                    deadline=tr.format_date(g.deadline),
                    source=g.source_document or "–",
                )
            )
            + f" {escape(met)}</p>"
        )
        prev = {p.province_code: p for p in before[g.id].provinces} if g.id in before else {}
        head = [
            (tr.gettext("Province"), False),
            (tr.gettext("Communes"), True),
            (tr.gettext("Covered"), True),
            (tr.gettext("Uncovered"), True),
            (tr.gettext("Share covered"), True),
            (tr.gettext("Change"), True),
        ]
        rows = [
            [
                escape(f"{p.province_name} ({p.province_code})"),
                _num(tr, p.communes),
                _num(tr, p.covered),
                _num(tr, p.uncovered),
                _pct(tr, p.covered_pct),
                _change(
                    tr,
                    p.covered,
                    prev[p.province_code].covered if p.province_code in prev else None,
                ),
            ]
            for p in t.provinces
        ]
        tot = t.totals
        prev_tot = before[g.id].totals.covered if g.id in before else None
        rows.append(
            [
                f"<b>{tr.gettext('Total')}</b>",
                _num(tr, tot.communes),
                _num(tr, tot.covered),
                _num(tr, tot.uncovered),
                _pct(tr, tot.covered_pct),
                _change(tr, tot.covered, prev_tot),
            ]
        )
        out.append(_table(head, rows, f"target target-{escape(g.code)}"))
    head = [
        (tr.gettext("Class"), False),
        (tr.gettext("List"), False),
        (tr.gettext("Communes"), True),
        (tr.gettext("Covered"), True),
        (tr.gettext("Share covered"), True),
    ]
    rows = [
        [
            escape(tr.gettext(CLASSES.get(c.commune_class, c.commune_class))),
            escape(c.list_code or "–"),
            _num(tr, c.totals.communes),
            _num(tr, c.totals.covered),
            _pct(tr, c.totals.covered_pct),
        ]
        for c in r.classes
    ]
    out.append(f"<h3>{tr.gettext('By class of commune')}</h3>" + _table(head, rows, "classes"))
    # Covered / communes of each class, per province.
    names: dict[str, str] = {}
    cells: dict[tuple[str, str], str] = {}
    for c in r.classes:
        for p in c.provinces:
            if p.province_code:
                names[p.province_code] = p.province_name or p.province_code
                cells[(p.province_code, c.commune_class)] = (
                    f"{_num(tr, p.covered)} / {_num(tr, p.communes)}"
                )
    head = [(tr.gettext("Province"), False)] + [
        (escape(tr.gettext(CLASSES.get(c.commune_class, c.commune_class))), True) for c in r.classes
    ]
    rows = [
        [escape(f"{names[code]} ({code})"), *(cells.get((code, c.commune_class), "–")
                                              for c in r.classes)]
        for code in sorted(names)
    ]  # fmt: skip
    if rows:
        note = tr.gettext("Covered / communes of each class, per province.")
        out.append(f'<p class="muted">{note}</p>' + _table(head, rows, "classes-by-province"))
    return "".join(out)


def _officers(r: YearReport, tr: Translator) -> str:
    now, before = r.coverage.totals.officers_by_role, r.coverage_before.totals.officers_by_role
    head = [
        (tr.gettext("Role"), False),
        (tr.gettext("Officers"), True),
        (tr.gettext("Change"), True),
    ]
    rows = [
        [escape(tr.gettext(label)), _num(tr, now.get(role, 0)),
         _change(tr, now.get(role, 0), before.get(role, 0))]
        for role, label in ROLES.items()
    ]  # fmt: skip
    rows.append(
        [
            f"<b>{tr.gettext('Total (distinct officers)')}</b>",
            _num(tr, r.coverage.totals.officers),
            _change(tr, r.coverage.totals.officers, r.coverage_before.totals.officers),
        ]
    )
    return (
        f"<h2>{tr.gettext('Seconded officers by role')}</h2>"
        f'<p class="muted">{tr.gettext("In the border communes of the geometric flags; an officer counts once per role.")}</p>'  # noqa: E501
        + _table(head, rows, "roles")
    )


def _posts(r: YearReport, tr: Translator) -> str:
    head = [
        (tr.gettext("Post") if r.province else tr.gettext("Province"), False),
        (tr.gettext("Posts"), True),
        (tr.gettext("Communes"), True),
        (tr.gettext("Covered"), True),
        (tr.gettext("Officers"), True),
        (tr.gettext("Markers"), True),
        (tr.gettext("damaged"), True),
        (tr.gettext("Inspections"), True),
    ]
    groups: dict[str, list[Any]] = {}
    for p in r.posts:
        groups.setdefault(p.name if r.province else p.province_code, []).append(p)
    rows = [
        [escape(key), _num(tr, len(ps)),
         *(_num(tr, sum(getattr(p, k) for p in ps)) for k in
           ("communes", "covered", "officers", "markers", "markers_damaged", "inspections"))]
        for key, ps in groups.items()
    ]  # fmt: skip
    return f"<h2>{tr.gettext('Border posts')}</h2>" + _table(head, rows, "posts")


def _action(r: YearReport, tr: Translator) -> str:
    out = [f"<h2>{tr.gettext('Needing action')}</h2>"]
    if r.targets:
        t = r.targets[0]
        out.append(
            "<h3>"
            + escape(
                tr.gettext("Uncovered communes: {target}").format(
                    target=target_name(t.target, tr.lang)
                )
                + f" ({tr.format_number(t.totals.uncovered)})"
            )
            + "</h3>"
        )
        for p in t.provinces:
            if p.uncovered_communes:
                names = ", ".join(escape(u.name) for u in p.uncovered_communes)
                out.append(f"<p><b>{escape(p.province_name or '')}</b>: {names}</p>")
    out.append(
        "<h3>"
        + escape(tr.gettext("Damaged markers not yet restored") + f" ({len(r.damaged)})")
        + "</h3>"
    )
    head = [
        (tr.gettext("Marker"), False),
        (tr.gettext("Border"), False),
        (tr.gettext("Segment"), False),
        (tr.gettext("Damaged since"), False),
    ]
    rows = [
        [escape(d.label), escape(d.border_code), escape(d.segment_code or "–"),
         tr.format_date(d.damaged_since)]
        for d in r.damaged
    ]  # fmt: skip
    out.append(_table(head, rows, "damaged") if rows else f"<p>{tr.gettext('None.')}</p>")
    return "".join(out)


def _records(r: YearReport, tr: Translator) -> str:
    head = [
        (tr.gettext("Date"), False),
        (tr.gettext("Province"), False),
        (tr.gettext("Record"), False),
        (tr.gettext("Level"), False),
        (tr.gettext("Document"), False),
        (tr.gettext("Decisions"), False),
    ]
    rows = [
        [tr.format_date(x.event_date), escape(x.province_name or x.province_code),
         escape(tr.gettext(KINDS.get(x.kind, x.kind))), escape(x.level or ""),
         escape(x.document_number or ""), escape(x.decisions or "")]
        for x in r.records
    ]  # fmt: skip
    body = _table(head, rows, "records") if rows else f"<p>{tr.gettext('None.')}</p>"
    return f"<h2>{tr.gettext('Coordination records of the year')}</h2>" + body


def render_report(r: YearReport, tr: Translator) -> str:
    """The report page (see the module docstring)."""
    scope = (
        f"{r.province_name} ({r.province})" if r.province else tr.gettext("All border provinces")
    )
    era = tr.gettext("pre-2025 units") if r.era == "pre2025" else tr.gettext("post-2025 units")
    title = tr.gettext("Border coordination report {year}").format(year=r.year)
    banner = (
        f'<div class="banner">{escape(tr.gettext("SYNTHETIC DEMO DATA: not real communes, officers or markers"))}</div>'  # noqa: E501
        if r.synthetic
        else ""
    )
    return (
        f'<!doctype html><html lang="{tr.lang}"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>"
        f"<h1>{escape(title)}</h1>"
        f'<p class="muted">{escape(scope)} · {escape(era)} · '
        + escape(tr.gettext("Figures as of {date}").format(date=tr.format_date(r.as_of)))
        + "</p>"
        + banner
        + _headline(r, tr)
        + _demarcation(r, tr)
        + _targets(r, tr)
        + _officers(r, tr)
        + _posts(r, tr)
        + _action(r, tr)
        + _records(r, tr)
        + "</body></html>"
    )
