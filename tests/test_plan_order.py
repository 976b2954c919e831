"""Plan ordering, determinism and hazards, from catalogs alone (no database).

Ordering is also proved on a live server by test_roundtrip.py; here the
properties are stated directly so that a failure says which one broke.
"""
from __future__ import annotations

import random

import pglast
import pytest

from schemadiff.parse import catalog_from_sql
from schemadiff.plan import plan_migration

EMPTY = catalog_from_sql("")



def plan_between(old_sql: str, new_sql: str):
    return plan_migration(catalog_from_sql(old_sql, "old.sql"), catalog_from_sql(new_sql, "new.sql"))


def kinds(plan) -> list[str]:
    return [s.change.kind for s in plan.steps]


def first_index(plan, predicate) -> int:
    return next(i for i, s in enumerate(plan.steps) if predicate(s))


def last_index(plan, predicate) -> int:
    return max(i for i, s in enumerate(plan.steps) if predicate(s))


def hazard_kinds(step) -> set[str]:
    return {h.kind for h in step.hazards}


def only_step(plan, kind: str):
    steps = [s for s in plan.steps if s.change.kind == kind]
    assert len(steps) == 1, [s.sql for s in plan.steps]
    return steps[0]


# -- foreign-key cycles ----------------------------------------------------------------------
CYCLE = """
CREATE TABLE a (id int PRIMARY KEY, b_id int REFERENCES b);
CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a);
CREATE TABLE c (id int PRIMARY KEY, c_id int REFERENCES c, a_id int REFERENCES a);
"""


def test_fk_cycle_creates_tables_first_then_foreign_keys():
    plan = plan_migration(EMPTY, catalog_from_sql(CYCLE))
    creates = [i for i, s in enumerate(plan.steps) if s.change.kind == "create_table"]
    fks = [i for i, s in enumerate(plan.steps) if s.change.kind == "add_constraint" and s.change.new.kind == "f"]
    assert len(creates) == 3 and len(fks) == 4
    assert max(creates) < min(fks)
    for i in creates:
        assert "REFERENCES" not in plan.steps[i].sql.upper()
    for i in fks:
        assert "FOREIGN KEY" in plan.steps[i].sql and plan.steps[i].sql.startswith("ALTER TABLE")


def test_fk_cycle_drops_foreign_keys_before_tables():
    plan = plan_migration(catalog_from_sql(CYCLE), EMPTY)
    drops = [i for i, s in enumerate(plan.steps) if s.change.kind == "drop_table"]
    assert len(drops) == 3
    # Each table of the a <-> b cycle is referenced by the other: its key must go first.
    for table in ("a", "b"):
        drop_t = first_index(plan, lambda s: s.sql == f"DROP TABLE public.{table};")
        other = "b" if table == "a" else "a"
        fk_gone = [i for i, s in enumerate(plan.steps)
                   if s.change.kind == "drop_constraint" and s.sql.startswith(f"ALTER TABLE public.{other} ")]
        other_gone = first_index(plan, lambda s: s.sql == f"DROP TABLE public.{other};")
        assert (fk_gone and min(fk_gone) < drop_t) or other_gone < drop_t, [s.sql for s in plan.steps]


def test_new_table_referencing_existing_one_comes_after_the_key_it_needs():
    plan = plan_between("CREATE TABLE p (id int);",
                        "CREATE TABLE p (id int PRIMARY KEY); CREATE TABLE c (p_id int REFERENCES p);")
    pk = first_index(plan, lambda s: s.change.kind == "add_constraint" and s.change.new.kind == "p")
    fk = first_index(plan, lambda s: s.change.kind == "add_constraint" and s.change.new.kind == "f")
    create_c = first_index(plan, lambda s: s.change.kind == "create_table")
    assert pk < fk and create_c < fk


# -- drops in reverse dependency order -------------------------------------------------------------
DEPENDENCIES = """
CREATE SCHEMA app;
CREATE TYPE app.kind AS ENUM ('a', 'b');
CREATE SEQUENCE app.counter;
CREATE TABLE app.parent (id int PRIMARY KEY, k app.kind, n bigint DEFAULT nextval('app.counter'));
CREATE TABLE app.child (id int PRIMARY KEY, parent_id int REFERENCES app.parent);
CREATE TABLE app.grandchild (child_id int REFERENCES app.child);
CREATE INDEX ON app.grandchild (child_id);
CREATE TABLE app.events (at date NOT NULL) PARTITION BY RANGE (at);
CREATE TABLE app.events_2024 PARTITION OF app.events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
"""


def test_drops_run_in_reverse_dependency_order():
    plan = plan_migration(catalog_from_sql(DEPENDENCIES), EMPTY)
    sql = [s.sql for s in plan.steps]
    pos = {text: i for i, text in enumerate(sql)}

    def at(text: str) -> int:
        assert text in pos, f"{text!r} not in plan:\n" + "\n".join(sql)
        return pos[text]

    # The schema goes last, after everything in it.
    assert at("DROP SCHEMA app;") == len(sql) - 1
    # A table goes before the type and the sequence its columns use.
    assert at("DROP TABLE app.parent;") < at("DROP TYPE app.kind;")
    assert at("DROP TABLE app.parent;") < at("DROP SEQUENCE app.counter;")
    # Referencing tables (or their foreign keys) go before the tables they reference.
    for child, parent in (("child", "parent"), ("grandchild", "child")):
        fk_drop = [i for i, s in enumerate(plan.steps)
                   if s.change.kind == "drop_constraint" and s.sql.startswith(f"ALTER TABLE app.{child} ")]
        assert min([at(f"DROP TABLE app.{child};"), *fk_drop]) < at(f"DROP TABLE app.{parent};")
    # A partition dropped on its own goes before its parent (which would take it along).
    if "DROP TABLE app.events_2024;" in pos:
        assert at("DROP TABLE app.events_2024;") < at("DROP TABLE app.events;")


def test_creates_run_in_dependency_order():
    plan = plan_migration(EMPTY, catalog_from_sql(DEPENDENCIES))
    sql = [s.sql.split("\n")[0] for s in plan.steps]

    def at(prefix: str) -> int:
        return next(i for i, text in enumerate(sql) if text.startswith(prefix))

    assert at("CREATE SCHEMA app") < at("CREATE TYPE app.kind") < at("CREATE TABLE app.parent")
    assert at("CREATE SEQUENCE app.counter") < at("CREATE TABLE app.parent")
    assert at("CREATE TABLE app.events ") < at("CREATE TABLE app.events_2024")
    assert at("CREATE TABLE app.grandchild") < at("CREATE INDEX")


def test_dropping_a_sequence_used_by_a_default_drops_the_default_first():
    plan = plan_between("CREATE SEQUENCE s; CREATE TABLE t (n bigint DEFAULT nextval('s'));",
                        "CREATE TABLE t (n bigint);")
    assert kinds(plan).index("set_column_default") < kinds(plan).index("drop_sequence")


# -- determinism ------------------------------------------------------------------------------
BIG = DEPENDENCIES + CYCLE + """
CREATE TABLE d1 (x int UNIQUE, y text CHECK (y <> ''));
CREATE TABLE d2 (x int REFERENCES d1 (x), z int);
CREATE INDEX ON d2 (z);
CREATE TYPE mood AS ENUM ('sad', 'ok');
CREATE SEQUENCE s1;
COMMENT ON TABLE d1 IS 'd1';
"""


def test_planning_twice_gives_identical_sql():
    old = catalog_from_sql("CREATE TABLE d1 (x int); CREATE TABLE gone (id int); CREATE SEQUENCE s0;")
    new = catalog_from_sql(BIG)
    first = [s.sql for s in plan_migration(old, new).steps]
    for _ in range(3):
        assert [s.sql for s in plan_migration(old, new).steps] == first
    assert [s.sql for s in plan_migration(new, old).steps] == [s.sql for s in plan_migration(new, old).steps]


def test_statement_order_in_the_files_does_not_change_the_plan():
    statements = [s.strip() + ";" for s in BIG.split(";\n") if s.strip()]
    statements = [s if s.endswith(";") else s + ";" for s in statements]
    # Schemas, types and partition parents must precede their users in a single script
    # only for the server; the parser sorts statements itself.
    shuffled = list(statements)
    random.Random(7).shuffle(shuffled)
    reference = [s.sql for s in plan_migration(EMPTY, catalog_from_sql("\n".join(statements))).steps]
    assert [s.sql for s in plan_migration(EMPTY, catalog_from_sql("\n".join(shuffled))).steps] == reference
    assert [s.sql for s in plan_migration(EMPTY, catalog_from_sql("\n".join(reversed(statements)))).steps] == reference


def test_every_statement_is_one_valid_sql_statement():
    for plan in (plan_migration(EMPTY, catalog_from_sql(BIG)), plan_migration(catalog_from_sql(BIG), EMPTY)):
        assert plan
        for step in plan.steps:
            assert len(pglast.parse_sql(step.sql)) == 1, step.sql


# -- hazards ------------------------------------------------------------------------------------
def test_drop_table_is_data_loss():
    step = only_step(plan_between("CREATE TABLE t (id int);", ""), "drop_table")
    assert "data-loss" in hazard_kinds(step)
    assert step.destructive


def test_drop_column_is_data_loss():
    step = only_step(plan_between("CREATE TABLE t (id int, v text);", "CREATE TABLE t (id int);"), "drop_column")
    assert "data-loss" in hazard_kinds(step)


@pytest.mark.parametrize(("old", "new", "loses_data"), [
    ("varchar(20)", "varchar(10)", True),
    ("numeric(10,2)", "numeric(8,2)", True),
    ("numeric(10,2)", "numeric(10,1)", True),
    ("bigint", "integer", True),
    ("text", "integer", True),
    ("text", "varchar(5)", True),
    ("integer", "bigint", False),
    ("smallint", "integer", False),
    ("varchar(10)", "varchar(20)", False),
    ("varchar(10)", "text", False),
    ("numeric(8,2)", "numeric(10,2)", False),
    ("real", "double precision", False),
])
def test_type_change_data_loss(old, new, loses_data):
    plan = plan_between(f"CREATE TABLE t (c {old});", f"CREATE TABLE t (c {new});")
    steps = [s for s in plan.steps if s.change.kind == "alter_column_type"]
    assert steps, [s.sql for s in plan.steps]
    assert ("data-loss" in hazard_kinds(steps[0])) is loses_data, steps[0].hazards
    assert bool(plan.destructive_steps) is loses_data


def test_int_to_bigint_rewrites_but_keeps_data():
    step = [s for s in plan_between("CREATE TABLE t (c int);", "CREATE TABLE t (c bigint);").steps
            if s.change.kind == "alter_column_type"][0]
    assert "table-rewrite" in hazard_kinds(step)
    assert "data-loss" not in hazard_kinds(step)


def test_widening_varchar_needs_no_rewrite():
    step = [s for s in plan_between("CREATE TABLE t (c varchar(10));", "CREATE TABLE t (c varchar(20));").steps
            if s.change.kind == "alter_column_type"][0]
    assert "table-rewrite" not in hazard_kinds(step)


def test_text_to_integer_uses_an_explicit_cast():
    plan = plan_between("CREATE TABLE t (c text);", "CREATE TABLE t (c integer);")
    [alter] = [s.sql for s in plan.steps if " TYPE " in s.sql]
    assert "USING" in alter.upper()


def test_new_table_has_no_live_data_hazards():
    plan = plan_between("", "CREATE TABLE t (id int PRIMARY KEY, v text CHECK (v <> ''));"
                            "CREATE INDEX ON t (v);")
    assert plan
    for step in plan.steps:
        assert not hazard_kinds(step) & {"data-loss", "table-rewrite", "blocks-reads", "blocks-writes"}, step


def test_removing_an_enum_value_is_data_loss_and_adding_is_not():
    plan = plan_between("CREATE TYPE e AS ENUM ('a', 'b', 'c');", "CREATE TYPE e AS ENUM ('a', 'c');")
    assert plan.destructive_steps
    plan = plan_between("CREATE TYPE e AS ENUM ('a', 'c');", "CREATE TYPE e AS ENUM ('a', 'b', 'c');")
    assert plan and not plan.destructive_steps


def test_serial_to_identity_keeps_the_primary_key():
    plan = plan_between("CREATE TABLE v (id serial PRIMARY KEY);",
                        "CREATE TABLE v (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY);")
    assert any("ADD GENERATED ALWAYS AS IDENTITY" in s.sql for s in plan.steps)
    assert not [s.sql for s in plan.steps if s.change.kind in ("drop_constraint", "add_constraint")]


def test_a_tables_comment_comes_before_its_columns_and_json_names_objects_plainly():
    import json

    from schemadiff.model import Catalog
    from schemadiff.render.text import plan_json
    desired = catalog_from_sql("""
        CREATE TABLE t (a int PRIMARY KEY, zeta int);
        CREATE FUNCTION f(d date, e date) RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;
        COMMENT ON TABLE t IS 'the table';
        COMMENT ON COLUMN t.a IS 'a';
        COMMENT ON COLUMN t.zeta IS 'z';
        COMMENT ON INDEX t_pkey IS 'the key';
        COMMENT ON FUNCTION f(date, date) IS 'f';""")
    plan = plan_migration(Catalog(), desired)
    comments = [s.sql for s in plan.steps if s.sql.startswith("COMMENT ON")]
    assert comments.index("COMMENT ON TABLE public.t IS 'the table';") < comments.index(
        "COMMENT ON COLUMN public.t.a IS 'a';")
    labels = {s["object"] for s in json.loads(plan_json(plan))["statements"]}
    assert {"comment on table public.t", "comment on column public.t.zeta", "comment on index public.t_pkey",
            "function public.f(date, date)", "comment on function public.f(date, date)"} <= labels


# -- dependencies the server records ----------------------------------------------------------
def test_a_function_returning_a_tables_rows_comes_after_the_table():
    plan = plan_migration(EMPTY, catalog_from_sql(
        "CREATE FUNCTION top() RETURNS SETOF customer LANGUAGE plpgsql AS $$ BEGIN RETURN QUERY "
        "SELECT * FROM customer; END $$; CREATE FUNCTION firsts(c customer[]) RETURNS int LANGUAGE sql "
        "AS $$ SELECT 1 $$; CREATE TABLE customer (id int PRIMARY KEY);"))
    table = first_index(plan, lambda s: s.change.kind == "create_table")
    assert table < first_index(plan, lambda s: s.change.kind == "create_function")


def test_a_plpgsql_function_comes_after_the_types_its_variables_are_declared_with():
    # graphile/starter's schema: `DECLARE v_user app_public.users;` is resolved at CREATE FUNCTION.
    plan = plan_migration(EMPTY, catalog_from_sql(
        "CREATE SCHEMA app; CREATE FUNCTION app.f() RETURNS int LANGUAGE plpgsql AS $$ "
        "DECLARE u app.users; o app.orgs%ROWTYPE; n app.users.id%TYPE := 0; BEGIN RETURN 1; END $$; "
        "CREATE TABLE app.users (id int PRIMARY KEY); CREATE TABLE app.orgs (id int PRIMARY KEY);"))
    function = first_index(plan, lambda s: s.change.kind == "create_function")
    tables = [i for i, s in enumerate(plan.steps) if s.change.kind == "create_table"]
    assert len(tables) == 2 and max(tables) < function


def test_a_function_signature_change_under_a_default_replaces_the_default_only():
    old = ("CREATE FUNCTION next_code() RETURNS text LANGUAGE sql AS $$ SELECT 'x' $$; "
           "CREATE TABLE item (id int PRIMARY KEY, code text NOT NULL DEFAULT next_code());")
    plan = plan_between(old, old.replace("next_code()", "next_code(p text DEFAULT 'y')", 1))
    assert kinds(plan) == ["set_column_default", "drop_function", "create_function", "set_column_default"]
    assert plan.steps[0].sql.endswith("DROP DEFAULT;") and plan.steps[-1].sql.endswith("SET DEFAULT next_code();")


def test_a_dropped_tables_trigger_function_goes_after_the_table():
    """The trigger goes with its table (no DROP TRIGGER): the table's drop must still come before
    its trigger function's, even when a function that reads the table holds the table's drop back."""
    sql = """CREATE TABLE t (id int, version int);
             CREATE FUNCTION bump() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';
             CREATE TRIGGER t_bump BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION bump();
             CREATE FUNCTION z_reads_t() RETURNS bigint LANGUAGE sql BEGIN ATOMIC SELECT count(*) FROM t; END;"""
    plan = plan_between(sql, "")
    table = first_index(plan, lambda s: s.change.kind == "drop_table")
    assert table < first_index(plan, lambda s: s.sql.startswith("DROP FUNCTION public.bump"))
