"""service.ingest: importers for communes, provinces, markers, segments, officer assignments and
official border-commune lists.

Files are read in chunks (GeoJSON, GeoPackage, zipped Shapefile, CSV), every row is checked,
and rows are staged in temporary tables inside ONE transaction. Only when the whole file is
clean are the real tables upserted by natural key; otherwise, or on ``dry_run``, the
transaction is rolled back and the database is exactly as before.
"""

from service.ingest.problems import ImportReport, Problem
from service.ingest.runner import KINDS, ImportOptions, run_import

__all__ = ["KINDS", "ImportOptions", "ImportReport", "Problem", "run_import"]
