"""service.outputs.render: the Jinja environment of the HTML pages and what every page gets.

Templates are autoescaped; every word comes from the catalogue (``{{ _("...") }}``), dates
and numbers through the translator (``d(day)``, ``n(x, digits)``), labels of roles,
statuses and borders through :mod:`maps.style` (one set of labels for maps and pages).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from maps import style
from maps.charts import fmt_pct
from maps.page import BAR_CSS, PHONE_MAX_PX, Chrome, PageText, top_bar
from maps.text import Translator

# A map link: (map kind, query parameters) -> URL.
MapUrl = Callable[..., str]


@cache
def _env() -> Environment:
    return Environment(
        loader=PackageLoader("service.outputs", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_page(
    template: str,
    *,
    tr: Translator,
    title: str,
    chrome: Chrome,
    synthetic: bool,
    **context: Any,
) -> str:
    """Render ``template`` inside the common page: ``<html lang>``, top bar, banner."""
    notice = (
        tr.gettext("SYNTHETIC DEMO DATA: not real communes, officers or markers")
        if synthetic
        else None
    )
    bar = top_bar(PageText(title, tr.lang, chrome, notice), tr)
    return (
        _env()
        .get_template(template)
        .render(
            lang=tr.lang,
            title=title,
            bar=bar,
            bar_css=BAR_CSS,
            phone_px=PHONE_MAX_PX,
            _=tr.gettext,
            d=tr.format_date,
            n=tr.format_number,
            pct=lambda v: fmt_pct(v, tr),
            status=lambda s: style.status_label(s, tr),
            finding=lambda f: style.finding_label(f, tr),
            border=lambda b: style.border_label(b, tr),
            segment=lambda p, b: style.segment_label(p, b, tr),
            role=lambda r: style.role_label(r, tr),
            short=style.short_province,
            **context,
        )
    )
