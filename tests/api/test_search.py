"""``/search`` and ``/communes/{era}/{code}/lineage`` over HTTP, on the demo data."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, Row, text

from ..auth.conftest import make_user

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


@pytest.fixture
def signed_in(demo_tx_client: TestClient, demo_tx: Connection) -> tuple[TestClient, Connection]:
    """The app on the demo data and its rolled-back connection (users made there vanish)."""
    return demo_tx_client, demo_tx


def _officer(conn: Connection, where: str) -> Row[Any]:
    return conn.execute(
        text(
            "SELECT o.id, o.full_name, o.service_number FROM officer o WHERE EXISTS ("
            " SELECT 1 FROM officer_assignment a JOIN commune c ON c.id = a.commune_id"
            f" WHERE a.officer_id = o.id AND {where}) ORDER BY o.id LIMIT 1"
        )
    ).one()


def test_analyst_finds_officers_and_the_answer_is_not_stored(
    signed_in: tuple[TestClient, Connection],
) -> None:
    client, conn = signed_in
    headers = make_user(conn, "ana", "analyst")[1]
    officer = _officer(conn, "a.end_date IS NULL")
    r = client.get("/search", params={"q": officer.service_number}, headers=headers)
    assert r.status_code == 200
    assert r.headers["cache-control"] == "no-store"
    first = r.json()["results"][0]
    assert (first["kind"], first["id"], first["name"]) == ("officer", officer.id, officer.full_name)
    assert first["service_number"] == officer.service_number
    assert first["assignments"][0]["commune"]["name"]
    by_name = client.get("/search", params={"q": officer.full_name, "limit": 50}, headers=headers)
    assert officer.id in {h["id"] for h in by_name.json()["results"] if h["kind"] == "officer"}
    # the same question without the token: no officer
    anonymous = client.get("/search", params={"q": officer.service_number})
    assert anonymous.json()["results"] == []
    assert "no-store" not in anonymous.headers.get("cache-control", "")


def test_province_editor_finds_only_the_officers_of_its_provinces(
    signed_in: tuple[TestClient, Connection],
) -> None:
    client, conn = signed_in
    headers = make_user(conn, "pe", "province_editor", ("02",))[1]  # Hà Giang → Tuyên Quang
    inside = _officer(conn, "c.era = 'pre2025' AND c.province_code = '02'")
    outside = _officer(
        conn,
        "c.province_code NOT IN ('02', '08') AND NOT EXISTS (SELECT 1 FROM officer_assignment b"
        " JOIN commune d ON d.id = b.commune_id WHERE b.officer_id = a.officer_id"
        " AND d.province_code IN ('02', '08'))",
    )
    found = client.get("/search", params={"q": inside.service_number}, headers=headers).json()
    assert found["results"][0]["id"] == inside.id
    hidden = client.get("/search", params={"q": outside.service_number}, headers=headers).json()
    assert all(h["kind"] != "officer" for h in hidden["results"])


def test_a_bad_token_is_refused(signed_in: tuple[TestClient, Connection]) -> None:
    client, _ = signed_in
    r = client.get("/search", params={"q": "lung cu"}, headers={"Authorization": "Bearer nope"})
    assert r.status_code == 401


def test_commune_features_carry_their_lineage(demo_client: TestClient) -> None:
    r = demo_client.get(
        "/collections/communes/items",
        params={"code": "00721", "properties": "code,era,became,formed_from"},
    )
    assert r.status_code == 200
    props = {f["properties"]["era"]: f["properties"] for f in r.json()["features"]}
    assert props["pre2025"]["became"] == ["00721"]
    assert props["pre2025"]["formed_from"] == []
    assert "00721" in props["post2025"]["formed_from"]
    assert props["post2025"]["became"] == []
    schema = demo_client.get("/collections/communes/schema").json()
    assert schema["properties"]["properties"]["properties"]["became"]["type"] == "array"


def test_search_page_opens_with_the_box(demo_client: TestClient) -> None:
    r = demo_client.get("/search", headers={"Accept": "text/html"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert r.headers["content-language"] == "vi"
    assert 'role="search"' in r.text and 'name="q"' in r.text
    assert "Tìm tỉnh, xã, mốc hoặc cán bộ" in r.text
    assert 'class="bm-hit"' not in r.text
    # every page's top bar leads here
    assert 'href="/search?lang=vi"' in demo_client.get("/overview?lang=vi").text


def test_search_page_results_in_both_languages(demo_client: TestClient) -> None:
    vi = demo_client.get("/search", params={"q": "dong van", "f": "html", "lang": "vi"})
    assert vi.status_code == 200
    assert "Thị trấn Đồng Văn" in vi.text and "Trở thành" in vi.text
    assert "Hình thành từ" in vi.text
    assert "Ghi kết quả kiểm tra" not in vi.text  # no editor links for anonymous readers
    en = demo_client.get("/search", params={"q": "dong van", "f": "html", "lang": "en"})
    assert en.headers["content-language"] == "en"
    assert "Became" in en.text and "results for “dong van”" in en.text
    bad = demo_client.get("/search", params={"q": "x" * 101, "f": "html"})
    assert bad.status_code == 400
    demo_client.cookies.clear()  # ?lang=en was remembered; the module's client is shared


def test_search_page_for_an_editor_links_the_forms(
    signed_in: tuple[TestClient, Connection],
) -> None:
    client, conn = signed_in
    headers = make_user(conn, "ed", "editor")[1]
    page = client.get("/search", params={"q": "1369(2)", "f": "html"}, headers=headers)
    assert page.status_code == 200
    assert "/forms/markers/" in page.text and "Ghi trạng thái mốc" in page.text
    officer = _officer(conn, "a.end_date IS NULL")
    found = client.get(
        "/search", params={"q": officer.service_number, "f": "html"}, headers=headers
    )
    assert officer.full_name in found.text
    assert "/forms/assignments/" in found.text and found.headers["cache-control"] == "no-store"
    anonymous = client.get("/search", params={"q": officer.service_number, "f": "html"})
    assert officer.full_name not in anonymous.text


def test_coverage_map_tooltips_show_the_lineage(demo_client: TestClient) -> None:
    old = demo_client.get(
        "/maps/coverage", params={"province": "02", "as_of": "2024-06-01", "lang": "vi"}
    )
    assert old.status_code == 200
    assert '"id":"00715"' in old.text
    i = old.text.index('"id":"00715"')
    feature = old.text[i : old.text.index('"cls"', i)]
    assert '"lineage":["Xã Lũng Cú"]' in feature and '"lineage_kind":"became"' in feature
    assert "BM_T[p.lineage_kind]" in old.text and '"became":"Trở thành"' in old.text
    new = demo_client.get("/maps/coverage", params={"province": "08", "as_of": "2025-08-01"})
    j = new.text.index('"id":"00715"')
    assert '"lineage_kind":"formed_from"' in new.text[j : new.text.index('"cls"', j)]
