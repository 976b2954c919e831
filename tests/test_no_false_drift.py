r"""No false drift: a schema spelled unlike the catalog must still plan to nothing.

Users write `int`, `varchar(10)`, `status IN ('a', 'b')`, `DEFAULT 'x'`; the
catalog gives back `integer`, `character varying(10)`,
`status = ANY (ARRAY['a'::text, 'b'::text])`, `'x'::text`.  Each case below is
loaded into a database as written, and planning the very same files against
that database must give an empty plan.
"""
from __future__ import annotations

import pytest

from schemadiff.diff import diff_catalogs
from schemadiff.introspect.catalog import inspect_database
from schemadiff.parse import load_schema
from schemadiff.plan import plan_migration
from fix_scratch import ScratchDatabases

pytestmark = pytest.mark.db

CASES: dict[str, str] = {
    "integer-spellings": """
        CREATE TABLE t (a int, b int4, c integer, d INT8, e bigint, f int2, g smallint,
                        h float8, i float4, j real, k double precision, l float, m float(24),
                        n decimal(10,2), o numeric(10, 2), p dec, q bool, r boolean);
    """,
    "character-spellings": """
        CREATE TABLE t (a varchar(10), b character varying(10), c varchar, d char(3), e character(3),
                        f char, g bpchar, h text, i national character varying(4), j nchar(2));
    """,
    "time-spellings": """
        CREATE TABLE t (a timestamptz, b timestamp with time zone, c timestamp, d timestamp without time zone,
                        e timestamp(3), f timestamptz(0), g timetz, h time(2) with time zone, i time,
                        j interval, k interval(3), m date);
    """,
    "inherited-not-null-merges-into-a-local-column": """
        CREATE TABLE p (a int PRIMARY KEY, b int NOT NULL, d int);
        CREATE TABLE p2 (b int CONSTRAINT p2b NOT NULL);
        CREATE TABLE c (b int) INHERITS (p);                    -- b is NOT NULL, under p's name
        CREATE TABLE c2 (b int NOT NULL) INHERITS (p);          -- its own name
        CREATE TABLE c3 (b int CONSTRAINT mine NOT NULL) INHERITS (p);
        CREATE TABLE c4 (x int) INHERITS (p, p2);
        CREATE TABLE g (b int) INHERITS (c);                    -- through two levels
    """,
    "partition-created-after-a-not-valid-check": """
        CREATE TABLE p (id int, k text, n int) PARTITION BY LIST (k);
        CREATE TABLE p_old PARTITION OF p FOR VALUES IN ('old');
        ALTER TABLE p ADD CONSTRAINT p_n_check CHECK (n > 0) NOT VALID;
        CREATE TABLE p_new PARTITION OF p FOR VALUES IN ('new');  -- its copy of the check is valid
    """,
    "interval-with-fields": """
        CREATE TABLE t (a interval hour to minute, b interval year, c interval day to second(2));
    """,
    "array-spellings": """
        CREATE TABLE t (a int[], b integer ARRAY, c int[3], d text[][], e varchar(5)[], g timestamptz[]);
    """,
    "internal-array-type-name": """
        CREATE TABLE t (a _int4, b _text);
    """,
    "in-list-and-not-in": """
        CREATE TABLE t (status text CHECK (status IN ('new', 'done')),
                        n int CHECK (n NOT IN (1, 2, 3)),
                        one text CHECK (one IN ('only')),
                        v varchar(5) CHECK (v IN ('x', 'y')));
    """,
    "between": """
        CREATE TABLE t (n int CHECK (n BETWEEN 1 AND 10), m int CHECK (m NOT BETWEEN 5 AND 6),
                        d date CHECK (d BETWEEN '2000-01-01' AND '2100-01-01'));
    """,
    "redundant-parentheses-and-casts": """
        CREATE TABLE t (a int, price numeric(10,2), b text,
                        CONSTRAINT c1 CHECK ((((a > 0)))),
                        CONSTRAINT c2 CHECK (a > 0::int),
                        CONSTRAINT c3 CHECK (price > 0),
                        CONSTRAINT c4 CHECK (price::numeric >= (0)::numeric),
                        CONSTRAINT c5 CHECK (b::text <> ''::text),
                        CONSTRAINT c6 CHECK ((a + 1) * 2 > a));
    """,
    "defaults-literals-and-casts": """
        CREATE TABLE t (a text DEFAULT 'x', b text DEFAULT 'x'::text, c varchar(5) DEFAULT 'y',
                        d numeric DEFAULT 0, e numeric(10,2) DEFAULT 1.50, f int DEFAULT '7',
                        g boolean DEFAULT true, i text[] DEFAULT '{}',
                        j int[] DEFAULT ARRAY[1, 2], k jsonb DEFAULT '{}'::jsonb, l date DEFAULT '2024-01-01',
                        m interval DEFAULT '1 day', n text DEFAULT NULL, o char(2) DEFAULT 'ab',
                        p bigint DEFAULT 10, q real DEFAULT 1.5, r text DEFAULT ('a' || 'b'));
    """,
    "typed-constants-in-canonical-form": """
        CREATE TABLE t (a boolean DEFAULT 'f', b interval DEFAULT '2 hours', c float8 DEFAULT -1e10,
                        d timestamptz DEFAULT '2024-01-01 00:00:00+00', e numeric DEFAULT '1e3');
    """,
    "defaults-functions": """
        CREATE TABLE t (a timestamptz DEFAULT now(), b timestamptz DEFAULT CURRENT_TIMESTAMP,
                        c date DEFAULT current_date, d timestamp DEFAULT LOCALTIMESTAMP,
                        e text DEFAULT CURRENT_USER, f uuid DEFAULT gen_random_uuid(),
                        g text DEFAULT lower('X'), h timestamptz DEFAULT clock_timestamp(),
                        i timestamp DEFAULT (now() AT TIME ZONE 'utc'));
    """,
    "negative-numbers": """
        CREATE TABLE t (a int DEFAULT -1, b numeric DEFAULT -1.5, c int DEFAULT '-3', d float8 DEFAULT -10.25,
                        e bigint DEFAULT -9223372036854775808,
                        CHECK (a > -100), CHECK (b >= -100.5), CHECK (c <> -(3)));
    """,
    "serial-types": """
        CREATE TABLE t (id serial PRIMARY KEY, b bigserial, s smallserial, s4 serial4, s8 serial8);
    """,
    "keyword-case": """
        create table T (A INT not null default 1, "B" Text, C VARCHAR(3) check (c in ('x')));
        CREATE INDEX ix ON t USING BTREE (A);
        comment on table t is 'Mixed';
    """,
    "pg-catalog-qualified": """
        CREATE TABLE t (a pg_catalog.int4, b pg_catalog.text DEFAULT pg_catalog.now()::text,
                        c pg_catalog.varchar(5), d pg_catalog.timestamptz DEFAULT pg_catalog.now(),
                        e pg_catalog.bool, f pg_catalog.numeric(5,1),
                        CHECK (pg_catalog.length(b) > 0), CHECK (a OPERATOR(pg_catalog.>) 0));
    """,
    "public-qualified-names": """
        CREATE SEQUENCE public.s;
        CREATE TABLE public.p (id int PRIMARY KEY);
        CREATE TABLE c (pid int REFERENCES public.p, n bigint DEFAULT nextval('public.s'::regclass),
                        m bigint DEFAULT nextval('s'));
        CREATE INDEX ON public.c (pid);
    """,
    "unnamed-constraints": """
        CREATE TABLE p (id int PRIMARY KEY, a int UNIQUE, b int, c int, UNIQUE (b, c), CHECK (b < c));
        CREATE TABLE ch (id int, pid int REFERENCES p, b int, c int,
                         FOREIGN KEY (b, c) REFERENCES p (b, c), CHECK (id <> pid), CHECK (b > 0),
                         UNIQUE (id, pid), PRIMARY KEY (id));
        ALTER TABLE ch ADD CHECK (c > 0);
        ALTER TABLE ch ADD UNIQUE (c);
    """,
    "foreign-key-default-options": """
        CREATE TABLE p (id int PRIMARY KEY);
        CREATE TABLE c (a int REFERENCES p (id) MATCH SIMPLE ON DELETE NO ACTION ON UPDATE NO ACTION
                              NOT DEFERRABLE INITIALLY IMMEDIATE,
                        b int REFERENCES p);
    """,
    "index-default-spellings": """
        CREATE TABLE t (a int, b text, c timestamptz);
        CREATE INDEX i1 ON t USING btree (a);
        CREATE INDEX i3 ON t (a DESC);
        CREATE INDEX i4 ON t (b) WHERE b IN ('x', 'y');
        CREATE INDEX i5 ON t ((a::text));
        CREATE INDEX i6 ON t (lower(b));
        CREATE INDEX i7 ON t (date_trunc('day', c AT TIME ZONE 'UTC'));
        CREATE UNIQUE INDEX i8 ON t (a) WHERE (a > 0);
        CREATE INDEX i9 ON t (b COLLATE "C" text_pattern_ops);
    """,
    "typed-literal-defaults": """
        CREATE TABLE t (a bit(8) DEFAULT x'1F', b bit(4) DEFAULT b'1010', c varbit DEFAULT B'101',
                        d money DEFAULT money '1.999', e money DEFAULT '-1.005'::money, f money DEFAULT 3,
                        g interval DEFAULT interval '1.5' year, h interval DEFAULT interval '90' minute,
                        i interval DEFAULT interval '100' hour to minute, j interval DEFAULT interval '1.5' day);
    """,
    "null-defaults": """
        CREATE TABLE t (a int DEFAULT NULL, b varchar(16) DEFAULT NULL, c numeric(5,2) DEFAULT NULL,
                        d char(3) DEFAULT NULL::bpchar, e text DEFAULT NULL::text, f int DEFAULT NULL::text::int);
    """,
    "index-default-operator-classes-and-variadic-calls": """
        CREATE TABLE t (a text, b text[], c jsonb, d int, e tsvector);
        CREATE INDEX i1 ON t USING btree (a text_ops);
        CREATE INDEX i2 ON t USING gin (b array_ops);
        CREATE INDEX i3 ON t (d int4_ops DESC);
        CREATE INDEX i4 ON t USING gin (e tsvector_ops);
        CREATE INDEX i5 ON t USING hash (a text_ops);
        CREATE INDEX i6 ON t (jsonb_extract_path_text(c, 'x', 'y'));
        CREATE INDEX i7 ON t USING gin (c jsonb_path_ops);
    """,
    "session-settings-in-files": """
        SET statement_timeout = 0;
        SET client_encoding = 'UTF8';
        SET check_function_bodies = false;
        CREATE TABLE t (a int);
    """,
    "index-sort-order-defaults-spelled-out": """
        CREATE TABLE t (a int, b int);
        CREATE INDEX i1 ON t (a ASC);
        CREATE INDEX i2 ON t (a NULLS LAST);
        CREATE INDEX i3 ON t (b DESC NULLS FIRST);
    """,
    "identity-and-sequence-defaults-spelled-out": """
        CREATE SEQUENCE s1 INCREMENT 1 MINVALUE 1 NO MAXVALUE START 1 CACHE 1 NO CYCLE;
        CREATE SEQUENCE s2 AS int;
        CREATE SEQUENCE s3 AS smallint INCREMENT BY -1;
        CREATE TABLE t (a int GENERATED BY DEFAULT AS IDENTITY (START WITH 1 INCREMENT BY 1 NO CYCLE),
                        b bigint GENERATED ALWAYS AS IDENTITY (MINVALUE 1 CACHE 1));
    """,
    "enum-defaults": """
        CREATE TYPE mood AS ENUM ('sad', 'ok');
        CREATE TABLE t (a mood DEFAULT 'ok', b mood DEFAULT 'sad'::mood, c mood[] DEFAULT '{}',
                        CHECK (a <> 'sad'));
    """,
    "partition-bounds": """
        CREATE TABLE r (d date NOT NULL, n int NOT NULL, s text NOT NULL) PARTITION BY RANGE (d);
        CREATE TABLE r1 PARTITION OF r FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
        CREATE TABLE r2 PARTITION OF r FOR VALUES FROM (MINVALUE) TO ('2024-01-01');
        CREATE TABLE n (n int NOT NULL) PARTITION BY RANGE (n);
        CREATE TABLE n1 PARTITION OF n FOR VALUES FROM (1) TO (10);
        CREATE TABLE n2 PARTITION OF n FOR VALUES FROM (-10) TO (1);
        CREATE TABLE l (s text NOT NULL) PARTITION BY LIST (s);
        CREATE TABLE l1 PARTITION OF l FOR VALUES IN ('a', 'b');
        CREATE TABLE l2 PARTITION OF l DEFAULT;
        CREATE TABLE h (id bigint NOT NULL) PARTITION BY HASH (id);
        CREATE TABLE h0 PARTITION OF h FOR VALUES WITH (MODULUS 2, REMAINDER 0);
        CREATE TABLE h1 PARTITION OF h FOR VALUES WITH (modulus 2, remainder 1);
    """,
    "pattern-and-boolean-checks": """
        CREATE TABLE t (email text CHECK (email LIKE '%@%'), name text CHECK (name ~ '^[a-z]+$'),
                        x text CHECK (x ILIKE 'a%'), a int, b int,
                        CHECK (NOT (a IS NULL)), CHECK (a IS NOT NULL OR b IS NOT NULL),
                        CHECK (a > 0 AND b > 0 AND a < b), CHECK (x NOT LIKE 'z%'));
    """,
    "collation-spellings": """
        CREATE TABLE t (a text COLLATE "C", b text COLLATE pg_catalog."C", c varchar(3) COLLATE "POSIX");
    """,
    "string-escapes": r"""
        CREATE TABLE t (a text DEFAULT E'line\nbreak', b text DEFAULT 'it''s', c text CHECK (c <> E'\t'),
                        d text DEFAULT 'back\slash');
        COMMENT ON COLUMN t.a IS 'it''s "quoted"';
    """,
    "if-not-exists-and-comments-in-sql": """
        -- a comment before everything
        CREATE SCHEMA IF NOT EXISTS app;
        CREATE TABLE IF NOT EXISTS app.t (
            id int, /* block comment */ v text -- trailing comment
        );
        CREATE INDEX IF NOT EXISTS t_v ON app.t (v);
    """,
    "reloptions-spellings": """
        CREATE TABLE t (id int) WITH (FILLFACTOR = 70, autovacuum_enabled = false);
        CREATE UNLOGGED TABLE u (id int) WITH (fillfactor=80);
    """,
    "exclusion-and-extension": """
        CREATE EXTENSION IF NOT EXISTS btree_gist;
        CREATE TABLE b (room int, during tsrange, EXCLUDE USING gist (room WITH =, during WITH &&));
    """,
    "generated-columns": """
        CREATE TABLE t (a int, b numeric(10,2), c int GENERATED ALWAYS AS (a * 2) STORED,
                        d numeric GENERATED ALWAYS AS (b * a + 1) STORED,
                        e text GENERATED ALWAYS AS (lower('X' || a::text)) STORED);
    """,
    "search-path": """
        CREATE SCHEMA app;
        SET search_path = app, public;
        CREATE TABLE t (id int PRIMARY KEY);
        CREATE TABLE u (tid int REFERENCES t);
        CREATE INDEX ON u (tid);
    """,
    "alter-table-style": """
        CREATE TABLE t (id int, v text);
        ALTER TABLE t ADD PRIMARY KEY (id);
        ALTER TABLE t ALTER COLUMN v SET DEFAULT 'x';
        ALTER TABLE t ALTER COLUMN v SET NOT NULL;
        ALTER TABLE t ADD COLUMN w int;
        ALTER TABLE t ADD CONSTRAINT w_pos CHECK (w > 0);
    """,
    "numeric-and-bit-typmods": """
        CREATE TABLE t (a numeric(5), b numeric(5, 0), c bit(3), d varbit, e bit varying(4), f double precision[],
                        g time(0), h timestamp(6) with time zone, i float(53), j char varying(2));
    """,
    "any-array-and-distinct": """
        CREATE TABLE t (a int, b int, s text,
                        CHECK (a = ANY ('{1,2}'::int[])), CHECK (a IS DISTINCT FROM b),
                        CHECK (coalesce(a, 0) >= 0), CHECK (CASE WHEN a > 0 THEN b > 0 ELSE true END),
                        CHECK (a + b * 2 > -5), CHECK (s::text <> ''), CHECK (a::text <> ''),
                        CHECK (s = ANY (ARRAY['x'::character varying, 'y'::character varying]::text[])));
    """,
    "boolean-checks": """
        CREATE TABLE t (flag boolean, other boolean, CHECK (flag), CHECK (flag IS TRUE), CHECK (NOT other),
                        CHECK (flag = true OR other IS NOT FALSE));
    """,
    "expression-defaults": """
        CREATE TABLE t (a timestamptz DEFAULT (now() + '1 day'::interval), b date DEFAULT CURRENT_DATE + 1,
                        c text DEFAULT '', d numeric DEFAULT 0.0, e text DEFAULT U&'caf\\00E9',
                        g date DEFAULT 'infinity', h int DEFAULT (-(1)),
                        i text DEFAULT 'a'::character varying, j int[] DEFAULT '{1,2}');
    """,
    "empty-and-null-comments": """
        CREATE TABLE t (a int, b int);
        COMMENT ON TABLE t IS '';
        COMMENT ON COLUMN t.a IS NULL;
        COMMENT ON COLUMN t.b IS 'kept';
    """,
    "not-valid-and-no-inherit-constraints": """
        CREATE TABLE p (id int PRIMARY KEY);
        CREATE TABLE t (a int, p_id int, CHECK (a < 100) NO INHERIT);
        ALTER TABLE t ADD CONSTRAINT a_pos CHECK (a > 0) NOT VALID;
        ALTER TABLE t ADD CONSTRAINT t_p FOREIGN KEY (p_id) REFERENCES p NOT VALID;
    """,
    "constraint-and-index-options": """
        CREATE TABLE t (a int, b int, c text,
                        CONSTRAINT u UNIQUE (a) INCLUDE (b) WITH (fillfactor = 70),
                        CONSTRAINT pk PRIMARY KEY (b) WITH (fillfactor=80));
        CREATE INDEX i ON t (c) WITH (fillfactor = 50);
        CREATE INDEX j ON t USING gin (to_tsvector('english', c));
        CREATE INDEX k ON t USING hash (c) WITH (fillfactor = 60);
    """,
    "fk-set-default-and-self-reference": """
        CREATE TABLE t (id int PRIMARY KEY, parent int DEFAULT 0 REFERENCES t ON DELETE SET DEFAULT ON UPDATE CASCADE,
                        other int REFERENCES t (id) ON DELETE SET NULL);
    """,
    "partition-key-expressions": """
        CREATE TABLE e (s text NOT NULL, n int NOT NULL) PARTITION BY RANGE (lower(s), (n + 1));
        CREATE TABLE e1 PARTITION OF e FOR VALUES FROM ('a', 1) TO ('m', 100);
        CREATE TABLE c (s text NOT NULL) PARTITION BY LIST (s COLLATE "C");
        CREATE TABLE c1 PARTITION OF c FOR VALUES IN ('x');
        CREATE TABLE m (a int NOT NULL, b int NOT NULL) PARTITION BY RANGE (a, b);
        CREATE TABLE m1 PARTITION OF m FOR VALUES FROM (MINVALUE, MINVALUE) TO (10, MAXVALUE);
    """,
    "sequence-spellings": """
        CREATE SEQUENCE a AS bigint START 1 INCREMENT 1;
        CREATE SEQUENCE b START WITH 100 MAXVALUE 1000 CYCLE;
        CREATE SEQUENCE c INCREMENT BY -5 MINVALUE -1000 MAXVALUE -1;
        CREATE TABLE t (x int);
        CREATE SEQUENCE d OWNED BY t.x;
        CREATE SEQUENCE e OWNED BY NONE;
    """,
    "date-time-literals-in-canonical-form": """
        CREATE TABLE t (a timestamptz DEFAULT 'epoch', b date DEFAULT '2024-1-2', c timestamp DEFAULT '2024-01-02 3:04',
                        d time DEFAULT '1:02', e date DEFAULT 'Jan 5, 2024', f timestamp DEFAULT 'epoch',
                        g timestamptz DEFAULT '2024-01-02 05:04+02', h timestamp(0) DEFAULT '2024-01-02T03:04:05.6',
                        i date DEFAULT 'infinity', j date DEFAULT '5 March 2024', k time(1) DEFAULT '1:02:03.25');
    """,
    "typed-constants-in-checks": """
        CREATE TABLE t (d interval, b boolean, m money,
                        CHECK (d > CAST('1 month' AS interval)), CHECK (d < interval '2 hours'),
                        CHECK (b IS DISTINCT FROM 't'::boolean), CHECK (m > '$1,000.5'::money));
    """,
    "implicit-casts-the-server-adds": """
        CREATE TABLE t (id int PRIMARY KEY, foo varchar(255), bar double precision, n numeric, payload jsonb,
                        CHECK (length(foo) < bar), CHECK (octet_length(foo) <= n),
                        CHECK (char_length(foo)::bigint < 1000), CHECK (n BETWEEN 0 AND 100 * id));
        CREATE VIEW v AS
          SELECT to_timestamp(CAST(payload ->> 'created' AS bigint)) AS created,
                 to_char(CURRENT_DATE, 'YYYY-MM-DD') AS today,
                 CASE WHEN bar > 1 THEN 'big' END AS size,
                 CAST(CASE foo WHEN 'x' THEN payload ->> 'amount' END AS numeric(10, 2)) AS amount
            FROM t;
    """,
    "no-op-casts-of-function-results": """
        CREATE TABLE t (owner text, at timestamptz DEFAULT now()::timestamptz,
                        days text[] DEFAULT ARRAY[current_date::text]::text[]);
        CREATE FUNCTION utc_now() RETURNS timestamptz LANGUAGE plpgsql SET timezone = 'UTC'
          AS $$ BEGIN RETURN now(); END $$;
        ALTER TABLE t ENABLE ROW LEVEL SECURITY;
        CREATE POLICY mine ON t USING (owner = current_setting('app.user')::text AND lower(owner)::text <> '');
        CREATE TABLE r (id uuid DEFAULT gen_random_uuid()::uuid, span int4range,
                        label text CHECK ((label::text)::text <> '') CHECK (length(label)::integer < 99),
                        CHECK (lower(span)::text <> '0'), CHECK (md5(label)::text <> reverse(label)::text));
        CREATE INDEX r_label ON r ((upper(label)::text)) WHERE btrim(label)::text <> '';
        CREATE VIEW r_total AS SELECT max(label)::text AS top, count(*)::bigint AS n,
                                      sum(upper(span))::bigint AS total FROM r;
    """,
    "operator-classes-qualified-or-found-through-the-search-path": """
        CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
        CREATE EXTENSION IF NOT EXISTS btree_gin;
        CREATE TABLE t (id int, name text, deleted_at timestamptz);
        CREATE INDEX t_qualified ON public.t USING gin (name public.gin_trgm_ops);
        CREATE INDEX t_bare ON t USING gist (name gist_trgm_ops) WHERE deleted_at IS NULL;
        CREATE INDEX t_two ON t USING gin (id, name public.gin_trgm_ops);
        CREATE INDEX t_expr ON t USING gin ((lower(name)) gin_trgm_ops);
        CREATE INDEX t_catalog ON t (name pg_catalog.text_pattern_ops);
        CREATE INDEX t_brin ON t USING brin (id int4_minmax_multi_ops);
    """,
    "extension-default-operator-class-spelled-out": """
        CREATE EXTENSION IF NOT EXISTS btree_gin;
        CREATE TABLE t (id int, name text);
        CREATE INDEX t_name ON t USING gin (name text_ops);
        CREATE EXTENSION IF NOT EXISTS btree_gist;
        CREATE TABLE r (room int, during tstzrange,
                        EXCLUDE USING gist (room public.gist_int4_ops WITH =, during WITH &&));
    """,
    "extension-comments-stated-or-not": """
        CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
        COMMENT ON EXTENSION pg_trgm IS 'text similarity measurement and index searching based on trigrams';
        CREATE EXTENSION IF NOT EXISTS hstore;
        CREATE EXTENSION IF NOT EXISTS citext;
        COMMENT ON EXTENSION citext IS 'our own words';
    """,
    "grants-on-schema-public-in-pg-dump-order": """
        REVOKE USAGE ON SCHEMA public FROM PUBLIC;
        GRANT ALL ON SCHEMA public TO PUBLIC;
        CREATE TABLE t (id int);
    """,
    "schema-public-without-public-access": """
        REVOKE ALL ON SCHEMA public FROM PUBLIC;
        CREATE TABLE t (id int);
    """,
    "serial-of-an-unlogged-table": """
        CREATE UNLOGGED TABLE t (id serial PRIMARY KEY, n bigserial);
        CREATE TABLE u (id serial PRIMARY KEY);
    """,
    "function-types-with-modifiers-and-sql-bodies": """
        CREATE FUNCTION money_of(x integer) RETURNS numeric(12,2) LANGUAGE sql AS $$ SELECT x::numeric $$;
        CREATE FUNCTION label(code varchar(10)) RETURNS varchar(20) LANGUAGE sql RETURN 'x' || code;
        CREATE FUNCTION next_of(x int) RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT x + 1; END;
    """,
    "sql-standard-bodies-as-the-server-prints-them": """
        CREATE SCHEMA app;
        CREATE TABLE app.people (id int PRIMARY KEY, name text);
        CREATE TABLE app.logs (pid int, msg text);
        CREATE FUNCTION app.person_count() RETURNS bigint LANGUAGE sql
        BEGIN ATOMIC SELECT count(*) FROM app.people; END;
        CREATE FUNCTION app.names_after(x int) RETURNS SETOF text LANGUAGE sql
        BEGIN ATOMIC SELECT name FROM app.people p WHERE id > x ORDER BY 1; END;
        CREATE FUNCTION app.touch(x int, y text) RETURNS void LANGUAGE sql
        BEGIN ATOMIC
          UPDATE app.people SET name = y WHERE id = x;
          INSERT INTO app.logs SELECT id, name FROM app.people WHERE id = $1;
          INSERT INTO app.logs VALUES (x, 'touched');
          DELETE FROM app.logs WHERE pid = touch.x;
          SELECT x + 1;
        END;
        CREATE FUNCTION app.bigger(x int) RETURNS bigint LANGUAGE sql
        RETURN (SELECT count(*) FROM app.people WHERE people.id > x);
    """,
    "text-search-configurations-copied": """
        CREATE TEXT SEARCH CONFIGURATION public.my_english (COPY = pg_catalog.english);
        CREATE TEXT SEARCH CONFIGURATION public.my_russian (COPY = russian);
        CREATE TEXT SEARCH CONFIGURATION public.my_simple (COPY = simple);
        ALTER TEXT SEARCH CONFIGURATION public.my_simple DROP MAPPING FOR email;
        CREATE TABLE docs (id int, body text);
        CREATE INDEX docs_tsv ON docs USING gin (to_tsvector('public.my_english'::regconfig, body));
    """,
    "user-functions-named-like-built-ins": """
        CREATE SCHEMA app;
        CREATE FUNCTION public.lower(text) RETURNS text LANGUAGE sql IMMUTABLE AS 'SELECT upper($1)';
        CREATE FUNCTION app.lower(text) RETURNS text LANGUAGE sql IMMUTABLE AS 'SELECT upper($1)';
        CREATE TABLE people (id int, name text DEFAULT lower('X'), CHECK (lower(name) <> ''));
        CREATE INDEX people_lower ON people (lower(name));
        SET search_path = app, public;
        CREATE TABLE app.t (name text DEFAULT lower('Y'));
        CREATE INDEX t_lower ON app.t (lower(name));
        CREATE VIEW app.tv AS SELECT lower(name) AS l, public.lower(name) AS m FROM app.t;
        SET search_path = app, pg_catalog;
        CREATE TABLE app.u (name text DEFAULT lower('Z'));
    """,
    "default-privileges-for-the-connected-role": """
        ALTER DEFAULT PRIVILEGES FOR ROLE CURRENT_USER GRANT SELECT ON TABLES TO PUBLIC;
        ALTER DEFAULT PRIVILEGES GRANT USAGE ON SEQUENCES TO PUBLIC;
    """,
    "default-privileges-all-on-functions": """
        ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON FUNCTIONS FROM PUBLIC;
        ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON FUNCTIONS TO PUBLIC;
    """,
    "trigger-with-a-built-in-function": """
        CREATE TABLE docs (id int, body text, tsv tsvector);
        CREATE TRIGGER docs_tsv BEFORE INSERT OR UPDATE ON docs
            FOR EACH ROW EXECUTE FUNCTION tsvector_update_trigger(tsv, 'pg_catalog.english', body);
        CREATE TRIGGER docs_same BEFORE UPDATE ON docs
            FOR EACH ROW EXECUTE FUNCTION pg_catalog.suppress_redundant_updates_trigger();
    """,
    "reg-constants-as-the-server-prints-them": """
        CREATE SEQUENCE "Counter";
        CREATE TABLE docs (id int DEFAULT nextval('public."Counter"'), body text, k text,
                           CHECK (k::regtype <> 'pg_catalog.int4'::regtype),
                           CHECK (k::regclass <> 'PUBLIC.Docs'::regclass));
        CREATE INDEX docs_b ON docs USING gin (to_tsvector('pg_catalog.english'::regconfig, body));
        CREATE INDEX docs_c ON docs USING gin (to_tsvector('pg_catalog.simple', body));
        CREATE INDEX docs_d ON docs USING gin (to_tsvector('English', body));
    """,
    "partial-revoke-of-all-keeps-maintain": """
        CREATE TABLE t (id int);
        GRANT ALL ON t TO PUBLIC;
        REVOKE DELETE ON t FROM PUBLIC;
    """,
}

# case id -> why schemadiff still reports drift (strict xfail: a fix shows as XPASS)
KNOWN_BUGS: dict[str, str] = {
}


def _params():
    return [pytest.param(sql, id=name, marks=[pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[name])]
                         if name in KNOWN_BUGS else []) for name, sql in CASES.items()]


@pytest.fixture(scope="module")
def scratch(pg):
    pool = ScratchDatabases(pg)
    yield pool
    pool.close()


@pytest.mark.parametrize("sql", _params())
def test_same_sql_plans_to_nothing(scratch, tmp_path, sql):
    dsn = scratch.load("db", sql)
    (tmp_path / "schema.sql").write_text(sql)
    desired = load_schema([tmp_path])
    current = inspect_database(dsn)
    plan = plan_migration(current, desired)
    assert not plan, ("false drift: the database was loaded with these very files, yet:\n"
                      + "\n".join(f"  {c.description}" for c in diff_catalogs(current, desired))
                      + "\nplan:\n" + "\n".join(s.sql for s in plan.steps))
    assert desired.object_count() > 0
