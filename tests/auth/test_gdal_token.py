"""GDAL sends a bearer token with ``GDAL_HTTP_HEADERS`` (the README's recipe), served for real."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine

from service.auth import command_principal
from service.db import account_admin

from ..conftest import drop_database, migrated_database, need, serve

pytestmark = pytest.mark.db


@pytest.fixture(scope="module")
def served_with_token(server_url: str) -> Iterator[tuple[str, str]]:
    """``(base URL, admin token)`` of the app served by uvicorn on a database of its own."""
    url = migrated_database(server_url, "bordermap_test_gdal_token")
    eng = create_engine(url)
    with eng.begin() as c:
        account_admin.create_user(c, command_principal(), name="lan", role="admin")
        _, token = account_admin.create_token(c, command_principal(), user="lan", label="gdal")
    eng.dispose()
    try:
        with serve(url) as base:
            yield base, token
    finally:
        drop_database(server_url, url)


def test_gdal_reads_the_audit_with_a_token_header(served_with_token: tuple[str, str]) -> None:
    need(shutil.which("ogrinfo") is not None, "ogrinfo (gdal-bin) is not installed")
    base, token = served_with_token
    target = f"CSV:/vsicurl/{base}/audit?f=csv"

    def ogrinfo(extra_env: dict[str, str]) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, **extra_env}
        return subprocess.run(
            ["ogrinfo", "-ro", "-al", "-so", target], env=env, capture_output=True, text=True
        )

    refused = ogrinfo({})
    assert refused.returncode != 0 and "401" in refused.stderr
    read = ogrinfo({"GDAL_HTTP_HEADERS": f"Authorization: Bearer {token}"})
    assert read.returncode == 0, read.stderr
    # The two audit rows of the fixture: the user, then its token.
    assert "Feature Count: 2" in read.stdout and "token_label: String" in read.stdout
