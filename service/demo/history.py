"""service.demo.history: plausible status histories over the real timelines (all synthetic).

- CN: planned/surveyed 2001-2002 after the joint committee (Nov 2001); planted from the first
  marker (1369, Móng Cái, 27 Dec 2001) to the end of field work (31 Dec 2008) by 12 joint
  working groups, each along its own section; verified 2009-2010 before the protocol came
  into force; a few damaged and restored since.
- LA: about one position in 4.5 has a 1978-1987 marker, restored in the densification project;
  new markers planted 5 Sep 2008 (605 at Lao Bảo) to mid-2013; cọc dấu 2012-2013 (29) and
  Jul 2013 - Dec 2014 (139); verified before the completion ceremony of 16 Mar 2016.
- KH: planned 2006 after the 2005 supplementary treaty; main markers from Sep 2006, secondary
  markers and cọc dấu until 2019; verified in 2019 before the protocol of 5 Oct 2019.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from service.demo import facts as F
from service.demo.markers import Marker
from service.demo.rand import Stream

D = dt.date
_WORKING_GROUPS = 12


@dataclass(frozen=True)
class Event:
    """One status step of one marker (index into the border's marker list)."""

    marker: int
    status: str
    date: dt.date
    source_document: str
    note: str | None = None
    relocated: bool = False


def _days(d: dt.date, n: float) -> dt.date:
    return d + dt.timedelta(days=int(n))


def _cn_planting(markers: list[Marker], rng: Stream) -> dict[tuple[str, int, int | None], dt.date]:
    """Planting date of each CN position: each working group works along its section."""
    keys = sorted({(m.t, m.position_key, m.marker_class) for m in markers})
    groups: list[list[tuple[float, tuple[str, int, int | None], str]]] = [
        [] for _ in range(_WORKING_GROUPS)
    ]
    for k in keys:
        groups[min(int(k[0] * _WORKING_GROUPS), _WORKING_GROUPS - 1)].append(k)
    last_group = rng.below(_WORKING_GROUPS - 1)  # the group that finishes on the last day
    dates: dict[tuple[str, int, int | None], dt.date] = {}
    for g, members in enumerate(groups):
        east_end = g == _WORKING_GROUPS - 1
        start = F.CN_FIRST_MARKER if east_end else rng.date_between(D(2002, 3, 1), D(2004, 6, 30))
        end = (
            F.CN_FIELD_DONE if g == last_group else rng.date_between(D(2007, 3, 1), D(2008, 12, 20))
        )
        span = (end - start).days
        reverse = rng.chance(0.5) and not east_end  # the east group starts at Móng Cái
        n = max(len(members) - 1, 1)
        for rank, (_t, key, cls) in enumerate(members):
            f = (n - rank if reverse or east_end else rank) / n
            if cls != "main":
                f = 0.35 + 0.65 * f  # secondary markers follow the main ones
            when = _days(start, f**1.3 * span + rng.uniform(-20, 20))
            dates[key] = min(max(when, start), end)
    return dates


def _after_life(
    i: int, planted_or_verified: dt.date, rng: Stream, until: dt.date, p_damage: float
) -> list[Event]:
    """A few markers are damaged (floods, landslides) and most of those restored."""
    if not rng.chance(p_damage):
        return []
    start = _days(planted_or_verified, 180)
    if start >= until:
        return []
    damaged = rng.date_between(start, until)
    out = [Event(i, "damaged", damaged, F.DOC["INSPECTION"], "synthetic: flood or landslide")]
    if rng.chance(0.8):
        restored = _days(damaged, rng.uniform(60, 500))
        if restored <= until:
            out.append(Event(i, "restored", restored, F.DOC["INSPECTION"], "synthetic"))
    return out


def cn_events(markers: list[Marker], seed: int) -> list[Event]:
    rng = Stream(seed, "history:CN")
    planting = _cn_planting(markers, rng)
    verified_at: dict[tuple[str, int, int | None], dt.date] = {}
    out: list[Event] = []
    for i, m in enumerate(markers):
        planted = F.CN_FIRST_MARKER if m.first else planting[m.position_key]
        if m.same_number_index and m.same_number_index > 1 and not m.first:
            planted = min(_days(planted, rng.uniform(0, 3)), F.CN_FIELD_DONE)
        if m.marker_class == "main":
            planned = rng.date_between(F.CN_COMMITTEE, min(D(2002, 6, 30), _days(planted, -20)))
            hi = min(D(2002, 12, 31), _days(planted, -5))
            lo = _days(planned, 7)
            surveyed = rng.date_between(lo, hi) if hi > lo else _days(planted, -3)
        else:
            planned = max(_days(planted, -rng.uniform(120, 500)), F.CN_COMMITTEE)
            surveyed = _days(planted, -rng.uniform(15, 100))
        surveyed = max(surveyed, _days(planned, 1))
        if m.first:
            planned, surveyed = F.CN_COMMITTEE, D(2001, 12, 10)
        verified = verified_at.setdefault(
            m.position_key, rng.date_between(D(2009, 1, 10), D(2010, 6, 30))
        )
        out += [
            Event(i, "planned", planned, F.DOC["CN_PLAN"]),
            Event(i, "surveyed", surveyed, F.DOC["CN_PLAN"]),
            Event(i, "planted", planted, F.DOC["CN_FIELD"],
                  "first marker, Móng Cái – Dongxing" if m.first else None),
            Event(i, "verified", verified, F.DOC["CN_PROTOCOL"]),
        ]  # fmt: skip
        if m.setting == "river_bank" and rng.chance(0.004):
            out.append(
                Event(i, "relocated", rng.date_between(D(2012, 1, 1), D(2023, 12, 31)),
                      F.DOC["INSPECTION"], "synthetic: moved after bank erosion", True)
            )  # fmt: skip
        else:
            out += _after_life(i, verified, rng, D(2025, 10, 31), 0.035)
    return out


def la_events(markers: list[Marker], seed: int) -> list[Event]:
    rng = Stream(seed, "history:LA")
    out: list[Event] = []
    by_position: dict[tuple[str, int, int | None], dt.date] = {}
    for i, m in enumerate(markers):
        verified = rng.date_between(D(2015, 6, 1), D(2016, 3, 15))
        if m.cohort == "la_old":
            planned = rng.date_between(D(1977, 7, 18), D(1978, 5, 31))
            planted = rng.date_between(D(1978, 6, 1), D(1987, 12, 31))
            restored = rng.date_between(F.LA_FIELD_START, F.LA_MARKERS_DONE, rng.beta_like())
            out += [
                Event(i, "planned", planned, F.DOC["LA_OLD"]),
                Event(i, "planted", planted, F.DOC["LA_OLD"], "marker of the 1978-1987 line"),
                Event(i, "restored", restored, F.DOC["LA_PROJECT"], "tôn tạo (restoration)"),
                Event(i, "verified", verified, F.DOC["LA_PROJECT"]),
            ]
            out += _after_life(i, verified, rng, D(2025, 10, 31), 0.02)
            continue
        if m.first:
            planted = F.LA_FIELD_START
        elif m.cohort == "la_main":
            planted = by_position.setdefault(
                m.position_key,
                rng.date_between(_days(F.LA_FIELD_START, 1), F.LA_MARKERS_DONE, rng.beta_like()),
            )
        elif m.cohort == "la_coc_early":
            planted = by_position.setdefault(
                m.position_key, rng.date_between(D(2012, 7, 1), F.LA_MARKERS_DONE)
            )
        else:
            planted = by_position.setdefault(
                m.position_key, rng.date_between(F.LA_COC_DAU_START, F.LA_COC_DAU_DONE)
            )
        if m.cohort == "la_main":
            planned = rng.date_between(D(2004, 6, 1), min(D(2008, 8, 31), _days(planted, -30)))
        else:
            planned = rng.date_between(D(2012, 1, 1), _days(planted, -30))
        surveyed = max(_days(planted, -rng.uniform(15, 120)), _days(planned, 1))
        out += [
            Event(i, "planned", planned, F.DOC["LA_PROJECT"]),
            Event(i, "surveyed", surveyed, F.DOC["LA_PROJECT"]),
            Event(i, "planted", planted, F.DOC["LA_PROJECT"],
                  "field work begins: double marker 605, Lao Bảo – Densavanh" if m.first else None),
            Event(i, "verified", verified, F.DOC["LA_PROTOCOL"]),
        ]  # fmt: skip
        out += _after_life(i, verified, rng, D(2025, 10, 31), 0.02)
    return out


def kh_events(markers: list[Marker], seed: int) -> list[Event]:
    rng = Stream(seed, "history:KH")
    out: list[Event] = []
    by_position: dict[tuple[str, int, int | None], dt.date] = {}
    for i, m in enumerate(markers):
        if m.first:
            planted = F.KH_FIELD_START
        elif m.cohort == "kh_main":
            u = rng.beta_like() ** 1.6  # most main markers early on
            planted = by_position.setdefault(
                m.position_key, rng.date_between(D(2006, 10, 2), D(2016, 12, 31), u)
            )
        elif m.cohort == "kh_secondary":
            planted = by_position.setdefault(
                m.position_key,
                rng.date_between(D(2009, 1, 1), D(2018, 12, 31), rng.beta_like()),
            )
        else:
            planted = by_position.setdefault(
                m.position_key, rng.date_between(D(2014, 1, 1), D(2019, 6, 30))
            )
        if m.cohort == "kh_main":
            planned = rng.date_between(D(2006, 1, 15), min(D(2006, 9, 20), _days(planted, -7)))
        else:
            planned = rng.date_between(D(2008, 1, 1), _days(planted, -60))
        surveyed = max(_days(planted, -rng.uniform(10, 90)), _days(planned, 1))
        verified = rng.date_between(max(D(2019, 1, 15), _days(planted, 14)), F.KH_PROTOCOL_SIGNED)
        doc = F.DOC["KH_TREATY"] if m.cohort == "kh_main" else F.DOC["KH_FIELD"]
        out += [
            Event(i, "planned", planned, doc),
            Event(i, "surveyed", surveyed, F.DOC["KH_FIELD"]),
            Event(i, "planted", planted, F.DOC["KH_FIELD"],
                  "first marker planted, Mộc Bài – Bavet gate (approximate)" if m.first else None),
            Event(i, "verified", verified, F.DOC["KH_PROTOCOL"]),
        ]  # fmt: skip
        out += _after_life(i, verified, rng, D(2025, 10, 31), 0.02)
    return out


def generate(markers: dict[str, list[Marker]], seed: int) -> dict[str, list[Event]]:
    """Events per border code; ``Event.marker`` indexes that border's marker list."""
    return {
        "CN": cn_events(markers["CN"], seed),
        "LA": la_events(markers["LA"], seed),
        "KH": kh_events(markers["KH"], seed),
    }
