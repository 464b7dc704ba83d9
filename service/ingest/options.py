"""service.ingest.options: what an import is asked to do (light: the CLI imports it at start)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from geo.crs import AxisOrder, Vn2000Variant

# Kept literal so that ``bordermap --help`` does not load GDAL and PROJ; a test checks them
# against service.ingest.runner.KINDS, geo.crs and service.db.models.
KIND_NAMES = ("communes", "markers", "segments", "assignments", "border-communes", "provinces")
AXIS_ORDER_NAMES = ("xy", "northing_easting")
VARIANT_NAMES = ("official", "internal")
DEFAULT_MAX_BORDER_DISTANCE_M = 2000.0


@dataclass(frozen=True)
class ImportOptions:
    """What to import and how."""

    kind: str
    path: Path
    crs: str | None = None
    axis_order: AxisOrder = "xy"
    era: str = "post2025"
    dry_run: bool = False
    repair: bool = True
    vn2000_variant: Vn2000Variant = "official"
    max_border_distance_m: float = DEFAULT_MAX_BORDER_DISTANCE_M
    batch_size: int = 2000
    layer: str | None = None
    # Unit codes missing from the era's reference list (units created since) are refused
    # unless this is set.
    allow_new_codes: bool = False
