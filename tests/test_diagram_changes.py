"""`diagram --changes` and `plan --diagram`: the target schema with what a plan adds, drops and alters marked.

The SVG is parsed: each node's class names its mark (`node table added`), and its rows
carry the marked columns; unchanged tables more than one foreign key away are not drawn."""
from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from schemadiff.cli.main import cli
from fix_scratch import ScratchDatabases

OLD = """
CREATE TABLE users (id bigint PRIMARY KEY, full_name text, legacy_flag boolean);
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id), total numeric(10,2));
CREATE TABLE coupons (code text PRIMARY KEY);
CREATE TABLE countries (code text PRIMARY KEY, name text);
CREATE TABLE regions (id int PRIMARY KEY, country text REFERENCES countries (code));
CREATE TABLE unrelated (id int PRIMARY KEY);
"""
NEW = """
CREATE TABLE users (
  id bigint PRIMARY KEY,
  display_name text,  -- schemadiff: renamed from full_name
  country text REFERENCES countries (code)
);
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id), total numeric(12,2) NOT NULL);
CREATE TABLE order_items (order_id bigint REFERENCES orders (id), sku text, qty int);
CREATE TABLE countries (code text PRIMARY KEY, name text);
CREATE TABLE regions (id int PRIMARY KEY, country text REFERENCES countries (code));
CREATE TABLE unrelated (id int PRIMARY KEY);
"""
SVG = "{http://www.w3.org/2000/svg}"
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="graphviz `dot` is not installed")


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody:secret@127.0.0.1:1/x")  # files only: never used
    (tmp_path / "schema").mkdir()
    (tmp_path / "old.sql").write_text(OLD)
    (tmp_path / "schema" / "s.sql").write_text(NEW)
    return tmp_path


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def nodes(svg: Path) -> dict[str, dict]:
    """node id -> {"class": set of classes, "text": [texts]}, from the SVG."""
    root = ET.parse(svg).getroot()
    out = {}
    for g in root.iter(f"{SVG}g"):
        classes = set((g.get("class") or "").split())
        if "node" in classes or "edge" in classes:
            out[g.get("id")] = {"class": classes,
                                "text": [t.text.strip() for t in g.iter(f"{SVG}text") if t.text and t.text.strip()],
                                "tooltips": [a.get("{http://www.w3.org/1999/xlink}title") or ""
                                             for a in g.iter(f"{SVG}a")]}
    return out


@needs_dot
def test_changes_diagram_marks_what_the_plan_does(project):
    result = run("diagram", "--changes", "--from", "old.sql", "-o", "changes.svg")
    assert result.exit_code == 0, result.output
    assert "1 added, 1 dropped, 2 altered" in result.output
    found = nodes(project / "changes.svg")
    tables = {k.removeprefix("table:"): v["class"] - {"node", "table"} for k, v in found.items()
              if k.startswith("table:")}
    assert tables == {"public.order_items": {"added"}, "public.coupons": {"dropped"},
                      "public.users": {"altered"}, "public.orders": {"altered"},
                      "public.countries": set()}  # a neighbor; regions and unrelated are two hops or more away
    users = found["table:public.users"]["text"]
    assert users[users.index("country") - 1] == "+"  # the added column
    assert users[users.index("legacy_flag") - 1] == "−"  # the dropped column, still drawn
    assert users[users.index("display_name") - 1] == "→" and "full_name" not in users
    assert "dropped: legacy_flag boolean" in found["table:public.users"]["tooltips"]
    assert any("renamed" in t and "full_name" in t for t in found["table:public.users"]["tooltips"])
    orders = found["table:public.orders"]["text"]
    assert orders[orders.index("total") - 1] == "~"
    edges = {k: v["class"] for k, v in found.items() if k.startswith("fk:")}
    assert "added" in edges["fk:public.users.users_country_fkey"]
    assert "added" in edges["fk:public.order_items.order_items_order_id_fkey"]
    assert "added" not in edges["fk:public.orders.orders_user_id_fkey"]
    legend = " ".join(t.text or "" for t in ET.parse(project / "changes.svg").getroot().iter(f"{SVG}text"))
    assert all(word in legend for word in ("added", "dropped", "altered", "renamed"))


def test_changes_diagram_dot_and_plan_markdown_link(project):
    dot = run("diagram", "--changes", "--from", "old.sql", "--to", "schema", "-o", "-").output
    assert re.search(r'"public.order_items" \[id="table:public.order_items" class="table added"', dot)
    assert "unrelated" not in dot
    out = run("plan", "--from", "old.sql", "--format", "markdown", "--diagram", "plan.dot")
    assert out.exit_code == 0, out.output
    assert "![What the plan changes: added, dropped and altered tables](plan.dot)" in out.output
    assert 'class="table dropped"' in (project / "plan.dot").read_text()
    assert run("diagram", "--from", "old.sql", "-o", "x.dot").exit_code == 2  # --from needs --changes


@needs_dot
@pytest.mark.db
def test_changes_diagram_against_a_database(project, pg):
    pool = ScratchDatabases(pg)
    try:
        dsn = pool.load("diagram-changes", OLD)
        result = run("diagram", "--changes", "--db", dsn, "-o", "live.svg")
        assert result.exit_code == 0, result.output
        found = nodes(project / "live.svg")
        assert "added" in found["table:public.order_items"]["class"]
        assert "dropped" in found["table:public.coupons"]["class"]
    finally:
        pool.close()
