"""maps.controls: the filter panel of a map (date, year slider, province, border, kind).

The panel is a plain HTML ``<form method="get">``: choosing a filter navigates to the
same map with the filters as query parameters, so every view is a URL that can be shared
and that works without script. Script only adds the year slider's convenience (moving it
sets the date to the same day of that year and submits). A second form asks for the
changes between two dates. The caller gives the URLs and the choices (provinces of the
era of the date, by name).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from maps import style
from maps.elements import Panel
from maps.text import Translator


@dataclass(frozen=True, slots=True)
class Option:
    """One choice of a picker: the value sent in the URL and what the reader sees."""

    value: str
    label: str


@dataclass(frozen=True, slots=True)
class ViewControls:
    """The state of a map's filters and what can be chosen.

    ``provinces`` are sent by name (``province=Cao Bằng``: the service accepts a name of
    either era or a code). An empty ``borders`` hides the border picker; ``kinds`` shows
    the land / coastal / all toggle. ``changes_action`` is the URL of the two-date
    comparison (None: no comparison form).
    """

    action: str
    as_of: dt.date
    years: tuple[int, int]
    lang: str
    provinces: Sequence[Option] = ()
    province: str | None = None
    borders: Sequence[str] = ()
    border: str | None = None
    kinds: bool = False
    kind: str = "all"
    changes_action: str | None = None
    compare_from: dt.date | None = None


def _select(name: str, label: str, options: Sequence[Option], selected: str | None) -> str:
    opts = "".join(
        f'<option value="{escape(o.value)}"{" selected" if o.value == (selected or "") else ""}>'
        f"{escape(o.label)}</option>"
        for o in options
    )
    return (
        f'<label for="bm-f-{name}">{escape(label)}</label>'
        f'<select id="bm-f-{name}" name="{name}">{opts}</select>'
    )


def controls_html(c: ViewControls, tr: Translator) -> str:
    """The filter form and, when asked, the comparison form."""
    y0, y1 = c.years
    year = min(max(c.as_of.year, y0), y1)
    parts = [
        f'<form class="bm-form" method="get" action="{escape(c.action)}" '
        f'aria-label="{escape(tr.gettext("Filters"))}">',
        f'<input type="hidden" name="lang" value="{escape(c.lang)}">',
        '<div class="bm-row bm-when">'
        f'<div><label for="bm-f-as_of">{escape(tr.gettext("Date"))}</label>'
        f'<input id="bm-f-as_of" type="date" name="as_of" value="{c.as_of.isoformat()}" '
        f'min="{y0}-01-01" max="{y1}-12-31"></div>'
        f'<div><label for="bm-f-year">{escape(tr.gettext("Year"))}: '
        f'<output id="bm-f-year-out" for="bm-f-year">{year}</output></label>'
        f'<input id="bm-f-year" type="range" min="{y0}" max="{y1}" step="1" value="{year}" '
        f'data-day="{c.as_of.strftime("%m-%d")}"></div></div>',
    ]
    if c.provinces:
        options = [Option("", tr.gettext("All provinces")), *c.provinces]
        parts.append(_select("province", tr.gettext("Province"), options, c.province))
    if c.borders:
        options = [
            Option("", tr.gettext("All borders")),
            *(Option(b, style.border_label(b, tr)) for b in c.borders),
        ]
        parts.append(_select("border", tr.gettext("Border"), options, c.border))
    if c.kinds:
        radios = "".join(
            f'<label><input type="radio" name="kind" value="{k}"'
            f"{' checked' if k == c.kind else ''}>{escape(label)}</label>"
            for k, label in (
                ("all", tr.gettext("All")),
                ("land", tr.gettext("Land border")),
                ("coastal", tr.gettext("Coastal")),
            )
        )
        parts.append(
            f"<fieldset><legend>{escape(tr.gettext('Communes'))}</legend>"
            f'<div class="bm-row">{radios}</div></fieldset>'
        )
    parts.append(f'<button type="submit">{escape(tr.gettext("Show"))}</button></form>')
    if c.changes_action:
        start = c.compare_from or dt.date(c.as_of.year - 1, 1, 1)
        hidden = "".join(
            f'<input type="hidden" name="{n}" value="{escape(v)}">'
            for n, v in (
                ("lang", c.lang),
                ("province", c.province or ""),
                ("border", c.border or ""),
            )
            if v
        )
        parts.append(
            f'<details class="bm-compare"><summary>'
            f"{escape(tr.gettext('What changed between two dates'))}</summary>"
            f'<form class="bm-form" method="get" action="{escape(c.changes_action)}">{hidden}'
            '<div class="bm-row bm-when">'
            f'<div><label for="bm-c-from">{escape(tr.gettext("From"))}</label>'
            f'<input id="bm-c-from" type="date" name="from" value="{start.isoformat()}"></div>'
            f'<div><label for="bm-c-to">{escape(tr.gettext("To"))}</label>'
            f'<input id="bm-c-to" type="date" name="to" value="{c.as_of.isoformat()}"></div>'
            f'</div><button type="submit">{escape(tr.gettext("Compare"))}</button></form></details>'
        )
    return "".join(parts)


# The year slider: move it and the date becomes the same day of that year, then go.
SLIDER_JS = """
(function () {
    var slider = document.getElementById("bm-f-year");
    if (!slider) { return; }
    var out = document.getElementById("bm-f-year-out");
    var date = document.getElementById("bm-f-as_of");
    slider.addEventListener("input", function () { out.textContent = slider.value; });
    slider.addEventListener("change", function () {
        var day = slider.dataset.day === "02-29" ? "02-28" : slider.dataset.day;
        date.value = slider.value + "-" + day;
        date.form.submit();
    });
})();
"""


def controls_panel(c: ViewControls, tr: Translator) -> Panel:
    """The filter panel (top right, under the layer control; folded on a phone)."""
    return Panel(
        controls_html(c, tr),
        dom_id="bm-controls",
        title=tr.gettext("Filters"),
        position="topright",
        after_js=SLIDER_JS,
    )
