"""service.web.csv_response: JSON-or-CSV negotiation and CSV responses for tabular reports.

A report answers CSV when ``f=csv`` is given, or without ``f`` when the ``Accept`` header
prefers ``text/csv`` over JSON. Cells: empty for None, ``true``/``false`` for booleans,
lists joined with ``;``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Literal

from fastapi import Request
from fastapi.responses import Response

from service.errors import BadRequest

Format = Literal["json", "csv"]
FORMATS: tuple[Format, ...] = ("json", "csv")
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
_JSON_TYPES = ("application/json", "application/geo+json")


def _accept_quality(accept: str, media_types: Sequence[str]) -> float:
    """Highest q the Accept header gives any of ``media_types`` (wildcards count)."""
    best = 0.0
    for part in accept.split(","):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        q = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        for wanted in media_types:
            kind = wanted.split("/")[0]
            if media in (wanted, f"{kind}/*", "*/*"):
                best = max(best, q)
    return best


def negotiate(request: Request, f: str | None) -> Format:
    """``json`` or ``csv`` from the ``f`` parameter, else from the Accept header."""
    if f is not None:
        if f not in FORMATS:
            raise BadRequest(f"f: unknown format {f!r}; expected one of {', '.join(FORMATS)}")
        return f
    accept = request.headers.get("accept", "")
    if not accept:
        return "json"
    csv_q = _accept_quality(accept, ["text/csv"])
    json_q = _accept_quality(accept, _JSON_TYPES)
    # An explicit text/csv wins a tie with */* (browsers and curl send */*).
    if csv_q > json_q or (csv_q > 0 and csv_q == json_q and "text/csv" in accept.lower()):
        return "csv"
    return "json"


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ";".join(str(v) for v in value)
    return value


def csv_text(rows: Iterable[Mapping[str, object]], columns: Sequence[str]) -> str:
    """The rows as CSV text with a header line; each row gives a value per column."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
    return buf.getvalue()


def csv_response(
    rows: Iterable[Mapping[str, object]], columns: Sequence[str], *, filename: str
) -> Response:
    """A ``text/csv`` response, offered for download as ``filename``."""
    return Response(
        content=csv_text(rows, columns),
        media_type=CSV_MEDIA_TYPE,
        headers={"Content-Disposition": f'inline; filename="{filename}"', "Vary": "Accept"},
    )
