"""The app starts, opens its engine in lifespan, and reports PostGIS in /healthz."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from service.settings import Settings
from service.web.app import create_app

pytestmark = pytest.mark.db


def test_healthz_reports_postgis(engine: Engine) -> None:
    url = engine.url.render_as_string(hide_password=False)
    app = create_app(Settings(_env_file=None, database_url=url))  # type: ignore[call-arg]
    with TestClient(app) as client:
        res = client.get("/healthz")
    assert res.status_code == 200
    body = res.json()
    assert body["status"] == "ok"
    assert body["postgis"].startswith("3.")
    assert body["postgres"].startswith("15")
    assert body["schema_revision"]


def test_settings_refuse_inconsistent_limits() -> None:
    with pytest.raises(ValueError, match="default_limit"):
        Settings(_env_file=None, default_limit=500, max_limit=100)  # type: ignore[call-arg]
