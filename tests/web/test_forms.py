"""The editors' forms over HTTP on the demo data, each test in a rolled-back transaction.

Same checks as the write API, the version the editor saw (hidden ``etag``) protected like
``If-Match``, the session's CSRF token required, errors next to their field in the
reader's language.
"""

from __future__ import annotations

import re
import struct
import zlib
from html import unescape

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, text

from ..auth.conftest import make_user
from ..auth.test_signin import PASSWORD, session_csrf, sign_in

pytestmark = pytest.mark.db


def png() -> bytes:
    """A real 1x1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def editor(demo_tx: Connection) -> dict[str, str]:
    return make_user(demo_tx, "ed", "editor")[1]


def marker_id(demo_tx: Connection) -> int:
    return int(demo_tx.execute(text("SELECT id FROM marker WHERE label = '1369(2)'")).scalar_one())


def hidden(html: str, name: str) -> str:
    m = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert m is not None, name
    return unescape(m.group(1))


def test_anonymous_visitors_are_sent_to_sign_in(
    demo_tx_client: TestClient, demo_tx: Connection
) -> None:
    r = demo_tx_client.get(f"/forms/markers/{marker_id(demo_tx)}/event", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"].startswith("/login?next=/forms/markers/")


def test_a_reader_may_not_write(demo_tx_client: TestClient, demo_tx: Connection) -> None:
    analyst = make_user(demo_tx, "ana", "analyst")[1]
    r = demo_tx_client.get(f"/forms/markers/{marker_id(demo_tx)}/event", headers=analyst)
    assert r.status_code == 403
    assert "Tài khoản của bạn không được ghi thay đổi." in r.text


def test_status_event_form_in_both_languages_and_saved(
    demo_tx_client: TestClient, demo_tx: Connection, editor: dict[str, str]
) -> None:
    mid = marker_id(demo_tx)
    page = demo_tx_client.get(f"/forms/markers/{mid}/event", headers=editor)
    assert page.status_code == 200
    assert page.headers["content-language"] == "vi"
    assert '<html lang="vi">' in page.text
    assert "Ghi trạng thái mốc" in page.text and "Mốc 1369(2)" in page.text
    assert "DỮ LIỆU MÔ PHỎNG" in page.text  # the demo data says so on every page
    etag = hidden(page.text, "etag")
    before = demo_tx.execute(
        text("SELECT count(*) FROM marker_event WHERE marker_id = :m"), {"m": mid}
    )
    n = before.scalar_one()
    r = demo_tx_client.post(
        f"/forms/markers/{mid}/event",
        headers=editor,
        data={"status": "damaged", "date": "2025-01-02", "note": "lở đất", "etag": etag},
    )
    assert r.status_code == 200, r.text
    assert "Đã ghi trạng thái mốc." in r.text
    after = demo_tx.execute(
        text("SELECT count(*) FROM marker_event WHERE marker_id = :m"), {"m": mid}
    )
    assert after.scalar_one() == n + 1
    assert hidden(r.text, "etag") != etag  # the form now carries the new version
    audit = demo_tx.execute(text("SELECT count(*) FROM audit_event WHERE kind = 'marker.event'"))
    assert audit.scalar_one() >= 1
    english = demo_tx_client.get(f"/forms/markers/{mid}/event?lang=en", headers=editor)
    assert english.headers["content-language"] == "en"
    assert "Record a status event" in english.text and "Marker 1369(2)" in english.text


def test_a_stale_version_is_refused_and_the_form_shows_the_current_one(
    demo_tx_client: TestClient, demo_tx: Connection, editor: dict[str, str]
) -> None:
    mid = marker_id(demo_tx)
    etag = hidden(demo_tx_client.get(f"/forms/markers/{mid}/event", headers=editor).text, "etag")
    first = {"status": "damaged", "date": "2025-01-02", "etag": etag}
    assert (
        demo_tx_client.post(f"/forms/markers/{mid}/event", headers=editor, data=first).status_code
        == 200
    )
    second = {"status": "restored", "date": "2025-01-03", "etag": etag}
    r = demo_tx_client.post(f"/forms/markers/{mid}/event", headers=editor, data=second)
    assert r.status_code == 412
    assert 'id="bm-form-error"' in r.text and "Người khác đã thay đổi bản ghi này" in r.text
    assert hidden(r.text, "etag") not in ("", etag)
    assert 'value="restored" selected' in r.text  # what was typed is kept


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"status": "damaged", "date": "2099-01-01"}, "date", "Ngày này ở tương lai."),
        ({"status": "", "date": "2025-01-01"}, "status", "Trường này là bắt buộc."),
        ({"status": "lost", "date": "2025-01-01"}, "status", "Hãy chọn một trong các lựa chọn."),
        ({"status": "damaged", "date": "hôm qua"}, "date", "Hãy nhập một ngày."),
    ],
)
def test_errors_are_next_to_their_field_in_vietnamese(
    demo_tx_client: TestClient,
    demo_tx: Connection,
    editor: dict[str, str],
    data: dict[str, str],
    field: str,
    message: str,
) -> None:
    r = demo_tx_client.post(f"/forms/markers/{marker_id(demo_tx)}/event", headers=editor, data=data)
    assert r.status_code == 400
    m = re.search(rf'<p class="bm-error" id="{field}-error">([^<]+)</p>', r.text)
    assert m is not None and m.group(1) == message
    assert f'aria-describedby="{field}-error"' in r.text or f'{field}-error"' in r.text


def test_inspection_with_photos_from_a_phone(
    demo_tx_client: TestClient, demo_tx: Connection, editor: dict[str, str]
) -> None:
    mid = marker_id(demo_tx)
    page = demo_tx_client.get(f"/forms/markers/{mid}/inspection", headers=editor)
    assert 'type="file" accept="image/*" capture="environment" multiple' in page.text
    assert 'enctype="multipart/form-data"' in page.text
    data = {
        "inspected_on": "2025-03-04",
        "found_status": "intact",
        "inspecting_unit": "Đồn Biên phòng Lũng Cú",
        "etag": hidden(page.text, "etag"),
    }
    files = [("photos", ("a.png", png(), "image/png")), ("photos", ("b.png", png(), "image/png"))]
    r = demo_tx_client.post(
        f"/forms/markers/{mid}/inspection", headers=editor, data=data, files=files
    )
    assert r.status_code == 200, r.text
    assert "Đã ghi kết quả kiểm tra." in r.text
    photos = demo_tx.execute(
        text(
            "SELECT count(*) FROM inspection_photo p JOIN inspection i ON i.id = p.inspection_id"
            " WHERE i.marker_id = :m"
        ),
        {"m": mid},
    ).scalar_one()
    assert photos == 2


def test_an_inspection_with_a_bad_photo_writes_nothing(
    demo_tx_client: TestClient, demo_tx: Connection, editor: dict[str, str]
) -> None:
    mid = marker_id(demo_tx)
    data = {"inspected_on": "2025-03-04", "found_status": "damaged", "inspecting_unit": "Đồn X"}
    files = [
        ("photos", ("a.png", png(), "image/png")),
        ("photos", ("x.gif", b"GIF89a...", "image/gif")),
    ]
    r = demo_tx_client.post(
        f"/forms/markers/{mid}/inspection", headers=editor, data=data, files=files
    )
    assert r.status_code == 415
    assert "Ảnh phải là tệp JPEG hoặc PNG" in r.text
    n = demo_tx.execute(text("SELECT count(*) FROM inspection WHERE marker_id = :m"), {"m": mid})
    assert n.scalar_one() == 0


def test_assign_then_overlap_then_end(
    demo_tx_client: TestClient, demo_tx: Connection, editor: dict[str, str]
) -> None:
    officer = demo_tx.execute(
        text(
            "SELECT service_number FROM officer o WHERE NOT EXISTS (SELECT 1 FROM"
            " officer_assignment a WHERE a.officer_id = o.id AND a.role = 'dang_uy_vien')"
            " ORDER BY id LIMIT 1"
        )
    ).scalar_one()
    data = {
        "service_number": officer,
        "era": "post2025",
        "commune_code": "00715",
        "role": "dang_uy_vien",
        "term": "2025-2030",
        "start_date": "2025-08-01",
    }
    page = demo_tx_client.get("/forms/assignments/new?era=post2025&commune=00715", headers=editor)
    assert 'value="00715"' in page.text
    r = demo_tx_client.post("/forms/assignments/new", headers=editor, data=data)
    assert r.status_code == 200, r.text
    assert "Đã phân công cán bộ." in r.text
    again = demo_tx_client.post("/forms/assignments/new", headers=editor, data=data)
    assert again.status_code == 409
    assert re.search(r'id="start_date-error">Cán bộ này đã giữ vai trò này', again.text)
    unknown = demo_tx_client.post(
        "/forms/assignments/new", headers=editor, data={**data, "commune_code": "99999"}
    )
    assert re.search(r'id="commune_code-error">Không có xã này', unknown.text)
    assignment = demo_tx.execute(
        text(
            "SELECT a.id FROM officer_assignment a JOIN officer o ON o.id = a.officer_id"
            " WHERE o.service_number = :s AND a.role = 'dang_uy_vien'"
        ),
        {"s": officer},
    ).scalar_one()
    end_page = demo_tx_client.get(f"/forms/assignments/{assignment}/end", headers=editor)
    etag = hidden(end_page.text, "etag")
    before_start = demo_tx_client.post(
        f"/forms/assignments/{assignment}/end",
        headers=editor,
        data={"end_date": "2025-07-01", "etag": etag},
    )
    assert re.search(r'id="end_date-error">Ngày kết thúc phải sau ngày bắt đầu', before_start.text)
    done = demo_tx_client.post(
        f"/forms/assignments/{assignment}/end",
        headers=editor,
        data={"end_date": "2026-01-01", "etag": etag},
    )
    assert done.status_code == 200 and "Đã kết thúc phân công." in done.text
    stale = demo_tx_client.post(
        f"/forms/assignments/{assignment}/end",
        headers=editor,
        data={"end_date": "2026-02-01", "etag": etag},
    )
    assert stale.status_code == 412


def test_a_browser_session_needs_the_csrf_token(
    demo_tx_client: TestClient, demo_tx: Connection
) -> None:
    make_user(demo_tx, "lan", "editor", password=PASSWORD)
    assert sign_in(demo_tx_client, next_path="/search").status_code == 303  # type: ignore[attr-defined]
    mid = marker_id(demo_tx)
    page = demo_tx_client.get(f"/forms/markers/{mid}/event")
    token = hidden(page.text, "csrf_token")
    assert token == session_csrf(demo_tx_client)
    data = {"status": "damaged", "date": "2025-01-02", "etag": hidden(page.text, "etag")}
    refused = demo_tx_client.post(f"/forms/markers/{mid}/event", data=data)
    assert refused.status_code == 403
    ok = demo_tx_client.post(f"/forms/markers/{mid}/event", data={**data, "csrf_token": token})
    assert ok.status_code == 200, ok.text


def test_an_unknown_marker_form_is_a_404(
    demo_tx_client: TestClient, demo_tx: Connection, editor: dict[str, str]
) -> None:
    r = demo_tx_client.get(f"/forms/markers/{marker_id(demo_tx)}/retire", headers=editor)
    assert r.status_code == 404
    assert demo_tx_client.get("/forms/markers/999999/event", headers=editor).status_code == 404


def test_a_browser_session_sends_the_inspection_with_photos(
    demo_tx_client: TestClient, demo_tx: Connection
) -> None:
    make_user(demo_tx, "lan", "editor", password=PASSWORD)
    assert sign_in(demo_tx_client, next_path="/search").status_code == 303  # type: ignore[attr-defined]
    mid = marker_id(demo_tx)
    page = demo_tx_client.get(f"/forms/markers/{mid}/inspection")
    data = {
        "inspected_on": "2025-03-04",
        "found_status": "intact",
        "inspecting_unit": "Đồn Biên phòng Lũng Cú",
        "etag": hidden(page.text, "etag"),
    }
    files = [("photos", ("a.png", png(), "image/png"))]
    url = f"/forms/markers/{mid}/inspection"
    refused = demo_tx_client.post(url, data=data, files=files)
    assert refused.status_code == 403  # multipart, but no token
    token = hidden(page.text, "csrf_token")
    ok = demo_tx_client.post(url, data={**data, "csrf_token": token}, files=files)
    assert ok.status_code == 200, ok.text
    assert "Đã ghi kết quả kiểm tra." in ok.text
