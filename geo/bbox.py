"""geo.bbox: bounding boxes as OGC API and the CLI write them (``minx,miny,maxx,maxy``).

A box is read in the axis order of its CRS: ``lon,lat`` for CRS84, ``lat,lon`` for
EPSG:4326 and EPSG:4756 (the EPSG definitions), easting/northing for projected CRSs.
``BBox`` always holds x = easting/longitude, y = northing/latitude.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from geo.errors import InvalidBBox


@dataclass(frozen=True, slots=True)
class BBox:
    """A 2D box in x/y order; ``minx > maxx`` marks a box crossing the antimeridian."""

    minx: float
    miny: float
    maxx: float
    maxy: float

    @property
    def crosses_antimeridian(self) -> bool:
        """True when the box wraps past 180° (only meaningful for geographic boxes)."""
        return self.minx > self.maxx

    def parts(self) -> list[BBox]:
        """The box as one or two non-wrapping boxes (split at the antimeridian)."""
        if not self.crosses_antimeridian:
            return [self]
        return [
            BBox(self.minx, self.miny, 180.0, self.maxy),
            BBox(-180.0, self.miny, self.maxx, self.maxy),
        ]


def parse_bbox(value: str, *, lat_first: bool = False, geographic: bool = True) -> BBox:
    """Parse ``minx,miny,maxx,maxy`` (or the 6-number 3D form, whose heights are ignored).

    ``lat_first``: the numbers are written latitude first (EPSG:4326 axis order).
    ``geographic``: check degree ranges and allow a box across the antimeridian;
    projected boxes must have min < max on both axes.
    Raises InvalidBBox naming what is wrong.
    """
    parts = [p.strip() for p in value.split(",")]
    if len(parts) not in (4, 6):
        raise InvalidBBox(f"bbox needs 4 or 6 comma-separated numbers, got {len(parts)}: {value!r}")
    try:
        nums = [float(p) for p in parts]
    except ValueError:
        raise InvalidBBox(f"bbox has a value that is not a number: {value!r}") from None
    if not all(math.isfinite(n) for n in nums):
        raise InvalidBBox(f"bbox values must be finite numbers: {value!r}")
    if len(nums) == 6:
        nums = [nums[0], nums[1], nums[3], nums[4]]
    a1, b1, a2, b2 = nums
    minx, miny, maxx, maxy = (b1, a1, b2, a2) if lat_first else (a1, b1, a2, b2)
    if miny > maxy:
        raise InvalidBBox(f"bbox lower {'latitude' if geographic else 'y'} exceeds the upper one")
    if geographic:
        for lon in (minx, maxx):
            if not -180.0 <= lon <= 180.0:
                raise InvalidBBox(f"bbox longitude {lon} is outside -180..180")
        for lat in (miny, maxy):
            if not -90.0 <= lat <= 90.0:
                raise InvalidBBox(f"bbox latitude {lat} is outside -90..90")
    elif minx > maxx:
        raise InvalidBBox("bbox lower x exceeds the upper one")
    return BBox(minx, miny, maxx, maxy)
