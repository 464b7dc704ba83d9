"""geo.markers: marker display labels, derived from the marker's fields."""

from __future__ import annotations

import re

from geo.errors import GeoError

_LABEL = re.compile(r"^\s*(\d+)\s*(?:/\s*(\d+))?\s*(?:\(\s*([123])\s*\))?\s*$")


def marker_label(number: int, same_number_index: int | None, sub_number: int | None) -> str:
    """Display label of a marker: ``234``, ``261(2)``, ``511/1``.

    Must agree with the ``marker.label`` generated column of the schema.
    """
    label = str(number)
    if sub_number is not None:
        label += f"/{sub_number}"
    if same_number_index is not None:
        label += f"({same_number_index})"
    return label


def parse_marker_label(label: str) -> tuple[int, int | None, int | None]:
    """Split a label into (number, same_number_index, sub_number).

    >>> parse_marker_label("1369(2)")
    (1369, 2, None)
    >>> parse_marker_label("511/1")
    (511, None, 1)
    """
    m = _LABEL.match(label)
    if not m:
        raise GeoError(f"not a marker label: {label!r} (expected e.g. 234, 261(2) or 511/1)")
    number, sub, index = m.groups()
    return int(number), int(index) if index else None, int(sub) if sub else None
