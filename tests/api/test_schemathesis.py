"""schemathesis against the served API definition (``/api``): no input gives a server error.

Bounded and deterministic: a fixed number of examples per operation, derandomized. (The
operations are driven from one test because schemathesis' fixture-based pytest loader does
not run under pytest 9.)
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

pytestmark = pytest.mark.db

MAX_EXAMPLES = 25


def test_no_server_error(live_server: str) -> None:
    schema = schemathesis.openapi.from_url(f"{live_server}/api")
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(
            max_examples=MAX_EXAMPLES,
            derandomize=True,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def run(case: schemathesis.Case) -> None:
            case.call_and_validate(checks=[not_a_server_error])

        try:
            run()
        except Exception as exc:  # noqa: BLE001 - collect every operation's failure
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}")
    assert operations > 20
    assert not failures, "\n\n".join(failures)
