"""POST /imports: the same checks, report and all-or-nothing rule as ``bordermap import``;
413 over the limit (from Content-Length, and counted while a chunked body streams); an audit
row per import that changed something, for uploads and for command-line imports (--as)."""

from __future__ import annotations

import getpass
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Connection, text

from service.web.routes import imports
from tests.ingest.conftest import db_state
from tests.writes.conftest import Served

CSV = "border,number,lon,lat,status,status_date\nCN,801,104.15,22.5,planted,2011-02-03\n"


def _upload(served: Served, body: str, *, who: str = "editor", **params: str):  # type: ignore[no-untyped-def]
    return served.client.post(
        "/imports",
        params={"kind": "markers", **params},
        files={"file": ("moc.csv", io.BytesIO(body.encode()), "text/csv")},
        headers=served.headers[who],
    )


def test_upload_dry_run_then_import_then_again(served: Served, conn: Connection) -> None:
    before = db_state(served.engine)
    dry = _upload(served, CSV, dry_run="true")
    assert dry.status_code == 200, dry.text
    report = dry.json()
    assert report["ok"] and not report["committed"] and report["counts"]["new"] == 1
    assert db_state(served.engine) == before
    done = _upload(served, CSV)
    assert done.status_code == 200 and done.json()["committed"]
    assert done.json()["counts"]["new"] == 1 and "moc.csv" in done.json()["summary"]
    again = _upload(served, CSV)
    assert again.json()["counts"] == {
        "new": 0,
        "changed": 0,
        "same": 1,
        "events new": 0,
        "segment links": 0,
    }
    rows = conn.execute(
        text(
            "SELECT kind, user_name, token_label, via, item_id FROM audit_event WHERE item_type = 'import'"
        )
    ).all()
    assert [tuple(r) for r in rows] == [("import.markers", "ed", "ed-qgis", "api", "moc.csv")]


def test_refused_upload_changes_nothing(served: Served) -> None:
    before = db_state(served.engine)
    bad = _upload(served, "border,number,lon,lat\nCN,802,104.15,22.5\nXX,803,abc,22.5\n")
    assert bad.status_code == 422
    body = bad.json()
    assert not body["ok"] and body["error_count"] == 2
    assert {e["field"] for e in body["errors"]} == {"border", "lon"}
    assert db_state(served.engine) == before


def test_upload_rights(served: Served) -> None:
    assert _upload(served, CSV, who="anonymous").status_code == 401
    assert _upload(served, CSV, who="analyst").status_code == 403
    assert _upload(served, CSV, who="province_editor").status_code == 403


def test_too_large_is_413_before_and_while_reading(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    ed = served.headers["editor"]
    declared = served.client.post(
        "/imports?kind=markers",
        content=b"x",
        headers={
            **ed,
            "Content-Length": str(201 * 1024 * 1024),
            "Content-Type": "multipart/form-data; boundary=b",
        },
    )
    assert declared.status_code == 413 and "200 MB" in declared.json()["detail"]
    monkeypatch.setattr(imports, "MAX_UPLOAD_BYTES", 64 * 1024)

    def chunks() -> Iterator[bytes]:  # chunked: no Content-Length to trust
        yield b'--b\r\nContent-Disposition: form-data; name="file"; filename="m.csv"\r\n\r\n'
        for _ in range(100):
            yield b"CN,1,104.1,22.5\n" * 64
        yield b"\r\n--b--\r\n"

    streamed = served.client.post(
        "/imports?kind=markers",
        content=chunks(),
        headers={**ed, "Content-Type": "multipart/form-data; boundary=b"},
    )
    assert streamed.status_code == 413


def test_cli_import_is_audited_with_as_and_os_user(
    served: Served, conn: Connection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from service.commands.main import main

    monkeypatch.setenv("BORDERMAP_DATABASE_URL", served.url)
    path = tmp_path / "cli.csv"
    path.write_text(CSV.replace("801", "804"), encoding="utf-8")
    assert main(["import", "markers", str(path), "--as", "nguyen.van.a"]) == 0
    row = conn.execute(
        text(
            "SELECT kind, user_name, os_user, via, after->'counts'->>'new' FROM audit_event WHERE item_type = 'import'"
        )
    ).one()
    assert tuple(row) == ("import.markers", "nguyen.van.a", getpass.getuser(), "import", "1")
    # An import that changes nothing leaves no audit row.
    assert main(["import", "markers", str(path)]) == 0
    imports_audited = "SELECT count(*) FROM audit_event WHERE item_type = 'import'"
    assert conn.execute(text(imports_audited)).scalar_one() == 1
