"""POST /coordination: editors add a record, audited, all-or-nothing; bad input is a 4xx."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, text

pytestmark = pytest.mark.db

BODY = {
    "province_code": "04",
    "kind": "review_conference",
    "event_date": "2012-02-20",
    "level": "tỉnh",
    "document_number": "15/BC-BĐBP",
    "decisions": "Tăng cường cán bộ cho 3 xã chưa có.",
}


def test_an_editor_adds_a_record_and_it_is_audited(
    client: TestClient, conn: Connection, credentials: dict[str, dict[str, str]]
) -> None:
    editor = credentials["editor"]
    resp = client.post("/coordination", json=BODY, headers=editor)
    assert resp.status_code == 201, resp.text
    made = resp.json()
    assert made["era"] == "pre2025" and made["province_code"] == "04" and not made["synthetic"]
    listed = client.get("/coordination?year=2012&province=04").json()["items"]
    assert [r["id"] for r in listed] == [made["id"]]
    kinds = conn.execute(
        text("SELECT kind, item_id FROM audit_event WHERE item_type = 'coordination_record'")
    ).all()
    assert [(k, str(i)) for k, i in kinds] == [("coordination.create", str(made["id"]))]

    before = conn.execute(text("SELECT count(*) FROM coordination_record")).scalar_one()
    for bad, status in (
        ({**BODY, "province_code": "99"}, 404),
        ({**BODY, "kind": "party"}, 422),
        ({**BODY, "event_date": "2999-01-01"}, 400),
    ):
        assert client.post("/coordination", json=bad, headers=editor).status_code == status
    after = conn.execute(text("SELECT count(*) FROM coordination_record")).scalar_one()
    assert after == before
    assert client.post("/coordination", json=BODY).status_code == 401
    assert (
        client.post("/coordination", json=BODY, headers=credentials["analyst"]).status_code == 403
    )
