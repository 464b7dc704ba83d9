"""The map builders as pure functions: GeoDataFrames/dicts in, folium map out (no DB)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import threading
from typing import Any

import folium
import geopandas as gpd
import pytest
from folium.plugins import MarkerCluster
from shapely.geometry import LineString, Point, box

from maps import style
from maps.assets import LEAFLET, MARKERCLUSTER, VENDOR_DIR, Assets, OfflineMap, manifest
from maps.base import Basemap, new_map
from maps.charts import Bar, percent_bars_svg, year_bars_svg
from maps.coverage import coverage_map
from maps.elements import RawGeometry, features_js
from maps.markers import markers_map
from maps.progress import progress_map
from maps.render import check_page
from service.figures import CoverageSummary, Progress, ProvinceCoverage

EXTERNAL = re.compile(r"(?:https?:)?//([a-z0-9.-]+\.[a-z]{2,})", re.IGNORECASE)


def communes_gdf(names: list[str] | None = None) -> gpd.GeoDataFrame:
    names = names or ["Xã Một", "Xã Hai", "Xã Ba", "Xã Bốn"]
    rows = []
    for i, name in enumerate(names):
        rows.append(
            {
                "code": f"{i + 1:05d}",
                "name": name,
                "province_code": "02",
                "province_name": "Hà Giang",
                "is_land_border": i < 3,
                "is_coastal": i >= 2,
                "officers": i,
                "officers_by_role": {"dang_uy_vien": i} if i else {},
                "geometry": box(104 + i * 0.1, 22.0, 104.1 + i * 0.1, 22.1),
            }
        )
    # In a projected CRS on purpose: the builder must reproject to WGS 84.
    return gpd.GeoDataFrame(rows, crs=4326).to_crs(3405)


def figures(**overrides: Any) -> CoverageSummary:
    """Coverage figures for the summary panel; ``overrides`` set fields of the totals."""
    base: dict[str, Any] = {
        "province_code": None,
        "province_name": None,
        "communes": 4,
        "land_communes": 3,
        "coastal_communes": 2,
        "covered": 3,
        "uncovered": 1,
        "covered_pct": 75.0,
        "officers": 5,
        "officers_by_role": {"dang_uy_vien": 5},
        "synthetic": True,
    }
    base.update(overrides)
    totals = ProvinceCoverage(**base)
    return CoverageSummary(
        as_of=dt.date(2024, 1, 1),
        era="pre2025",
        kind="all",
        provinces=[],
        totals=totals,
        synthetic=totals.synthetic,
    )


def border_row(code: str, name: str, pct_km: float, km: float, length: float) -> Progress:
    """A border's progress row (only the fields the progress map shows matter)."""
    return Progress(
        border_code=code,
        border_name=name,
        segment_code=None,
        province_code=None,
        province_name=None,
        markers_total=4,
        markers_planned=1,
        markers_planted=3,
        markers_verified=0,
        markers_damaged=0,
        by_status={"planted": 3, "planned": 1},
        markers_expected=None,
        pct_markers=75.0,
        positions_done=3,
        positions_expected=None,
        pct_positions=None,
        length_km=length,
        length_basis="official",
        measured_km=length,
        km_demarcated=km,
        pct_km=pct_km,
        demarcated_flag=None,
        synthetic=False,
    )


def render(m: folium.Map) -> str:
    return str(m.get_root().render())


def layer_data(html: str, class_name: str) -> dict[str, Any]:
    """The GeoJSON of the layer whose paths get ``class_name`` (from its JSON block)."""
    m = re.search(
        rf'<script type="application/json" id="\w+"\s+data-class="{class_name}">(.*?)</script>',
        html,
    )
    assert m, f"no layer {class_name}"
    data: dict[str, Any] = json.loads(m.group(1))
    return data


def external_hosts(html: str) -> set[str]:
    return set(EXTERNAL.findall(html))


def test_coverage_map_from_a_projected_geodataframe() -> None:
    m = coverage_map(
        communes_gdf(), figures(), scope="Hà Giang (02)", basemap=Basemap(), assets=Assets.served()
    )
    assert isinstance(m, OfflineMap)
    html = render(m)
    land = layer_data(html, "bm-commune communes_land")
    assert [f["id"] for f in land["features"]] == ["00001", "00002", "00003"]
    ring = land["features"][0]["geometry"]["coordinates"][0]
    assert [104.0, 22.0] in ring and [104.1, 22.1] in ring  # back in WGS 84, rounded
    assert [f["properties"]["cls"] for f in land["features"]] == ["uncovered", "c1", "c2"]
    assert "Coastal communes (1)" in html and "Land-border communes (3)" in html
    # Legend counts per class, summary figures as given, synthetic banner.
    for key, n in {"uncovered": 1, "c1": 1, "c2": 1, "c3": 1, "c5": 0}.items():
        assert f'data-class=\\"{key}\\"' in html
        assert re.search(rf'data-class=\\"{key}\\".*?class=\\"n\\"\\u003e{n}\\u003c', html)
    assert re.search(r'data-key=\\"officers\\".*?\\u003e5\\u003c', html)
    assert "SYNTHETIC DEMO DATA" in html
    assert external_hosts(html) == set()
    assert '<script src="/maps/static/vendor/leaflet@1.9.4/leaflet.js"></script>' in html


def test_no_banner_for_real_data() -> None:
    html = render(
        coverage_map(
            communes_gdf(),
            figures(synthetic=False),
            scope="Hà Giang (02)",
            basemap=Basemap(),
            assets=Assets.served(),
        )
    )
    assert "bm-banner" in html  # the CSS is always there...
    assert 'id="bm-banner"' not in html  # ...the banner only for synthetic data


def test_data_is_never_evaluated_as_a_template_nor_breaks_the_script() -> None:
    nasty = ["{{ 7*7 }}", "{% for x in range(3) %}X{% endfor %}", "</script><b>x</b>", "A & B"]
    html = render(
        coverage_map(
            communes_gdf(nasty),
            figures(),
            scope="Hà Giang (02)",
            basemap=Basemap(),
            assets=Assets.served(),
        )
    )
    assert '"name":"{{ 7*7 }}"' in html and '"name":"49"' not in html
    assert '"name":"{% for x in range(3) %}X{% endfor %}"' in html
    assert "</script><b>" not in html and "\\u003c/script\\u003e" in html


def test_raw_geometry_is_copied_verbatim() -> None:
    geom = RawGeometry('{"type":"Point","coordinates":[104.12345,22.5]}')
    text = features_js([{"id": "a", "geometry": geom, "properties": {"k": "<v>"}}])
    assert json.loads(text)["features"][0]["geometry"]["coordinates"] == [104.12345, 22.5]
    assert geom in text and "<v>" not in text


def test_missing_property_is_a_clear_error() -> None:
    gdf = communes_gdf().drop(columns=["officers_by_role"])
    with pytest.raises(ValueError, match="officers_by_role"):
        coverage_map(
            gdf, figures(), scope="Hà Giang (02)", basemap=Basemap(), assets=Assets.served()
        )


def segments_fc() -> dict[str, Any]:
    feats = []
    for i, pct in enumerate([None, 10.0, 60.0, 99.5]):
        feats.append(
            {
                "type": "Feature",
                "geometry": LineString([(104 + i, 22), (104.5 + i, 22.2)]).__geo_interface__,
                "properties": {
                    "segment_code": f"0{i}-CHN",
                    "border_code": "CN",
                    "province_name": f"P{i}",
                    "pct_km": pct,
                    "km_demarcated": None if pct is None else pct,
                    "length_km": 100.0,
                    "markers_planted": i,
                    "markers_total": 4,
                    "pct_markers": 25.0 * i,
                },
            }
        )
    return {"type": "FeatureCollection", "features": feats}


def markers_fc(n: int) -> dict[str, Any]:
    statuses = list(style.MARKER_STATUS_COLOURS)
    feats = [
        {
            "type": "Feature",
            "geometry": Point(104 + (i % 100) / 100, 22 + (i // 100) / 100).__geo_interface__,
            "properties": {
                "label": f"{i}(2)" if i % 3 else f"{i}/1",
                "border_code": "CN",
                "marker_class": "main" if i % 2 else "secondary",
                "status": statuses[i % len(statuses)],
                "history": [["2001-01-01", "planned"], ["2003-02-03", statuses[i % 7]]],
            },
        }
        for i in range(n)
    ]
    return {"type": "FeatureCollection", "features": feats}


def test_markers_map_is_compact_and_clustered() -> None:
    m = markers_map(
        markers_fc(5000),
        segments_fc(),
        as_of=dt.date(2024, 1, 1),
        basemap=Basemap(),
        assets=Assets.served(),
        synthetic=True,
    )
    html = render(m)
    assert html.count("L.markerClusterGroup(") == 1
    assert "L.marker(" not in html  # no per-marker objects in the page
    assert len(html) < 600_000  # 5,000 markers with their histories
    assert "leaflet.markercluster@1.5.3/leaflet.markercluster.js" in html
    assert re.search(r'data-status=\\"total\\".*?\\u003e5000\\u003c', html)
    assert external_hosts(html) == set()


def test_progress_map_charts() -> None:
    html = render(
        progress_map(
            segments_fc(),
            [border_row("CN", "Vietnam–China", 57.1, 41.2, 72.5)],
            {2003: 2, 2005: 1},
            as_of=dt.date(2024, 1, 1),
            scope="All borders",
            basemap=Basemap(),
            assets=Assets.served(),
            synthetic=False,
        )
    )
    assert html.count('class=\\"bm-bar\\"') == 4
    assert 'data-year=\\"2004\\" data-count=\\"0\\"' in html  # gap years shown as zero
    assert "57.1 %" in html and "markerCluster" not in html


def test_chart_svgs() -> None:
    svg = percent_bars_svg([Bar("A<1>", 50.0, "#000"), Bar("B", None, "#111")], title="t")
    assert 'data-label="A&lt;1&gt;"' in svg and 'data-pct="50.0"' in svg and "n/a" in svg
    years = year_bars_svg({2001: 3, 2004: 1}, title="t")
    assert [int(y) for y in re.findall(r'data-year="(\d+)"', years)] == [2001, 2002, 2003, 2004]
    assert "no events" in year_bars_svg({}, title="t")


@pytest.mark.parametrize(
    ("officers", "key"), [(0, "uncovered"), (1, "c1"), (2, "c2"), (4, "c3"), (5, "c5"), (40, "c5")]
)
def test_coverage_classes(officers: int, key: str) -> None:
    assert style.coverage_class(officers).key == key


def test_progress_classes() -> None:
    assert style.progress_colour(None) == style.NO_PROGRESS_COLOUR
    assert style.progress_colour(0) == style.PROGRESS_CLASSES[0].colour
    assert style.progress_colour(100) == style.PROGRESS_CLASSES[-1].colour
    with pytest.raises(ValueError, match="out of range"):
        style.progress_colour(101)


def test_cdn_elements_are_refused() -> None:
    m = new_map(assets=Assets.served(), basemap=Basemap(), synthetic=False)
    MarkerCluster().add_to(m)
    with pytest.raises(ValueError, match="not offline"):
        check_page(m.get_root())
    m = new_map(assets=Assets.served(), basemap=Basemap(), synthetic=False)
    folium.GeoJson({"type": "FeatureCollection", "features": []}).add_to(m)
    with pytest.raises(ValueError, match="template re-parse"):
        check_page(m.get_root())


def test_folium_class_lists_are_never_mutated_and_renders_do_not_leak() -> None:
    before = (list(folium.Map.default_js), list(folium.Map.default_css))
    results: dict[str, str] = {}

    def build(kind: str) -> None:
        for _ in range(3):
            if kind == "markers":
                m = markers_map(
                    markers_fc(20),
                    segments_fc(),
                    as_of=dt.date(2024, 1, 1),
                    basemap=Basemap(),
                    assets=Assets.served(),
                    synthetic=False,
                )
            else:
                m = coverage_map(
                    communes_gdf(),
                    figures(),
                    scope="Hà Giang (02)",
                    basemap=Basemap(),
                    assets=Assets.served(),
                )
            results[kind] = render(m)

    threads = [threading.Thread(target=build, args=(k,)) for k in ("markers", "coverage") * 2]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert (folium.Map.default_js, folium.Map.default_css) == before
    assert OfflineMap.default_js == [] and OfflineMap.default_css == []
    assert "markercluster" in results["markers"]
    assert "markercluster" not in results["coverage"]  # nothing leaked between maps


def test_inline_assets_need_no_server() -> None:
    m = coverage_map(
        communes_gdf(), figures(), scope="Hà Giang (02)", basemap=Basemap(), assets=Assets.inline()
    )
    html = render(m)
    assert "/maps/static" not in html and "<script src" not in html and '<link rel="st' not in html
    assert "data:image/png;base64," in html  # leaflet.css images inlined
    assert "sourceMappingURL" not in html
    # Exactly one closing tag per inline script: the JS text never ends its element early.
    assert html.count("</script>") == html.count("<script")


def test_vendored_files_match_the_manifest() -> None:
    total = 0
    for package, meta in manifest().items():
        folder = VENDOR_DIR / f"{package}@{meta['version']}"
        assert (folder / meta["license_file"]).is_file(), f"{package} has no licence file"
        listed = set(meta["files"])
        present = {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}
        assert present == listed, f"{package}: files not in the manifest or missing"
        for name, digest in meta["files"].items():
            data = (folder / name).read_bytes()
            total += len(data)
            assert hashlib.sha256(data).hexdigest() == digest, f"{package}/{name} changed"
    assert total < 300_000  # only what the maps use
    for asset in (*LEAFLET, *MARKERCLUSTER):
        assert asset.file in manifest()[asset.package]["files"]


def test_a_configured_tile_layer_is_the_only_external_host() -> None:
    from maps.base import Tiles

    tiles = Tiles("https://tiles.example.org/{z}/{x}/{y}.png", attribution="© tiles")
    html = render(
        coverage_map(
            communes_gdf(),
            figures(),
            scope="Hà Giang (02)",
            basemap=Basemap(),
            assets=Assets.served(),
            tiles=tiles,
        )
    )
    assert external_hosts(html) == {"tiles.example.org"}
    assert "L.tileLayer(" in html
