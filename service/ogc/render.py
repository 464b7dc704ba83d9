"""service.ogc.render: GeoJSON responses spliced from the text PostGIS wrote.

Geometry (``ST_AsGeoJSON``) and properties (``json_build_object``) arrive as JSON text;
they are joined into the response bytes as they are, never parsed and re-serialised.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class FeatureText:
    """One feature as PostGIS wrote it: id, GeoJSON geometry text, properties JSON text."""

    id: int | str
    geometry: str | None
    properties: str


def _dump(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def timestamp() -> str:
    """``timeStamp``: now, UTC, to the second."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def feature_bytes(f: FeatureText, links: list[dict[str, str]] | None = None) -> bytes:
    """One GeoJSON Feature."""
    parts = [
        b'{"type":"Feature","id":',
        _dump(f.id),
        b',"geometry":',
        (f.geometry or "null").encode(),
        b',"properties":',
        f.properties.encode(),
    ]
    if links is not None:
        parts += [b',"links":', _dump(links)]
    parts.append(b"}")
    return b"".join(parts)


def collection_head(
    matched: int | None, returned: int | None, links: list[dict[str, str]]
) -> bytes:
    """Start of a FeatureCollection up to the opening ``[`` of ``features``."""
    head: dict[str, Any] = {"type": "FeatureCollection"}
    if matched is not None:
        head["numberMatched"] = matched
    if returned is not None:
        head["numberReturned"] = returned
    head["timeStamp"] = timestamp()
    head["links"] = links
    return _dump(head)[:-1] + b',"features":['


def feature_collection(
    features: list[FeatureText], matched: int | None, links: list[dict[str, str]]
) -> bytes:
    """A whole FeatureCollection page."""
    body = b",".join(feature_bytes(f) for f in features)
    return collection_head(matched, len(features), links) + body + b"]}"


def feature_collection_text(
    features: str, returned: int, matched: int | None, links: list[dict[str, str]]
) -> bytes:
    """A FeatureCollection page around features PostgreSQL already joined (``a,b,c``)."""
    return collection_head(matched, returned, links) + features.encode() + b"]}"


def stream_feature_collection(
    batches: Iterable[list[FeatureText]], links: list[dict[str, str]]
) -> Iterator[bytes]:
    """A FeatureCollection written batch by batch (exports): flat memory."""
    yield collection_head(None, None, links)
    first = True
    for batch in batches:
        if not batch:
            continue
        chunk = b",".join(feature_bytes(f) for f in batch)
        yield chunk if first else b"," + chunk
        first = False
    yield b"]}"
