"""service.outputs.overview: the overview page (one screen for commanders and provincial staff).

What it shows, on a date (today by default), every figure from the data-layer function the
API uses:

- progress per border: markers planted and km demarcated, with a bar chart
  (:func:`service.db.progress.border_progress`, :func:`maps.charts.percent_bars_svg`);
- coverage per province: border communes covered and uncovered, officers by role, and the
  land-border and coastal totals side by side (:func:`service.db.coverage.coverage_summary`);
- the latest marker status events and inspections, and the damaged markers waiting for
  restoration (:mod:`service.db.overview`).

Every row links into the map filtered to it. The page is plain HTML and CSS (no script, no
external URL): it works offline and on a slow link.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from maps import style
from maps.charts import Bar, percent_bars_svg
from maps.page import Chrome
from maps.text import Translator
from service.db.coverage import coverage_summary
from service.db.overview import (
    InspectionRow,
    MarkerEvent,
    damaged_markers,
    recent_events,
    recent_inspections,
)
from service.db.progress import border_progress
from service.db.units import Executor
from service.figures import CoverageSummary, Progress
from service.outputs.render import MapUrl, render_page


@dataclass(frozen=True, slots=True)
class Overview:
    """Everything the overview page shows, for one date."""

    as_of: dt.date
    dated: bool  # the reader asked for this date (links keep it) rather than today
    borders: list[Progress]
    coverage: CoverageSummary
    land: CoverageSummary
    coastal: CoverageSummary
    events: list[MarkerEvent]
    damaged: list[MarkerEvent]
    inspections: list[InspectionRow]

    @property
    def synthetic(self) -> bool:
        """True when any figure shown comes from synthetic data."""
        return (
            any(b.synthetic for b in self.borders)
            or self.coverage.synthetic
            or any(e.synthetic for e in self.events)
            or any(e.synthetic for e in self.damaged)
            or any(i.synthetic for i in self.inspections)
        )


def load_overview(db: Executor, *, as_of: dt.date, dated: bool, events: int = 15) -> Overview:
    """Read the overview's figures for ``as_of`` in one snapshot of ``db``."""
    return Overview(
        as_of=as_of,
        dated=dated,
        borders=border_progress(db, as_of=as_of),
        coverage=coverage_summary(db, as_of=as_of),
        land=coverage_summary(db, as_of=as_of, kind="land"),
        coastal=coverage_summary(db, as_of=as_of, kind="coastal"),
        events=recent_events(db, as_of=as_of, limit=events),
        damaged=damaged_markers(db, as_of=as_of),
        inspections=recent_inspections(db, as_of=as_of, limit=events),
    )


def progress_chart(borders: list[Progress], tr: Translator) -> str:
    """Bars of % of the line demarcated and % of markers planted, per border (inline SVG)."""
    bars = []
    for b in borders:
        name = style.border_label(b.border_code, tr)
        bars.append(
            Bar(
                label=tr.gettext("{border}: line").format(border=b.border_code),
                pct=b.pct_km,
                colour=style.progress_colour(b.pct_km),
                note=name,
                key=f"{b.border_code}-km",
            )
        )
        bars.append(
            Bar(
                label=tr.gettext("{border}: markers").format(border=b.border_code),
                pct=b.pct_markers,
                colour=style.progress_colour(b.pct_markers),
                note=name,
                key=f"{b.border_code}-markers",
            )
        )
    return percent_bars_svg(
        bars,
        title=tr.gettext("Per cent of each border's line demarcated and of its markers planted"),
        tr=tr,
        width=360,
        label_w=110,
        axis=tr.gettext("per cent"),
    )


def render_overview(data: Overview, *, tr: Translator, chrome: Chrome, map_url: MapUrl) -> str:
    """The overview page in ``tr``'s language; ``map_url(kind, **params)`` links the maps."""
    roles = sorted({r for p in data.coverage.provinces for r in p.officers_by_role})
    return render_page(
        "overview.html",
        tr=tr,
        title=tr.gettext("Overview"),
        chrome=chrome,
        synthetic=data.synthetic,
        data=data,
        chart=progress_chart(data.borders, tr),
        roles=roles,
        era_label=tr.gettext(style.ERA_LABELS[data.coverage.era]),
        map_url=map_url,
        when={"as_of": data.as_of.isoformat()} if data.dated else {},
        today=data.as_of,
        changes_url=map_url(
            "changes",
            **{"from": _year_before(data.as_of).isoformat(), "to": data.as_of.isoformat()},
        ),
    )


def _year_before(day: dt.date) -> dt.date:
    """The same day a year earlier (28 February for 29 February)."""
    return day.replace(year=day.year - 1, day=min(day.day, 28) if day.month == 2 else day.day)
