"""Databases reused from test to test: creating one costs more than a whole round trip.

Each test process keeps a few named databases and empties them between tests.  Whatever the
reset does not remove shows in the leftover count, and that database is then replaced by a new
one, so a test never sees another test's objects.
"""
from __future__ import annotations

import psycopg
import pytest

_RESET = """
DO $reset$
DECLARE names text;
BEGIN
  SELECT string_agg(quote_ident(extname), ', ') INTO names FROM pg_extension WHERE extname <> 'plpgsql';
  IF names IS NOT NULL THEN EXECUTE 'DROP EXTENSION ' || names || ' CASCADE'; END IF;
  SELECT string_agg(quote_ident(nspname), ', ') INTO names FROM pg_namespace
   WHERE nspname NOT IN ('public', 'information_schema') AND nspname !~ '^pg_';
  IF names IS NOT NULL THEN EXECUTE 'DROP SCHEMA ' || names || ' CASCADE'; END IF;
  SELECT string_agg(oid::regclass::text, ', ') INTO names FROM pg_class
   WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'p') AND NOT relispartition;
  IF names IS NOT NULL THEN EXECUTE 'DROP TABLE ' || names || ' CASCADE'; END IF;
  SELECT string_agg(oid::regclass::text, ', ') INTO names FROM pg_class
   WHERE relnamespace = 'public'::regnamespace AND relkind = 'S';
  IF names IS NOT NULL THEN EXECUTE 'DROP SEQUENCE ' || names || ' CASCADE'; END IF;
  SELECT string_agg(oid::regclass::text, ', ') INTO names FROM pg_class
   WHERE relnamespace = 'public'::regnamespace AND relkind = 'm';
  IF names IS NOT NULL THEN EXECUTE 'DROP MATERIALIZED VIEW IF EXISTS ' || names || ' CASCADE'; END IF;
  SELECT string_agg(oid::regclass::text, ', ') INTO names FROM pg_class
   WHERE relnamespace = 'public'::regnamespace AND relkind = 'v';
  IF names IS NOT NULL THEN EXECUTE 'DROP VIEW IF EXISTS ' || names || ' CASCADE'; END IF;
  SELECT string_agg(oid::regprocedure::text, ', ') INTO names FROM pg_proc
   WHERE pronamespace = 'public'::regnamespace;
  IF names IS NOT NULL THEN EXECUTE 'DROP ROUTINE IF EXISTS ' || names || ' CASCADE'; END IF;
  SELECT string_agg(oid::regtype::text, ', ') INTO names FROM pg_type
   WHERE typnamespace = 'public'::regnamespace AND typtype = 'd';
  IF names IS NOT NULL THEN EXECUTE 'DROP DOMAIN IF EXISTS ' || names || ' CASCADE'; END IF;
  SELECT string_agg(t.oid::regtype::text, ', ') INTO names FROM pg_type t
   LEFT JOIN pg_class c ON c.oid = t.typrelid
   WHERE t.typnamespace = 'public'::regnamespace AND (t.typtype IN ('e', 'r') OR c.relkind = 'c');
  IF names IS NOT NULL THEN EXECUTE 'DROP TYPE IF EXISTS ' || names || ' CASCADE'; END IF;
  SELECT string_agg('public.' || quote_ident(collname), ', ') INTO names FROM pg_collation
   WHERE collnamespace = 'public'::regnamespace;
  IF names IS NOT NULL THEN EXECUTE 'DROP COLLATION IF EXISTS ' || names || ' CASCADE'; END IF;
  COMMENT ON SCHEMA public IS 'standard public schema';
  -- what PUBLIC has on schema public in a new database (CREATE too before PostgreSQL 15)
  REVOKE ALL ON SCHEMA public FROM PUBLIC;
  IF current_setting('server_version_num')::int >= 150000 THEN GRANT USAGE ON SCHEMA public TO PUBLIC;
  ELSE GRANT ALL ON SCHEMA public TO PUBLIC; END IF;
END $reset$
"""
_LEFTOVERS = """
SELECT (SELECT count(*) FROM pg_namespace WHERE nspname = 'public'
         AND obj_description(oid, 'pg_namespace') IS DISTINCT FROM 'standard public schema')
     + (SELECT count(*) FROM pg_class WHERE oid >= 16384 AND relpersistence <> 't')
     + (SELECT count(*) FROM pg_type WHERE oid >= 16384)
     + (SELECT count(*) FROM pg_proc WHERE oid >= 16384)
     + (SELECT count(*) FROM pg_namespace WHERE oid >= 16384 AND nspname !~ '^pg_')
     + (SELECT count(*) FROM pg_collation WHERE oid >= 16384)
     + (SELECT count(*) FROM pg_extension WHERE extname <> 'plpgsql')
     + (SELECT count(*) FROM pg_description WHERE objoid >= 16384)
     + (SELECT count(*) FROM pg_default_acl)
     + (SELECT count(*) FROM pg_publication) + (SELECT count(*) FROM pg_event_trigger)
     + (SELECT count(*) FROM pg_ts_config WHERE oid >= 16384) + (SELECT count(*) FROM pg_ts_dict WHERE oid >= 16384)
     + (SELECT count(*) FROM pg_operator WHERE oid >= 16384) + (SELECT count(*) FROM pg_cast WHERE oid >= 16384)
     + (SELECT count(*) FROM pg_opfamily WHERE oid >= 16384) + (SELECT count(*) FROM pg_statistic_ext)
     + (SELECT count(*) FROM pg_foreign_server) + (SELECT count(*) FROM pg_foreign_data_wrapper)
     + (SELECT count(*) FROM pg_language WHERE oid >= 16384) + (SELECT count(*) FROM pg_conversion WHERE oid >= 16384)
     + (SELECT count(*) FROM pg_db_role_setting WHERE setdatabase = (SELECT oid FROM pg_database
                                                                     WHERE datname = current_database()))
     -- schema public as a new database has it: the bootstrap superuser's (14) or pg_database_owner's (15+)
     + (SELECT count(*) FROM pg_namespace WHERE nspname = 'public' AND nspowner NOT IN (10, 6171))
"""


class ScratchDatabases:
    """Named slots, each an empty database (reset or new) whenever it is handed out."""

    def __init__(self, pg):
        self.pg = pg
        self.slots: dict[str, tuple[str, psycopg.Connection]] = {}

    def empty(self, slot: str) -> tuple[str, psycopg.Connection]:
        """An empty database: its DSN and an autocommit connection to it."""
        held = self.slots.get(slot)
        if held is None or not self._reset(held[1]):
            if held is not None:
                held[1].close()
            dsn = self.pg.create_database()
            held = self.slots[slot] = (dsn, psycopg.connect(dsn, autocommit=True))
        return held

    def load(self, slot: str, sql: str) -> str:
        """The DSN of an empty database loaded with `sql`."""
        dsn, conn = self.empty(slot)
        if sql.strip():
            conn.execute(sql)
        return dsn

    @staticmethod
    def _reset(conn: psycopg.Connection) -> bool:
        try:
            conn.execute("DISCARD ALL")
            conn.execute(_RESET)
            return conn.execute(_LEFTOVERS).fetchone()[0] == 0
        except psycopg.Error:
            return False

    def close(self) -> None:
        for _, conn in self.slots.values():
            conn.close()


@pytest.fixture(scope="session")
def scratch(pg):
    pool = ScratchDatabases(pg)
    yield pool
    pool.close()
