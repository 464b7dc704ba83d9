"""Migration ``search`` as a database owner who is not a superuser.

``unaccent`` and ``pg_trgm`` are trusted extensions (PostgreSQL 13+): the owner of a
database may create them. The earlier migrations need a superuser (PostGIS, VN-2000 rows
in ``spatial_ref_sys``), so they run first as the test server's role; the database and
everything in it is then handed to a fresh non-superuser role, which migrates to head.
"""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import create_engine, make_url, text

from service.db import migrate

from ..conftest import create_database, drop_database

pytestmark = pytest.mark.db

# Tables, sequences, views and functions of schema public that are not an extension's.
HAND_OVER = """
DO $$
DECLARE r record;
BEGIN
  FOR r IN
    SELECT c.oid, c.relkind, quote_ident(c.relname) AS name FROM pg_class c
    WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'S', 'v', 'm')
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                      AND d.objid = c.oid AND d.deptype = 'e')
      AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend d
               WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i')))
  LOOP
    EXECUTE format('ALTER %s public.%s OWNER TO "ROLE"',
      CASE r.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW'
                     WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END, r.name);
  END LOOP;
  FOR r IN
    SELECT p.oid::regprocedure AS sig FROM pg_proc p
    WHERE p.pronamespace = 'public'::regnamespace
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass
                      AND d.objid = p.oid AND d.deptype = 'e')
  LOOP
    EXECUTE format('ALTER ROUTINE %s OWNER TO "ROLE"', r.sig);
  END LOOP;
END $$
"""


def test_an_owner_without_superuser_rights_applies_the_search_migration(server_url: str) -> None:
    url = create_database(server_url, "bordermap_test_owner")
    role = f"bm_owner_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    name = make_url(url).database
    try:
        eng = create_engine(url)
        migrate.upgrade(eng, "writes")
        with eng.begin() as c:
            c.execute(text(f'CREATE ROLE "{role}" LOGIN NOSUPERUSER'))
            c.execute(text(f'ALTER DATABASE "{name}" OWNER TO "{role}"'))
            # Only this database's own objects change hands (never REASSIGN OWNED: that
            # would also move every other database the test server's role owns).
            c.execute(text(HAND_OVER.replace("ROLE", role)))
        eng.dispose()
        owner = create_engine(make_url(url).set(username=role, password=None))
        with owner.connect() as c:
            assert (
                c.execute(
                    text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
                ).scalar_one()
                is False
            )
        migrate.upgrade(owner)
        with owner.connect() as c:
            assert (
                c.execute(text("SELECT bm_search_key('Thị trấn Đồng Văn')")).scalar_one()
                == "dong van"
            )
            assert set(
                c.execute(
                    text(
                        "SELECT extname FROM pg_extension WHERE extname IN ('unaccent', 'pg_trgm')"
                    )
                ).scalars()
            ) == {"unaccent", "pg_trgm"}
        migrate.downgrade(owner, "writes")
        owner.dispose()
    finally:
        drop_database(server_url, url)
        with admin.connect() as c:
            c.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
        admin.dispose()
