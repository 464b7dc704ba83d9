"""Bad input: each file is refused with an error naming the row and field (or the file), and the
database is exactly as before (row counts and an md5 of every table, data version included)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine

from service.ingest import ImportOptions, ImportReport, run_import
from tests.ingest.conftest import db_state, feature, write_csv, write_geojson

BOWTIE = {
    "type": "Polygon",
    "coordinates": [
        [[105.30, 23.0], [105.40, 23.1], [105.40, 23.0], [105.30, 23.1], [105.30, 23.0]]
    ],
}
SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [[105.30, 23.0], [105.40, 23.0], [105.40, 23.1], [105.30, 23.1], [105.30, 23.0]]
    ],
}


def _broken_json(tmp: Path) -> ImportOptions:
    p = tmp / "broken.geojson"
    p.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature", "prop', "utf-8")
    return ImportOptions("markers", p)


def _swapped_lat_lon(tmp: Path) -> ImportOptions:
    rows = [
        {"border": "CN", "number": 901, "lon": 104.8496, "lat": 22.9369},
        {"border": "CN", "number": 902, "lon": 22.9370, "lat": 104.8497},
    ]
    return ImportOptions("markers", write_csv(tmp / "swapped.csv", rows))


def _self_intersecting_refused(tmp: Path) -> ImportOptions:
    f = feature(BOWTIE, code="00999", fullName="Xã Thử Nghiệm", provinceCode="08")
    return ImportOptions("communes", write_geojson(tmp / "bowtie.geojson", [f]), repair=False)


def _unknown_province(tmp: Path) -> ImportOptions:
    f = feature(SQUARE, code="00998", fullName="Xã Không Rõ", provinceCode="99")
    return ImportOptions("communes", write_geojson(tmp / "unknown.geojson", [f]))


def _malformed_code(tmp: Path) -> ImportOptions:
    f = feature(SQUARE, code="7A15", fullName="Xã Lỗi Mã", provinceCode="08")
    return ImportOptions("communes", write_geojson(tmp / "badcode.geojson", [f]))


def _duplicate_marker(tmp: Path) -> ImportOptions:
    rows = [
        {"border": "CN", "label": "905(1)", "lon": 104.80, "lat": 22.908},
        {"border": "CHN", "label": "905(1)", "lon": 104.801, "lat": 22.909},
    ]
    return ImportOptions("markers", write_csv(tmp / "dupe.csv", rows))


def _wrong_zone(tmp: Path) -> ImportOptions:
    # Hà Giang coordinates (zone 105-30) declared as zone 103-00: ~250 km west of the line.
    rows = [{"border": "CN", "number": 903, "X": 2537547.744, "Y": 433094.760}]
    return ImportOptions(
        "markers", write_csv(tmp / "zone.csv", rows), crs="EPSG:9205", axis_order="northing_easting"
    )


def _unsupported_crs(tmp: Path) -> ImportOptions:
    rows = [{"border": "CN", "number": 904, "x": 500000, "y": 2537000}]
    return ImportOptions("markers", write_csv(tmp / "utm.csv", rows), crs="EPSG:32648")


def _unsupported_file_crs(tmp: Path) -> ImportOptions:
    f = feature({"type": "Point", "coordinates": [11671000.0, 2624000.0]}, border="CN", number=910)
    crs_member = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}}
    return ImportOptions("markers", write_geojson(tmp / "webmerc.geojson", [f], crs=crs_member))


def _projected_without_crs(tmp: Path) -> ImportOptions:
    # GeoJSON has no CRS member, so GDAL says WGS 84: metres read as degrees.
    f = feature({"type": "Point", "coordinates": [433094.76, 2537547.74]}, border="CN", number=905)
    return ImportOptions("markers", write_geojson(tmp / "metres.geojson", [f]))


def _csv_xy_without_crs(tmp: Path) -> ImportOptions:
    rows = [{"border": "CN", "number": 906, "x": 433094.76, "y": 2537547.74}]
    return ImportOptions("markers", write_csv(tmp / "nocrs.csv", rows))


def _empty_file(tmp: Path) -> ImportOptions:
    p = tmp / "empty.geojson"
    p.write_bytes(b"")
    return ImportOptions("communes", p)


def _no_features(tmp: Path) -> ImportOptions:
    return ImportOptions("communes", write_geojson(tmp / "nofeatures.geojson", []))


def _header_only_csv(tmp: Path) -> ImportOptions:
    p = tmp / "header.csv"
    p.write_text("border,number,lon,lat\n", "utf-8")
    return ImportOptions("markers", p)


def _non_utf8_csv(tmp: Path) -> ImportOptions:
    rows = [{"border": "CN", "number": 907, "lon": 104.80, "lat": 22.908, "note": "Hà Giang"}]
    # Vietnamese Windows code page: not UTF-8.
    return ImportOptions("markers", write_csv(tmp / "cp1258.csv", rows, encoding="cp1258"))


def _bad_values(tmp: Path) -> ImportOptions:
    rows = [
        {
            "border": "XX",
            "number": "12a",
            "lon": 104.80,
            "lat": 22.908,
            "status": "lost",
            "status_date": "2030-01-01",
        },
    ]
    return ImportOptions("markers", write_csv(tmp / "values.csv", rows))


def _status_without_date(tmp: Path) -> ImportOptions:
    rows = [
        {
            "border": "CN",
            "number": 908,
            "lon": 104.80,
            "lat": 22.908,
            "status": "planted",
            "status_date": "",
        }
    ]
    return ImportOptions("markers", write_csv(tmp / "nodate.csv", rows))


def _far_from_border(tmp: Path) -> ImportOptions:
    rows = [{"border": "LA", "number": 909, "lon": 104.80, "lat": 22.908}]  # a CN position
    return ImportOptions("markers", write_csv(tmp / "far.csv", rows))


def _bad_dates(tmp: Path) -> ImportOptions:
    f = feature(
        SQUARE,
        code="00997",
        fullName="Xã Ngày Sai",
        provinceCode="08",
        valid_from="2026-01-01",
        valid_to="2025-12-31",
    )
    return ImportOptions("communes", write_geojson(tmp / "dates.geojson", [f]))


def _wrong_geometry_type(tmp: Path) -> ImportOptions:
    line = {"type": "LineString", "coordinates": [[105.3, 23.0], [105.4, 23.1]]}
    f = feature(line, code="00996", fullName="Xã Đường", provinceCode="08")
    return ImportOptions("communes", write_geojson(tmp / "line.geojson", [f]))


def _code_unknown_for_era(tmp: Path) -> ImportOptions:
    # 00997 is a pre-2025 code (Xã Yên Phong), absent from the post-2025 list.
    f = feature(SQUARE, code="00997", fullName="Xã Yên Phong", provinceCode="08")
    return ImportOptions("communes", write_geojson(tmp / "oldcode.geojson", [f]), era="post2025")


def _no_coordinate_columns(tmp: Path) -> ImportOptions:
    rows = [{"border": "CN", "number": 911, "toa_do_1": 2537547.7, "toa_do_2": 433094.8}] * 3
    return ImportOptions("markers", write_csv(tmp / "nocoords.csv", rows), crs="EPSG:9209")


def _text_in_coordinate(tmp: Path) -> ImportOptions:
    rows = [{"border": "CN", "number": 912, "northing_m": "2537547,7", "easting_m": "n/a"}]
    return ImportOptions("markers", write_csv(tmp / "textcoord.csv", rows), crs="EPSG:9209")


def _bad_row_crs(tmp: Path) -> ImportOptions:
    rows = [
        {"border": "CN", "number": 913, "X": 2537547.744, "Y": 433094.760, "epsg": "9209"},
        {"border": "CN", "number": 914, "X": 2537547.744, "Y": 433094.760, "epsg": "32648"},
    ]
    return ImportOptions(
        "markers", write_csv(tmp / "rowcrs.csv", rows), axis_order="northing_easting"
    )


def _too_far_for_approximate_line(tmp: Path) -> ImportOptions:
    # 60 km from the approximate LA line: not the line's inaccuracy.
    rows = [{"border": "LA", "number": 915, "lon": 104.25, "lat": 19.45}]
    return ImportOptions("markers", write_csv(tmp / "farla.csv", rows))


# (file maker, expected row or None for the whole file, field or None, text in the reason)
CASES: list[tuple[Callable[[Path], ImportOptions], int | None, str | None, str]] = [
    (_broken_json, None, None, "cannot read broken.geojson as GeoJSON"),
    (_swapped_lat_lon, 3, "lon/lat", "latitude and longitude look swapped"),
    (_self_intersecting_refused, 1, "geometry", "invalid geometry: Self-intersection"),
    (_unknown_province, 1, "provinceCode", "province 99 is not in the database for era post2025"),
    (_malformed_code, 1, "code", "'7A15' is not a 5-digit code"),
    (
        _duplicate_marker,
        3,
        "border/number/same_number_index/sub_number",
        "duplicate CN/905/1/-: already at line 2",
    ),
    (_wrong_zone, 2, "geometry", "from the CN border line (limit 2,000 m): wrong position, CRS"),
    (_unsupported_crs, None, None, "EPSG:32648 is not supported"),
    (_unsupported_file_crs, None, None, "the file's CRS: EPSG:3857 is not supported"),
    (_projected_without_crs, 1, "geometry", "are not degrees"),
    (_csv_xy_without_crs, None, None, "the coordinates have no CRS; pass --crs"),
    (_empty_file, None, None, "empty.geojson is empty (0 bytes)"),
    (_no_features, None, None, "nofeatures.geojson has no features"),
    (_header_only_csv, None, None, "has column names but no data rows"),
    (_non_utf8_csv, None, None, "cp1258.csv is not UTF-8: byte 0x"),
    (_bad_values, 2, "border", "'XX' is not a border"),
    (_bad_values, 2, "number", "'12a' is not an integer"),
    (_bad_values, 2, "status", "'lost' is not one of planned"),
    (_bad_values, 2, "status_date", "2030-01-01 is not between 1885 and today"),
    (_status_without_date, 2, "status_date", "status 'planted' needs a date"),
    (_far_from_border, 2, "geometry", "from the LA border line"),
    (_bad_dates, 1, "valid_to", "is not after valid_from 2026-01-01"),
    (_wrong_geometry_type, 1, "geometry", "expected a polygon geometry, got LineString"),
    (_code_unknown_for_era, 1, "code", "commune code 00997 is not known for era post2025"),
    (
        _no_coordinate_columns,
        None,
        None,
        "no coordinate columns recognised; found columns: border, number, toa_do_1, toa_do_2;"
        " expected lon/lat",
    ),
    (_text_in_coordinate, 2, "easting_m", "'n/a' is not a number"),
    (_bad_row_crs, 3, "epsg", "EPSG:32648 is not supported"),
    (_too_far_for_approximate_line, 2, "geometry", "too far even for an approximate line"),
]


@pytest.mark.parametrize(
    ("make", "row", "field", "reason"), CASES, ids=[f"{c[0].__name__[1:]}-{c[2]}" for c in CASES]
)
def test_bad_file_is_refused_and_db_unchanged(
    ingest_engine: Engine,
    tmp_path: Path,
    make: Callable[[Path], ImportOptions],
    row: int | None,
    field: str | None,
    reason: str,
) -> None:
    options = make(tmp_path)
    before = db_state(ingest_engine)
    report: ImportReport = run_import(ingest_engine, options)
    assert not report.ok and not report.committed
    matching = [e for e in report.errors if reason in e.reason]
    assert matching, f"no error containing {reason!r}: {[str(e) for e in report.errors]}"
    assert (matching[0].row, matching[0].field) == (row, field)
    assert "REFUSED" in report.summary() and "database unchanged" in report.summary()
    assert db_state(ingest_engine) == before


def test_one_bad_row_refuses_the_whole_file(ingest_engine: Engine, tmp_path: Path) -> None:
    rows = [
        {"border": "CN", "number": 950 + i, "lon": 104.80 + i * 0.0005, "lat": 22.908 + i * 0.0003}
        for i in range(20)
    ]
    rows[17]["lat"] = "22,9O8"  # a letter O among the digits
    before = db_state(ingest_engine)
    report = run_import(
        ingest_engine, ImportOptions("markers", write_csv(tmp_path / "m.csv", rows), batch_size=5)
    )
    assert [str(e) for e in report.errors] == ["line 19, field 'lat': '22,9O8' is not a number"]
    assert report.rows_read == 20 and report.rows_valid == 19
    assert db_state(ingest_engine) == before


def test_self_intersecting_polygon_is_repaired_with_a_note(
    ingest_engine: Engine, tmp_path: Path
) -> None:
    f = feature(BOWTIE, code="00763", fullName="Xã Nơ Bướm", provinceCode="08")
    report = run_import(
        ingest_engine, ImportOptions("communes", write_geojson(tmp_path / "bowtie.geojson", [f]))
    )
    assert report.ok and report.counts["new"] == 1
    assert [(w.row, w.field) for w in report.warnings] == [(1, "geometry")]
    assert "repaired invalid geometry (Self-intersection" in report.warnings[0].reason
    from sqlalchemy import text

    with ingest_engine.connect() as c:
        valid, parts, source = c.execute(
            text(
                "SELECT ST_IsValid(geom), ST_NumGeometries(geom), geom_source FROM commune"
                " WHERE era = 'post2025' AND code = '00763'"
            )
        ).one()
    assert valid and parts == 2 and source == "imported"
