"""Indexes and keys of partitioned trees: what the server does along with a change.

Why a pass of its own over the changes: an index of a partitioned table and the
partition indexes attached to it (Index.parent, Constraint.parent) are
separate objects that the server ties together:
- dropping the parent drops every index attached to it (a partition's own
  index cannot be dropped first: "index p_a requires it"), so those drops are
  left to the server, and the ones the files keep are created again;
- an index cannot be detached: a partition index that leaves its parent, a
  parent that loses a partition index or stops reaching every partition, or a
  valid parent that gets a partition index under another name than its own,
  means dropping and creating the parent again;
- a parent created without ONLY adopts each partition's matching index that
  exists already: those are created first; a parent created ON ONLY (it does
  not reach every partition) and a parent that stays get ALTER INDEX ...
  ATTACH PARTITION;
- a key created ON ONLY is never part of its table's CREATE TABLE, nor a key
  whose partitions' keys are listed: a partition created after it would get a
  key of the server's own.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import orjson

from ..graph import constraint_ref, index_dependencies, index_ref, table_ref
from ..model import Catalog, Constraint, Index, ObjectRef, QualifiedName, Table, ref
from .changes import Change

if TYPE_CHECKING:
    from .compare import _Differ

_KEYS = ("p", "u", "x")


@dataclass(frozen=True)
class _Node:
    """An index of a partitioned tree: a plain index, or a key's."""

    name: QualifiedName
    table: QualifiedName
    parent: QualifiedName | None
    valid: bool
    obj: Index | Constraint

    @property
    def is_key(self) -> bool:
        return isinstance(self.obj, Constraint)

    @property
    def index(self) -> Index:
        """The plain index, of a node that is no key."""
        assert isinstance(self.obj, Index), f"{self.name} is a key"
        return self.obj

    @property
    def ref(self) -> ObjectRef:
        return constraint_ref(self.table, self.obj.name) if isinstance(self.obj, Constraint) else index_ref(self.name)


def _nodes(cat: Catalog) -> dict[QualifiedName, _Node]:
    trees = {qn: t for qn, t in cat.tables.items() if t.partition_by is not None or t.partition_of is not None}
    out: dict[QualifiedName, _Node] = {}
    for qn, t in trees.items():
        for con in t.constraints:
            if con.kind in _KEYS:
                name = QualifiedName(qn.schema, con.name)
                out[name] = _Node(name, qn, con.parent, con.index_valid, con)
    for idx in cat.indexes.values():
        if idx.table in trees:
            out[idx.name] = _Node(idx.name, idx.table, idx.parent, idx.valid, idx)
    return out


def _shape(idx: Index) -> tuple[Any, ...]:
    """What the server compares when it looks for an index to adopt: all but the name and the
    storage parameters."""
    key = orjson.loads(idx.definition.key)["IndexStmt"]
    key.pop("options", None)
    return tuple(sorted((k, orjson.dumps(v, option=orjson.OPT_SORT_KEYS)) for k, v in key.items()))


def _children(nodes: dict[QualifiedName, _Node]) -> dict[QualifiedName, list[_Node]]:
    out: dict[QualifiedName, list[_Node]] = {}
    for n in nodes.values():
        if n.parent is not None:
            out.setdefault(n.parent, []).append(n)
    return out


def diff_attachments(d: _Differ) -> None:
    old_nodes, new_nodes = _nodes(d.old), _nodes(d.new)
    if not old_nodes and not new_nodes:
        return
    _Pass(d, old_nodes, new_nodes).run()


class _Pass:
    def __init__(self, d: _Differ, old_nodes: dict[QualifiedName, _Node], new_nodes: dict[QualifiedName, _Node]):
        self.d = d
        self.old, self.new = old_nodes, new_nodes
        self.old_children, self.new_children = _children(old_nodes), _children(new_nodes)
        self.detached = {c.target for c in d.changes if c.kind == "detach_partition"}
        # Newly attached: ATTACH PARTITION adopts the partition's matching indexes itself.
        self.attached = {table_ref(c.new.name) for c in d.changes
                         if c.kind == "attach_partition" and c.old is not None and c.old.partition_of is None}
        self.partitions: dict[QualifiedName, list[QualifiedName]] = {}
        for t in d.new.tables.values():
            if t.partition_of is not None:
                self.partitions.setdefault(t.partition_of, []).append(t.name)

    # -- what the other passes already do -----------------------------------------------------
    def _find(self, kinds: tuple[str, ...], target: ObjectRef) -> int | None:
        for i, c in enumerate(self.d.changes):
            if c.kind in kinds and c.target == target:
                return i
        return None

    def _seen(self) -> None:
        """What the changes so far drop and create (kept up to date by the steps below)."""
        self.dropping: set[tuple[str, ObjectRef]] = set()
        self.making: set[tuple[str, ObjectRef]] = set()
        for c in self.d.changes:
            if c.kind in ("drop_table", "drop_index", "drop_constraint"):
                self.dropping.add((c.kind, c.target))
            elif c.kind in ("create_table", "create_index", "add_constraint"):
                self.making.add((c.kind, c.target))

    def gone(self, n: _Node) -> bool:
        """Does the plan drop the old index (or its table)?"""
        return ("drop_table", table_ref(n.table)) in self.dropping or (
            ("drop_constraint" if n.is_key else "drop_index", n.ref) in self.dropping)

    def made(self, n: _Node) -> bool:
        """Does the plan create the new index (or the table it is part of)?"""
        if n.is_key and ("create_table", table_ref(n.table)) in self.making:
            return True
        return ("add_constraint" if n.is_key else "create_index", n.ref) in self.making

    def _add(self, kind: str, n: _Node) -> None:
        d = self.d
        if kind == "drop":
            if isinstance(n.obj, Constraint):  # n.is_key
                d._drop_constraint(d.old.tables[n.table], n.obj)
            else:
                d.add("drop_index", n.ref, n.obj, None, drops=[n.ref], old_requires=index_dependencies(n.obj, d.old))
            self.dropping.add(("drop_constraint" if n.is_key else "drop_index", n.ref))
        else:
            if isinstance(n.obj, Constraint):  # n.is_key
                d._add_constraint(d.new.tables[n.table], n.obj)
            else:
                d.add("create_index", n.ref, None, n.obj, creates=[n.ref],
                      requires=index_dependencies(n.obj, d.new))
            self.making.add(("add_constraint" if n.is_key else "create_index", n.ref))

    # -- the pass --------------------------------------------------------------------------
    def run(self) -> None:
        self._seen()
        for name in sorted(self._parents_to_rebuild()):
            self._rebuild(self.old[name], self.new[name])
        self._cascade_drops()
        self._inline_keys()
        self._attach()
        self._stand_aside()
        self._not_adopted_on_attach()
        self._foreign_keys_over_dropped_partitions()

    def _parents_to_rebuild(self) -> set[QualifiedName]:
        out = set()
        for name, new in self.new.items():
            old = self.old.get(name)
            if old is None or old.table != new.table or self.gone(old) or self.made(new):
                continue
            kids_old = {k.name for k in self.old_children.get(name, ())
                        if self.d.new.tables.get(k.table) is not None
                        and table_ref(k.table) not in self.detached}
            kids_new = {k.name for k in self.new_children.get(name, ()) if table_ref(k.table) not in self.attached}
            gained = {k for k in kids_new - kids_old}
            if kids_old - kids_new or (old.valid and not new.valid):
                out.add(name)
            elif gained and (old.valid or (new.valid and not self._every_partition_listed(new))):
                out.add(name)
            elif not old.valid and new.valid and not self._every_partition_listed(new):
                out.add(name)
        return out

    def _every_partition_listed(self, parent: _Node) -> bool:
        covered = {k.table for k in self.new_children.get(parent.name, ())}
        return all(p in covered for p in self.partitions.get(parent.table, ()))

    def _rebuild(self, old: _Node, new: _Node) -> None:
        self._add("drop", old)
        self._add("create", new)

    def _cascade_drops(self) -> None:
        """Partition indexes attached to a dropped parent go with it."""
        d = self.d
        todo = [n for n in self.old.values() if n.parent is None or n.parent not in self.old]
        while todo:
            n = todo.pop()
            if not self.gone(n):
                todo.extend(self.old_children.get(n.name, ()))
                continue
            for kid in self._descendants(n):
                drop_kinds = ("drop_constraint",) if kid.is_key else ("drop_index",)
                i = self._find(drop_kinds, kid.ref)
                if i is not None:
                    del d.changes[i]
                self._widen_drop(n, kid)
                new = self.new.get(kid.name)
                if new is not None and ("drop_table", table_ref(kid.table)) not in self.dropping \
                        and not self.made(new) and new.table == kid.table:
                    self._add("create", new)

    def _descendants(self, n: _Node) -> list[_Node]:
        """The indexes attached under `n`, but for those of partitions the plan detaches first."""
        out, todo = [], list(self.old_children.get(n.name, ()))
        while todo:
            kid = todo.pop()
            if table_ref(kid.table) in self.detached:
                continue
            out.append(kid)
            todo.extend(self.old_children.get(kid.name, ()))
        return out

    def _widen_drop(self, parent: _Node, kid: _Node) -> None:
        """The parent's drop also drops `kid`: creations of `kid` wait for it.  A partition's
        own key that a plain index adopted keeps both from being dropped alone: the index
        goes with CASCADE (the key's own dependents are dropped before, see rebuild_blocked)."""
        d = self.d
        kinds = ("drop_constraint",) if parent.is_key else ("drop_index",)
        i = self._find(kinds, parent.ref)
        if i is None:
            i = self._find(("drop_table",), table_ref(parent.table))
        if i is not None:
            c = d.changes[i]
            args = c.args
            if c.kind == "drop_index" and kid.is_key and ("cascade", True) not in args:
                args = (*args, ("cascade", True))
            d.changes[i] = replace(c, drops=c.drops | {kid.ref}, args=args)


    def _inline_keys(self) -> None:
        """Keys of a created partitioned table that must not be part of its CREATE TABLE."""
        d = self.d
        for i, c in enumerate(list(d.changes)):
            if c.kind != "create_table" or c.new.partition_by is None:
                continue
            t: Table = c.new
            inline = c.arg("constraints", ())
            apart = [k for k in inline if k.kind in _KEYS and (
                not k.index_valid or self.new_children.get(QualifiedName(t.name.schema, k.name)))]
            if not apart:
                continue
            keep = tuple(k for k in inline if k not in apart)
            args = tuple((a, keep if a == "constraints" else v) for a, v in c.args)
            d.changes[i] = replace(c, args=args, creates=c.creates - {constraint_ref(t.name, k.name) for k in apart})
            for k in apart:
                d._add_constraint(t, k)
                self.making.add(("add_constraint", constraint_ref(t.name, k.name)))

    def _attach(self) -> None:
        """A parent created without ONLY adopts its partitions' indexes created before it;
        everything else is attached."""
        d = self.d
        for name, new in sorted(self.new.items()):
            if new.parent is None or new.parent not in self.new:
                continue
            parent = self.new[new.parent]
            old = self.old.get(name)
            if table_ref(new.table) in self.attached and not self.made(new):
                continue
            fresh = self.made(new) or old is None
            moved = old is None or old.parent != new.parent
            parent_made = self.made(parent)
            if parent_made and parent.valid:
                if fresh or moved:
                    self._require(parent, new.ref)  # created first: the parent adopts it
                continue
            if parent_made or fresh or moved:
                target = ref("index_attachment", name.schema, name.name)
                d.add("attach_index", target, None, new.obj, args=(("parent", parent.name), ("child", name)),
                      requires=[parent.ref, new.ref, table_ref(new.table)])
            if parent_made and not parent.valid:
                # ON ONLY: after the partitions exist, or they would get indexes of their own.
                self._require(parent, *(table_ref(p) for p in self.partitions.get(parent.table, ())))

    def _foreign_keys_over_dropped_partitions(self) -> None:
        """A foreign key to a partitioned table keeps a row per partition (pg_constraint), so
        dropping a partition while the parent and the key stay fails ("constraint ... depends
        on table"): the key goes first and comes back."""
        d = self.d
        parents: set[QualifiedName] = set()
        for kind, target in self.dropping:
            t = d.old.tables.get(QualifiedName(*target.path)) if kind == "drop_table" else None
            while t is not None and t.partition_of is not None:
                parents.add(t.partition_of)
                t = d.old.tables.get(t.partition_of)
        parents = {p for p in parents if ("drop_table", table_ref(p)) not in self.dropping}
        if not parents:
            return
        for t in d.old.tables.values():
            for fk in t.constraints:
                cref = constraint_ref(t.name, fk.name)
                if fk.kind == "f" and fk.ref_table in parents and \
                        ("drop_table", table_ref(t.name)) not in self.dropping and \
                        ("drop_constraint", cref) not in self.dropping:
                    d._rebuild(cref)
                    self.dropping.add(("drop_constraint", cref))

    def _stand_aside(self) -> None:
        """A partition's own index created with a parent index that it looks like: after the
        parent, or the parent's CREATE INDEX would adopt it."""
        standalone: dict[QualifiedName, list[_Node]] = {}
        for n in self.new.values():
            if not n.is_key and n.parent is None and self.made(n):
                standalone.setdefault(n.table, []).append(n)
        if not standalone:
            return
        for parent in self.new.values():
            if parent.is_key or not parent.valid or not self.made(parent):
                continue
            look = _shape(parent.index)
            for part in self.partitions.get(parent.table, ()):
                for n in standalone.get(part, ()):
                    if _shape(n.index) == look:
                        self._require(n, parent.ref)

    def _not_adopted_on_attach(self) -> None:
        """ATTACH PARTITION adopts the partition's own index that looks like a parent's index (or
        makes one).  A look-alike the files keep standalone (the parent's index made after the
        attach gave the partition one of its own) is dropped before the attach, so that the
        server makes a new one, and created again after it; one the files drop goes before."""
        d = self.d
        for i, c in enumerate(list(d.changes)):
            if c.kind != "attach_partition" or table_ref(c.new.name) not in self.attached:
                continue
            part, attachment = c.new.name, ref("partition", *c.target.path)
            looks = {_shape(n.index) for n in self.new.values() if n.table == c.new.partition_of and not n.is_key
                     and n.valid and n.name in self.old and not self.gone(self.old[n.name])}
            for idx in d.old.indexes.values():
                if idx.table != part or idx.parent is not None or _shape(idx) not in looks:
                    continue
                old = _Node(idx.name, idx.table, None, idx.valid, idx)
                new = self.new.get(old.name)
                if new is None and old.name in d.new.indexes:
                    n = d.new.indexes[old.name]
                    new = _Node(n.name, n.table, n.parent, n.valid, n)
                if new is not None and new.parent is not None:
                    continue  # meant to be adopted
                if not self.gone(old):
                    self._add("drop", old)
                    if new is not None:
                        self._add("create", new)
                        self._require(new, attachment)
                j = self._find(("drop_index",), old.ref)
                # Dropped just above, or by the diff (gone): the partition itself is altered, not
                # dropped (attach_partition comes from _alter_table), so a DROP INDEX is there.
                assert j is not None
                d.changes[j] = replace(d.changes[j], drops=d.changes[j].drops | {attachment})
            d.changes[i] = replace(d.changes[i], creates=d.changes[i].creates | {attachment})

    def _require(self, n: _Node, *refs: ObjectRef) -> None:
        d = self.d
        kinds = ("add_constraint",) if n.is_key else ("create_index",)
        i = self._find(kinds, n.ref)
        if i is not None:
            c = d.changes[i]
            d.changes[i] = replace(c, requires=c.requires | set(refs))


def drop_with_tables(d: _Differ) -> None:
    """Indexes and keys of partitioned trees whose table the plan drops go with it, not before
    (a parent index cannot be dropped while a partition's key is attached to it)."""
    dropped = {c.target for c in d.changes if c.kind == "drop_table"}
    if not dropped:
        return
    nodes = _nodes(d.old)
    refs = {n.ref for n in nodes.values() if table_ref(n.table) in dropped}
    if refs:
        d.changes[:] = [c for c in d.changes if not (c.kind in ("drop_index", "drop_constraint") and c.target in refs)]


def with_moved_partitions(old: Catalog, new: Catalog) -> tuple[Catalog, Catalog]:
    """Both catalogs, where a table becomes or stops being a partition, with what the server
    moves along: DETACH leaves the partition its parent's columns and the indexes and keys
    the parent's made on it (now its own); ATTACH adopts a standalone table's look-alikes of
    the parent's.  The model lists neither (a partition's columns are its parent's, and the
    indexes the parent's statement makes are left out), so they are filled in here, under
    the names the server chooses, for the comparison to see them."""
    detached = [qn for qn, t in old.tables.items() if _moves(t, new.tables.get(qn))]
    attached = [qn for qn, t in new.tables.items() if _moves(t, old.tables.get(qn))]
    if detached:
        old = _materialized(old, detached, None)
    if attached:
        new = _materialized(new, attached, old)
    return old, new


def _moves(partition: Table, other: Table | None) -> bool:
    return (partition.partition_of is not None and other is not None and other.partition_of is None
            and partition.partition_by is None and other.partition_by is None)


def _materialized(cat: Catalog, names: list[QualifiedName], standalone: Catalog | None) -> Catalog:
    """`cat` with each partition in `names` given its columns and its implied indexes and keys;
    with `standalone` (the catalog where they are plain tables), only those it has already."""
    from ..model.naming import index_column_names, make_object_name, name_addition
    tables = dict(cat.tables)
    indexes = dict(cat.indexes)
    for qn in names:
        t = tables[qn]
        parent = cat.tables.get(t.partition_of) if t.partition_of is not None else None
        root = parent
        while root is not None and root.partition_of is not None:
            root = cat.tables.get(root.partition_of)
        if parent is None or root is None:
            continue
        if standalone is not None:
            # ATTACH keeps the table's own defaults, but the files make it with PARTITION OF,
            # which gives it its parent's: those are what the plan must set (and a serial's own
            # sequence the files no longer declare is dropped only after that).
            defaults = {c.name: c.default for c in root.columns if not c.identity and c.generated is None}
            columns = tuple(replace(c, default=defaults[c.name]) if c.name in defaults else c
                            for c in standalone.tables[qn].columns)
        else:
            columns = tuple(replace(c, not_null=c.not_null or c.name in t.partition_not_null, comment=None)
                            for c in root.columns)
        have = {c.parent for c in t.constraints if c.parent is not None}
        have |= {i.parent for i in cat.indexes_of(qn) if i.parent is not None}
        extra = []
        for con in parent.constraints:
            pname = QualifiedName(parent.name.schema, con.name)
            if con.kind not in _KEYS or pname in have:
                continue
            addition = None if con.kind == "p" else name_addition(index_column_names(list(con.columns)))
            key_name = make_object_name(qn.name, addition, {"p": "pkey", "u": "key", "x": "excl"}[con.kind])
            extra.append(replace(con, name=key_name, parent=pname, comment=None, index_comment=None))
        for idx in cat.indexes_of(parent.name):
            if idx.name in have:
                continue
            name = QualifiedName(qn.schema, make_object_name(
                qn.name, name_addition(index_column_names([c or None for c in idx.columns])), "idx"))
            if name not in indexes:
                indexes[name] = replace(idx, name=name, table=qn, parent=idx.name, comment=None)
        if standalone is not None:
            mine = {c.name: c for c in standalone.tables[qn].constraints}
            extra = [c for c in extra if c.name in mine and mine[c.name].definition == c.definition]
            for name in [n for n, i in indexes.items() if i.table == qn and n not in cat.indexes]:
                prev = standalone.indexes.get(name)
                if prev is None or prev.table != qn or prev.definition != indexes[name].definition:
                    del indexes[name]
        tables[qn] = replace(t, columns=columns, partition_not_null=(),
                             constraints=tuple(sorted(t.constraints + tuple(extra), key=lambda c: c.name)))
    return replace(cat, tables=tables, indexes=indexes)


def after_detach(d: _Differ) -> None:
    """An inherited key or attached index of a partition the plan detaches is dropped after
    the DETACH (the server refuses before: "cannot drop inherited constraint").  Run last:
    rebuilds of blocked dependents drop them too."""
    detached = {c.target for c in d.changes if c.kind == "detach_partition"}
    if not detached:
        return
    marks = {t: ref("detached", *t.path) for t in detached}
    on_detached = {n.ref: marks[table_ref(n.table)] for n in _nodes(d.old).values() if table_ref(n.table) in marks}
    for i, c in enumerate(d.changes):
        if c.kind == "detach_partition" and c.target in marks:
            d.changes[i] = replace(c, creates=c.creates | {marks[c.target]})
        elif c.kind in ("drop_constraint", "drop_index") and c.target in on_detached:
            d.changes[i] = replace(c, requires=c.requires | {on_detached[c.target]})
