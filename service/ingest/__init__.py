"""service.ingest: importers for communes, provinces, markers, segments, officer assignments and
official border-commune lists.

Files are read in chunks (GeoJSON, GeoPackage, zipped Shapefile, CSV), every row is checked,
and rows are staged in temporary tables inside ONE transaction. Only when the whole file is
clean are the real tables upserted by natural key; otherwise, or on ``dry_run``, the
transaction is rolled back and the database is exactly as before.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from service.ingest.options import ImportOptions
    from service.ingest.problems import ImportReport, Problem
    from service.ingest.runner import KINDS, run_import

__all__ = ["KINDS", "ImportOptions", "ImportReport", "Problem", "run_import"]


def __getattr__(name: str) -> Any:
    # Lazy: the CLI imports this package on every command; GDAL and PROJ load on use.
    if name in ("KINDS", "run_import"):
        from service.ingest import runner

        return getattr(runner, name)
    if name == "ImportOptions":
        from service.ingest.options import ImportOptions

        return ImportOptions
    if name in ("ImportReport", "Problem"):
        from service.ingest import problems

        return getattr(problems, name)
    raise AttributeError(name)
