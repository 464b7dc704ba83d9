"""service.ingest.problems: what an import found, row by row, and what it did."""

from __future__ import annotations

from dataclasses import dataclass, field


class SourceError(Exception):
    """The file as a whole cannot be read (format, encoding, empty, CRS missing)."""


class RowError(Exception):
    """One field of one row is wrong; raised by the field parsers."""

    def __init__(self, field: str | None, reason: str) -> None:
        super().__init__(reason)
        self.field = field
        self.reason = reason


@dataclass(frozen=True)
class Problem:
    """A problem at a row (CSV line or feature number), in a field, with a reason."""

    row: int | None
    field: str | None
    reason: str
    unit: str = "feature"

    def __str__(self) -> str:
        where = [f"{self.unit} {self.row}"] if self.row is not None else []
        if self.field:
            where.append(f"field '{self.field}'")
        return (", ".join(where) + ": " if where else "") + self.reason


# Keep the report readable and bounded for huge files; counts stay exact.
MAX_KEPT = 500


@dataclass
class ImportReport:
    """Errors (the import is refused), warnings and repair notes, and the counts of the run."""

    kind: str
    path: str
    unit: str = "feature"
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    error_count: int = 0
    warning_count: int = 0
    rows_read: int = 0
    rows_valid: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    committed: bool = False
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        """True when no error was found."""
        return self.error_count == 0

    def error(self, row: int | None, fld: str | None, reason: str) -> None:
        """Record an error: the import will not be written."""
        self.error_count += 1
        if len(self.errors) < MAX_KEPT:
            self.errors.append(Problem(row, fld, reason, self.unit))

    def warn(self, row: int | None, fld: str | None, reason: str) -> None:
        """Record a warning or repair note: the import goes on."""
        self.warning_count += 1
        if len(self.warnings) < MAX_KEPT:
            self.warnings.append(Problem(row, fld, reason, self.unit))

    def summary(self) -> str:
        """One line saying what happened."""
        done = ", ".join(f"{k} {v}" for k, v in self.counts.items()) or "nothing written"
        if not self.ok:
            state = f"REFUSED: {self.error_count} error(s); database unchanged"
        elif self.dry_run:
            state = f"dry run OK (would be: {done}); database unchanged"
        else:
            state = f"imported: {done}"
        return (
            f"{self.kind} {self.path}: {self.rows_read} {self.unit}s read,"
            f" {self.warning_count} warning(s); {state}"
        )
