"""service.outputs.errors: the HTML page a browser gets when a page's request is refused.

The message says, in the reader's language, which filter was wrong (by its label on the
page, not its parameter name); the exact technical message follows, folded.
"""

from __future__ import annotations

import re

from maps.page import Chrome
from maps.text import N_, Translator
from service.outputs.render import render_page

# The filters of the pages, as the reader sees them on the page.
FIELD_LABELS = {
    "as_of": N_("Date"),
    "province": N_("Province"),
    "border": N_("Border"),
    "kind": N_("Communes"),
    "lang": N_("Language"),
    "from": N_("From"),
    "to": N_("To"),
}
_UNKNOWN = re.compile(r"unknown query parameter '([^']+)'")
_FIELD = re.compile(r"([a-z_]+): ")


def explain(status: int, detail: str, tr: Translator) -> str:
    """What went wrong, in the reader's words."""
    if status == 404:
        return tr.gettext("There is no such page or item.")
    unknown = _UNKNOWN.match(detail)
    if unknown:
        return tr.gettext("This page does not take the parameter “{name}”.").format(
            name=unknown.group(1)
        )
    field = _FIELD.match(detail)
    if field and field.group(1) in FIELD_LABELS:
        label = tr.gettext(FIELD_LABELS[field.group(1)])
        return tr.gettext("The value given for “{field}” is not valid.").format(field=label)
    return tr.gettext("The request could not be understood.")


def render_error(status: int, detail: str, *, tr: Translator, chrome: Chrome, back: str) -> str:
    """The error page: what went wrong, the technical detail, and a way back."""
    return render_page(
        "error.html",
        tr=tr,
        title=tr.gettext("The page could not be shown"),
        chrome=chrome,
        synthetic=False,
        code=status,
        message=explain(status, detail, tr),
        detail=detail,
        back=back,
    )
