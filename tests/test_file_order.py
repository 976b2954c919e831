"""File order is meaning (parse/session.py): DROPs act on what was declared before them, session
settings pg_dump writes are understood, data statements are refused unless configured away,
DO blocks of plain DDL are read in place. No database needed."""
from __future__ import annotations

from pathlib import Path

import pytest

from schemadiff.errors import ParseError
from schemadiff.model import FunctionName, QualifiedName
from schemadiff.parse import catalog_from_sql, load_schema


def qn(name: str, schema: str = "public") -> QualifiedName:
    return QualifiedName(schema, name)


def problems(sql: str) -> list[str]:
    with pytest.raises(ParseError) as exc:
        catalog_from_sql(sql, "s.sql")
    return [f"{loc.line}: {msg}" for loc, msg in exc.value.problems]


def test_drop_if_exists_then_create_declares_the_object():
    c = catalog_from_sql("DROP TABLE IF EXISTS t; CREATE TABLE t (a int); CREATE INDEX ON t (a);")
    assert list(c.tables) == [qn("t")] and list(c.indexes) == [qn("t_a_idx")]


def test_drop_removes_what_came_before_and_redefinition_starts_clean():
    c = catalog_from_sql("""
        CREATE TABLE t (a int PRIMARY KEY); CREATE INDEX i ON t (a);
        CREATE VIEW v AS SELECT a FROM t;
        DROP VIEW v; DROP TABLE t;
        CREATE TABLE t (b text CONSTRAINT t_pkey PRIMARY KEY); CREATE INDEX i ON t (b);""")
    assert [col.name for col in c.tables[qn("t")].columns] == ["b"]
    assert set(c.indexes) == {qn("i")} and not c.views


def test_drop_without_if_exists_of_something_declared_later_is_an_error():
    assert problems("DROP TABLE t;\nCREATE TABLE t (a int);") == [
        "1: DROP TABLE: t is declared nowhere before this statement"]


def test_pg_dump_clean_prologue_drops_nothing_declared_after_it():
    c = catalog_from_sql("""
        ALTER TABLE IF EXISTS ONLY public.t DROP CONSTRAINT IF EXISTS t_pkey;
        DROP TRIGGER IF EXISTS trg ON public.t;
        DROP INDEX IF EXISTS public.t_a_idx;
        CREATE OR REPLACE VIEW public.v AS SELECT NULL::integer AS a;
        DROP VIEW IF EXISTS public.v;
        DROP TABLE IF EXISTS public.t;
        DROP FUNCTION IF EXISTS public.f();
        DROP TYPE IF EXISTS public.mood;
        DROP SEQUENCE IF EXISTS public.s;
        DROP EXTENSION IF EXISTS pg_trgm;
        DROP SCHEMA IF EXISTS app;
        CREATE SCHEMA app;
        CREATE TYPE public.mood AS ENUM ('ok');
        CREATE TABLE public.t (a integer NOT NULL, m public.mood);
        CREATE VIEW public.v AS SELECT NULL::integer AS a;
        CREATE INDEX t_a_idx ON public.t USING btree (a);
        ALTER TABLE ONLY public.t ADD CONSTRAINT t_pkey PRIMARY KEY (a);
        CREATE OR REPLACE VIEW public.v AS SELECT t.a FROM public.t;
    """)
    assert set(c.tables) == {qn("t")} and set(c.views) == {qn("v")} and set(c.indexes) == {qn("t_a_idx")}
    assert {con.name for con in c.tables[qn("t")].constraints} == {"t_pkey"}
    assert "app" in c.schemas


def test_files_in_any_order_still_reference_each_other(tmp_path: Path):
    (tmp_path / "a.sql").write_text("CREATE TABLE t (m mood);\n")
    (tmp_path / "b.sql").write_text("CREATE TYPE mood AS ENUM ('ok');\n")
    assert set(load_schema([tmp_path]).tables) == {qn("t")}


def test_if_not_exists_is_honoured():
    c = catalog_from_sql("""CREATE TABLE t (a int); ALTER TABLE t ADD COLUMN IF NOT EXISTS a int;
        ALTER TABLE t ADD COLUMN IF NOT EXISTS b int; CREATE TABLE IF NOT EXISTS t (z int);
        CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public; CREATE EXTENSION IF NOT EXISTS pg_trgm;""")
    assert [col.name for col in c.tables[qn("t")].columns] == ["a", "b"]


def test_pg_dump_session_settings_are_understood():
    c = catalog_from_sql("""
        SET statement_timeout = 0; SET lock_timeout = 0; SET idle_in_transaction_session_timeout = 0;
        SET transaction_timeout = 0; SET client_encoding = 'UTF8'; SET standard_conforming_strings = on;
        SELECT pg_catalog.set_config('search_path', '', false);
        SET check_function_bodies = false; SET xmloption = content; SET client_min_messages = warning;
        SET row_security = off; SET default_tablespace = ''; SET default_table_access_method = heap;
        CREATE TABLE public.t (a int);""")
    assert c.tables[qn("t")].access_method is None


def test_search_path_set_config_resolves_following_names():
    c = catalog_from_sql("""CREATE SCHEMA app;
        SELECT pg_catalog.set_config('search_path', 'app', false);
        CREATE TABLE t (a int);""")
    assert set(c.tables) == {qn("t", "app")}


def test_a_tablespace_is_refused():
    assert problems("SET default_tablespace = 'fast';") == [
        "1: unsupported: SET default_tablespace = 'fast' (tablespaces are not managed)"]


def test_data_statements_are_refused_naming_file_line_and_kind(tmp_path: Path):
    sql = "CREATE TABLE t (a int);\nINSERT INTO t VALUES (1);\nSELECT pg_catalog.setval('s', 1, true);\n"
    found = problems(sql)
    assert [p.split(" (")[0] for p in found] == [
        "2: unsupported statement: INSERT INTO t", "3: unsupported statement: SELECT pg_catalog.setval(...)"]
    assert all("ignore_data_statements" in p for p in found)
    (tmp_path / "s.sql").write_text(sql)
    assert set(load_schema([tmp_path], ignore_data_statements=True).tables) == {qn("t")}


def test_do_block_of_plain_ddl_is_read_in_place():
    c = catalog_from_sql("""
DO $$
BEGIN
    CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
    COMMENT ON EXTENSION pg_stat_statements IS 'track';
EXCEPTION
    WHEN OTHERS THEN
        RAISE NOTICE 'Failed to install optional extension: %', SQLERRM;
END
$$;
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_type WHERE typname = 'mood') THEN
        CREATE TYPE mood AS ENUM ('ok');
    END IF;
END $$;
DO $$ BEGIN CREATE TYPE level AS ENUM ('low'); EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE TABLE t (m mood, l level);""")
    assert c.extensions["pg_stat_statements"].comment == "track"
    assert set(c.enums) == {qn("mood"), qn("level")}


def test_do_block_with_logic_is_an_error_at_its_line():
    found = problems("CREATE TABLE t (a int);\nDO $$ DECLARE n int; BEGIN n := 1; CREATE TABLE u (a int); END $$;")
    assert found == ["2: unsupported statement: DO (DO block with logic schemadiff cannot read statically: "
                     "assignment)"]


def test_do_block_statement_errors_point_into_the_block():
    found = problems("DO $$\nBEGIN\n  CREATE INDEX ON missing (a);\nEND $$;")
    assert found == ["3: table missing is declared nowhere"]


def test_aggregate_is_a_routine_of_kind_aggregate():
    c = catalog_from_sql("""
        CREATE FUNCTION _cat(text, text) RETURNS text LANGUAGE sql AS $$ SELECT $1 || $2 $$;
        CREATE AGGREGATE group_concat(text) (SFUNC = _cat, STYPE = text);
        ALTER AGGREGATE public.group_concat(text) OWNER TO postgres;
        COMMENT ON AGGREGATE group_concat(text) IS 'x';
        DROP AGGREGATE IF EXISTS other(int);""")
    agg = c.functions[FunctionName("public", "group_concat", "text")]
    assert agg.kind == "aggregate" and agg.comment == "x"
    assert agg == catalog_from_sql("""
        CREATE FUNCTION public._cat(text, text) RETURNS text LANGUAGE sql AS $$ SELECT $1 || $2 $$;
        CREATE AGGREGATE public.group_concat(text) (sfunc = public._cat, stype = pg_catalog.text,
            parallel = unsafe);
        COMMENT ON AGGREGATE public.group_concat(text) IS 'x';""").functions[agg.name]


def test_carried_kinds_compare_by_meaning_not_spelling():
    pg_dump = catalog_from_sql("""
        CREATE FUNCTION public.f(text, text) RETURNS boolean LANGUAGE sql AS $$ SELECT true $$;
        CREATE OPERATOR public.~<< (FUNCTION = public.f, LEFTARG = text, RIGHTARG = text);
        CREATE COLLATION public.bytes (provider = libc, locale = 'C');
        CREATE TEXT SEARCH DICTIONARY public.d (TEMPLATE = pg_catalog.simple, stopwords = 'english');
        CREATE TEXT SEARCH CONFIGURATION public.c (PARSER = pg_catalog."default");
        ALTER TEXT SEARCH CONFIGURATION public.c ADD MAPPING FOR word WITH public.d;
        CREATE TABLE public.t (a int, b int);
        CREATE STATISTICS public.s ON a, b FROM public.t;
        CREATE PUBLICATION p WITH (publish = 'insert, update, delete, truncate');
        ALTER PUBLICATION p ADD TABLE ONLY public.t;""")
    by_hand = catalog_from_sql("""
        CREATE FUNCTION f(text, text) RETURNS boolean LANGUAGE sql AS $$ SELECT true $$;
        CREATE OPERATOR ~<< (PROCEDURE = f, RIGHTARG = text, LEFTARG = text);
        CREATE COLLATION bytes (lc_collate = 'C', lc_ctype = 'C');
        CREATE TEXT SEARCH DICTIONARY d (template = simple, StopWords = english);
        CREATE TEXT SEARCH CONFIGURATION c (parser = "default");
        ALTER TEXT SEARCH CONFIGURATION c ADD MAPPING FOR word, email WITH d;
        ALTER TEXT SEARCH CONFIGURATION c DROP MAPPING FOR email;
        CREATE TABLE t (a int, b int);
        CREATE STATISTICS s (ndistinct, dependencies, mcv) ON a, b FROM t;
        CREATE PUBLICATION p FOR TABLE t;""")
    assert set(pg_dump.carried) == {("OPERATOR", "public.~<< (text, text)"), ("COLLATION", "public.bytes"),
                                    ("TEXT SEARCH DICTIONARY", "public.d"), ("TEXT SEARCH CONFIGURATION", "public.c"),
                                    ("STATISTICS", "public.s"), ("PUBLICATION", "p")}
    assert pg_dump.carried == by_hand.carried
    changed = catalog_from_sql("CREATE TABLE t (a int, b int); CREATE STATISTICS s (mcv) ON a, b FROM t;")
    assert changed.carried[("STATISTICS", "public.s")] != by_hand.carried[("STATISTICS", "public.s")]


def test_carried_kind_drop_and_redefine_in_file_order():
    c = catalog_from_sql("""CREATE TABLE t (a int, b int);
        CREATE STATISTICS s (mcv) ON a, b FROM t;
        DROP STATISTICS IF EXISTS s;
        CREATE STATISTICS s (ndistinct) ON a, b FROM t;
        DROP PUBLICATION IF EXISTS p;
        CREATE PUBLICATION p FOR TABLE t;""")
    assert "ndistinct" in c.carried[("STATISTICS", "public.s")].definition.sql
    assert problems('CREATE COLLATION c FROM "C";')[0].startswith("1: unsupported: CREATE COLLATION ... FROM")
