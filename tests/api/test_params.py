"""One parser: every route takes the same date and date-time forms, and refuses the same."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

pytestmark = pytest.mark.db

# Each is 1 January 2024 (a date-time means its UTC day).
SAME_DAY = ("2024-01-01", "2024-01-01T00:00:00Z", "2024-01-01T07:00:00+07:00", "2024-01-01 12:00")
BAD = ("2024-13-01", "2024/01/01", "01-01-2024", "yesterday")
ROUTES = (
    "/collections/markers/items?limit=20&sortby=label&as_of={d}",
    "/collections/officer_coverage/items?limit=20&as_of={d}",
    "/progress/segments?as_of={d}",
    "/coverage/provinces?as_of={d}",
    "/spatial/markers/nearest?lon=105.3&lat=23.3&as_of={d}",
    "/maps/progress?border=LA&as_of={d}",
)


def _answer(client: TestClient, route: str, day: str) -> object:
    """The answer, less what only echoes the request (links, time stamp)."""
    r = client.get(route.format(d=quote(day)))
    assert r.status_code == 200, (route, day, r.text[:300])
    if "json" not in r.headers["content-type"]:
        return r.content
    body = r.json()
    return {k: v for k, v in body.items() if k not in ("links", "timeStamp")}


@pytest.mark.parametrize("route", ROUTES)
def test_every_route_reads_dates_and_date_times_alike(demo_client: TestClient, route: str) -> None:
    first = _answer(demo_client, route, SAME_DAY[0])
    for day in SAME_DAY[1:]:
        assert _answer(demo_client, route, day) == first, (route, day)


@pytest.mark.parametrize("day", BAD)
def test_every_route_refuses_a_bad_date_with_one_message(demo_client: TestClient, day: str) -> None:
    messages = set()
    for route in ROUTES:
        r = demo_client.get(route.format(d=quote(day)))
        assert r.status_code == 400, (route, day)
        messages.add(r.json()["detail"])
    assert len(messages) == 1, messages
    assert messages.pop().startswith(f"as_of: {day!r} is not")
