"""service.outputs.forms: the editors' forms as HTML pages, and their errors in words.

A form is a list of :class:`Field` (labels are catalogue msgids, translated when shown),
the values typed so far, one error message per field (shown next to it, linked with
``aria-describedby``) and hidden fields (the CSRF token, the version the editor saw).
:func:`field_errors` turns what the write actions refuse (pydantic's validation, the
service's errors) into messages in the reader's language, keyed by field; anything it
cannot place goes to the whole form (key ``""``) with the technical detail.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from pydantic import ValidationError

from maps.page import Chrome
from maps.text import N_, Translator
from service.errors import (
    BadRequest,
    Conflict,
    Forbidden,
    NotFound,
    PayloadTooLarge,
    PreconditionFailed,
    ServiceError,
    UnsupportedMediaType,
)
from service.outputs.render import render_page


@dataclass(frozen=True, slots=True)
class Field:
    """One input of a form. ``options``: (value, label msgid) for a select."""

    name: str
    label: str
    kind: str = "text"  # text, textarea, date, select, number, photos
    required: bool = False
    options: Sequence[tuple[str, str]] = ()
    hint: str | None = None


@dataclass(slots=True)
class Form:
    """A form page: what it is about, its fields, values, errors and hidden fields."""

    title: str
    about: str
    action: str
    fields: Sequence[Field]
    values: Mapping[str, str] = field(default_factory=dict)
    errors: Mapping[str, str] = field(default_factory=dict)
    hidden: Mapping[str, str] = field(default_factory=dict)
    done: str | None = None
    links: Sequence[tuple[str, str]] = ()  # (label, href) after a success
    synthetic: bool = False  # the demo data: the page says so in its banner


FINDING_LABELS = {
    "intact": N_("Intact"),
    "damaged": N_("Damaged"),
    "destroyed": N_("Destroyed"),
    "displaced": N_("Displaced"),
    "restored": N_("Restored"),
    "verified": N_("Verified"),
}

_PYDANTIC = {
    "missing": N_("This field is required."),
    "string_too_short": N_("This field is required."),
    "string_too_long": N_("This text is too long."),
    "literal_error": N_("Choose one of the options."),
    "date_from_datetime_parsing": N_("Enter a date."),
    "date_parsing": N_("Enter a date."),
    "date_type": N_("Enter a date."),
    "greater_than_equal": N_("This value is too small."),
    "less_than_equal": N_("This value is too large."),
    "int_parsing": N_("Enter a whole number."),
    "string_pattern_mismatch": N_("This value is not in the expected form."),
}
# Messages of the write actions that name a field: (pattern, field, msgid).
_PLACED: tuple[tuple[re.Pattern[str], str | None, str], ...] = (
    (re.compile(r"^(date|inspected_on) \S+ is in the future"), None, N_("The date is in the future.")),
    (re.compile(r"^end_date \S+ is not after start_date"), "end_date", N_("The end must be after the start.")),
    (re.compile(r"^commune \S+ is not in the database"), "commune_code", N_("There is no such commune in this era.")),
    (re.compile(r"^service_number: required"), "service_number", N_("This field is required.")),
    (re.compile(r"^officer \S+ not found"), "service_number", N_("There is no officer with this number.")),
    (re.compile(r"already holds the role"), "start_date", N_("This officer already holds this role in that period: end that assignment first.")),
)  # fmt: skip


def field_errors(exc: Exception, tr: Translator) -> dict[str, str]:
    """What was refused, in the reader's words, by field name (``""``: the whole form)."""
    if isinstance(exc, ValidationError):
        out: dict[str, str] = {}
        for problem in exc.errors():
            name = str(problem["loc"][0]) if problem["loc"] else ""
            out.setdefault(
                name, tr.gettext(_PYDANTIC.get(problem["type"], N_("This value is not valid.")))
            )
        return out
    detail = str(exc)
    for pattern, placed, message in _PLACED:
        match = pattern.search(detail)
        if match:
            return {placed or match.group(1): tr.gettext(message)}
    if isinstance(exc, PreconditionFailed):
        return {"": tr.gettext("Someone else changed this record after you opened the form. The form now shows the current version: check it and send it again.")}  # fmt: skip
    if isinstance(exc, (PayloadTooLarge, UnsupportedMediaType)):
        return {"photos": tr.gettext("Photos must be JPEG or PNG files of at most 10 MB each.")}
    if isinstance(exc, Conflict) and "photo" in detail:
        return {"photos": tr.gettext("An inspection has at most 5 photos.")}
    if isinstance(exc, Forbidden):
        return {"": tr.gettext("Your account may not record changes in this province.")}
    if isinstance(exc, NotFound):
        return {"": tr.gettext("This record does not exist (any more).")}
    if isinstance(exc, (BadRequest, ServiceError)):
        return {"": tr.gettext("The record was not saved.") + " " + detail}
    raise exc


def render_form(form: Form, *, tr: Translator, chrome: Chrome) -> str:
    """The form page (labels, hints and errors in the reader's language)."""
    multipart = any(f.kind == "photos" for f in form.fields)
    return render_page(
        "form.html",
        tr=tr,
        title=tr.gettext(form.title),
        chrome=chrome,
        synthetic=form.synthetic,
        form=form,
        multipart=multipart,
    )
