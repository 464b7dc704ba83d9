"""maps.charts: small inline SVG charts drawn server-side (no chart library, nothing to load).

Text is escaped; sizes are in CSS pixels. The SVGs carry ``role="img"`` and a ``<title>``
so screen readers (and tests) can read what they show.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape

from maps.text import Translator


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar of a percentage chart."""

    label: str
    pct: float | None
    colour: str
    note: str = ""
    key: str = ""  # a stable identifier for scripts and tests (data-key); the label if empty


def fmt_pct(pct: float | None, tr: Translator) -> str:
    """``12,5 %`` (vi) / ``12.5 %`` (en); a whole number without decimals; n/a when None."""
    if pct is None:
        return tr.gettext("n/a")
    return tr.format_number(pct, 0 if round(pct, 1) == round(pct) else 1) + " %"


def percent_bars_svg(
    bars: Sequence[Bar],
    *,
    title: str,
    tr: Translator,
    width: int = 320,
    label_w: int = 64,
    axis: str | None = None,
) -> str:
    """Horizontal bars of percentages (0-100), one row per item, value at the bar end.

    ``axis`` names the scale (default: the share of the line demarcated).
    """
    row, top = 16, 18
    plot_w = width - label_w - 44
    height = top + row * len(bars) + 16
    out = [
        f'<svg role="img" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}"><title>{escape(title)}</title>'
    ]
    for tick in (0, 25, 50, 75, 100):
        x = label_w + plot_w * tick / 100
        out.append(
            f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{height - 14}" '
            f'stroke="#ddd" stroke-width="1"/>'
            f'<text x="{x:.1f}" y="{top - 7}" text-anchor="middle" fill="#555">{tick}</text>'
        )
    for i, bar in enumerate(bars):
        y = top + i * row
        w = plot_w * max(0.0, min(100.0, bar.pct or 0.0)) / 100
        tip = escape(f"{bar.label}: {fmt_pct(bar.pct, tr)}{' - ' + bar.note if bar.note else ''}")
        out.append(
            f'<g class="bm-bar" data-key="{escape(bar.key or bar.label)}" '
            f'data-label="{escape(bar.label)}" '
            f'data-pct="{"" if bar.pct is None else round(bar.pct, 2)}"><title>{tip}</title>'
            f'<text x="{label_w - 4}" y="{y + 11}" text-anchor="end">{escape(bar.label)}</text>'
            f'<rect x="{label_w}" y="{y + 2}" width="{w:.1f}" height="{row - 4}" '
            f'fill="{bar.colour}"/>'
            f'<text x="{label_w + w + 3:.1f}" y="{y + 11}">{fmt_pct(bar.pct, tr)}</text></g>'
        )
    out.append(
        f'<text x="{label_w + plot_w / 2:.1f}" y="{height - 2}" text-anchor="middle" '
        f'fill="#555">{escape(axis or tr.gettext("line demarcated, per cent"))}</text></svg>'
    )
    return "".join(out)


def year_bars_svg(
    counts: Mapping[int, int],
    *,
    title: str,
    tr: Translator,
    width: int = 320,
    colour: str = "#33a02c",
) -> str:
    """Bars of a count per year (every year in range, gaps as zero) with a cumulative line."""
    height, left, right, top, bottom = 150, 34, 34, 10, 22
    if not counts:
        return (
            f'<svg role="img" width="{width}" height="24">'
            f'<title>{escape(title)}</title><text x="0" y="16">'
            f"{escape(tr.gettext('no events'))}</text></svg>"
        )
    years = list(range(min(counts), max(counts) + 1))
    values = [counts.get(y, 0) for y in years]
    top_value = max(values) or 1
    total = sum(values)
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / len(years)
    out = [
        f'<svg role="img" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}"><title>{escape(title)}</title>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" '
        f'stroke="#999"/>',
        f'<text x="{left - 3}" y="{top + 8}" text-anchor="end" fill="#555">{tr.format_number(top_value)}</text>',
        f'<text x="{left - 3}" y="{top + plot_h}" text-anchor="end" fill="#555">0</text>',
        f'<text x="{left + plot_w + 3}" y="{top + 8}" fill="#555">{tr.format_number(total)}</text>',
    ]
    cumulative, points = 0, []
    for i, (year, value) in enumerate(zip(years, values, strict=True)):
        x = left + i * step
        h = plot_h * value / top_value
        out.append(
            f'<g class="bm-year" data-year="{year}" data-count="{value}">'
            f"<title>{year}: {tr.format_number(value)}</title>"
            f'<rect x="{x + step * 0.1:.1f}" y="{top + plot_h - h:.1f}" '
            f'width="{max(step * 0.8, 1):.1f}" height="{h:.1f}" fill="{colour}"/></g>'
        )
        cumulative += value
        points.append(f"{x + step / 2:.1f},{top + plot_h - plot_h * cumulative / total:.1f}")
    out.append(
        f'<polyline points="{" ".join(points)}" fill="none" stroke="#444" '
        f'stroke-width="1.5" stroke-dasharray="4 2"/>'
    )
    # About six year labels; the last year too, unless it would collide with a label.
    every = max(1, round(len(years) / 6))
    last = len(years) - 1
    labelled = set(range(0, len(years), every))
    if last - max(labelled) >= max(1, every // 2 + 1):
        labelled.add(last)
    for i, year in enumerate(years):
        if i in labelled:
            x = left + i * step + step / 2
            out.append(
                f'<text x="{x:.1f}" y="{height - 6}" text-anchor="middle" fill="#555">{year}</text>'
            )
    out.append("</svg>")
    return "".join(out)
