"""service.demo.markers: synthetic markers at the real totals and numbering schemes.

Positions are spread along each (Natural Earth) border line; numbers follow the real
direction (CN west -> east, LA and KH north -> south) and are anchored where a published
marker place is known, so e.g. CN 234-345 fall in Hà Giang and LA 605 at Lao Bảo.
Same-number markers stand a few tens of metres apart on the two sides of the line:
index (1) on the neighbour's side, (2) on Vietnam's side (for CN: 261(1) on the Chinese
bank, 261(2) on the Vietnamese bank), (3) along the line at a confluence.

Totals (DOMAIN.md sections 0-3):
- CN 1,971 = 1,378 main numbers (151 double, 20 triple) + 402 secondary ``N/k``.
- LA 1,002 at 905 positions = 834 main at 792 positions (42 double, some ``N/k`` such as
  511/1) + 168 cọc dấu at 113 positions (29 at 27 by Jun 2013, 139 at 86 later).
- KH 2,047 at 1,553 positions = 315 main at 264 of the 314 planned numbers (the rest lie
  in the undemarcated 16 %), 1,511 secondary at 1,068 positions, 221 cọc dấu.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
import shapely
from shapely.geometry import MultiPolygon

from geo import crs as geocrs
from service.demo import facts as F
from service.demo.borders import KH_UNDEMARCATED, BorderLine
from service.demo.rand import Stream

_M_PER_DEG_LAT = 110_574.0
_M_PER_DEG_LON = 111_320.0
_ARCSEC_MILLI = 3600 * 1000  # protocol coordinates are given to 0.001"
_EDGE_MARGIN_T = 0.002  # keep markers clear of the undemarcated stretches' ends

# CN river stretches by main number (about 27 % of numbers, as 383.9 of 1,449.6 km):
# Đà river (Lai Châu), Red River (Lào Cai), Thanh Thủy, and rivers of Hà Giang, Cao Bằng,
# Lạng Sơn and the Ka Long at Móng Cái. Illustrative, not surveyed.
CN_RIVER_NUMBERS = (
    (12, 30), (85, 140), (250, 275), (420, 470), (640, 720), (880, 940), (1005, 1040),
    (1340, 1378),
)  # fmt: skip
# KH stretches along rivers and canals (Sê San; the Mekong delta), as line fractions.
KH_RIVER_T = ((0.08, 0.16), (0.66, 0.97))
# LA markers recorded in VN-2000 provincial TM-3 zones (pre-2025 province -> EPSG, §6.3).
LA_VN2000_ZONES = {"40": 9208, "42": 9209, "45": 9212}


@dataclass
class Position:
    """One place on the line: a number, maybe a sub-number, and 1-3 markers."""

    t: float
    number: int
    sub: int | None
    marker_class: str
    mult: int = 1
    setting: str = "land"
    size_class: str | None = None
    cohort: str = ""


@dataclass
class Marker:
    """One marker row plus what the history builder needs (``t``, ``cohort``)."""

    border_code: str
    number: int
    same_number_index: int | None
    sub_number: int | None
    marker_class: str
    size_class: str | None
    setting: str
    material: str | None
    planted_by: str | None
    elevation_m: Decimal
    lon: float
    lat: float
    t: float
    cohort: str
    source_crs: str = "EPSG:4326"
    source_x: float | None = None
    source_y: float | None = None
    source_axis_order: str | None = "xy"
    source_transform: str | None = None
    first: bool = False
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def position_key(self) -> tuple[str, int, int | None]:
        return (self.border_code, self.number, self.sub_number)


def _interp_numbers(numbers: np.ndarray, anchors: list[tuple[int, float]]) -> np.ndarray:
    """t of each number by piecewise-linear interpolation between increasing anchors."""
    kept: list[tuple[int, float]] = []
    for n, t in sorted(anchors):
        if not kept or t > kept[-1][1]:
            kept.append((n, t))  # an anchor that would reverse the order is dropped
    xs, ts = zip(*kept, strict=True)
    return np.interp(numbers, xs, ts)


def _jitter(ts: np.ndarray, rng: Stream, share: float = 0.25) -> np.ndarray:
    """Move each t by up to ``share`` of the gap to its neighbours (order kept)."""
    out = ts.copy()
    for i in range(1, len(ts) - 1):
        gap = min(ts[i] - ts[i - 1], ts[i + 1] - ts[i])
        out[i] = ts[i] + rng.uniform(-share, share) * gap
    return out


def _subs_between(
    gaps: list[tuple[float, float, int]], count: int, rng: Stream
) -> list[tuple[float, int]]:
    """``count`` positions in the gaps (t0, t1, number), weighted by gap length.

    Returns (t, number) in line order; several can share a gap.
    """
    cum = np.cumsum([b - a for a, b, _ in gaps])
    chosen: list[tuple[float, int]] = []
    for _ in range(count):
        g = min(int(np.searchsorted(cum, rng.random() * cum[-1], side="right")), len(gaps) - 1)
        a, b, n = gaps[g]
        chosen.append((a + (b - a) * rng.uniform(0.15, 0.85), n))
    return sorted(chosen)


def _number_subs(items: list[tuple[float, int, Position]]) -> None:
    """Sub-numbers 1, 2, ... in line order within each main interval, after existing ones."""
    used: dict[int, int] = {}
    for _, n, pos in sorted(items, key=lambda x: (x[1], x[0])):
        used[n] = used.get(n, 0) + 1
        pos.sub = used[n]


def cn_positions(bl: BorderLine, rng: Stream) -> list[Position]:
    """1,378 main numbers and 402 secondary positions on the VN-CN line."""
    line = bl.line
    anchors = [(1, 0.003), (F.CN_MAIN_NUMBERS, 0.9985)]
    anchors += [
        (n, line.project(shapely.Point(p), normalized=True)) for n, p in F.CN_ANCHORS.items()
    ]
    anchors.append(
        (
            F.CN_FIRST_MARKER_NUMBER,
            line.project(shapely.Point(F.CN_FIRST_MARKER_PLACE), normalized=True),
        )
    )
    numbers = np.arange(1, F.CN_MAIN_NUMBERS + 1)
    ts = _jitter(_interp_numbers(numbers, anchors), rng)
    river = {n for a, b in CN_RIVER_NUMBERS for n in range(a, b + 1)}
    river_list = sorted(river)
    forced_doubles = {98, 261, F.CN_FIRST_MARKER_NUMBER}
    triples = {17} | set(rng.sample([n for n in river_list if n not in forced_doubles | {17}], 19))
    rest = [n for n in river_list if n not in triples and n not in forced_doubles]
    doubles = forced_doubles | set(rng.sample(rest, 151 - len(forced_doubles)))
    gates = {261, F.CN_FIRST_MARKER_NUMBER} | set(rng.sample(sorted(doubles - {261, 1369}), 10))
    positions = []
    for n, t in zip(numbers.tolist(), ts.tolist(), strict=True):
        mult = 3 if n in triples else 2 if n in doubles else 1
        setting = "confluence" if mult == 3 else "river_bank" if n in river else "land"
        size = "large" if n in gates else "medium" if rng.chance(0.3) else "small"
        positions.append(Position(t, n, None, "main", mult, setting, size, "cn_main"))
    gaps = [(ts[i], ts[i + 1], int(numbers[i])) for i in range(len(ts) - 1)]
    subs: list[tuple[float, int, Position]] = []
    for t, n in _subs_between(gaps, F.CN_SECONDARY_POSITIONS, rng):
        setting = "river_bank" if n in river else "land"
        pos = Position(t, n, None, "secondary", 1, setting, "small", "cn_secondary")
        subs.append((t, n, pos))
    _number_subs(subs)
    return positions + [p for _, _, p in subs]


def la_positions(bl: BorderLine, rng: Stream) -> list[Position]:
    """792 main positions (834 markers) and 113 cọc dấu positions (168) on the VN-LA line."""
    line = bl.line
    t605 = line.project(shapely.Point(F.LA_FIRST_MARKER_PLACE), normalized=True)
    # Plain numbers run to where 605 at Lao Bảo puts an even spacing; the rest are N/k.
    n_plain = min(F.LA_MAIN_POSITIONS - 40, round(F.LA_FIRST_MARKER_NUMBER / t605))
    numbers = np.arange(1, n_plain + 1)
    anchors = [(1, 0.002), (n_plain, 0.998), (F.LA_FIRST_MARKER_NUMBER, t605)]
    ts = _jitter(_interp_numbers(numbers, anchors), rng)
    doubles = {F.LA_FIRST_MARKER_NUMBER} | set(
        rng.sample([n for n in range(2, n_plain) if n != F.LA_FIRST_MARKER_NUMBER], 41)
    )
    # About one old (1978-1987) position in 4.5: the project made the line 4.5x denser.
    old = set(rng.sample(sorted(set(range(1, n_plain + 1)) - doubles), round(n_plain / 4.5)))
    positions = [
        Position(t, n, None, "main", 2 if n in doubles else 1, "land", None,
                 "la_old" if n in old else "la_main")
        for n, t in zip(numbers.tolist(), ts.tolist(), strict=True)
    ]  # fmt: skip
    gaps = [(ts[i], ts[i + 1], int(numbers[i])) for i in range(len(ts) - 1)]
    slash = _subs_between(gaps, F.LA_MAIN_POSITIONS - n_plain - 1, rng)
    i511 = 511 - 1
    slash.append(((ts[i511] + ts[i511 + 1]) / 2, 511))  # 511/1 (Hà Tĩnh - Khammouane)
    subs = [(t, n, Position(t, n, None, "main", 1, "land", None, "la_main")) for t, n in slash]
    early_n, early_p = F.LA_COC_DAU_EARLY
    late_n, late_p = F.LA_COC_DAU_LATE
    coc = _subs_between(gaps, early_p + late_p, rng)
    early = set(rng.sample(range(len(coc)), early_p))
    early_doubles = set(rng.sample(sorted(early), early_n - early_p))
    late_doubles = set(rng.sample(sorted(set(range(len(coc))) - early), late_n - late_p))
    for i, (t, n) in enumerate(coc):
        cohort = "la_coc_early" if i in early else "la_coc_late"
        mult = 2 if i in early_doubles | late_doubles else 1
        subs.append((t, n, Position(t, n, None, "coc_dau", mult, "land", None, cohort)))
    _number_subs(subs)
    return positions + [p for _, _, p in subs]


def _spread(intervals: list[tuple[float, float]], count: int, rng: Stream) -> list[float]:
    """``count`` stratified positions over a union of t intervals."""
    cum = np.cumsum([b - a for a, b in intervals])
    out = []
    for i in range(count):
        u = (i + 0.5 + rng.uniform(-0.3, 0.3)) / count * cum[-1]
        k = min(int(np.searchsorted(cum, u, side="right")), len(intervals) - 1)
        a, _ = intervals[k]
        out.append(a + u - (cum[k - 1] if k else 0.0))
    return out


def kh_positions(bl: BorderLine, rng: Stream) -> list[Position]:
    """264 main positions of 314 planned numbers, 1,068 secondary, 221 cọc dấu (VN-KH)."""
    m = _EDGE_MARGIN_T
    undone = [(a + m, b - m) for a, b in KH_UNDEMARCATED]
    done: list[tuple[float, float]] = []
    start = 0.002
    for a, b in KH_UNDEMARCATED:
        done.append((start, a - m))
        start = b + m
    done.append((start, 0.995))
    main_t = sorted(
        [(t, True) for t in _spread(done, F.KH_MAIN_POSITIONS, rng)]
        + [(t, False) for t in _spread(undone, F.KH_MAIN_PLANNED - F.KH_MAIN_POSITIONS, rng)]
    )
    in_river = [any(a <= t < b for a, b in KH_RIVER_T) for t, _ in main_t]
    planted = [
        (i + 1, t, r) for i, ((t, ok), r) in enumerate(zip(main_t, in_river, strict=True)) if ok
    ]
    weights = [6.0 if r else 1.0 for _, _, r in planted]
    multi = rng.weighted_sample([n for n, _, _ in planted], weights, 25 + 13)
    triples, doubles = set(multi[:13]), set(multi[13:])
    gates = set(rng.sample([n for n, _, _ in planted if n not in triples | doubles], 8))
    positions = []
    for n, t, _r in planted:
        mult = 3 if n in triples else 2 if n in doubles else 1
        setting = "confluence" if mult == 3 else "river_bank" if mult == 2 else "land"
        size = "A" if n in gates else "C" if t >= KH_RIVER_T[1][0] - 0.06 else "B"
        positions.append(Position(t, n, None, "main", mult, setting, size, "kh_main"))
    # Secondary markers and cọc dấu only between two consecutive planted main numbers.
    gaps = [
        (planted[i][1], planted[i + 1][1], planted[i][0])
        for i in range(len(planted) - 1)
        if planted[i + 1][0] == planted[i][0] + 1
    ]
    sec = _subs_between(gaps, F.KH_SECONDARY_POSITIONS, rng)
    sec_river = [6.0 if any(a <= t < b for a, b in KH_RIVER_T) else 1.0 for t, _ in sec]
    extra = F.KH_SECONDARY_MARKERS - F.KH_SECONDARY_POSITIONS  # 443 = 403 doubles + 20 triples
    multi = rng.weighted_sample(list(range(len(sec))), sec_river, extra - 20)
    sec_triples, sec_doubles = set(multi[:20]), set(multi[20:])
    subs: list[tuple[float, int, Position]] = []
    for i, (t, n) in enumerate(sec):
        mult = 3 if i in sec_triples else 2 if i in sec_doubles else 1
        setting = "confluence" if mult == 3 else "river_bank" if mult == 2 else "land"
        subs.append((t, n, Position(t, n, None, "secondary", mult, setting, None, "kh_secondary")))
    for t, n in _subs_between(gaps, F.KH_COC_DAU, rng):
        subs.append((t, n, Position(t, n, None, "coc_dau", 1, "land", None, "kh_coc")))
    _number_subs(subs)
    return positions + [p for _, _, p in subs]


def _smooth(t: np.ndarray, rng: Stream) -> np.ndarray:
    """A smooth pseudo-terrain profile in [0, 1] along the line."""
    acc = np.zeros_like(t)
    total = 0.0
    for k, freq in enumerate((3.0, 7.0, 17.0, 41.0, 97.0)):
        amp = 1.0 / (k + 1)
        acc += amp * np.sin(2 * np.pi * freq * t + rng.uniform(0, 2 * np.pi))
        total += amp
    return np.asarray((acc / total + 1) / 2)


def _elevations(border: str, ts: np.ndarray, settings: list[str], rng: Stream) -> np.ndarray:
    z = _smooth(ts, rng)
    low = np.array([s != "land" for s in settings])
    if border == "CN":
        e = np.where(low, 60 + 300 * z, 150 + 1750 * z**1.3)
        e = np.where(ts > 0.96, 2 + e * np.clip((1 - ts) / 0.04, 0, 1), e)  # down to the sea
    elif border == "LA":
        e = np.where(low, 120 + 300 * z, 250 + 1800 * z**1.2)
    else:
        e = np.where(ts < 0.5, 120 + 600 * z, np.where(ts < 0.66, 5 + 60 * z, 0.8 + 4 * z))
    jit = np.array([rng.uniform(-2, 2) for _ in range(len(ts))])
    return np.asarray(np.maximum(e + np.minimum(jit, e * 0.1), 0.3))


def _round_arcsec(v: float) -> float:
    return round(v * _ARCSEC_MILLI) / _ARCSEC_MILLI


def place(
    border: str,
    bl: BorderLine,
    positions: list[Position],
    vnm: MultiPolygon,
    rng: Stream,
) -> list[Marker]:
    """Markers for the positions: points by the line, offsets, elevation, recorded coords."""
    ts = np.array([p.t for p in positions])
    base = shapely.get_coordinates(shapely.line_interpolate_point(bl.line, ts, normalized=True))
    ahead = shapely.get_coordinates(
        shapely.line_interpolate_point(bl.line, np.minimum(ts + 2e-5, 1), normalized=True)
    )
    behind = shapely.get_coordinates(
        shapely.line_interpolate_point(bl.line, np.maximum(ts - 2e-5, 0), normalized=True)
    )
    coslat = np.cos(np.radians(base[:, 1]))
    tx = (ahead[:, 0] - behind[:, 0]) * _M_PER_DEG_LON * coslat
    ty = (ahead[:, 1] - behind[:, 1]) * _M_PER_DEG_LAT
    norm = np.hypot(tx, ty)
    norm[norm == 0] = 1.0
    tx, ty = tx / norm, ty / norm
    nx, ny = -ty, tx  # unit normal in metres

    def shift(i: int, along: float, across: float) -> tuple[float, float]:
        dx = along * tx[i] + across * nx[i]
        dy = along * ty[i] + across * ny[i]
        return (
            base[i, 0] + dx / (_M_PER_DEG_LON * coslat[i]),
            base[i, 1] + dy / _M_PER_DEG_LAT,
        )

    probe = np.array([shift(i, 0.0, 30.0) for i in range(len(positions))])
    shapely.prepare(vnm)
    outside_sign = np.where(shapely.contains_xy(vnm, probe[:, 0], probe[:, 1]), -1.0, 1.0)

    specs: list[tuple[Position, int | None, float, float]] = []
    for i, pos in enumerate(positions):
        out = outside_sign[i]
        if pos.mult == 1:
            specs.append((pos, None, *shift(i, 0.0, rng.uniform(-8, 8))))
            continue
        specs.append((pos, 1, *shift(i, rng.uniform(-5, 5), out * rng.uniform(20, 45))))
        specs.append((pos, 2, *shift(i, rng.uniform(-5, 5), -out * rng.uniform(20, 45))))
        if pos.mult == 3:
            specs.append((pos, 3, *shift(i, rng.uniform(30, 50), rng.uniform(-6, 6))))
    elev = _elevations(
        border, np.array([s[0].t for s in specs]), [s[0].setting for s in specs], rng
    )
    markers = []
    for (pos, idx, lon, lat), z in zip(specs, elev.tolist(), strict=True):
        planted_by = None
        material = "granite" if pos.marker_class == "main" else "concrete"
        if border == "CN":
            if idx is None:
                odd = (pos.sub if pos.sub is not None else pos.number) % 2 == 1
                planted_by = "CN" if odd else "VN"
            else:
                planted_by = {1: "CN", 2: "VN"}.get(idx, "CN" if pos.number % 2 else "VN")
            if planted_by == "VN" and pos.size_class == "small":
                material = "concrete"
        markers.append(
            Marker(
                border_code=border,
                number=pos.number,
                same_number_index=idx,
                sub_number=pos.sub,
                marker_class=pos.marker_class,
                size_class=pos.size_class,
                setting=pos.setting,
                material=material,
                planted_by=planted_by,
                elevation_m=Decimal(f"{z:.2f}"),
                lon=_round_arcsec(lon),
                lat=_round_arcsec(lat),
                t=pos.t,
                cohort=pos.cohort,
            )
        )
    for m in markers:
        m.source_x, m.source_y = m.lon, m.lat
    return markers


def record_in_vn2000(markers: list[Marker], province_of: list[str]) -> int:
    """Give LA markers in some provinces VN-2000 TM-3 coordinates as a surveyor writes them.

    X = northing, Y = easting, to the millimetre; the stored point is the official
    (EPSG:6960) transform of exactly those numbers. Returns how many were converted.
    """
    done = 0
    for m, prov in zip(markers, province_of, strict=True):
        epsg = LA_VN2000_ZONES.get(prov)
        if epsg is None:
            continue
        north, east = geocrs.from_wgs84(m.lon, m.lat, epsg, axis_order="northing_easting")
        north, east = round(north, 3), round(east, 3)
        lon, lat = geocrs.to_wgs84(north, east, epsg, axis_order="northing_easting")
        src = geocrs.source_crs(epsg)
        m.lon, m.lat = lon, lat
        m.source_crs = src.label
        m.source_x, m.source_y = north, east
        m.source_axis_order = "northing_easting"
        m.source_transform = geocrs.transform_description(src)
        done += 1
    return done


def generate(lines: dict[str, BorderLine], vnm: MultiPolygon, seed: int) -> dict[str, list[Marker]]:
    """All markers per border code, in line order."""
    out: dict[str, list[Marker]] = {}
    for code, iso3, make in (("CN", "CHN", cn_positions), ("LA", "LAO", la_positions),
                             ("KH", "KHM", kh_positions)):  # fmt: skip
        rng = Stream(seed, f"markers:{code}")
        positions = sorted(make(lines[iso3], rng), key=lambda p: p.t)
        out[code] = place(code, lines[iso3], positions, vnm, rng)
    _mark_first(out, lines)
    return out


def _mark_first(markers: dict[str, list[Marker]], lines: dict[str, BorderLine]) -> None:
    """The first markers planted: CN 1369 at Móng Cái, LA 605 at Lao Bảo, KH by Mộc Bài."""
    for m in markers["CN"]:
        m.first = m.number == F.CN_FIRST_MARKER_NUMBER and m.sub_number is None
    for m in markers["LA"]:
        m.first = m.number == F.LA_FIRST_MARKER_NUMBER and m.sub_number is None
    kh = lines["KHM"].line
    t_moc_bai = kh.project(shapely.Point(F.KH_FIRST_MARKER_PLACE), normalized=True)
    mains = [m for m in markers["KH"] if m.marker_class == "main"]
    best = min(mains, key=lambda m: abs(m.t - t_moc_bai))
    for m in mains:
        m.first = m.number == best.number
