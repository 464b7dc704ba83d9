"""maps.text: what the map builders need to speak the reader's language (no catalogue here).

The builders never import the service: they take a :class:`Translator` (the service's
``service.i18n.translator(lang)`` is one) and ask it for every word, date and number a
person reads. Labels defined once as data (roles, statuses, classes) are marked with
:func:`N_` so the extractor finds them; they are translated where they are shown.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "mark, do not translate"
    """Mark ``message`` for the catalogue without translating it (``gettext_noop``)."""
    return message


class Translator(Protocol):
    """One language's messages and formats."""

    @property
    def lang(self) -> str:
        """The language code (``vi``, ``en``), for ``<html lang>`` and links."""
        ...

    def gettext(self, message: str) -> str:
        """The translation of ``message`` (an English msgid)."""
        ...

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """The translation of the form of ``singular``/``plural`` that fits ``n``."""
        ...

    def format_date(self, day: dt.date) -> str:
        """``day`` as the reader writes dates (dd/mm/yyyy in Vietnamese)."""
        ...

    def format_number(self, value: float, digits: int = 0) -> str:
        """``value`` with ``digits`` decimals and the language's separators."""
        ...

    def number_symbols(self) -> tuple[str, str]:
        """(decimal separator, group separator) for numbers formatted in the browser."""
        ...
