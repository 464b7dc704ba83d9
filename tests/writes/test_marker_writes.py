"""OGC API – Features Part 4 on markers: ETags and If-Match, moves kept in history,
retire-not-erase, province scope in both eras, and an audit row per change."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import Connection, text

from tests.writes.conftest import Served, marker_id

ITEMS = "/collections/markers/items"
MERGE = {"Content-Type": "application/merge-patch+json"}


def _feature(number: int, lon: float, lat: float = 22.5, **props: Any) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": {"border": "CN", "number": number, **props},
    }


def _snapshot(conn: Connection) -> tuple[Any, ...]:
    return tuple(
        conn.execute(
            text(
                "SELECT (SELECT md5(string_agg(m::text, '|' ORDER BY id)) FROM marker m),"
                " (SELECT count(*) FROM marker_event), (SELECT count(*) FROM marker_position),"
                " (SELECT count(*) FROM audit_event)"
            )
        ).one()
    )


def _audit(conn: Connection, item: int) -> list[tuple[Any, ...]]:
    return [
        tuple(r)
        for r in conn.execute(
            text(
                "SELECT kind, user_name, token_label, via, before IS NULL, after IS NULL"
                " FROM audit_event WHERE item_type = 'marker' AND item_id = :i ORDER BY id"
            ),
            {"i": str(item)},
        )
    ]


def test_create_replace_patch_retire(served: Served, conn: Connection) -> None:
    client, creds = served.client, served.headers
    ed = creds["editor"]
    version = "SELECT version FROM data_version"
    v0 = conn.execute(text(version)).scalar_one()
    created = client.post(
        ITEMS,
        json=_feature(905, 104.2, status="planted", status_date="2010-01-02", material="granite"),
        headers=ed,
    )
    assert created.status_code == 201, created.text
    new_id = created.json()["id"]
    assert created.headers["location"].endswith(f"{ITEMS}/{new_id}")
    etag = created.headers["etag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert conn.execute(text(version)).scalar_one() > v0  # caches and map pages follow
    got = client.get(f"{ITEMS}/{new_id}")
    assert got.status_code == 200 and got.headers["etag"] == etag
    assert got.json()["properties"]["status"] == "planted"
    assert got.json()["properties"]["segment_code"] == "08-CHN"

    # A taken number on the same border: 409.
    assert client.post(ITEMS, json=_feature(905, 104.25), headers=ed).status_code == 409

    replaced = client.put(
        f"{ITEMS}/{new_id}",
        json=_feature(905, 104.2, material="concrete"),
        headers={**ed, "If-Match": etag},
    )
    assert replaced.status_code == 200, replaced.text
    etag2 = replaced.headers["etag"]
    assert etag2 != etag and replaced.json()["properties"]["material"] == "concrete"

    patched = client.patch(
        f"{ITEMS}/{new_id}",
        content=b'{"properties": {"material": null, "elevation_m": 1510.5}}',
        headers={**ed, **MERGE, "If-Match": etag2},
    )
    assert patched.status_code == 200, patched.text
    props = patched.json()["properties"]
    assert props["material"] is None and props["elevation_m"] == 1510.5
    etag3 = patched.headers["etag"]

    v1 = conn.execute(text(version)).scalar_one()
    gone = client.delete(f"{ITEMS}/{new_id}", headers={**ed, "If-Match": etag3})
    assert gone.status_code == 204
    assert conn.execute(text(version)).scalar_one() > v1
    # Retired, not erased: out of today's collection, still in the record and in the past.
    assert client.get(f"{ITEMS}/{new_id}").status_code == 404
    retired = conn.execute(
        text("SELECT retired_on, number FROM marker WHERE id = :i"), {"i": new_id}
    ).one()
    assert retired == (dt.date.today(), 905)
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    past = client.get(f"{ITEMS}/{new_id}", params={"as_of": yesterday})
    assert past.status_code == 200 and past.json()["properties"]["number"] == 905

    assert _audit(conn, new_id) == [
        ("marker.create", "ed", "ed-qgis", "api", True, False),
        ("marker.replace", "ed", "ed-qgis", "api", False, False),
        ("marker.update", "ed", "ed-qgis", "api", False, False),
        ("marker.retire", "ed", "ed-qgis", "api", False, False),
    ]


def test_missing_and_stale_if_match_change_nothing(served: Served, conn: Connection) -> None:
    client, creds = served.client, served.headers
    ed = creds["editor"]
    mid = marker_id(conn, 12)
    etag = client.get(f"{ITEMS}/{mid}").headers["etag"]
    before = _snapshot(conn)
    body = _feature(12, 103.95, material="basalt")
    for method, kwargs in (
        ("PUT", {"json": body}),
        ("PATCH", {"content": b'{"properties": {"material": "basalt"}}', "headers": MERGE}),
        ("DELETE", {}),
    ):
        headers = {**ed, **kwargs.pop("headers", {})}  # type: ignore[dict-item]
        missing = client.request(method, f"{ITEMS}/{mid}", headers=headers, **kwargs)
        assert missing.status_code == 428, (method, missing.text)
        assert "If-Match" in missing.json()["detail"]
        stale = client.request(
            method, f"{ITEMS}/{mid}", headers={**headers, "If-Match": '"m1-0-0"'}, **kwargs
        )
        assert stale.status_code == 412, (method, stale.text)
        weak = client.request(
            method, f"{ITEMS}/{mid}", headers={**headers, "If-Match": "W/" + etag}, **kwargs
        )
        assert weak.status_code == 412, (method, weak.text)  # If-Match compares strongly
    assert _snapshot(conn) == before
    # A status event changes the ETag: an edit based on the older version is refused.
    ev = client.post(
        f"{ITEMS}/{mid}/events", json={"status": "verified", "date": "2015-03-03"}, headers=ed
    )
    assert ev.status_code == 201 and ev.json()["new"]
    late = client.put(f"{ITEMS}/{mid}", json=body, headers={**ed, "If-Match": etag})
    assert late.status_code == 412


def test_a_moved_marker_answers_its_old_position_for_an_earlier_date(
    served: Served, conn: Connection
) -> None:
    client, creds = served.client, served.headers
    ed = creds["editor"]
    mid = marker_id(conn, 12)  # planted 2003 at (103.95, 22.5)
    etag = client.get(f"{ITEMS}/{mid}").headers["etag"]
    # The surveyor sends VN-2000 / TM-3 104-30 coordinates (x/y: easting, northing).
    from geo.crs import from_wgs84

    east, north = from_wgs84(103.96, 22.49, 9208)
    moved = client.put(
        f"{ITEMS}/{mid}",
        json=_feature(12, east, north, moved_on="2020-06-01"),
        headers={
            **ed,
            "If-Match": etag,
            "Content-Crs": "<http://www.opengis.net/def/crs/EPSG/0/9208>",
        },
    )
    assert moved.status_code == 200, moved.text
    lon, lat = moved.json()["geometry"]["coordinates"]
    assert lon == pytest.approx(103.96, abs=1e-7) and lat == pytest.approx(22.49, abs=1e-7)

    def where(day: str) -> list[float]:
        r = client.get(f"{ITEMS}/{mid}", params={"as_of": day})
        assert r.status_code == 200, r.text
        return list(r.json()["geometry"]["coordinates"])

    assert where("2019-12-31") == pytest.approx([103.95, 22.5])
    assert where("2020-06-01") == pytest.approx([103.96, 22.49], abs=1e-7)
    listed = client.get(ITEMS, params={"as_of": "2010-01-01", "filter": "number = 12"}).json()
    assert listed["features"][0]["geometry"]["coordinates"] == pytest.approx([103.95, 22.5])
    kept = conn.execute(
        text("SELECT ST_X(geom), ST_Y(geom), valid_to FROM marker_position WHERE marker_id = :m"),
        {"m": mid},
    ).one()
    assert kept == (pytest.approx(103.95), pytest.approx(22.5), dt.date(2020, 6, 1))
    source = conn.execute(
        text("SELECT source_crs, source_x, source_y FROM marker WHERE id = :m"), {"m": mid}
    ).one()
    assert source == ("EPSG:9208", pytest.approx(east), pytest.approx(north))
    # History cannot be rewritten, even by the database role.
    with pytest.raises(Exception, match="append-only"):
        conn.execute(text("DELETE FROM marker_position WHERE marker_id = :m"), {"m": mid})


def test_province_scope_in_both_eras(served: Served, conn: Connection) -> None:
    client, creds = served.client, served.headers
    pe = creds["province_editor"]  # province 02 (pre2025), so 08 (post2025) too
    ours, theirs = marker_id(conn, 12), marker_id(conn, 700)  # 02/08 and 04/04
    etag = client.get(f"{ITEMS}/{ours}").headers["etag"]
    ok = client.patch(
        f"{ITEMS}/{ours}",
        content=b'{"properties": {"size_class": "small"}}',
        headers={**pe, **MERGE, "If-Match": etag},
    )
    assert ok.status_code == 200, ok.text
    before = _snapshot(conn)
    other = client.get(f"{ITEMS}/{theirs}").headers["etag"]
    refused = client.patch(
        f"{ITEMS}/{theirs}",
        content=b'{"properties": {"size_class": "small"}}',
        headers={**pe, **MERGE, "If-Match": other},
    )
    assert refused.status_code == 403 and "04" in refused.json()["detail"]
    # Moving its own marker into Cao Bằng is a write there too.
    etag = ok.headers["etag"]
    moving = client.put(
        f"{ITEMS}/{ours}", json=_feature(12, 105.7), headers={**pe, "If-Match": etag}
    )
    assert moving.status_code == 403
    assert client.post(ITEMS, json=_feature(990, 105.8), headers=pe).status_code == 403
    assert (
        client.post(ITEMS, json=_feature(990, 105.8), headers=creds["analyst"]).status_code == 403
    )
    assert client.post(ITEMS, json=_feature(990, 105.8)).status_code == 401
    assert _snapshot(conn) == before


def test_bad_bodies_are_4xx_naming_the_field(served: Served, conn: Connection) -> None:
    client, creds = served.client, served.headers
    ed = creds["editor"]
    before = _snapshot(conn)
    far = client.post(ITEMS, json=_feature(991, 2.35, 48.85), headers=ed)
    assert far.status_code == 400
    unknown = client.post(ITEMS, json=_feature(992, 104.2, colour="red"), headers=ed)
    assert unknown.status_code == 422 and "colour" in unknown.text
    mid = marker_id(conn, 17)
    etag = client.get(f"{ITEMS}/{mid}").headers["etag"]
    not_merge = client.patch(
        f"{ITEMS}/{mid}", json={"properties": {}}, headers={**ed, "If-Match": etag}
    )
    assert not_merge.status_code == 415
    bad = client.patch(
        f"{ITEMS}/{mid}",
        content=b'{"properties": {"number": null}}',
        headers={**ed, **MERGE, "If-Match": etag},
    )
    assert bad.status_code == 400 and "number" in bad.json()["detail"]
    assert client.get(f"{ITEMS}/abc").status_code == 404
    assert _snapshot(conn) == before
