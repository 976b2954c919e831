"""Parsing schema files, no database needed.

Implicit names are the server's (every expected name below was checked
against PostgreSQL 18 loading the same SQL); problems carry file:line:col
and are reported all together; files may come in any order; SET search_path
applies to the rest of its file.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from schemadiff.errors import ParseError
from schemadiff.model import QualifiedName
from schemadiff.parse import catalog_from_sql, load_schema


def qn(name: str, schema: str = "public") -> QualifiedName:
    return QualifiedName(schema, name)


def constraint_names(sql: str, table: str, schema: str = "public") -> set[str]:
    return {c.name for c in catalog_from_sql(sql).tables[qn(table, schema)].constraints}


def write(directory: Path, name: str, sql: str) -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(sql)
    return path


# -- implicit names ------------------------------------------------------------------------
IMPLICIT = """
CREATE TABLE other (id int PRIMARY KEY);
CREATE TABLE t (id int PRIMARY KEY, a int UNIQUE CHECK (a > 0), b int, c int REFERENCES other, d text,
    CHECK (b > c), UNIQUE (b, c), EXCLUDE USING btree (d WITH =));
CREATE TABLE t2 (a int REFERENCES other, b int REFERENCES other);
ALTER TABLE t2 ADD FOREIGN KEY (a) REFERENCES other;
"""


def test_implicit_constraint_names():
    assert constraint_names(IMPLICIT, "t") == {"t_pkey", "t_a_key", "t_a_check", "t_check", "t_c_fkey",
                                               "t_b_c_key", "t_d_excl"}
    assert constraint_names(IMPLICIT, "t2") == {"t2_a_fkey", "t2_b_fkey", "t2_a_fkey1"}


def test_implicit_constraint_kinds_and_flags():
    t = catalog_from_sql(IMPLICIT).tables[qn("t")]
    kinds = {c.name: c.kind for c in t.constraints}
    assert kinds == {"t_pkey": "p", "t_a_key": "u", "t_a_check": "c", "t_check": "c", "t_c_fkey": "f",
                     "t_b_c_key": "u", "t_d_excl": "x"}
    assert all(not c.named for c in t.constraints)
    fk = next(c for c in t.constraints if c.name == "t_c_fkey")
    assert fk.ref_table == qn("other") and fk.columns == ("c",)


def test_implicit_index_names():
    sql = """
    CREATE TABLE t (a int, b int, c int, d text);
    CREATE INDEX ON t (a);
    CREATE INDEX ON t (a);
    CREATE INDEX ON t ((b + c));
    CREATE INDEX ON t ((b * c), a);
    CREATE INDEX ON t (b, c) INCLUDE (d);
    CREATE TABLE t_d_idx (z int);
    CREATE INDEX ON t (d);
    """
    assert set(catalog_from_sql(sql).indexes) == {
        qn("t_a_idx"), qn("t_a_idx1"), qn("t_expr_idx"), qn("t_expr_a_idx"), qn("t_b_c_d_idx"), qn("t_d_idx1")}


def test_expression_index_named_after_its_function():
    sql = "CREATE TABLE t (d text, n int); CREATE INDEX ON t (lower(d)); CREATE INDEX ON t ((n::text));"
    assert set(catalog_from_sql(sql).indexes) == {qn("t_lower_idx"), qn("t_n_idx")}


def test_implicit_index_name_in_table_schema():
    sql = "CREATE SCHEMA app; CREATE TABLE app.t (a int); CREATE INDEX ON app.t (a);"
    idx = catalog_from_sql(sql).indexes
    assert list(idx) == [qn("t_a_idx", "app")]
    assert idx[qn("t_a_idx", "app")].table == qn("t", "app")


def test_serial_and_identity_sequence_names():
    c = catalog_from_sql("CREATE TABLE s (id serial, x bigserial, y smallserial);")
    assert set(c.sequences) == {qn("s_id_seq"), qn("s_x_seq"), qn("s_y_seq")}
    seq = c.sequences[qn("s_id_seq")]
    assert seq.owned_by == (qn("s"), "id")
    assert seq.options.data_type == "integer"
    assert c.sequences[qn("s_x_seq")].options.data_type == "bigint"
    assert c.sequences[qn("s_y_seq")].options.data_type == "smallint"
    col = c.tables[qn("s")].column("id")
    assert col.type == "integer" and col.not_null and col.default is not None
    assert "s_id_seq" in col.default.key


def test_serial_name_collision_takes_next_free_name():
    c = catalog_from_sql("CREATE SEQUENCE s_id_seq; CREATE TABLE s (id serial);")
    assert set(c.sequences) == {qn("s_id_seq"), qn("s_id_seq1")}
    assert c.sequences[qn("s_id_seq1")].owned_by == (qn("s"), "id")


def test_names_truncated_to_63_bytes():
    table, col_b, col_c = "a" * 60, "b" * 30, "c" * 60
    sql = f"CREATE TABLE {table} ({col_b} int UNIQUE, {col_c} int CHECK ({col_c} > 0), id int PRIMARY KEY);"
    assert constraint_names(sql, table) == {
        "a" * 29 + "_" + "b" * 29 + "_key",
        "a" * 28 + "_" + "c" * 28 + "_check",
        "a" * 58 + "_pkey",
    }
    for name in constraint_names(sql, table):
        assert len(name.encode()) == 63


def test_identifiers_truncated_like_the_server_multibyte():
    long = "é" * 40  # 80 bytes; identifiers are cut to 63 bytes, whole characters only
    sql = f'CREATE TABLE "{long}" ("{long}" int UNIQUE);'
    c = catalog_from_sql(sql)
    assert list(c.tables) == [qn("é" * 31)]
    t = c.tables[qn("é" * 31)]
    assert [col.name for col in t.columns] == ["é" * 31]
    assert {k.name for k in t.constraints} == {"é" * 14 + "_" + "é" * 14 + "_key"}


@pytest.mark.parametrize(("sql", "names"), [
    ("CREATE TABLE t (a int UNIQUE, UNIQUE (a));", {"t_a_key"}),
    ("CREATE TABLE t (a int UNIQUE PRIMARY KEY);", {"t_pkey"}),
], ids=["unique-twice", "unique-and-primary-key"])
def test_duplicate_index_constraints_make_one_constraint(sql, names):
    assert constraint_names(sql, "t") == names


def test_explicit_names_are_kept():
    sql = "CREATE TABLE t (a int CONSTRAINT a_positive CHECK (a > 0), CONSTRAINT t_key PRIMARY KEY (a));"
    t = catalog_from_sql(sql).tables[qn("t")]
    assert {c.name: c.named for c in t.constraints} == {"a_positive": True, "t_key": True}


# -- syntax errors and locations ---------------------------------------------------------------
def test_syntax_error_location(tmp_path):
    path = write(tmp_path, "one.sql", "CREATE TABLE a (id int);\n\nCREATE TABLE b (\n  id int,,\n);\n")
    with pytest.raises(ParseError) as info:
        load_schema([tmp_path])
    [(loc, message)] = info.value.problems
    assert (loc.file, loc.line, loc.column) == (str(path), 4, 10)
    assert "syntax error" in message
    assert str(info.value).startswith(f"{path}:4:10: ")


def test_syntax_error_column_counts_characters_not_bytes(tmp_path):
    path = write(tmp_path, "utf8.sql", "COMMENT ON TABLE x IS 'ééé'; CREATE TABLE (a int);\n")
    with pytest.raises(ParseError) as info:
        load_schema([tmp_path])
    [(loc, _)] = info.value.problems
    assert (loc.file, loc.line, loc.column) == (str(path), 1, 43)


def test_all_files_with_syntax_errors_are_reported_together(tmp_path):
    first = write(tmp_path, "a/01.sql", "CREATE TABLE ok (id int);\nCREATE TABLE bad (id int,);\n")
    write(tmp_path, "b/02.sql", "CREATE TABLE fine (id int);\n")
    third = write(tmp_path, "c/03.sql", "-- header\n\n   CREAT TABLE x (id int);\n")
    with pytest.raises(ParseError) as info:
        load_schema([tmp_path])
    located = [(loc.file, loc.line, loc.column) for loc, _ in info.value.problems]
    assert located == [(str(first), 2, 26), (str(third), 3, 4)]
    text = str(info.value)
    assert f"{first}:2:26:" in text and f"{third}:3:4:" in text


def test_semantic_problems_are_reported_together_with_locations(tmp_path):
    first = write(tmp_path, "01.sql", "CREATE TABLE a (id int);\nALTER TABLE nope ADD COLUMN x int;\n")
    second = write(tmp_path, "02.sql", "\nCOMMENT ON COLUMN a.missing IS 'x';\nCREATE FOREIGN DATA WRAPPER w;\n")
    with pytest.raises(ParseError) as info:
        load_schema([tmp_path])
    located = {(loc.file, loc.line, loc.column) for loc, _ in info.value.problems}
    assert {(str(first), 2, 1), (str(second), 2, 1), (str(second), 3, 1)} <= located
    text = str(info.value)
    assert "nope" in text and "missing" in text and "CREATE FOREIGN" in text


def test_statement_location_skips_leading_comments(tmp_path):
    path = write(tmp_path, "s.sql", "CREATE TABLE a (id int);\n-- note\n/* block */\n    CREATE FOREIGN DATA WRAPPER w;\n")
    with pytest.raises(ParseError) as info:
        load_schema([tmp_path])
    [(loc, message)] = info.value.problems
    assert (loc.file, loc.line, loc.column) == (str(path), 4, 5)
    assert "CREATE FOREIGN" in message


# -- files in any order --------------------------------------------------------------------------
SINGLE = """
CREATE SCHEMA app;
CREATE TYPE app.kind AS ENUM ('a', 'b');
CREATE TABLE app.parent (id int PRIMARY KEY, k app.kind);
CREATE TABLE app.child (id int, parent_id int);
ALTER TABLE app.child ADD CONSTRAINT child_parent FOREIGN KEY (parent_id) REFERENCES app.parent (id);
ALTER TABLE app.child ADD PRIMARY KEY (id);
CREATE INDEX ON app.child (parent_id);
COMMENT ON TABLE app.child IS 'children';
COMMENT ON COLUMN app.child.parent_id IS 'the parent';
COMMENT ON CONSTRAINT child_parent ON app.child IS 'link';
COMMENT ON SCHEMA app IS 'the app';
COMMENT ON TYPE app.kind IS 'kinds';
"""


def test_objects_split_across_files_in_any_order(tmp_path):
    # Sorted by name, the ALTERs and COMMENTs come before the CREATEs they act on.
    write(tmp_path, "00_comments.sql", """
        COMMENT ON TABLE app.child IS 'children';
        COMMENT ON COLUMN app.child.parent_id IS 'the parent';
        COMMENT ON CONSTRAINT child_parent ON app.child IS 'link';
        COMMENT ON SCHEMA app IS 'the app';
        COMMENT ON TYPE app.kind IS 'kinds';
    """)
    write(tmp_path, "10_constraints.sql", """
        ALTER TABLE app.child ADD CONSTRAINT child_parent FOREIGN KEY (parent_id) REFERENCES app.parent (id);
        ALTER TABLE app.child ADD PRIMARY KEY (id);
        CREATE INDEX ON app.child (parent_id);
    """)
    write(tmp_path, "20_tables/child.sql", "CREATE TABLE app.child (id int, parent_id int);\n")
    write(tmp_path, "20_tables/parent.sql", "CREATE TABLE app.parent (id int PRIMARY KEY, k app.kind);\n")
    write(tmp_path, "30_types.sql", "CREATE TYPE app.kind AS ENUM ('a', 'b');\n")
    write(tmp_path, "99_schema.sql", "CREATE SCHEMA app;\n")
    split = load_schema([tmp_path])
    assert split == catalog_from_sql(SINGLE)
    child = split.tables[qn("child", "app")]
    assert child.comment == "children"
    assert {c.name: c.comment for c in child.constraints} == {"child_parent": "link", "child_pkey": None}
    assert split.schemas["app"].comment == "the app"
    assert list(split.indexes) == [qn("child_parent_id_idx", "app")]


def test_directory_and_file_arguments_are_read_once(tmp_path):
    path = write(tmp_path, "t.sql", "CREATE TABLE t (id int);\n")
    assert load_schema([tmp_path, path]) == catalog_from_sql("CREATE TABLE t (id int);")


def test_same_table_in_two_files_is_an_error(tmp_path):
    write(tmp_path, "a.sql", "CREATE TABLE t (id int);\n")
    second = write(tmp_path, "b.sql", "\nCREATE TABLE t (id int);\n")
    with pytest.raises(ParseError) as info:
        load_schema([tmp_path])
    assert f"{second}:2:1:" in str(info.value)


# -- search_path --------------------------------------------------------------------------------
def test_set_search_path_applies_to_following_statements():
    c = catalog_from_sql("""
        CREATE SCHEMA app;
        CREATE TABLE before (id int);
        SET search_path = app, public;
        CREATE TABLE t (id int PRIMARY KEY);
        CREATE SEQUENCE s;
        CREATE TYPE k AS ENUM ('x');
        CREATE TABLE u (t_id int REFERENCES t, before_id int DEFAULT nextval('s'));
        CREATE INDEX ON u (t_id);
        COMMENT ON TABLE u IS 'in app';
    """)
    assert set(c.tables) == {qn("before"), qn("t", "app"), qn("u", "app")}
    assert set(c.sequences) == {qn("s", "app")}
    assert set(c.enums) == {qn("k", "app")}
    assert set(c.indexes) == {qn("u_t_id_idx", "app")}
    u = c.tables[qn("u", "app")]
    assert u.comment == "in app"
    fk = next(k for k in u.constraints if k.kind == "f")
    assert fk.ref_table == qn("t", "app")


def test_search_path_resolves_column_types():
    c = catalog_from_sql("""
        CREATE SCHEMA app;
        SET search_path = app;
        CREATE TYPE k AS ENUM ('x');
        CREATE TABLE u (k k, ks k[]);
    """)
    u = c.tables[qn("u", "app")]
    assert (u.column("k").type, u.column("ks").type) == ("app.k", "app.k[]")


def test_search_path_resolves_existing_names_through_later_schemas():
    c = catalog_from_sql("""
        CREATE SCHEMA app;
        CREATE TABLE shared (id int PRIMARY KEY);
        SET search_path TO app, public;
        CREATE TABLE local (shared_id int REFERENCES shared);
        COMMENT ON TABLE shared IS 'public one';
    """)
    fk = next(k for k in c.tables[qn("local", "app")].constraints if k.kind == "f")
    assert fk.ref_table == qn("shared")
    assert c.tables[qn("shared")].comment == "public one"


def test_search_path_does_not_leak_into_the_next_file(tmp_path):
    write(tmp_path, "1.sql", "CREATE SCHEMA app;\nSET search_path = app;\nCREATE TABLE a (id int);\n")
    write(tmp_path, "2.sql", "CREATE TABLE b (id int);\n")
    assert set(load_schema([tmp_path]).tables) == {qn("a", "app"), qn("b")}


def test_pg_dump_style_set_config_search_path():
    c = catalog_from_sql("""
        CREATE SCHEMA app;
        SELECT pg_catalog.set_config('search_path', 'app', false);
        CREATE TABLE t (id int);
    """)
    assert set(c.tables) == {qn("t", "app")}


def test_undeclared_schema_is_an_error():
    with pytest.raises(ParseError) as info:
        catalog_from_sql("CREATE TABLE nowhere.t (id int);", "x.sql")
    assert "nowhere" in str(info.value) and "x.sql:1:1" in str(info.value)


def test_set_config_of_another_setting_keeps_the_search_path():
    """pg_dump writes set_config() for several settings; only search_path's changes where names go."""
    c = catalog_from_sql("CREATE SCHEMA app; SET search_path = app;\n"
                         "SELECT pg_catalog.set_config('client_min_messages', 'warning', false);\n"
                         "CREATE TABLE t (id integer);")
    assert list(c.tables) == [QualifiedName("app", "t")]


def test_syntax_error_at_end_of_input_names_the_end(tmp_path):
    """An unfinished last statement has no position from the parser: the error points at the end."""
    (tmp_path / "a.sql").write_text("CREATE TABLE a (id integer);\nCREATE TABLE t (id int")
    with pytest.raises(ParseError) as exc:
        load_schema([tmp_path])
    assert str(exc.value) == f"{tmp_path / 'a.sql'}:2:23: syntax error at end of input"


# -- SQL-standard function bodies --------------------------------------------------------------
BODY_TABLES = "CREATE TABLE people (id int PRIMARY KEY, name text);\n"


def body_key(body: str) -> str:
    sql = BODY_TABLES + f"CREATE FUNCTION f(x int) RETURNS SETOF text LANGUAGE sql {body};"
    return next(iter(catalog_from_sql(sql).functions.values())).definition.key


def test_atomic_bodies_compare_as_the_server_prints_them():
    """pg_get_functiondef qualifies columns and arguments and names outputs; a file does not."""
    written = body_key("BEGIN ATOMIC SELECT name FROM people WHERE id > $1 ORDER BY 1; END")
    printed = body_key("BEGIN ATOMIC SELECT people.name FROM people WHERE (people.id > f.x) ORDER BY people.name; END")
    assert written == printed
    assert body_key("RETURN (SELECT count(*) FROM people WHERE id > x)") == \
        body_key("RETURN (SELECT count(*) AS count FROM people WHERE (people.id > f.x))")


def test_atomic_bodies_still_differ_where_the_meaning_does():
    base = body_key("BEGIN ATOMIC SELECT name FROM people WHERE id > x; END")
    assert base != body_key("BEGIN ATOMIC SELECT name FROM people WHERE id >= x; END")
    assert base != body_key("BEGIN ATOMIC SELECT name FROM people p WHERE id > 1; END")
    assert body_key("BEGIN ATOMIC UPDATE people SET name = 'a' WHERE id = x; END") != \
        body_key("BEGIN ATOMIC UPDATE people SET name = 'a' WHERE id <> x; END")


def test_text_search_configuration_copied_from_the_files_is_refused_clearly():
    sql = """CREATE TEXT SEARCH CONFIGURATION a (COPY = english);
             CREATE TEXT SEARCH CONFIGURATION b (COPY = a);"""
    with pytest.raises(ParseError, match=r"COPY = a\): only pg_catalog's configurations are copied"):
        catalog_from_sql(sql)
    mappings = next(iter(catalog_from_sql(sql.splitlines()[0]).carried.values())).definition.key
    assert '["asciiword",[["english_stem"]]]' in mappings and '["email",[["simple"]]]' in mappings
