"""``bordermap user ...`` and ``bordermap token ...`` on a database of their own."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from service.commands.main import main
from service.db import audit
from service.db.audit import AuditQuery
from service.settings import Settings
from service.web.app import create_app
from tests.auth.conftest import seed_provinces

from ..conftest import drop_database, migrated_database

pytestmark = pytest.mark.db

PASSWORD = "a long enough password 1"


@pytest.fixture(scope="module")
def cli_db(server_url: str) -> Iterator[str]:
    url = migrated_database(server_url, "bordermap_test_cli")
    eng = create_engine(url)
    with eng.begin() as c:
        seed_provinces(c)
    eng.dispose()
    yield url
    drop_database(server_url, url)


def run(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    url: str,
    *argv: str,
    stdin: str = "",
) -> tuple[int, str, str]:
    monkeypatch.setenv("BORDERMAP_DATABASE_URL", url)
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_first_admin_token_and_its_life(
    cli_db: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    code, out, _ = run(
        monkeypatch, capsys, cli_db, "user", "create", "Lan", "--role", "admin",
        "--password-stdin", stdin=PASSWORD + "\n",
    )  # fmt: skip
    assert code == 0 and "created user lan (admin)" in out
    code, out, _ = run(
        monkeypatch, capsys, cli_db, "token", "create", "--user", "lan", "--label", "qgis",
        "--expires-days", "30",
    )  # fmt: skip
    assert code == 0
    token = out.strip().splitlines()[-1]
    assert token.startswith("bm_") and " " not in token
    assert "label 'qgis'" in out and "shown once" in out

    app = create_app(Settings(_env_file=None, database_url=cli_db))  # type: ignore[call-arg]
    with TestClient(app) as client:
        me = client.get("/account", headers={"Authorization": f"Bearer {token}"})
        assert me.json() == {
            "user": "lan",
            "role": "admin",
            "provinces": [],
            "token_label": "qgis",
            "via": "api",
        }
        code, out, _ = run(monkeypatch, capsys, cli_db, "token", "list")
        assert code == 0
        line = next(row for row in out.splitlines() if "\tqgis\t" in row)
        token_id = line.split("\t")[0]
        assert "\tactive\t" in line and token not in out
        code, out, _ = run(monkeypatch, capsys, cli_db, "token", "revoke", token_id)
        assert code == 0 and "revoked token" in out
        revoked = client.get("/account", headers={"Authorization": f"Bearer {token}"})
        assert revoked.status_code == 401
        assert "revoked" in run(monkeypatch, capsys, cli_db, "token", "list")[1]

    code, out, _ = run(
        monkeypatch, capsys, cli_db, "user", "set-password", "lan", "--password-stdin",
        stdin="another password 22\n",
    )  # fmt: skip
    assert code == 0
    code, out, _ = run(monkeypatch, capsys, cli_db, "user", "disable", "lan")
    assert code == 0 and "disabled user lan" in out
    code, out, _ = run(monkeypatch, capsys, cli_db, "user", "list")
    assert "lan\tadmin\t-\tdisabled\t" in out

    eng = create_engine(cli_db)
    with eng.connect() as c:
        rows = audit.events(c, AuditQuery(item_type="user", item_id="lan"))
        kinds = [r["kind"] for r in rows]
        assert kinds == ["user.disable", "user.set_password", "user.create"]
        assert {r["via"] for r in rows} == {"cli"} and all(r["os_user"] for r in rows)
        dump = str(c.execute(text("SELECT array_agg(a::text) FROM audit_event a")).scalar())
        stored = str(c.execute(text("SELECT array_agg(t::text) FROM api_token t")).scalar())
    eng.dispose()
    for secret in (PASSWORD, "another password 22", token):
        assert secret not in dump and secret not in stored and secret not in caplog.text


def test_province_editor_and_refusals(
    cli_db: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        monkeypatch, capsys, cli_db, "user", "create", "pe1", "--role", "province_editor",
        "--province", "02", "--province", "04",
    )  # fmt: skip
    assert code == 0 and "in provinces 02, 04" in out and "tokens only" in out
    code, _, err = run(
        monkeypatch, capsys, cli_db, "user", "create", "pe2", "--role", "province_editor"
    )
    assert code == 1 and "needs at least one --province" in err
    code, _, err = run(
        monkeypatch, capsys, cli_db, "user", "create", "pe3", "--role", "province_editor",
        "--province", "77",
    )  # fmt: skip
    assert code == 1 and "unknown province code(s) 77" in err
    code, _, err = run(monkeypatch, capsys, cli_db, "user", "create", "pe1", "--role", "analyst")
    assert code == 1 and "already exists" in err
    code, _, err = run(monkeypatch, capsys, cli_db, "user", "set-password", "pe1")
    assert code == 1 and "--password-stdin" in err
    code, _, err = run(
        monkeypatch, capsys, cli_db, "user", "set-password", "pe1", "--password-stdin",
        stdin="short\n",
    )  # fmt: skip
    assert code == 1 and "at least 10 characters" in err and "short" not in err
    code, _, err = run(monkeypatch, capsys, cli_db, "token", "create", "--user", "nobody")
    assert code == 1 and "no user 'nobody'" in err
    code, _, err = run(monkeypatch, capsys, cli_db, "token", "revoke", "99999")
    assert code == 1 and "no token with id 99999" in err
    with pytest.raises(SystemExit) as exit_:
        run(monkeypatch, capsys, cli_db, "user", "create", "x", "--role", "boss")
    assert exit_.value.code == 2
