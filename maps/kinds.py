"""maps.kinds: the names of BorderMap's web maps (kept light: the CLI lists them at start)."""

from typing import Literal

MapKind = Literal["coverage", "markers", "progress", "communes"]
KINDS: tuple[MapKind, ...] = ("coverage", "markers", "progress", "communes")
