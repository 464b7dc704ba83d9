"""Without a credential, finding out who asks runs no query at all."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, event

pytestmark = pytest.mark.db


@pytest.fixture
def statements(conn: Connection) -> Iterator[list[str]]:
    """Every SQL statement the requests' sessions run on the test connection."""
    seen: list[str] = []

    def record(*args: object) -> None:
        seen.append(str(args[2]))

    event.listen(conn, "before_cursor_execute", record)
    yield seen
    event.remove(conn, "before_cursor_execute", record)


def test_anonymous_costs_no_query(
    client: TestClient, credentials: dict[str, dict[str, str]], statements: list[str]
) -> None:
    assert client.get("/account").status_code == 401
    assert statements == []
    assert client.get("/account", headers=credentials["analyst"]).status_code == 200
    assert any("api_token" in s for s in statements)
