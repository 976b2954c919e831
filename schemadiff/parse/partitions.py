"""Indexes and keys of partitioned tables, kept the way the server keeps them.

Why a module of its own: one statement on a partitioned table makes objects on
every partition, and two spellings of a schema reach the same catalog state:
- the natural one: `CREATE INDEX ON parent` (or a parent's key) creates an
  index (a key) on each partition under a name the server chooses, or adopts
  the partition's own look-alike that is not attached yet; a partition
  created or attached later gets its parent's indexes the same way;
- pg_dump's: `CREATE INDEX ... ON ONLY parent`, `ALTER TABLE ONLY parent ADD
  CONSTRAINT`, each partition's own index or key, then `ALTER INDEX parent
  ATTACH PARTITION child`.
The builder replays what the server does for each (pg_inherits between
indexes, conparentid between keys), and settle() reduces the result to one
model: a partition's index or key that its parent's statement would make
again (attached to a valid parent, under the name the server chooses) is left
out; every other one is listed with the parent index it is attached to.  The
introspected text (introspect/keys.py) goes through the same code, so both
producers meet.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import ParseError
from ..model import QualifiedName
from .drafts import ConstraintDraft, IndexDraft, TableDraft
from .naming import index_column_names, make_object_name, name_addition
from .nodes import strings, unwrap

_KEY_TYPES = {"CONSTR_PRIMARY": "p", "CONSTR_UNIQUE": "u", "CONSTR_EXCLUSION": "x"}
_LABELS = {"i": "idx", "p": "pkey", "u": "key", "x": "excl"}


@dataclass
class Ix:
    """An index of the draft schema: a plain one (kind "i") or a key's (p, u, x)."""

    table: TableDraft
    draft: IndexDraft | ConstraintDraft
    kind: str

    @property
    def name(self) -> QualifiedName:
        if isinstance(self.draft, IndexDraft):
            return self.draft.name
        return QualifiedName(self.table.name.schema, self.draft.name)


def key_kind(con: ConstraintDraft) -> str | None:
    return _KEY_TYPES.get(con.node.get("contype", ""))


def indexes_of(b, table: TableDraft) -> list[Ix]:
    """The table's indexes, keys' first (an approximation of creation order, which the
    server's search for a look-alike follows)."""
    out = [Ix(table, c, kind) for c in table.constraints.values() if (kind := key_kind(c))]
    out += [Ix(table, d, "i") for d in _by_table(b).get(table.name, ())]
    return out


def _by_table(b) -> dict[QualifiedName, list[IndexDraft]]:
    """The builder's indexes by table, rebuilt when the set of indexes changed (its size and
    last entry tell): a scan of every index per partition made big trees quadratic."""
    stamp = (len(b.indexes), next(reversed(b.indexes), None))
    cached = getattr(b, "_indexes_by_table", None)
    if cached is None or cached[0] != stamp:
        by_table: dict[QualifiedName, list[IndexDraft]] = {}
        for d in b.indexes.values():
            by_table.setdefault(d.table, []).append(d)
        cached = (stamp, by_table)
        b._indexes_by_table = cached
    return cached[1]


def add_index(b, draft: IndexDraft) -> None:
    """Register a new index, keeping the by-table view current."""
    by_table = _by_table(b)
    b.indexes[draft.name] = draft
    by_table.setdefault(draft.table, []).append(draft)
    b._indexes_by_table = ((len(b.indexes), draft.name), by_table)


def find(b, qn: QualifiedName) -> Ix | None:
    d = b.indexes.get(qn)
    if d is not None:
        t = b.tables.get(d.table)
        return Ix(t, d, "i") if t is not None else None
    for t in b.tables.values():
        if t.name.schema == qn.schema and (t.partition_of is not None or t.partition_by is not None):
            con = t.constraints.get(qn.name)
            if con is not None and (kind := key_kind(con)):
                return Ix(t, con, kind)
    return None


def partitions(b, table: TableDraft) -> list[TableDraft]:
    return [t for t in b.tables.values() if t.partition_of == table.name]


# -- what the server compares when it looks for an index to adopt (CompareIndexInfo) ---------
def shape(ix: Ix) -> tuple | None:
    from ..model.exprs import canonical
    from .freeze import _normalize_index_elem
    if ix.kind == "x":
        return None  # never adopted here: an exclusion key is only created with its parent's
    if ix.kind == "i":
        node = ix.draft.node
        params = node.get("indexParams", ())
        including = node.get("indexIncludingParams", ())
        where = canonical(node["whereClause"]) if node.get("whereClause") else None
        unique, nnd, method = bool(node.get("unique")), bool(node.get("nulls_not_distinct")), \
            node.get("accessMethod") or "btree"
    else:
        node = ix.draft.node
        params = [_elem(k) for k in strings(node.get("keys"))]
        including = [_elem(k) for k in strings(node.get("including"))]
        where, unique, nnd, method = None, True, bool(node.get("nulls_not_distinct")), "btree"
    elems = tuple(canonical(_normalize_index_elem(e)) for e in params)
    included = tuple(canonical(_normalize_index_elem(e)) for e in including)
    return unique, nnd, method, elems, included, where


def _elem(name: str) -> dict:
    return {"IndexElem": {"name": name, "ordering": "SORTBY_DEFAULT", "nulls_ordering": "SORTBY_NULLS_DEFAULT"}}


def column_names(ix: Ix) -> list[str]:
    """The index's column names, the ones a partition's index is named after."""
    from .handlers import _index_column_name
    if ix.kind == "i":
        node = ix.draft.node
        cols = [_index_column_name(e) for e in node.get("indexParams", ())]
        cols += [_index_column_name(e) for e in node.get("indexIncludingParams", ())]
        return index_column_names(cols)
    node = ix.draft.node
    if ix.kind == "x":
        from .builder import _exclusion_elems, _index_elem_column
        cols = [_index_elem_column(e) for e in _exclusion_elems(node)]
    else:
        cols = [*strings(node.get("keys"))]
    return index_column_names(cols + [*strings(node.get("including"))])


# -- the server's actions ------------------------------------------------------------------
def cascade(b, parent: Ix) -> None:
    """`parent` was created on a partitioned table without ONLY: every partition gets an index."""
    wanted = shape(parent)
    for part in partitions(b, parent.table):
        clone_onto(b, parent, part, wanted)


def clone_onto(b, parent: Ix, part: TableDraft, wanted: tuple | None | bool = False) -> None:
    """Adopt `part`'s look-alike of `parent` that is not attached yet, or create one
    under the server's name (DefineIndex on a partition, AttachPartitionEnsureIndexes)."""
    if wanted is False:
        wanted = shape(parent)
    child = None
    if wanted is not None:
        for candidate in indexes_of(b, part):
            if candidate.draft.parent is None and (parent.kind == "i" or candidate.kind != "i") \
                    and shape(candidate) == wanted:
                child = candidate
                break
    if child is None:
        child = _create_clone(b, parent, part)
    child.draft.parent = parent.name
    if part.partition_by is not None:
        cascade(b, child)


def _create_clone(b, parent: Ix, part: TableDraft) -> Ix:
    schema = part.name.schema
    if parent.kind == "i":
        assert isinstance(parent.draft, IndexDraft)  # kind "i" is a plain index
        name = b.choose_relation_name(schema, part.name.name, name_addition(column_names(parent)), "idx")
        node = {**parent.draft.node, "idxname": name,
                "relation": {"relname": part.name.name, "schemaname": schema, "inh": True, "relpersistence": "p"}}
        draft = IndexDraft(QualifiedName(schema, name), part.name, node, parent.draft.origin,
                            search_path=parent.draft.search_path)
        add_index(b, draft)
        return Ix(part, draft, "i")
    addition = None if parent.kind == "p" else name_addition(column_names(parent))
    name = b.choose_relation_name(schema, part.name.name, addition, _LABELS[parent.kind])
    b.constraint_names.setdefault(schema, set()).add(name)
    src = parent.draft
    assert isinstance(src, ConstraintDraft)  # kinds p, u, x are keys
    con = ConstraintDraft(name, False, {**src.node, "conname": name}, src.origin, list(src.columns))
    part.constraints[name] = con
    return Ix(part, con, parent.kind)


def clone_parent_indexes(b, part: TableDraft) -> None:
    """A partition created or attached: its parent's indexes and keys reach it."""
    parent_table = b.tables.get(part.partition_of)
    if parent_table is None:
        return
    for parent in indexes_of(b, parent_table):
        clone_onto(b, parent, part)


def attach(b, parent_qn: QualifiedName, child_qn: QualifiedName, ctx) -> None:
    """ALTER INDEX parent ATTACH PARTITION child."""
    parent, child = find(b, parent_qn), find(b, child_qn)
    if parent is None or child is None:
        qn = parent_qn if parent is None else child_qn
        raise ParseError([(ctx.location, f"index {qn.display} is declared nowhere")])
    if child.table.partition_of != parent.table.name:
        raise ParseError([(ctx.location, f"index {child_qn.display} is not on a partition of "
                                         f"{parent.table.name.display}")])
    if child.draft.parent not in (None, parent.name):
        raise ParseError([(ctx.location, f"index {child_qn.display} is already attached to "
                                         f"{child.draft.parent.display}")])
    child.draft.parent = parent.name


# -- the model: what a plan states ----------------------------------------------------------
class Settled:
    """Validity of every index of a partitioned table, and the partitions' indexes and keys
    that their parent's statement makes again (left out of the model)."""

    def __init__(self, b):
        self.b = b
        self.children: dict[QualifiedName, list[Ix]] = {}
        self.by_name: dict[QualifiedName, Ix] = {}
        trees = [t for t in b.tables.values() if t.partition_by is not None or t.partition_of is not None]
        for t in trees:
            for ix in indexes_of(b, t):
                self.by_name[ix.name] = ix
        for ix in self.by_name.values():
            if ix.draft.parent is not None:
                self.children.setdefault(ix.draft.parent, []).append(ix)
        self._valid: dict[QualifiedName, bool] = {}
        self._partitions: dict[QualifiedName, list[TableDraft]] = {}
        for t in trees:
            if t.partition_of is not None:
                self._partitions.setdefault(t.partition_of, []).append(t)
        self.implied: set[QualifiedName] = set()
        names: dict[QualifiedName, list[str]] = {}
        for ix in self.by_name.values():
            parent = self.by_name.get(ix.draft.parent) if ix.draft.parent is not None else None
            if parent is None or not _inherited(ix, parent) or not self.valid(parent.name):
                continue
            if parent.name not in names:
                names[parent.name] = column_names(parent)
            if server_chosen(ix.name.name, ix.table.name.name, names[parent.name], ix.kind):
                self.implied.add(ix.name)

    def valid(self, qn: QualifiedName) -> bool:
        """Does the index reach every partition (pg_index.indisvalid of a partitioned index)?"""
        if qn in self._valid:
            return self._valid[qn]
        self._valid[qn] = True  # a cycle cannot happen; this only guards against one
        ix = self.by_name.get(qn)
        ok = True
        if ix is not None and ix.table.partition_by is not None:
            attached = {c.table.name: c for c in self.children.get(qn, ())}
            ok = all(p.name in attached and self.valid(attached[p.name].name)
                     for p in self._partitions.get(ix.table.name, ()))
        self._valid[qn] = ok
        return ok


def _inherited(child: Ix, parent: Ix) -> bool:
    """A key attached to a parent's key is inherited; one adopted by a plain index is the
    partition's own (conislocal), and stays listed."""
    return (child.kind == "i") == (parent.kind == "i")


def server_chosen(name: str, table: str, columns: list[str], kind: str) -> bool:
    """Is `name` the one the server gives the index it makes on partition `table` for a parent
    index with these column names, a number added against a clash included?"""
    addition = None if kind == "p" else name_addition(columns)
    label = _LABELS[kind]
    if name == make_object_name(table, addition, label):
        return True
    if not name.rstrip("0123456789") or name == name.rstrip("0123456789"):
        return False
    return any(name == make_object_name(table, addition, f"{label}{n}") for n in range(1, 100))
