"""service.outputs.pdf: print an HTML page to PDF with headless Chromium (Playwright).

Chromium's own print (``page.pdf``, A4, backgrounds on) renders the inline CSS and SVG of
the report exactly as the browser shows it. Needs the ``playwright`` package (the ``pdf``
extra) and a Chromium: ``BORDERMAP_CHROMIUM`` or ``/usr/bin/chromium`` (Debian
``chromium``). When either is missing, :class:`PdfUnavailable` says what to install.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from service.errors import PdfUnavailable

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]


def chromium_path() -> Path:
    """The Chromium to print with, or PdfUnavailable naming how to get one."""
    explicit = os.environ.get("BORDERMAP_CHROMIUM")
    for candidate in (explicit, "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return Path(candidate)
    raise PdfUnavailable(
        "PDF needs Chromium: install the Debian package `chromium`"
        " (apt-get install chromium) or set BORDERMAP_CHROMIUM to its path"
    )


def html_to_pdf(html: str) -> bytes:
    """The PDF of ``html`` (A4, 12 mm margins unless the page's CSS says otherwise)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise PdfUnavailable(
            "PDF needs the `playwright` package: pip install 'bordermap[pdf]'"
            " (and the Debian package `chromium`)"
        ) from None
    exe = chromium_path()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(exe), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.set_content(html, wait_until="load")
            return page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
        finally:
            browser.close()
