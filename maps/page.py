"""maps.page: the page around a map: ``<html lang>``, title, top bar, panels that fold.

The top bar (title, navigation, language switch, synthetic-data notice) sits *above* the
map, in the page flow, so it can never cover a map control. Every panel (summary, legend,
chart, filters) has a button that folds it; on a phone (viewport up to 600 px wide) every
panel starts folded and the layer control collapsed, so the whole map shows on first load.
URLs are made by the caller (the service knows its routes; a written file has none).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any

from branca.element import Figure
from folium.template import Template

from maps.render import RenderOnce, js_json
from maps.text import Translator

# A phone: panels start folded (CSS and JS use the same width).
PHONE_MAX_PX = 600

# The top bar's style, shared by the maps and the other HTML pages (service.outputs).
BAR_CSS = (
    """
.bm-top { flex: none; display: flex; flex-wrap: wrap; align-items: center; gap: 2px 12px;
  padding: 4px 10px; background: #f7f7f4; border-bottom: 1px solid #ccc; }
.bm-top h1 { font-size: 15px; margin: 0; font-weight: 600; }
.bm-home { font-weight: 700; color: #0b4f8a; text-decoration: none; }
.bm-nav, .bm-langs { display: flex; gap: 2px 10px; flex-wrap: wrap; }
.bm-langs { margin-left: auto; }
.bm-link { color: #0b4f8a; display: inline-flex; align-items: center; min-height: 24px; }
.bm-link[aria-current] { font-weight: 700; color: #222; text-decoration: none; }
.bm-banner { flex: none; margin: 0; background: #7a1f00; color: #fff; padding: 3px 10px;
  font-weight: 600; text-align: center; }
@media (max-width: PHONEpx) {
  .bm-top { padding: 2px 8px; gap: 0 10px; }
  .bm-top h1 { position: absolute; width: 1px; height: 1px; overflow: hidden;
    clip: rect(0 0 0 0); white-space: nowrap; }
  .bm-nav { order: 4; flex-wrap: nowrap; overflow-x: auto; max-width: 100%; white-space: nowrap; }
  .bm-banner { font-size: 12px; padding: 2px 6px; }
  .bm-link, .bm-home { min-height: 44px; display: inline-flex; align-items: center; }
}
"""
).replace("PHONE", str(PHONE_MAX_PX))


@dataclass(frozen=True, slots=True)
class Link:
    """A link of the top bar; ``lang`` marks a language-switch link (``hreflang``)."""

    label: str
    href: str
    current: bool = False
    lang: str | None = None


@dataclass(frozen=True, slots=True)
class Chrome:
    """What the top bar links to: other pages, and this page in each language."""

    nav: Sequence[Link] = ()
    languages: Sequence[Link] = ()
    home: str | None = None


@dataclass(frozen=True, slots=True)
class PageText:
    """The top bar of one page, in the reader's language."""

    title: str
    lang: str
    chrome: Chrome = field(default_factory=Chrome)
    notice: str | None = None  # e.g. synthetic data


class PageFigure(Figure):
    """A branca Figure with ``<html lang>``, a title and a zoomable viewport.

    Folium's map header forbids zooming the page (``user-scalable=no``), which fails
    WCAG 1.4.4 (axe: ``meta-viewport``); the page's own viewport replaces it.
    """

    _template = Template(
        "<!DOCTYPE html>\n"
        '<html lang="{{ this.lang }}">\n'
        "<head>\n"
        '<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        "<title>{{ this.title_html }}</title>\n"
        "{{ this.header.render(**kwargs) }}\n"
        "</head>\n"
        "<body>\n"
        "{{ this.html.render(**kwargs) }}\n"
        "</body>\n"
        "<script>\n"
        "{{ this.script.render(**kwargs) }}\n"
        "</script>\n"
        "</html>\n"
    )

    def __init__(self, *, lang: str, title: str) -> None:
        super().__init__()
        self.lang = escape(lang)
        self.title_html = escape(title)

    def render(self, **kwargs: Any) -> str:
        """The page, with folium's zoom-forbidding viewport tag taken out."""
        html = super().render(**kwargs)
        return _FOLIUM_VIEWPORT.sub("", html, count=1)


_FOLIUM_VIEWPORT = re.compile(
    r'<meta name="viewport" content="width=device-width,\s+'
    r'initial-scale=1\.0, maximum-scale=1\.0, user-scalable=no" />'
)


def _links(links: Sequence[Link], css: str) -> str:
    out = []
    for link in links:
        attrs = f' href="{escape(link.href)}"'
        if link.lang:
            attrs += f' hreflang="{escape(link.lang)}" lang="{escape(link.lang)}"'
        if link.current:
            attrs += ' aria-current="page"'
        out.append(f'<a class="{css}"{attrs}>{escape(link.label)}</a>')
    return "".join(out)


def top_bar(page: PageText, tr: Translator) -> str:
    """The bar above the map: home, title, navigation, languages, notice."""
    home = (
        f'<a class="bm-home" href="{escape(page.chrome.home)}">BorderMap</a>'
        if page.chrome.home
        else '<span class="bm-home">BorderMap</span>'
    )
    nav = (
        f'<nav class="bm-nav" aria-label="{escape(tr.gettext("Pages"))}">'
        f"{_links(page.chrome.nav, 'bm-link')}</nav>"
        if page.chrome.nav
        else ""
    )
    langs = (
        f'<nav class="bm-langs" aria-label="{escape(tr.gettext("Language"))}">'
        f"{_links(page.chrome.languages, 'bm-link')}</nav>"
        if page.chrome.languages
        else ""
    )
    notice = (
        f'<p class="bm-banner" id="bm-banner" role="note">{escape(page.notice)}</p>'
        if page.notice
        else ""
    )
    return (
        f'<header class="bm-top">{home}<h1>{escape(page.title)}</h1>{nav}{langs}</header>{notice}'
    )


# Folding panels: a button per panel; phones start with every panel folded.
PANELS_JS = """
function bmFold(div, open) {
    div.classList.toggle("bm-open", open);
    div.querySelector(".bm-toggle").setAttribute("aria-expanded", open ? "true" : "false");
}
function bmPhone() { return window.matchMedia("(max-width: PHONEpx)").matches; }
""".replace("PHONE", str(PHONE_MAX_PX))


class PhoneLayout(RenderOnce):
    """On a phone, collapse the layer control to its button (Leaflet's own toggle)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        if (bmPhone()) {
            // Leaflet's own toggle link expands it; a tap on the map folds it again.
            var bmCtl = {{ this.control.get_name() }}, bmMap = {{ this._parent.get_name() }};
            bmCtl.options.collapsed = true;
            bmCtl.collapse();
            bmMap.on("click", bmCtl.collapse, bmCtl);
        }
        {{ this.control.get_name() }}._layersLink.setAttribute("aria-label", {{ this.label_js }});
        {{ this.control.get_name() }}._layersLink.title = {{ this.label_js }};
        {% endmacro %}
        """
    )

    def __init__(self, control: Any, label: str) -> None:
        super().__init__()
        self._name = "PhoneLayout"
        self.control = control
        self.label_js = js_json(label)
