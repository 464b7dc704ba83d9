"""OGC API - Features over HTTP (TestClient) on the demo database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from geo.crs import from_wgs84
from service.ogc.collections import COLLECTIONS
from service.settings import Settings
from service.web.app import create_app

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG = "http://www.opengis.net/def/crs/EPSG/0/{}"


@pytest.fixture(scope="module")
def client(demo_db_url: str) -> Iterator[TestClient]:
    settings = Settings(_env_file=None, database_url=demo_db_url, max_limit=1000)  # type: ignore[call-arg]
    with TestClient(create_app(settings)) as c:
        yield c


def _sql(engine: Engine, sql: str, **params: object) -> Any:
    with engine.connect() as conn:
        return conn.execute(text(sql), params).scalar_one()


def test_landing_conformance_collections(client: TestClient) -> None:
    landing = client.get("/")
    assert landing.status_code == 200
    rels = {link["rel"] for link in landing.json()["links"]}
    assert {"self", "service-desc", "conformance", "data"} <= rels
    conf = client.get("/conformance").json()["conformsTo"]
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core" in conf
    assert "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs" in conf
    assert "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text" in conf
    colls = client.get("/collections").json()["collections"]
    assert [c["id"] for c in colls] == list(COLLECTIONS)
    for c in colls:
        assert c["storageCrs"] == CRS84
        assert c["crs"][0] == CRS84 and EPSG.format(9209) in c["crs"]
        assert len(c["extent"]["spatial"]["bbox"][0]) == 4
        assert any(link["rel"] == "items" for link in c["links"])
    api = client.get("/api")
    assert api.status_code == 200
    assert "/collections/markers/items" in api.json()["paths"]


def test_every_feature_says_synthetic(client: TestClient) -> None:
    for cid in COLLECTIONS:
        body = client.get(f"/collections/{cid}/items", params={"limit": 5}).json()
        assert body["features"], cid
        for f in body["features"]:
            assert f["properties"]["synthetic"] is True, cid


def _pages(client: TestClient, url: str, params: dict[str, Any]) -> Iterator[dict[str, Any]]:
    response = client.get(url, params=params)
    while True:
        assert response.status_code == 200, response.text
        body = response.json()
        yield body
        nxt = [link["href"] for link in body["links"] if link["rel"] == "next"]
        if not nxt:
            return
        assert nxt[0].startswith("http://testserver/")
        response = client.get(nxt[0])


@pytest.mark.parametrize(
    ("collection", "params", "sql"),
    [
        ("markers", {}, "SELECT count(*) FROM marker"),
        ("borders", {}, "SELECT count(*) FROM border"),
        ("provinces", {"era": "post2025"}, "SELECT count(*) FROM province WHERE era = 'post2025'"),
        (
            "communes",
            {"border": "KH", "land": "true"},
            "SELECT count(*) FROM commune WHERE 'KH' = ANY(neighbour_countries) AND is_land_border",
        ),
        (
            "border_segments",
            {"as_of": "2020-01-01"},
            "SELECT count(*) FROM border_segment WHERE era = 'pre2025'",
        ),
    ],
)
def test_next_links_walk_every_page(
    client: TestClient, demo_engine: Engine, collection: str, params: dict[str, str], sql: str
) -> None:
    """Every page but the last has an absolute next link; the pages add up to numberMatched."""
    expected = _sql(demo_engine, sql)
    limit = min(1000, max(1, expected // 4 + 1))
    ids: list[Any] = []
    pages = list(_pages(client, f"/collections/{collection}/items", {**params, "limit": limit}))
    for i, page in enumerate(pages):
        assert page["numberMatched"] == expected
        assert page["numberReturned"] == len(page["features"])
        has_next = any(link["rel"] == "next" for link in page["links"])
        assert has_next == (i < len(pages) - 1)
        assert page["numberReturned"] == (limit if has_next else expected - i * limit)
        assert any(link["rel"] == "prev" for link in page["links"]) == (i > 0)
        ids += [f["id"] for f in page["features"]]
    assert len(ids) == len(set(ids)) == expected


def test_items_content_type_and_headers(client: TestClient) -> None:
    r = client.get("/collections/markers/items", params={"limit": 2})
    assert r.headers["content-type"] == "application/geo+json"
    assert r.headers["content-crs"] == f"<{CRS84}>"
    body = r.json()
    assert body["type"] == "FeatureCollection" and body["timeStamp"].endswith("Z")
    f = body["features"][0]
    assert f["geometry"]["type"] == "Point" and set(f) == {"type", "id", "geometry", "properties"}
    one = client.get(f"/collections/markers/items/{f['id']}")
    assert one.status_code == 200 and one.json()["properties"] == f["properties"]
    assert one.json()["geometry"] == f["geometry"]


def test_officer_coverage_has_counts_only(client: TestClient, demo_engine: Engine) -> None:
    body = client.get("/collections/officer_coverage/items", params={"limit": 1000}).json()
    names = set(_sql(demo_engine, "SELECT string_agg(full_name, '|') FROM officer").split("|"))
    numbers = set(
        _sql(demo_engine, "SELECT string_agg(service_number, '|') FROM officer").split("|")
    )
    raw = str(body)
    assert not any(n in raw for n in names)
    assert not any(n in raw for n in numbers)
    props = body["features"][0]["properties"]
    assert "officers" in props and "officers_can_bo_tang_cuong" in props
    assert not {"full_name", "service_number", "rank", "home_unit"} & set(props)
    assert sum(p["properties"]["covered"] for p in body["features"]) > 0


def test_officer_coverage_matches_coverage_module(client: TestClient, demo_engine: Engine) -> None:
    from service.db.coverage import commune_coverage

    day = dt.date(2024, 3, 1)
    with demo_engine.connect() as conn:
        expected = {c.code: c for c in commune_coverage(conn, as_of=day)}
    feats = [
        f
        for page in _pages(
            client, "/collections/officer_coverage/items", {"as_of": day.isoformat(), "limit": 1000}
        )
        for f in page["features"]
    ]
    assert len(feats) == len(expected)
    for f in feats:
        p = f["properties"]
        e = expected[p["code"]]
        assert p["officers"] == e.officers and p["covered"] == e.covered
        for role, n in e.officers_by_role.items():
            assert p[f"officers_{role}"] == n


def test_as_of_gives_the_status_on_that_date(client: TestClient, demo_engine: Engine) -> None:
    """A marker whose status changed: as_of in the past shows the old status."""
    row = None
    with demo_engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT e.marker_id, e.event_date FROM marker_event e"
                " WHERE e.status = 'verified' ORDER BY e.event_date DESC LIMIT 1"
            )
        ).one()
    mid, verified_on = row
    before = (verified_on - dt.timedelta(days=1)).isoformat()
    with demo_engine.connect() as conn:
        old = conn.execute(
            text("SELECT status FROM marker_status_as_of(:d) WHERE marker_id = :m"),
            {"d": verified_on - dt.timedelta(days=1), "m": mid},
        ).scalar()
    now = client.get(f"/collections/markers/items/{mid}", params={"as_of": verified_on.isoformat()})
    past = client.get(f"/collections/markers/items/{mid}", params={"as_of": before})
    assert now.json()["properties"]["status"] == "verified"
    if old is None:
        assert past.status_code == 404  # not yet in the record then
    else:
        assert past.json()["properties"]["status"] == old != "verified"
    # Counts by status on a past date agree with marker_status_as_of.
    day = dt.date(2012, 1, 1)
    expected = _sql(
        demo_engine, "SELECT count(*) FROM marker_status_as_of(:d) WHERE status = 'planted'", d=day
    )
    body = client.get(
        "/collections/markers/items",
        params={"status": "planted", "as_of": day.isoformat(), "limit": 1},
    ).json()
    assert body["numberMatched"] == expected
    in_record = _sql(demo_engine, "SELECT count(*) FROM marker_status_as_of(:d)", d=day)
    dated = client.get("/collections/markers/items", params={"datetime": day.isoformat()}).json()
    assert dated["numberMatched"] == in_record


def test_lateral_status_equals_marker_status_as_of(client: TestClient, demo_engine: Engine) -> None:
    day = dt.date(2016, 3, 16)
    with demo_engine.connect() as conn:
        expected = dict(
            conn.execute(
                text("SELECT marker_id, status FROM marker_status_as_of(:d)"), {"d": day}
            ).all()
        )
    got: dict[int, str] = {}
    for page in _pages(
        client,
        "/collections/markers/items",
        {"as_of": day.isoformat(), "properties": "status", "limit": 1000},
    ):
        got.update({f["id"]: f["properties"]["status"] for f in page["features"]})
    assert got == expected


def test_validity_dates(client: TestClient, demo_engine: Engine) -> None:
    old = client.get("/collections/provinces/items", params={"as_of": "2025-06-30"}).json()
    new = client.get("/collections/provinces/items", params={"as_of": "2025-07-01"}).json()
    assert {f["properties"]["era"] for f in old["features"]} == {"pre2025"}
    assert {f["properties"]["era"] for f in new["features"]} == {"post2025"}
    assert old["numberMatched"] == _sql(
        demo_engine, "SELECT count(*) FROM province WHERE era = 'pre2025'"
    )
    both = client.get(
        "/collections/provinces/items", params={"datetime": "2025-01-01/2025-12-31"}
    ).json()
    assert both["numberMatched"] == old["numberMatched"] + new["numberMatched"]
    open_end = client.get("/collections/provinces/items", params={"datetime": "2026-01-01/.."})
    assert open_end.json()["numberMatched"] == new["numberMatched"]


def test_crs_vn2000_matches_geo_crs(client: TestClient) -> None:
    """crs=EPSG:9209 coordinates agree with geo.crs (EPSG:6960 pinned) within 1 cm."""
    plain = client.get("/collections/markers/items", params={"limit": 50}).json()
    tm3 = client.get("/collections/markers/items", params={"limit": 50, "crs": EPSG.format(9209)})
    assert tm3.headers["content-crs"] == f"<{EPSG.format(9209)}>"
    for a, b in zip(plain["features"], tm3.json()["features"], strict=True):
        lon, lat = a["geometry"]["coordinates"]
        x, y = from_wgs84(lon, lat, 9209)
        bx, by = b["geometry"]["coordinates"]
        assert abs(bx - x) < 0.01 and abs(by - y) < 0.01
    # Mekong delta: the pinned operation, not PROJ's EPSG:5194 choice (0.8 m away).
    delta = client.get(
        "/collections/markers/items",
        params={"bbox": "104.24,9.35,107.11,11.04", "limit": 20, "crs": EPSG.format(9209)},
    ).json()
    delta84 = client.get(
        "/collections/markers/items", params={"bbox": "104.24,9.35,107.11,11.04", "limit": 20}
    ).json()
    assert delta["features"]
    for a, b in zip(delta84["features"], delta["features"], strict=True):
        x, y = from_wgs84(*a["geometry"]["coordinates"], 9209)
        assert abs(b["geometry"]["coordinates"][0] - x) < 0.01
        assert abs(b["geometry"]["coordinates"][1] - y) < 0.01


def test_crs_axis_order(client: TestClient) -> None:
    plain = client.get("/collections/markers/items/1").json()["geometry"]["coordinates"]
    epsg4326 = client.get("/collections/markers/items/1", params={"crs": "EPSG:4326"})
    assert epsg4326.headers["content-crs"] == f"<{EPSG.format(4326)}>"
    assert epsg4326.json()["geometry"]["coordinates"] == [plain[1], plain[0]]
    vn = client.get("/collections/markers/items/1", params={"crs": EPSG.format(4756)}).json()
    lon, lat = from_wgs84(plain[0], plain[1], 4756)
    lat_out, lon_out = vn["geometry"]["coordinates"]
    assert abs(lat_out - lat) < 1e-7 and abs(lon_out - lon) < 1e-7


def test_bbox_and_bbox_crs(client: TestClient, demo_engine: Engine) -> None:
    expected = _sql(
        demo_engine,
        "SELECT count(*) FROM marker WHERE ST_Intersects(geom, ST_MakeEnvelope(104, 22, 106, 23, 4326))",
    )
    assert expected > 0
    r = client.get("/collections/markers/items", params={"bbox": "104,22,106,23", "limit": 1})
    assert r.json()["numberMatched"] == expected
    lat_first = client.get(
        "/collections/markers/items",
        params={"bbox": "22,104,23,106", "bbox-crs": EPSG.format(4326), "limit": 1},
    )
    assert lat_first.json()["numberMatched"] == expected
    with demo_engine.connect() as conn:
        lon, lat = conn.execute(
            text(
                "SELECT ST_X(geom), ST_Y(geom) FROM marker WHERE ST_X(geom) BETWEEN 104.5"
                " AND 106 ORDER BY id LIMIT 1"
            )
        ).one()
    x0, y0 = from_wgs84(lon - 0.2, lat - 0.2, 9209)
    x1, y1 = from_wgs84(lon + 0.2, lat + 0.2, 9209)
    tm = client.get(
        "/collections/markers/items",
        params={"bbox": f"{x0},{y0},{x1},{y1}", "bbox-crs": "EPSG:9209", "limit": 1},
    )
    inner = _sql(
        demo_engine,
        "SELECT count(*) FROM marker WHERE ST_Intersects(geom,"
        " ST_MakeEnvelope(:x0, :y0, :x1, :y1, 4326))",
        x0=lon - 0.19,
        y0=lat - 0.19,
        x1=lon + 0.19,
        y1=lat + 0.19,
    )
    # The envelope of the projected box holds the lon/lat box (edges curve a little).
    assert tm.json()["numberMatched"] >= inner > 0


def test_properties_and_sortby(client: TestClient) -> None:
    r = client.get(
        "/collections/markers/items",
        params={"properties": "label,number", "sortby": "-number,label", "limit": 20},
    ).json()
    assert all(set(f["properties"]) == {"label", "number"} for f in r["features"])
    numbers = [f["properties"]["number"] for f in r["features"]]
    assert numbers == sorted(numbers, reverse=True)
    assert "properties=label%2Cnumber" in r["links"][0]["href"]
    asc = client.get(
        "/collections/communes/items", params={"sortby": "+name", "limit": 30, "era": "post2025"}
    ).json()
    names = [f["properties"]["name"] for f in asc["features"]]
    assert len(names) == 30


@pytest.mark.parametrize(
    ("url", "params", "status", "names"),
    [
        ("/collections/markers/items", {"limit": "1001"}, 400, "limit"),
        ("/collections/markers/items", {"limit": "0"}, 400, "limit"),
        ("/collections/markers/items", {"limit": "ten"}, 400, "limit"),
        ("/collections/markers/items", {"offset": "-1"}, 400, "offset"),
        ("/collections/markers/items", {"colour": "red"}, 400, "colour"),
        ("/collections/markers/items", {"bbox": "1,2,3"}, 400, "bbox"),
        ("/collections/markers/items", {"bbox": "1,2,x,4"}, 400, "bbox"),
        ("/collections/markers/items", {"bbox": "1,95,3,96"}, 400, "latitude"),
        ("/collections/markers/items", {"bbox-crs": "EPSG:4326"}, 400, "bbox-crs"),
        ("/collections/markers/items", {"crs": "EPSG:3857"}, 400, "crs"),
        ("/collections/markers/items", {"crs": "EPSG:6956"}, 400, "deprecated"),
        (
            "/collections/markers/items",
            {"bbox": "1,2,3,4", "bbox-crs": "EPSG:2000"},
            400,
            "bbox-crs",
        ),
        ("/collections/markers/items", {"datetime": "yesterday"}, 400, "datetime"),
        ("/collections/markers/items", {"datetime": "2020-01-02/2020-01-01"}, 400, "datetime"),
        ("/collections/markers/items", {"as_of": "2020-02-30"}, 400, "as_of"),
        (
            "/collections/markers/items",
            {"as_of": "2020-01-01", "datetime": "2020-01-01"},
            400,
            "as_of",
        ),
        ("/collections/markers/items", {"status": "lost"}, 400, "status"),
        ("/collections/markers/items", {"border": "XX"}, 400, "border"),
        ("/collections/communes/items", {"land": "maybe"}, 400, "land"),
        ("/collections/markers/items", {"properties": "colour"}, 400, "properties"),
        ("/collections/markers/items", {"sortby": "colour"}, 400, "sortby"),
        ("/collections/markers/items", {"filter": "status = "}, 400, "filter"),
        (
            "/collections/markers/items",
            {"filter-lang": "cql2-json", "filter": "x"},
            400,
            "filter-lang",
        ),
        ("/collections/markers/items", {"f": "xml"}, 400, "f"),
        ("/collections/markers", {"limit": "5"}, 400, "limit"),
        ("/collections", {"f": "yaml"}, 400, "f"),
        ("/collections/markers/items/1", {"bbox": "1,2,3,4"}, 400, "bbox"),
        ("/collections/lakes", {}, 404, "lakes"),
        ("/collections/lakes/items", {}, 404, "lakes"),
        ("/collections/lakes/items/1", {}, 404, "lakes"),
        ("/collections/markers/items/999999", {}, 404, "999999"),
        ("/collections/markers/items/abc", {}, 404, "abc"),
        ("/collections/borders/items/XX", {}, 404, "XX"),
    ],
)
def test_errors_name_the_parameter(
    client: TestClient, url: str, params: dict[str, str], status: int, names: str
) -> None:
    r = client.get(url, params=params)
    assert r.status_code == status, r.text
    assert names in r.json()["detail"]


def test_repeated_parameter_is_400(client: TestClient) -> None:
    r = client.get("/collections/markers/items?limit=1&limit=2")
    assert r.status_code == 400 and "limit" in r.json()["detail"]


def test_html_for_browsers(client: TestClient) -> None:
    browser = {"accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
    for url in (
        "/",
        "/conformance",
        "/collections",
        "/collections/markers",
        "/collections/markers/queryables",
        "/collections/markers/items",
        "/collections/markers/items/1",
    ):
        r = client.get(url, headers=browser)
        assert r.status_code == 200, url
        assert r.headers["content-type"].startswith("text/html"), url
        assert "<table" in r.text or "<ul" in r.text
    page = client.get("/collections/markers/items", params={"f": "html", "limit": 5}).text
    assert "synthetic" in page and "next" in page
    assert (
        client.get("/collections/markers/items", params={"f": "json"}).headers["content-type"]
        == "application/geo+json"
    )
    assert client.get("/", headers={"accept": "*/*"}).headers["content-type"] == "application/json"


def test_queryables(client: TestClient) -> None:
    r = client.get("/collections/markers/queryables")
    assert r.headers["content-type"] == "application/schema+json"
    q = r.json()
    assert q["type"] == "object" and q["additionalProperties"] is False
    assert q["properties"]["status"]["enum"][0] == "planned"
    assert q["properties"]["status_date"]["format"] == "date"
    assert q["properties"]["geometry"]["format"] == "geometry-point"


def test_numbers_keep_their_type(client: TestClient, demo_engine: Engine) -> None:
    b = client.get("/collections/borders/items/CN").json()
    expected = _sql(demo_engine, "SELECT official_length_km FROM border WHERE code = 'CN'")
    assert b["properties"]["official_length_km"] == float(expected)
    assert b["geometry"]["type"] == "MultiLineString"


def test_feature_schema(client: TestClient) -> None:
    coll = client.get("/collections/markers").json()
    href = next(link["href"] for link in coll["links"] if link["rel"] == "describedby")
    r = client.get(href)
    assert r.headers["content-type"] == "application/schema+json"
    props = r.json()["properties"]["properties"]["properties"]
    assert props["same_number_index"]["type"] == "integer"
    assert set(props) == set(COLLECTIONS["markers"].prop_names)
