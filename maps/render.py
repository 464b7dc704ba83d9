"""maps.render: how BorderMap elements turn into page text, safely and fast.

branca's ``MacroElement.render`` wraps each rendered macro in ``Element(text)``, which
compiles the *output* as a new Jinja template. Data in the output is therefore evaluated
as Jinja (a commune named ``{{ 7*7 }}`` would print ``49``: template injection from the
database) and every megabyte of GeoJSON is run through the Jinja lexer again (about a
quarter of a second per map). :class:`RenderOnce` renders each macro once and adds the
text as :class:`Raw`, which is written as is. Every BorderMap element, and the map, layer
control and layers it uses, render through it; :func:`check_page` verifies that.
"""

from __future__ import annotations

import json
from typing import Any

from branca.element import Element, Figure, MacroElement


class Raw(Element):
    """Text that is already rendered: written into the page as is, never compiled."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "Raw"
        self.text = text

    def render(self, **kwargs: Any) -> str:
        """The text itself."""
        return self.text


class RenderOnce(MacroElement):
    """Mixin replacing ``MacroElement.render``: macros rendered once, output kept raw.

    Put it *after* the folium class (``class X(folium.GeoJson, RenderOnce)``) so that the
    folium class's own ``render`` still runs and reaches this one through ``super()``.
    """

    def render(self, **kwargs: Any) -> str:
        """Add this element's header/html/script text to the figure, then its children."""
        figure = self.get_root()
        if not isinstance(figure, Figure):
            raise TypeError("You cannot render this Element if it is not in a Figure.")
        module = self._template.module.__dict__
        for part in ("header", "html", "script"):
            macro = module.get(part)
            if macro is not None:
                getattr(figure, part).add_child(Raw(macro(self, kwargs)), name=self.get_name())
        for element in list(self._children.values()):
            element.render(**kwargs)
        return ""  # the text went into the figure's parts


def js_json(value: Any) -> str:
    """JSON for a ``<script>``: compact, and no ``<``, ``>`` or ``&`` that could end it."""
    return (
        json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )


# Folium internals a map may contain that render only generated names or numbers.
_SAFE_FOLIUM = ("ElementAddToElement",)


def check_page(root: Element) -> None:
    """Raise unless the element tree is offline and injection-safe.

    Offline: no element carries Folium's class-level CDN lists (``default_js``/``_css``).
    Safe: every ``MacroElement`` renders through :class:`RenderOnce` (or is a folium
    internal that renders generated names only).
    """
    stack: list[Element] = [root]
    while stack:
        el = stack.pop()
        for name, url in [*getattr(el, "default_js", []), *getattr(el, "default_css", [])]:
            raise ValueError(f"{type(el).__name__} loads {name!r} from {url}: not offline")
        if (
            isinstance(el, MacroElement)
            and not isinstance(el, RenderOnce)
            and type(el).__name__ not in _SAFE_FOLIUM
        ):
            raise ValueError(f"{type(el).__name__} renders through branca's template re-parse")
        stack.extend(el._children.values())
