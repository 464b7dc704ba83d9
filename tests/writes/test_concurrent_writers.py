"""Two writers on one marker over real sockets: exactly one wins, the other gets 412, and
the winner's change is what is stored (nothing lost, nothing half-written)."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.conftest import drop_database, serve
from tests.writes.conftest import make_write_db

ITEMS = "/collections/markers/items"


@pytest.fixture
def own_server(server_url: str) -> Iterator[tuple[str, str, dict[str, dict[str, str]]]]:
    """uvicorn on a free loopback port, on a write database of its own (never the demo's)."""
    url, headers = make_write_db(server_url)
    try:
        with serve(url) as base:
            yield base, url, headers
    finally:
        drop_database(server_url, url)


def test_two_writers_exactly_one_wins(
    own_server: tuple[str, str, dict[str, dict[str, str]]],
) -> None:
    base, url, headers = own_server
    with httpx.Client(base_url=base, timeout=30) as c:
        mid = c.get(ITEMS, params={"filter": "number = 12"}).json()["features"][0]["id"]
        etag = c.get(f"{ITEMS}/{mid}").headers["etag"]
    results: dict[str, httpx.Response] = {}
    barrier = threading.Barrier(2)

    def write(who: str, material: str) -> None:
        with httpx.Client(base_url=base, timeout=30) as c:
            barrier.wait()
            results[who] = c.patch(
                f"{ITEMS}/{mid}",
                content=f'{{"properties": {{"material": "{material}"}}}}'.encode(),
                headers={
                    **headers[who],
                    "If-Match": etag,
                    "Content-Type": "application/merge-patch+json",
                },
            )

    for _ in range(3):  # a few rounds: the race must never let both through
        threads = [
            threading.Thread(target=write, args=("editor", "granite")),
            threading.Thread(target=write, args=("admin", "concrete")),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        codes = sorted(r.status_code for r in results.values())
        assert codes == [200, 412], {k: (r.status_code, r.text) for k, r in results.items()}
        winner = next(k for k, r in results.items() if r.status_code == 200)
        won = results[winner]
        eng = create_engine(url)
        with eng.connect() as conn:
            stored, version = conn.execute(
                text("SELECT material, version FROM marker WHERE id = :m"), {"m": mid}
            ).one()
            audits = conn.execute(
                text("SELECT count(*) FROM audit_event WHERE item_type = 'marker'")
            ).scalar_one()
        eng.dispose()
        assert stored == won.json()["properties"]["material"]
        assert won.headers["etag"] == f'"m{mid}-{version}-{won.headers["etag"].split("-")[-1]}'
        etag = won.headers["etag"]  # next round starts from the winner's version
        results.clear()
    assert audits == 3  # one audit row per successful write, none for the refused ones
