"""service.demo.coordination: the demo's commune lists, targets, posts, gates and records.

- **The 2011 border-commune list** (``bien-gioi-2011``): a synthetic stand-in for the list
  the 2011 conference report counted, exactly 1,088 pre-2025 communes, 435 of them on land
  (DOMAIN.md §0, §4.2: "about 435", conf. L). Land: every commune the approximate geometry
  flags as land-border, then the communes nearest to a land border line; coast: the
  communes with the longest coast. Kept apart from the geometric flags; importing the
  official list (``bordermap import border-communes --era pre2025``) replaces it.
- **Commune classes** per five-year period (2011-2015, 2016-2020, 2021-2025): particularly
  difficult communes (about 376 in the first period, the count of especially disadvantaged
  border communes in DOMAIN.md §4.2, mostly on land) and coastal "bãi ngang" communes
  (about a third of the coastal ones), re-drawn each period with most kept.
- **Targets** from ``data/boundaries/coverage_targets.csv`` (with their sources).
- **Border posts**: the list's communes of each province, in code order, in groups of
  three (a post's area of responsibility), with the border pieces and markers in those
  communes; the same posts after the reform look after the successors of their communes.
- **Border gates** from ``data/boundaries/border_gates.csv``: public names, positions
  approximate, snapped to the demo line.
- **Coordination records**: per province of the list, a regulation signed 2002-2006 and a
  review conference each year from the year after; after the reform, a regulation per new
  province and a briefing. Dates, numbers and decisions are invented.

Everything generated here is synthetic and says so (``synthetic``, names, notes).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import shapely
from shapely.geometry import LineString, MultiLineString, Point

from service.demo.facts import read_rows
from service.demo.rand import Stream
from service.demo.units import Commune

D = dt.date
BORDER_LIST_CODE = "bien-gioi-2011"
BORDER_LIST_SIZE = 1088  # 2011 report, land and sea (DOMAIN.md §0)
BORDER_LIST_LAND = 435  # land-border communes, pre-2025 (DOMAIN.md §4.2, conf. L)
CLASS_PERIODS = ((D(2011, 1, 1), D(2016, 1, 1)), (D(2016, 1, 1), D(2021, 1, 1)),
                 (D(2021, 1, 1), D(2025, 7, 1)))  # fmt: skip
POST_SIZE = 3
RECORDS_UNTIL = D(2026, 6, 30)  # fixed, so a build does not depend on today


@dataclass
class CommuneList:
    code: str
    commune_class: str
    era: str
    valid_from: dt.date
    valid_to: dt.date | None
    name: str
    source_document: str | None
    members: list[tuple[str, bool, bool]]  # (commune code, land, coastal)


@dataclass
class Post:
    code: str
    name: str
    era: str
    province_code: str
    border_code: str | None
    lon: float
    lat: float
    communes: list[str]
    pieces: dict[str, list[int]] = field(default_factory=dict)  # iso3 -> border piece indices


@dataclass(frozen=True)
class Gate:
    name: str
    name_neighbour: str
    border_code: str
    gate_type: str
    province_name: str
    lon: float
    lat: float
    source: str


@dataclass(frozen=True)
class Target:
    code: str
    name: str
    name_en: str
    list_code: str | None
    commune_class: str | None
    border_era: str | None
    roles: list[str] | None
    start_date: dt.date | None
    deadline: dt.date
    source_document: str | None
    synthetic: bool


@dataclass(frozen=True)
class Record:
    era: str
    province_code: str
    kind: str
    event_date: dt.date
    level: str
    document_number: str
    decisions: str


def border_list(
    communes: list[Commune],
    land: np.ndarray,
    coastal: np.ndarray,
    land_distance: np.ndarray,
    coast_km: np.ndarray,
) -> CommuneList:
    """The synthetic 1,088-commune list (see the module docstring)."""
    on_land = [i for i in np.argsort(land_distance, kind="stable") if land[i]]
    extra = [i for i in np.argsort(land_distance, kind="stable") if not land[i]]
    land_idx = (on_land + extra)[:BORDER_LIST_LAND]
    chosen = {int(i) for i in land_idx}
    for i in np.argsort(-coast_km, kind="stable"):
        if len(chosen) >= BORDER_LIST_SIZE:
            break
        chosen.add(int(i))
    land_set = {int(i) for i in land_idx}
    members = [
        (communes[i].code, i in land_set, bool(coastal[i]) or i not in land_set)
        for i in sorted(chosen)
    ]
    return CommuneList(
        BORDER_LIST_CODE, "border", "pre2025", D(2011, 1, 1), D(2025, 7, 1),
        "Danh sách xã biên giới 2011 (tổng hợp, không chính thức) / 2011 border communes"
        " (synthetic stand-in)", "synthetic stand-in for the list counted by the 2011"
        " conference report", members,
    )  # fmt: skip


def class_lists(border: CommuneList, seed: int) -> list[CommuneList]:
    """Particularly difficult and coastal bãi ngang communes per period (synthetic)."""
    rng = Stream(seed, "commune-classes")
    land = [c for c, is_land, _ in border.members if is_land]
    coast_only = [c for c, is_land, co in border.members if co and not is_land]
    out: list[CommuneList] = []
    prev: dict[str, list[str]] = {}
    for start, end in CLASS_PERIODS:
        label = f"{start.year}-{start.year + 4}"
        for cls, pool, share, name in (
            ("particularly_difficult", land + coast_only[: len(coast_only) // 5], 0.665,
             "Xã đặc biệt khó khăn / particularly difficult communes"),
            ("coastal_bai_ngang", coast_only, 0.3,
             "Xã bãi ngang ven biển / coastal bãi ngang communes"),
        ):  # fmt: skip
            k = round(len(pool) * share * (1 - 0.1 * len(out) / 2))  # a few leave each period
            kept = [c for c in prev.get(cls, []) if rng.chance(0.85)][:k]
            rest = [c for c in pool if c not in set(kept)]
            members = sorted(kept + rng.sample(rest, k - len(kept)))
            prev[cls] = members
            flags = {c: (il, co) for c, il, co in border.members}
            out.append(CommuneList(
                f"{cls}-{label}", cls, "pre2025", start, end, f"{name} {label} (synthetic)",
                "synthetic demo list", [(c, *flags[c]) for c in members],
            ))  # fmt: skip
    return out


def read_targets() -> list[Target]:
    """The targets of ``data/boundaries/coverage_targets.csv``."""
    cols = ("code", "name_vi", "name_en", "commune_set", "roles", "start_date", "deadline",
            "source_document", "synthetic", "source")  # fmt: skip
    out = []
    for r in read_rows("coverage_targets.csv", cols):
        kind, _, value = r.get("commune_set", str).partition(":")
        start = r.get("start_date", str)
        out.append(Target(
            code=r.get("code", str), name=r.get("name_vi", str), name_en=r.get("name_en", str),
            list_code=value if kind == "list" else None,
            commune_class=value if kind == "class" else None,
            border_era=value if kind == "era" else None,
            roles=r.get("roles", str).split() or None,
            start_date=D.fromisoformat(start) if start else None,
            deadline=r.get("deadline", D.fromisoformat),
            source_document=r.get("source_document", str) or None,
            synthetic=r.get("synthetic", lambda v: v == "true"),
        ))  # fmt: skip
    return out


def read_gates(lines: dict[str, LineString], iso3_of: dict[str, str]) -> list[Gate]:
    """Gates of ``data/boundaries/border_gates.csv``, snapped onto the demo border line."""
    cols = ("name", "name_neighbour", "border", "gate_type", "province", "lon", "lat",
            "approximate", "source")  # fmt: skip
    out = []
    for r in read_rows("border_gates.csv", cols):
        line = lines[iso3_of[r.get("border", str)]]
        p = line.interpolate(line.project(Point(r.get("lon", float), r.get("lat", float))))
        out.append(Gate(r.get("name", str), r.get("name_neighbour", str), r.get("border", str),
                        r.get("gate_type", str), r.get("province", str), round(p.x, 5),
                        round(p.y, 5), r.source()))  # fmt: skip
    return out


def _bare(name: str) -> str:
    """A commune's name without its unit word (Xã, Thị trấn, Phường)."""
    for prefix in ("Thị trấn ", "Xã ", "Phường "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def posts(
    border: CommuneList,
    communes: list[Commune],
    neighbours: dict[str, list[str]],
    piece_commune: dict[str, np.ndarray],
    border_of_iso3: dict[str, str],
) -> list[Post]:
    """Pre-2025 posts over the list's communes (see the module docstring)."""
    index = {c.code: i for i, c in enumerate(communes)}
    by_province: dict[str, list[str]] = defaultdict(list)
    for code, _land, _coast in border.members:
        by_province[communes[index[code]].province_code].append(code)
    out: list[Post] = []
    post_of: dict[int, int] = {}
    for prov in sorted(by_province):
        codes = sorted(by_province[prov])
        # Land communes first so a post looks after one stretch of one border.
        codes.sort(key=lambda c: (not neighbours.get(c), c))
        for k in range(0, len(codes), POST_SIZE):
            group = codes[k : k + POST_SIZE]
            head = communes[index[group[0]]]
            nb = next((neighbours[c][0] for c in group if neighbours.get(c)), None)
            short = _bare(head.name)
            out.append(Post(
                f"DBP-{prov}-{k // POST_SIZE + 1:02d}", f"Đồn Biên phòng {short} (synthetic)",
                "pre2025", prov, border_of_iso3.get(nb) if nb else None, head.lon, head.lat,
                group,
            ))  # fmt: skip
            for c in group:
                post_of[index[c]] = len(out) - 1
    for iso3, idx in piece_commune.items():
        for piece, ci in enumerate(idx.tolist()):
            p = post_of.get(ci)
            if p is not None:
                out[p].pieces.setdefault(iso3, []).append(piece)
    return out


def posts_after_reform(
    pre: list[Post], successor: dict[str, str], post_codes: set[str]
) -> list[Post]:
    """The same posts after the reform: their communes' successors, each commune once."""
    taken: set[str] = set()
    out = []
    for p in pre:
        mine = []
        for c in p.communes:
            new = successor.get(c)
            if new and new in post_codes and new not in taken:
                taken.add(new)
                mine.append(new)
        out.append(Post(p.code, p.name, "post2025", "", p.border_code, p.lon, p.lat, mine,
                        p.pieces))  # fmt: skip
    return out


def stretch(
    pieces: dict[str, list[int]], piece_xy: dict[str, np.ndarray]
) -> MultiLineString | None:
    """The border pieces of a post as one multi-line (None when it has none)."""
    parts = [LineString(piece_xy[iso3][i]) for iso3, idx in pieces.items() for i in idx]
    if not parts:
        return None
    merged = shapely.line_merge(shapely.union_all(parts))
    geoms = list(getattr(merged, "geoms", [merged]))
    return MultiLineString([g for g in geoms if isinstance(g, LineString)])


_DECISIONS = (
    "Tiếp tục tăng cường cán bộ đồn biên phòng về các xã biên giới chưa có cán bộ (synthetic).",
    "Phối hợp tuần tra, bảo vệ mốc quốc giới; khôi phục các mốc bị hư hại trong năm (synthetic).",
    "Ưu tiên các xã đặc biệt khó khăn và xã bãi ngang ven biển (synthetic).",
    "Duy trì giao ban định kỳ giữa Bộ đội Biên phòng tỉnh và các sở, ngành (synthetic).",
)


def records(
    pre_provinces: list[str], post_provinces: list[str], seed: int, until: dt.date = RECORDS_UNTIL
) -> list[Record]:
    """Coordination records (see the module docstring), up to ``until``."""
    rng = Stream(seed, "coordination")
    out: list[Record] = []
    n = 0
    for prov in pre_provinces:
        signed = rng.date_between(D(2002, 3, 1), D(2006, 12, 31))
        n += 1
        out.append(Record("pre2025", prov, "regulation", signed, "tỉnh", f"SYN-{n:04d}/QCPH",
                          "Ký quy chế phối hợp giữa Bộ đội Biên phòng và UBND tỉnh (synthetic)."))  # fmt: skip
        for year in range(signed.year + 1, 2025):
            n += 1
            day = rng.date_between(D(year, 1, 10), D(year, 3, 31))
            picks = rng.sample(list(_DECISIONS), 2)
            out.append(Record("pre2025", prov, "review_conference", day, "tỉnh",
                              f"SYN-{n:04d}/BC-BĐBP", " ".join(picks)))  # fmt: skip
    for prov in post_provinces:
        n += 1
        signed = rng.date_between(D(2025, 8, 1), D(2025, 11, 30))
        out.append(Record("post2025", prov, "regulation", signed, "tỉnh", f"SYN-{n:04d}/QCPH",
                          "Ký lại quy chế phối hợp sau sắp xếp đơn vị hành chính (synthetic)."))  # fmt: skip
        day = rng.date_between(D(2026, 1, 10), D(2026, 3, 31))
        if day <= until:
            n += 1
            out.append(Record("post2025", prov, "briefing", day, "tỉnh", f"SYN-{n:04d}/BC-BĐBP",
                              rng.pick(_DECISIONS)))  # fmt: skip
    return [r for r in out if r.event_date <= until]
