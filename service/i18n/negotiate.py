"""service.i18n.negotiate: which language a request gets (pure: strings in, a code out)."""

from __future__ import annotations

LANGS: tuple[str, ...] = ("vi", "en")
DEFAULT_LANG = "vi"
COOKIE = "bm_lang"  # set by the language switch, so the choice follows the reader


class UnknownLanguage(ValueError):
    """``?lang=`` names a language BorderMap has no catalogue for."""


def _accepted(header: str) -> list[tuple[float, int, str]]:
    """``Accept-Language`` items as (q, position, primary subtag), unsorted."""
    out = []
    for pos, item in enumerate(header.split(",")):
        tag, _, params = item.strip().partition(";")
        q = 1.0
        for p in params.split(";"):
            name, _, value = p.strip().partition("=")
            if name.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary and q > 0:
            out.append((q, pos, primary))
    return out


def negotiate(
    query: str | None = None, cookie: str | None = None, accept_language: str | None = None
) -> str:
    """The language of a response: ``?lang=`` first, then the cookie, then Accept-Language.

    Vietnamese when none of them names a supported language. An unsupported ``?lang=``
    raises :class:`UnknownLanguage` (the reader asked for it explicitly: a 400 says so);
    an unsupported cookie or header is ignored.
    """
    if query is not None and query != "":
        lang = query.strip().lower()
        if lang not in LANGS:
            raise UnknownLanguage(
                f"lang: unknown language {query!r}; expected one of {', '.join(LANGS)}"
            )
        return lang
    if cookie and cookie.strip().lower() in LANGS:
        return cookie.strip().lower()
    if accept_language:
        # Highest q first; among equal q, the order the client listed them.
        for _q, _pos, primary in sorted(_accepted(accept_language), key=lambda t: (-t[0], t[1])):
            if primary in LANGS:
                return primary
            if primary == "*":
                return DEFAULT_LANG
    return DEFAULT_LANG
