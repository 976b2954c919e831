"""Catalog -> Graphviz DOT text: an ER diagram with HTML-like table nodes.

Plain text generation, no graphviz binding: `.dot` output needs nothing
installed, and the same catalog gives the same bytes (nodes, edges and
clusters in identity order, no timestamps).

Reading the diagram:

* a table is a node with a header colored by its group (or schema); a
  partitioned table is one node that states its key and partition count;
* each column shows PK/FK/UQ markers, its type (monospace) and NN when NOT
  NULL; hovering a header or a column shows its comment (SVG);
* a foreign key is a line from the referenced column (left) to the
  referencing column (right), in crow's-foot notation: at the parent end `||`
  exactly one, or `o|` zero or one when a foreign key column is nullable
  (the line is dashed too); at the child end `o|` zero or one when the
  foreign key columns are unique (one-to-one), else `o<` zero or many;
  hovering it shows the constraint;
* views have dashed borders and light headers, with thin arrows from the
  tables they read.
"""
from __future__ import annotations

import difflib
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import ConfigError
from ..model import Catalog, Column, Index, QualifiedName, Table
from . import _kinds
from .groups import matches
from .relations import Relations, Relationship, is_partial, relations_of

FONT = "Helvetica,Arial,sans-serif"
MONO = "DejaVu Sans Mono,Menlo,Consolas,monospace"
# Header colors, assigned to groups (or schemas) in name order.
PALETTE = ("#3B6EA5", "#C8702A", "#3E8A57", "#8A5BA6", "#B8434B", "#2C8A8A",
           "#9C7A1F", "#B4537F", "#5E7A2E", "#56658A")
UNGROUPED = "#4A5668"
EDGE = "#5B6778"
READS = "#9AA5B4"
SIBLING_EDGES = ("#A0522D", "#2C8A8A", "#8A5BA6", "#9C7A1F")  # 2nd, 3rd... foreign key between two tables
TEXT = "#1F2937"
MUTED = "#6B7684"
FAINT = "#98A2AE"
ZEBRA = "#F5F7FA"
MARKER_COLORS = {"PK": "#B7791F", "FK": "#2F6FD0", "UQ": "#7E4CC2"}
_SHORT_TYPES = (
    ("timestamp with time zone", "timestamptz"),
    ("timestamp without time zone", "timestamp"),
    ("time with time zone", "timetz"),
    ("time without time zone", "time"),
    ("character varying", "varchar"),
    ("bit varying", "varbit"),
    ("double precision", "float8"),
)


@dataclass(frozen=True)
class DiagramOptions:
    """What to draw.  `groups` maps tables/views to group names (see groups.resolve_groups)."""

    group_by: str | None = None  # "group" | "schema" | "none"; None: groups when any are declared
    groups: Mapping[QualifiedName, str] = field(default_factory=dict)
    focus: str | None = None  # table or view name: draw it and its neighbors
    depth: int = 1
    include: tuple[str, ...] = ()  # patterns; when given, only matching tables and views
    exclude: tuple[str, ...] = ()
    compact_neighbors: bool = False  # around a focus, show only key columns of the others
    legend: bool = True
    title: str | None = None
    link: Callable[[QualifiedName], str | None] | None = None  # URL of a table's page, for the SVG
    marks: Any = None  # a plan's ChangeMarks (changes.py): what it adds, drops and alters
    only: frozenset[QualifiedName] | None = None  # draw these tables and views only


# -- selection ---------------------------------------------------------------------------------

def _drawable(catalog: Catalog) -> dict[QualifiedName, Any]:
    """Tables (partitions fold into their partitioned table) and views, by name."""
    found: dict[QualifiedName, Any] = {
        qn: t for qn, t in catalog.tables.items() if t.partition_of is None or t.partition_of not in catalog.tables}
    found.update(_kinds.views(catalog))
    return dict(sorted(found.items()))


def resolve_name(name: str, candidates: Iterable[QualifiedName]) -> QualifiedName:
    """'users' or 'schema.users' -> the one table or view it names; ConfigError otherwise."""
    candidates = list(candidates)
    wanted = name.strip()
    exact = [qn for qn in candidates if f"{qn.schema}.{qn.name}" == wanted]
    if not exact and "." not in wanted:
        exact = [qn for qn in candidates if qn.name == wanted]
        public = [qn for qn in exact if qn.schema == "public"]
        exact = public or exact
    if len(exact) == 1:
        return exact[0]
    if len(exact) > 1:
        raise ConfigError(f"--table {name} is ambiguous: " + ", ".join(f"{q.schema}.{q.name}" for q in exact))
    close = difflib.get_close_matches(wanted, [qn.display for qn in candidates], n=3)
    hint = f" (did you mean {', '.join(close)}?)" if close else ""
    raise ConfigError(f"--table {name}: no such table or view in the diagram{hint}")


def select(catalog: Catalog, options: DiagramOptions,
           relations: Relations | None = None) -> tuple[list[QualifiedName], QualifiedName | None]:
    """The tables and views to draw, and the focus (if any)."""
    names = set(_drawable(catalog))
    if options.include:
        names = {qn for qn in names if any(matches(qn, p) for p in options.include)}
    names = {qn for qn in names if not any(matches(qn, p) for p in options.exclude)}
    if options.only is not None:
        names &= options.only
    focus = None
    if options.focus:
        focus = resolve_name(options.focus, names)
        neighbors = (relations or relations_of(catalog)).neighbors
        seen = {focus: 0}
        queue = deque([focus])
        while queue:
            here = queue.popleft()
            if seen[here] >= options.depth:
                continue
            for nb in sorted(neighbors.get(here, ())):
                if nb in names and nb not in seen:
                    seen[nb] = seen[here] + 1
                    queue.append(nb)
        names = set(seen)
    return sorted(names), focus


# -- text helpers ------------------------------------------------------------------------------

def _q(text: str) -> str:
    """A DOT double-quoted string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _h(text: str) -> str:
    """Text for an HTML-like label."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _attr(text: str) -> str:
    """An attribute value inside an HTML-like label (newlines kept for tooltips)."""
    return _h(text).replace("\n", "&#10;")


def short_type(type_text: str) -> str:
    """The compact spelling of a canonical type for a diagram cell."""
    for long, short in _SHORT_TYPES:
        if type_text.startswith(long):
            return short + type_text[len(long):]
    return type_text


def node_id(qn: QualifiedName) -> str:
    return f"{qn.schema}.{qn.name}"


def _tint(color: str, amount: float) -> str:
    """color mixed with white (amount 1.0 = white)."""
    r, g, b = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    mix = [round(c + (255 - c) * amount) for c in (r, g, b)]
    return "#" + "".join(f"{c:02X}" for c in mix)


# -- nodes -------------------------------------------------------------------------------------

@dataclass
class _Style:
    color: str
    focus: bool = False
    mark: str | None = None  # the plan's mark on the table or view (changes.py)
    columns: Mapping[str, str] = field(default_factory=dict)  # column -> the plan's mark
    note: str = ""


def _markers(table: Table, indexes: tuple[Index, ...]) -> dict[str, list[str]]:
    marks: dict[str, list[str]] = {c.name: [] for c in table.columns}
    pk = {c for con in table.constraints if con.kind == "p" for c in con.columns}
    fk = {c for con in table.constraints if con.kind == "f" for c in con.columns}
    # Only single-column keys: a column of a composite unique key is not unique on its own.
    uq = {con.columns[0] for con in table.constraints if con.kind == "u" and len(con.columns) == 1}
    uq |= {idx.columns[0] for idx in indexes
           if idx.unique and len(idx.columns) == 1 and idx.columns[0] and not is_partial(idx)}
    for name, found in marks.items():
        if name in pk:
            found.append("PK")
        if name in fk:
            found.append("FK")
        if name in uq and name not in pk:
            found.append("UQ")
    return marks


def _marker_html(marks: list[str]) -> str:
    if not marks:
        return ""
    inner = " ".join(f'<FONT COLOR="{MARKER_COLORS[m]}"><B>{m}</B></FONT>' for m in marks)
    return f'<FONT POINT-SIZE="9">{inner}</FONT>'



def _unique_together(table: Table, indexes: tuple[Index, ...]) -> dict[str, list[tuple[str, ...]]]:
    """Column -> the composite unique keys (not the primary key) it is part of."""
    keys = [con.columns for con in table.constraints if con.kind == "u" and len(con.columns) > 1]
    keys += [idx.columns for idx in indexes
             if idx.unique and len(idx.columns) > 1 and all(idx.columns) and not is_partial(idx)]
    found: dict[str, list[tuple[str, ...]]] = {}
    for key in keys:
        for c in key:
            found.setdefault(c, []).append(key)
    return found


def _column_tooltip(col: Column, type_text: str, together: list[tuple[str, ...]]) -> str:
    parts = [f"{col.name} {type_text}" + (" NOT NULL" if col.not_null else "")]
    parts += [f"unique together: ({', '.join(key)})" for key in together]
    if col.identity:
        parts.append(f"GENERATED {col.identity.upper()} AS IDENTITY")
    if col.generated is not None:
        parts.append(f"GENERATED ALWAYS AS ({col.generated.sql}) STORED")
    elif col.default is not None:
        parts.append(f"DEFAULT {col.default.sql}")
    if col.comment:
        parts.append(col.comment)
    return "\n".join(parts)


def _table_node(relations: Relations, table: Table, style: _Style, ports: dict[str, int],
                visible: set[str] | None, link: str | None) -> str:
    """One table as an HTML-like label; `visible` limits the columns shown (None: all)."""
    qn = table.name
    marks = _markers(table, relations.indexes_of(table.name))
    together = _unique_together(table, relations.indexes_of(table.name))
    href = f' HREF="{_attr(link)}"' if link else ' HREF="#"'
    border = 3 if style.focus or style.mark else 1
    dashed = ' STYLE="dashed"' if style.mark == "dropped" else ""
    rows = [f'<TABLE BORDER="{border}"{dashed} COLOR="{style.color}" CELLBORDER="0" CELLSPACING="0" '
            f'CELLPADDING="3" BGCOLOR="white">']
    tooltip = table.comment or qn.display
    if style.mark:
        tooltip = f"{qn.display}: {style.mark}" + (f" ({style.note})" if style.note else "")
    title = _h(qn.display)
    if style.mark:
        from .changes import SIGNS
        title = f"{SIGNS[style.mark]} {_strike(title) if style.mark == 'dropped' else title}"
        title += f'&#160;&#160;<FONT POINT-SIZE="9">{_h(style.mark.upper())}</FONT>'
    rows.append(f'<TR><TD COLSPAN="4" ALIGN="LEFT" BGCOLOR="{style.color}" CELLPADDING="5"{href} '
                f'TOOLTIP="{_attr(tooltip)}"><FONT COLOR="white" POINT-SIZE="12"><B>{title}</B>'
                f'</FONT></TD></TR>')
    if table.partition_by is not None:
        count = len(relations.partitions_of(qn))
        key = table.partition_by.sql
        strategy, _, rest = key.partition(" ")
        text = f"partitioned by {strategy.upper()} {rest} · {count} partition{'' if count == 1 else 's'}"
        rows.append(f'<TR><TD COLSPAN="4" ALIGN="LEFT" BGCOLOR="{_tint(style.color, 0.85)}">'
                    f'<FONT POINT-SIZE="9" COLOR="{TEXT}">{_h(text)}</FONT></TD></TR>')
    shown = 0
    for i, col in enumerate(table.columns):
        if visible is not None and col.name not in visible:
            continue
        port = ports.setdefault(col.name, i)
        bg = f' BGCOLOR="{ZEBRA}"' if shown % 2 else ""
        shown += 1
        pk = "PK" in marks[col.name]
        name = f"<B>{_h(col.name)}</B>" if pk else _h(col.name)
        change = style.columns.get(col.name)
        if change:
            from .changes import COLORS, SIGNS, TINTS
            bg = f' BGCOLOR="{TINTS[change]}"'
            name = (f'<FONT COLOR="{COLORS[change]}"><B>{SIGNS[change]}</B></FONT> '
                    + (_strike(name) if change == "dropped" else name))
        type_text = short_type(col.type)
        tip = _column_tooltip(col, col.type, together.get(col.name, []))
        if change:
            tip = f"{change}: {tip}"
        nn = f'<FONT POINT-SIZE="8" COLOR="{FAINT}">NN</FONT>' if col.not_null else ""
        rows.append(
            f'<TR><TD PORT="c{port}w" ALIGN="LEFT"{bg}>{_marker_html(marks[col.name])}</TD>'
            f'<TD ALIGN="LEFT"{bg}{href} TOOLTIP="{_attr(tip)}"><FONT COLOR="{TEXT}">{name}</FONT></TD>'
            f'<TD ALIGN="LEFT"{bg}><FONT FACE="{MONO}" POINT-SIZE="10" COLOR="{MUTED}">{_h(type_text)}</FONT></TD>'
            f'<TD PORT="c{port}e" ALIGN="RIGHT"{bg}>{nn}</TD></TR>')
    hidden = len(table.columns) - shown
    if hidden:
        rows.append(f'<TR><TD COLSPAN="4" ALIGN="LEFT"><FONT POINT-SIZE="9" COLOR="{FAINT}"><I>'
                    f'{hidden} more column{"" if hidden == 1 else "s"}</I></FONT></TD></TR>')
    if not table.columns:
        rows.append(f'<TR><TD COLSPAN="4" ALIGN="LEFT"><FONT POINT-SIZE="9" COLOR="{FAINT}"><I>no columns</I>'
                    f'</FONT></TD></TR>')
    rows.append("</TABLE>")
    cls = "table" + (f" {style.mark}" if style.mark else "")
    return (f'  {_q(node_id(qn))} [id={_q("table:" + node_id(qn))} class={_q(cls)} '
            f'tooltip={_q(tooltip)} label=<{"".join(rows)}>];')


def _strike(html: str) -> str:
    return f"<S>{html}</S>"


def _view_node(catalog: Catalog, qn: QualifiedName, view: Any, style: _Style, link: str | None) -> str:
    kind = "materialized view" if _kinds.is_materialized(view) else "view"
    href = f' HREF="{_attr(link)}"' if link else ' HREF="#"'
    border = 3 if style.focus or style.mark else 1
    tooltip = _kinds.comment_of(view) or f"{kind} {qn.display}"
    if style.mark:
        tooltip = f"{kind} {qn.display}: {style.mark}" + (f" ({style.note})" if style.note else "")
    rows = [f'<TABLE BORDER="{border}" STYLE="dashed" COLOR="{style.color}" CELLBORDER="0" CELLSPACING="0" '
            f'CELLPADDING="3" BGCOLOR="white">',
            f'<TR><TD ALIGN="LEFT" BGCOLOR="{_tint(style.color, 0.82)}" CELLPADDING="5"{href} '
            f'TOOLTIP="{_attr(tooltip)}"><FONT POINT-SIZE="8" COLOR="{style.color}">{_h(kind.upper())}</FONT>'
            f'<BR ALIGN="LEFT"/><FONT COLOR="{TEXT}" POINT-SIZE="12"><I><B>{_h(qn.display)}</B></I></FONT>'
            f'</TD></TR>']
    comments = dict(getattr(view, "column_comments", ()) or ())
    for i, name in enumerate(_kinds.view_columns(view)):
        bg = f' BGCOLOR="{ZEBRA}"' if i % 2 else ""
        tip = comments.get(name)
        tip_attr = f'{href} TOOLTIP="{_attr(tip)}"' if tip else ""
        rows.append(f'<TR><TD ALIGN="LEFT"{bg}{tip_attr}><FONT COLOR="{TEXT}">{_h(name)}</FONT></TD></TR>')
    rows.append("</TABLE>")
    cls = "view" + (f" {style.mark}" if style.mark else "")
    return (f'  {_q(node_id(qn))} [id={_q("view:" + node_id(qn))} class={_q(cls)} '
            f'tooltip={_q(tooltip)} label=<{"".join(rows)}>];')


# -- edges -------------------------------------------------------------------------------------

def arrows(rel: Relationship) -> tuple[str, str]:
    """(parent end, child end) Graphviz arrow shapes; the first shape is the one next to the node."""
    parent = "teeodot" if rel.optional else "teetee"
    child = "teeodot" if rel.one_to_one else "crowodot"
    return parent, child


def _fk_edge(rel: Relationship, ports: dict[QualifiedName, dict[str, int]], color: str | None,
             change: str | None = None) -> str:
    parent_end, child_end = arrows(rel)
    pp = ports[rel.ref_table].get(rel.ref_columns[0]) if rel.ref_columns else None
    cp = ports[rel.table].get(rel.columns[0]) if rel.columns else None
    if rel.table == rel.ref_table:
        # A self reference loops on the left-hand side, where a referenced table has no other lines.
        tail = _q(node_id(rel.ref_table)) + (f':"c{pp}w":w' if pp is not None else "")
        head = _q(node_id(rel.table)) + (f':"c{cp}w":w' if cp is not None else "")
    else:
        tail = _q(node_id(rel.ref_table)) + (f':"c{pp}e":e' if pp is not None else "")
        head = _q(node_id(rel.table)) + (f':"c{cp}w":w' if cp is not None else "")
    cls = f"fk {rel.cardinality}" + (" optional" if rel.optional else "") + (f" {change}" if change else "")
    tooltip = f"{rel.name}\n{rel.describe()}\n{rel.constraint.definition.sql}"
    style = ' style="dashed"' if rel.optional else ""
    if change:
        from .changes import COLORS
        color = COLORS[change]
        style += " penwidth=2.2"
        tooltip = f"{change}: {tooltip}"
    if color:
        style += f' color="{color}"'
    return (f"  {tail} -> {head} [id={_q('fk:' + node_id(rel.table) + '.' + rel.name)} class={_q(cls)} "
            f"arrowtail={parent_end} arrowhead={child_end}{style} tooltip={_q(tooltip)}];")


def _edge_colors(rels: list[Relationship]) -> list[str | None]:
    """Several foreign keys between the same two tables get distinct colors (the first keeps the default)."""
    seen: dict[tuple[QualifiedName, QualifiedName], int] = {}
    colors: list[str | None] = []
    for r in rels:
        n = seen.get((r.table, r.ref_table), 0)
        seen[(r.table, r.ref_table)] = n + 1
        colors.append(None if n == 0 else SIBLING_EDGES[(n - 1) % len(SIBLING_EDGES)])
    return colors


def _reads_edge(view: QualifiedName, read: QualifiedName) -> str:
    return (f"  {_q(node_id(read))} -> {_q(node_id(view))} [id={_q('reads:' + node_id(view) + '.' + node_id(read))} "
            f'class="reads" dir=forward arrowhead=normal arrowsize=0.6 style="dashed" color="{READS}" '
            f"tooltip={_q(f'{view.display} reads {read.display}')}];")


# -- clusters and colors -----------------------------------------------------------------------

def cluster_of(qn: QualifiedName, options: DiagramOptions, mode: str) -> str | None:
    if mode == "group":
        return options.groups.get(qn)
    if mode == "schema":
        return qn.schema
    return None


def group_mode(options: DiagramOptions, names: Iterable[QualifiedName]) -> str:
    """The clustering to use: the option, else groups when any drawn table has one, else schemas."""
    if options.group_by in ("group", "schema", "none"):
        return options.group_by
    if options.group_by is not None:
        raise ConfigError(f"--group-by {options.group_by}: expected group, schema or none")
    return "group" if any(qn in options.groups for qn in names) else "schema"


def group_colors(clusters: Iterable[str]) -> dict[str, str]:
    return {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(sorted(set(clusters)))}


def _graph_label(options: DiagramOptions) -> str | None:
    parts = []
    if options.title:
        parts.append(f'<FONT POINT-SIZE="18"><B>{_h(options.title)}</B></FONT>')
    if options.legend:
        parts.append(_legend())
        if options.marks is not None:
            parts.append(_change_legend())
    return "<" + '<BR ALIGN="LEFT"/>'.join(parts) + ">" if parts else None


def _legend() -> str:
    items = [
        f'<FONT COLOR="{MARKER_COLORS["PK"]}"><B>PK</B></FONT>&#160;primary key',
        f'<FONT COLOR="{MARKER_COLORS["FK"]}"><B>FK</B></FONT>&#160;foreign key',
        f'<FONT COLOR="{MARKER_COLORS["UQ"]}"><B>UQ</B></FONT>&#160;unique',
        "<B>NN</B>&#160;not null",
        "lines: key → foreign key, crow's foot = many, o = optional, dashed = nullable foreign key",
    ]
    return "&#160;&#160;&#160;".join(f'<FONT POINT-SIZE="10" COLOR="{MUTED}">{i}</FONT>' for i in items)


def _change_legend() -> str:
    from .changes import COLORS, SIGNS
    items = [f'<FONT COLOR="{COLORS[m]}"><B>{SIGNS[m]} {m}</B></FONT>' for m in COLORS]
    items.append("grey: unchanged neighbors")
    return "&#160;&#160;&#160;".join(f'<FONT POINT-SIZE="10" COLOR="{MUTED}">{i}</FONT>' for i in items)


# -- the graph ---------------------------------------------------------------------------------

def catalog_to_dot(catalog: Catalog, options: DiagramOptions | None = None,
                   relations: Relations | None = None) -> str:
    """The ER diagram of `catalog` as DOT text (deterministic).

    `relations` (relations_of(catalog)) saves recomputing it when drawing many diagrams of one catalog.
    """
    options = options or DiagramOptions()
    relations = relations or relations_of(catalog)
    names, focus = select(catalog, options, relations)
    drawable = _drawable(catalog)
    keep = set(names)
    views = _kinds.views(catalog)
    rels = [r for r in relations.foreign_keys if r.table in keep and r.ref_table in keep]
    reads = [(v, t) for v, t in relations.reads if v in keep and t in keep]

    # Colors come from every group of the catalog, so a table keeps its color in every diagram.
    mode = group_mode(options, drawable)
    every = {qn: cluster_of(qn, options, mode) for qn in drawable}
    colors = group_colors(c for c in every.values() if c is not None)
    clusters = {qn: every[qn] for qn in names}
    if mode == "schema" and len(set(every.values())) <= 1:
        clusters = {qn: None for qn in names}  # one schema: no box around everything

    # Around a focus, neighbors may show only their key columns and the columns of drawn edges.
    visible: dict[QualifiedName, set[str] | None] = {qn: None for qn in names}
    if focus is not None and options.compact_neighbors:
        for qn in names:
            if qn == focus or qn in views:
                continue
            t = drawable[qn]
            cols = {c for con in t.constraints if con.kind == "p" for c in con.columns}
            for r in rels:
                if focus not in (r.table, r.ref_table):
                    continue
                if r.table == qn:
                    cols |= set(r.columns)
                if r.ref_table == qn:
                    cols |= set(r.ref_columns)
            visible[qn] = cols

    ports: dict[QualifiedName, dict[str, int]] = {qn: {} for qn in names}
    nodes: dict[QualifiedName, str] = {}
    for qn in names:
        cluster = clusters[qn]
        style = _Style(colors.get(cluster, UNGROUPED) if cluster is not None else UNGROUPED, focus == qn)
        if options.marks is not None:
            from .changes import COLORS
            mark = options.marks.relations.get(qn)
            style = _Style(COLORS[mark] if mark else FAINT, mark=mark,
                           columns={c: m for (t, c), m in options.marks.columns.items() if t == qn},
                           note="; ".join(options.marks.notes.get(qn, [])))
        link = options.link(qn) if options.link else None
        if qn in views:
            nodes[qn] = _view_node(catalog, qn, views[qn], style, link)
        else:
            nodes[qn] = _table_node(relations, drawable[qn], style, ports[qn], visible[qn], link)

    label = _graph_label(options)
    where = f" label={label} labelloc={'t' if options.title else 'b'} labeljust=l" if label else ""
    lines = ["digraph schema {",
             f'  graph [id="schema" rankdir=LR newrank=true fontname={_q(FONT)} bgcolor="white" pad="0.4" '
             f'nodesep="0.4" ranksep="0.9" outputorder="edgesfirst" tooltip="schema"{where}];',
             f'  node [shape=plain fontname={_q(FONT)} fontsize=11 fontcolor="{TEXT}"];',
             f'  edge [fontname={_q(FONT)} fontsize=9 color="{EDGE}" penwidth=1.3 arrowsize=0.9 dir=both];',
             ""]
    by_cluster: dict[str | None, list[QualifiedName]] = {}
    for qn in names:
        by_cluster.setdefault(clusters[qn], []).append(qn)
    for cluster in sorted(by_cluster, key=lambda c: (c is not None, c or "")):
        members = by_cluster[cluster]
        if cluster is None:
            lines += [nodes[qn] for qn in members]
            continue
        color = colors[cluster]
        lines.append(f"  subgraph {_q('cluster_' + cluster)} {{")
        lines.append(f'    graph [id={_q("group:" + cluster)} class="group" label=<<B>{_h(cluster)}</B>> '
                     f'labeljust=l labelloc=t fontsize=14 fontcolor="{color}" style="rounded,filled" '
                     f'fillcolor="{_tint(color, 0.93)}" color="{_tint(color, 0.55)}" penwidth=1.2 margin=14];')
        lines += ["  " + nodes[qn] for qn in members]
        lines.append("  }")
    lines.append("")
    fk_marks = options.marks.foreign_keys if options.marks is not None else {}
    lines += [_fk_edge(r, ports, color, fk_marks.get((r.table, r.name))
                       or ("added" if options.marks is not None and options.marks.relations.get(r.table) == "added"
                           else "dropped" if options.marks is not None
                           and options.marks.relations.get(r.table) == "dropped" else None))
              for r, color in zip(rels, _edge_colors(rels))]
    lines += [_reads_edge(v, t) for v, t in reads]
    lines.append("}")
    return "\n".join(lines) + "\n"
