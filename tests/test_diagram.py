"""`schemadiff diagram`: DOT text from the model, checked as text and through graphviz's SVG.

The DOT text is the tested artifact (arrowheads, ports, clusters); the SVG
proves graphviz accepts it and that every table, column and edge survives.
"""
from __future__ import annotations

import functools
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from schemadiff.cli.config import load_config
from schemadiff.cli.main import cli
from schemadiff.diagram import DiagramOptions, catalog_to_dot, relationships, render_dot, resolve_groups, select
from schemadiff.diagram.render import stamp_svg, svg_source_digest, source_digest
from schemadiff.errors import ConfigError, ToolMissing
from schemadiff.model import QualifiedName
from schemadiff.parse import load_schema

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "schema"
EVERY_KIND = Path(__file__).parent / "fixtures" / "diagram" / "every_kind"
SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="graphviz `dot` is not installed")


@functools.cache
def _lp():
    return load_schema([SCHEMA])


@functools.cache
def _ek():
    return load_schema([EVERY_KIND])


def qn(text: str) -> QualifiedName:
    schema, _, name = text.rpartition(".")
    return QualifiedName(schema or "public", name)


# -- reading DOT and SVG -------------------------------------------------------------------------

_ATTR = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|<.*>|[^\s\]]+)')


def dot_edges(text: str) -> dict[str, dict[str, str]]:
    """Edges by id, with their attributes (quotes removed) plus tail/head endpoints."""
    found = {}
    for line in text.splitlines():
        m = re.match(r"\s*(\S+) -> (\S+) \[(.*)\];$", line)
        if not m:
            continue
        attrs = {k: v.strip('"') for k, v in _ATTR.findall(m.group(3))}
        attrs["tail"], attrs["head"] = m.group(1), m.group(2)
        found[attrs["id"]] = attrs
    return found


def dot_clusters(text: str) -> dict[str, list[str]]:
    """Cluster name -> node ids declared inside it."""
    clusters: dict[str, list[str]] = {}
    current = None
    for line in text.splitlines():
        m = re.match(r'\s*subgraph "cluster_(.*)" \{$', line)
        if m:
            current = m.group(1)
            clusters[current] = []
        elif line.strip() == "}" and current is not None:
            current = None
        elif current is not None:
            n = re.match(r'\s*"([^"]+)" \[id=', line)
            if n:
                clusters[current].append(n.group(1))
    return clusters


def svg_of(dot_text: str) -> ET.Element:
    return ET.fromstring(render_dot(dot_text, "svg"))


def svg_groups(root: ET.Element, kind: str) -> dict[str, ET.Element]:
    return {g.get("id"): g for g in root.iter(SVG + "g") if kind in (g.get("class") or "").split()}


def texts(g: ET.Element) -> list[str]:
    return [t.text for t in g.iter(SVG + "text") if t.text]


def tooltips(g: ET.Element) -> list[str]:
    return [a.get(XLINK + "title") for a in g.iter(SVG + "a") if a.get(XLINK + "title")]


def expected_arrows(catalog, table, con) -> tuple[str, str]:
    """Cardinality read straight from the model, independently of diagram.relations."""
    t = catalog.tables[table]
    pk = {c for k in t.constraints if k.kind == "p" for c in k.columns}
    nullable = any(not t.column(c).not_null and c not in pk for c in con.columns)
    keys = [set(k.columns) for k in t.constraints if k.kind in ("p", "u")]
    keys += [set(i.columns) for i in catalog.indexes_of(table) if i.unique and all(i.columns)
             and " WHERE " not in i.definition.sql]
    unique = any(k <= set(con.columns) for k in keys)
    return ("teeodot" if nullable else "teetee"), ("teeodot" if unique else "crowodot")


# -- the learning platform -----------------------------------------------------------------------

@needs_dot
def test_learning_platform_svg_has_every_table_column_and_foreign_key():
    catalog = _lp()
    text = catalog_to_dot(catalog, DiagramOptions(groups=resolve_groups(catalog)))
    root = svg_of(text)
    nodes = svg_groups(root, "node")
    edges = svg_groups(root, "edge")
    tables = {k: t for k, t in catalog.tables.items() if t.partition_of is None}
    assert len(tables) == 14
    assert set(nodes) == {f"table:{k.schema}.{k.name}" for k in tables}
    for k, t in tables.items():
        shown = texts(nodes[f"table:{k.schema}.{k.name}"])
        assert k.name in shown
        for col in t.columns:
            assert col.name in shown, (k, col.name)
        assert t.comment in tooltips(nodes[f"table:{k.schema}.{k.name}"])
    fks = [(k, con) for k, t in tables.items() for con in t.constraints if con.kind == "f"]
    assert len(fks) == 15
    dot = dot_edges(text)
    for k, con in fks:
        edge_id = f"fk:{k.schema}.{k.name}.{con.name}"
        assert edge_id in edges, edge_id
        assert any(con.name in tip for tip in tooltips(edges[edge_id]))
        assert (dot[edge_id]["arrowtail"], dot[edge_id]["arrowhead"]) == expected_arrows(catalog, k, con)
    assert set(edges) == {f"fk:{k.schema}.{k.name}.{con.name}" for k, con in fks}


def test_learning_platform_cardinality():
    edges = dot_edges(catalog_to_dot(_lp()))
    # many courses per instructor, every course has one
    e = edges["fk:public.courses.courses_instructor_id_fkey"]
    assert (e["arrowtail"], e["arrowhead"]) == ("teetee", "crowodot")
    assert e["tail"] == '"public.users":"c0e":e' and e["head"] == '"public.courses":"c3w":w'
    assert "many-to-one" in e["class"] and "optional" not in e["class"] and "style" not in e
    # 1:1 detail table keyed by its parent's key
    e = edges["fk:public.video_content.video_content_content_id_fkey"]
    assert (e["arrowtail"], e["arrowhead"]) == ("teetee", "teeodot")
    assert "one-to-one" in e["class"]
    # nullable foreign key: zero or one parent, dashed
    e = edges["fk:public.user_interactions.user_interactions_content_id_fkey"]
    assert (e["arrowtail"], e["arrowhead"]) == ("teeodot", "crowodot")
    assert e["style"] == "dashed" and "optional" in e["class"]
    # composite foreign key to a composite primary key: one-to-one
    e = edges["fk:public.quiz_interactions.quiz_interactions_interaction_fkey"]
    assert (e["arrowtail"], e["arrowhead"]) == ("teetee", "teeodot")
    # user_progress (user_id, course_id) is the primary key, but each foreign key covers part of it
    e = edges["fk:public.user_progress.user_progress_user_id_fkey"]
    assert e["arrowhead"] == "crowodot"


def test_learning_platform_groups_and_partitions():
    catalog = _lp()
    groups = resolve_groups(catalog)
    assert set(groups.values()) == {"users", "courses and content", "interactions", "analytics"}
    text = catalog_to_dot(catalog, DiagramOptions(groups=groups))
    clusters = dot_clusters(text)
    assert clusters["users"] == ["public.users"]
    assert clusters["courses and content"] == [
        "public.content_items", "public.course_modules", "public.courses", "public.quiz_content",
        "public.video_content"]
    assert "public.user_interactions" in clusters["interactions"]
    assert clusters["analytics"] == [
        "public.aggregated_analytics", "public.content_engagement_metrics", "public.quiz_question_daily",
        "public.user_progress"]
    # the partitioned table is one node that states its key and partition count
    assert '"public.user_interactions_default"' not in text
    assert "partitioned by RANGE (created_at) · 1 partition" in text
    # one schema: names are not qualified
    assert "<B>users</B>" in text and "public.users</B>" not in text


def test_learning_platform_focus():
    catalog = _lp()
    names, focus = select(catalog, DiagramOptions(focus="courses", depth=1))
    assert focus == qn("courses")
    assert [n.name for n in names] == ["course_modules", "courses", "user_interactions", "user_progress", "users"]
    names, _ = select(catalog, DiagramOptions(focus="public.users", depth=2))
    assert qn("course_modules") in names and qn("user_interactions") in names
    assert qn("content_items") not in names


# -- a schema with every kind ---------------------------------------------------------------------

def test_every_kind_relationships():
    rels = {r.name: r for r in relationships(_ek())}
    assert set(rels) == {"badges_employee_fkey", "desks_occupant_fkey", "employees_manager_fkey",
                         "employees_mentor_fkey", "events_project_fkey", "projects_owner_fkey",
                         "projects_reviewer_fkey"}
    assert rels["badges_employee_fkey"].one_to_one and not rels["badges_employee_fkey"].optional
    assert rels["desks_occupant_fkey"].one_to_one and rels["desks_occupant_fkey"].optional  # unique index
    assert not rels["employees_manager_fkey"].one_to_one and rels["employees_manager_fkey"].optional
    assert not rels["projects_owner_fkey"].optional and rels["projects_reviewer_fkey"].optional


def test_every_kind_dot_edges():
    catalog = _ek()
    text = catalog_to_dot(catalog, DiagramOptions(groups=resolve_groups(catalog)))
    edges = dot_edges(text)
    for r in relationships(catalog):
        e = edges[f"fk:{r.table.schema}.{r.table.name}.{r.name}"]
        assert (e["arrowtail"], e["arrowhead"]) == expected_arrows(catalog, r.table, r.constraint)
    # self references: both loops on the employees node, from id to each foreign key column, distinct
    manager = edges["fk:hr.employees.employees_manager_fkey"]
    mentor = edges["fk:hr.employees.employees_mentor_fkey"]
    assert manager["tail"] == mentor["tail"] == '"hr.employees":"c0w":w'
    assert manager["head"] == '"hr.employees":"c3w":w' and mentor["head"] == '"hr.employees":"c4w":w'
    assert manager.get("color") != mentor.get("color")
    # two foreign keys between the same two tables: different columns, different colors
    owner = edges["fk:public.projects.projects_owner_fkey"]
    reviewer = edges["fk:public.projects.projects_reviewer_fkey"]
    assert owner["head"] != reviewer["head"] and owner.get("color") != reviewer.get("color")
    assert (owner["arrowtail"], reviewer["arrowtail"]) == ("teetee", "teeodot")
    # views read tables and views
    assert {k for k in edges if k.startswith("reads:")} == {
        "reads:public.project_event_counts.public.events",
        "reads:public.project_event_counts.public.project_owners",
        "reads:public.project_owners.hr.employees",
        "reads:public.project_owners.public.projects"}


def test_every_kind_nodes_and_groups():
    catalog = _ek()
    groups = resolve_groups(catalog)
    assert groups[qn("hr.employees")] == "people"
    assert groups[qn("projects")] == groups[qn("project_owners")] == "work"
    assert qn("settings") not in groups  # an empty `-- group:` ends the group
    text = catalog_to_dot(catalog, DiagramOptions(groups=groups))
    clusters = dot_clusters(text)
    assert clusters["people"] == ["hr.badges", "hr.desks", "hr.employees"]
    assert clusters["work"] == ["public.events", "public.project_event_counts", "public.project_owners",
                                "public.projects"]
    assert "<B>hr.employees</B>" in text and "<B>projects</B>" in text  # schema-qualified outside public
    assert 'id="view:public.project_owners" class="view"' in text
    assert "MATERIALIZED VIEW" in text and 'STYLE="dashed"' in text
    assert "partitioned by RANGE (at) · 2 partitions" in text
    assert '"public.events_2024"' not in text
    # markers: PK, FK, single-column unique, NN
    employees = next(line for line in text.splitlines() if 'id="table:hr.employees"' in line)
    assert ">PK</B>" in employees and ">FK</B>" in employees and ">UQ</B>" in employees and ">NN<" in employees
    # comments are escaped in labels and tooltips
    assert "&lt;b&gt;not bold&lt;/b&gt;" in employees and "&quot;quoted&quot;" in employees


def test_group_by_schema_and_none():
    catalog = _ek()
    groups = resolve_groups(catalog)
    by_schema = dot_clusters(catalog_to_dot(catalog, DiagramOptions(groups=groups, group_by="schema")))
    assert set(by_schema) == {"hr", "public"}
    assert "public.settings" in by_schema["public"]
    assert dot_clusters(catalog_to_dot(catalog, DiagramOptions(groups=groups, group_by="none"))) == {}
    # without any declared group, clusters are schemas
    assert set(dot_clusters(catalog_to_dot(catalog))) == {"hr", "public"}


def test_config_groups_override_markers(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.schemadiff]\nschema = ["schema"]\n\n[tool.schemadiff.groups]\n'
        'org = ["hr.*"]\nplanning = ["proj*", "public.events"]\n')
    configured = load_config(tmp_path).groups
    assert configured == {"org": ["hr.*"], "planning": ["proj*", "public.events"]}
    groups = resolve_groups(_ek(), configured)
    assert groups[qn("hr.employees")] == "org"
    assert groups[qn("projects")] == groups[qn("project_owners")] == groups[qn("events")] == "planning"
    assert groups[qn("project_event_counts")] == "planning"


def test_config_groups_must_be_lists(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.schemadiff.groups]\norg = 3\n')
    with pytest.raises(ConfigError, match="groups.org must be a string or a list of strings"):
        load_config(tmp_path)


def test_focus_depth_include_exclude():
    catalog = _ek()
    names, _ = select(catalog, DiagramOptions(focus="projects", depth=1))
    assert names == [qn("hr.employees"), qn("events"), qn("project_owners"), qn("projects")]
    names, _ = select(catalog, DiagramOptions(focus="projects", depth=0))
    assert names == [qn("projects")]
    names, _ = select(catalog, DiagramOptions(focus="projects", depth=2))
    assert qn("hr.badges") in names and qn("project_event_counts") in names and qn("settings") not in names
    names, _ = select(catalog, DiagramOptions(include=("hr.*",)))
    assert names == [qn("hr.badges"), qn("hr.desks"), qn("hr.employees")]
    names, _ = select(catalog, DiagramOptions(exclude=("hr.*", "project_*")))
    assert names == [qn("events"), qn("projects"), qn("settings")]
    text = catalog_to_dot(catalog, DiagramOptions(exclude=("hr.*",)))
    assert "projects_owner_fkey" not in text  # no edge to a table that is not drawn
    with pytest.raises(ConfigError, match="did you mean projects"):
        select(catalog, DiagramOptions(focus="projets"))


def test_compact_neighbors():
    text = catalog_to_dot(_ek(), DiagramOptions(focus="projects", compact_neighbors=True))
    employees = next(line for line in text.splitlines() if 'id="table:hr.employees"' in line)
    assert "full_name" not in employees and "7 more columns" in employees
    projects = next(line for line in text.splitlines() if 'id="table:public.projects"' in line)
    assert "budget" in projects and "BORDER=\"3\"" in projects


def test_links_to_pages():
    text = catalog_to_dot(_ek(), DiagramOptions(link=lambda name: f"tables/{name.schema}.{name.name}.html"))
    projects = next(line for line in text.splitlines() if 'id="table:public.projects"' in line)
    assert 'HREF="tables/public.projects.html"' in projects and 'HREF="#"' not in projects


def test_deterministic():
    first = catalog_to_dot(_ek(), DiagramOptions(groups=resolve_groups(_ek())))
    again = load_schema([EVERY_KIND / "work.sql", EVERY_KIND / "people.sql"])
    assert catalog_to_dot(again, DiagramOptions(groups=resolve_groups(again))) == first


@needs_dot
def test_every_kind_svg():
    catalog = _ek()
    root = svg_of(catalog_to_dot(catalog, DiagramOptions(groups=resolve_groups(catalog))))
    nodes = svg_groups(root, "node")
    assert set(nodes) == {"table:hr.badges", "table:hr.desks", "table:hr.employees", "table:public.events",
                          "table:public.projects", "table:public.settings", "view:public.project_owners",
                          "view:public.project_event_counts"}
    assert "Who they report to; NULL for the top." in "\n".join(tooltips(nodes["table:hr.employees"]))
    assert 'Everyone on the payroll | "quoted" <b>not bold</b> *not italic*.' in tooltips(
        nodes["table:hr.employees"])
    edges = svg_groups(root, "edge")
    assert len([e for e in edges if e.startswith("fk:")]) == 7
    assert len([e for e in edges if e.startswith("reads:")]) == 4
    clusters = {g.get("id") for g in root.iter(SVG + "g") if "cluster" in (g.get("class") or "")}
    assert clusters == {"group:people", "group:work"}


@needs_dot
def test_png_and_pdf():
    text = catalog_to_dot(_ek())
    assert render_dot(text, "png").startswith(b"\x89PNG\r\n\x1a\n")
    assert render_dot(text, "pdf").startswith(b"%PDF")


@needs_dot
def test_svg_is_stamped_with_its_source():
    text = catalog_to_dot(_ek())
    svg = render_dot(text, "svg")
    assert svg_source_digest(svg) == source_digest(text)
    ET.fromstring(svg)  # still well-formed
    assert svg_source_digest(stamp_svg(b"<svg/>", "x")) == source_digest("x")


# -- command line --------------------------------------------------------------------------------

def _no_dot(monkeypatch, tmp_path):
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))


def test_dot_output_needs_no_graphviz(tmp_path, monkeypatch):
    _no_dot(monkeypatch, tmp_path)
    out = tmp_path / "erd.dot"
    result = CliRunner().invoke(cli, ["diagram", "--schema", str(EVERY_KIND), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text() == catalog_to_dot(_ek(), DiagramOptions(groups=resolve_groups(_ek())))


def test_missing_dot_is_a_clear_error(tmp_path, monkeypatch):
    _no_dot(monkeypatch, tmp_path)
    result = CliRunner().invoke(cli, ["diagram", "--schema", str(EVERY_KIND), "-o", str(tmp_path / "erd.svg")])
    assert result.exit_code == 2
    assert "`dot` not found on PATH" in result.output and "apt-get install graphviz" in result.output
    assert "`-o FILE.dot` works without it" in result.output
    assert not (tmp_path / "erd.svg").exists()
    with pytest.raises(ToolMissing) as info:
        render_dot("digraph {}", "png")
    assert info.value.tool == "dot"


@needs_dot
def test_cli_svg(tmp_path):
    out = tmp_path / "sub" / "erd.svg"
    result = CliRunner().invoke(cli, ["diagram", "--schema", str(EVERY_KIND), "-o", str(out), "--table",
                                      "hr.employees", "--depth", "1", "--group-by", "schema", "--title", "HR"])
    assert result.exit_code == 0, result.output
    root = ET.fromstring(out.read_bytes())
    assert set(svg_groups(root, "node")) == {
        "table:hr.badges", "table:hr.desks", "table:hr.employees", "table:public.projects",
        "view:public.project_owners"}
    assert "HR" in texts(root)


def test_cli_errors(tmp_path):
    runner = CliRunner()
    result = runner.invoke(cli, ["diagram", "--schema", str(EVERY_KIND), "-o", str(tmp_path / "erd.txt")])
    assert result.exit_code == 2 and "unknown diagram format txt" in result.output
    result = runner.invoke(cli, ["diagram", "--schema", str(EVERY_KIND), "-o", "-", "--table", "nope"])
    assert result.exit_code == 2 and "--table nope: no such table or view" in result.output
    result = runner.invoke(cli, ["diagram", "--schema", str(EVERY_KIND), "-o", "-", "--depth", "2"])
    assert result.exit_code == 2 and "--depth needs --table" in result.output


def test_cli_dot_to_stdout_with_config(tmp_path, monkeypatch):
    schema = tmp_path / "schema"
    schema.mkdir()
    for f in EVERY_KIND.iterdir():
        (schema / f.name).write_text(f.read_text())
    (tmp_path / "pyproject.toml").write_text(
        '[tool.schemadiff]\nexclude = ["public.settings"]\n\n[tool.schemadiff.groups]\nteam = ["hr.*"]\n')
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["diagram", "-o", "-", "--include", "hr.*", "--include", "settings"])
    assert result.exit_code == 0, result.output
    assert set(dot_clusters(result.output)) == {"team"}
    assert "public.settings" not in result.output  # excluded by the configuration


@pytest.mark.db
def test_diagram_from_live_database(pg):
    """--db draws the same tables, columns and relationships as the files it was loaded from."""
    sql = "\n".join((EVERY_KIND / f).read_text() for f in ("people.sql", "work.sql"))
    dsn = pg.create_database(sql)
    result = CliRunner().invoke(cli, ["diagram", "--db", dsn, "-o", "-", "--group-by", "none"])
    assert result.exit_code == 0, result.output
    assert result.output == catalog_to_dot(_ek(), DiagramOptions(group_by="none"))
