"""maps.places: point layers of named places on the border: posts and gates.

Each is a :class:`maps.elements.GeoJsonLayer` of Point features (Leaflet's own marker icon,
from the vendored Leaflet), hidden until switched on in the layer control, with a tooltip
of the place's name and kind (escaped in the browser by ``bmEsc``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from maps.elements import GeoJsonLayer

_TOOLTIP_JS = "function (p) { return '<b>' + bmEsc(p.name) + '</b><br>' + bmEsc(p.kind); }"


def places_layer(features: Sequence[Mapping[str, Any]], *, name: str, key: str) -> GeoJsonLayer:
    """A layer of Point features with ``name`` and ``kind`` properties (off at first)."""
    return GeoJsonLayer(
        features,
        name=f"{name} ({len(features)})",
        style_key="kind",
        styles={str(f["properties"]["kind"]): {} for f in features},
        class_name=f"bm-place {key}",
        tooltip_js=_TOOLTIP_JS,
        show=False,
    )
