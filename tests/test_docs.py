"""`schemadiff docs`: Markdown pages compared with golden files, links, staleness (`--check`)."""
from __future__ import annotations

import functools
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from schemadiff.cli.main import cli
from schemadiff.diagram import resolve_groups
from schemadiff.docs import GENERATED, build_site, check_site, write_site
from schemadiff.parse import load_schema

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "schema"
DOCS_SCHEMA = ROOT / "docs" / "schema"
EVERY_KIND = Path(__file__).parent / "fixtures" / "diagram" / "every_kind"
GOLDEN = Path(__file__).parent / "fixtures" / "docs" / "every_kind"

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="graphviz `dot` is not installed")


@functools.cache
def _ek_site():
    catalog = load_schema([EVERY_KIND])
    return build_site(catalog, resolve_groups(catalog))


def fake_render(dot_text: str, fmt: str) -> bytes:
    """An SVG stand-in carrying the stamp, so write/check logic runs without graphviz."""
    from schemadiff.diagram.render import stamp_svg
    return stamp_svg(b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>\n', dot_text)


# -- golden pages --------------------------------------------------------------------------------

def test_pages_match_goldens(update_goldens):
    site = _ek_site()
    if update_goldens:
        if GOLDEN.exists():
            shutil.rmtree(GOLDEN)
        for rel, text in site.pages.items():
            path = GOLDEN / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    on_disk = sorted(p.relative_to(GOLDEN).as_posix() for p in GOLDEN.rglob("*.md"))
    assert on_disk == sorted(site.pages), "pages added or removed: run pytest --update-goldens and read the diff"
    for rel, text in site.pages.items():
        assert (GOLDEN / rel).read_text(encoding="utf-8") == text, f"{rel} differs from its golden file"


def test_site_layout():
    site = _ek_site()
    assert sorted(site.pages) == [
        "functions/public.touch_project.md", "index.md",
        "tables/hr.badges.md", "tables/hr.desks.md", "tables/hr.employees.md", "tables/public.events.md",
        "tables/public.projects.md", "tables/public.settings.md",
        "types/hr.address.md", "types/hr.floatrange.md", "types/hr.mood.md", "types/hr.positive_int.md",
        "views/public.project_event_counts.md", "views/public.project_owners.md"]
    assert sorted(site.diagrams) == [
        "diagrams/hr.badges.svg", "diagrams/hr.desks.svg", "diagrams/hr.employees.svg", "diagrams/public.events.svg",
        "diagrams/public.project_event_counts.svg", "diagrams/public.project_owners.svg",
        "diagrams/public.projects.svg", "diagrams/public.settings.svg", "diagrams/schema.svg"]
    for text in site.pages.values():
        assert text.startswith(GENERATED + "\n\n# ")
        assert text.endswith("\n") and not text.endswith("\n\n") and "\n\n\n" not in text


def test_deterministic():
    catalog = load_schema([EVERY_KIND / "work.sql", EVERY_KIND / "people.sql"])
    again = build_site(catalog, resolve_groups(catalog))
    assert again == _ek_site()


def test_every_link_resolves():
    """Relative links and images point at generated files: GitHub and mkdocs render them."""
    site = _ek_site()
    files = set(site.paths())
    for rel, text in site.pages.items():
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            assert not target.startswith(("/", "http")), (rel, target)
            resolved = (Path("/site") / rel).parent.joinpath(target).resolve().relative_to("/site").as_posix()
            assert resolved in files, (rel, target)


def test_table_page_sections():
    pages = _ek_site().pages
    projects = pages["tables/public.projects.md"]
    for heading in ("## Columns", "## Constraints", "## Indexes", "## Foreign keys", "### References",
                    "### Referenced by", "## Triggers", "## Policies", "## Grants", "## Read by views"):
        assert f"\n{heading}\n" in projects, heading
    assert "| `budget` | `numeric(12,2)` | yes | `0` |" in projects
    assert "[hr.employees](hr.employees.md) (`id`) | many-to-one, optional |" in projects
    assert "[events](public.events.md) | `events_project_fkey` | `project_id` | `id` | many-to-one |" in projects
    assert "Row level security is enabled." in projects
    assert "- INSERT, SELECT to public" in projects
    assert "[touch_project()](../functions/public.touch_project.md)" in projects
    events = pages["tables/public.events.md"]
    assert "Partitioned by `RANGE (at)`." in events
    assert "| `events_2024` | `FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')` |" in events
    employees = pages["tables/hr.employees.md"]
    assert "schema `hr`" in employees
    assert "[`hr.mood`](../types/hr.mood.md)" in employees
    assert "`GENERATED ALWAYS AS IDENTITY`" in employees


def test_row_level_security_is_stated():
    from dataclasses import replace

    from schemadiff.model import QualifiedName
    catalog = load_schema([EVERY_KIND])
    name = QualifiedName("public", "projects")
    tables = dict(catalog.tables)
    tables[name] = replace(tables[name], rls_enabled=True)
    page = build_site(replace(catalog, tables=tables)).pages["tables/public.projects.md"]
    assert "## Policies\n\nRow level security is enabled.\n\n| Name | Command |" in page
    tables[name] = replace(tables[name], rls_forced=True)
    page = build_site(replace(catalog, tables=tables)).pages["tables/public.projects.md"]
    assert "Row level security is enabled and forced" in page


def test_markdown_is_escaped():
    index = _ek_site().pages["index.md"]
    row = next(line for line in index.splitlines() if line.startswith("| [hr.employees]"))
    assert row == ("| [hr.employees](tables/hr.employees.md) | Everyone on the payroll \\| \"quoted\" "
                   "&lt;b&gt;not bold&lt;/b&gt; \\*not italic\\*. |")


def test_view_function_and_type_pages():
    pages = _ek_site().pages
    view = pages["views/public.project_owners.md"]
    assert "```sql\nSELECT p.id, p.name, e.full_name AS owner" in view
    assert "## Reads\n\n- [hr.employees](../tables/hr.employees.md)\n- [projects](../tables/public.projects.md)" in view
    assert "## Read by views\n\n- [project_event_counts](public.project_event_counts.md)" in view
    assert "materialized view" in pages["views/public.project_event_counts.md"]
    fn = pages["functions/public.touch_project.md"]
    assert "Trigger function for projects." in fn and "CREATE OR REPLACE FUNCTION public.touch_project()" in fn
    assert "## Used by triggers\n\n- [projects](../tables/public.projects.md) (`projects_touch`)" in fn
    mood = pages["types/hr.mood.md"]
    assert "| 3 | `grumpy` |" in mood and "[hr.employees](../tables/hr.employees.md).`mood`" in mood
    assert "| Check `positive_int_check` | `CHECK (value > 0)` |" in pages["types/hr.positive_int.md"]
    assert "| `city` | `text` |" in pages["types/hr.address.md"]
    index = pages["index.md"]
    for heading in ("## people", "## work", "## Other tables", "## Views", "## Functions", "## Types"):
        assert f"\n{heading}\n" in index


# -- writing and checking --------------------------------------------------------------------------

def test_write_then_check(tmp_path):
    site = _ek_site()
    out = tmp_path / "docs"
    written = write_site(site, out, render=fake_render)
    assert {d.path for d in written} == set(site.paths())
    assert check_site(site, out) == []
    calls = []
    assert write_site(site, out, render=lambda *a: calls.append(a) or b"") == [] and calls == []


def test_check_detects_stale_files(tmp_path):
    site = _ek_site()
    out = tmp_path / "docs"
    write_site(site, out, render=fake_render)
    (out / "tables" / "public.projects.md").write_text("edited by hand\n")
    (out / "diagrams" / "hr.desks.svg").unlink()
    (out / "diagrams" / "schema.svg").write_bytes(fake_render("digraph old {}", "svg"))
    (out / "tables" / "public.dropped.md").write_text(GENERATED + "\n\n# dropped\n")
    (out / "notes.md").write_text("Hand-written; not ours.\n")
    assert [str(d) for d in check_site(site, out)] == [
        "diagrams/hr.desks.svg: missing",
        "diagrams/schema.svg: changed",
        "tables/public.dropped.md: no longer generated",
        "tables/public.projects.md: changed",
    ]
    write_site(site, out, render=fake_render)
    assert check_site(site, out) == []
    assert not (out / "tables" / "public.dropped.md").exists()
    assert (out / "notes.md").read_text() == "Hand-written; not ours.\n"


def test_cli_check(tmp_path):
    out = tmp_path / "docs"
    write_site(_ek_site(), out, render=fake_render)
    runner = CliRunner()
    result = runner.invoke(cli, ["docs", "--schema", str(EVERY_KIND), "-o", str(out), "--check"])
    assert result.exit_code == 0, result.output
    assert "up to date" in result.output
    (out / "index.md").write_text("stale\n")
    result = runner.invoke(cli, ["docs", "--schema", str(EVERY_KIND), "-o", str(out), "--check"])
    assert result.exit_code == 1
    assert "1 file(s) differ" in result.output and "index.md: changed" in result.output


def test_cli_check_needs_no_graphviz(tmp_path, monkeypatch):
    out = tmp_path / "docs"
    write_site(_ek_site(), out, render=fake_render)
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    result = CliRunner().invoke(cli, ["docs", "--schema", str(EVERY_KIND), "-o", str(out), "--check"])
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(cli, ["docs", "--schema", str(EVERY_KIND), "-o", str(tmp_path / "new")])
    assert result.exit_code == 2 and "apt-get install graphviz" in result.output


@needs_dot
def test_cli_writes_real_svgs(tmp_path):
    import xml.etree.ElementTree as ET
    out = tmp_path / "docs"
    result = CliRunner().invoke(cli, ["docs", "--schema", str(EVERY_KIND), "-o", str(out)])
    assert result.exit_code == 0, result.output
    svg = ET.fromstring((out / "diagrams" / "public.projects.svg").read_bytes())
    ids = {g.get("id") for g in svg.iter("{http://www.w3.org/2000/svg}g")}
    assert {"table:public.projects", "table:hr.employees", "fk:public.projects.projects_owner_fkey"} <= ids
    again = CliRunner().invoke(cli, ["docs", "--schema", str(EVERY_KIND), "-o", str(out), "--check"])
    assert again.exit_code == 0, again.output


# -- the learning platform -----------------------------------------------------------------------

def test_learning_platform_docs_are_current():
    """docs/schema/ is committed; regenerate it with `schemadiff docs -o docs/schema`."""
    catalog = load_schema([SCHEMA])
    site = build_site(catalog, resolve_groups(catalog))
    stale = check_site(site, DOCS_SCHEMA)
    assert stale == [], "docs/schema is stale; run `schemadiff docs -o docs/schema`: " + ", ".join(map(str, stale))


def test_learning_platform_pages():
    catalog = load_schema([SCHEMA])
    site = build_site(catalog, resolve_groups(catalog))
    assert len([p for p in site.pages if p.startswith("tables/")]) == 14
    index = site.pages["index.md"]
    for group in ("users", "courses and content", "interactions", "analytics"):
        assert f"\n## {group}\n" in index
    for qn, t in catalog.tables.items():
        if t.partition_of is None:
            assert f"[{qn.name}](tables/public.{qn.name}.md)" in index
    ui = site.pages["tables/public.user_interactions.md"]
    assert "| `user_interactions_default` | `DEFAULT` |" in ui
    assert "[video_interactions](public.video_interactions.md)" in ui
    assert "[set_updated_at()](functions/public.set_updated_at.md)" in index
