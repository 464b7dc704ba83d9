"""The CLI's literal choices (kept light for start-up time) match the real definitions."""

from __future__ import annotations

import subprocess
import sys

from geo.crs import AXIS_ORDERS, VN2000_VARIANTS
from service.ingest import options
from service.ingest.runner import KINDS


def test_literal_choices_match_their_sources() -> None:
    assert tuple(KINDS) == options.KIND_NAMES
    assert options.AXIS_ORDER_NAMES == AXIS_ORDERS
    assert options.VARIANT_NAMES == VN2000_VARIANTS


def test_cli_module_does_not_load_gdal_or_proj() -> None:
    code = "import sys, service.commands.imports; print(sorted({'pyogrio', 'pyproj'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
