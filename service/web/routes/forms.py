"""service.web.routes.forms: HTML forms for editors, on the same write actions as the API.

- ``/forms/markers/{id}/event``: append a status event;
- ``/forms/markers/{id}/inspection``: record an inspection with photos (a phone's camera:
  ``<input type=file accept="image/*" capture>``);
- ``/forms/assignments/new``: second an officer to a commune;
- ``/forms/assignments/{id}/end``: end an assignment.

GET shows the form (anonymous visitors are sent to sign in); POST needs a writer and the
session's CSRF token (the ``csrf_token`` hidden field, checked by ``WriterDep``). The
version the editor saw travels in the hidden ``etag`` field and is checked like
``If-Match`` (someone else's change in between: 412, and the form shows the current
version). Refusals come back as the form, with each message next to its field, in the
reader's language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi import Form as FormField
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from maps import style
from maps.text import N_
from service.auth import Principal
from service.auth.roles import WRITERS
from service.db import marker_writes, officer_writes
from service.db.schema_writes import INSPECTION_FINDINGS, MAX_PHOTO_BYTES, MAX_PHOTOS
from service.db.search import has_synthetic_data, officer_id_by_service_number
from service.errors import BadRequest, NotFound, ServiceError
from service.i18n import Translator
from service.outputs.forms import FINDING_LABELS, Field, Form, field_errors, render_form
from service.vocabulary import ERAS, MARKER_STATUSES, OFFICER_ROLES
from service.web import write_actions
from service.web.auth_deps import CSRF_FIELD, PrincipalDep, WriterDep, csrf_token
from service.web.deps import SessionDep
from service.web.errors import STATUS_CODES
from service.web.pages import TranslatorDep, chrome, localize, root
from service.web.routes.write_models import AssignmentEnd, AssignmentIn, InspectionIn, StatusEvent
from service.web.routes.write_support import db_id, reading

router = APIRouter(prefix="/forms", tags=["forms"], include_in_schema=False)
# Declared so that FastAPI parses the form (multipart too) before the dependencies run:
# ``WriterDep`` then finds the session's CSRF token in it (it never reads an unparsed
# multipart body itself). The routes read the fields from ``request.form()``.
CsrfField = Annotated[str, FormField(alias=CSRF_FIELD)]

EVENT_FIELDS = (
    Field(
        "status",
        N_("Status"),
        "select",
        required=True,
        options=tuple((s, style.STATUS_LABELS[s]) for s in MARKER_STATUSES),
    ),
    Field("date", N_("Date"), "date", required=True),
    Field("note", N_("Note"), "textarea"),
    Field("source_document", N_("Source document"), hint=N_("e.g. the number of the minutes")),
)
INSPECTION_FIELDS = (
    Field("inspected_on", N_("Inspected on"), "date", required=True),
    Field(
        "found_status",
        N_("Found"),
        "select",
        required=True,
        options=tuple((f, FINDING_LABELS[f]) for f in INSPECTION_FINDINGS),
    ),
    Field("inspecting_unit", N_("Inspecting unit"), required=True),
    Field("note", N_("Note"), "textarea"),
    Field(
        "photos",
        N_("Photos"),
        "photos",
        hint=N_(
            "Up to 5 photos, JPEG or PNG, at most 10 MB each; on a phone this opens the camera."
        ),
    ),
)
ERA_LABELS = {"pre2025": N_("Before the 2025 reform"), "post2025": N_("After the 2025 reform")}
ASSIGN_FIELDS = (
    Field("service_number", N_("Service number of the officer"), required=True),
    Field(
        "era",
        N_("Units of"),
        "select",
        required=True,
        options=tuple((e, ERA_LABELS[e]) for e in ERAS),
    ),
    Field("commune_code", N_("Commune code"), required=True, hint=N_("Five digits, e.g. 00715")),
    Field(
        "role",
        N_("Role"),
        "select",
        required=True,
        options=tuple((r, style.ROLE_LABELS[r]) for r in OFFICER_ROLES),
    ),
    Field("term", N_("Term"), required=True, hint=N_("e.g. 2025-2030")),
    Field("start_date", N_("From"), "date", required=True),
    Field("end_date", N_("Until"), "date", hint=N_("Leave empty while the officer serves")),
)
END_FIELDS = (
    Field(
        "end_date",
        N_("Last day plus one"),
        "date",
        required=True,
        hint=N_("The first day off the post"),
    ),
)


def _page(
    request: Request, tr: Translator, form: Form, principal: Principal, status: int = 200
) -> Response:
    hidden = {CSRF_FIELD: csrf_token(request) or "", **form.hidden}
    form.hidden = hidden
    html = render_form(form, tr=tr, chrome=chrome(request, tr, state={}))
    response = HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store"})
    return localize(response, request, tr)


def _gate(request: Request, principal: Principal, tr: Translator) -> Response | None:
    """Send an anonymous visitor to sign in; a reader without write rights gets a 403."""
    if principal.is_anonymous:
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"{root(request)}/login?next={quote(here)}", status_code=303)
    if principal.role not in WRITERS:
        form = Form(
            N_("Not allowed"),
            "",
            "",
            (),
            errors={"": tr.gettext("Your account may not record changes.")},
        )
        return _page(request, tr, form, principal, status=403)
    return None


async def _form_values(request: Request) -> tuple[dict[str, str], list[UploadFile]]:
    form = await request.form()
    values: dict[str, str] = {}
    files: list[UploadFile] = []
    for key, value in form.multi_items():
        if isinstance(value, UploadFile):
            if value.filename:
                files.append(value)
        elif key != CSRF_FIELD:
            values[key] = value.strip()
    return values, files


def _model(model: type[BaseModel], values: dict[str, str], names: tuple[str, ...]) -> Any:
    return model.model_validate({n: values[n] for n in names if values.get(n)})


def _status(exc: Exception) -> int:
    for kind, status in STATUS_CODES.items():
        if isinstance(exc, kind):
            return status
    return 400


def _marker_about(session: Session, marker_id: int, tr: Translator) -> tuple[str, str]:
    """(what the form is about, the marker's current ETag); 404 for an unknown marker."""
    with reading(session) as conn:
        state = marker_writes.state(conn, marker_id)
        etag = marker_writes.current_etag(conn, marker_id)
    if state is None or etag is None:
        raise NotFound(f"feature {marker_id!r} not found in markers")
    about = tr.gettext("Marker {label}, {border}").format(
        label=state["label"], border=style.border_label(state["border_code"], tr)
    )
    return about, etag


async def _submit(
    session: Session,
    request: Request,
    tr: Translator,
    principal: Principal,
    form: Form,
    values: dict[str, str],
    act: Callable[[], Any],
    done: str,
    refresh: Callable[[], str] | None,
) -> Response:
    """Run ``act`` in the thread pool; the form again with a success note or the errors."""
    form.synthetic = await run_in_threadpool(has_synthetic_data, session)
    try:
        await run_in_threadpool(act)
    except (ValidationError, ServiceError) as exc:
        form.values, form.errors = values, field_errors(exc, tr)
        if refresh is not None:  # show the current version: its ETag goes back in the form
            form.hidden = {"etag": await run_in_threadpool(refresh)}
        return _page(request, tr, form, principal, status=_status(exc))
    form.done = tr.gettext(done)
    if refresh is not None:
        form.hidden = {"etag": await run_in_threadpool(refresh)}
    return _page(request, tr, form, principal, status=200)


@dataclass(frozen=True, slots=True)
class MarkerForm:
    """A form about one marker: its title, fields, date field and success note."""

    title: str
    fields: tuple[Field, ...]
    day_field: str
    done: str


MARKER_FORMS = {
    "event": MarkerForm(
        N_("Record a status event"), EVENT_FIELDS, "date", N_("The status event was recorded.")
    ),
    "inspection": MarkerForm(
        N_("Record an inspection"),
        INSPECTION_FIELDS,
        "inspected_on",
        N_("The inspection was recorded."),
    ),
}


def _marker_form(kind: str, action: str, about: str, etag: str) -> Form:
    spec = MARKER_FORMS.get(kind)
    if spec is None:
        raise NotFound(f"no form {kind!r}; forms of a marker: {', '.join(MARKER_FORMS)}")
    return Form(
        spec.title,
        about,
        action,
        spec.fields,
        values={spec.day_field: dt.date.today().isoformat()},
        hidden={"etag": etag},
    )


@router.get("/markers/{marker_id}/{kind}")
def marker_form(
    marker_id: str,
    kind: str,
    request: Request,
    principal: PrincipalDep,
    session: SessionDep,
    tr: TranslatorDep,
) -> Response:
    """A marker's form: ``event`` (a status event) or ``inspection`` (with photos)."""
    gate = _gate(request, principal, tr)
    if gate is not None:
        return gate
    about, etag = _marker_about(session, db_id(marker_id, "marker"), tr)
    form = _marker_form(kind, request.url.path, about, etag)
    form.synthetic = has_synthetic_data(session)
    return _page(request, tr, form, principal)


@router.post("/markers/{marker_id}/{kind}")
async def marker_submit(
    marker_id: str,
    kind: str,
    request: Request,
    principal: WriterDep,
    session: SessionDep,
    tr: TranslatorDep,
    csrf_token: CsrfField = "",
) -> Response:
    """Append the status event, or record the inspection and its photos in one transaction
    (the checks of ``POST .../events`` and ``.../inspections``)."""
    number = db_id(marker_id, "marker")
    values, files = await _form_values(request)
    about, _etag = await run_in_threadpool(_marker_about, session, number, tr)
    form = _marker_form(kind, request.url.path, about, values.get("etag", ""))
    if len(files) > MAX_PHOTOS:
        form.values = values
        form.errors = {"photos": tr.gettext("An inspection has at most 5 photos.")}
        return _page(request, tr, form, principal, status=409)
    photos = tuple([await f.read(MAX_PHOTO_BYTES + 1) for f in files])
    seen = values.get("etag")

    def act() -> None:
        if kind == "event":
            event = _model(StatusEvent, values, ("status", "date", "note", "source_document"))
            write_actions.append_event(session, principal, number, event, seen=seen)
        else:
            names = ("inspected_on", "found_status", "inspecting_unit", "note")
            body = _model(InspectionIn, values, names)
            write_actions.record_inspection(
                session, principal, number, body, photos=photos, seen=seen
            )

    def refresh() -> str:
        return _marker_about(session, number, tr)[1]

    done = MARKER_FORMS[kind].done
    return await _submit(session, request, tr, principal, form, values, act, done, refresh)


def _assign_form(action: str, values: dict[str, str], tr: Translator) -> Form:
    form = Form(N_("Assign an officer"), "", action, ASSIGN_FIELDS, values=values, hidden={})
    form.about = tr.gettext(
        "Officers' identities are personal data: they are never shown publicly."
    )
    return form


@router.get("/assignments/new")
def assign_form(
    request: Request, principal: PrincipalDep, session: SessionDep, tr: TranslatorDep
) -> Response:
    """The form to second an officer to a commune (``era``, ``commune`` prefill it)."""
    gate = _gate(request, principal, tr)
    if gate is not None:
        return gate
    q = request.query_params
    values = {"era": q.get("era", "post2025"), "commune_code": q.get("commune", "")}
    values["start_date"] = dt.date.today().isoformat()
    form = _assign_form(request.url.path, values, tr)
    form.synthetic = has_synthetic_data(session)
    return _page(request, tr, form, principal)


@router.post("/assignments/new")
async def assign_submit(
    request: Request,
    principal: WriterDep,
    session: SessionDep,
    tr: TranslatorDep,
    csrf_token: CsrfField = "",
) -> Response:
    """Second the officer (the checks of ``POST /assignments``: province, overlap)."""
    values, _files = await _form_values(request)
    form = _assign_form(request.url.path, values, tr)

    def act() -> None:
        number = values.get("service_number", "")
        if not number:
            raise BadRequest("service_number: required")
        officer = officer_id_by_service_number(session, number)
        if officer is None:  # the editor's typing, not a missing page: 400
            raise BadRequest(f"officer {number!r} not found")
        fields = {
            n: values[n]
            for n in ("era", "commune_code", "role", "term", "start_date", "end_date")
            if values.get(n)
        }
        body = AssignmentIn.model_validate({**fields, "officer_id": officer})
        write_actions.assign_officer(session, principal, body)

    return await _submit(
        session, request, tr, principal, form, values, act, N_("The officer was assigned."), None
    )


def _assignment(session: Session, assignment_id: int) -> dict[str, Any]:
    with reading(session) as conn:
        found = officer_writes.assignment(conn, assignment_id)
    if found is None:
        raise NotFound(f"assignment {assignment_id} not found")
    return found


def _end_form(action: str, row: dict[str, Any], tr: Translator) -> Form:
    about = tr.gettext("Assignment {id}: {role}, commune {commune}, from {start}").format(
        id=row["id"],
        role=style.role_label(row["role"], tr),
        commune=row["commune_code"],
        start=tr.format_date(row["start_date"]),
    )
    return Form(
        N_("End an assignment"),
        about,
        action,
        END_FIELDS,
        values={"end_date": dt.date.today().isoformat()},
        hidden={"etag": write_actions.assignment_etag(row)},
    )


@router.get("/assignments/{assignment_id}/end")
def end_form(
    assignment_id: str,
    request: Request,
    principal: PrincipalDep,
    session: SessionDep,
    tr: TranslatorDep,
) -> Response:
    """The form to end an assignment."""
    gate = _gate(request, principal, tr)
    if gate is not None:
        return gate
    row = _assignment(session, db_id(assignment_id, "assignment"))
    form = _end_form(request.url.path, row, tr)
    form.synthetic = has_synthetic_data(session)
    return _page(request, tr, form, principal)


@router.post("/assignments/{assignment_id}/end")
async def end_submit(
    assignment_id: str,
    request: Request,
    principal: WriterDep,
    session: SessionDep,
    tr: TranslatorDep,
    csrf_token: CsrfField = "",
) -> Response:
    """End the assignment (the checks of ``POST /assignments/{id}/end``, plus the version)."""
    number = db_id(assignment_id, "assignment")
    values, _files = await _form_values(request)
    row = await run_in_threadpool(_assignment, session, number)
    form = _end_form(request.url.path, row, tr)
    form.hidden = {"etag": values.get("etag", "")}

    def act() -> None:
        body = _model(AssignmentEnd, values, ("end_date",))
        write_actions.end_assignment(session, principal, number, body, seen=values.get("etag"))

    def refresh() -> str:
        return write_actions.assignment_etag(_assignment(session, number))

    return await _submit(
        session, request, tr, principal, form, values, act, N_("The assignment was ended."), refresh
    )
