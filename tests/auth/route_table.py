"""The role matrix: what every route answers each principal. ONE table for the whole app.

Every route of the app needs an entry here (``test_role_matrix`` fails on a route without
one), so a new route states its access rule when it is added. A key is ``(method, path)``
as the route declares it; the value gives the concrete request and the expected status per
principal (names in ``tests/auth/conftest.py``: ``PRINCIPALS``). Requests run against the
small map database (``tests/maps/conftest.py``: ``seed_small``) plus the provinces and
accounts of ``tests/auth/conftest.py`` (``matrix`` fixture), committed in a database of
its own; requests run in table order, so a write's expectations can rely on the ones before.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


def expect(
    anonymous: int,
    analyst: int,
    province_editor: int,
    editor: int,
    admin: int,
    bad: int,
) -> dict[str, int]:
    """Statuses per principal; ``bad`` covers disabled users, revoked, expired, garbage tokens."""
    return {
        "anonymous": anonymous,
        "analyst": analyst,
        "province_editor": province_editor,
        "editor": editor,
        "admin": admin,
        "disabled": bad,
        "revoked": bad,
        "expired": bad,
        "garbage": bad,
    }


# Public reads ignore credentials: they never look at them (and so cost nothing more).
PUBLIC = expect(200, 200, 200, 200, 200, 200)
PUBLIC_404 = expect(404, 404, 404, 404, 404, 404)
SIGNED_IN = expect(401, 200, 200, 200, 200, 401)
ADMIN_ONLY = expect(401, 403, 403, 403, 200, 401)


@dataclass(frozen=True)
class Case:
    """One request: ``url`` (path params filled in), optional JSON body, and the statuses."""

    url: str
    statuses: dict[str, int]
    json: Any = None
    headers: dict[str, str] = field(default_factory=dict)


OGC_COLLECTIONS = (
    "borders",
    "border_segments",
    "markers",
    "communes",
    "provinces",
    "officer_coverage",
    "border_posts",
    "border_gates",
)

ROUTES: dict[tuple[str, str], Case] = {
    ("GET", "/api"): Case("/api", PUBLIC),
    ("GET", "/api.html"): Case("/api.html", PUBLIC),
    ("GET", "/api-static"): Case("/api-static/swagger-ui-dist@5.35.0/LICENSE", PUBLIC),
    ("GET", "/healthz"): Case("/healthz", PUBLIC),
    ("GET", "/"): Case("/", PUBLIC),
    ("GET", "/conformance"): Case("/conformance", PUBLIC),
    ("GET", "/collections"): Case("/collections", PUBLIC),
    ("GET", "/collections/{collectionId}"): Case("/collections/nope", PUBLIC_404),
    ("GET", "/collections/{collectionId}/items"): Case("/collections/nope/items", PUBLIC_404),
    ("GET", "/collections/{collectionId}/queryables"): Case(
        "/collections/nope/queryables", PUBLIC_404
    ),
    ("GET", "/collections/{collectionId}/schema"): Case("/collections/nope/schema", PUBLIC_404),
    ("GET", "/collections/{collectionId}/items/{featureId}"): Case(
        "/collections/nope/items/1", PUBLIC_404
    ),
    ("GET", "/progress/borders"): Case("/progress/borders", PUBLIC),
    ("GET", "/progress/segments"): Case("/progress/segments", PUBLIC),
    ("GET", "/coverage/provinces"): Case("/coverage/provinces", PUBLIC),
    ("GET", "/coverage/communes"): Case("/coverage/communes", PUBLIC),
    # Public, but reads the credential: officers for readers; a bad token is refused.
    ("GET", "/search"): Case("/search?q=ha+giang", expect(200, 200, 200, 200, 200, 401)),
    ("GET", "/communes/{era}/{code}/lineage"): Case("/communes/pre2025/99999/lineage", PUBLIC_404),
    ("GET", "/spatial/communes-near-border"): Case("/spatial/communes-near-border?km=5", PUBLIC),
    ("GET", "/spatial/communes/{code}/markers"): Case("/spatial/communes/00001/markers", PUBLIC),
    ("GET", "/spatial/markers/nearest"): Case("/spatial/markers/nearest?lon=105&lat=22", PUBLIC),
    ("GET", "/maps/coverage"): Case("/maps/coverage", PUBLIC),
    ("GET", "/maps/markers"): Case("/maps/markers", PUBLIC),
    ("GET", "/maps/progress"): Case("/maps/progress", PUBLIC),
    ("GET", "/maps/changes"): Case("/maps/changes?from=2003-01-01&to=2013-01-01", PUBLIC),
    ("GET", "/overview"): Case("/overview", PUBLIC),
    ("GET", "/maps/communes"): Case("/maps/communes", PUBLIC),
    ("GET", "/readyz"): Case("/readyz", PUBLIC),
    ("GET", "/metrics"): Case("/metrics", PUBLIC),
    # Vector tiles (OGC API - Tiles).
    ("GET", "/tileMatrixSets"): Case("/tileMatrixSets", PUBLIC),
    ("GET", "/tileMatrixSets/WebMercatorQuad"): Case("/tileMatrixSets/WebMercatorQuad", PUBLIC),
    ("GET", "/collections/{collectionId}/tiles"): Case("/collections/nope/tiles", PUBLIC_404),
    ("GET", "/collections/{collectionId}/tiles/{rest:path}"): Case(
        "/collections/nope/tiles/WebMercatorQuad", PUBLIC_404
    ),
    ("GET", "/maps/static/{path:path}"): Case(
        "/maps/static/vendor/leaflet@1.9.4/leaflet.js", PUBLIC
    ),
    # Reporting (targets, posts, coordination, the yearly report).
    ("GET", "/progress/activity"): Case("/progress/activity?year=2011", PUBLIC),
    ("GET", "/coverage/targets"): Case("/coverage/targets", PUBLIC),
    ("GET", "/coverage/targets/{target_id}"): Case("/coverage/targets/999999", PUBLIC_404),
    ("GET", "/coverage/classes"): Case("/coverage/classes", PUBLIC),
    ("GET", "/coverage/posts"): Case("/coverage/posts", PUBLIC),
    ("GET", "/coordination"): Case("/coordination", PUBLIC),
    ("GET", "/reports/{year}"): Case("/reports/2011", PUBLIC),
    # Editors and admins only: a coordination record is entered centrally, not per province.
    ("POST", "/coordination"): Case(
        "/coordination",
        expect(401, 403, 403, 201, 201, 401),
        json={
            "province_code": "04",
            "kind": "briefing",
            "event_date": "2011-03-01",
            "level": "tỉnh",
            "document_number": "12/BC",
            "decisions": "test",
        },
    ),  # fmt: skip
    # Accounts.
    ("GET", "/account"): Case("/account", SIGNED_IN),
    ("GET", "/audit"): Case("/audit", ADMIN_ONLY),
    # Sign-in pages: a bad bearer token is refused wherever the credential is read.
    ("GET", "/login"): Case("/login", expect(200, 200, 200, 200, 200, 401)),
    # No login CSRF cookie and field: refused before anything else (tests/auth/test_signin.py).
    ("POST", "/login"): Case("/login", expect(403, 403, 403, 403, 403, 403)),
    ("POST", "/logout"): Case("/logout", expect(200, 200, 200, 200, 200, 401)),
}

for _c in OGC_COLLECTIONS:
    ROUTES[("GET", f"/collections/{_c}")] = Case(f"/collections/{_c}", PUBLIC)
    ROUTES[("GET", f"/collections/{_c}/queryables")] = Case(f"/collections/{_c}/queryables", PUBLIC)
    ROUTES[("GET", f"/collections/{_c}/schema")] = Case(f"/collections/{_c}/schema", PUBLIC)
    ROUTES[("GET", f"/collections/{_c}/items")] = Case(f"/collections/{_c}/items", PUBLIC)
    ROUTES[("GET", f"/collections/{_c}/items/{{featureId}}")] = Case(
        f"/collections/{_c}/items/999999", PUBLIC_404
    )
for _c in ("border_segments", "communes", "markers"):
    _tiles = f"/collections/{_c}/tiles"
    ROUTES[("GET", _tiles)] = Case(_tiles, PUBLIC)
    ROUTES[("GET", f"{_tiles}/WebMercatorQuad")] = Case(f"{_tiles}/WebMercatorQuad", PUBLIC)
    ROUTES[("GET", f"{_tiles}/WebMercatorQuad/tilejson.json")] = Case(
        f"{_tiles}/WebMercatorQuad/tilejson.json", PUBLIC
    )
    ROUTES[("GET", f"{_tiles}/WebMercatorQuad/{{z}}/{{x}}/{{y}}")] = Case(
        f"{_tiles}/WebMercatorQuad/6/50/28", PUBLIC
    )
ROUTES[("GET", "/collections/borders/items/{featureId}")] = Case(
    "/collections/borders/items/CN", PUBLIC
)

# Writes (branch writes). The small map database's markers lie in 02 (pre2025) / 08
# (post2025): in the province_editor's scope. Requests repeat per principal in PRINCIPALS
# order, so a create answers 201 to the first writer (pe) and 409 to the next ones.
WRITE = "/collections/markers/items"
_MARKER = {
    "type": "Feature",
    "geometry": {"type": "Point", "coordinates": [104.2, 22.5]},
    "properties": {"border": "CN", "number": 950},
}
ROUTES.update(
    {
        ("POST", WRITE): Case(WRITE, expect(401, 403, 201, 409, 409, 401), json=_MARKER),
        # Without If-Match: a writer gets 428 (so nothing changes); others 401/403.
        ("PUT", WRITE + "/{featureId}"): Case(
            WRITE + "/1", expect(401, 403, 428, 428, 428, 401), json=_MARKER
        ),
        ("PATCH", WRITE + "/{featureId}"): Case(
            WRITE + "/1", expect(401, 403, 415, 415, 415, 401), json={"properties": {}}
        ),
        ("DELETE", WRITE + "/{featureId}"): Case(
            WRITE + "/1", expect(401, 403, 428, 428, 428, 401)
        ),
        ("POST", WRITE + "/{featureId}/events"): Case(
            WRITE + "/1/events",
            expect(401, 403, 201, 201, 201, 401),
            json={"status": "verified", "date": "2015-01-01"},
        ),
        ("POST", WRITE + "/{featureId}/inspections"): Case(
            WRITE + "/1/inspections",
            expect(401, 403, 201, 201, 201, 401),
            json={"inspected_on": "2020-01-01", "found_status": "intact", "inspecting_unit": "U"},
        ),
        ("GET", WRITE + "/{featureId}/inspections"): Case(WRITE + "/1/inspections", SIGNED_IN),
        ("GET", "/inspections/{inspection_id}"): Case("/inspections/1", SIGNED_IN),
        # A JSON body is no photo: 415 for writers (after the rights are checked).
        ("POST", "/inspections/{inspection_id}/photos"): Case(
            "/inspections/1/photos", expect(401, 403, 415, 415, 415, 401), json={}
        ),
        ("GET", "/inspections/{inspection_id}/photos/{photo_id}"): Case(
            "/inspections/1/photos/1", expect(401, 404, 404, 404, 404, 401)
        ),
        # Officers: a new officer has no province yet, so only unlimited writers add one.
        ("POST", "/officers"): Case(
            "/officers",
            expect(401, 403, 403, 201, 409, 401),
            json={"service_number": "M-1", "full_name": "Mẫu"},
        ),
        # Editors' forms: anonymous visitors are sent to sign in (the sign-in page, 200).
        ("GET", "/forms/markers/{marker_id}/{kind}"): Case(
            "/forms/markers/1/inspection", expect(200, 403, 200, 200, 200, 401)
        ),
        ("GET", "/forms/assignments/new"): Case(
            "/forms/assignments/new", expect(200, 403, 200, 200, 200, 401)
        ),
        ("GET", "/forms/assignments/{assignment_id}/end"): Case(
            "/forms/assignments/1/end", expect(200, 403, 200, 200, 200, 401)
        ),
        # An empty form: refused field by field (400) once the rights are checked.
        ("POST", "/forms/markers/{marker_id}/{kind}"): Case(
            "/forms/markers/1/event", expect(401, 403, 400, 400, 400, 401)
        ),
        ("POST", "/forms/assignments/new"): Case(
            "/forms/assignments/new", expect(401, 403, 400, 400, 400, 401)
        ),
        ("POST", "/forms/assignments/{assignment_id}/end"): Case(
            "/forms/assignments/1/end", expect(401, 403, 400, 400, 400, 401)
        ),
        ("GET", "/officers/{officer_id}"): Case("/officers/1", SIGNED_IN),
        ("PATCH", "/officers/{officer_id}"): Case(
            "/officers/1", expect(401, 403, 415, 415, 415, 401), json={"rank": "x"}
        ),
        ("POST", "/assignments"): Case(
            "/assignments",
            expect(401, 403, 201, 409, 409, 401),
            json={
                "officer_id": 1,
                "era": "post2025",
                "commune_code": "00001",
                "role": "can_bo_tang_cuong",
                "term": "2025-2030",
                "start_date": "2026-01-01",
            },
        ),
        ("POST", "/assignments/{assignment_id}/end"): Case(
            "/assignments/1/end",
            expect(401, 403, 200, 200, 200, 401),
            json={"end_date": "2026-06-01"},
        ),
        # Imports write across provinces: editors and admins only (a JSON body: 400, no file).
        ("POST", "/imports"): Case(
            "/imports?kind=markers", expect(401, 403, 403, 400, 400, 401), json={}
        ),
    }
)
