"""service.settings: the one typed settings object, read from BORDERMAP_* variables."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Everything BorderMap can be configured with.

    Built by ``create_app`` and the CLI, never at import, so tests pass their own.
    """

    model_config = SettingsConfigDict(
        env_prefix="BORDERMAP_", env_file=".env", extra="ignore", env_ignore_empty=True
    )

    # Set to use any PostGIS 3.x; empty means the project-managed local cluster.
    database_url: str | None = None
    # The project-managed cluster.
    home: Path = Field(default=Path(".bordermap"), description="state folder of the local cluster")
    db_port: int = 55432
    db_name: str = "bordermap"
    db_user: str = "bordermap"
    pool_size: int = 5
    # Read replicas (service.db.replicas): comma-separated URLs; empty: every read on the primary.
    database_read_url: str | None = None
    replica_max_lag_s: float = 30.0  # a replica further behind is skipped
    replica_check_s: float = 2.0  # how long a replica's health is reused
    primary_stick_s: float = 5.0  # after a write, that client reads from the primary this long
    statement_timeout_ms: int = 30_000

    # API.
    base_url: str | None = Field(
        default=None, description="public base URL for absolute links; default: from the request"
    )
    default_limit: int = 100
    max_limit: int = 10_000
    # Maps: empty means the built-in offline basemap drawn from the database.
    tiles_url: str | None = None
    tiles_attribution: str = ""
    # A map layer of more features than this is drawn from vector tiles, not embedded.
    map_tiles_threshold: int = 2000
    # Accounts: web sessions end this long after sign-in, whatever the browser keeps.
    session_hours: float = Field(default=12.0, gt=0, le=24 * 30)
    # Sign-in throttling: this many failures within the window get 429 until they age out.
    login_window_s: int = Field(default=900, gt=0)
    login_max_failures_per_name: int = Field(default=5, gt=0)
    login_max_failures_per_address: int = Field(default=20, gt=0)

    @model_validator(mode="after")
    def _check_limits(self) -> Settings:
        if not 0 < self.default_limit <= self.max_limit:
            raise ValueError("default_limit must be between 1 and max_limit")
        return self

    @property
    def uses_local_cluster(self) -> bool:
        """True when no external database URL is configured."""
        return not self.database_url
