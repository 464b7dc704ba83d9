"""Every route of the app, with every kind of principal, answers as ``route_table`` says."""

from __future__ import annotations

import pytest
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient

from tests.auth.conftest import PRINCIPALS, Matrix
from tests.auth.route_table import ROUTES

pytestmark = pytest.mark.db


def _app_routes(client: TestClient) -> set[tuple[str, str]]:
    """``(method, path)`` of every route, included routers and mounts too."""
    found: set[tuple[str, str]] = set()
    for route in iter_route_contexts(client.app.routes):  # type: ignore[attr-defined]
        methods = route.methods or {"GET"}  # mounts (static files) answer GET
        for method in methods - {"HEAD"}:
            found.add((method, route.path))
    return found


def test_every_route_has_an_entry(matrix: Matrix) -> None:
    routes = _app_routes(matrix.client)
    missing = sorted(routes - set(ROUTES))
    assert not missing, f"routes without an entry in tests/auth/route_table.py: {missing}"
    stale = sorted(set(ROUTES) - routes)
    assert not stale, f"entries for routes the app no longer has: {stale}"


def test_role_matrix(matrix: Matrix) -> None:
    client, credentials = matrix.client, matrix.headers
    wrong: list[str] = []
    for (method, path), case in ROUTES.items():  # table order: writes may build on earlier ones
        assert set(case.statuses) == set(PRINCIPALS), f"{method} {path}: a principal is missing"
        for who in PRINCIPALS:
            response = client.request(
                method, case.url, headers={**case.headers, **credentials[who]}, json=case.json
            )
            if response.status_code != case.statuses[who]:
                wrong.append(
                    f"{method} {case.url} as {who}: {response.status_code}, expected"
                    f" {case.statuses[who]} ({response.text[:120]})"
                )
            if response.status_code == 401:
                assert response.headers.get("www-authenticate", "").startswith("Bearer")
    assert not wrong, "\n".join(wrong)
