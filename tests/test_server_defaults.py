"""What a new object or database has by default, which differs by server: no plan for it.

Runs without a database: the live side is written as the introspector writes it (schema
public's ACL taken away and given back whole), with the server version it would carry.
"""
from __future__ import annotations

import json
from dataclasses import replace

import pglast

from schemadiff.diff import diff_catalogs
from schemadiff.model.exprs import to_sql
from schemadiff.parse import catalog_from_sql

# Schema public's ACL as the introspector writes it, for a server as initdb leaves it.
_LIVE_14 = "REVOKE ALL ON SCHEMA public FROM PUBLIC; GRANT ALL ON SCHEMA public TO PUBLIC;"
_LIVE_15 = "REVOKE ALL ON SCHEMA public FROM PUBLIC; GRANT USAGE ON SCHEMA public TO PUBLIC;"


def _live(sql: str, version: int):
    return replace(catalog_from_sql(sql), server_version=version)


def _grants(old, new) -> list[str]:
    return [c.description for c in diff_catalogs(old, new) if c.kind in ("grant", "revoke")]


def test_a_file_silent_about_schema_public_matches_every_servers_default():
    files = catalog_from_sql("CREATE TABLE t (id int);")
    assert _grants(_live(_LIVE_14, 140000), files) == []
    assert _grants(_live(_LIVE_15, 150000), files) == []
    assert _grants(_live(_LIVE_15, 180000), files) == []


def test_grants_on_schema_public_are_read_on_top_of_the_servers_default():
    # pg_dump of a PostgreSQL 14 database whose owner kept PUBLIC's CREATE.
    files = catalog_from_sql("REVOKE USAGE ON SCHEMA public FROM PUBLIC; GRANT ALL ON SCHEMA public TO PUBLIC;")
    assert _grants(_live(_LIVE_14, 140000), files) == []
    assert _grants(_live(_LIVE_15, 180000), files) == ['grant grant schema.public.public."ALL".""']
    hardened = catalog_from_sql("REVOKE CREATE ON SCHEMA public FROM PUBLIC;")
    assert _grants(_live(_LIVE_15, 150000), hardened) == []
    assert _grants(_live(_LIVE_14, 140000), hardened) == ['revoke grant schema.public.public."CREATE".""']


def test_grant_and_revoke_act_in_file_order():
    revoked_last = catalog_from_sql("CREATE TABLE t (id int); GRANT SELECT ON t TO PUBLIC; REVOKE ALL ON t FROM PUBLIC;")
    granted_last = catalog_from_sql("CREATE TABLE t (id int); REVOKE ALL ON t FROM PUBLIC; GRANT SELECT ON t TO PUBLIC;")
    assert not any(g.object_name == "public.t" for g in revoked_last.grants)
    assert any(g.object_name == "public.t" and g.privilege == "SELECT" for g in granted_last.grants)


def test_maintain_left_by_a_partial_revoke_exists_only_from_17_on():
    files = catalog_from_sql("CREATE TABLE t (id int); GRANT ALL ON t TO PUBLIC; REVOKE DELETE ON t FROM PUBLIC;")
    live_15 = _live("CREATE TABLE t (id int); GRANT SELECT, INSERT, UPDATE, TRUNCATE, REFERENCES, TRIGGER ON t "
                    "TO PUBLIC;" + _LIVE_15, 150000)
    assert _grants(live_15, files) == []


def test_nulls_not_distinct_is_printed_where_the_grammar_takes_it():
    sql = ("CREATE UNIQUE INDEX t_ab ON public.t USING btree (a, b) INCLUDE (c) NULLS NOT DISTINCT "
           "WITH (fillfactor = 50) WHERE deleted_at IS NULL")
    node = pglast.parser.parse_sql_json(sql)
    printed = to_sql(json.loads(node)["stmts"][0]["stmt"])
    assert "INCLUDE (c) NULLS NOT DISTINCT WITH" in printed
    assert pglast.parse_sql(printed)[0].stmt == pglast.parse_sql(sql)[0].stmt
