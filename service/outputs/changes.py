"""service.outputs.changes: what changed between two dates (``/maps/changes``).

Markers first planted, damaged and restored after the first date up to the second
(:func:`service.db.overview.marker_changes`), and border communes newly covered or
uncovered: each commune's coverage on both dates from
:func:`service.db.coverage.commune_coverage` (the API's function), compared by code. Units
were renumbered on 1 July 2025, so communes are compared only when both dates fall in the
same era; across the reform the page says so and gives each date's totals instead.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from maps.page import Chrome
from maps.text import Translator
from service.db.coverage import commune_coverage
from service.db.overview import CHANGE_STATUSES, MarkerEvent, marker_changes
from service.db.units import Executor
from service.figures import CommuneCoverage
from service.outputs.render import MapUrl, render_page
from service.vocabulary import era_on


@dataclass(frozen=True, slots=True)
class Changes:
    """The differences between ``start`` and ``end`` (``start`` < ``end``)."""

    start: dt.date
    end: dt.date
    province: str | None
    border: str | None
    markers: dict[str, list[MarkerEvent]]
    same_era: bool
    newly_covered: list[CommuneCoverage]
    newly_uncovered: list[CommuneCoverage]
    covered_start: int
    covered_end: int
    communes_start: int
    communes_end: int
    synthetic: bool


def load_changes(
    db: Executor,
    *,
    start: dt.date,
    end: dt.date,
    province: str | None = None,
    province_start: str | None = None,
    border: str | None = None,
) -> Changes:
    """Compare ``start`` with ``end`` (``province``: a code of ``end``'s era; its code in
    ``start``'s era is ``province_start``, the same unless the reform lies between)."""
    markers = marker_changes(db, start=start, end=end, border=border, province=province)
    before = commune_coverage(db, as_of=start, province=province_start)
    after = commune_coverage(db, as_of=end, province=province)
    same_era = era_on(start) == era_on(end)
    was = {c.code: c for c in before}
    newly_covered: list[CommuneCoverage] = []
    newly_uncovered: list[CommuneCoverage] = []
    if same_era:
        for c in after:
            old = was.get(c.code)
            if c.covered and (old is None or not old.covered):
                newly_covered.append(c)
            elif not c.covered and old is not None and old.covered:
                newly_uncovered.append(c)
    synthetic = any(c.synthetic for c in [*before, *after]) or any(
        e.synthetic for events in markers.values() for e in events
    )
    return Changes(
        start=start,
        end=end,
        province=province,
        border=border,
        markers=markers,
        same_era=same_era,
        newly_covered=newly_covered,
        newly_uncovered=newly_uncovered,
        covered_start=sum(c.covered for c in before),
        covered_end=sum(c.covered for c in after),
        communes_start=len(before),
        communes_end=len(after),
        synthetic=synthetic,
    )


def render_changes(
    data: Changes, *, tr: Translator, chrome: Chrome, map_url: MapUrl, scope: str
) -> str:
    """The comparison page in ``tr``'s language."""
    titles = {
        "planted": tr.gettext("Markers planted"),
        "damaged": tr.gettext("Markers damaged"),
        "restored": tr.gettext("Markers restored"),
    }
    return render_page(
        "changes.html",
        tr=tr,
        title=tr.gettext("What changed between two dates"),
        chrome=chrome,
        synthetic=data.synthetic,
        data=data,
        statuses=CHANGE_STATUSES,
        titles=titles,
        scope=scope,
        map_url=map_url,
    )
