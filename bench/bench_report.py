"""Benchmark the yearly report: gathering the figures, rendering HTML, printing the PDF.

Builds the demo dataset into a throwaway migrated database, then for 2011 and this year
(whole country, and Cao Bằng) times :func:`service.db.report.year_report` (best of
``--runs``), :func:`service.outputs.report.render_report`, and, when Chromium is there,
:func:`service.outputs.pdf.html_to_pdf` once. Results: printed, and
``bench/results/report-<time>.{json,md}``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import time

from sqlalchemy import create_engine

from bench import save_results
from bench._db import throwaway_database


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    from service.db.report import year_report
    from service.demo import build_demo
    from service.errors import PdfUnavailable
    from service.i18n import translator
    from service.outputs.pdf import html_to_pdf
    from service.outputs.report import render_report

    rows = []
    with throwaway_database("bordermap_bench_report") as url:
        engine = create_engine(url)
        build_demo(engine)
        for year in (2011, dt.date.today().year):
            for province in (None, "04"):
                gather = []
                with engine.connect() as conn:
                    for _ in range(args.runs):
                        t0 = time.perf_counter()
                        data = year_report(conn, year=year, province=province)
                        gather.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                html = render_report(data, translator("vi"))
                render_s = time.perf_counter() - t0
                try:
                    t0 = time.perf_counter()
                    pdf_kb: float | None = len(html_to_pdf(html)) / 1024
                    pdf_s: float | None = time.perf_counter() - t0
                except PdfUnavailable:
                    pdf_kb = pdf_s = None
                rows.append({
                    "year": year, "province": province or "all",
                    "gather_s": round(min(gather), 2), "render_s": round(render_s, 3),
                    "html_kb": round(len(html.encode()) / 1024, 1),
                    "pdf_s": None if pdf_s is None else round(pdf_s, 2),
                    "pdf_kb": None if pdf_kb is None else round(pdf_kb, 1),
                    "load_1min": round(os.getloadavg()[0], 2),
                })  # fmt: skip
                print(rows[-1], flush=True)
        engine.dispose()
    cols = list(rows[0])
    md = "\n".join(
        ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
        + ["| " + " | ".join(str(r[c]) for c in cols) + " |" for r in rows]
    )
    print(md)
    save_results("report", rows, md)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
