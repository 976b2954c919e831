"""lint: every rule fires on what it is about and stays quiet otherwise; suppression, config, output, CLI.

Schema rules run on catalogs parsed from small SQL snippets; plan rules on plans
computed between two parsed catalogs, with table sizes given by hand.  A few
tests run against a real database (marked db): `lint --db` and `lint --plan`,
which reads the tables' sizes from pg_class.
"""
from __future__ import annotations

import json
import textwrap
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from schemadiff.cli.config import exclusion, load_config
from schemadiff.cli.main import cli
from schemadiff.errors import ConfigError, Location
from schemadiff.lint import (RULES, Finding, LintConfig, PlanContext, TableSize, lint_catalog, lint_config,
                             lint_plan, rule)
from schemadiff.lint.docs import docs_path, rules_markdown
from schemadiff.lint.output import findings_github, findings_json, findings_text
from schemadiff.lint.registry import parse_doc
from schemadiff.model import QualifiedName
from schemadiff.parse import catalog_from_sql, load_schema
from schemadiff.plan import HAZARD_KINDS, plan_migration

ROOT = Path(__file__).resolve().parent.parent
PROPOSAL = Path(__file__).parent / "fixtures" / "lint" / "proposal.sql"
EVERYTHING = LintConfig(enable=frozenset(r for r in RULES if RULES[r].opt_in))


def findings(sql: str, only: str | None = None, config: LintConfig = EVERYTHING) -> list[Finding]:
    out = lint_catalog(catalog_from_sql(textwrap.dedent(sql)), config)
    return [f for f in out if only is None or f.rule == only]


def hits(sql: str, rule_id: str) -> set[str]:
    return {f.object for f in findings(sql, rule_id)}


# ---------------------------------------------------------------------------
# schema rules: (rule, SQL that makes it fire, the objects it names, SQL that keeps it quiet)

SCHEMA_CASES = [
    pytest.param(
        "fk-without-index",
        """CREATE TABLE p (id int PRIMARY KEY, a int, b int, UNIQUE (a, b));
           CREATE TABLE c (id int PRIMARY KEY, p_id int REFERENCES p, a int, b int,
                           FOREIGN KEY (a, b) REFERENCES p (a, b));
           CREATE INDEX c_b_idx ON c (b, a, id);  -- leads with the pair: covers (a, b)
           CREATE INDEX c_p_id_partial ON c (p_id) WHERE p_id > 0;  -- partial: does not count""",
        {"constraint public.c.c_p_id_fkey"},
        """CREATE TABLE p (id int PRIMARY KEY);
           CREATE TABLE c (id int PRIMARY KEY, p_id int REFERENCES p);
           CREATE INDEX ON c (p_id, id);
           CREATE TABLE d (p_id int PRIMARY KEY REFERENCES p);""",
        id="fk-without-index"),
    pytest.param(
        "duplicate-index",
        """CREATE TABLE t (id int PRIMARY KEY, a int UNIQUE, b int);
           CREATE INDEX t_a_idx ON t (a);
           CREATE INDEX t_b_1 ON t (b);
           CREATE INDEX t_b_2 ON t USING btree (b ASC NULLS LAST);""",
        {"index public.t_a_idx", "index public.t_b_2"},
        """CREATE TABLE t (id int PRIMARY KEY, a int, b int);
           CREATE INDEX ON t (a);
           CREATE INDEX ON t USING hash (a);
           CREATE INDEX ON t (a) WHERE b > 0;
           CREATE INDEX ON t (a) INCLUDE (b);
           CREATE INDEX ON t (lower(a::text));""",
        id="duplicate-index"),
    pytest.param(
        "redundant-index",
        """CREATE TABLE t (id int PRIMARY KEY, a int, b int, c int, UNIQUE (a, b));
           CREATE INDEX t_a_idx ON t (a);
           CREATE INDEX t_b_c_idx ON t (b, c);
           CREATE INDEX t_b_idx ON t (b);
           CREATE INDEX t_lower_idx ON t (lower(c::text));
           CREATE INDEX t_lower_c_idx ON t (lower(c::text), a);""",
        {"index public.t_a_idx", "index public.t_b_idx", "index public.t_lower_idx"},
        """CREATE TABLE t (id int PRIMARY KEY, a int, b int, c int);
           CREATE UNIQUE INDEX t_a_key ON t (a);          -- unique: enforces more than (a, b) does
           CREATE INDEX t_a_b_idx ON t (a, b);
           CREATE INDEX t_b_partial ON t (b) WHERE c > 0;  -- another predicate
           CREATE INDEX t_b_c_idx ON t (b, c);
           CREATE INDEX t_c_incl ON t (c) INCLUDE (id, a);  -- covering: needs its INCLUDE columns
           CREATE INDEX t_c_b ON t (c, b);
           CREATE INDEX t_gin ON t USING gin ((ARRAY[a]));
           CREATE INDEX t_gin2 ON t USING gin ((ARRAY[a]), (ARRAY[b]));""",
        id="redundant-index"),
    pytest.param(
        "table-without-primary-key",
        "CREATE TABLE events (happened_at timestamptz, payload jsonb);",
        {"table public.events"},
        """CREATE TABLE p (id int PRIMARY KEY, ts date NOT NULL) PARTITION BY RANGE (ts);
           CREATE TABLE p_default PARTITION OF p DEFAULT;""",
        id="table-without-primary-key"),
    pytest.param(
        "nullable-unique-identifier",
        """CREATE TABLE t (id int PRIMARY KEY, module_id int NOT NULL, position int, code text,
                          UNIQUE (module_id, position));
           CREATE UNIQUE INDEX t_code_key ON t (code);""",
        {"constraint public.t.t_module_id_position_key", "index public.t_code_key"},
        """CREATE TABLE t (id int PRIMARY KEY, module_id int NOT NULL, position int NOT NULL, code text,
                          alias text, UNIQUE (module_id, position), UNIQUE NULLS NOT DISTINCT (alias));
           CREATE UNIQUE INDEX t_code_key ON t (code) WHERE code IS NOT NULL;
           CREATE UNIQUE INDEX t_lower_key ON t (lower(code)) WHERE module_id > 0 AND code IS NOT NULL;""",
        id="nullable-unique-identifier"),
    pytest.param(
        "partitioned-unique-without-partition-key",
        """CREATE TABLE ui (id bigint PRIMARY KEY, created_at timestamptz NOT NULL, code text UNIQUE)
               PARTITION BY RANGE (created_at);
           CREATE TABLE ui_default PARTITION OF ui DEFAULT;
           CREATE TABLE h (id int PRIMARY KEY, k text) PARTITION BY HASH (lower(k));""",
        {"constraint public.ui.ui_pkey", "constraint public.ui.ui_code_key", "constraint public.h.h_pkey"},
        """CREATE TABLE ui (id bigint, created_at timestamptz NOT NULL, PRIMARY KEY (id, created_at))
               PARTITION BY RANGE (created_at);
           CREATE TABLE ui_default PARTITION OF ui DEFAULT;""",
        id="partitioned-unique-without-partition-key"),
    pytest.param(
        "fk-to-partitioned-table-without-partition-key",
        """CREATE TABLE ui (id bigint, created_at timestamptz NOT NULL, PRIMARY KEY (id, created_at),
                           UNIQUE (id)) PARTITION BY RANGE (created_at);
           CREATE TABLE ui_default PARTITION OF ui DEFAULT;
           CREATE TABLE vi (interaction_id bigint PRIMARY KEY REFERENCES ui (id));""",
        {"constraint public.vi.vi_interaction_id_fkey"},
        """CREATE TABLE ui (id bigint, created_at timestamptz NOT NULL, PRIMARY KEY (id, created_at))
               PARTITION BY RANGE (created_at);
           CREATE TABLE ui_default PARTITION OF ui DEFAULT;
           CREATE TABLE vi (interaction_id bigint, interaction_created_at timestamptz,
                            PRIMARY KEY (interaction_id, interaction_created_at),
                            FOREIGN KEY (interaction_id, interaction_created_at) REFERENCES ui (id, created_at));""",
        id="fk-to-partitioned-table-without-partition-key"),
    pytest.param(
        "partitioned-without-default-partition",
        """CREATE TABLE e (id int, ts date NOT NULL, PRIMARY KEY (id, ts)) PARTITION BY RANGE (ts);
           CREATE TABLE e_2023_01 PARTITION OF e FOR VALUES FROM ('2023-01-01') TO ('2023-02-01');
           CREATE TABLE l (id int, k text NOT NULL, PRIMARY KEY (id, k)) PARTITION BY LIST (k);""",
        {"table public.e", "table public.l"},
        """CREATE TABLE e (id int, ts date NOT NULL, PRIMARY KEY (id, ts)) PARTITION BY RANGE (ts);
           CREATE TABLE e_default PARTITION OF e DEFAULT;
           CREATE TABLE h (id int PRIMARY KEY) PARTITION BY HASH (id);
           CREATE TABLE h_0 PARTITION OF h FOR VALUES WITH (MODULUS 2, REMAINDER 0);
           CREATE TABLE h_1 PARTITION OF h FOR VALUES WITH (MODULUS 2, REMAINDER 1);""",
        id="partitioned-without-default-partition"),
    pytest.param(
        "timestamp-without-time-zone",
        "CREATE TABLE s (id int PRIMARY KEY, a timestamp, b timestamp(3) without time zone, c timestamp[]);",
        {"column public.s.a", "column public.s.b", "column public.s.c"},
        "CREATE TABLE s (id int PRIMARY KEY, a timestamptz, b timestamp(3) with time zone, c date, d time);",
        id="timestamp-without-time-zone"),
    pytest.param(
        "serial-instead-of-identity",
        """CREATE TABLE s (id bigserial PRIMARY KEY);
           CREATE SEQUENCE t_n_seq;
           CREATE TABLE t (id int PRIMARY KEY, n int DEFAULT nextval('t_n_seq'));
           ALTER SEQUENCE t_n_seq OWNED BY t.n;""",
        {"column public.s.id", "column public.t.n"},
        """CREATE TABLE s (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);
           CREATE SEQUENCE shared_seq;  -- not owned by the column: a shared counter, not a serial
           CREATE TABLE t (id int PRIMARY KEY, n int DEFAULT nextval('shared_seq'));""",
        id="serial-instead-of-identity"),
    pytest.param(
        "varchar-length",
        "CREATE TABLE u (id int PRIMARY KEY, email varchar(255), tags character varying(20)[]);",
        {"column public.u.email", "column public.u.tags"},
        "CREATE TABLE u (id int PRIMARY KEY, email text CHECK (char_length(email) <= 254), code varchar);",
        id="varchar-length"),
    pytest.param(
        "money-type",
        "CREATE TABLE i (id int PRIMARY KEY, total money, parts money[]);",
        {"column public.i.total", "column public.i.parts"},
        "CREATE TABLE i (id int PRIMARY KEY, total numeric(12,2), currency char(3));",
        id="money-type"),
    pytest.param(
        "missing-comment",
        """CREATE TABLE t (id int PRIMARY KEY, a int);
           COMMENT ON COLUMN t.id IS 'key';
           CREATE VIEW v AS SELECT id FROM t;
           CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'select 1';""",
        {"table public.t", "column public.t.a", "view public.v", "function public.f()"},
        """CREATE TABLE t (id int PRIMARY KEY);
           COMMENT ON TABLE t IS 'a table';
           COMMENT ON COLUMN t.id IS 'key';
           CREATE VIEW v AS SELECT id FROM t;
           COMMENT ON VIEW v IS 'a view';
           CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'select 1';
           COMMENT ON FUNCTION f() IS 'one';""",
        id="missing-comment"),
]


@pytest.mark.parametrize(("rule_id", "firing", "objects", "quiet"), SCHEMA_CASES)
def test_schema_rule_fires(rule_id, firing, objects, quiet):
    found = findings(firing, rule_id)
    assert {f.object for f in found} == objects
    for f in found:
        assert f.severity == RULES[rule_id].severity
        assert f.message and f.fix
        assert f.location.file == "<sql>" and f.location.line > 0


@pytest.mark.parametrize(("rule_id", "firing", "objects", "quiet"), SCHEMA_CASES)
def test_schema_rule_stays_quiet(rule_id, firing, objects, quiet):
    assert findings(quiet, rule_id) == []


def test_every_schema_rule_has_a_case():
    tested = {p.values[0] for p in SCHEMA_CASES}
    assert tested == {r.id for r in RULES.values() if r.target == "schema"}


def test_redundant_and_duplicate_do_not_double_report():
    sql = """CREATE TABLE t (id int PRIMARY KEY, a int, b int, UNIQUE (a, b));
             CREATE INDEX t_a_b_idx ON t (a, b);
             CREATE INDEX t_a_idx ON t (a);"""
    got = {(f.rule, f.object) for f in findings(sql) if f.rule in ("redundant-index", "duplicate-index")}
    assert got == {("duplicate-index", "index public.t_a_b_idx"), ("redundant-index", "index public.t_a_idx")}


def test_messages_name_the_better_index():
    [f] = findings("""CREATE TABLE t (id int PRIMARY KEY, a int, b int, UNIQUE (a, b));
                      CREATE INDEX t_a_idx ON t (a);""", "redundant-index")
    assert "t_a_b_key" in f.message
    assert f.fix == "DROP INDEX public.t_a_idx;"


# ---------------------------------------------------------------------------
# opt-in rules, suppression, configuration

def test_missing_comment_is_off_by_default():
    sql = "CREATE TABLE t (id int PRIMARY KEY);"
    assert findings(sql, config=LintConfig()) == []
    assert {f.rule for f in findings(sql, config=lint_config({"enable": ["missing-comment"]}))} == {"missing-comment"}


def test_disable_in_config_and_on_the_command_line():
    sql = "CREATE TABLE t (a timestamp, b money);"
    assert {f.rule for f in findings(sql, config=LintConfig())} == {
        "table-without-primary-key", "timestamp-without-time-zone", "money-type"}
    config = lint_config({"disable": ["money-type"]}, disable=["table-without-primary-key"])
    assert {f.rule for f in findings(sql, config=config)} == {"timestamp-without-time-zone"}
    # --enable wins over the file's disable
    config = lint_config({"disable": ["money-type"]}, enable=["money-type"])
    assert "money-type" in {f.rule for f in findings(sql, config=config)}


@pytest.mark.parametrize(("section", "message"), [
    ({"disable": ["no-such-rule"]}, "unknown rule(s) no-such-rule"),
    ({"enable": "fk-without-index", "colour": "red"}, "unknown keys: colour"),
    ({"fail-on": "fatal"}, "fail-on must be one of"),
    ({"disable": [1]}, "must be a list of rule ids"),
    ({"big-table-size": "lots"}, "big-table-size"),
    ({"big-table-rows": -1}, "big-table-rows"),
])
def test_bad_config_is_an_error(section, message):
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        lint_config(section)


def test_config_sizes():
    config = lint_config({"big-table-rows": 10, "big-table-size": "2 MB", "fail-on": "error"})
    assert (config.big_table_rows, config.big_table_bytes, config.fail_on) == (10, 2 * 1024 * 1024, "error")
    assert lint_config({"big-table-size": 4096}).big_table_bytes == 4096


def test_ignore_comment_directly_above_the_statement(tmp_path):
    f = tmp_path / "s.sql"
    f.write_text(textwrap.dedent("""\
        CREATE TABLE p (id int PRIMARY KEY);

        -- Rows are never deleted from p; the index would only cost writes.
        -- schemadiff: ignore fk-without-index, timestamp-without-time-zone
        CREATE TABLE c (id int PRIMARY KEY, p_id int REFERENCES p, at timestamp);

        -- schemadiff: ignore fk-without-index

        CREATE TABLE d (id int PRIMARY KEY, p_id int REFERENCES p);
        ALTER TABLE d ADD COLUMN at timestamp;
        -- schemadiff: ignore fk-without-index
        ALTER TABLE d ADD CONSTRAINT d_other_fkey FOREIGN KEY (id) REFERENCES p;
        """))
    got = {(x.rule, x.object) for x in lint_catalog(load_schema([f]))}
    # c: both rules ignored; d: the blank line breaks the comment off, the ALTER's own comment works
    assert got == {("fk-without-index", "constraint public.d.d_p_id_fkey"),
                   ("timestamp-without-time-zone", "column public.d.at")}


# ---------------------------------------------------------------------------
# the registry and the generated docs

def test_registering_twice_raises():
    with pytest.raises(RuntimeError, match="registered twice"):
        rule("fk-without-index", severity="warning")(RULES["fk-without-index"].function)


def test_rule_docs_have_the_fixed_shape():
    with pytest.raises(ValueError, match="needs the sections"):
        parse_doc("x", """Summary.

        What it does:
            Something.

        Fix:
            Something else.
        """)
    for r in RULES.values():
        assert [t for t, _ in r.sections] == ["What it does", "Why it matters", "Example", "Fix"]
        assert r.summary.endswith(".")


def test_bad_registrations_are_refused():
    with pytest.raises(ValueError, match="severity"):
        rule("x-rule", severity="fatal")
    with pytest.raises(ValueError, match="rule id"):
        rule("X Rule", severity="info")


def test_docs_page_is_current():
    """docs/lint-rules.md is generated: python -c 'from schemadiff.lint.docs import write_docs; write_docs()'."""
    assert docs_path().read_text(encoding="utf-8") == rules_markdown()


def test_every_hazard_kind_has_a_plan_rule():
    assert set(HAZARD_KINDS) == {r.id for r in RULES.values() if r.target == "plan"}


# ---------------------------------------------------------------------------
# the learning platform and the proposal it replaced

def test_learning_platform_schema_is_lint_clean():
    cfg = load_config(ROOT)
    catalog = load_schema([ROOT / p for p in cfg.schema]).filtered(exclusion(cfg.exclude))
    config = lint_config(cfg.lint)
    assert [f for f in lint_catalog(catalog, config) if f.at_least("warning")] == []


PROPOSAL_EXPECTED = {
    # the primary key of the partitioned table lacks the partition key: PostgreSQL refuses the table
    ("partitioned-unique-without-partition-key", "constraint public.user_interactions.user_interactions_pkey"),
    # ... and the 1:1 detail tables reference it by id alone
    ("fk-to-partitioned-table-without-partition-key",
     "constraint public.video_interactions.video_interactions_interaction_id_fkey"),
    ("fk-to-partitioned-table-without-partition-key",
     "constraint public.quiz_interactions.quiz_interactions_interaction_id_fkey"),
    # two months of partitions and no default: any other insert fails
    ("partitioned-without-default-partition", "table public.user_interactions"),
    # indexes that repeat the left edge of a unique constraint
    ("duplicate-index", "index public.idx_users_email"),
    ("redundant-index", "index public.idx_course_modules_course_id"),
    ("redundant-index", "index public.idx_content_items_module_id"),
    ("redundant-index", "index public.idx_user_progress_user_id"),
    ("redundant-index", "index public.idx_content_engagement_content"),
    ("redundant-index", "index public.idx_aggregated_analytics_entity"),
    # foreign keys nothing indexes
    ("fk-without-index", "constraint public.courses.courses_instructor_id_fkey"),
    ("fk-without-index", "constraint public.user_interactions.user_interactions_content_id_fkey"),
    ("fk-without-index", "constraint public.user_interactions.user_interactions_course_id_fkey"),
    ("fk-without-index", "constraint public.user_progress.user_progress_course_id_fkey"),
    # serial id of the biggest table
    ("serial-instead-of-identity", "column public.user_interactions.id"),
    # unique keys meant to identify, with nullable columns
    ("nullable-unique-identifier",
     "constraint public.course_modules.course_modules_course_id_position_key"),
    ("nullable-unique-identifier", "constraint public.content_items.content_items_module_id_position_key"),
    ("nullable-unique-identifier", "constraint public.user_progress.user_progress_user_id_course_id_key"),
    ("nullable-unique-identifier",
     "constraint public.content_engagement_metrics.content_engagement_metrics_content_id_date_key"),
}
PROPOSAL_TIMESTAMPS = {"users.created_at", "users.updated_at", "courses.created_at", "courses.updated_at",
                       "course_modules.created_at", "course_modules.updated_at", "content_items.created_at",
                       "content_items.updated_at", "user_sessions.started_at", "user_sessions.ended_at",
                       "user_interactions.created_at", "user_progress.last_activity_at",
                       "aggregated_analytics.start_date", "aggregated_analytics.end_date"}


def test_proposal_shows_what_an_expert_would_raise():
    found = lint_catalog(load_schema([PROPOSAL]))
    serious = {(f.rule, f.object) for f in found if f.at_least("warning") and f.rule != "timestamp-without-time-zone"}
    assert serious == PROPOSAL_EXPECTED
    stamps = {f.object.removeprefix("column public.") for f in found if f.rule == "timestamp-without-time-zone"}
    assert stamps == PROPOSAL_TIMESTAMPS
    assert {f.rule for f in found if f.severity == "error"} == {
        "partitioned-unique-without-partition-key", "fk-to-partitioned-table-without-partition-key"}
    assert all(f.location.file.endswith("proposal.sql") and f.location.line for f in found)
    # varchar(255) everywhere: informational only
    assert {f.severity for f in found if f.rule == "varchar-length"} == {"info"}


# ---------------------------------------------------------------------------
# plan rules: plans between two parsed catalogs, sizes given by hand

BIG = TableSize(2_000_000, 500 * 1024 * 1024)
SMALL = TableSize(10, 16384)

PLAN_CASES = [
    pytest.param("data-loss",
                 "CREATE TABLE t (id int PRIMARY KEY, a int);", "CREATE TABLE t (id int PRIMARY KEY);",
                 "CREATE TABLE t (id int PRIMARY KEY);", "CREATE TABLE t (id int PRIMARY KEY, a int);",
                 "error", id="data-loss"),
    pytest.param("blocks-writes",
                 "CREATE TABLE t (id int PRIMARY KEY, a int);",
                 "CREATE TABLE t (id int PRIMARY KEY, a int); CREATE INDEX t_a_idx ON t (a);",
                 "", "CREATE TABLE t (id int PRIMARY KEY, a int); CREATE INDEX t_a_idx ON t (a);",
                 "warning", id="blocks-writes"),
    pytest.param("blocks-reads",
                 "CREATE TABLE t (id int PRIMARY KEY, a int); CREATE INDEX t_a_idx ON t (a);",
                 "CREATE TABLE t (id int PRIMARY KEY, a int);",
                 "", "CREATE TABLE t (id int PRIMARY KEY, a int);",
                 "warning", id="blocks-reads"),
    pytest.param("table-rewrite",
                 "CREATE TABLE t (id int PRIMARY KEY, a int);", "CREATE TABLE t (id int PRIMARY KEY, a text);",
                 "CREATE TABLE t (id int PRIMARY KEY, a varchar(10));",
                 "CREATE TABLE t (id int PRIMARY KEY, a varchar(20));",
                 "warning", id="table-rewrite"),
    pytest.param("index-build",
                 "CREATE TABLE t (id int PRIMARY KEY, a int);",
                 "CREATE TABLE t (id int PRIMARY KEY, a int); CREATE INDEX t_a_idx ON t (a);",
                 "", "CREATE TABLE t (id int PRIMARY KEY, a int); CREATE INDEX t_a_idx ON t (a);",
                 "info", id="index-build"),
    pytest.param("validates",
                 "CREATE TABLE t (id int PRIMARY KEY, a int);",
                 "CREATE TABLE t (id int PRIMARY KEY, a int CHECK (a > 0));",
                 "", "CREATE TABLE t (id int PRIMARY KEY, a int CHECK (a > 0));",
                 "info", id="validates"),
    pytest.param("irreversible",
                 "CREATE TYPE mood AS ENUM ('sad');", "CREATE TYPE mood AS ENUM ('sad', 'happy');",
                 "", "CREATE TYPE mood AS ENUM ('sad', 'happy');",
                 "info", id="irreversible"),
]


def plan_findings(current: str, desired: str, size: TableSize | None, config: LintConfig = LintConfig()):
    plan = plan_migration(catalog_from_sql(current), catalog_from_sql(desired))
    sizes = {QualifiedName("public", "t"): size} if size else {}
    return lint_plan(PlanContext(plan, sizes), config)


@pytest.mark.parametrize(("rule_id", "current", "desired", "quiet_current", "quiet_desired", "severity"), PLAN_CASES)
def test_plan_rule_fires(rule_id, current, desired, quiet_current, quiet_desired, severity):
    found = [f for f in plan_findings(current, desired, BIG) if f.rule == rule_id]
    assert found and {f.severity for f in found} == {severity}
    assert all(f.fix and f.message for f in found)
    if rule_id != "irreversible":
        assert all("public.t" in f.object for f in found)
        assert all("~2.0M rows, 500.0 MB" in f.message for f in found)


@pytest.mark.parametrize(("rule_id", "current", "desired", "quiet_current", "quiet_desired", "severity"), PLAN_CASES)
def test_plan_rule_stays_quiet(rule_id, current, desired, quiet_current, quiet_desired, severity):
    assert [f for f in plan_findings(quiet_current, quiet_desired, BIG) if f.rule == rule_id] == []


@pytest.mark.parametrize("rule_id", ["blocks-writes", "blocks-reads", "table-rewrite"])
def test_locks_on_small_tables_are_info(rule_id):
    case = next(p for p in PLAN_CASES if p.values[0] == rule_id)
    _, current, desired, *_ = case.values
    for size in (SMALL, None):
        found = [f for f in plan_findings(current, desired, size) if f.rule == rule_id]
        assert found and {f.severity for f in found} == {"info"}


def test_plan_findings_point_at_the_declaration(tmp_path):
    f = tmp_path / "t.sql"
    f.write_text("CREATE TABLE t (id int PRIMARY KEY, a int);\n\n"
                 "-- schemadiff: ignore index-build\nCREATE INDEX t_a_idx ON t (a);\n")
    plan = plan_migration(catalog_from_sql("CREATE TABLE t (id int PRIMARY KEY, a int);"), load_schema([f]))
    found = lint_plan(PlanContext(plan, {QualifiedName("public", "t"): BIG}))
    assert {x.rule for x in found} == {"blocks-writes"}  # index-build ignored by the comment
    assert found[0].location == Location(str(f), 4, 1)


# ---------------------------------------------------------------------------
# output formats

SAMPLE = [
    Finding("fk-without-index", "warning", "constraint public.c.c_p_id_fkey", Location("schema/c.sql", 3, 1),
            "foreign key c_p_id_fkey (p_id) of c has no index", "CREATE INDEX c_p_id_idx ON public.c (p_id);"),
    Finding("data-loss", "error", "column public.c.a", Location("database"), "drops column a, 100% gone", ""),
    Finding("varchar-length", "info", "column public.c.b", Location("schema/c.sql", 3, 1), "b is varchar(9)",
            "use text"),
]


def test_text_output():
    assert findings_text(SAMPLE) == (
        "schema/c.sql:3: warning: fk-without-index: foreign key c_p_id_fkey (p_id) of c has no index\n"
        "  fix: CREATE INDEX c_p_id_idx ON public.c (p_id);\n"
        "database: error: data-loss: drops column a, 100% gone\n"
        "schema/c.sql:3: info: varchar-length: b is varchar(9)\n"
        "  fix: use text\n")


def test_json_output():
    doc = json.loads(findings_json(SAMPLE, "error"))
    assert doc["summary"] == {"info": 1, "warning": 1, "error": 1}
    assert doc["failed"] is True and doc["fail_on"] == "error"
    assert doc["findings"][0] == {"rule": "fk-without-index", "severity": "warning",
                                  "object": "constraint public.c.c_p_id_fkey", "file": "schema/c.sql", "line": 3,
                                  "message": "foreign key c_p_id_fkey (p_id) of c has no index",
                                  "fix": "CREATE INDEX c_p_id_idx ON public.c (p_id);"}
    assert doc["findings"][1]["file"] is None


def test_github_annotations():
    lines = findings_github(SAMPLE).splitlines()
    assert lines[0] == ("::warning file=schema/c.sql,line=3,title=fk-without-index::foreign key c_p_id_fkey "
                        "(p_id) of c has no index%0Afix: CREATE INDEX c_p_id_idx ON public.c (p_id);")
    assert lines[1] == "::error title=data-loss::drops column a, 100%25 gone"
    assert lines[2].startswith("::notice file=schema/c.sql,line=3,title=varchar-length::")


# ---------------------------------------------------------------------------
# the command line (files only: no database needed)

def project(tmp_path: Path, monkeypatch, sql: str, lint_section: str = "") -> Path:
    (tmp_path / "schema").mkdir()
    (tmp_path / "schema" / "app.sql").write_text(textwrap.dedent(sql))
    (tmp_path / "pyproject.toml").write_text('[tool.schemadiff]\nschema = ["schema"]\n' + lint_section)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_cli_clean_schema_exits_0(tmp_path, monkeypatch):
    project(tmp_path, monkeypatch, "CREATE TABLE t (id int PRIMARY KEY, at timestamptz);")
    result = run("lint")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "no findings" in result.stderr


def test_cli_findings_exit_1_at_fail_on(tmp_path, monkeypatch):
    project(tmp_path, monkeypatch, """\
        CREATE TABLE p (id int PRIMARY KEY);
        CREATE TABLE c (id int PRIMARY KEY, p_id int REFERENCES p, name varchar(20));
        """)
    result = run("lint")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == (
        "schema/app.sql:2: warning: fk-without-index: foreign key c_p_id_fkey (p_id) of c has no index starting "
        "with its columns: deletes and key updates on p scan c")
    assert result.stdout.splitlines()[1] == "  fix: CREATE INDEX c_p_id_idx ON public.c (p_id);"
    assert "info: varchar-length" in result.stdout
    assert run("lint", "--fail-on", "error").exit_code == 0
    assert run("lint", "--disable", "fk-without-index").exit_code == 0
    assert run("lint", "--disable", "fk-without-index", "--fail-on", "info").exit_code == 1
    assert run("lint", "--fail-on", "never", "--enable", "missing-comment").exit_code == 0


def test_cli_config_section(tmp_path, monkeypatch):
    project(tmp_path, monkeypatch, "CREATE TABLE t (at timestamp);",
            '[tool.schemadiff.lint]\ndisable = ["table-without-primary-key"]\nfail-on = "error"\n')
    result = run("lint", "--format", "json")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert [f["rule"] for f in doc["findings"]] == ["timestamp-without-time-zone"]
    assert run("lint", "--fail-on", "warning").exit_code == 1


def test_cli_github_format(tmp_path, monkeypatch):
    project(tmp_path, monkeypatch, "CREATE TABLE t (id int PRIMARY KEY, m money);")
    result = run("lint", "--format", "github")
    assert result.exit_code == 1
    assert result.stdout.startswith("::warning file=schema/app.sql,line=1,title=money-type::")


def test_cli_errors_exit_2(tmp_path, monkeypatch):
    project(tmp_path, monkeypatch, "CREATE TABLE t (id int PRIMARY KEY;",
            '[tool.schemadiff.lint]\ndisable = ["fk-without-index"]\n')
    result = run("lint")
    assert result.exit_code == 2 and "schema/app.sql:1" in result.stderr
    (tmp_path / "pyproject.toml").write_text('[tool.schemadiff.lint]\ndisable = ["nope"]\n')
    result = run("lint")
    assert result.exit_code == 2 and "unknown rule(s) nope" in result.stderr
    (tmp_path / "pyproject.toml").write_text('[tool.schemadiff]\nlint = "strict"\n')
    assert run("lint").exit_code == 2


def test_cli_list_rules():
    result = run("lint", "--list-rules")
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == len(RULES)
    assert "missing-comment" in result.stdout and "opt-in" in result.stdout


# ---------------------------------------------------------------------------
# against a real database

@pytest.mark.db
def test_cli_lint_db(pg, tmp_path, monkeypatch):
    dsn = pg.create_database("CREATE TABLE p (id int PRIMARY KEY); CREATE TABLE c (id int, p_id int REFERENCES p);")
    project(tmp_path, monkeypatch, "CREATE TABLE unrelated (id int PRIMARY KEY);")
    result = run("lint", "--db", dsn, "--format", "json")
    assert result.exit_code == 1, result.output
    got = {(f["rule"], f["object"], f["file"]) for f in json.loads(result.stdout)["findings"]}
    assert got == {("fk-without-index", "constraint public.c.c_p_id_fkey", None),
                   ("table-without-primary-key", "table public.c", None)}


@pytest.mark.db
def test_cli_lint_plan_weighs_hazards_by_table_size(pg, tmp_path, monkeypatch):
    dsn = pg.create_database("""
        CREATE TABLE big (id int PRIMARY KEY, a int, gone text);
        INSERT INTO big SELECT g, g, 'x' FROM generate_series(1, 5000) g;
        CREATE TABLE small (id int PRIMARY KEY, a int);
        ANALYZE big; ANALYZE small;
        """)
    project(tmp_path, monkeypatch, """\
        CREATE TABLE big (id int PRIMARY KEY, a int);
        CREATE INDEX big_a_idx ON big (a);
        CREATE TABLE small (id int PRIMARY KEY, a int);
        CREATE INDEX small_a_idx ON small (a);
        """, '[tool.schemadiff.lint]\nbig-table-rows = 1000\n')
    result = run("lint", "--plan", "--db", dsn, "--format", "json")
    assert result.exit_code == 1, result.output
    got = {(f["rule"], f["object"], f["severity"]) for f in json.loads(result.stdout)["findings"]}
    assert ("data-loss", "column public.big.gone", "error") in got
    assert ("blocks-writes", "index public.big_a_idx", "warning") in got
    assert ("blocks-writes", "index public.small_a_idx", "info") in got
    assert ("index-build", "index public.big_a_idx", "info") in got
    [big] = [f for f in json.loads(result.stdout)["findings"]
             if f["rule"] == "blocks-writes" and f["object"] == "index public.big_a_idx"]
    assert "~5.0k rows" in big["message"] and big["file"] == "schema/app.sql" and big["line"] == 2
    # a drop points at its table's declaration: annotations land there, and a comment can excuse it
    [loss] = [f for f in json.loads(result.stdout)["findings"] if f["rule"] == "data-loss"]
    assert (loss["file"], loss["line"]) == ("schema/app.sql", 1)
    # CI that only cares about data loss
    assert run("lint", "--plan", "--db", dsn, "--disable", "data-loss").exit_code == 1
    assert run("lint", "--plan", "--db", dsn, "--disable", "data-loss", "--fail-on", "error").exit_code == 0


@pytest.mark.db
def test_table_sizes_of_partitioned_tables(pg):
    from schemadiff.lint import table_sizes
    dsn = pg.create_database("""
        CREATE TABLE e (id int, ts date NOT NULL) PARTITION BY RANGE (ts);
        CREATE TABLE e_a PARTITION OF e FOR VALUES FROM ('2020-01-01') TO ('2021-01-01');
        CREATE TABLE e_b PARTITION OF e DEFAULT;
        INSERT INTO e SELECT g, '2020-06-01' FROM generate_series(1, 300) g;
        INSERT INTO e SELECT g, '2022-06-01' FROM generate_series(1, 200) g;
        ANALYZE e_a; ANALYZE e_b;
        CREATE TABLE fresh (id int);
        """)
    sizes = table_sizes(dsn, [QualifiedName("public", "e"), QualifiedName("public", "fresh"),
                              QualifiedName("public", "nope")])
    assert sizes[QualifiedName("public", "e")].rows == 500
    assert sizes[QualifiedName("public", "e")].bytes > 0
    assert sizes[QualifiedName("public", "fresh")].rows is None  # never analyzed
    assert QualifiedName("public", "nope") not in sizes
    with psycopg.connect(dsn) as conn:
        assert conn.execute("SELECT count(*) FROM e").fetchone()[0] == 500


# ---------------------------------------------------------------------------
# robustness: every rule runs on every schema of the conformance corpora (parse only)

SHARED = Path(__file__).resolve().parents[2] / "shared"


def test_rules_run_on_every_corpus_schema():
    from schemadiff.errors import SchemaDiffError
    corpora = sorted((SHARED / "conformance").glob("*.jsonl"))
    if not corpora:
        pytest.skip(f"no conformance corpora in {SHARED}")
    linted = 0
    for path in corpora:
        for line in path.read_text().splitlines():
            case = json.loads(line)
            for side in ("current_sql", "desired_sql"):
                try:
                    catalog = catalog_from_sql(case.get(side) or "", case["id"])
                except SchemaDiffError:
                    continue  # what the parser refuses is the parser's business
                for f in lint_catalog(catalog, EVERYTHING):
                    assert f.rule in RULES and f.message and f.fix, (case["id"], f)
                linted += 1
    assert linted > 1000
