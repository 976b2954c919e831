"""Every schema of the conformance corpora, loaded once, through both round trips of the dump.

1. Files: the live schema dumped in both layouts and read back by the parser plans nothing against
   the same database (the contract of `schemadiff dump`), for every case that loads.
2. Catalog: for the table family, the dump loaded into a second database gives the same catalog
   fingerprint (the conformance harness's yardstick, not the introspector's own reading), and
   dumping that database again gives the very same text: a fixed point.

Why one module: these were two tests per case that each loaded the case into a database of its
own; loading and reading the live schema were most of their time (about 2,000 tests, a third of
the suite).  Both properties still hold separately: each has its own assertion message.
"""
from __future__ import annotations

import json
import re
from dataclasses import replace

import pglast
import psycopg
import pytest
from fix_harness import SHARED, fingerprint_without_acl, harness, load_dump, load_script

from schemadiff.dump import dump_files, write_dump
from schemadiff.errors import IntrospectError, ParseError
from schemadiff.introspect.catalog import live_schema_sql
from schemadiff.introspect.inspector import server_version_num
from schemadiff.parse import catalog_from_sql, load_schema
from schemadiff.plan import plan_migration

pytestmark = pytest.mark.db

CORPORA = sorted((SHARED / "conformance").glob("*.jsonl"))
LAYOUTS = ("schema", "table")


def _tree_key(sql: str) -> str:
    """The SQL's parse tree without positions: two spellings of one schema are one case."""
    try:
        tree = pglast.parser.parse_sql_json(sql)
    except pglast.parser.ParseError:
        return sql
    return re.sub(r'"(stmt_)?location":-?\d+,?|"stmt_len":\d+,?', "", tree)


def _corpus_params():
    """Each case's desired schema, and for the table family its current one too (both must dump
    whole); identical trees are one test."""
    if not CORPORA:
        return [pytest.param(None, None, False,
                             marks=pytest.mark.skip(reason=f"no conformance corpora in {SHARED}"))]
    converge = harness()
    params, seen = [], set()
    for path in CORPORA:
        for line in path.read_text().splitlines():
            if not line.strip():
                continue
            case = json.loads(line)
            tables = converge is not None and converge.case_kind(case) == "tables"
            setup = case.get("setup_sql") or ""
            for side in ("desired_sql", "current_sql") if tables else ("desired_sql",):
                sql = case.get(side) or ""
                key = (_tree_key(setup), _tree_key(sql))
                if not sql.strip() or key in seen:
                    continue
                seen.add(key)
                params.append(pytest.param(setup, sql, tables, id=f"{case['id']}:{side.split('_')[0]}"))
    return params


def _files_plan_nothing(statements: list[str], version: int, tmp_path) -> None:
    try:  # what inspect_database does with the same statements
        current = replace(catalog_from_sql("\n".join(statements), "database"), server_version=version)
    except ParseError as exc:  # as inspect_database reports it
        raise IntrospectError(f"could not read the live schema: {exc}") from exc
    for layout in LAYOUTS:
        out = tmp_path / layout
        write_dump(dump_files(statements, layout), out)
        plan = plan_migration(current, load_schema([out]))
        assert [s.sql for s in plan.steps] == [], f"{layout} layout: the dump does not plan empty"


def _dump_recreates_the_catalog(dsn_a: str, statements: list[str], setup_sql: str, scratch) -> None:
    dsn_b, conn_b = scratch.empty("restored")
    load_script(conn_b, setup_sql)
    load_dump(conn_b, statements)
    again = live_schema_sql(conn_b)
    fa, fb = fingerprint_without_acl(dsn_a), fingerprint_without_acl(dsn_b)
    if fa != fb:
        diff = "\n".join(harness().fingerprint_diff(fa, fb, max_lines=80))
        pytest.fail("B differs from A ('-' A, '+' B):\n" + diff + "\n\ndump:\n" + "\n".join(statements))
    assert again == statements, "dumping B does not give A's dump again"


@pytest.mark.parametrize(("setup_sql", "sql", "compare_catalogs"), _corpus_params())
def test_corpus_roundtrip(pg, scratch, tmp_path, setup_sql, sql, compare_catalogs):
    dsn_a, conn_a = scratch.empty("original")
    try:
        load_script(conn_a, setup_sql)
        load_script(conn_a, sql)
    except psycopg.Error as exc:
        pytest.skip(f"does not load on PostgreSQL {pg.version}: {str(exc).splitlines()[0]}")
    statements = live_schema_sql(conn_a)
    for stmt in statements:
        assert stmt.endswith(";") and len(pglast.split(stmt)) == 1, stmt
    _files_plan_nothing(statements, server_version_num(conn_a), tmp_path)
    if compare_catalogs:
        _dump_recreates_the_catalog(dsn_a, statements, setup_sql, scratch)
