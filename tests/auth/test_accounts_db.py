"""Accounts, tokens, scope and the audit in the real database (rolled back per test)."""

from __future__ import annotations

import pytest
from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from service.auth.credentials import digest
from service.db import account_admin, accounts, audit
from service.db.audit import AuditQuery
from tests.auth.conftest import CLI_ADMIN, PASSWORD

pytestmark = pytest.mark.db


def test_scope_covers_both_eras_through_lineage(conn: Connection, provinces: None) -> None:
    assert accounts.province_scope(conn, ["02"]) == {("pre2025", "02"), ("post2025", "08")}
    assert accounts.province_scope(conn, ["08"]) == {
        ("pre2025", "08"),
        ("post2025", "08"),
        ("pre2025", "02"),
    }
    assert accounts.province_scope(conn, ["04"]) == {("pre2025", "04"), ("post2025", "04")}


def test_create_user_checks_role_provinces_and_name(conn: Connection, provinces: None) -> None:
    with pytest.raises(ValueError, match="needs at least one --province"):
        account_admin.create_user(conn, CLI_ADMIN, name="pe", role="province_editor")
    with pytest.raises(ValueError, match="--province is for province_editor"):
        account_admin.create_user(conn, CLI_ADMIN, name="ed", role="editor", provinces=["02"])
    with pytest.raises(ValueError, match="unknown province code.*99"):
        account_admin.create_user(
            conn, CLI_ADMIN, name="pe", role="province_editor", provinces=["99"]
        )
    with pytest.raises(ValueError, match="unknown role 'boss'"):
        account_admin.create_user(conn, CLI_ADMIN, name="x", role="boss")
    with pytest.raises(ValueError, match="user name"):
        account_admin.create_user(conn, CLI_ADMIN, name="no spaces", role="analyst")
    with pytest.raises(ValueError, match="at least 10 characters"):
        account_admin.create_user(conn, CLI_ADMIN, name="x", role="analyst", password="short")
    user = account_admin.create_user(conn, CLI_ADMIN, name="Lan", role="analyst")
    assert user.name == "lan"
    with pytest.raises(ValueError, match="already exists"):
        account_admin.create_user(conn, CLI_ADMIN, name="LAN", role="analyst")


def test_token_lifecycle_and_only_a_digest_is_stored(conn: Connection, provinces: None) -> None:
    account_admin.create_user(
        conn, CLI_ADMIN, name="pe", role="province_editor", provinces=["02"], password=PASSWORD
    )
    listed, token = account_admin.create_token(
        conn, CLI_ADMIN, user="pe", label="qgis", expires_days=30
    )
    assert token.startswith("bm_") and len(token) > 40
    stored = conn.execute(text("SELECT token_hash FROM api_token")).scalar_one()
    assert stored == digest(token) and token not in stored
    p = accounts.token_principal(conn, digest(token))
    assert p is not None
    assert (p.user, p.role, p.token_label, p.via) == ("pe", "province_editor", "qgis", "api")
    assert p.scope == {("pre2025", "02"), ("post2025", "08")}
    assert accounts.token_principal(conn, digest(token + "x")) is None
    account_admin.revoke_token(conn, CLI_ADMIN, listed.id)
    assert accounts.token_principal(conn, digest(token)) is None
    # A disabled user's other tokens stop working too.
    _, second = account_admin.create_token(conn, CLI_ADMIN, user="pe")
    assert accounts.token_principal(conn, digest(second)) is not None
    account_admin.disable_user(conn, CLI_ADMIN, "pe")
    assert accounts.token_principal(conn, digest(second)) is None
    with pytest.raises(ValueError, match="disabled"):
        account_admin.create_token(conn, CLI_ADMIN, user="pe")


def test_audit_records_account_changes_without_secrets(conn: Connection, provinces: None) -> None:
    account_admin.create_user(conn, CLI_ADMIN, name="ed", role="editor", password=PASSWORD)
    account_admin.set_password(conn, CLI_ADMIN, "ed", "another long password")
    _, token = account_admin.create_token(conn, CLI_ADMIN, user="ed", label="gdal")
    rows = audit.events(conn, AuditQuery())
    assert [r["kind"] for r in rows] == ["token.create", "user.set_password", "user.create"]
    assert {r["via"] for r in rows} == {"cli"} and {r["os_user"] for r in rows} == {"pytest"}
    everything = str(conn.execute(text("SELECT array_agg(a::text) FROM audit_event a")).scalar())
    for secret in (PASSWORD, "another long password", token, digest(token), "argon2"):
        assert secret not in everything
    assert audit.events(conn, AuditQuery(kind="user.create"))[0]["after"]["role"] == "editor"
    assert audit.events(conn, AuditQuery(item_type="api_token"))[0]["after"]["label"] == "gdal"


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_event SET kind = 'x'", "DELETE FROM audit_event", "TRUNCATE audit_event"],
)
def test_audit_is_append_only(conn: Connection, statement: str) -> None:
    audit.record(conn, CLI_ADMIN, "user.create", "user", "x", None, {"name": "x"})
    with pytest.raises(DBAPIError, match="audit_event is append-only"), conn.begin_nested():
        conn.execute(text(statement))
    assert conn.execute(text("SELECT count(*) FROM audit_event")).scalar_one() == 1


def test_audit_scrubs_secret_keys(conn: Connection) -> None:
    audit.record(
        conn,
        CLI_ADMIN,
        "user.create",
        "user",
        "x",
        None,
        {"name": "x", "password": "p", "token_hash": "h", "nested": {"csrf_secret": "s", "ok": 1}},
    )
    (row,) = audit.events(conn, AuditQuery())
    assert row["after"] == {"name": "x", "nested": {"ok": 1}}


def test_public_role_cannot_rewrite_the_audit(conn: Connection) -> None:
    rights = conn.execute(
        text(
            "SELECT has_table_privilege('public', 'audit_event', 'UPDATE'),"
            " has_table_privilege('public', 'audit_event', 'DELETE'),"
            " has_table_privilege('public', 'audit_event', 'TRUNCATE')"
        )
    ).one()
    assert tuple(rights) == (False, False, False)
