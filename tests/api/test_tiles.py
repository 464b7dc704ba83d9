"""OGC API - Tiles: documents, Mapbox Vector Tiles checked with independent readers.

A tile is decoded with ``mapbox-vector-tile`` (PyPI) and read by GDAL's MVT driver over
HTTP; its features are counted against PostGIS directly.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import mapbox_vector_tile
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from service.ogc.tiles import MVT, tile_of
from service.vocabulary import era_on

pytestmark = pytest.mark.db

# Hà Giang, on the Chinese border, at zoom 9 (communes, markers and segments in it).
Z, X, Y = 9, 405, 222
AS_OF = "2020-01-01"


def _tile(client: TestClient, coll: str, z: int = Z, x: int = X, y: int = Y, **params: str):
    r = client.get(f"/collections/{coll}/tiles/WebMercatorQuad/{z}/{x}/{y}", params=params)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == MVT
    return r


def _decoded(content: bytes, layer: str) -> list[dict]:
    tile = mapbox_vector_tile.decode(content)
    return tile[layer]["features"] if layer in tile else []


def _ids_in_postgis(engine: Engine, sql: str, margin: float) -> set[int]:
    """Ids of rows whose geometry meets the test tile grown by ``margin``, asked directly."""
    with engine.connect() as c:
        rows = c.execute(
            text(
                f"{sql} AND ST_Intersects(ST_Transform(geom, 3857),"
                " ST_TileEnvelope(:z, :x, :y, margin => :margin))"
            ),
            {
                "z": Z,
                "x": X,
                "y": Y,
                "margin": margin,
                "day": dt.date.fromisoformat(AS_OF),
                "era": "pre2025",
            },
        )
        return {int(r[0]) for r in rows}


def test_commune_tile_matches_postgis(demo_client: TestClient, demo_engine: Engine) -> None:
    assert era_on(dt.date.fromisoformat(AS_OF)) == "pre2025"
    features = _decoded(_tile(demo_client, "communes", as_of=AS_OF).content, "communes")
    valid = (
        "SELECT id FROM commune WHERE era = :era"
        " AND (valid_from IS NULL OR valid_from <= :day) AND (valid_to IS NULL OR valid_to > :day)"
    )
    inside = _ids_in_postgis(demo_engine, valid, 0.0)
    with_buffer = _ids_in_postgis(demo_engine, valid, 64 / 4096)
    got = {f["id"] for f in features}
    assert len(inside) > 50
    # Every commune in the tile; those only in its buffer may be clipped to nothing.
    assert inside <= got <= with_buffer
    assert len(features) == len(got)
    props = features[0]["properties"]
    assert set(props) == {
        "code",
        "name",
        "unit_type",
        "era",
        "province_code",
        "province_name",
        "is_land_border",
        "is_coastal",
        "geom_source",
        "synthetic",
    }
    assert props["era"] == "pre2025" and props["synthetic"] is True
    # The same attributes as the feature's items representation.
    item = demo_client.get(f"/collections/communes/items/{features[0]['id']}").json()
    assert {k: item["properties"][k] for k in props} == props


def test_marker_tile_filters_like_items(demo_client: TestClient, demo_engine: Engine) -> None:
    planted = _decoded(
        _tile(demo_client, "markers", as_of=AS_OF, status="planted,verified").content, "markers"
    )
    every = _decoded(_tile(demo_client, "markers", as_of=AS_OF).content, "markers")
    assert 0 < len(planted) <= len(every)
    assert {f["properties"]["status"] for f in planted} <= {"planted", "verified"}
    assert all(f["geometry"]["type"] == "Point" for f in every)
    assert not any("officer" in k for f in every for k in f["properties"])
    # The items endpoint, with the tile's lon/lat box, agrees on the planted markers.
    with demo_engine.connect() as c:
        box = c.execute(
            text(
                "SELECT ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b) FROM"
                " (SELECT ST_Transform(ST_TileEnvelope(:z, :x, :y), 4326) AS b) s"
            ),
            {"z": Z, "x": X, "y": Y},
        ).one()
    items = demo_client.get(
        "/collections/markers/items",
        params={
            "as_of": AS_OF,
            "status": "planted,verified",
            "bbox": ",".join(map(str, box)),
            "limit": 5000,
        },
    ).json()
    inside = {f["id"] for f in items["features"]}
    in_tile = {f["id"] for f in planted}
    assert inside and inside <= in_tile  # the tile also holds its buffer's markers


def test_segment_tile_and_cql2(demo_client: TestClient) -> None:
    every = _decoded(_tile(demo_client, "border_segments", as_of=AS_OF).content, "border_segments")
    assert every and all("Line" in f["geometry"]["type"] for f in every)
    cn = _decoded(
        _tile(demo_client, "border_segments", as_of=AS_OF, filter="border='KH'").content,
        "border_segments",
    )
    assert cn == []  # Hà Giang has no Cambodian border


def test_empty_tile_is_empty_200(demo_client: TestClient) -> None:
    r = _tile(demo_client, "communes", 6, 0, 0)  # the Arctic
    assert r.content == b"" and r.headers["etag"]


def test_tile_etag_and_304(demo_client: TestClient) -> None:
    r = _tile(demo_client, "communes", as_of=AS_OF)
    again = demo_client.get(r.url, headers={"if-none-match": r.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    other = _tile(demo_client, "communes", as_of="2026-01-01")
    assert other.headers["etag"] != r.headers["etag"]
    gz = demo_client.get(r.url, headers={"accept-encoding": "gzip"})
    assert gz.headers.get("content-encoding") == "gzip" and gz.content == r.content


@pytest.mark.parametrize(
    ("path", "status", "says"),
    [
        ("communes/tiles/WebMercatorQuad/a/0/0", 400, "z (tileMatrix)"),
        ("communes/tiles/WebMercatorQuad/3/-1/0", 400, "x (tileCol)"),
        ("communes/tiles/WebMercatorQuad/3/8/0", 404, "x (tileCol) 8"),
        ("communes/tiles/WebMercatorQuad/3/0/8", 404, "y (tileRow) 8"),
        ("communes/tiles/WebMercatorQuad/21/0/0", 404, "z (tileMatrix) 21"),
        ("communes/tiles/WorldCRS84Quad/1/0/0", 404, "WebMercatorQuad"),
        ("provinces/tiles", 404, "provinces"),
        ("nowhere/tiles/WebMercatorQuad/1/0/0", 404, "nowhere"),
        ("communes/tiles/WebMercatorQuad/1/0/0?limit=3", 400, "limit"),
        ("communes/tiles/WebMercatorQuad/1/0/0?era=xx", 400, "era"),
        ("markers/tiles/WebMercatorQuad/1/0/0?filter=nope=1", 400, "nope"),
    ],
)
def test_bad_tile_requests(demo_client: TestClient, path: str, status: int, says: str) -> None:
    r = demo_client.get(f"/collections/{path}")
    assert r.status_code == status, r.text
    assert says in r.json()["detail"]


def test_documents(demo_client: TestClient) -> None:
    conformance = demo_client.get("/conformance").json()["conformsTo"]
    assert "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/mvt" in conformance
    coll = demo_client.get("/collections/communes").json()
    rels = {lk["rel"]: lk["href"] for lk in coll["links"]}
    tiles_href = rels["http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector"]
    assert tiles_href.endswith("/collections/communes/tiles")
    assert "http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector" not in {
        lk["rel"] for lk in demo_client.get("/collections/provinces").json()["links"]
    }
    listing = demo_client.get("/collections/communes/tiles").json()
    assert listing["tilesets"][0]["tileMatrixSetURI"].endswith("/WebMercatorQuad")
    ts = demo_client.get("/collections/markers/tiles/WebMercatorQuad", params={"as_of": AS_OF})
    doc = ts.json()
    assert doc["dataType"] == "vector" and doc["layers"][0]["geometryDimension"] == 0
    item = next(lk for lk in doc["links"] if lk["rel"] == "item")
    assert item["templated"] and item["type"] == MVT
    assert item["href"].endswith("/{tileMatrix}/{tileCol}/{tileRow}?as_of=" + AS_OF)
    # The limits at zoom 9 hold the test tile (Hà Giang).
    z9 = doc["tileMatrixSetLimits"][9]
    assert z9["minTileCol"] <= X <= z9["maxTileCol"] and z9["minTileRow"] <= Y <= z9["maxTileRow"]
    tj = demo_client.get(
        "/collections/communes/tiles/WebMercatorQuad/tilejson.json", params={"era": "pre2025"}
    ).json()
    assert tj["tilejson"] == "3.0.0" and tj["vector_layers"][0]["id"] == "communes"
    assert tj["tiles"][0].endswith("/communes/tiles/WebMercatorQuad/{z}/{x}/{y}?era=pre2025")
    tms = demo_client.get("/tileMatrixSets/WebMercatorQuad").json()
    assert tms["tileMatrices"][0]["matrixWidth"] == 1
    assert tms["tileMatrices"][9]["matrixWidth"] == 512
    assert demo_client.get("/tileMatrixSets").json()["tileMatrixSets"][0]["id"] == (
        "WebMercatorQuad"
    )
    assert (
        "/collections/communes/tiles/WebMercatorQuad/{z}/{x}/{y}"
        in (demo_client.get("/api").json()["paths"])
    )


def test_tile_of() -> None:
    assert tile_of(104.98, 22.83, Z) == (X, Y)  # Hà Giang town
    assert tile_of(-180, 85.06, 0) == (0, 0)


def test_gdal_reads_a_tile(live_server: str, demo_client: TestClient) -> None:
    if shutil.which("ogrinfo") is None:
        pytest.skip("ogrinfo (gdal-bin) is not installed")
    url = f"{live_server}/collections/communes/tiles/WebMercatorQuad/{Z}/{X}/{Y}?as_of={AS_OF}"
    done = subprocess.run(
        # The URL has a query string, so GDAL is told the tile's address.
        ["ogrinfo", "-ro", "-al", "-oo", f"Z={Z}", "-oo", f"X={X}", "-oo", f"Y={Y}", f"MVT:{url}"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    count = len(_decoded(_tile(demo_client, "communes", as_of=AS_OF).content, "communes"))
    assert f"Feature Count: {count}" in done.stdout
    assert "WGS 84 / Pseudo-Mercator" in done.stdout
    for field in ("code: String", "province_name: String", "synthetic: Integer(Boolean)"):
        assert field in done.stdout
    assert "era (String) = pre2025" in done.stdout
