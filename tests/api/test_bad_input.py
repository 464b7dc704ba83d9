"""Input that used to be a 500 (issue 12's reproductions and their siblings): now a 400
naming the parameter, on the full demo dataset."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from service.ogc import cql2

pytestmark = pytest.mark.db


def _bad(client: TestClient, url: str, name: str, **params: str) -> str:
    r = client.get(url, params=params or None)
    assert r.status_code == 400, (url, params, r.status_code, r.text[:300])
    detail = r.json()["detail"]
    assert detail.startswith(f"{name}:"), detail
    return str(detail)


# --- the four reproductions of issue 12 ----------------------------------------------------


def test_nested_casei_is_a_400(demo_client: TestClient) -> None:
    deep = "CASEI(" * 90 + "label" + ")" * 90 + " = 'a'"
    detail = _bad(demo_client, "/collections/markers/items", "filter", filter=deep)
    assert "nested deeper" in detail


def test_nul_in_a_string_value_is_a_400(demo_client: TestClient) -> None:
    r = demo_client.get("/collections/markers/items?label=a%00b")
    assert r.status_code == 400
    assert r.json()["detail"] == "label: contains a NUL character"


def test_like_pattern_ending_in_backslash_is_a_400(demo_client: TestClient) -> None:
    detail = _bad(demo_client, "/collections/markers/items", "filter", filter="label LIKE '%\\'")
    assert "unescaped" in detail


def test_integer_beyond_bigint_is_a_400(demo_client: TestClient) -> None:
    number = "99999999999999999999999999999"
    detail = _bad(demo_client, "/collections/markers/items", "filter", filter=f"number={number}")
    assert "out of range" in detail


# --- siblings -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/collections/markers/items?filter=label%3D%27a%00b%27", "filter"),
        ("/collections/communes/items?province=0%002", "province"),
        ("/collections/markers/items?datetime=2020-01-01%00", "datetime"),
        ("/collections/markers/items?sortby=label%00", "sortby"),
        ("/collections/markers/items/1?crs=%00", "crs"),
        ("/progress/segments?province=a%00", "province"),
        ("/coverage/communes?as_of=2024-01-01%00", "as_of"),
        ("/spatial/markers/nearest?lon=105%00&lat=21", "lon"),
        ("/maps/markers?border=CN%00", "border"),
        ("/collections?f=%00", "f"),
        ("/collections/markers/items/a%00b", "path"),
    ],
)
def test_nul_anywhere_is_a_400_naming_it(demo_client: TestClient, url: str, name: str) -> None:
    r = demo_client.get(url)
    assert r.status_code == 400, (url, r.text)
    assert r.json()["detail"] == f"{name}: contains a NUL character"


@pytest.mark.parametrize(
    "deep",
    [
        "CASEI(" * 45 + "label" + ")" * 45 + " = 'a'",
        "label = " + "CASEI(" * 45 + "'a'" + ")" * 45,
        "NOT " * 200 + "number = 1",
        "(" * 200 + "number = 1" + ")" * 200,
        "(NOT " * 100 + "number = 1" + ")" * 100,
        "label IN (" + "CASEI(" * 60 + "'a'" + ")" * 60 + ")",
    ],
)
def test_every_kind_of_nesting_is_bounded(demo_client: TestClient, deep: str) -> None:
    detail = _bad(demo_client, "/collections/markers/items", "filter", filter=deep)
    assert "deeper than" in detail


def test_nesting_within_the_limit_still_works(demo_client: TestClient) -> None:
    ok = "(" * 30 + "CASEI(" * 5 + "label" + ")" * 5 + " = '1'" + ")" * 30
    r = demo_client.get("/collections/markers/items", params={"filter": ok, "limit": 1})
    assert r.status_code == 200, r.text


@pytest.mark.parametrize(
    ("literal", "status"),
    [
        ("9223372036854775807", 200),
        ("-9223372036854775808", 200),
        ("9223372036854775808", 400),
        ("-9223372036854775809", 400),
        ("1e400", 200),  # a float: inf, which PostgreSQL compares
    ],
)
def test_integer_literal_range(demo_client: TestClient, literal: str, status: int) -> None:
    r = demo_client.get("/collections/markers/items", params={"filter": f"number < {literal}"})
    assert r.status_code == status, r.text
    r = demo_client.get(
        "/collections/markers/items", params={"filter": f"number IN (1, {literal})", "limit": 1}
    )
    assert r.status_code == status, r.text


@pytest.mark.parametrize(
    ("pattern", "status"),
    [
        ("'%\\\\'", 200),  # an escaped backslash at the end: fine
        ("'1\\%'", 200),
        ("'%\\\\\\'", 400),  # three: the last one escapes nothing
        ("CASEI('%\\')", 400),
        ("label", 400),  # CQL2: a pattern is a string literal
        ("5", 400),
    ],
)
def test_like_patterns(demo_client: TestClient, pattern: str, status: int) -> None:
    r = demo_client.get(
        "/collections/markers/items", params={"filter": f"label LIKE {pattern}", "limit": 1}
    )
    assert r.status_code == status, r.text
    if status == 400:
        assert r.json()["detail"].startswith("filter:")


def test_the_parser_refuses_nul_itself() -> None:
    # The same parser serves ``bordermap export --filter``.
    with pytest.raises(cql2.CQL2Error, match="NUL"):
        cql2.parse("label = 'a\x00b'")


def test_oversized_body_is_a_413(demo_client: TestClient) -> None:
    r = demo_client.request("GET", "/collections", content=b"x" * (33 << 20))
    assert r.status_code == 413
    assert "request body larger than" in r.json()["detail"]
