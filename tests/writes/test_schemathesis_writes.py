"""schemathesis with an editor's token on the write routes: no input gives a server error.

On a write database of its own (served by uvicorn on a loopback port), never the shared demo
database. Bounded and deterministic, as tests/api/test_schemathesis.py.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from tests.writes.test_concurrent_writers import own_server  # noqa: F401 - fixture

pytestmark = pytest.mark.db

MAX_EXAMPLES = 30
WRITE_METHODS = {"post", "put", "patch", "delete"}


def test_write_routes_give_no_server_error(
    own_server: tuple[str, str, dict[str, dict[str, str]]],  # noqa: F811
) -> None:
    base, _, headers = own_server
    schema = schemathesis.openapi.from_url(f"{base}/api")
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.method.lower() not in WRITE_METHODS and "inspections" not in operation.path:
            continue
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
            case.call_and_validate(headers=headers["editor"], checks=[not_a_server_error])

        try:
            run()
        except Exception as exc:  # noqa: BLE001 - collect every operation's failure
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}")
    assert operations >= 14
    assert not failures, "\n\n".join(failures)
