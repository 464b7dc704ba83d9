"""schemathesis against the served API definition (``/api``): no input gives a server error.

Every operation, every phase schemathesis has for a single request (examples, coverage:
boundary and invalid values of each parameter, fuzzing), through its own command line
(its pytest loader does not run under pytest 9), against the real server on the demo
dataset. Bounded and deterministic: ``MAX_EXAMPLES`` fuzzed cases per operation, no
random seed; about 4,000 requests, 1-2 minutes on the 2-core dev machine.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.db, pytest.mark.slow]

MAX_EXAMPLES = 10


def test_no_server_error(live_server: str, tmp_path: Path) -> None:
    cmd = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "run",
        f"{live_server}/api",
        "--phases",
        "examples,coverage,fuzzing",
        "--checks",
        "not_a_server_error",
        "--max-examples",
        str(MAX_EXAMPLES),
        "--generation-deterministic",
        "--no-color",
    ]
    # In tmp_path: schemathesis writes its .schemathesis/ folder in the working directory.
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=900, cwd=tmp_path)
    report = run.stdout + run.stderr
    assert run.returncode == 0, report[-6000:]
    tested = re.search(r"Tested: (\d+)", report)
    cases = re.search(r"(\d+) generated, (\d+) passed", report)
    assert tested and int(tested.group(1)) > 40, report[-3000:]
    assert cases and cases.group(1) == cases.group(2), report[-3000:]
    assert int(cases.group(1)) > 1000  # coverage phase ran, not only a handful of examples
    for phase in ("Coverage", "Fuzzing"):
        assert re.search(rf"✅ {phase}", report), f"{phase} phase did not pass:\n{report[-3000:]}"
