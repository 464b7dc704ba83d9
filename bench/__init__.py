"""bench: benchmark scripts (not tests). Run them all with ``python -m bench`` or ``make bench``.

Each ``bench/bench_*.py`` module with a ``main()`` function is one benchmark; results go to
``bench/results/`` (git-ignored).
"""

import datetime as dt
import json
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


def save_results(name: str, data: Any, md: str) -> Path:
    """Write ``data`` as ``<name>-<time>.json`` and ``md`` as its ``.md`` under RESULTS.

    Returns the path of the JSON file.
    """
    RESULTS.mkdir(parents=True, exist_ok=True)
    stem = RESULTS / f"{name}-{dt.datetime.now().strftime('%Y%m%d-%H%M%S')}"
    stem.with_suffix(".json").write_text(json.dumps(data, indent=2))
    stem.with_suffix(".md").write_text(md + "\n")
    return stem.with_suffix(".json")
