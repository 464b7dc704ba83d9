"""service.outputs.search_page: the search page (a search box and the ranked results).

Every word comes from the catalogue; names, codes and labels are the data's. Each result
links to its item page and its map; an editor also gets the links to the forms that
record something about it (an inspection or status event of a marker, an officer posted
to a commune, the end of an officer's assignment).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from maps.page import Chrome
from maps.text import N_, Translator
from service.db.lineage import LinkedUnit
from service.db.search import Hit
from service.outputs.render import render_page
from service.vocabulary import REFORM_DATE

KIND_LABELS = {
    "province": N_("Province"),
    "commune": N_("Commune"),
    "marker": N_("Marker"),
    "officer": N_("Officer"),
}
ERA_LABELS = {"pre2025": N_("before 2025"), "post2025": N_("since 2025")}
COLLECTIONS = {"province": "provinces", "commune": "communes", "marker": "markers"}


def _map_day(era: str | None, today: dt.date) -> dt.date:
    """The day a unit's map opens on: the last day of the old units, or today."""
    return REFORM_DATE - dt.timedelta(days=1) if era == "pre2025" else max(today, REFORM_DATE)


def _units(
    units: Sequence[LinkedUnit], base: str, collection: str, lang: str
) -> list[dict[str, str]]:
    return [
        {
            "name": u.name,
            "code": u.code,
            "href": f"{base}/collections/{collection}/items/{u.id}?f=html&lang={lang}",
        }
        for u in units
    ]


def hit_view(
    hit: Hit, *, base: str, tr: Translator, editor: bool, today: dt.date
) -> dict[str, Any]:
    """What the page shows of one hit: texts, links and (for editors) form links."""
    lang = tr.lang
    view: dict[str, Any] = {
        "kind": hit.kind,
        "name": hit.name,
        "era": hit.era,
        "code": hit.code,
        "province_name": hit.province_name,
        "border_code": hit.border_code,
        "rank": hit.rank,
        "item": None,
        "became": [],
        "formed_from": [],
        "assignments": [],
        "actions": [],
    }
    if hit.kind in COLLECTIONS:
        view["item"] = (
            f"{base}/collections/{COLLECTIONS[hit.kind]}/items/{hit.id}?f=html&lang={lang}"
        )
    if hit.kind in ("province", "commune"):
        collection = COLLECTIONS[hit.kind] if hit.kind == "province" else "communes"
        view["became"] = _units(hit.became, base, collection, lang)
        view["formed_from"] = _units(hit.formed_from, base, collection, lang)
        query = {
            "province": hit.province_code or "",
            "as_of": _map_day(hit.era, today).isoformat(),
            "lang": lang,
        }
        view["actions"].append(
            (tr.gettext("Coverage map"), f"{base}/maps/coverage?{urlencode(query)}")
        )
        if hit.kind == "commune" and editor:
            new = urlencode({"era": hit.era or "", "commune": hit.code or "", "lang": lang})
            view["actions"].append(
                (tr.gettext("Assign an officer"), f"{base}/forms/assignments/new?{new}")
            )
    if hit.kind == "marker":
        query = {"border": hit.border_code or "", "lang": lang}
        if hit.province_code:
            query["province"] = hit.province_code
        view["actions"].append(
            (tr.gettext("Markers map"), f"{base}/maps/markers?{urlencode(query)}")
        )
        if editor:
            view["actions"].append(
                (
                    tr.gettext("Record an inspection"),
                    f"{base}/forms/markers/{hit.id}/inspection?lang={lang}",
                )
            )
            view["actions"].append(
                (
                    tr.gettext("Record a status event"),
                    f"{base}/forms/markers/{hit.id}/event?lang={lang}",
                )
            )
    for a in hit.assignments:
        view["assignments"].append(
            {
                "role": a["role"],
                "commune": a["commune"],
                "start": dt.date.fromisoformat(a["start_date"]),
                "end_href": f"{base}/forms/assignments/{a['id']}/end?lang={lang}"
                if editor
                else None,
            }
        )
    return view


def render_search(
    query: str,
    hits: Sequence[Hit],
    *,
    tr: Translator,
    chrome: Chrome,
    base: str,
    editor: bool,
    max_chars: int,
    synthetic: bool,
) -> str:
    """The search page: the box (with ``query``) and the results, best first."""
    today = dt.date.today()
    return render_page(
        "search.html",
        tr=tr,
        title=tr.gettext("Search"),
        chrome=chrome,
        synthetic=synthetic,
        action=f"{base}/search",
        query=query,
        max_chars=max_chars,
        hits=[hit_view(h, base=base, tr=tr, editor=editor, today=today) for h in hits],
        kinds=KIND_LABELS,
        eras=ERA_LABELS,
        ngettext=tr.ngettext,
    )
