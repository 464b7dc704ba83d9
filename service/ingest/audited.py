"""service.ingest.audited: the audit row of an import (who, which file, what it changed).

One row per import that changed something, written in the import's own transaction: an
import that changes nothing leaves no row (and no new data version).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Connection

from service.auth.principal import Principal
from service.db import audit
from service.ingest.problems import ImportReport


def audit_hook(
    principal: Principal, file_name: str | None = None
) -> Callable[[Connection, ImportReport], None]:
    """The ``on_commit`` of :func:`service.ingest.runner.run_import` for ``principal``."""

    def hook(conn: Connection, report: ImportReport) -> None:
        changed = {k: v for k, v in report.counts.items() if k != "same" and v}
        if not changed:
            return
        name = file_name or Path(report.path).name
        audit.record(
            conn,
            principal,
            f"import.{report.kind}",
            "import",
            name,
            None,
            {"file": name, "rows": report.rows_read, "counts": report.counts},
        )

    return hook
