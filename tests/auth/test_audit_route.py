"""``GET /audit``: admin only, filters, CSV, never cached."""

from __future__ import annotations

import csv
import io
import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, text

from service.auth import Principal
from service.db import audit

pytestmark = pytest.mark.db

EDITOR_API = Principal(user="ed", role="editor", via="api", token_label="qgis")


def test_filters_json_and_csv(
    client: TestClient, conn: Connection, credentials: dict[str, dict[str, str]]
) -> None:
    admin = credentials["admin"]
    audit.record(
        conn, EDITOR_API, "marker.update", "marker", 7, {"status": "planted"}, {"status": "damaged"}
    )
    audit.record(conn, EDITOR_API, "marker.retire", "marker", 8, {"valid_to": None}, None)
    conn.execute(text("SET LOCAL TIME ZONE 'UTC'"))

    body = client.get("/audit", params={"user": "ed"}, headers=admin).json()
    assert [e["kind"] for e in body["events"]] == ["marker.retire", "marker.update"]
    first = body["events"][1]
    assert (first["token_label"], first["via"], first["item_id"]) == ("qgis", "api", "7")
    assert first["after"] == {"status": "damaged"}

    one = client.get("/audit", params={"item_type": "marker", "item_id": "8"}, headers=admin).json()
    assert [e["kind"] for e in one["events"]] == ["marker.retire"]
    assert (
        client.get("/audit", params={"kind": "marker.update"}, headers=admin).json()[
            "numberReturned"
        ]
        == 1
    )
    assert (
        client.get("/audit", params={"until": "2000-01-01"}, headers=admin).json()["events"] == []
    )
    today = conn.execute(text("SELECT current_date::text")).scalar_one()
    since = client.get("/audit", params={"since": today, "user": "ed"}, headers=admin).json()
    assert since["numberReturned"] == 2

    r = client.get("/audit", params={"f": "csv", "user": "ed"}, headers=admin)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.headers["cache-control"] == "no-store" and "etag" not in r.headers
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert json.loads(rows[1]["before"]) == {"status": "planted"}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"since": "yesterday"}, "since"),
        ({"limit": "0"}, "limit"),
        ({"users": "ed"}, "unknown query parameter 'users'"),
        ({"f": "xml"}, "f:"),
    ],
)
def test_bad_parameters_are_400(
    client: TestClient, credentials: dict[str, dict[str, str]], query: dict, message: str
) -> None:
    r = client.get("/audit", params=query, headers=credentials["admin"])
    assert r.status_code == 400 and message in r.json()["detail"]


def test_authorization_header_must_be_bearer(client: TestClient) -> None:
    r = client.get("/audit", headers={"Authorization": "Basic YWRtOng="})
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == 'Bearer realm="bordermap"'
    assert "Bearer" in r.json()["detail"]
