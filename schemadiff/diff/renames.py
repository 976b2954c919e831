"""Renames: the hints of the files (parse/hints.py) matched to the database, with a guard.

Why before the diff: a renamed object is the same object. The live catalog is given the new
names first (`_Renamer`), so the diff that follows sees a column that kept its values, an
index that needs no rebuild, and plans only what else changed; the renames themselves are
the first steps of the plan (ALTER ... RENAME, which the server does by OID: views, keys and
defaults follow it).

The guard: a hint is taken only when the database has the old object and not the new one.
It is refused (RenameError, exit 2) when
  - both exist (a rename would collide: the hint is stale, or the old object must go first),
  - neither exists in a database that has the object's container (the hint names nothing:
    a typo would otherwise plan an empty new object),
  - the two differ in kind or type (a column of another type, a view named as a table, a
    function with other arguments, an index of another table): then it is not a rename.
The new object there and the old one gone is a rename already applied: the hint is inert,
so it may stay in the files; so is a hint whose old name the files still declare. In a reverse plan (files to database) the hints of the files
undo their renames, and nothing is refused.

Without a hint, a column (or index, or constraint) dropped and one of the same shape added in
one table is probably a rename: `suggest_renames` puts the comment to add on the drop, which
the plan shows next to its data-loss hazard.
"""
from __future__ import annotations

import dataclasses
from types import MappingProxyType
from typing import Any, Callable, Iterable, overload

import orjson

from ..errors import RenameError
from ..model import (Catalog, Column, Constraint, EnumType, Expr, FunctionName, Grant, Index, ObjectRef, Owner,
                     QualifiedName, RenameHint, Table, quote_ident, ref)
from .changes import Change

_STAGES = (("schema",), ("table", "view", "sequence", "type", "function"),
           ("index", "column", "constraint", "enum_value"))
_RELATIONS = ("table", "view", "sequence", "index")


def plan_renames(old: Catalog, new: Catalog) -> tuple[list[Change], Catalog]:
    """The rename changes, and `old` with them done (the catalog the rest of the diff starts from)."""
    if not new.rename_hints and not old.rename_hints:
        return [], old
    changes: list[Change] = []
    # Reverse renames done so far (files naming -> live).
    undone: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = []
    for stage in _STAGES:
        for hint in new.rename_hints:
            if hint.kind in stage:
                change = _forward(hint, old, new)
                if change is not None:
                    old = _rename(old, change)
                    changes.append(change)
        for hint in old.rename_hints:
            if hint.kind in stage:
                change = _backward(hint, old, new, undone)
                if change is not None:
                    old = _rename(old, change)
                    changes.append(change)
                    undone.append((hint.kind, hint.path, change.new))
        if stage[0] == "table":
            for change in _implied(old, new, changes):
                old = _rename(old, change)
                changes.append(change)
    return changes, old


def _change(kind: str, old_path: tuple[Any, ...], new_path: tuple[Any, ...], args: tuple[Any, ...] = ()) -> Change:
    # No creates or drops: every other change is planned against the renamed catalog and runs
    # after all renames (plan/ordering.py), which need nothing but each other's order.
    return Change(f"rename_{kind}", ref(kind, *new_path), old_path, new_path, args)


# -- matching and the guard ----------------------------------------------------------------------
def _forward(hint: RenameHint, old: Catalog, new: Catalog) -> Change | None:
    have_old = _find(old, hint.kind, hint.old_path)
    have_new = _find(old, hint.kind, hint.path)
    what = f"{_label(hint.kind)} {_show(hint.path)}"
    if have_new is not None and have_old is None:
        return None  # applied already: inert
    if _find(new, hint.kind, hint.old_path) is not None:
        return None  # the files still declare the old one too: the hint is history, nothing is renamed
    if have_new is not None:
        raise RenameError(hint.location, f"{what} is marked as renamed from {hint.old}, but the database has both "
                                         f"{_show(hint.old_path)} and {_show(hint.path)}: drop the hint if it was "
                                         f"applied, or drop the old object first")
    if have_old is None:
        other = _other_kind(old, hint)
        if other is not None:
            raise RenameError(hint.location, f"{what} is marked as renamed from {hint.old}, but {hint.old} is "
                                             f"{other} in the database, not {_article(hint.kind)}: not a rename")
        if _container_exists(old, new, hint):
            raise RenameError(hint.location, f"{what} is marked as renamed from {hint.old}, but the database has "
                                             f"no {_label(hint.kind)} {_show(hint.old_path)} (nor "
                                             f"{_show(hint.path)}): fix the name in the hint, or remove it")
        return None  # a database that has none of it yet: created as declared
    problem = _shape_differs(hint, have_old, _find(new, hint.kind, hint.path), old, new)
    if problem:
        raise RenameError(hint.location, f"{what} is marked as renamed from {hint.old}, but {problem}: not a "
                                         f"rename (remove the hint; the plan then drops and adds)")
    return _change(hint.kind, hint.old_path, hint.path, _args(hint.kind, have_old))


def _backward(hint: RenameHint, old: Catalog, new: Catalog, undone: list[Any]) -> Change | None:
    """A hint of the files when the files are the plan's start (--reverse): undo the rename."""
    path = _through(hint.path, undone)
    target = (*path[:-1], hint.old)
    have = _find(old, hint.kind, path)
    if have is None or _find(old, hint.kind, target) is not None:
        return None
    if _find(new, hint.kind, target) is None or _find(new, hint.kind, path) is not None:
        return None
    return _change(hint.kind, path, target, _args(hint.kind, have))


def _through(path: tuple[Any, ...], undone: list[Any]) -> tuple[Any, ...]:
    """A path in the files' names, after the reverse renames of its schema and relation."""
    for kind, before, after in undone:
        if kind == "schema" and path[0] == before[0]:
            path = (after[0], *path[1:])
        elif kind in ("table", "type") and len(path) == 3 and path[:2] == before:
            path = (*after, path[2])
    return path


def _find(cat: Catalog, kind: str, path: tuple[Any, ...]) -> Any:
    """The object of `kind` at `path`, or None (functions: a list of overloads)."""
    if kind == "schema":
        return cat.schemas.get(path[0])
    if len(path) < 2:
        return None
    qn = QualifiedName(*path[:2])
    if kind == "table":
        return cat.tables.get(qn)
    if kind == "view":
        return cat.views.get(qn)
    if kind == "sequence":
        return cat.sequences.get(qn)
    if kind == "index":
        return cat.indexes.get(qn)
    if kind == "type":
        for pool in (cat.enums, cat.domains, cat.composites, cat.ranges):
            if qn in pool:
                return pool[qn]
        return None
    if kind == "function":
        return [f for f in cat.functions.values() if f.name.qualified == qn] or None
    if kind == "column":
        t = cat.tables.get(qn)
        return t.column(path[2]) if t is not None else None
    if kind == "constraint":
        t = cat.tables.get(qn)
        return next((c for c in t.constraints if c.name == path[2]), None) if t is not None else None
    if kind == "enum_value":
        e = cat.enums.get(qn)
        return path[2] if e is not None and path[2] in e.labels else None
    return None


def _other_kind(old: Catalog, hint: RenameHint) -> str | None:
    """What else the old name is in the database, when it is not what the hint renames."""
    if hint.kind not in _RELATIONS + ("type",):
        return None
    qn = QualifiedName(*hint.old_path)
    for kind, pool in (("a table", old.tables), ("a view", old.views), ("a sequence", old.sequences),
                       ("an index", old.indexes)):
        if qn in pool and kind != _article(hint.kind):
            return kind
    return None


def _container_exists(old: Catalog, new: Catalog, hint: RenameHint) -> bool:
    """Does the database hold what the object lives in? A table for a column, an enum for a
    label; for a schema's objects, the schema with something in it (a new database, where
    nothing of the files exists yet, takes them as they are)."""
    if hint.kind in ("column", "constraint"):
        return QualifiedName(*hint.path[:2]) in old.tables
    if hint.kind == "enum_value":
        return QualifiedName(*hint.path[:2]) in old.enums
    if hint.kind == "index":
        index = new.indexes.get(QualifiedName(*hint.path))
        return index is not None and (index.table in old.tables or index.table in old.views)
    if hint.kind == "schema":
        return any(s != "public" for s in old.schemas) or bool(old.tables)
    schema = hint.path[0]
    pools = (old.tables, old.views, old.sequences, old.enums, old.domains, old.composites, old.ranges)
    return any(qn.schema == schema for pool in pools for qn in pool) or any(
        f.schema == schema for f in old.functions)


def _shape_differs(hint: RenameHint, before: Any, after: Any, old: Catalog, new: Catalog) -> str | None:
    if hint.kind == "column" and before.type != after.type:
        return f"{hint.old} is {before.type} and {hint.path[2]} is {after.type}"
    if hint.kind == "constraint" and before.kind != after.kind:
        return f"{hint.old} and {hint.path[2]} are different kinds of constraint"
    if hint.kind == "index" and before.table != after.table:
        return f"{hint.old} is an index of {before.table.display}, {hint.path[1]} of {after.table.display}"
    if hint.kind == "function":
        args_before = {f.name.args for f in before}
        args_after = {f.name.args for f in after}
        if not args_after <= args_before:
            return (f"{hint.old} takes ({'; '.join(sorted(args_before))}) and {hint.path[1]} takes "
                    f"({'; '.join(sorted(args_after))})")
    if hint.kind == "type":
        if type(before) is not type(after):
            return f"{hint.old} and {hint.path[1]} are different kinds of type"
    return None


def _args(kind: str, found: Any) -> tuple[Any, ...]:
    """What the renderer needs beyond the two names."""
    if kind == "view":
        return (("materialized", found.materialized),)
    if kind == "type":
        return (("domain", type(found).__name__ == "Domain"),)
    if kind == "function":
        return (("signatures", tuple(sorted((f.name.args, f.kind) for f in found))),)
    if kind == "constraint":
        return (("constraint_kind", found.kind),)
    return ()


def _label(kind: str) -> str:
    return {"enum_value": "enum value", "type": "type"}.get(kind, kind)


def _article(kind: str) -> str:
    label = _label(kind)
    return f"an {label}" if label[0] in "aeiou" else f"a {label}"


def _show(path: tuple[Any, ...]) -> str:
    return ".".join(path)


# -- implied renames ----------------------------------------------------------------------------
def _implied(old: Catalog, new: Catalog, done: list[Change]) -> list[Change]:
    """What a table rename leaves with the old table's name: constraints named after the table
    (t_pkey, as the server generates them) and sequences the table's serial columns own (t_id_seq), where the files have the
    same thing under the new table's generated name."""
    out: list[Change] = []
    for change in done:
        if change.kind != "rename_table":
            continue
        qn = QualifiedName(*change.new)
        before, after = old.tables.get(qn), new.tables.get(qn)
        if before is None or after is None:
            continue
        names = {c.name for c in before.constraints}
        was, now = change.old[1] + "_", change.new[1] + "_"
        for con in after.constraints:
            if con.name in names or not con.name.startswith(now):
                continue
            match = [c for c in before.constraints if c.definition == con.definition and c.kind == con.kind
                     and c.name.startswith(was) and all(c.name != n.name for n in after.constraints)]
            if len(match) == 1:
                out.append(_change("constraint", (*qn, match[0].name), (*qn, con.name),
                                   (("constraint_kind", con.kind),)))
        for seq in new.sequences.values():
            if seq.owned_by is None or seq.owned_by[0] != qn or seq.name in old.sequences:
                continue
            owned = [s for s in old.sequences.values() if s.owned_by == seq.owned_by and s.name not in new.sequences
                     and s.name.schema == seq.name.schema]
            if len(owned) == 1:
                out.append(_change("sequence", tuple(owned[0].name), tuple(seq.name)))
    return out


# -- the old catalog with a rename done ---------------------------------------------------------
def _rename(cat: Catalog, change: Change) -> Catalog:
    kind = change.kind.removeprefix("rename_")
    before, after = change.old, change.new
    if kind == "column":
        return _rename_column(cat, QualifiedName(*before[:2]), before[2], after[2])
    if kind == "constraint":
        return _rename_constraint(cat, QualifiedName(*before[:2]), before[2], after[2])
    if kind == "enum_value":
        return _rename_label(cat, QualifiedName(*before[:2]), before[2], after[2])
    if kind == "schema":
        s, r = before[0], after[0]
        return _Renamer(qn=lambda q: QualifiedName(r, q.name) if q.schema == s else q,
                        schema=lambda x: r if x == s else x).catalog(cat)
    q0, q1 = QualifiedName(*before), QualifiedName(*after)
    if kind == "function":
        return _Renamer(function=lambda f: dataclasses.replace(f, name=q1.name) if f.qualified == q0 else f,
                        funcname=(q0, q1)).catalog(cat)
    return _Renamer(qn=lambda q: q1 if q == q0 else q, index=(q0, q1) if kind == "index" else None).catalog(cat)


class _Renamer:
    """A deep copy of a catalog with names changed wherever the model holds them: qualified names
    (keys, parents, references), object references, function names, type names in type text,
    grant and owner names, and the names inside canonical expressions (relations, functions,
    sequences by text)."""

    def __init__(self, qn: Callable[[QualifiedName], QualifiedName] = lambda q: q,
                 schema: Callable[[str], str] = lambda s: s,
                 function: Callable[[FunctionName], FunctionName] | None = None,
                 funcname: tuple[QualifiedName, QualifiedName] | None = None,
                 index: tuple[QualifiedName, QualifiedName] | None = None):
        self.qn, self.schema, self.function = qn, schema, function or (lambda f: f)
        self.funcname, self.index = funcname, index
        self.cache: dict[int, Any] = {}

    def catalog(self, cat: Catalog) -> Catalog:
        out: Catalog = self.value(cat)
        schemas = {self.schema(k): dataclasses.replace(v, name=self.schema(v.name)) for k, v in out.schemas.items()}
        return dataclasses.replace(out, schemas=schemas)

    def value(self, v: Any) -> Any:
        if isinstance(v, (str, int, float, bool, type(None), bytes)):
            return v
        if isinstance(v, QualifiedName):
            return self.qn(v)
        if isinstance(v, ObjectRef):
            return self.ref(v)
        if isinstance(v, FunctionName):
            v = self.function(v)
            return dataclasses.replace(v, schema=self.schema(v.schema), args=self.types(v.args))
        if isinstance(v, Expr):
            key = self.key(v.key)
            return v if key == v.key else Expr(key, v.packed)
        if isinstance(v, (Grant, Owner)):
            return dataclasses.replace(self.fields(v), object_name=self.object_name(v.object_name))
        if isinstance(v, (dict, MappingProxyType)):
            return {self.value(k): self.value(x) for k, x in v.items()}
        if isinstance(v, tuple):
            return tuple(self.value(x) for x in v)
        if isinstance(v, frozenset):
            return frozenset(self.value(x) for x in v)
        if dataclasses.is_dataclass(v):
            v = self.fields(v)
            if isinstance(v, (Column,)):
                v = dataclasses.replace(v, type=self.types(v.type))
            elif isinstance(v, Table) and self.index is not None:
                (was, now), schema = self.index, v.name.schema

                def idx(n: str) -> str:
                    return now.name if n == was.name and schema == was.schema else n
                v = dataclasses.replace(v, cluster_on=v.cluster_on and idx(v.cluster_on),
                                        replica_identity=idx(v.replica_identity))
            for name in ("returns", "base_type", "subtype"):
                if isinstance(getattr(v, name, None), str):
                    v = dataclasses.replace(v, **{name: self.types(getattr(v, name))})
            return v
        return v

    def fields(self, v: Any) -> Any:
        changed = {}
        for f in dataclasses.fields(v):
            if f.name == "origin":
                continue
            x = getattr(v, f.name)
            y = self.value(x)
            if y is not x and y != x:
                changed[f.name] = y
        return dataclasses.replace(v, **changed) if changed else v

    def ref(self, r: ObjectRef) -> ObjectRef:
        path = r.path
        if path:
            path = (self.schema(path[0]), *path[1:])
        if len(path) >= 2:
            q = self.qn(QualifiedName(path[0], path[1]))
            path = (q.schema, q.name, *path[2:])
        if r.kind == "function" and self.funcname is not None and path[:2] == tuple(self.funcname[0]):
            path = (path[0], self.funcname[1].name, *path[2:])
        return ObjectRef(r.kind, path)

    def types(self, text: str) -> str:
        """Type text ('app.mood', 'mood[]', 'integer, app.mood'): each named type renamed."""
        if not text:
            return text
        parts = []
        for part in text.split(", "):
            stem, suffix = part, ""
            while stem.endswith("[]"):
                stem, suffix = stem[:-2], suffix + "[]"
            schema, dot, name = stem.rpartition(".")
            if dot and '"' not in stem and "(" not in stem:
                q = self.qn(QualifiedName(self.schema(schema), name))
                stem = q.name if q.schema == "public" else f"{q.schema}.{q.name}"
            elif not dot and " " not in stem and "(" not in stem:
                q = self.qn(QualifiedName("public", stem))
                if q != QualifiedName("public", stem):
                    stem = q.name if q.schema == "public" else f"{q.schema}.{q.name}"
            parts.append(stem + suffix)
        return ", ".join(parts)

    def object_name(self, name: str) -> str:
        base, paren, rest = name.partition("(")
        schema, dot, obj = base.rpartition(".")
        if not dot:
            return self.schema(base) + paren + rest
        q = self.qn(QualifiedName(self.schema(schema.strip('"')), obj.strip('"')))
        if paren and self.funcname is not None and QualifiedName(schema.strip('"'), obj.strip('"')) == self.funcname[0]:
            q = self.funcname[1]
        return f"{quote_ident(q.schema)}.{quote_ident(q.name)}{paren}{self.types(rest[:-1]) + ')' if paren else ''}"

    def key(self, key: str) -> str:
        """A canonical expression's key with the names in it renamed (its JSON, walked)."""
        head = ""
        if key[:1].isalpha() and key[1:2] == "{":  # a constraint's key: its kind, then the JSON
            head, key = key[0], key[1:]
        if not key.startswith(("{", "[")):
            return head + key
        try:
            tree = orjson.loads(key)
        except orjson.JSONDecodeError:
            return head + key
        out = self.node(tree)
        return head + (key if out == tree else orjson.dumps(out).decode())

    def node(self, n: Any) -> Any:
        if isinstance(n, list):
            return [self.node(x) for x in n]
        if not isinstance(n, dict):
            return n
        out = {k: self.node(x) for k, x in n.items()}
        if "relname" in out:
            q = self.qn(QualifiedName(self.schema(out.get("schemaname") or "public"), out["relname"]))
            out["relname"] = q.name
            if out.get("schemaname") or q.schema != "public":
                out["schemaname"] = q.schema
        for name in ("pktable",):
            if isinstance(out.get(name), str):
                out[name] = self.dotted(out[name])
        func = out.get("Func")
        if isinstance(func, dict) and func.get("name") in (["nextval"], ["currval"], ["setval"]):
            args = func.get("args") or []
            if args and isinstance(args[0], dict) and isinstance(args[0].get("C"), str):
                args[0]["C"] = self.dotted(args[0]["C"], short=True)
        if isinstance(func, dict) and self.funcname is not None:
            names = func.get("name") or []
            called = QualifiedName(names[0], names[1]) if len(names) == 2 else QualifiedName("public", names[0]) \
                if len(names) == 1 else None
            if called == self.funcname[0]:
                func["name"] = [*names[:-1], self.funcname[1].name]
        return out

    def dotted(self, text: str, short: bool = False) -> str:
        """'schema.name' renamed; `short`: a bare name is in public, and stays bare there."""
        schema, dot, name = text.rpartition(".")
        if '"' in text or not (dot or short):
            return text
        q = self.qn(QualifiedName(self.schema(schema or "public"), name))
        return q.name if short and q.schema == "public" and not dot else f"{q.schema}.{q.name}"


def _rename_column(cat: Catalog, table: QualifiedName, a: str, b: str) -> Catalog:
    """Column `a` of `table` (and of its partitions and children, which the server renames along)
    becomes `b`, wherever the model names it: keys, indexes, foreign keys that reference it,
    the sequence it owns, its grants and references."""
    family = {table}
    grew = True
    while grew:
        grew = False
        for qn, t in cat.tables.items():
            if qn not in family and (t.partition_of in family or family & set(t.inherits)):
                family.add(qn)
                grew = True
    def col(n: str) -> str:
        return b if n == a else n

    def names(x: Iterable[Any]) -> list[Any]:
        return [col(y) if isinstance(y, str) else y for y in x]

    def node(n: Any) -> Any:
        if isinstance(n, list):
            return [node(x) for x in n]
        if not isinstance(n, dict):
            return n
        out = {k: node(x) for k, x in n.items()}
        if out.get("Col") == [a]:
            out["Col"] = [b]
        if "IndexElem" in out and out["IndexElem"].get("name") == a:
            out["IndexElem"]["name"] = b
        for k in ("keys", "fk_attrs", "including"):
            if isinstance(out.get(k), list):
                out[k] = names(out[k])
        return out

    @overload
    def expr(e: Expr, *, refs: bool = False) -> Expr: ...
    @overload
    def expr(e: Expr | None, *, refs: bool = False) -> Expr | None: ...

    def expr(e: Expr | None, *, refs: bool = False) -> Expr | None:
        if e is None:
            return None
        head, body = (e.key[0], e.key[1:]) if e.key[:1].isalpha() and e.key[1:2] == "{" else ("", e.key)
        try:
            tree = orjson.loads(body)
        except orjson.JSONDecodeError:
            return e
        if refs:  # a foreign key of another table: only the columns it references are these
            def pk(n: Any) -> Any:
                if isinstance(n, dict):
                    n = {k: pk(x) for k, x in n.items()}
                    if isinstance(n.get("pk_attrs"), list):
                        n["pk_attrs"] = names(n["pk_attrs"])
                    return n
                return [pk(x) for x in n] if isinstance(n, list) else n
            out = pk(tree)
        else:
            out = node(tree)
        return e if out == tree else Expr(head + orjson.dumps(out).decode(), e.packed)

    tables = {}
    for qn, t in cat.tables.items():
        if qn in family:
            t = dataclasses.replace(
                t, columns=tuple(dataclasses.replace(c, name=col(c.name), default=expr(c.default),
                                                     generated=expr(c.generated)) for c in t.columns),
                constraints=tuple(dataclasses.replace(c, columns=tuple(names(c.columns)), definition=expr(c.definition))
                                  for c in t.constraints),
                partition_not_null=tuple(names(t.partition_not_null)))
        if any(c.ref_table in family for c in t.constraints):
            t = dataclasses.replace(t, constraints=tuple(
                dataclasses.replace(c, ref_columns=tuple(names(c.ref_columns)), definition=expr(c.definition, refs=True))
                if c.ref_table in family else c for c in t.constraints))
        tables[qn] = t
    indexes = {qn: dataclasses.replace(i, columns=tuple(names(i.columns)), definition=expr(i.definition))
               if i.table in family else i for qn, i in cat.indexes.items()}
    sequences = {qn: dataclasses.replace(s, owned_by=(s.owned_by[0], col(s.owned_by[1])))
                 if s.owned_by is not None and s.owned_by[0] in family else s for qn, s in cat.sequences.items()}
    grants = frozenset(dataclasses.replace(g, column=col(g.column)) if g.column and g.object_name in
                       {f"{quote_ident(q.schema)}.{quote_ident(q.name)}" for q in family} else g for g in cat.grants)
    return dataclasses.replace(cat, tables=tables, indexes=indexes, sequences=sequences, grants=grants)


def _rename_constraint(cat: Catalog, table: QualifiedName, a: str, b: str) -> Catalog:
    t = cat.tables[table]
    t = dataclasses.replace(t, constraints=tuple(sorted(
        (dataclasses.replace(c, name=b) if c.name == a else c for c in t.constraints), key=lambda c: c.name)),
        cluster_on=b if t.cluster_on == a else t.cluster_on,
        replica_identity=b if t.replica_identity == a else t.replica_identity)
    return dataclasses.replace(cat, tables={**cat.tables, table: t})


def _rename_label(cat: Catalog, enum: QualifiedName, a: str, b: str) -> Catalog:
    e: EnumType = cat.enums[enum]
    e = dataclasses.replace(e, labels=tuple(b if x == a else x for x in e.labels))
    type_names = {enum.name if enum.schema == "public" else f"{enum.schema}.{enum.name}"}
    tables = {}
    for qn, t in cat.tables.items():
        cols = tuple(dataclasses.replace(c, default=Expr(orjson.dumps({"C": b}).decode(), c.default.packed))
                     if c.type in type_names and c.default is not None and c.default.key == orjson.dumps({"C": a}).decode()
                     else c for c in t.columns)
        tables[qn] = t if cols == t.columns else dataclasses.replace(t, columns=cols)
    return dataclasses.replace(cat, enums={**cat.enums, enum: e}, tables=tables)


# -- suggestions ----------------------------------------------------------------------------------
def suggest_renames(changes: list[Change]) -> list[Change]:
    """Each column, index or constraint drop that an add of the same shape in the same table
    matches one to one gets the hint that would make it a rename (arg "suggest")."""
    def shape(c: Change) -> tuple[Any, ...] | None:
        obj = c.old if c.kind.startswith("drop_") else c.new
        if c.kind in ("drop_column", "add_column"):
            if c.kind == "drop_column" and c.arg("recomputed"):
                return None
            return ("column", c.arg("table"), obj.type)
        if c.kind in ("drop_index", "create_index") and isinstance(obj, Index):
            return ("index", obj.table, obj.definition.key, obj.unique)
        if c.kind in ("drop_constraint", "add_constraint") and isinstance(obj, Constraint):
            return ("constraint", c.arg("table") or c.target.path[:2], obj.definition.key)
        return None
    drops: dict[tuple[Any, ...], list[int]] = {}
    adds: dict[tuple[Any, ...], list[int]] = {}
    for i, c in enumerate(changes):
        s = shape(c)
        if s is not None:
            (drops if c.kind.startswith("drop_") else adds).setdefault(s, []).append(i)
    out = list(changes)
    for s, ds in drops.items():
        if len(ds) == 1 and len(adds.get(s, ())) == 1:
            drop, add = changes[ds[0]], changes[adds[s][0]]
            old_name, new_name = _name(drop.old), _name(add.new)
            if old_name == new_name:
                continue  # a rebuild, not a rename
            out[ds[0]] = dataclasses.replace(drop, args=(*drop.args, ("suggest", (s[0], new_name, old_name))))
    return out


def _name(obj: Any) -> str:
    n = obj.name
    return n.name if isinstance(n, QualifiedName) else n


def suggestion_text(kind: str, new: str, old: str) -> str:
    return (f"if {new} is {old} renamed, add `-- schemadiff: renamed from {old}` on the line of {kind} {new} in "
            f"the schema files: the plan then renames it and keeps its data")


__all__ = ["plan_renames", "suggest_renames", "suggestion_text"]
