"""bench: benchmark scripts (not tests). Run them all with ``python -m bench`` or ``make bench``.

Each ``bench/bench_*.py`` module with a ``main()`` function is one benchmark; results go to
``bench/results/`` (git-ignored).
"""

from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
