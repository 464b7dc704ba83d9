"""Benchmark the importers: time and peak memory for demo-sized files and 10x larger ones.

Cases (synthetic files, made here with a fixed seed):

- ``markers``: a surveyor CSV in VN-2000 / TM-3 105-30 (EPSG:9209) with X = northing,
  Y = easting and a status + date per row, the size of the demo dataset's markers (5,020:
  1,971 CN + 1,002 LA + 2,047 KH) and 10x that (50,200);
- ``communes``: a GeoJSON of polygons of ~150 vertices each (like the simplified real 2025
  file), the size of the post-2025 communes (3,321) and 10x that (33,210).

Each import runs in its own process (so peak RSS is its own): first the import into an empty
table, then the same file again (a no-op that writes nothing). Peak RSS is ``ru_maxrss`` of
that process; "base" is the RSS before the import started (Python, GDAL, PROJ loaded).

A throwaway database on the configured server (BorderMap's settings; the local cluster by
default) is created, seeded with three border lines and one province, and dropped at the end.
Results: printed, and ``bench/results/import-<time>.{json,md}``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text

from bench import save_results
from bench._db import throwaway_database

ROOT = Path(__file__).resolve().parents[1]
DEMO_MARKERS = {"CN": 1971, "LA": 1002, "KH": 2047}
DEMO_COMMUNES = 3321
# Synthetic border lines (lon, lat): roughly where the real ones run, with wiggles.
LINES = {
    "CN": [
        (102.2, 22.4),
        (103.5, 22.8),
        (104.8, 22.9),
        (105.9, 23.1),
        (106.8, 22.3),
        (108.0, 21.6),
    ],
    "LA": [
        (102.2, 22.3),
        (103.2, 20.6),
        (104.5, 19.4),
        (105.8, 17.8),
        (107.0, 16.2),
        (107.6, 14.7),
    ],
    "KH": [
        (107.6, 14.6),
        (107.4, 12.8),
        (106.4, 11.6),
        (105.9, 11.0),
        (104.9, 10.6),
        (104.5, 10.4),
    ],
}


def _wiggly(points: list[tuple[float, float]], rng: random.Random) -> list[tuple[float, float]]:
    out = []
    for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
        for i in range(40):
            t = i / 40
            out.append((x0 + (x1 - x0) * t + rng.uniform(-0.01, 0.01), y0 + (y1 - y0) * t))
    out.append(points[-1])
    return out


def make_files(folder: Path, scale: int, seed: int = 2025) -> dict[str, Path]:
    """Marker CSV and commune GeoJSON at ``scale`` x the demo sizes; the border lines as WKT."""
    import csv

    from shapely.geometry import LineString

    from geo.crs import from_wgs84

    rng = random.Random(seed)
    lines = {b: LineString(_wiggly(p, rng)) for b, p in LINES.items()}
    (folder / "lines.json").write_text(json.dumps({b: ln.wkt for b, ln in lines.items()}))
    markers = folder / f"markers_{scale}x.csv"
    with markers.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["border", "number", "X", "Y", "elevation_m", "status", "status_date"])
        for border, n in DEMO_MARKERS.items():
            total = n * scale
            for i in range(total):
                p = lines[border].interpolate((i + 0.5) / total, normalized=True)
                north, east = from_wgs84(p.x, p.y, 9209, "northing_easting")
                day = dt.date(2001, 12, 27) + dt.timedelta(days=rng.randrange(2500))
                w.writerow(
                    [
                        border,
                        i + 1,
                        f"{north:.3f}",
                        f"{east:.3f}",
                        f"{rng.uniform(50, 2500):.2f}",
                        "planted",
                        day.isoformat(),
                    ]
                )
    communes = folder / f"communes_{scale}x.geojson"
    n = DEMO_COMMUNES * scale
    side = math.ceil(math.sqrt(n))
    step_x, step_y = 6.0 / side, 12.0 / side  # a grid over lon 102-108, lat 10-22
    with communes.open("w", encoding="utf-8") as fh:
        fh.write('{"type": "FeatureCollection", "features": [\n')
        for k in range(n):
            cx = 102.0 + (k % side + 0.5) * step_x
            cy = 10.0 + (k // side + 0.5) * step_y
            ring = []
            for j in range(150):
                a = 2 * math.pi * j / 150
                r = 0.45 * (1 + 0.15 * math.sin(5 * a + k))
                ring.append(
                    [
                        round(cx + r * step_x * math.cos(a), 5),
                        round(cy + r * step_y * math.sin(a), 5),
                    ]
                )
            ring.append(ring[0])
            feature = {
                "type": "Feature",
                "properties": {
                    "code": f"{k + 1:05d}",
                    "fullName": f"Xã Thử {k + 1}",
                    "provinceCode": "01",
                },
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
            fh.write(("," if k else "") + json.dumps(feature, ensure_ascii=False) + "\n")
        fh.write("]}\n")
    return {"markers": markers, "communes": communes}


@contextmanager
def throwaway_db(folder: Path) -> Iterator[str]:
    """A migrated database with the synthetic border lines and one province; dropped after."""
    with throwaway_database("bordermap_bench_import") as url:
        eng = create_engine(url)
        lines = json.loads((folder / "lines.json").read_text())
        with eng.begin() as c:
            for code, iso3 in (("CN", "CHN"), ("LA", "LAO"), ("KH", "KHM")):
                c.execute(
                    text(
                        "INSERT INTO border (code, iso3, name, geom)"
                        " VALUES (:c, :i, :c, ST_Multi(ST_GeomFromText(:w, 4326)))"
                    ),
                    {"c": code, "i": iso3, "w": lines[code]},
                )
            c.execute(
                text(
                    "INSERT INTO province (era, code, name, unit_type)"
                    " VALUES ('post2025', '01', 'Thành phố Thử', 'thanh_pho')"
                )
            )
        eng.dispose()
        yield url


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kB


def worker(kind: str, path: Path, url: str) -> dict[str, float | int | str]:
    """Import ``path`` twice in this process; times, counts and peak RSS."""
    from service.ingest import ImportOptions, run_import

    engine = create_engine(url)
    options = ImportOptions(
        kind,
        path,
        crs="EPSG:9209" if kind == "markers" else None,
        axis_order="northing_easting" if kind == "markers" else "xy",
        allow_new_codes=True,  # the 10x communes have made-up codes
    )
    base = _rss_mb()
    t0 = time.perf_counter()
    first = run_import(engine, options)
    t1 = time.perf_counter()
    peak = _rss_mb()
    second = run_import(engine, options)
    t2 = time.perf_counter()
    engine.dispose()
    if not (first.ok and second.ok):
        raise SystemExit(f"import failed: {first.errors[:3]} {second.errors[:3]}")
    return {
        "kind": kind,
        "file": path.name,
        "mb": round(path.stat().st_size / 1e6, 1),
        "rows": first.rows_read,
        "import_s": round(t1 - t0, 2),
        "rows_per_s": round(first.rows_read / (t1 - t0)),
        "reimport_s": round(t2 - t1, 2),
        "reimport_written": second.counts.get("new", 0) + second.counts.get("changed", 0),
        "base_rss_mb": round(base),
        "peak_rss_mb": round(max(peak, _rss_mb())),
    }


def main() -> int:
    """Make the files, run each case in its own process, print and save the table."""
    parser = argparse.ArgumentParser(prog="bench_import", description=__doc__)
    parser.add_argument("--scales", default="1,10", help="multiples of the demo sizes")
    parser.add_argument("--kinds", default="markers,communes", help="which imports to time")
    parser.add_argument(
        "--worker", nargs=3, metavar=("KIND", "PATH", "URL"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.worker:
        kind, path, url = args.worker
        print(json.dumps(worker(kind, Path(path), url)))
        return 0
    results = []
    with tempfile.TemporaryDirectory(prefix="bordermap-bench-import-") as tmp:
        folder = Path(tmp)
        scales = [int(s) for s in args.scales.split(",")]
        files = {s: make_files(folder, s) for s in scales}
        with throwaway_db(folder) as url:
            for scale in scales:
                for kind in args.kinds.split(","):
                    out = subprocess.run(
                        [
                            sys.executable,
                            "-m",
                            "bench.bench_import",
                            "--worker",
                            kind,
                            str(files[scale][kind]),
                            url,
                        ],
                        cwd=ROOT,
                        check=True,
                        capture_output=True,
                        text=True,
                    )
                    row = json.loads(out.stdout.strip().splitlines()[-1])
                    row["scale"] = f"{scale}x"
                    results.append(row)
                    print(_table([row], header=len(results) == 1), flush=True)
    save_results("import", results, _table(results, header=True))
    print("\n" + _table(results, header=True))
    return 0


COLUMNS = [
    "kind",
    "scale",
    "rows",
    "mb",
    "import_s",
    "rows_per_s",
    "reimport_s",
    "reimport_written",
    "base_rss_mb",
    "peak_rss_mb",
]


def _table(rows: list[dict], header: bool) -> str:
    lines = []
    if header:
        lines.append("| " + " | ".join(COLUMNS) + " |")
        lines.append("|" + "---|" * len(COLUMNS))
    for r in rows:
        lines.append("| " + " | ".join(str(r[c]) for c in COLUMNS) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
