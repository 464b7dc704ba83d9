"""service.pages: what every HTML page of the app shares: its language, top bar and headers.

The language of a request is negotiated once (:func:`service.i18n.negotiate`: ``?lang=``,
then the ``bm_lang`` cookie, then ``Accept-Language``; Vietnamese by default) and given
to routes as a translator (:data:`TranslatorDep`). An HTML response says its language in
``Content-Language`` (and ``<html lang>``); an explicit ``?lang=`` is remembered in the
cookie so the next page keeps it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response

from maps.kinds import KINDS
from maps.page import Chrome, Link
from maps.text import N_
from service.errors import BadRequest
from service.i18n import COOKIE, LANGS, Translator, UnknownLanguage, negotiate, translator
from service.ogc import html as ogc_html
from service.outputs.errors import render_error

LANGUAGE_NAMES = {"vi": "Tiếng Việt", "en": "English"}  # each in its own language
MAP_TITLES = {
    "coverage": N_("Officer coverage"),
    "markers": N_("Border markers"),
    "progress": N_("Demarcation progress"),
    "communes": N_("All communes"),
}


def request_lang(request: Request) -> str:
    """The negotiated language of ``request``; an unknown ``?lang=`` is a 400."""
    try:
        return negotiate(
            request.query_params.get("lang"),
            request.cookies.get(COOKIE),
            request.headers.get("accept-language"),
        )
    except UnknownLanguage as exc:
        raise BadRequest(str(exc)) from None


def get_translator(request: Request) -> Translator:
    """The translator of the request's language."""
    return translator(request_lang(request))


TranslatorDep = Annotated[Translator, Depends(get_translator)]


def root(request: Request) -> str:
    """The app's root path (empty, or the prefix it is mounted under)."""
    return str(request.scope.get("root_path", ""))


def same_page(request: Request, **changes: str | None) -> str:
    """This page's root-relative URL with query parameters changed (None removes one)."""
    params = dict(request.query_params)
    for name, value in changes.items():
        if value is None:
            params.pop(name, None)
        else:
            params[name] = value
    query = urlencode(params)
    return f"{root(request)}{request.url.path}" + (f"?{query}" if query else "")


def chrome(
    request: Request,
    tr: Translator,
    *,
    current: str | None = None,
    state: Mapping[str, str | None] | None = None,
) -> Chrome:
    """The top bar's links: the overview, the maps (in this language), this page in each.

    ``state``: this page's filters in canonical form (e.g. ``as_of`` as YYYY-MM-DD), for
    the language links; without it they repeat the request's own query.
    """
    base = root(request)
    lang = urlencode({"lang": tr.lang})
    nav = [Link(tr.gettext("Overview"), f"{base}/overview?{lang}", current == "overview")]
    nav += [Link(tr.gettext(MAP_TITLES[k]), f"{base}/maps/{k}?{lang}", current == k) for k in KINDS]

    def this_page(code: str) -> str:
        if state is None:
            return same_page(request, lang=code)
        query = urlencode({**{k: v for k, v in state.items() if v}, "lang": code})
        return f"{base}{request.url.path}?{query}"

    languages = [
        Link(LANGUAGE_NAMES[code], this_page(code), code == tr.lang, lang=code) for code in LANGS
    ]
    return Chrome(nav=nav, languages=languages, home=f"{base}/overview?{lang}")


def localize(response: Response, request: Request, tr: Translator) -> Response:
    """Set ``Content-Language`` (and remember an explicit ``?lang=`` in the cookie)."""
    response.headers["Content-Language"] = tr.lang
    vary = response.headers.get("vary")
    response.headers["Vary"] = f"{vary}, Accept-Language" if vary else "Accept-Language"
    if request.query_params.get("lang") and request.cookies.get(COOKIE) != tr.lang:
        response.set_cookie(COOKIE, tr.lang, max_age=365 * 86400, samesite="lax")
    return response


# The routes whose answer is a page for people: their errors are pages too.
HTML_PAGES = ("/overview", "/maps/coverage", "/maps/markers", "/maps/progress", "/maps/changes")


def wants_error_page(request: Request) -> bool:
    """True for a browser's request of an HTML page (it gets an HTML error, not JSON)."""
    path = request.url.path.removeprefix(root(request))
    accept = request.headers.get("accept", "")
    return path in HTML_PAGES and "text/html" in accept


def error_page(request: Request, status: int, detail: str) -> Response:
    """The error page in the reader's language (an unknown ``?lang=`` falls back to vi)."""
    try:
        lang = request_lang(request)
    except BadRequest:
        lang = negotiate(None, request.cookies.get(COOKIE), request.headers.get("accept-language"))
    tr = translator(lang)
    back = f"{root(request)}{request.url.path}?lang={tr.lang}"
    html = render_error(status, detail, tr=tr, chrome=chrome(request, tr, state={}), back=back)
    return localize(HTMLResponse(html, status_code=status), request, tr)


def ogc_view(request: Request, template: str, *, title: str, **context: Any) -> Response:
    """An OGC API HTML view in the reader's language, ``title`` translated.

    Collection titles and descriptions stay as the API publishes them; the words of the
    page around them come from the catalogue (``{{ _("...") }}`` in the templates).
    """
    tr = get_translator(request)
    page = ogc_html.render(
        template,
        title=tr.gettext(title),
        lang=tr.lang,
        _=tr.gettext,
        overview=f"{root(request)}/overview?lang={tr.lang}",
        **context,
    )
    return localize(HTMLResponse(page), request, tr)
