"""service.demo.officers: synthetic Border Guard officers seconded to land-border communes.

Scale from DOMAIN.md section 5: about 500 commune-level officers per term (517 on commune
party committees in 2020-2025), in the real roles. Terms 2015-2020 and 2020-2025 use
pre-2025 communes and end with the reform (1 Jul 2025); 2025-2030 uses post-2025 communes.
Some border communes stay uncovered; some officers serve again in the next term.
Names and service numbers are generated and belong to nobody.
"""

from __future__ import annotations

import datetime as dt
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
    officers: int
    coverage: float  # share of the era's land-border communes with an officer in this term


TERMS = (
    Term("2015-2020", "pre2025", D(2015, 7, 1), D(2020, 7, 1), 486, 0.74),
    Term("2020-2025", "pre2025", D(2020, 7, 1), REFORM, 517, 0.8),
    Term("2025-2030", "post2025", REFORM, None, 503, 0.84),
)
_NEVER_COVERED = 0.15
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


def generate(
    border_communes: dict[str, list[tuple[str, str]]], seed: int
) -> tuple[list[Officer], list[Assignment]]:
    """Officers and assignments; ``border_communes`` maps era -> [(commune code, name)]."""
    rng = Stream(seed, "officers")
    officers: list[Officer] = []
    assignments: list[Assignment] = []
    serving: list[int] = []  # officers of the previous term, who may continue
    used_numbers: set[str] = set()

    def new_officer(home: str) -> int:
        while True:
            number = f"SYN-{rng.below(10**8):08d}"
            if number not in used_numbers:
                used_numbers.add(number)
                break
        officers.append(Officer(number, _name(rng), _weighted(rng, RANKS), home))
        return len(officers) - 1

    # Remote communes far from any border post stay uncovered in every term of an era.
    never = {
        era: set(rng.sample(sorted(cs), round(len(cs) * _NEVER_COVERED)))
        for era, cs in sorted(border_communes.items())
    }
    for term in TERMS:
        communes = sorted(border_communes[term.era])
        eligible = [c for c in communes if c not in never[term.era]]
        covered = rng.sample(eligible, min(len(eligible), round(len(communes) * term.coverage)))
        # Every covered commune gets one officer, the rest go where needed most.
        slots = list(covered) + [rng.pick(covered) for _ in range(term.officers - len(covered))]
        carry = rng.sample(serving, min(len(serving), round(term.officers * 0.3)))
        this_term: list[int] = []
        for k, (code, name) in enumerate(sorted(slots)):
            short = name.split(" ", 1)[-1]
            home = f"Đồn Biên phòng {short} (synthetic)"
            officer = carry[k] if k < len(carry) else new_officer(home)
            this_term.append(officer)
            late = rng.chance(0.15)  # some join after the term's start (rotation)
            start = (
                term.start + dt.timedelta(days=int(rng.uniform(30, 700))) if late else term.start
            )
            assignments.append(
                Assignment(
                    officer, term.era, code, _weighted(rng, ROLES), term.code, start, term.end
                )
            )
        serving = this_term
    return officers, assignments
