"""service.demo.officers: synthetic Border Guard officers seconded to border communes.

Secondment has run since about 2000 (DOMAIN.md §5), in five-year terms. Pre-2025 terms
second officers to the communes of the demo's 2011 border-commune list (land and coastal,
``service.demo.coordination``); the 2025-2030 term to the post-2025 border communes (land or coastal, by the geometric flags).
Within a term, communes gain their officer along the term's ramp (share of the term's
communes covered by a date), so coverage rises through 2011-2013 towards the goal of
every border commune by 2013; a few remote communes are never covered. An officer may be
rotated out mid-term and replaced on the same day; some serve again in the next term. The
demo seconds more officers than the 2020-2025 count of 517 on commune party committees
(DOMAIN.md §5) because it covers every listed commune, land and coastal.
Each officer comes from the post whose area holds the commune. Names and service numbers
are generated and belong to nobody.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from dataclasses import dataclass

from service.demo.facts import REFORM
from service.demo.rand import Stream

D = dt.date


@dataclass(frozen=True)
class Term:
    code: str
    era: str
    start: dt.date
    end: dt.date | None
    # (date, share of the era's communes covered): piecewise linear, flat after the last.
    ramp: tuple[tuple[dt.date, float], ...]
    extra: float  # second officers, as a share of the covered communes


TERMS = (
    Term("2000-2005", "pre2025", D(2000, 3, 1), D(2005, 7, 1),
         ((D(2000, 3, 1), 0.03), (D(2005, 6, 30), 0.2)), 0.05),
    Term("2005-2010", "pre2025", D(2005, 7, 1), D(2010, 7, 1),
         ((D(2005, 7, 1), 0.18), (D(2010, 6, 30), 0.4)), 0.05),
    Term("2010-2015", "pre2025", D(2010, 7, 1), D(2015, 7, 1),
         ((D(2010, 7, 1), 0.38), (D(2010, 12, 31), 0.45), (D(2011, 12, 31), 0.63),
          (D(2012, 12, 31), 0.84), (D(2013, 12, 31), 0.97), (D(2015, 6, 30), 0.975)), 0.08),
    Term("2015-2020", "pre2025", D(2015, 7, 1), D(2020, 7, 1),
         ((D(2015, 7, 1), 0.96), (D(2020, 6, 30), 0.975)), 0.1),
    Term("2020-2025", "pre2025", D(2020, 7, 1), REFORM,
         ((D(2020, 7, 1), 0.965), (D(2025, 6, 30), 0.975)), 0.1),
    Term("2025-2030", "post2025", REFORM, None, ((REFORM, 0.84),), 0.3),
)  # fmt: skip
_NEVER_COVERED = 0.02
# (role, weight): deputy secretaries and committee members dominate (DOMAIN.md section 5).
ROLES = (
    ("pho_bi_thu_dang_uy", 0.16),
    ("dang_uy_vien", 0.44),
    ("pho_chu_tich_ubnd", 0.06),
    ("can_bo_tang_cuong", 0.20),
    ("dang_vien_sinh_hoat_chi_bo_thon", 0.14),
)
RANKS = (("Thiếu úy", 0.05), ("Trung úy", 0.15), ("Thượng úy", 0.25), ("Đại úy", 0.3),
         ("Thiếu tá", 0.18), ("Trung tá", 0.07))  # fmt: skip
_FAMILY = (
    ("Nguyễn", 31), ("Trần", 11), ("Lê", 9), ("Phạm", 7), ("Hoàng", 5), ("Vũ", 4), ("Phan", 4),
    ("Đặng", 2), ("Bùi", 2), ("Đỗ", 2), ("Hồ", 2), ("Ngô", 2), ("Dương", 1), ("Lý", 1),
    ("Lò", 1), ("Vi", 1), ("Lường", 1), ("Hà", 1), ("Sùng", 1), ("Thào", 1), ("Nông", 1),
)  # fmt: skip
_MIDDLE_M = ("Văn", "Đức", "Hữu", "Minh", "Quang", "Thanh", "Công", "Xuân", "Ngọc", "Trọng")
_MIDDLE_F = ("Thị", "Thu", "Ngọc", "Thanh", "Minh")
_GIVEN_M = ("Hùng", "Dũng", "Tuấn", "Hải", "Nam", "Long", "Thắng", "Cường", "Sơn", "Hiếu",
            "Trung", "Phong", "Quân", "Tú", "Bình", "Khánh", "Vinh", "Lâm", "Tài", "Huy")  # fmt: skip
_GIVEN_F = ("Lan", "Hương", "Hà", "Mai", "Thảo", "Trang", "Huyền", "Ngân")


@dataclass
class Officer:
    service_number: str
    full_name: str
    rank: str
    home_unit: str


@dataclass(frozen=True)
class Assignment:
    officer: int  # index into the officer list
    era: str
    commune_code: str
    role: str
    term: str
    start: dt.date
    end: dt.date | None


def _weighted(rng: Stream, items: tuple[tuple[str, float], ...]) -> str:
    total = sum(w for _, w in items)
    u = rng.random() * total
    for item, w in items:
        u -= w
        if u < 0:
            return item
    return items[-1][0]


def _name(rng: Stream) -> str:
    family = _weighted(rng, tuple((f, float(w)) for f, w in _FAMILY))
    if rng.chance(0.08):
        return f"{family} {rng.pick(_MIDDLE_F)} {rng.pick(_GIVEN_F)}"
    return f"{family} {rng.pick(_MIDDLE_M)} {rng.pick(_GIVEN_M)}"


def _start_for(term: Term, share: float) -> dt.date:
    """The first date on which the term's ramp reaches ``share``."""
    ramp = term.ramp
    if share <= ramp[0][1]:
        return term.start
    shares = [v for _, v in ramp]
    k = bisect_left(shares, share)
    if k >= len(ramp):
        return ramp[-1][0]
    (d0, v0), (d1, v1) = ramp[k - 1], ramp[k]
    return d0 + dt.timedelta(days=int((d1 - d0).days * (share - v0) / (v1 - v0)))


def generate(
    border_communes: dict[str, list[tuple[str, str]]], seed: int
) -> tuple[list[Officer], list[Assignment]]:
    """Officers and assignments; ``border_communes`` maps era -> [(commune code, name)]."""
    rng = Stream(seed, "officers")
    officers: list[Officer] = []
    assignments: list[Assignment] = []
    serving: list[int] = []  # officers of the previous term, who may continue
    used_numbers: set[str] = set()

    def new_officer() -> int:
        while True:
            number = f"SYN-{rng.below(10**8):08d}"
            if number not in used_numbers:
                used_numbers.add(number)
                break
        officers.append(Officer(number, _name(rng), _weighted(rng, RANKS), ""))
        return len(officers) - 1

    # Remote communes far from any border post stay uncovered in every term of an era.
    never = {
        era: set(rng.sample(sorted(cs), round(len(cs) * _NEVER_COVERED)))
        for era, cs in sorted(border_communes.items())
    }
    for term in TERMS:
        communes = sorted(border_communes[term.era])
        eligible = [c for c in communes if c not in never[term.era]]
        n_covered = min(len(eligible), round(len(communes) * term.ramp[-1][1]))
        covered = rng.sample(eligible, n_covered)  # in the order they gain an officer
        carry = rng.sample(serving, min(len(serving), round(n_covered * 0.3)))
        this_term: list[int] = []

        def post(
            code: str,
            start: dt.date,
            term: Term = term,
            carry: list[int] = carry,
            this_term: list[int] = this_term,
        ) -> None:
            officer = carry.pop() if carry else new_officer()
            this_term.append(officer)
            end = term.end
            if end is not None and (end - start).days > 900 and rng.chance(0.25):
                # Rotation: the officer leaves mid-term, the next one starts that day.
                left = start + dt.timedelta(days=int(rng.uniform(365, (end - start).days - 180)))
                assignments.append(Assignment(officer, term.era, code,
                                              _weighted(rng, ROLES), term.code, start, left))  # fmt: skip
                officer, start = new_officer(), left
                this_term.append(officer)
            assignments.append(
                Assignment(officer, term.era, code, _weighted(rng, ROLES), term.code, start, end)
            )

        starts: dict[str, dt.date] = {}
        for k, (code, _) in enumerate(covered):
            starts[code] = _start_for(term, (k + 1) / len(communes))
            post(code, starts[code])
        for _ in range(round(n_covered * term.extra)):
            code, _name_ = rng.pick(covered)
            later = starts[code] + dt.timedelta(days=int(rng.uniform(0, 400)))
            if term.end is None or later < term.end - dt.timedelta(days=30):
                post(code, later)
        serving = this_term
    return officers, assignments
