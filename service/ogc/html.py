"""service.ogc.html: the simple HTML views a browser gets (Jinja templates, autoescaped)."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from service.ogc.render import FeatureText


@cache
def _env() -> Environment:
    return Environment(
        loader=PackageLoader("service.ogc", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(template: str, **context: Any) -> str:
    """Render ``template`` (a file in service/ogc/templates) with ``context``.

    The words of the page come from the catalogue: ``_`` (gettext) and ``lang`` are in the
    context (:func:`service.web.pages.ogc_view` gives them).
    """
    return _env().get_template(template).render(**context)


def parsed(f: FeatureText) -> dict[str, Any]:
    """A feature's properties as Python values, for tables (HTML only; JSON is spliced)."""
    return {"id": f.id, "properties": json.loads(f.properties)}


def geometry_summary(geometry: str | None, limit: int = 300) -> str:
    """The start of the geometry's GeoJSON, for display."""
    if geometry is None:
        return "null"
    return geometry if len(geometry) <= limit else geometry[:limit] + " …"
