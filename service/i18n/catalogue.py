"""service.i18n.catalogue: extract the messages from the code and keep the ``.po`` files whole.

Used by ``python -m service.i18n`` (developers) and by ``tests/i18n`` (a catalogue that
lacks a message, or has one only as an empty or fuzzy entry, fails the test).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

from service.i18n.negotiate import LANGS
from service.i18n.translator import DOMAIN

ROOT = Path(__file__).resolve().parents[2]
LOCALES = Path(__file__).resolve().parent / "locales"
SOURCE_LANG = "en"  # msgids are English; the English catalogue repeats them


def po_file(lang: str) -> Path:
    """The ``.po`` file of ``lang`` in the source tree."""
    return LOCALES / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def extract(root: Path = ROOT) -> Catalog:
    """Every message the code marks, with where it is used (the ``babel.cfg`` mapping)."""
    with (root / "babel.cfg").open(encoding="utf-8") as f:
        method_map, options_map = parse_mapping_cfg(f)
    template = Catalog(domain=DOMAIN, project="BorderMap", charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
        str(root), method_map, options_map, strip_comment_tags=True
    ):
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def read(lang: str) -> Catalog:
    """The catalogue of ``lang`` as it is on disk."""
    with po_file(lang).open("rb") as f:
        return read_po(f, locale=lang, domain=DOMAIN)


def _msgids(catalog: Catalog) -> Iterable[tuple[str | tuple[str, ...], str | None]]:
    for m in catalog:
        if m.id:
            yield (m.id if isinstance(m.id, str) else tuple(m.id)), m.context


def missing(lang: str, template: Catalog | None = None) -> list[str]:
    """Messages of the code that ``lang``'s catalogue lacks, leaves empty or marks fuzzy."""
    template = template or extract()
    catalog = read(lang)
    out = []
    for msgid, context in _msgids(template):
        m = catalog.get(msgid, context)
        strings = m.string if m is not None and isinstance(m.string, tuple) else (m and m.string,)
        if m is None or m.fuzzy or not all(strings):
            out.append(msgid if isinstance(msgid, str) else msgid[0])
    return out


def update(template: Catalog | None = None) -> dict[str, list[str]]:
    """Merge the extracted messages into every catalogue; return what each still lacks.

    New messages arrive empty (the English catalogue copies its msgids); messages no
    longer in the code become obsolete entries. Nothing is guessed (no fuzzy matching).
    """
    template = template or extract()
    for lang in LANGS:
        path = po_file(lang)
        if path.exists():
            catalog = read(lang)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            catalog = Catalog(locale=lang, domain=DOMAIN, project="BorderMap")
        catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
        catalog.fuzzy = False  # the header: a kept catalogue is not a draft
        if lang == SOURCE_LANG:
            for m in catalog:
                if m.id and not (all(m.string) if isinstance(m.string, tuple) else m.string):
                    m.string = m.id
        with path.open("wb") as f:
            # Sorted, without line numbers: adding a message elsewhere changes nothing here,
            # so branches that add messages merge with few conflicts.
            write_po(
                f,
                catalog,
                width=100,
                sort_output=True,
                include_lineno=False,
                ignore_obsolete=True,
            )
    return {lang: missing(lang, template) for lang in LANGS}
