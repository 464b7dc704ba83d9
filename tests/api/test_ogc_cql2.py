"""CQL2-text: the parser (pure) and the compiled filters against the demo database."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, text

from service.db.features import count_matched
from service.ogc import cql2
from service.ogc.collections import get_collection
from service.ogc.params import parse_items_query

TODAY = dt.date(2026, 1, 1)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            "status = 'planted'",
            cql2.Comparison("=", cql2.Property("status"), cql2.Literal("planted", "string")),
        ),
        ("number<>5", cql2.Comparison("<>", cql2.Property("number"), cql2.Literal(5, "number"))),
        (
            "elevation_m >= -1.5e2",
            cql2.Comparison(">=", cql2.Property("elevation_m"), cql2.Literal(-150.0, "number")),
        ),
        (
            "\"label\" = '1369(2)'",
            cql2.Comparison("=", cql2.Property("label"), cql2.Literal("1369(2)", "string")),
        ),
        (
            "name = 'Kho''ng'",
            cql2.Comparison("=", cql2.Property("name"), cql2.Literal("Kho'ng", "string")),
        ),
        (
            "synthetic = TRUE",
            cql2.Comparison("=", cql2.Property("synthetic"), cql2.Literal(True, "boolean")),
        ),
        (
            "status_date < DATE('2010-01-02')",
            cql2.Comparison(
                "<", cql2.Property("status_date"), cql2.Literal(dt.date(2010, 1, 2), "date")
            ),
        ),
        ("a IS NOT NULL", cql2.IsNull(cql2.Property("a"), True)),
        ("a NOT LIKE 'x%'", cql2.Like(cql2.Property("a"), cql2.Literal("x%", "string"), True)),
        (
            "a between 1 and 3",
            cql2.Between(cql2.Property("a"), cql2.Literal(1, "number"), cql2.Literal(3, "number")),
        ),
        (
            "a IN ('x', 'y')",
            cql2.In(cql2.Property("a"), (cql2.Literal("x", "string"), cql2.Literal("y", "string"))),
        ),
        (
            "CASEI(name) = casei('ABC')",
            cql2.Comparison(
                "=", cql2.CaseI(cql2.Property("name")), cql2.CaseI(cql2.Literal("ABC", "string"))
            ),
        ),
        ("TRUE", cql2.BoolConst(True)),
    ],
)
def test_parse_predicates(source: str, expected: cql2.Node) -> None:
    assert cql2.parse(source) == expected


def test_precedence_and_parentheses() -> None:
    a = cql2.Comparison("=", cql2.Property("a"), cql2.Literal(1, "number"))
    b = cql2.Comparison("=", cql2.Property("b"), cql2.Literal(2, "number"))
    c = cql2.Comparison("=", cql2.Property("c"), cql2.Literal(3, "number"))
    assert cql2.parse("a=1 OR b=2 AND c=3") == cql2.Or((a, cql2.And((b, c))))
    assert cql2.parse("(a=1 OR b=2) AND c=3") == cql2.And((cql2.Or((a, b)), c))
    assert cql2.parse("NOT a=1 and not (b=2)") == cql2.And((cql2.Not(a), cql2.Not(b)))


def test_geometry_literals() -> None:
    node = cql2.parse("S_INTERSECTS(geometry, BBOX(104, 22, 105, 23))")
    assert isinstance(node, cql2.Spatial) and isinstance(node.right, cql2.GeometryLiteral)
    assert node.right.wkt() == "POLYGON((104.0 22.0,105.0 22.0,105.0 23.0,104.0 23.0,104.0 22.0))"
    point = cql2.parse("s_within(POINT(105.1 21.2), geometry)")
    assert isinstance(point, cql2.Spatial) and point.op == "S_WITHIN"
    assert isinstance(point.left, cql2.GeometryLiteral)
    assert point.left.wkt() == "POINT(105.1 21.2)"
    multi = cql2.parse("S_INTERSECTS(geometry, MULTIPOINT((1 2), (3 4)))")
    assert isinstance(multi, cql2.Spatial) and isinstance(multi.right, cql2.GeometryLiteral)
    assert multi.right.wkt() == "MULTIPOINT(1.0 2.0,3.0 4.0)"


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("", "empty"),
        ("status = ", "expected a property name or a literal at position 10"),
        ("status == 'x'", "position 9"),
        ("status = 'x' AND", "end of filter"),
        ("(a = 1", "expected ')'"),
        ("a = 1)", "AND, OR or the end"),
        ("a ! 1", "unexpected character '!'"),
        ("a NOT 1", "LIKE, BETWEEN or IN after NOT"),
        ("a", "a comparison operator"),
        ("DATE('2020-13-01') = a", "not a valid date"),
        ("and = 1", "keyword"),
        ("S_INTERSECTS(geometry, POLYGON((0 0, 1 0, 1 1)))", "must be closed"),
        ("S_INTERSECTS(geometry, LINESTRING(0 0))", "at least 2 positions"),
        ("S_INTERSECTS(geometry, 'x')", "geometry literal"),
        ("a = 'unterminated", "unexpected character"),
        ("(" * 60 + "a = 1" + ")" * 60, "nested deeper"),
    ],
)
def test_parse_errors_name_the_problem(source: str, message: str) -> None:
    with pytest.raises(cql2.CQL2Error, match="filter") as info:
        cql2.parse(source)
    assert message in str(info.value)


def _count(engine: Engine, collection: str, params: dict[str, str]) -> int:
    q = parse_items_query(
        get_collection(collection), params, default_limit=10, max_limit=10, today=TODAY
    )
    with engine.connect() as conn:
        return count_matched(conn, q, TODAY)


def _sql(engine: Engine, sql: str, **params: object) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text(sql), params).scalar_one())


def test_filters_match_sql(demo_engine: Engine) -> None:
    """Compiled CQL2 selects what the same condition in hand-written SQL selects."""
    cases = [
        (
            "markers",
            "number < 100 AND border = 'CN'",
            "SELECT count(*) FROM marker WHERE number < 100 AND border_code = 'CN'",
        ),
        (
            "markers",
            "border = 'LA' OR (border = 'KH' AND marker_class <> 'main')",
            "SELECT count(*) FROM marker WHERE border_code = 'LA'"
            " OR (border_code = 'KH' AND marker_class <> 'main')",
        ),
        (
            "markers",
            "NOT (number BETWEEN 10 AND 20) AND sub_number IS NULL",
            "SELECT count(*) FROM marker WHERE NOT (number BETWEEN 10 AND 20)"
            " AND sub_number IS NULL",
        ),
        (
            "markers",
            "label LIKE '1%' AND marker_class IN ('secondary', 'coc_dau')",
            "SELECT count(*) FROM marker WHERE label LIKE '1%'"
            " AND marker_class IN ('secondary', 'coc_dau')",
        ),
        (
            "communes",
            "CASEI(unit_type) = CASEI('XA') AND era = 'post2025'",
            "SELECT count(*) FROM commune WHERE lower(unit_type) = lower('XA')"
            " AND era = 'post2025'",
        ),
        (
            "communes",
            "valid_to <= DATE('2025-07-01') AND is_land_border = true",
            "SELECT count(*) FROM commune WHERE valid_to <= DATE '2025-07-01' AND is_land_border",
        ),
        (
            "communes",
            "S_INTERSECTS(geometry, BBOX(104, 21, 106, 23))",
            "SELECT count(*) FROM commune WHERE ST_Intersects(geom,"
            " ST_MakeEnvelope(104, 21, 106, 23, 4326))",
        ),
        (
            "markers",
            "S_WITHIN(geometry, POLYGON((104 21, 106 21, 106 23, 104 23, 104 21)))",
            "SELECT count(*) FROM marker WHERE ST_Within(geom,"
            " ST_MakeEnvelope(104, 21, 106, 23, 4326))",
        ),
    ]
    for collection, filter_, sql in cases:
        expected = _sql(demo_engine, sql)
        assert expected > 0, sql
        assert _count(demo_engine, collection, {"filter": filter_}) == expected, filter_


def test_status_filter_uses_status_on_the_date(demo_engine: Engine) -> None:
    day = "2015-06-30"
    expected = _sql(
        demo_engine,
        "SELECT count(*) FROM marker_status_as_of(:d) WHERE status = 'planted'",
        d=dt.date(2015, 6, 30),
    )
    got = _count(demo_engine, "markers", {"filter": "status = 'planted'", "as_of": day})
    assert got == expected


def test_filter_crs_transforms_literals(demo_engine: Engine) -> None:
    """A box written in VN-2000 / TM-3 105-30 (EPSG:9209) selects the markers inside it."""
    from geo.crs import from_wgs84

    x0, y0 = from_wgs84(104.5, 22.0, 9209)
    x1, y1 = from_wgs84(105.5, 23.0, 9209)
    in_9209 = _count(
        demo_engine,
        "markers",
        {
            "filter": f"S_INTERSECTS(geometry, BBOX({x0}, {y0}, {x1}, {y1}))",
            "filter-crs": "http://www.opengis.net/def/crs/EPSG/0/9209",
        },
    )
    in_84 = _count(
        demo_engine, "markers", {"filter": "S_INTERSECTS(geometry, BBOX(104.5, 22.0, 105.5, 23.0))"}
    )
    # The projected box's edges are straight in metres, not in degrees: close, not equal.
    assert in_84 > 0 and abs(in_9209 - in_84) <= max(3, in_84 // 50)
    lat_first = _count(
        demo_engine,
        "markers",
        {
            "filter": "S_INTERSECTS(geometry, BBOX(22.0, 104.5, 23.0, 105.5))",
            "filter-crs": "http://www.opengis.net/def/crs/EPSG/0/4326",
        },
    )
    assert lat_first == in_84


@pytest.mark.parametrize(
    ("collection", "filter_", "message"),
    [
        ("markers", "colour = 'red'", "'colour' is not a queryable of markers"),
        ("markers", "number = 'five'", "compares a number with a string"),
        ("markers", "label > 5", "compares a string with a number"),
        ("markers", "synthetic LIKE 't%'", "LIKE compares a boolean with a string"),
        ("markers", "status_date = '2020-99-01'", "compares a date with a string"),
        ("markers", "S_INTERSECTS(label, POINT(1 2))", "spatial functions take the property"),
        ("markers", "geometry = 1", "geometry can only be used in spatial functions"),
        ("communes", "neighbour_countries = 'CN'", "not a queryable"),
        ("markers", "S_INTERSECTS(geometry, POINT(500 2))", "outside the globe"),
    ],
)
def test_bad_filters_are_400(
    demo_engine: Engine, collection: str, filter_: str, message: str
) -> None:
    from service.errors import BadRequest

    with pytest.raises(BadRequest) as info:
        _count(demo_engine, collection, {"filter": filter_})
    assert message in str(info.value)
