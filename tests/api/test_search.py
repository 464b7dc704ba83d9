"""``/search`` and ``/communes/{era}/{code}/lineage`` over HTTP, on the demo data."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

pytestmark = pytest.mark.db


def test_search_json_lung_cu(demo_client: TestClient) -> None:
    r = demo_client.get("/search", params={"q": "lung cu"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/json")
    doc = r.json()
    assert doc["query"] == "lung cu" and doc["limit"] == 10
    assert doc["numberReturned"] == len(doc["results"]) <= 10
    top = {(h["era"], h["name"], h["match"]) for h in doc["results"][:2]}
    assert top == {("pre2025", "Xã Lũng Cú", "exact"), ("post2025", "Xã Lũng Cú", "exact")}
    old = next(h for h in doc["results"] if h["era"] == "pre2025")
    assert old["province"] == {"code": "02", "name": "Tỉnh Hà Giang"}
    assert [u["name"] for u in old["became"]] == ["Xã Lũng Cú"]
    rels = {link["rel"]: link["href"] for link in old["links"]}
    assert rels["item"].endswith(f"/collections/communes/items/{old['id']}")
    assert rels["map"].endswith("/maps/coverage?province=02&as_of=2025-06-30")
    assert rels["lineage"].endswith("/communes/pre2025/00715/lineage")
    # every link resolves
    for href in rels.values():
        assert demo_client.get(href).status_code == 200, href


def test_search_markers_and_province_narrowing(demo_client: TestClient) -> None:
    doc = demo_client.get("/search", params={"q": "511/1", "limit": 3}).json()
    first = doc["results"][0]
    assert (first["kind"], first["label"], first["match"]) == ("marker", "511/1", "exact")
    assert first["border"] in ("CN", "LA", "KH")
    assert demo_client.get(first["links"][0]["href"]).status_code == 200
    doc = demo_client.get("/search", params={"q": "tan dong tay ninh"}).json()
    assert [(h["name"], h["province"]["name"]) for h in doc["results"][:2]] == [
        ("Xã Tân Đông", "Tỉnh Tây Ninh")
    ] * 2


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({}, "q: required"),
        ({"q": "   "}, "q: required"),
        ({"q": "x" * 101}, "at most 100"),
        ({"q": "a", "limit": "0"}, "limit: 0 is outside 1..50"),
        ({"q": "a", "limit": "51"}, "limit: 51 is outside 1..50"),
        ({"q": "a", "limit": "ten"}, "limit: 'ten' is not an integer"),
        ({"q": "a", "f": "xml"}, "f: 'xml'"),
        ({"q": "a", "officers": "1"}, "unknown query parameter 'officers'"),
    ],
)
def test_search_bad_input_is_a_400_naming_it(
    demo_client: TestClient, query: dict[str, str], message: str
) -> None:
    r = demo_client.get("/search", params=query)
    assert r.status_code == 400
    assert message in r.json()["detail"]


def test_officers_never_in_anonymous_search(demo_client: TestClient, demo_engine: Engine) -> None:
    with demo_engine.connect() as c:
        officer = c.execute(
            text("SELECT full_name, service_number FROM officer ORDER BY id LIMIT 1")
        ).one()
    for q in (officer.full_name, officer.service_number, officer.full_name.split()[0]):
        r = demo_client.get("/search", params={"q": q, "limit": 50})
        assert r.status_code == 200
        results = r.json()["results"]
        assert all(h["kind"] != "officer" for h in results)
        assert officer.service_number not in json.dumps(results, ensure_ascii=False)


def test_lineage_endpoint(demo_client: TestClient) -> None:
    old = demo_client.get("/communes/pre2025/00721/lineage").json()
    assert old["name"] == "Thị trấn Đồng Văn"
    assert [(u["era"], u["code"], u["name"]) for u in old["became"]] == [
        ("post2025", "00721", "Xã Đồng Văn")
    ]
    assert old["formed_from"] == []
    new = demo_client.get("/communes/post2025/00721/lineage").json()
    assert "Thị trấn Đồng Văn" in [u["name"] for u in new["formed_from"]]
    assert new["became"] == []
    assert demo_client.get(new["formed_from"][0]["href"]).status_code == 200


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/communes/pre2025/99999/lineage", 404),
        ("/communes/2025/00721/lineage", 400),
        ("/communes/pre2025/721/lineage", 400),
    ],
)
def test_lineage_endpoint_errors(demo_client: TestClient, path: str, status: int) -> None:
    assert demo_client.get(path).status_code == status
