"""Accounts fixtures: provinces of both eras, and one credential per kind of principal.

Everything is written on the rolled-back ``conn`` (see tests/conftest.py), so the app of
the ``client`` fixture sees it and nothing outlives the test.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, create_engine, text

from service.auth.principal import Principal
from service.db import account_admin
from service.settings import Settings

from ..conftest import drop_database
from ..maps.conftest import make_small_db

CLI_ADMIN = Principal(user=None, role="admin", via="cli", os_user="pytest")
PASSWORD = "correct horse battery staple"
# Who asks, as the role matrix names them.
PRINCIPALS = (
    "anonymous",
    "analyst",
    "province_editor",
    "editor",
    "admin",
    "disabled",
    "revoked",
    "expired",
    "garbage",
)


def seed_provinces(conn: Connection) -> None:
    """Hà Giang (02) and Tuyên Quang (08) before the reform; Tuyên Quang (08) after it
    absorbed Hà Giang; Cao Bằng (04) in both eras. Rows already there are kept."""
    conn.execute(
        text(
            "INSERT INTO province (era, code, name, unit_type) VALUES"
            " ('pre2025', '02', 'Hà Giang', 'tinh'), ('pre2025', '08', 'Tuyên Quang', 'tinh'),"
            " ('pre2025', '04', 'Cao Bằng', 'tinh'), ('post2025', '08', 'Tuyên Quang', 'tinh'),"
            " ('post2025', '04', 'Cao Bằng', 'tinh') ON CONFLICT DO NOTHING"
        )
    )
    conn.execute(
        text(
            "INSERT INTO admin_lineage (level, old_code, new_code) VALUES"
            " ('province', '02', '08'), ('province', '08', '08'), ('province', '04', '04')"
            " ON CONFLICT DO NOTHING"
        )
    )


@pytest.fixture
def provinces(conn: Connection) -> None:
    """The provinces of :func:`seed_provinces` on the rolled-back connection."""
    seed_provinces(conn)


def make_user(
    conn: Connection,
    name: str,
    role: str,
    provinces: tuple[str, ...] = (),
    password: str | None = None,
) -> tuple[int, dict[str, str]]:
    """Create a user with a token; ``(token id, Authorization header)``.

    Without ``password`` the user has none (token only): argon2 is slow on purpose.
    """
    account_admin.create_user(
        conn, CLI_ADMIN, name=name, role=role, provinces=provinces, password=password
    )
    listed, token = account_admin.create_token(conn, CLI_ADMIN, user=name, label=f"{name}-qgis")
    return listed.id, {"Authorization": f"Bearer {token}"}


def seed_principals(conn: Connection) -> dict[str, dict[str, str]]:
    """Users and tokens of every principal of :data:`PRINCIPALS`; their request headers.

    The province_editor ``pe`` has province 02 (Hà Giang before the reform, so Tuyên
    Quang 08 after it).
    """
    headers: dict[str, dict[str, str]] = {"anonymous": {}}
    headers["analyst"] = make_user(conn, "ana", "analyst")[1]
    headers["province_editor"] = make_user(conn, "pe", "province_editor", ("02",))[1]
    headers["editor"] = make_user(conn, "ed", "editor")[1]
    headers["admin"] = make_user(conn, "adm", "admin")[1]
    headers["disabled"] = make_user(conn, "gone", "admin")[1]
    account_admin.disable_user(conn, CLI_ADMIN, "gone")
    token_id, headers["revoked"] = make_user(conn, "rev", "admin")
    account_admin.revoke_token(conn, CLI_ADMIN, token_id)
    headers["expired"] = make_user(conn, "old", "admin")[1]
    conn.execute(
        text(
            "UPDATE api_token SET created_at = now() - interval '10 days',"
            " expires_at = now() - interval '1 day'"
            " WHERE user_id = (SELECT id FROM app_user WHERE name = 'old')"
        )
    )
    headers["garbage"] = {"Authorization": "Bearer bm_not-a-token"}
    assert set(headers) == set(PRINCIPALS)
    return headers


@pytest.fixture
def credentials(conn: Connection, provinces: None) -> dict[str, dict[str, str]]:
    """Headers of every principal, on the rolled-back connection (use with ``client``)."""
    return seed_principals(conn)


@dataclass
class Matrix:
    """The app on a database of its own, with every principal's headers."""

    client: TestClient
    headers: dict[str, dict[str, str]]
    url: str


@pytest.fixture(scope="module")
def matrix(server_url: str) -> Iterator[Matrix]:
    """The real app (its own engine, no session override) on the small map database plus
    the accounts of :func:`seed_principals`, committed; dropped after the module.

    For tests that need every route to work as served (maps use their own transaction
    settings, which a rolled-back shared connection cannot give).
    """
    from service.web.app import create_app

    url = make_small_db(server_url)
    eng = create_engine(url)
    with eng.begin() as conn:
        seed_provinces(conn)
        headers = seed_principals(conn)
    eng.dispose()
    app = create_app(Settings(_env_file=None, database_url=url))  # type: ignore[call-arg]
    try:
        with TestClient(app) as client:
            yield Matrix(client, headers, url)
    finally:
        drop_database(server_url, url)
