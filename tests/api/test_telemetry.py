"""Request ids, JSON access logs without secrets, Prometheus metrics by route template."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from service.settings import Settings
from service.web.app import create_app
from service.web.telemetry import JsonFormatter, masked_query

pytestmark = pytest.mark.db


@pytest.fixture
def client(demo_db_url: str) -> Iterator[TestClient]:
    settings = Settings(_env_file=None, database_url=demo_db_url)  # type: ignore[call-arg]
    with TestClient(create_app(settings)) as c:
        yield c


def _samples(client: TestClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    r = client.get("/metrics")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/plain")
    out = {}
    for family in text_string_to_metric_families(r.text):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def test_request_id_in_and_out(client: TestClient) -> None:
    given = client.get("/collections", headers={"X-Request-Id": "req-42.a"})
    assert given.headers["x-request-id"] == "req-42.a"
    made = client.get("/collections")
    assert len(made.headers["x-request-id"]) == 32
    forged = client.get("/collections", headers={"X-Request-Id": "x" * 200})
    assert forged.headers["x-request-id"] != "x" * 200


def test_access_log_is_json_with_the_id_and_no_secrets(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bordermap.access")
    client.get(
        "/collections/markers/items/12?token=s3cr3t-token",
        headers={
            "X-Request-Id": "trace-1",
            "Authorization": "Bearer s3cr3t-bearer",
            "Cookie": "session=s3cr3t-cookie",
        },
    )
    records = [r for r in caplog.records if r.name == "bordermap.access"]
    assert records
    line = JsonFormatter().format(records[-1])
    assert "s3cr3t" not in line
    entry = json.loads(line)
    assert entry["request_id"] == "trace-1"
    assert entry["route"] == "/collections/markers/items/{featureId}"
    assert entry["path"] == "/collections/markers/items/12"
    assert entry["query"] == "token=%2A%2A%2A"
    assert entry["status"] == 400  # token is not a parameter of the API
    assert entry["duration_ms"] >= 0


def test_masking_keeps_ordinary_parameters() -> None:
    assert (
        masked_query(b"limit=5&api_key=abc&password=x")
        == "limit=5&api_key=%2A%2A%2A&password=%2A%2A%2A"
    )


def test_metrics_by_route_template_with_cache_hits(client: TestClient) -> None:
    for fid in (1, 2, 3):
        assert client.get(f"/collections/markers/items/{fid}").status_code == 200
    first = client.get("/collections")
    assert (
        client.get("/collections", headers={"If-None-Match": first.headers["etag"]}).status_code
        == 304
    )
    client.get("/maps/progress")
    client.get("/maps/progress")
    s = _samples(client)
    feature = "/collections/markers/items/{featureId}"
    assert (
        s[("bordermap_requests_total", (("method", "GET"), ("route", feature), ("status", "200")))]
        == 3
    )
    assert not any("items/1" in dict(labels).get("route", "") for _, labels in s)
    # The 304 is answered before routing, and still filed under its route.
    assert (
        s[
            (
                "bordermap_requests_total",
                (("method", "GET"), ("route", "/collections"), ("status", "304")),
            )
        ]
        == 1
    )
    assert s[("bordermap_etag_not_modified_total", ())] == 1
    assert s[("bordermap_map_cache_lookups_total", (("result", "hit"),))] >= 1
    assert (
        s[("bordermap_request_duration_seconds_count", (("method", "GET"), ("route", feature)))]
        == 3
    )
    assert ("bordermap_db_pool_checked_out", ()) in s
    assert s[("bordermap_db_pool_size", ())] == 5
    assert s[("bordermap_exports_in_progress", ())] == 0
