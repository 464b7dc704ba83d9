"""service.demo.facts: the real figures the demo dataset is built to (from DOMAIN.md).

Confidence L/X figures are flagged approximate where they are stored.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

REFORM = dt.date(2025, 7, 1)


@dataclass(frozen=True)
class BorderFacts:
    """One land border as the official sources describe it."""

    code: str
    iso3: str
    name: str
    length_km: Decimal
    land_km: Decimal | None
    river_km: Decimal | None
    length_source: str
    length_approximate: bool
    markers: int
    positions: int
    demarcated_share: Decimal


BORDERS = (
    BorderFacts(
        "CN",
        "CHN",
        "Việt Nam – Trung Quốc",
        Decimal("1449.566"),
        Decimal("1065.652"),
        Decimal("383.914"),
        "1,449.566 km = 1,065.652 km on land + 383.914 km along rivers (figures reported for"
        " the 2009 demarcation protocol; anhang.vn, VNS 2024-03-30)",
        False,
        1971,
        1780,  # 1,378 main + 402 secondary positions: split approximate (one weak source)
        Decimal("1"),
    ),
    BorderFacts(
        "LA",
        "LAO",
        "Việt Nam – Lào",
        Decimal("2337"),
        None,
        None,
        "approximate: 'hơn 2.337 km' (vietnamnet.vn 2016); 2,337.459 km unverified",
        True,
        1002,
        905,
        Decimal("1"),
    ),
    BorderFacts(
        "KH",
        "KHM",
        "Việt Nam – Campuchia",
        Decimal("1255"),
        None,
        None,
        "approximate: recent state-media figure ~1,255-1,258 km (baoquocte.vn; VNS"
        " 2023-11-23), chosen because it agrees with the ~84 % = ~1,045 km demarcated;"
        " the traditional figure is ~1,137 km",
        True,
        2047,
        1553,
        Decimal("0.84"),
    ),
)
BORDER_BY_ISO3 = {b.iso3: b for b in BORDERS}


@dataclass(frozen=True)
class SegmentFacts:
    """Official length of one pre-2025 province's stretch of a border."""

    length_km: Decimal
    land_km: Decimal | None
    river_km: Decimal | None
    source: str


def _seg(km: str, source: str, land: str | None = None, river: str | None = None) -> SegmentFacts:
    return SegmentFacts(
        Decimal(km), Decimal(land) if land else None, Decimal(river) if river else None, source
    )


# Keyed by (pre-2025 province code, neighbour ISO3).
SEGMENTS_PRE2025 = {
    ("12", "CHN"): _seg("294.52", "2009 figure (vietnamlawmagazine.vn); 'over 265 km' elsewhere"),
    ("11", "CHN"): _seg("40.86", "Sín Thầu and Sen Thượng communes (phong-van.com)"),
    ("10", "CHN"): _seg("183.12", "2009 figure (vietnamlawmagazine.vn)"),
    ("02", "CHN"): _seg("277.556", "tapchiqptd.vn"),
    ("04", "CHN"): _seg("333", "baomoi; 634 markers"),
    ("20", "CHN"): _seg("223", "vietnamlawmagazine.vn 2009"),
    ("22", "CHN"): _seg("111.27", "2009 figure (vietnamlawmagazine.vn)"),
    ("11", "LAO"): _seg("414.712", "2016 map set (dic.gov.vn 2017)", land="358.982", river="55.73"),
    ("40", "LAO"): _seg("468.281", "baonghean.vn; the longest provincial segment"),
    ("45", "LAO"): _seg("187.864", "baoquangtri.vn"),
    ("49", "LAO"): _seg("157", "approximate: '~157 km', 14 border communes (tapchiqptd.vn)"),
    ("72", "KHM"): _seg("240", "approximate: '240 km, the longest' (opal-cityview.vn)"),
    ("87", "KHM"): _seg("50.675", "2019 demarcation protocol (phong-van.com)"),
    ("66", "KHM"): _seg("73", "approximate: '~73 km', 4 border communes (tapchicongsan 2022)"),
    ("89", "KHM"): _seg("100", "approximate: '~100 km' (tapchiqptd.vn)"),
}

# Source documents named in status events.
DOC = {
    "CN_TREATY": "Hiệp ước biên giới trên đất liền Việt Nam – Trung Quốc (30/12/1999)",
    "CN_PLAN": "Kế hoạch phân giới cắm mốc, Ủy ban liên hợp phân giới cắm mốc VN–TQ (11/2001)",
    "CN_FIELD": "Biên bản cắm mốc của nhóm công tác liên hợp VN–TQ",
    "CN_PROTOCOL": "Nghị định thư phân giới cắm mốc biên giới trên đất liền VN–TQ (18/11/2009)",
    "LA_OLD": "Hiệp ước hoạch định biên giới quốc gia Việt Nam – Lào (18/7/1977)",
    "LA_PROJECT": "Dự án tăng dày và tôn tạo hệ thống mốc quốc giới Việt Nam – Lào",
    "LA_PROTOCOL": "Nghị định thư về đường biên giới và mốc quốc giới Việt Nam – Lào (16/3/2016)",
    "KH_TREATY": "Hiệp ước bổ sung Hiệp ước hoạch định biên giới 1985 (2005)",
    "KH_FIELD": "Biên bản cắm mốc của Ủy ban liên hợp phân giới cắm mốc VN–CPC",
    "KH_PROTOCOL": "Nghị định thư phân giới cắm mốc biên giới trên đất liền VN–CPC (5/10/2019)",
    "INSPECTION": "Báo cáo kiểm tra mốc định kỳ của Bộ đội Biên phòng tỉnh",
}

# Key dates (DOMAIN.md sections 1-3).
CN_COMMITTEE = dt.date(2001, 11, 15)
CN_FIRST_MARKER = dt.date(2001, 12, 27)
CN_FIELD_DONE = dt.date(2008, 12, 31)
CN_PROTOCOL_SIGNED = dt.date(2009, 11, 18)
CN_PROTOCOL_IN_FORCE = dt.date(2010, 7, 14)
LA_FIELD_START = dt.date(2008, 9, 5)
LA_MARKERS_DONE = dt.date(2013, 6, 30)
LA_COC_DAU_START = dt.date(2013, 7, 1)
LA_COC_DAU_DONE = dt.date(2014, 12, 31)
LA_COMPLETION = dt.date(2016, 3, 16)
KH_FIELD_START = dt.date(2006, 9, 27)
KH_PROTOCOL_SIGNED = dt.date(2019, 10, 5)

# Published marker coordinates used as anchors for the numbering (DOMAIN.md section 1.1):
# number -> (lon, lat). Positions are snapped to the (generalised) Natural Earth line.
CN_ANCHORS = {
    234: (104.734389, 22.831847),
    261: (104.849391, 22.936929),
    345: (104.967468, 23.200187),
}
# Approximate places of named markers: Móng Cái – Dongxing gate (first marker, 2001) and
# Lao Bảo – Densavanh gate (double marker 605, LA field work start 2008).
CN_FIRST_MARKER_NUMBER = 1369
CN_FIRST_MARKER_PLACE = (107.965, 21.540)
LA_FIRST_MARKER_NUMBER = 605
LA_FIRST_MARKER_PLACE = (106.593, 16.620)
# KH: field work began in Sep 2006 at the Mộc Bài – Bavet gate (approximate place).
KH_FIRST_MARKER_PLACE = (106.159, 11.081)

CN_MAIN_NUMBERS = 1378
CN_SECONDARY_POSITIONS = 402
LA_MAIN_POSITIONS = 792
LA_MAIN_MARKERS = 834
LA_COC_DAU_EARLY = (29, 27)  # markers, positions planted by Jun 2013
LA_COC_DAU_LATE = (139, 86)  # Jul 2013 - Dec 2014
KH_MAIN_PLANNED = 314
KH_MAIN_POSITIONS = 264
KH_MAIN_MARKERS = 315
KH_SECONDARY_POSITIONS = 1068
KH_SECONDARY_MARKERS = 1511
KH_COC_DAU = 221
