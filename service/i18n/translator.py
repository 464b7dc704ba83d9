"""service.i18n.translator: one language's catalogue, dates and numbers.

The ``.po`` files are the only source: each is read with Babel and compiled to a
gettext catalogue in memory the first time its language is asked for (no ``.mo`` file is
committed, so nothing can drift from the ``.po``). A message missing from a catalogue
falls back to the English msgid; ``tests/i18n`` fails when any message is missing.
"""

from __future__ import annotations

import datetime as dt
import io
from functools import cache
from importlib import resources

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations

from service.i18n.negotiate import LANGS

DOMAIN = "messages"
# dd/mm/yyyy is how Vietnamese write dates; English pages keep ISO 8601 (unambiguous).
DATE_PATTERNS = {"vi": "%d/%m/%Y", "en": "%Y-%m-%d"}


def po_path(lang: str) -> resources.abc.Traversable:
    """The ``.po`` file of ``lang`` inside the package."""
    return resources.files("service.i18n") / "locales" / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


class Translator:
    """Messages, dates and numbers of one language (satisfies ``maps.text.Translator``)."""

    def __init__(self, lang: str, translations: Translations) -> None:
        self._lang = lang
        self._t = translations
        self._locale = Locale.parse(lang)
        symbols = self._locale.number_symbols["latn"]
        self._symbols = (str(symbols["decimal"]), str(symbols["group"]))

    @property
    def lang(self) -> str:
        """The language code."""
        return self._lang

    def gettext(self, message: str) -> str:
        """The translation of ``message``; the msgid itself when the catalogue lacks it."""
        return str(self._t.gettext(message))

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """The plural form of ``n`` (the catalogue's own ``Plural-Forms`` rule)."""
        return str(self._t.ngettext(singular, plural, n))

    def format_date(self, day: dt.date) -> str:
        """dd/mm/yyyy in Vietnamese, yyyy-mm-dd in English."""
        return day.strftime(DATE_PATTERNS.get(self._lang, "%Y-%m-%d"))

    def format_number(self, value: float, digits: int = 0) -> str:
        """``value`` rounded to ``digits`` decimals with the language's separators.

        Vietnamese: ``1.234,5``; English: ``1,234.5`` (Babel's CLDR data).
        """
        pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
        return str(format_decimal(value, format=pattern, locale=self._locale))

    def number_symbols(self) -> tuple[str, str]:
        """(decimal separator, group separator)."""
        return self._symbols


@cache
def translator(lang: str) -> Translator:
    """The translator of ``lang`` (one of ``LANGS``), loaded once per process."""
    if lang not in LANGS:
        raise ValueError(f"no catalogue for language {lang!r}; expected one of {LANGS}")
    with po_path(lang).open("rb") as f:
        catalog = read_po(f, locale=lang, domain=DOMAIN)
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    buf.seek(0)
    return Translator(lang, Translations(fp=buf, domain=DOMAIN))
