"""Migrations run up and down cleanly, and the models match them (no drift)."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from service.db import (
    migrate,
    schema_reporting,  # noqa: F401 (its tables join Base.metadata)
    schema_search,  # noqa: F401 - adds its indexes
    schema_writes,  # noqa: F401 - its tables join the metadata
)
from service.db.migrate import include_object
from service.db.models import Base
from service.db.schema_accounts import AppUser  # noqa: F401 - its tables join Base.metadata

pytestmark = pytest.mark.db


def test_up_down_up_on_an_empty_database(empty_db_url: str) -> None:
    eng = create_engine(empty_db_url)
    try:
        migrate.upgrade(eng)
        assert {"marker", "marker_event", "commune", "officer_assignment"} <= set(
            inspect(eng).get_table_names()
        )
        migrate.downgrade(eng)
        left = set(inspect(eng).get_table_names()) - {"spatial_ref_sys", "alembic_version"}
        assert left == set()
        with eng.connect() as c:
            functions = c.execute(
                text(
                    "SELECT count(*) FROM pg_proc WHERE proname IN ('bump_data_version',"
                    " 'marker_status_as_of', 'marker_event_append_only',"
                    " 'unit_valid_on', 'active_assignments', 'marker_status_on')"
                )
            ).scalar_one()
        assert functions == 0
        migrate.upgrade(eng)
        assert "marker" in inspect(eng).get_table_names()
    finally:
        migrate.downgrade(eng)
        eng.dispose()


def test_autogenerate_finds_no_drift(engine) -> None:  # type: ignore[no-untyped-def]
    with engine.connect() as c:
        ctx = MigrationContext.configure(
            c, opts={"compare_type": True, "include_object": include_object}
        )
        diff = compare_metadata(ctx, Base.metadata)
    assert diff == []


def test_the_status_rule_orders_statuses_as_the_vocabulary() -> None:
    from importlib import import_module

    from service.vocabulary import MARKER_STATUSES

    rules = import_module("service.db.migrations.versions.0004_rules")
    assert rules.STATUSES == MARKER_STATUSES
