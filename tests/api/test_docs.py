"""The API documentation page works offline: every asset comes from the server itself."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient


def test_api_docs_page_uses_only_local_assets(demo_client: TestClient) -> None:
    page = demo_client.get("/api.html")
    assert page.status_code == 200
    html = page.text
    assert "/api" in html
    assert not re.search(r"https?://", html), re.findall(r"https?://[^\"' ]+", html)
    assets = re.findall(r"(?:src|href)=\"([^\"]+)\"", html) + re.findall(r"url: '([^']+)'", html)
    local = [a for a in assets if a.startswith("/api-static/")]
    assert len(local) >= 3
    for path in local:
        r = demo_client.get(path)
        assert r.status_code == 200, path
        assert len(r.content) > 0
