"""Browser sign-in: the page, session cookies, sign-out, CSRF, throttling, no secret leaks."""

from __future__ import annotations

import logging
import re
import statistics
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, text

from service.auth.passwords import hash_password, verify_password
from service.auth.throttle import FAILURE_DELAY_S
from service.db import account_admin
from service.web.auth_deps import WriterDep
from tests.auth.conftest import CLI_ADMIN, PASSWORD, make_user

pytestmark = pytest.mark.db


@pytest.fixture
def users(conn: Connection, credentials: dict[str, dict[str, str]]) -> Iterator[None]:
    """``lan`` (editor) with a password; the other principals of ``credentials``."""
    make_user(conn, "lan", "editor", password=PASSWORD)
    yield


def _form(client: TestClient, lang: str = "vi") -> str:
    page = client.get("/login", params={"lang": lang})
    assert page.status_code == 200
    m = re.search(
        r'action="/login[^"]*">\s*<input type="hidden" name="csrf_token" value="([^"]+)"', page.text
    )
    assert m is not None
    return m.group(1)


def sign_in(
    client: TestClient, name: str = "lan", password: str = PASSWORD, next_path: str = "/maps"
) -> object:
    client.cookies.delete("bordermap_session")  # signed in, the page offers sign-out instead
    token = _form(client)
    return client.post(
        "/login",
        data={"name": name, "password": password, "csrf_token": token, "next": next_path},
        follow_redirects=False,
    )


def session_csrf(client: TestClient) -> str:
    page = client.get("/login")
    m = re.search(
        r'action="/logout[^"]*">\s*<input type="hidden" name="csrf_token" value="([^"]+)"',
        page.text,
    )
    assert m is not None, page.text
    return m.group(1)


def test_page_is_vietnamese_by_default_english_on_request(client: TestClient) -> None:
    vi = client.get("/login")
    assert '<html lang="vi">' in vi.text and "Tên đăng nhập" in vi.text and "Mật khẩu" in vi.text
    assert vi.headers["cache-control"] == "no-store" and "etag" not in vi.headers
    en = client.get("/login?lang=en")
    assert '<html lang="en">' in en.text and "User name" in en.text
    cookie = vi.headers["set-cookie"]
    assert "bordermap_login_csrf=" in cookie and "HttpOnly" in cookie


def test_sign_in_sets_a_safe_cookie_and_a_server_side_session(
    client: TestClient, conn: Connection, users: None
) -> None:
    r = sign_in(client, "LAN")  # names are not case-sensitive
    assert r.status_code == 303 and r.headers["location"] == "/maps"
    cookie = next(c for c in r.headers.get_list("set-cookie") if c.startswith("bordermap_session="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    me = client.get("/account").json()
    assert (me["user"], me["role"], me["via"]) == ("lan", "editor", "web")
    hours = conn.execute(
        text("SELECT extract(epoch FROM expires_at - created_at) / 3600 FROM web_session")
    ).scalar_one()
    assert float(hours) == pytest.approx(12.0, abs=0.01)
    # The server decides when a session ends, whatever the browser keeps.
    conn.execute(text("UPDATE web_session SET expires_at = now() - interval '1 second'"))
    assert client.get("/account").status_code == 401


def test_cookie_is_secure_over_https(conn: Connection, client: TestClient, users: None) -> None:
    secure = TestClient(client.app, base_url="https://testserver")
    r = sign_in(secure)
    cookie = next(c for c in r.headers.get_list("set-cookie") if c.startswith("bordermap_session="))
    assert "Secure" in cookie


def test_open_redirects_are_refused(client: TestClient, users: None) -> None:
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        assert sign_in(client, next_path=target).headers["location"] == "/"


def test_sign_out_needs_the_csrf_token_and_ends_the_session(
    client: TestClient, conn: Connection, users: None
) -> None:
    sign_in(client)
    r = client.post("/logout", data={})
    assert r.status_code == 403 and "CSRF" in r.text
    old_cookie = client.cookies.get("bordermap_session")
    r = client.post("/logout", data={"csrf_token": session_csrf(client)})
    assert r.status_code == 200 and "Đã đăng xuất" in r.text
    assert conn.execute(text("SELECT count(*) FROM web_session")).scalar_one() == 0
    assert client.get("/account").status_code == 401
    client.cookies.set("bordermap_session", old_cookie or "")
    assert client.get("/account").status_code == 401


def test_login_form_needs_its_csrf_cookie(client: TestClient, users: None) -> None:
    r = client.post("/login", data={"name": "lan", "password": PASSWORD, "csrf_token": "x"})
    assert r.status_code == 403
    assert "bordermap_session" not in r.headers.get("set-cookie", "")


def test_unsafe_requests_of_browser_sessions_need_the_csrf_token(
    client: TestClient, users: None, credentials: dict[str, dict[str, str]]
) -> None:
    app = client.app

    def probe(principal: WriterDep) -> dict[str, str | None]:
        return {"user": principal.user}

    app.add_api_route("/_csrf_probe", probe, methods=["POST"])  # type: ignore[attr-defined]
    sign_in(client)
    assert client.post("/_csrf_probe", json={}).status_code == 403
    assert client.post("/_csrf_probe", data={"csrf_token": "wrong"}).status_code == 403
    token = session_csrf(client)
    assert client.post("/_csrf_probe", headers={"X-CSRF-Token": token}).json() == {"user": "lan"}
    assert client.post("/_csrf_probe", data={"csrf_token": token}).status_code == 200
    # Bearer tokens are not sent by browsers on their own: no CSRF token needed.
    client.cookies.clear()
    assert client.post("/_csrf_probe", headers=credentials["editor"]).status_code == 200


def test_wrong_password_and_unknown_user_get_the_same_answer(
    client: TestClient, users: None
) -> None:
    answers = []
    for name, password in (
        ("lan", "wrong password!!"),
        ("nobody", "wrong password!!"),
        ("gone", PASSWORD),
    ):
        started = time.perf_counter()
        r = sign_in(client, name, password)
        elapsed = time.perf_counter() - started
        assert r.status_code == 401 and elapsed >= FAILURE_DELAY_S
        assert r.headers["www-authenticate"].startswith("Bearer")
        answers.append(re.search(r'role="alert">([^<]+)<', r.text).group(1))  # type: ignore[union-attr]
    assert len(set(answers)) == 1 and "không đúng" in answers[0]


def test_unknown_users_cost_a_password_check_too() -> None:
    stored = hash_password("a real password")

    def median(stored_hash: str | None) -> float:
        times = []
        for _ in range(5):
            t0 = time.perf_counter()
            assert not verify_password(stored_hash, "a wrong password")
            times.append(time.perf_counter() - t0)
        return statistics.median(times)

    median(None)  # the dummy hash is made once
    known, unknown = median(stored), median(None)
    assert unknown > 0.5 * known, (known, unknown)


def test_throttle_per_name_then_per_address(client: TestClient, users: None) -> None:
    settings = client.app.state.settings  # type: ignore[attr-defined]
    client.app.state.settings = settings.model_copy(  # type: ignore[attr-defined]
        update={"login_max_failures_per_name": 3, "login_max_failures_per_address": 5}
    )
    for _ in range(3):
        assert sign_in(client, "lan", "wrong password!!").status_code == 401
    locked = sign_in(client, "lan", PASSWORD)  # right, but too late
    assert locked.status_code == 429
    assert 1 <= int(locked.headers["retry-after"]) <= settings.login_window_s
    assert "giây" in locked.text
    # Another name from the same address still may, until the address limit.
    assert sign_in(client, "ana", "wrong password!!").status_code == 401
    assert sign_in(client, "nobody", "wrong password!!").status_code == 401
    assert sign_in(client, "ed", "wrong password!!").status_code == 429


def test_a_sign_in_clears_the_names_failures(client: TestClient, users: None) -> None:
    settings = client.app.state.settings  # type: ignore[attr-defined]
    client.app.state.settings = settings.model_copy(  # type: ignore[attr-defined]
        update={"login_max_failures_per_name": 2}
    )
    assert sign_in(client, "lan", "wrong password!!").status_code == 401
    assert sign_in(client, "lan").status_code == 303
    assert sign_in(client, "lan", "wrong password!!").status_code == 401
    assert sign_in(client, "lan").status_code == 303


def test_no_password_or_token_in_logs_or_answers(
    client: TestClient,
    conn: Connection,
    users: None,
    credentials: dict[str, dict[str, str]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    bodies = []
    for password in ("wrong password!!", PASSWORD):
        r = sign_in(client, "lan", password)
        bodies.append(r.text + str(r.headers))
    token = credentials["admin"]["Authorization"].removeprefix("Bearer ")
    for headers in (credentials["admin"], {"Authorization": f"Bearer {token}x"}):
        r = client.get("/audit", headers=headers)
        bodies.append(r.text + str(r.headers))
    bodies.append(client.get("/audit", params={"f": "csv"}, headers=credentials["admin"]).text)
    stored = str(conn.execute(text("SELECT array_agg(l::text) FROM login_attempt l")).scalar())
    for secret in (PASSWORD, "wrong password!!", token):
        assert secret not in caplog.text
        assert all(secret not in b for b in bodies)
        assert secret not in stored


@pytest.mark.parametrize("change", ["disable", "set_password"])
def test_disabling_or_a_new_password_ends_browser_sessions(
    client: TestClient, conn: Connection, users: None, change: str
) -> None:
    assert sign_in(client).status_code == 303
    assert client.get("/account").status_code == 200
    if change == "disable":
        account_admin.disable_user(conn, CLI_ADMIN, "lan")
    else:
        account_admin.set_password(conn, CLI_ADMIN, "lan", "a brand new password")
    assert client.get("/account").status_code == 401
    assert conn.execute(text("SELECT count(*) FROM web_session")).scalar_one() == 0
    if change == "disable":  # not even with the right password
        assert sign_in(client).status_code == 401
    else:
        assert sign_in(client).status_code == 401
        assert sign_in(client, password="a brand new password").status_code == 303
