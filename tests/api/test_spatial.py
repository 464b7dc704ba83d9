"""Spatial questions: communes near a border, markers inside a commune, nearest markers."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pytest
from fastapi.testclient import TestClient
from pyproj import Geod
from sqlalchemy import Connection, Engine, text

pytestmark = pytest.mark.db

GEOD = Geod(ellps="WGS84")
BOX = "SRID=4326;MULTIPOLYGON((({x0} {y0},{x1} {y0},{x1} {y1},{x0} {y1},{x0} {y0})))"


def _seed(conn: Connection) -> None:
    """A border along 22 N from 104 E to 105 E, communes at set distances south of it."""
    conn.execute(
        text(
            "INSERT INTO border (code, iso3, name, geom) VALUES ('CN', 'CHN', 'VN-CN', :cn),"
            " ('LA', 'LAO', 'VN-LA', 'SRID=4326;MULTILINESTRING((103 20,103 21))')"
        ),
        # Short edges: geography edges are geodesics, and a 1-degree edge along 22 N bows
        # ~80 m north of the parallel.
        {
            "cn": f"SRID=4326;MULTILINESTRING(({','.join(f'{104 + i / 100} 22' for i in range(101))}))"
        },
    )
    conn.execute(
        text(
            "INSERT INTO province (era, code, name, unit_type, valid_to, valid_from) VALUES"
            " ('pre2025', '02', 'Ha Giang', 'tinh', '2025-07-01', NULL),"
            " ('post2025', '08', 'Tuyen Quang', 'tinh', NULL, '2025-07-01')"
        )
    )
    # (era, code, name, north edge latitude, land?) - the north edge sets the distance.
    communes = [
        ("pre2025", "00001", "Touching", 22.0, True),
        ("pre2025", "00002", "Three km", 22.0 - 3 / 110.7, True),
        ("pre2025", "00003", "Eight km", 22.0 - 8 / 110.7, True),
        ("pre2025", "00004", "Inland 2 km", 22.0 - 2 / 110.7, False),
        ("post2025", "00001", "New touching", 22.0, True),
    ]
    for i, (era, code, name, top, land) in enumerate(communes):
        x0 = 104.1 + 0.15 * (i % 4)
        conn.execute(
            text(
                "INSERT INTO commune (era, code, name, unit_type, province_code,"
                " is_land_border, geom, synthetic) VALUES (:e, :c, :n, 'xa', :p, :l, :g, true)"
            ),
            {
                "e": era,
                "c": code,
                "n": name,
                "p": "02" if era == "pre2025" else "08",
                "l": land,
                "g": BOX.format(x0=x0, x1=x0 + 0.1, y0=top - 0.1, y1=top),
            },
        )
    marks = [(1, 104.12, 22.0), (2, 104.15, 21.95), (3, 104.5, 21.99), (4, 104.9, 22.0)]
    for n, x, y in marks:
        conn.execute(
            text(
                "INSERT INTO marker (border_code, number, marker_class, geom, synthetic)"
                " VALUES ('CN', :n, 'main', ST_SetSRID(ST_MakePoint(:x, :y), 4326), true)"
            ),
            {"n": n, "x": x, "y": y},
        )
    conn.execute(
        text(
            "INSERT INTO marker_event (marker_id, status, event_date)"
            " SELECT id, 'planted', DATE '2005-05-05' FROM marker WHERE number = 1"
        )
    )


def test_communes_near_border(conn: Connection, client: TestClient) -> None:
    _seed(conn)
    r = client.get("/spatial/communes-near-border?border=CN&km=5&as_of=2010-01-01")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/geo+json"
    fc = r.json()
    assert fc["type"] == "FeatureCollection" and fc["era"] == "pre2025"
    got = {f["id"]: f["properties"]["distance_m"] for f in fc["features"]}
    assert set(got) == {"00001", "00002"}  # 8 km too far; inland commune not a border one
    assert got["00001"] < 0.05
    assert got["00002"] == pytest.approx(3000, rel=0.01)
    assert fc["features"][0]["geometry"]["type"] == "MultiPolygon"
    wider = client.get("/spatial/communes-near-border?km=10&as_of=2010-01-01").json()
    assert [f["id"] for f in wider["features"]] == ["00001", "00002", "00003"]
    assert wider["features"][0]["properties"]["borders"] == ["CN"]
    assert client.get("/spatial/communes-near-border?km=5&border=LA").json()["features"] == []
    now = client.get("/spatial/communes-near-border?km=1&as_of=2025-07-01").json()
    assert [f["properties"]["name"] for f in now["features"]] == ["New touching"]


def test_markers_in_commune(conn: Connection, client: TestClient) -> None:
    _seed(conn)
    fc = client.get("/spatial/communes/00001/markers?era=pre2025&as_of=2010-01-01").json()
    # Marker 1 lies on the commune's northern edge (the border): covered; 2 inside.
    assert [f["properties"]["label"] for f in fc["features"]] == ["1", "2"]
    assert fc["features"][0]["properties"]["status"] == "planted"
    assert fc["features"][1]["properties"]["status"] is None
    assert fc["commune"] == {"code": "00001", "name": "Touching", "era": "pre2025"}
    assert client.get("/spatial/communes/00002/markers?era=pre2025").json()["features"] == []
    r = client.get("/spatial/communes/00002/markers?era=post2025")
    assert r.status_code == 404 and "00002" in r.json()["detail"]
    assert client.get("/spatial/communes/99999/markers").status_code == 404


def test_nearest_markers(conn: Connection, client: TestClient) -> None:
    _seed(conn)
    lon, lat = 104.3, 21.97
    fc = client.get(f"/spatial/markers/nearest?lon={lon}&lat={lat}&k=3").json()
    rows = conn.execute(text("SELECT label, ST_X(geom), ST_Y(geom) FROM marker")).all()
    expected = sorted((GEOD.inv(lon, lat, x, y)[2], label) for label, x, y in rows)[:3]
    got = [(f["properties"]["distance_m"], f["properties"]["label"]) for f in fc["features"]]
    assert [g[1] for g in got] == [e[1] for e in expected]
    for (d, _), (e, _) in zip(got, expected, strict=True):
        assert d == pytest.approx(e, abs=0.5)
    assert fc["numberReturned"] == 3
    assert len(client.get("/spatial/markers/nearest?lon=104&lat=22").json()["features"]) == 4


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/spatial/communes-near-border?km=-1", "km"),
        ("/spatial/communes-near-border?km=abc", "km"),
        ("/spatial/communes-near-border?km=nan", "km"),
        ("/spatial/communes-near-border", "km"),
        ("/spatial/communes-near-border?km=5&border=TH", "border"),
        ("/spatial/communes-near-border?km=5&as_of=2010-02-30", "as_of"),
        ("/spatial/communes-near-border?km=5&kind=x", "kind"),
        ("/spatial/communes/0001/markers", "code"),
        ("/spatial/communes/00001/markers?era=2020", "era"),
        ("/spatial/markers/nearest?lon=200&lat=22", "lon"),
        ("/spatial/markers/nearest?lon=104", "lat"),
        ("/spatial/markers/nearest?lon=104&lat=22&k=0", "k"),
        ("/spatial/markers/nearest?lon=104&lat=22&k=1.5", "k"),
        ("/spatial/markers/nearest?lon=104&lat=22&radius=3", "radius"),
    ],
)
def test_bad_parameters(conn: Connection, client: TestClient, path: str, name: str) -> None:
    _seed(conn)
    r = client.get(path)
    assert r.status_code == 400, r.text
    assert name in json.loads(r.text)["detail"]


# --- on the demo data, against shapely/geopandas/pyproj ----------------------------------


@pytest.fixture(scope="module")
def markers(demo_engine: Engine) -> gpd.GeoDataFrame:
    return gpd.read_postgis(
        "SELECT id, label, border_code, geom FROM marker", demo_engine, geom_col="geom"
    )


@pytest.fixture(scope="module")
def communes(demo_engine: Engine) -> gpd.GeoDataFrame:
    return gpd.read_postgis(
        "SELECT id, era, code, name, is_land_border, is_coastal, valid_from, valid_to, geom"
        " FROM commune",
        demo_engine,
        geom_col="geom",
    )


@pytest.mark.parametrize("k", [1, 5, 25])
def test_demo_nearest_markers(demo_client: TestClient, markers: gpd.GeoDataFrame, k: int) -> None:
    rng = np.random.default_rng(k)
    picks = markers.geometry.iloc[rng.integers(0, len(markers), 4)]
    for p in picks:
        lon, lat = p.x + 0.03, p.y - 0.02
        fc = demo_client.get(f"/spatial/markers/nearest?lon={lon}&lat={lat}&k={k}").json()
        n = len(markers)
        d = GEOD.inv(np.full(n, lon), np.full(n, lat), markers.geometry.x, markers.geometry.y)[2]
        order = np.lexsort((markers["id"].to_numpy(), d))[:k]
        assert [f["id"] for f in fc["features"]] == [int(i) for i in markers["id"].iloc[order]]
        got = [f["properties"]["distance_m"] for f in fc["features"]]
        assert got == pytest.approx(list(d[order]), abs=0.02)


def test_demo_markers_in_commune(
    demo_client: TestClient, markers: gpd.GeoDataFrame, communes: gpd.GeoDataFrame
) -> None:
    land = communes[communes["is_land_border"]]
    joined = gpd.sjoin(markers, land, predicate="within", how="inner")
    busy = joined.groupby(["era", "code"]).size().sort_values(ascending=False)
    assert len(busy) > 0
    for era, code in list(busy.index[:3]) + list(busy.index[-2:]):
        poly = communes[(communes["era"] == era) & (communes["code"] == code)].geometry.iloc[0]
        expected = sorted(int(i) for i in markers.loc[markers.geometry.covered_by(poly), "id"])
        fc = demo_client.get(f"/spatial/communes/{code}/markers?era={era}").json()
        assert sorted(f["id"] for f in fc["features"]) == expected
        assert fc["commune"]["code"] == code and fc["numberReturned"] == len(expected)


@pytest.mark.parametrize(("border", "km", "day"), [("CN", 5.0, "2014-06-30"), ("KH", 10.0, None)])
def test_demo_communes_near_border(
    demo_client: TestClient,
    demo_engine: Engine,
    communes: gpd.GeoDataFrame,
    border: str,
    km: float,
    day: str | None,
) -> None:
    q = f"/spatial/communes-near-border?border={border}&km={km}" + (f"&as_of={day}" if day else "")
    fc = demo_client.get(q).json()
    era = fc["era"]
    line = gpd.read_postgis(
        "SELECT geom FROM border WHERE code = %(c)s",
        demo_engine,
        params={"c": border},
        geom_col="geom",
    ).geometry.iloc[0]
    cand = communes[
        (communes["era"] == era) & (communes["is_land_border"] | communes["is_coastal"])
    ]
    # Distances in a local transverse Mercator centred on the border: within 0.1 % here.
    centre = line.centroid
    tm = f"+proj=tmerc +lon_0={centre.x} +lat_0={centre.y} +k=1 +ellps=WGS84 +units=m"
    dist = cand.to_crs(tm).distance(gpd.GeoSeries([line], crs=4326).to_crs(tm).iloc[0])
    got = {f["id"]: f["properties"]["distance_m"] for f in fc["features"]}
    limit = km * 1000
    clear_in = set(cand.loc[dist < limit * 0.99, "code"])
    clear_out = set(cand.loc[dist > limit * 1.01, "code"])
    assert clear_in <= set(got) and not (clear_out & set(got))
    assert len(clear_in) > 0
    for code, d in got.items():
        mine = dist[cand["code"] == code].iloc[0]
        assert d == pytest.approx(mine, rel=0.01, abs=2.0)
