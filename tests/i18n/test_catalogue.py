"""The message catalogue: complete in every language, well-formed, and its formats."""

from __future__ import annotations

import datetime as dt
import io
import re
import string

import pytest

from service.i18n import LANGS, UnknownLanguage, negotiate, translator
from service.i18n.catalogue import extract, missing, read
from service.i18n.extractor import extract as extract_ast


@pytest.fixture(scope="module")
def template():  # type: ignore[no-untyped-def]
    return extract()


def test_the_code_marks_messages(template) -> None:  # type: ignore[no-untyped-def]
    ids = {m.id for m in template if m.id}
    # One from each kind of place: a map label, a label kept as data, a map page title.
    for msgid in ("Legend", "Seconded cadre", "Officer coverage of border communes"):
        assert msgid in ids
    assert len(ids) > 80


@pytest.mark.parametrize("lang", LANGS)
def test_every_catalogue_has_every_message(lang: str, template) -> None:  # type: ignore[no-untyped-def]
    lacking = missing(lang, template)
    assert lacking == [], (
        f"{lang}: {len(lacking)} message(s) without a translation: {lacking[:20]}; "
        "run `python -m service.i18n update` and translate them in "
        f"service/i18n/locales/{lang}/LC_MESSAGES/messages.po"
    )


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}


@pytest.mark.parametrize("lang", LANGS)
def test_translations_keep_the_placeholders(lang: str) -> None:
    for m in read(lang):
        if not m.id or not m.string:
            continue
        ids = (m.id,) if isinstance(m.id, str) else tuple(m.id)
        strings = (m.string,) if isinstance(m.string, str) else tuple(m.string)
        for s in strings:
            assert _fields(s) == _fields(ids[0]), f"{lang}: {m.id!r} -> {s!r}"


def test_vietnamese_is_really_vietnamese() -> None:
    vi = translator("vi")
    assert vi.gettext("Seconded cadre") == "Cán bộ tăng cường xã"
    assert vi.gettext("SYNTHETIC DEMO DATA: not real communes, officers or markers").startswith(
        "DỮ LIỆU MÔ PHỎNG"
    )
    assert translator("en").gettext("Seconded cadre") == "Seconded cadre"
    # Unknown text falls back to the msgid (the test above catches it first).
    assert vi.gettext("no such message, ever") == "no such message, ever"


def test_dates_and_numbers() -> None:
    vi, en = translator("vi"), translator("en")
    day = dt.date(2024, 6, 1)
    assert vi.format_date(day) == "01/06/2024"
    assert en.format_date(day) == "2024-06-01"
    assert vi.format_number(1234567.891, 1) == "1.234.567,9"
    assert en.format_number(1234567.891, 1) == "1,234,567.9"
    assert vi.format_number(1265) == "1.265"
    assert vi.number_symbols() == (",", ".")
    assert en.number_symbols() == (".", ",")


@pytest.mark.parametrize(
    ("query", "cookie", "header", "expected"),
    [
        (None, None, None, "vi"),
        ("en", None, None, "en"),
        ("EN", "vi", "vi", "en"),
        ("vi", "en", "en", "vi"),
        (None, "en", "vi", "en"),
        (None, "xx", "en-GB,en;q=0.8", "en"),
        (None, None, "fr-FR, en;q=0.5, vi;q=0.9", "vi"),
        (None, None, "fr, de;q=0.5", "vi"),
        (None, None, "en;q=0, fr", "vi"),
        (None, None, "*", "vi"),
        ("", None, "en", "en"),
    ],
)
def test_negotiate(
    query: str | None, cookie: str | None, header: str | None, expected: str
) -> None:
    assert negotiate(query, cookie, header) == expected


def test_an_unknown_lang_parameter_is_refused_by_name() -> None:
    with pytest.raises(UnknownLanguage, match="lang: unknown language 'fr'"):
        negotiate("fr")


def test_the_extractor_sees_calls_inside_f_strings() -> None:
    source = b'x = f"<h3>{escape(tr.gettext(\'Legend\'))}</h3>"\ny = N_("Kept")\nz = _(name)\n'
    found = list(extract_ast(io.BytesIO(source), {"gettext": None, "N_": None, "_": None}, [], {}))
    assert sorted((line, fn, args) for line, fn, args, _ in found) == [
        (1, "gettext", ("Legend",)),
        (2, "N_", ("Kept",)),
        (3, "_", (None,)),
    ]


def test_no_compiled_catalogue_is_committed() -> None:
    from service.i18n.catalogue import LOCALES

    assert not list(LOCALES.rglob("*.mo"))
    assert all(re.fullmatch(r"[a-z]{2}", p.name) for p in LOCALES.iterdir())
