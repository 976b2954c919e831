"""ALTER ... RENAME in files (parse/renames.py): a folder that renames means what running it means.

Each case is run on a database as written; the same files planned against it must give
nothing: the renamed object kept all it had, and every reference the server carries along
(indexes, keys, foreign keys, triggers, views, defaults, column types) names the new name.
"""
from __future__ import annotations

import pytest

from schemadiff.diff import diff_catalogs
from schemadiff.errors import ParseError
from schemadiff.introspect.catalog import inspect_database
from schemadiff.model import QualifiedName
from schemadiff.parse import catalog_from_sql, load_schema
from schemadiff.plan import plan_migration
from fix_scratch import ScratchDatabases

CASES: dict[str, str] = {
    "table-with-its-parts": """
        CREATE TABLE t (id serial PRIMARY KEY, a int CHECK (a > 0), b text UNIQUE);
        CREATE INDEX t_a ON t (a) WHERE a > 1;
        CREATE TABLE c (id int PRIMARY KEY, t_id int REFERENCES t (id));
        CREATE FUNCTION trg() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
        CREATE TRIGGER tt BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION trg();
        ALTER TABLE t ENABLE ROW LEVEL SECURITY;
        CREATE POLICY p ON t USING (a > 0);
        CREATE VIEW v AS SELECT t.id, t.a FROM t;
        COMMENT ON TABLE t IS 'kept';
        ALTER TABLE t RENAME TO u;
        ALTER TABLE u ADD COLUMN c int;
        CREATE INDEX ON u (c);
    """,
    "column-everywhere": """
        CREATE TABLE t (id int PRIMARY KEY, a int NOT NULL DEFAULT 1 CHECK (a > 0), b int GENERATED ALWAYS AS (a * 2) STORED,
                        UNIQUE (a, id));
        CREATE INDEX t_a_expr ON t ((a + 1)) WHERE a > 2;
        CREATE TABLE c (x int, FOREIGN KEY (x) REFERENCES t (id));
        ALTER TABLE t RENAME COLUMN a TO aa;
        ALTER TABLE t RENAME COLUMN id TO ident;
        ALTER TABLE t ADD COLUMN a text;
    """,
    "index-and-constraint": """
        CREATE TABLE t (id int CONSTRAINT t_pk PRIMARY KEY, a int, CONSTRAINT a_pos CHECK (a > 0));
        CREATE INDEX i ON t (a);
        ALTER INDEX i RENAME TO j;
        ALTER TABLE t RENAME CONSTRAINT a_pos TO a_positive;
        ALTER INDEX t_pk RENAME TO t_pkey2;
        ALTER TABLE t RENAME CONSTRAINT t_pkey2 TO t_key;
        CREATE INDEX i ON t (id, a);
    """,
    "views": """
        CREATE TABLE t (a int, b int);
        CREATE VIEW v AS SELECT a, b FROM t;
        CREATE MATERIALIZED VIEW m AS SELECT a FROM t;
        CREATE INDEX m_a ON m (a);
        ALTER VIEW v RENAME TO w;
        ALTER MATERIALIZED VIEW m RENAME TO n;
        ALTER VIEW w RENAME COLUMN b TO bee;
        CREATE VIEW x AS SELECT bee FROM w;
    """,
    "sequence-behind-a-default": """
        CREATE SEQUENCE s;
        CREATE TABLE t (id int DEFAULT nextval('s'), other serial);
        ALTER SEQUENCE s RENAME TO s2;
        ALTER SEQUENCE t_other_seq RENAME TO other_ids;
    """,
    "types-and-values": """
        CREATE TYPE mood AS ENUM ('sad', 'ok');
        CREATE DOMAIN pos AS int CHECK (VALUE > 0);
        CREATE TYPE pair AS (x int, y int);
        CREATE TABLE t (m mood DEFAULT 'ok', ms mood[], p pos, pr pair);
        ALTER TYPE mood RENAME TO feeling;
        ALTER TYPE feeling RENAME VALUE 'ok' TO 'fine';
        ALTER DOMAIN pos RENAME TO positive;
        ALTER TYPE pair RENAME ATTRIBUTE y TO z;
        CREATE TYPE mood AS ENUM ('new');
    """,
    "prisma-enum-swap": """
        CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN');
        CREATE TABLE "User" (id int PRIMARY KEY, role "Role" NOT NULL DEFAULT 'USER');
        ALTER TYPE "Role" RENAME TO "Role_old";
        CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN', 'OWNER');
        ALTER TABLE "User" ALTER COLUMN role DROP DEFAULT;
        ALTER TABLE "User" ALTER COLUMN role TYPE "Role" USING (role::text::"Role");
        DROP TYPE "Role_old";
        ALTER TABLE "User" ALTER COLUMN role SET DEFAULT 'USER';
    """,
    "function-trigger-policy-schema": """
        CREATE SCHEMA empty_one;
        CREATE TABLE t (a int);
        CREATE FUNCTION f(x int) RETURNS int LANGUAGE sql AS 'SELECT x';
        CREATE FUNCTION trg() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
        CREATE TRIGGER tt BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION trg();
        CREATE POLICY p ON t USING (a > 0);
        ALTER FUNCTION f(int) RENAME TO g;
        ALTER FUNCTION trg() RENAME TO on_insert;
        ALTER TRIGGER tt ON t RENAME TO t_before_insert;
        ALTER POLICY p ON t RENAME TO positive_only;
        ALTER SCHEMA empty_one RENAME TO other;
        CREATE FUNCTION f(x int) RETURNS int LANGUAGE sql AS 'SELECT x + 1';
    """,
    "rename-then-recreate-in-one-stretch": """
        CREATE TABLE registry (id int PRIMARY KEY, username text);
        ALTER TABLE registry RENAME TO old_registry;
        ALTER TABLE IF EXISTS missing RENAME TO nothing;
        CREATE TABLE registry (id int PRIMARY KEY, url text);
        ALTER TABLE old_registry RENAME COLUMN username TO access_key;
    """,
}


@pytest.fixture(scope="module")
def scratch(pg):
    pool = ScratchDatabases(pg)
    yield pool
    pool.close()


@pytest.mark.db
@pytest.mark.parametrize("name", sorted(CASES))
def test_renamed_files_plan_nothing_against_the_database_they_built(scratch, tmp_path, name):
    sql = CASES[name]
    dsn = scratch.load("db", sql)
    (tmp_path / "schema.sql").write_text(sql)
    desired = load_schema([tmp_path])
    current = inspect_database(dsn)
    plan = plan_migration(current, desired)
    assert not plan, ("the database was built by running these files, yet:\n"
                      + "\n".join(f"  {c.description}" for c in diff_catalogs(current, desired))
                      + "\nplan:\n" + "\n".join(s.sql for s in plan.steps))
    assert desired.object_count() > 0


def test_statements_after_a_rename_use_the_new_name():
    c = catalog_from_sql("CREATE TABLE t (a int); ALTER TABLE t RENAME TO u; CREATE INDEX i ON u (a);")
    assert set(c.tables) == {QualifiedName("public", "u")}
    assert c.indexes[QualifiedName("public", "i")].table == QualifiedName("public", "u")


def test_rename_of_something_never_declared_names_the_statement():
    with pytest.raises(ParseError) as exc:
        catalog_from_sql("CREATE TABLE t (a int);\nALTER TABLE x RENAME TO y;", "m.sql")
    assert [(loc.line, msg) for loc, msg in exc.value.problems] == [
        (2, "table x is declared nowhere before this statement")]


def test_renaming_a_column_a_view_reads_is_refused_with_the_way_out():
    with pytest.raises(ParseError) as exc:
        catalog_from_sql("CREATE TABLE t (a int);\nCREATE VIEW v AS SELECT a FROM t;\n"
                         "ALTER TABLE t RENAME COLUMN a TO b;", "m.sql")
    [(loc, msg)] = exc.value.problems
    assert loc.line == 3 and "view v reads" in msg and 'source = "replay"' in msg


def test_dropping_a_column_drops_the_keys_and_indexes_that_use_it():
    c = catalog_from_sql("""
        CREATE TABLE a (id int PRIMARY KEY, repo text, tag text, CONSTRAINT u UNIQUE (repo, tag));
        CREATE INDEX a_tag ON a (lower(tag)); CREATE INDEX a_repo ON a (repo) WHERE tag IS NULL;
        CREATE INDEX a_id ON a (id);
        ALTER TABLE a DROP COLUMN tag;
        ALTER TABLE a ADD CONSTRAINT u UNIQUE (repo);""")
    t = c.tables[QualifiedName("public", "a")]
    assert {con.name for con in t.constraints} == {"a_pkey", "u"}
    assert set(c.indexes) == {QualifiedName("public", "a_id")}
