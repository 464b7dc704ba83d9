"""service.db.search: one ranked search across provinces, communes, markers and officers.

Names are compared by the keys of the ``search`` migration (twins of ``geo.vietnamese``):
``search_key`` (a stored ``bm_search_key``: no unit word, no diacritics, lower case) finds
candidates through the trigram indexes; ``bm_tone_key`` (diacritics kept, one tone placement) ranks a name typed
with its accents above one that only shares the letters. Score of a hit:

- tier: 3 when the key equals the query's, 2 when it starts with it, 1 otherwise
  (a substring or a trigram word-similarity match, ``<%``);
- + 0.5 when the accented keys are equal (``Hoà Bình`` typed, ``Hòa Bình`` stored);
- + 0.2 x similarity + 0.2 x word similarity (closer and shorter names first).

A query whose last one to three words name a province (``tan dong tay ninh``) also matches
its other words against the communes of that province (both eras), 0.05 above the same
match elsewhere. Markers are matched by label (``1369(2)``, ``511/1``, spaces ignored)
when the query starts with a digit: the label itself, labels that start with it, then the
other labels that start with its number (``1369(1)`` for ``1369(2)``). Officers
(personal data) only when ``officers`` is true, by name or exact service number.
Ties: province, commune, marker, officer; the current era first; then by name.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, text

from geo.vietnamese import clean_query, fold, tone_key
from service.db.lineage import LinkedUnit, lineage
from service.db.units import Executor
from service.vocabulary import era_on

DEFAULT_LIMIT = 10
MAX_LIMIT = 50
MAX_QUERY_CHARS = 100
MAX_PROVINCE_WORDS = 3
KIND_ORDER = ("province", "commune", "marker", "officer")
MATCHES = {3: "exact", 2: "prefix", 1: "similar"}
_KINDS = ", ".join(f"'{k}'" for k in KIND_ORDER)
TIES = f"score DESC, array_position(ARRAY[{_KINDS}], kind), era = 'pre2025', name, id"


@dataclass
class Hit:
    """One search result; ``became``/``formed_from`` for units, ``assignments`` for officers."""

    kind: str
    id: int
    name: str
    score: float
    era: str | None = None
    code: str | None = None
    province_code: str | None = None
    province_name: str | None = None
    border_code: str | None = None
    rank: str | None = None
    became: list[LinkedUnit] = field(default_factory=list)
    formed_from: list[LinkedUnit] = field(default_factory=list)
    assignments: list[dict[str, Any]] = field(default_factory=list)

    @property
    def match(self) -> str:
        """``exact``, ``prefix`` or ``similar`` (the score's tier)."""
        return MATCHES[min(3, max(1, int(self.score)))]


@dataclass(frozen=True)
class Query:
    """A query split for search: whole, and (when it ends with a province) narrowed."""

    text: str
    fold: str
    tone: str
    label: str | None
    head_fold: str | None = None
    head_tone: str | None = None
    provinces: tuple[tuple[str, str], ...] = ()


def _like(value: str) -> str:
    return re.sub(r"([\\%_])", r"\\\1", value)


def _score(f: str, t: str, tone: str = "bm_tone_key(bm_bare_name(c.name))") -> str:
    """SQL score of a candidate ``c`` (columns ``k``, ``name``) against ``:{f}``/``:{t}``.

    The accented key (dear: three regular expressions) is compared only for exact and
    prefix matches, where it breaks ties.
    """
    return (
        f"(CASE WHEN k = :{f} THEN 3 WHEN k LIKE :{f}_prefix THEN 2 ELSE 1 END"
        f" + CASE WHEN k LIKE :{f}_prefix AND {tone} = bm_tone_key(:{t}) THEN 0.5 ELSE 0 END"
        f" + 0.2 * similarity(k, :{f}) + 0.2 * word_similarity(:{f}, k))"
    )


def _matches(key: str, f: str) -> str:
    # Under 3 letters a substring has no whole trigram (a full index scan): prefix only.
    return f"({key} LIKE :{f}_infix OR :{f} <% {key})"


def _params(prefix: str, folded: str) -> dict[str, str]:
    return {
        prefix: folded,
        f"{prefix}_prefix": _like(folded) + "%",
        f"{prefix}_infix": ("%" if len(folded) >= 3 else "") + _like(folded) + "%",
    }


@contextmanager
def _bitmap_scans(db: Executor) -> Iterator[None]:
    """Plan the next statements with bitmap scans of the trigram indexes, then restore.

    pg_trgm's operators are costed like ``=``, so the planner prefers a sequential scan
    (or a full scan of another index) that computes ``word_similarity`` for all 13,000
    names: 50 to 120 ms, against 1 to 4 ms through the trigram index (measured on the demo
    data, ``EXPLAIN ANALYZE``). Only the two settings change, for this transaction.
    """
    prior = db.execute(
        text(
            "SELECT current_setting('enable_seqscan') AS seq,"
            " current_setting('enable_indexscan') AS idx,"
            " set_config('enable_seqscan', 'off', true),"
            " set_config('enable_indexscan', 'off', true)"
        )
    ).one()
    try:
        yield
    finally:
        db.execute(
            text(
                "SELECT set_config('enable_seqscan', :seq, true),"
                " set_config('enable_indexscan', :idx, true)"
            ),
            {"seq": prior.seq, "idx": prior.idx},
        )


def parse_query(db: Executor, raw: str) -> Query:
    """Clean ``raw`` and look for a trailing province name (longest first)."""
    cleaned = clean_query(raw)
    folded, toned = fold(cleaned), tone_key(cleaned)
    label = re.sub(r"\s+", "", cleaned) if cleaned[:1].isdigit() else None
    words, toned_words = folded.split(" "), toned.split(" ")
    for n in range(min(MAX_PROVINCE_WORDS, len(words) - 1), 0, -1):
        tail = " ".join(words[-n:])
        rows = db.execute(
            text("SELECT era, code FROM province WHERE search_key = :tail"),
            {"tail": tail},
        ).all()
        if rows:
            return Query(
                cleaned,
                folded,
                toned,
                label,
                head_fold=" ".join(words[:-n]),
                head_tone=" ".join(toned_words[:-n]),
                provinces=tuple((r.era, r.code) for r in rows),
            )
    return Query(cleaned, folded, toned, label)


def _unit_branch(table: str, q: Query) -> str:
    """Candidates of ``table`` (province or commune) with their score.

    The trigram index on the stored ``search_key`` picks the candidates; the subquery
    names the key ``k`` for :func:`_score`.
    """
    key = "u.search_key"
    where = _matches(key, "f")
    narrowed = "false"
    score = _score("f", "t")
    if table == "commune" and q.provinces:
        narrowed = (
            "(u.era, u.province_code) IN"
            " (SELECT * FROM unnest(CAST(:n_era AS text[]), CAST(:n_code AS text[])))"
        )
        where = f"({where} OR ({narrowed} AND {_matches(key, 'h')}))"
        score = f"GREATEST({score}, CASE WHEN n THEN {_score('h', 'ht')} + 0.05 ELSE 0 END)"
    province_code = "u.code" if table == "province" else "u.province_code"
    candidates = (
        f"SELECT u.id, u.era, u.code, u.name, {province_code} AS province_code,"
        f" {key} AS k, {narrowed} AS n"
        f" FROM {table} u WHERE {where}"
    )
    return (
        f"SELECT '{table}' AS kind, c.id, c.era, c.code, c.name, c.province_code,"
        f" p.name AS province_name, NULL AS extra, {score} AS score"
        f" FROM ({candidates}) c JOIN province p ON p.era = c.era AND p.code = c.province_code"
    )


_MARKER_BRANCH = """
SELECT 'marker' AS kind, m.id, NULL AS era, m.label AS code, m.label AS name,
       p.code AS province_code, p.name AS province_name, m.border_code AS extra,
       CASE WHEN m.label = :label THEN 3 WHEN m.label LIKE :label_prefix THEN 2 ELSE 1 END
       + 0.4 * similarity(m.label, :label) AS score
FROM marker m
LEFT JOIN marker_segment ms ON ms.marker_id = m.id AND ms.era = :current_era
LEFT JOIN border_segment bs ON bs.id = ms.segment_id
LEFT JOIN province p ON p.era = bs.era AND p.code = bs.province_code
WHERE m.label LIKE :label_prefix OR m.label LIKE :number_prefix
"""

_OFFICER_BRANCH = f"""
SELECT 'officer' AS kind, c.id, NULL AS era, c.service_number AS code, c.full_name AS name,
       NULL AS province_code, NULL AS province_name, c.rank AS extra,
       CASE WHEN upper(c.service_number) = upper(:raw) THEN 4 ELSE 0 END
       + {_score("f", "t", tone="bm_tone_key(c.full_name)")} AS score
FROM (SELECT o.id, o.service_number, o.full_name, o.rank, o.search_key AS k
      FROM officer o
      WHERE ({_matches("o.search_key", "f")} OR upper(o.service_number) = upper(:raw))
      {{scope}}) c
"""
# A province-limited reader sees the officers assigned (at any time) in its provinces only.
_IN_SCOPE = """
SELECT 1 FROM officer_assignment a JOIN commune cm ON cm.id = a.commune_id
WHERE a.officer_id = {officer} AND (cm.era, cm.province_code) IN
      (SELECT * FROM unnest(CAST(:s_era AS text[]), CAST(:s_code AS text[])))
"""


def search(
    db: Executor,
    raw: str,
    *,
    limit: int = DEFAULT_LIMIT,
    officers: bool = False,
    officer_scope: Collection[tuple[str, str]] | None = None,
    today: dt.date | None = None,
) -> list[Hit]:
    """The best ``limit`` hits for ``raw``, best first (see the module docstring).

    ``officers`` must be true only for callers allowed to read personal data;
    ``officer_scope`` (``(era, province code)`` pairs) limits officers, and the assignments
    shown, to those provinces (None: all).
    """
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit must be 1 to {MAX_LIMIT}")
    q = parse_query(db, raw)
    if not q.fold:
        return []
    today = today or dt.date.today()
    params: dict[str, Any] = {
        **_params("f", q.fold),
        "t": q.tone,
        "raw": q.text,
        "limit": limit,
        "current_era": era_on(today),
    }
    branches = []
    if any(ch.isalpha() for ch in q.fold):
        branches += [_unit_branch("province", q), _unit_branch("commune", q)]
    if q.provinces:
        params.update(_params("h", q.head_fold or ""), ht=q.head_tone)
        params["n_era"] = [era for era, _ in q.provinces]
        params["n_code"] = [code for _, code in q.provinces]
    if q.label:
        number = re.match(r"[0-9]+", q.label)
        params.update(
            label=q.label,
            label_prefix=_like(q.label) + "%",
            number_prefix=(number.group() if number else q.label) + "%",
        )
        branches.append(_MARKER_BRANCH)
    if officers:
        scope = ""
        if officer_scope is not None:
            scope = "AND EXISTS (" + _IN_SCOPE.format(officer="o.id") + ")"
            params["s_era"] = [era for era, _ in officer_scope]
            params["s_code"] = [code for _, code in officer_scope]
        branches.append(_OFFICER_BRANCH.format(scope=scope))
    if not branches:
        return []
    union = " UNION ALL ".join(
        f"(SELECT * FROM ({b}) b ORDER BY {TIES} LIMIT :limit)" for b in branches
    )
    sql = f"SELECT * FROM ({union}) hits ORDER BY {TIES} LIMIT :limit"
    with _bitmap_scans(db):
        rows = db.execute(text(sql), params).all()
    hits = [
        Hit(
            kind=r.kind,
            id=r.id,
            name=r.name,
            score=round(float(r.score), 4),
            era=r.era,
            code=r.code,
            province_code=r.province_code,
            province_name=r.province_name,
            border_code=r.extra if r.kind == "marker" else None,
            rank=r.extra if r.kind == "officer" else None,
        )
        for r in rows
    ]
    _add_lineage(db, hits)
    _add_assignments(db, [h for h in hits if h.kind == "officer"], today, officer_scope)
    return hits


def _add_lineage(db: Executor, hits: list[Hit]) -> None:
    for level in ("province", "commune"):
        units = [h for h in hits if h.kind == level]
        for era in ("pre2025", "post2025"):
            codes = [h.code for h in units if h.era == era and h.code]
            if not codes:
                continue
            linked = lineage(db, level, era, codes)
            for h in units:
                if h.era == era and h.code in linked:
                    if era == "pre2025":
                        h.became = linked[h.code]
                    else:
                        h.formed_from = linked[h.code]


def _add_assignments(
    db: Executor,
    hits: list[Hit],
    today: dt.date,
    scope: Collection[tuple[str, str]] | None,
) -> None:
    """The assignments active on ``today`` of officer hits (in ``scope`` when given)."""
    if not hits:
        return
    in_scope = ""
    params: dict[str, Any] = {"today": today}
    if scope is not None:
        in_scope = (
            " AND (c.era, c.province_code) IN"
            " (SELECT * FROM unnest(CAST(:s_era AS text[]), CAST(:s_code AS text[])))"
        )
        params.update(s_era=[era for era, _ in scope], s_code=[code for _, code in scope])
    sql = text(
        "SELECT a.id, a.officer_id, a.role, a.term, a.start_date, a.end_date,"
        " c.id AS commune_id, c.era, c.code, c.name"
        " FROM officer_assignment a JOIN commune c ON c.id = a.commune_id"
        " WHERE a.officer_id IN :ids AND a.start_date <= :today"
        f" AND (a.end_date IS NULL OR a.end_date > :today){in_scope}"
        " ORDER BY a.start_date, c.name"
    ).bindparams(bindparam("ids", expanding=True))
    by_officer = {h.id: h for h in hits}
    params["ids"] = list(by_officer)
    for r in db.execute(sql, params):
        by_officer[r.officer_id].assignments.append(
            {
                "id": r.id,
                "role": r.role,
                "term": r.term,
                "start_date": r.start_date.isoformat(),
                "end_date": r.end_date.isoformat() if r.end_date else None,
                "commune": {"id": r.commune_id, "era": r.era, "code": r.code, "name": r.name},
            }
        )


def officer_id_by_service_number(db: Executor, number: str) -> int | None:
    """The id of the officer with this service number (any case), or None."""
    found = db.execute(
        text("SELECT id FROM officer WHERE upper(service_number) = upper(:n)"), {"n": number}
    ).scalar()
    return None if found is None else int(found)


def has_synthetic_data(db: Executor) -> bool:
    """True when the units are the synthetic demo data (pages then say so in a banner)."""
    return bool(db.execute(text("SELECT EXISTS (SELECT 1 FROM province WHERE synthetic)")).scalar())
