"""service.demo.summary: the counts a demo build reports, per border and per era."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class BorderCounts:
    code: str
    name: str
    markers: int
    positions: int
    main: int
    secondary: int
    coc_dau: int
    markers_expected: int
    positions_expected: int
    line_km: float  # geodesic length of the (generalised) line in the dataset
    official_km: float
    undemarcated_km: float


@dataclass
class EraCounts:
    era: str
    provinces: int
    communes: int
    land_border_communes: int
    coastal_communes: int
    land_and_coastal: int
    by_neighbour: dict[str, int]
    border_provinces: int
    segments: int


@dataclass
class DemoSummary:
    """Counts of one demo build (all rows synthetic)."""

    seed: int
    borders: list[BorderCounts] = field(default_factory=list)
    eras: list[EraCounts] = field(default_factory=list)
    officers_per_term: dict[str, int] = field(default_factory=dict)
    assignments_per_term: dict[str, int] = field(default_factory=dict)
    officers: int = 0
    events: int = 0
    table_rows: dict[str, int] = field(default_factory=dict)
    generate_seconds: float = 0.0
    write_seconds: float = 0.0

    @property
    def seconds(self) -> float:
        return self.generate_seconds + self.write_seconds

    def __str__(self) -> str:
        return self.as_text()

    def as_text(self) -> str:
        """A plain-text report: per border, per era, officers per term, timings."""
        lines = [f"BorderMap demo dataset (synthetic, seed {self.seed})", "", "Markers per border:"]
        for b in self.borders:
            lines.append(
                f"  {b.code} {b.name}: {b.markers:,} markers at {b.positions:,} positions"
                f" (expected {b.markers_expected:,} at {b.positions_expected:,});"
                f" main {b.main:,}, secondary {b.secondary:,}, cọc dấu {b.coc_dau:,};"
                f" line {b.line_km:,.1f} km in the dataset, official {b.official_km:,.1f} km"
                + (f", undemarcated {b.undemarcated_km:,.1f} km" if b.undemarcated_km else "")
            )
        lines += ["", "Units per era (border flags from the approximate geometry):"]
        for e in self.eras:
            nb = ", ".join(f"{k} {v}" for k, v in sorted(e.by_neighbour.items()))
            lines.append(
                f"  {e.era}: {e.provinces} provinces, {e.communes:,} communes;"
                f" land-border communes {e.land_border_communes} ({nb}),"
                f" coastal {e.coastal_communes}, both {e.land_and_coastal},"
                f" land or coastal {e.land_border_communes + e.coastal_communes - e.land_and_coastal};"
                f" {e.border_provinces} land-border provinces, {e.segments} border segments"
            )
        lines += ["", "Officers per term (commune level):"]
        for term, n in self.officers_per_term.items():
            lines.append(
                f"  {term}: {n} officers, {self.assignments_per_term.get(term, 0)} assignments"
            )
        lines.append(f"  {self.officers} distinct officers; {self.events:,} marker status events")
        lines += [
            "",
            f"Built in {self.seconds:.1f} s (generate {self.generate_seconds:.1f} s,"
            f" write {self.write_seconds:.1f} s).",
        ]
        return "\n".join(lines)
