"""Inspections with photos (type, size and count refused clearly), officers and assignments
(overlaps refused), and no personal field in anything anonymous."""

from __future__ import annotations

import struct
import zlib

from sqlalchemy import Connection, text

from tests.maps.conftest import OFFICER_NAMES
from tests.writes.conftest import Served, marker_id

ITEMS = "/collections/markers/items"


def _png(extra: int = 0) -> bytes:
    """A real 1x1 PNG (optionally padded with a text chunk of ``extra`` bytes)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    body = chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00\x00"))
    if extra:
        body += chunk(b"tEXt", b"c\x00" + b"x" * extra)
    return b"\x89PNG\r\n\x1a\n" + body + chunk(b"IEND", b"")


def test_inspection_photos(served: Served, conn: Connection) -> None:
    client, h = served.client, served.headers
    ed = h["editor"]
    mid = marker_id(conn, 17)
    events = conn.execute(
        text("SELECT count(*) FROM marker_event WHERE marker_id = :m"), {"m": mid}
    ).scalar_one()
    made = client.post(
        f"{ITEMS}/{mid}/inspections",
        json={
            "inspected_on": "2024-04-05",
            "found_status": "damaged",
            "inspecting_unit": "Đồn Biên phòng Thử",
            "note": "chipped face",
        },
        headers=ed,
    )
    assert made.status_code == 201, made.text
    insp = made.json()
    assert insp["event_id"] is not None
    status = conn.execute(
        text("SELECT status, status_date FROM marker_status_on(:m, current_date)"), {"m": mid}
    ).one()
    assert tuple(map(str, status)) == ("damaged", "2024-04-05")
    assert (
        conn.execute(
            text("SELECT count(*) FROM marker_event WHERE marker_id = :m"), {"m": mid}
        ).scalar_one()
        == events + 1
    )
    url = f"/inspections/{insp['id']}/photos"
    png = _png()
    first = client.post(url, content=png, headers={**ed, "Content-Type": "image/png"})
    assert first.status_code == 201, first.text
    assert first.json()["media_type"] == "image/png"
    # The type is read from the bytes, whatever the header says.
    gif = client.post(
        url, content=b"GIF89a" + b"\x00" * 20, headers={**ed, "Content-Type": "image/png"}
    )
    assert gif.status_code == 415 and "neither JPEG nor PNG" in gif.json()["detail"]
    big = _png(10 * 1024 * 1024)
    too_big = client.post(url, content=big, headers={**ed, "Content-Type": "image/png"})
    assert too_big.status_code == 413 and "10,485,760" in too_big.json()["detail"]
    jpeg = b"\xff\xd8\xff\xe0" + b"\x00" * 100
    for _ in range(4):
        assert (
            client.post(url, content=jpeg, headers={**ed, "Content-Type": "image/jpeg"}).status_code
            == 201
        )
    sixth = client.post(url, content=jpeg, headers={**ed, "Content-Type": "image/jpeg"})
    assert sixth.status_code == 409 and "5 photos" in sixth.json()["detail"]
    assert conn.execute(text("SELECT count(*) FROM inspection_photo")).scalar_one() == 5
    photo = f"{url}/{first.json()['id']}"
    assert client.get(photo).status_code == 401
    got = client.get(photo, headers=h["analyst"])
    assert got.status_code == 200 and got.content == png
    assert got.headers["content-type"] == "image/png" and "no-store" in got.headers["cache-control"]
    listed = client.get(f"{ITEMS}/{mid}/inspections", headers=h["analyst"])
    assert listed.status_code == 200 and len(listed.json()[0]["photos"]) == 5
    assert client.get(f"{ITEMS}/{mid}/inspections").status_code == 401
    kinds = [
        r[0]
        for r in conn.execute(
            text("SELECT kind FROM audit_event WHERE user_name = 'ed' ORDER BY id")
        )
    ]
    assert kinds == ["inspection.create"] + ["photo.create"] * 5


def test_officers_and_overlapping_assignments(served: Served, conn: Connection) -> None:
    client, h = served.client, served.headers
    ed, pe = h["editor"], h["province_editor"]
    made = client.post(
        "/officers",
        json={"service_number": "T-900", "full_name": "Trần Thị Kiểm Thử", "rank": "Đại úy"},
        headers=ed,
    )
    assert made.status_code == 201, made.text
    oid = made.json()["id"]
    assert (
        client.post(
            "/officers", json={"service_number": "T-900", "full_name": "X"}, headers=ed
        ).status_code
        == 409
    )
    assert (
        client.post(
            "/officers", json={"service_number": "T-901", "full_name": "Y"}, headers=pe
        ).status_code
        == 403
    )
    first = client.post(
        "/assignments",
        json={
            "officer_id": oid,
            "era": "post2025",
            "commune_code": "00001",
            "role": "pho_chu_tich_ubnd",
            "term": "2025-2030",
            "start_date": "2025-07-01",
        },
        headers=pe,  # commune 00001 is in Tuyên Quang (08): pe's scope after the reform
    )
    assert first.status_code == 201, first.text
    overlap = client.post(
        "/assignments",
        json={
            "officer_id": oid,
            "era": "post2025",
            "commune_code": "00005",
            "role": "pho_chu_tich_ubnd",
            "term": "2025-2030",
            "start_date": "2026-01-01",
        },
        headers=ed,
    )
    assert overlap.status_code == 409
    detail = overlap.json()["detail"]
    assert "already holds the role pho_chu_tich_ubnd from 2025-07-01" in detail
    assert "Trần" not in detail  # the officer is named by id only
    ended = client.post(
        f"/assignments/{first.json()['id']}/end", json={"end_date": "2025-12-31"}, headers=pe
    )
    assert ended.status_code == 200 and ended.json()["end_date"] == "2025-12-31"
    after = client.post(
        "/assignments",
        json={
            "officer_id": oid,
            "era": "post2025",
            "commune_code": "00005",
            "role": "pho_chu_tich_ubnd",
            "term": "2025-2030",
            "start_date": "2025-12-31",
        },
        headers=ed,
    )
    assert after.status_code == 201, after.text
    fixed = client.patch(
        f"/officers/{oid}",
        content='{"rank": "Thiếu tá", "home_unit": null}'.encode(),
        headers={**pe, "Content-Type": "application/merge-patch+json"},
    )
    assert fixed.status_code == 200 and fixed.json()["rank"] == "Thiếu tá"
    assert client.get(f"/officers/{oid}").status_code == 401
    assert client.get(f"/officers/{oid}", headers=h["analyst"]).json()["full_name"] == (
        "Trần Thị Kiểm Thử"
    )
    kinds = [r[0] for r in conn.execute(text("SELECT kind FROM audit_event ORDER BY id"))]
    assert kinds[-5:] == [
        "officer.create",
        "assignment.create",
        "assignment.end",
        "assignment.create",
        "officer.update",
    ]


def test_no_personal_field_in_anonymous_output(served: Served) -> None:
    client, h = served.client, served.headers
    name, number = "Phạm Văn Riêngtư", "PV-424242"
    made = client.post(
        "/officers", json={"service_number": number, "full_name": name}, headers=h["editor"]
    )
    oid = made.json()["id"]
    client.post(
        "/assignments",
        json={
            "officer_id": oid,
            "era": "post2025",
            "commune_code": "00001",
            "role": "dang_uy_vien",
            "term": "2025-2030",
            "start_date": "2025-07-01",
        },
        headers=h["editor"],
    )
    secrets = [name, number, *OFFICER_NAMES, "S-001", "full_name", "service_number"]
    urls = [
        "/collections/officer_coverage/items",
        "/collections/officer_coverage/items?f=csv",
        "/collections/officer_coverage/items?f=html",
        "/collections/officer_coverage/schema",
        "/collections/markers/items?limit=100",
        "/coverage/communes",
        "/coverage/provinces?f=csv",
        "/maps/coverage",
        f"/officers/{oid}",
        "/officers/999999",
        "/assignments/1/end",
    ]
    for url in urls:
        body = client.get(url).text
        leaked = [s for s in secrets if s in body]
        assert not leaked, f"{url}: {leaked}"
    # Error messages of anonymous writes, and the API description (OpenAPI examples).
    refused = client.post("/assignments", json={"officer_id": oid}).text
    assert not [s for s in secrets[:4] if s in refused]
    api = client.get("/api").text
    assert not [s for s in secrets[:4] if s in api]
