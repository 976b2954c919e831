"""Introspection round trip: load S into A, dump A, load the dump into B, A == B.

Why this property: the dump is only useful if it is the whole schema and
nothing else; comparing catalog fingerprints (the conformance harness's, so
the same yardstick the tool is judged by) of A and B proves both, without
trusting the introspector's own reading of the catalog.  Dumping B again must
also give the very same text: a fixed point, which covers what the
fingerprint does not look at (column order, statistics targets).
"""
from __future__ import annotations

import functools
import re
import sys
from pathlib import Path

import pglast
import psycopg
import pytest
from fix_scratch import ScratchDatabases

from schemadiff.errors import IntrospectError
from schemadiff.introspect import dump_schema_sql, server_version_num

pytestmark = pytest.mark.db

SHARED = Path(__file__).resolve().parents[2] / "shared"
TOOLS = SHARED / "tools"


@functools.cache
def _harness():
    """converge.py of the shared conformance harness, or None when it is not checked out."""
    if not (TOOLS / "converge.py").exists():
        return None
    sys.path.insert(0, str(TOOLS))
    import converge  # noqa: PLC0415 - lives outside the repository

    return converge


def _converge():
    harness = _harness()
    if harness is None:
        pytest.skip(f"the conformance harness is not checked out next to the repository ({TOOLS})")
    return harness


# ---------------------------------------------------------------------------
# helpers

def _load(conn: psycopg.Connection, sql: str) -> None:
    """Run a script; statement by statement only if it cannot run as one
    (CREATE INDEX CONCURRENTLY refuses the implicit transaction)."""
    if not sql.strip():
        return
    try:
        conn.execute(sql)
    except psycopg.errors.ActiveSqlTransaction:
        for stmt in pglast.split(sql):
            conn.execute(stmt)


def _load_dump(conn: psycopg.Connection, statements: list[str]) -> None:
    conn.execute("SET search_path = public")
    try:
        conn.execute("\n".join(statements))
    except psycopg.Error:
        for stmt in statements:  # find the culprit for the message
            try:
                conn.execute(stmt)
            except psycopg.Error as exc:
                raise AssertionError(f"dumped statement does not load: {stmt}\n{exc}") from exc
        raise


_POOLS: dict[int, ScratchDatabases] = {}


def _empty(pg, slot: str) -> tuple[str, psycopg.Connection]:
    """One pool per server for the module's plain functions (they take `pg`, not a fixture)."""
    pool = _POOLS.setdefault(id(pg), ScratchDatabases(pg))
    return pool.empty(slot)



def fingerprint_without_acl(dsn: str) -> dict[str, list[str]]:
    """The harness's fingerprint without owners and privileges (not dumped) and
    without extension versions: the dump leaves VERSION to the server on purpose."""
    fp = _converge().fingerprint(dsn)
    fp.pop("acl", None)
    if "extensions" in fp:
        fp["extensions"] = [re.sub(r" version=\S*$", "", item) for item in fp["extensions"]]
    return fp


def roundtrip(pg, sql: str, setup_sql: str = "", skip_unloadable: bool = False) -> list[str]:
    """Asserts that dumping a database loaded with `sql` recreates it; returns the dump."""
    a, conn_a = _empty(pg, "original")
    try:
        _load(conn_a, setup_sql)
        _load(conn_a, sql)
    except psycopg.Error as exc:
        if not skip_unloadable:
            raise
        pytest.skip(f"does not load on PostgreSQL {pg.version}: {str(exc).splitlines()[0]}")
    dump = dump_schema_sql(conn_a)
    b, conn_b = _empty(pg, "restored")
    _load(conn_b, setup_sql)
    _load_dump(conn_b, dump)
    again = dump_schema_sql(conn_b)
    fa, fb = fingerprint_without_acl(a), fingerprint_without_acl(b)
    if fa != fb:
        diff = "\n".join(_converge().fingerprint_diff(fa, fb, max_lines=80))
        pytest.fail("B differs from A ('-' A, '+' B):\n" + diff + "\n\ndump:\n" + "\n".join(dump))
    assert again == dump, "dumping B does not give A's dump again"
    for stmt in dump:
        assert stmt.endswith(";")
        assert len(pglast.parse_sql(stmt)) == 1, stmt
    return dump


# ---------------------------------------------------------------------------
# hand-written schemas, one feature family each

SCHEMAS: dict[str, str] = {
    "empty-table-and-unlogged": """
        CREATE TABLE nothing ();
        CREATE UNLOGGED TABLE scratch (id int PRIMARY KEY, payload jsonb);
    """,
    "enums": """
        CREATE SCHEMA app;
        CREATE TYPE mood AS ENUM ('sad', 'o''k', 'happy', 'back\\slash');
        CREATE TYPE app."Status" AS ENUM ();
        CREATE TYPE app.status AS ENUM ('new', 'done');
        ALTER TYPE app.status ADD VALUE 'started' BEFORE 'done';
        CREATE TABLE person (m mood DEFAULT 'sad'::mood, s app.status[] DEFAULT ARRAY['new']::app.status[]);
    """,
    "sequences": """
        CREATE SCHEMA s;
        CREATE SEQUENCE odd AS smallint INCREMENT BY -3 MINVALUE -100 MAXVALUE 50 START WITH 7 CACHE 5 CYCLE;
        CREATE SEQUENCE s."Big" START 1000;
        CREATE SEQUENCE plain;
        CREATE TABLE owner (a int DEFAULT nextval('odd'), b bigint DEFAULT nextval('s."Big"'::regclass));
        ALTER SEQUENCE odd OWNED BY owner.a;
        CREATE TABLE s.owner2 (c int);
        ALTER SEQUENCE s."Big" OWNED BY s.owner2.c;
    """,
    "serial-and-identity": """
        CREATE SCHEMA s;
        CREATE TABLE t (id serial PRIMARY KEY, b bigserial, sm smallserial,
          i bigint GENERATED BY DEFAULT AS IDENTITY (START WITH 10 INCREMENT BY 5 MAXVALUE 1000 CYCLE CACHE 3),
          j int GENERATED ALWAYS AS IDENTITY);
        CREATE TABLE s."Mixed Case" ("Id" int GENERATED ALWAYS AS IDENTITY (SEQUENCE NAME s.custom_name));
        CREATE TABLE t_j_seq_clash (x int);
        CREATE TABLE taken (j int GENERATED ALWAYS AS IDENTITY);
        CREATE TABLE a_very_long_table_name_that_goes_on_and_on_and_on_and_on_xx (
          a_very_long_column_name_that_goes_on_and_on_too int GENERATED ALWAYS AS IDENTITY);
    """,
    "identity-name-clash": """
        CREATE SEQUENCE t_id_seq;
        CREATE TABLE t (id int GENERATED ALWAYS AS IDENTITY);
    """,
    "generated-collations-arrays-defaults": """
        CREATE TABLE t (
          a int, b int GENERATED ALWAYS AS (a * 2) STORED,
          c text COLLATE "C", d varchar(20) COLLATE "POSIX" DEFAULT 'x', e text COLLATE ci,
          f numeric(10, 2)[] DEFAULT '{1.5}', g timestamptz DEFAULT now(), h int[][] ,
          i interval DEFAULT '1 day'::interval, j bit varying(5), k char(3) DEFAULT 'ab'::bpchar,
          l uuid DEFAULT gen_random_uuid(), m text DEFAULT ('a' || 'b'), n bool DEFAULT true NOT NULL,
          o time(3) with time zone, p double precision DEFAULT -1.5e10
        );
    """,
    "checks-and-not-valid": """
        CREATE TABLE t (a int CHECK (a > 0), b text, c int,
          CONSTRAINT "Mixed ""quoted"" name" CHECK (b <> '' AND c IS NOT NULL),
          CONSTRAINT noinh CHECK (c < 100) NO INHERIT);
        ALTER TABLE t ADD CONSTRAINT late CHECK (a < 1000) NOT VALID;
    """,
    "foreign-keys": """
        CREATE SCHEMA other;
        CREATE TABLE parent (id int PRIMARY KEY, k1 int, k2 int, UNIQUE (k1, k2));
        CREATE TABLE other.uniq_index_only (x int NOT NULL);
        CREATE UNIQUE INDEX uio ON other.uniq_index_only (x);
        CREATE TABLE child (
          id int PRIMARY KEY, p int REFERENCES parent ON DELETE CASCADE ON UPDATE RESTRICT,
          k1 int, k2 int, q int, self int REFERENCES child DEFERRABLE INITIALLY DEFERRED,
          x int REFERENCES other.uniq_index_only (x) DEFERRABLE,
          FOREIGN KEY (k1, k2) REFERENCES parent (k1, k2) MATCH FULL ON DELETE SET NULL (k1),
          CONSTRAINT late FOREIGN KEY (q) REFERENCES parent NOT VALID);
        CREATE TABLE cyc_a (id int PRIMARY KEY, b int);
        CREATE TABLE cyc_b (id int PRIMARY KEY, a int REFERENCES cyc_a);
        ALTER TABLE cyc_a ADD FOREIGN KEY (b) REFERENCES cyc_b ON DELETE SET DEFAULT;
    """,
    "exclusion": """
        CREATE EXTENSION btree_gist;
        CREATE TABLE booking (room int, during tstzrange,
          EXCLUDE USING gist (room WITH =, during WITH &&) WHERE (room > 0) DEFERRABLE);
    """,
    "indexes": """
        CREATE TABLE t (id int PRIMARY KEY, a text, b int, c int, d jsonb);
        CREATE INDEX t_partial ON t (b) WHERE b > 10;
        CREATE INDEX t_expr ON t (lower(a), (b + c));
        CREATE INDEX t_include ON t (b) INCLUDE (c, a);
        CREATE INDEX t_order ON t (b DESC NULLS LAST, c NULLS FIRST, a DESC NULLS FIRST);
        CREATE INDEX t_opclass ON t (a text_pattern_ops);
        CREATE INDEX t_collate ON t (a COLLATE "C");
        CREATE INDEX t_gin ON t USING gin (d jsonb_path_ops);
        CREATE INDEX t_hash ON t USING hash (a);
        CREATE INDEX t_brin ON t USING brin (b) WITH (pages_per_range = 16);
        CREATE UNIQUE INDEX t_unique ON t (c) WITH (fillfactor = 50);
        CREATE INDEX "Quoted Index" ON t (b, c);
        ALTER TABLE t CLUSTER ON t_include;
    """,
    "unique-constraints": """
        CREATE TABLE t (a int, b int, c int, UNIQUE (a) DEFERRABLE INITIALLY IMMEDIATE,
          CONSTRAINT t_bc UNIQUE (b, c) INCLUDE (a) WITH (fillfactor = 80));
        CREATE TABLE r (a int NOT NULL);
        CREATE UNIQUE INDEX r_a ON r (a);
        ALTER TABLE r REPLICA IDENTITY USING INDEX r_a;
        CREATE TABLE full_ident (a int);
        ALTER TABLE full_ident REPLICA IDENTITY FULL;
    """,
    "partitions": """
        CREATE SCHEMA part;
        CREATE TABLE measure (id bigint GENERATED ALWAYS AS IDENTITY, city int NOT NULL, logdate date NOT NULL,
          peak int DEFAULT 0, note text, PRIMARY KEY (id, logdate, city)) PARTITION BY RANGE (logdate);
        CREATE TABLE measure_2024 PARTITION OF measure FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
        CREATE TABLE part.measure_2025 PARTITION OF measure FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')
          PARTITION BY LIST (city);
        CREATE TABLE part.measure_2025_1 PARTITION OF part.measure_2025 FOR VALUES IN (1, 2);
        CREATE TABLE part.measure_2025_other PARTITION OF part.measure_2025 DEFAULT;
        CREATE TABLE measure_old PARTITION OF measure FOR VALUES FROM (MINVALUE) TO ('2024-01-01');
        CREATE TABLE measure_default PARTITION OF measure DEFAULT;
        CREATE INDEX ON measure (city);
        CREATE INDEX measure_note ON measure (lower(note));
        CREATE INDEX measure_2024_peak ON measure_2024 (peak);
        ALTER TABLE measure ADD CONSTRAINT peak_positive CHECK (peak >= 0);
        CREATE TABLE hashed (k text, v int) PARTITION BY HASH (k);
        CREATE TABLE hashed_0 PARTITION OF hashed FOR VALUES WITH (MODULUS 2, REMAINDER 0);
        CREATE TABLE hashed_1 PARTITION OF hashed FOR VALUES WITH (MODULUS 2, REMAINDER 1);
        CREATE TABLE multi (a int, b text, c date) PARTITION BY RANGE (a, lower(b));
        CREATE TABLE multi_1 PARTITION OF multi FOR VALUES FROM (1, 'a') TO (10, 'z');
        CREATE TABLE ref (id int PRIMARY KEY, m_id bigint, m_date date, m_city int,
          FOREIGN KEY (m_id, m_date, m_city) REFERENCES measure (id, logdate, city));
        CREATE TABLE parted_fk (a bigint, d date, c int, FOREIGN KEY (a, d, c) REFERENCES measure) PARTITION BY LIST (a);
        CREATE TABLE parted_fk_1 PARTITION OF parted_fk FOR VALUES IN (1);
    """,
    "partition-index-adoption": """
        CREATE TABLE p (a int NOT NULL, b text NOT NULL, c int) PARTITION BY LIST (a);
        CREATE TABLE p1 PARTITION OF p FOR VALUES IN (1);
        CREATE TABLE p2 PARTITION OF p FOR VALUES IN (2) PARTITION BY LIST (b);
        CREATE TABLE p2x PARTITION OF p2 FOR VALUES IN ('x');
        CREATE TABLE a_partition_with_a_rather_long_name_that_forces_truncation_yes PARTITION OF p
          FOR VALUES IN (3);
        CREATE INDEX users_own_name ON p1 (b);
        CREATE INDEX p_b ON p (b);
        CREATE INDEX p_expr ON p (lower(b), (c + 1), lower(b)) INCLUDE (a);
        CREATE UNIQUE INDEX p1_key_by_hand ON p1 (a, b);
        ALTER TABLE p ADD CONSTRAINT p_uniq UNIQUE (a, b);
        ALTER TABLE p2x ADD CONSTRAINT p2x_pk PRIMARY KEY (a, b, c);
        CREATE UNIQUE INDEX p_abc ON p (a, b, c);
        CREATE INDEX p_only ON ONLY p (c);
        CREATE INDEX p1_c ON p1 (c);
        ALTER INDEX p_only ATTACH PARTITION p1_c;
        CREATE INDEX p1_c_unattached ON p1 (c);
        CREATE INDEX p_all_attached ON ONLY p1 (c, b);
        CREATE INDEX renamed_later ON p (c, a);
        ALTER INDEX p1_c_a_idx RENAME TO renamed_child;
    """,
    "partition-index-name-clash": """
        CREATE TABLE p (a int, b int) PARTITION BY LIST (a);
        CREATE TABLE p1 PARTITION OF p FOR VALUES IN (1);
        CREATE INDEX p1_a_idx ON p1 USING hash (a);
        CREATE INDEX p1_b_idx ON p1 (b) WHERE b > 0;
        CREATE INDEX p_a ON p (a);
        CREATE INDEX p_b ON p (b);
        CREATE INDEX lookalike_made_later ON p1 (a) WITH (fillfactor = 50);
    """,
    "partition-check-validity": """
        CREATE TABLE p (a int) PARTITION BY LIST (a);
        CREATE TABLE p1 PARTITION OF p FOR VALUES IN (1);
        ALTER TABLE p ADD CONSTRAINT c CHECK (a > 0) NOT VALID;
        CREATE TABLE p2 PARTITION OF p FOR VALUES IN (2) PARTITION BY LIST (a);
        CREATE TABLE p21 PARTITION OF p2 FOR VALUES IN (2);
        CREATE TABLE base (a int);
        CREATE TABLE kid () INHERITS (base);
        ALTER TABLE base ADD CONSTRAINT pos CHECK (a > 0) NOT VALID;
        ALTER TABLE kid VALIDATE CONSTRAINT pos;
    """,
    "partition-local-differences": """
        CREATE TABLE p (a int, b int DEFAULT 1, c text) PARTITION BY LIST (a);
        CREATE TABLE p1 PARTITION OF p (b DEFAULT 2, c NOT NULL) FOR VALUES IN (1);
        CREATE UNLOGGED TABLE p2 PARTITION OF p FOR VALUES IN (2) WITH (fillfactor = 60);
        ALTER TABLE p2 ALTER COLUMN b DROP DEFAULT;
        ALTER TABLE p1 ADD CONSTRAINT p1_own CHECK (c <> '');
        ALTER TABLE p1 ADD CONSTRAINT p1_uniq UNIQUE (c);
        CREATE TABLE p3 PARTITION OF p (c NOT NULL, b DEFAULT 3) FOR VALUES IN (3) PARTITION BY LIST (c);
        CREATE TABLE p3x PARTITION OF p3 FOR VALUES IN ('x');
        CREATE TABLE base (a int, b int);
        CREATE TABLE mid () INHERITS (base);
        CREATE TABLE leaf () INHERITS (mid);
        ALTER TABLE mid ALTER COLUMN b SET NOT NULL;
    """,
    "attached-partition": """
        CREATE TABLE p (a int, b text) PARTITION BY RANGE (a);
        CREATE TABLE standalone (b text, a int);
        ALTER TABLE standalone DROP COLUMN b;
        ALTER TABLE standalone ADD COLUMN b text;
        ALTER TABLE p ATTACH PARTITION standalone FOR VALUES FROM (0) TO (100);
    """,
    "inheritance": """
        CREATE TABLE base (id int, created timestamptz DEFAULT now(), note text NOT NULL,
          CONSTRAINT base_id CHECK (id > 0));
        CREATE TABLE mixin (tag text DEFAULT 'x');
        CREATE TABLE child (extra int, note text DEFAULT 'n') INHERITS (base);
        CREATE TABLE multi (own int) INHERITS (base, mixin);
        CREATE TABLE grandchild (g int) INHERITS (child);
        ALTER TABLE child ALTER COLUMN created SET DEFAULT '2020-01-01';
        ALTER TABLE grandchild ALTER COLUMN id SET NOT NULL;
        ALTER TABLE child ADD CONSTRAINT child_own CHECK (extra > 0);
        CREATE TABLE merged (id int, created timestamptz, note text NOT NULL, CONSTRAINT base_id CHECK (id > 0));
        ALTER TABLE merged INHERIT base;
        ALTER TABLE base ADD COLUMN later int DEFAULT 5;
    """,
    "storage-options": """
        CREATE TABLE t (a text, b text, c int, d bytea) WITH (fillfactor = 70, autovacuum_enabled = false,
          toast.autovacuum_enabled = false, autovacuum_vacuum_scale_factor = 0.2, toast_tuple_target = 256);
        ALTER TABLE t ALTER COLUMN a SET STORAGE MAIN, ALTER COLUMN b SET COMPRESSION pglz,
          ALTER COLUMN c SET (n_distinct = -0.5), ALTER COLUMN c SET STATISTICS 500,
          ALTER COLUMN d SET STORAGE EXTERNAL;
        CREATE TABLE p (a text) PARTITION BY LIST (a);
        CREATE TABLE p1 PARTITION OF p FOR VALUES IN ('x');
        ALTER TABLE p ALTER COLUMN a SET STORAGE PLAIN;
        ALTER TABLE t ENABLE ROW LEVEL SECURITY;
        ALTER TABLE t FORCE ROW LEVEL SECURITY;
    """,
    "quoted-names": """
        CREATE SCHEMA "My Schema";
        CREATE SCHEMA "select";
        CREATE TABLE "My Schema"."User" ("Id" int PRIMARY KEY, "from" text, "weird ""q"" col" int, "ÜmlautÉ" int);
        CREATE TABLE "select"."table" ("order" int REFERENCES "My Schema"."User" ("Id"), "group" text UNIQUE);
        CREATE INDEX "Idx Name" ON "select"."table" ("group" DESC);
        CREATE TYPE "My Schema"."Enum Type" AS ENUM ('A', 'b c');
        CREATE SEQUENCE "select"."Seq";
        CREATE TABLE "CamelCase" (x "My Schema"."Enum Type" DEFAULT 'A', y int DEFAULT nextval('"select"."Seq"'));
    """,
    "several-schemas-same-names": """
        CREATE SCHEMA a; CREATE SCHEMA b;
        CREATE TABLE a.t (id int PRIMARY KEY);
        CREATE TABLE b.t (id int PRIMARY KEY, a_id int REFERENCES a.t);
        CREATE TABLE t (id int PRIMARY KEY, b_id int REFERENCES b.t);
        CREATE INDEX i ON a.t (id);
        CREATE INDEX i ON b.t (id);
        CREATE TYPE a.e AS ENUM ('x');
        CREATE TYPE b.e AS ENUM ('y');
        CREATE TABLE b.u (v a.e, w b.e, x int DEFAULT 1);
    """,
    "comments": """
        CREATE SCHEMA doc;
        CREATE EXTENSION btree_gist;
        COMMENT ON EXTENSION btree_gist IS 'my own words';
        COMMENT ON SCHEMA doc IS 'documented';
        CREATE TYPE doc.e AS ENUM ('a');
        COMMENT ON TYPE doc.e IS 'it''s an enum';
        CREATE SEQUENCE doc.s;
        COMMENT ON SEQUENCE doc.s IS 'back\\slash and ''quotes''';
        CREATE TABLE doc.t (id serial PRIMARY KEY, "Col" text CHECK ("Col" <> ''),
          i int GENERATED ALWAYS AS IDENTITY);
        COMMENT ON TABLE doc.t IS E'multi\\nline\\ttab \\\\ backslash';
        COMMENT ON COLUMN doc.t."Col" IS 'column';
        COMMENT ON COLUMN doc.t.id IS '';
        COMMENT ON CONSTRAINT t_pkey ON doc.t IS 'pk';
        COMMENT ON CONSTRAINT "t_Col_check" ON doc.t IS 'check';
        COMMENT ON INDEX doc.t_pkey IS 'pk index';
        COMMENT ON SEQUENCE doc.t_id_seq IS 'serial sequence';
        COMMENT ON SEQUENCE doc.t_i_seq IS 'identity sequence';
        CREATE INDEX tidx ON doc.t ("Col");
        COMMENT ON INDEX doc.tidx IS 'plain index';
        CREATE TABLE doc.p (a int) PARTITION BY LIST (a);
        CREATE TABLE doc.p1 PARTITION OF doc.p FOR VALUES IN (1);
        COMMENT ON TABLE doc.p IS 'parted';
        COMMENT ON TABLE doc.p1 IS 'partition';
        COMMENT ON COLUMN doc.p1.a IS 'partition column';
    """,
    "public-schema-comment-changed": """
        COMMENT ON SCHEMA public IS 'our public';
    """,
    "dropped-columns": """
        CREATE TABLE t (a int, b int, c int);
        ALTER TABLE t DROP COLUMN b;
        COMMENT ON COLUMN t.c IS 'c';
    """,
}

VERSIONED: dict[str, tuple[int, str]] = {
    "nulls-not-distinct": (150000, """
        CREATE TABLE t (a int, b int, UNIQUE NULLS NOT DISTINCT (a), CONSTRAINT t_b UNIQUE NULLS DISTINCT (b));
        CREATE UNIQUE INDEX t_ab ON t (a, b) NULLS NOT DISTINCT;
    """),
    "unlogged-sequence": (150000, """
        CREATE UNLOGGED SEQUENCE lonely;
        CREATE UNLOGGED TABLE u (id serial, i int GENERATED ALWAYS AS IDENTITY);
    """),
    "compression-pglz": (140000, """
        CREATE TABLE t (a text COMPRESSION pglz);
    """),
    "virtual-generated": (180000, """
        CREATE TABLE t (a int, b int GENERATED ALWAYS AS (a + 1) VIRTUAL, c int GENERATED ALWAYS AS (a + 2) STORED);
    """),
    "named-not-null": (180000, """
        CREATE TABLE t (a int CONSTRAINT a_required NOT NULL, b int NOT NULL);
        COMMENT ON TABLE t IS 'named not-null constraints print as NOT NULL';
    """),
    "temporal-keys": (180000, """
        CREATE EXTENSION btree_gist;
        CREATE TABLE rooms (id int, valid tstzrange, PRIMARY KEY (id, valid WITHOUT OVERLAPS));
        CREATE TABLE bookings (room int, valid tstzrange,
          FOREIGN KEY (room, PERIOD valid) REFERENCES rooms (id, PERIOD valid));
    """),
}


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_roundtrip(pg, name):
    # Collations are not dumped (not a table-family object): both sides get it first.
    roundtrip(pg, SCHEMAS[name], setup_sql='CREATE COLLATION public.ci FROM "C";')


@pytest.mark.parametrize("name", sorted(VERSIONED))
def test_roundtrip_version_specific(pg, name):
    since, sql = VERSIONED[name]
    if pg.version_num < since:
        pytest.skip(f"needs PostgreSQL {since // 10000}+")
    roundtrip(pg, sql)


# ---------------------------------------------------------------------------
# properties of the dump itself

def test_empty_database_dumps_nothing(db):
    with psycopg.connect(db, autocommit=True) as conn:
        assert dump_schema_sql(conn) == []


def test_names_are_always_qualified(pg):
    dump = roundtrip(pg, """
        CREATE TABLE t (id serial PRIMARY KEY, a text);
        CREATE INDEX t_a ON t (a);
        CREATE TYPE e AS ENUM ('x');
        COMMENT ON TABLE t IS 'x';
    """)
    assert "CREATE TABLE public.t (id integer DEFAULT nextval('t_id_seq'::regclass) NOT NULL, a text);" in dump
    assert "CREATE INDEX t_a ON public.t USING btree (a);" in dump
    assert "ALTER TABLE ONLY public.t ADD CONSTRAINT t_pkey PRIMARY KEY (id);" in dump
    assert "ALTER SEQUENCE public.t_id_seq OWNED BY public.t.id;" in dump
    assert "CREATE TYPE public.e AS ENUM ('x');" in dump
    assert "COMMENT ON TABLE public.t IS 'x';" in dump


def test_order_is_independent_of_creation_order(pg):
    one = roundtrip(pg, "CREATE TABLE b (id int PRIMARY KEY); CREATE TABLE a (b int REFERENCES b); CREATE SCHEMA z;")
    two = roundtrip(pg, "CREATE SCHEMA z; CREATE TABLE b (id int PRIMARY KEY); CREATE TABLE a (b int REFERENCES b);")
    assert one == two


def test_extension_members_are_not_user_objects(db):
    with psycopg.connect(db, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA ext; CREATE EXTENSION btree_gist WITH SCHEMA ext")
        dump = dump_schema_sql(conn)
    assert dump == ["CREATE SCHEMA ext;", "CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA ext;"]


def test_caller_session_is_left_alone(db):
    with psycopg.connect(db) as conn:  # not autocommit
        conn.execute("SET search_path = pg_catalog")
        conn.commit()
        assert dump_schema_sql(conn) == []
        assert conn.execute("SHOW search_path").fetchone()[0] == "pg_catalog"
        assert server_version_num(conn) >= 140000


def test_refuses_a_connection_inside_a_transaction(db):
    with psycopg.connect(db) as conn:
        conn.execute("SELECT 1")
        with pytest.raises(IntrospectError):
            dump_schema_sql(conn)
