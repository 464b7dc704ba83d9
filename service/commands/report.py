"""service.commands.report: ``bordermap report --year Y [--province P] [--lang vi|en] -o FILE``.

Writes the yearly coordination report (:mod:`service.outputs.report`) as HTML, or as PDF
when FILE ends in ``.pdf`` (headless Chromium; without it the command says what to
install). The figures are read in one REPEATABLE READ transaction, so they agree.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path

from service.settings import Settings

Handler = Callable[[argparse.Namespace, Settings], int]


def register(sub: argparse._SubParsersAction, handlers: dict[str, Handler]) -> None:
    """Add the ``report`` sub-command."""
    p = sub.add_parser("report", help="write the yearly coordination report (HTML or PDF)")
    p.add_argument("--year", type=int, default=dt.date.today().year, help="the year")
    p.add_argument("--province", help="province code or name of that year's era")
    p.add_argument("--lang", default="vi", choices=("vi", "en"), help="language (default vi)")
    p.add_argument("-o", "--output", required=True, type=Path, help="report.html or report.pdf")
    handlers["report"] = _report


def _report(args: argparse.Namespace, settings: Settings) -> int:
    from service.db.engine import make_engine
    from service.db.report import report_dates, year_report
    from service.db.units import checked_province
    from service.i18n import translator
    from service.outputs.report import render_report

    out: Path = args.output
    if out.suffix.lower() not in (".html", ".htm", ".pdf"):
        sys.stderr.write(f"error: -o {out}: the file must end in .html or .pdf\n")
        return 2
    day, _ = report_dates(args.year, dt.date.today())
    engine = make_engine(settings)
    try:
        with engine.connect() as conn:
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                province = checked_province(conn, args.province, day)
                data = year_report(conn, year=args.year, province=province)
    finally:
        engine.dispose()
    html = render_report(data, translator(args.lang))
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() == ".pdf":
        from service.outputs.pdf import html_to_pdf

        out.write_bytes(html_to_pdf(html))
    else:
        out.write_text(html, encoding="utf-8")
    sys.stdout.write(f"wrote {out} ({out.stat().st_size:,} bytes)\n")
    return 0
