"""Catalog x Catalog -> Changes.  Matching is by identity only; what a change needs
and what it removes are recorded on it for the planner."""
from __future__ import annotations

from dataclasses import replace
from typing import Any, Iterable

import orjson

from ..errors import UnsupportedChange
from ..gcpause import gc_paused
from ..graph import (column_dependencies, column_ref, constraint_dependencies, constraint_ref, function_ref,
                     index_dependencies, index_ref, schema_ref, sequence_ref, sequences_used,
                     table_dependencies, table_ref, trigger_dependencies, type_ref, enum_values_ref)
from ..model import Catalog, Column, Constraint, Expr, Extension, Index, ObjectRef, QualifiedName, Table, Trigger, ref
from ..model.objects import SequenceOptions
from ..model.types import without_typmod
from ..model.exprs import without_default_opclasses
from .attachments import after_detach, diff_attachments, drop_with_tables, with_moved_partitions
from .changes import Change
from .programs import diff_functions, diff_grants, diff_owners, diff_policies, diff_triggers, diff_types, diff_views

fs = frozenset


class _Differ:
    def __init__(self, old: Catalog, new: Catalog):
        self.old, self.new = old, new
        self.changes: list[Change] = []

    def add(self, kind: str, target: ObjectRef, old: Any = None, new: Any = None, *,
            args: Iterable[tuple[str, Any]] = (), requires: Iterable[ObjectRef] = (),
            creates: Iterable[ObjectRef] = (), drops: Iterable[ObjectRef] = (),
            old_requires: Iterable[ObjectRef] = ()) -> None:
        self.changes.append(Change(kind, target, old, new, tuple(args), fs(requires), fs(creates), fs(drops),
                                   fs(old_requires)))

    def comment(self, target_sql: str, target: ObjectRef, old: str | None, new: str | None,
                requires: Iterable[ObjectRef] = ()) -> None:
        if old != new:
            self.add("set_comment", ref("comment", *target.path, target.kind), old, new,
                     args=(("on", target_sql),), requires=(target, *requires))

    # -- schemas, extensions, enums, sequences -------------------------------------------
    def schemas(self) -> None:
        for name, s in self.new.schemas.items():
            old = self.old.schemas.get(name)
            if old is None and name != "public":
                self.add("create_schema", schema_ref(name), None, s, creates=[schema_ref(name)])
            self.comment(f"SCHEMA {_q(name)}", schema_ref(name), old.comment if old else None, s.comment)
        for name, s in self.old.schemas.items():
            if name not in self.new.schemas and name != "public":
                self.add("drop_schema", schema_ref(name), s, None, drops=[schema_ref(name)])

    def extensions(self) -> None:
        for name, e in self.new.extensions.items():
            old = self.old.extensions.get(name)
            target = ref("extension", name)
            in_schema = [schema_ref(e.schema)] if e.schema is not None else []  # None: the server's choice
            if old is None:
                self.add("create_extension", target, None, e, creates=[target], requires=in_schema)
            elif old.schema != e.schema:
                self.add("alter_extension_schema", target, old, e, requires=in_schema)
            if old is not None:
                self._extension_version(name, old, e, target)
            # A comment left unsaid, or the one CREATE EXTENSION sets, is that one: never planned.
            default = self.old.extension_comments.get(name)
            have = old.comment if old is not None and old.comment is not None else default
            self.comment(f"EXTENSION {_q(name)}", target, have, e.comment if e.comment is not None else default)
        for name, e in self.old.extensions.items():
            if name not in self.new.extensions:
                self.add("drop_extension", ref("extension", name), e, None, drops=[ref("extension", name)],
                         old_requires=[schema_ref(e.schema)] if e.schema is not None else [])

    def _extension_version(self, name: str, old: Extension, e: Extension, target: ObjectRef) -> None:
        """A file without VERSION asks for what CREATE EXTENSION installs (the server's default),
        as a database made from the files has; an installed version newer than that is left
        alone.  PostgreSQL updates upwards only: a lower version the files name is refused."""
        wanted = e.version or self.old.extension_default_versions.get(name)
        if wanted is None or old.version is None or old.version == wanted:
            return
        order = _version_order(old.version, wanted)
        if order > 0:
            if e.version is None:
                return
            raise UnsupportedChange(
                f"extension {name}", f"version {old.version} is installed and the files ask for {e.version}; "
                "PostgreSQL has no downgrade path (only DROP EXTENSION and CREATE EXTENSION, which drop what "
                f"depends on it): name {old.version} in the files, or downgrade by hand")
        self.add("alter_extension_version", ref("extension_version", name), old, replace(e, version=wanted),
                 requires=[target])

    def enums(self) -> None:
        for qn, e in self.new.enums.items():
            old = self.old.enums.get(qn)
            target = type_ref(qn)
            if old is None:
                self.add("create_enum", target, None, e, creates=[target], requires=[schema_ref(qn.schema)])
            elif old.labels != e.labels:
                if _is_subsequence(old.labels, e.labels):
                    labels = list(old.labels)
                    for i, label in enumerate(e.labels):
                        if label in labels:
                            continue
                        after = e.labels[i - 1] if i > 0 else None
                        before = None if after is not None else labels[0] if labels else None
                        self.add("add_enum_value", target, old, e,
                                 args=(("value", label), ("after", after), ("before", before)), requires=[target],
                                 creates=[enum_values_ref(qn)])
                        labels.insert(labels.index(after) + 1 if after else 0, label)
                else:
                    from .programs import _columns_of_type
                    columns = []
                    for table, col, is_array in _columns_of_type(qn, self.old):
                        new_t = self.new.tables.get(table)
                        if new_t is None or self._recreated(self.old.tables[table], new_t):
                            continue  # the table goes before the rebuild (it uses the old type)
                        self._refuse_partition_key(table, col, f"enum {qn} loses or reorders values")
                        new_col = new_t.column(col)
                        old_col = self.old.tables[table].column(col)  # _columns_of_type found it there
                        had_default = old_col is not None and old_col.default is not None
                        columns.append((table, col, is_array, had_default,
                                        new_col.default.sql if new_col is not None and new_col.default else None))
                    crefs = [column_ref(t, c) for t, c, *_ in columns]
                    # The old type is dropped and a new one made: what still uses the old one (a table
                    # the plan drops) goes first, and the new type starts without the old one's grants.
                    self.add("rebuild_enum", target, old, e, args=(("columns", tuple(columns)),),
                             requires=[target], drops=[target, *crefs], creates=[target, *crefs])
            self.comment(f"TYPE {qn}", target, old.comment if old else None, e.comment)
        for qn, e in self.old.enums.items():
            if qn not in self.new.enums:
                self.add("drop_enum", type_ref(qn), e, None, drops=[type_ref(qn)])

    def sequences(self) -> None:
        version = self.old.server_version or self.new.server_version
        for qn, s in self.new.sequences.items():
            old = self.old.sequences.get(qn)
            target = sequence_ref(qn)
            if version is not None and version < 150000 and s.unlogged:
                s = replace(s, unlogged=False)  # no unlogged sequences before PostgreSQL 15
            if old is None:
                self.add("create_sequence", target, None, s, creates=[target], requires=[schema_ref(qn.schema)])
            elif old.options != s.options or old.unlogged != s.unlogged:
                self.add("alter_sequence", target, old, s, requires=[target],
                         args=self._restart(qn, old.options, s.options))
            old_owner = old.owned_by if old else None
            owner_goes = old_owner is not None and self._column_goes(old_owner)
            if old_owner is not None and owner_goes:
                # The owning table is dropped (or re-created) or the column goes, but the sequence
                # stays: release it first, or the server drops it along with its owner. Its new
                # owner (another table: a table renamed in a migration keeps its serial's sequence)
                # takes it afterwards, so that table may be created after the old one is dropped.
                table, col = old_owner
                self.add("set_sequence_owner", ref("sequence_owner", qn.schema, qn.name), old,
                         replace(s, owned_by=None), requires=[target],
                         old_requires=[table_ref(table), column_ref(table, col)])
            if s.owned_by is not None and (s.owned_by != old_owner or owner_goes):
                table, col = s.owned_by
                # Before the old owner goes (dropping it would take the sequence along).
                old_requires = [table_ref(old_owner[0]), column_ref(*old_owner)] \
                    if old_owner is not None and s.owned_by != old_owner and not owner_goes else []
                self.add("set_sequence_owner", ref("sequence_owner", qn.schema, qn.name), old, s,
                         requires=[target, table_ref(table), column_ref(table, col)], old_requires=old_requires)
            elif old is not None and old.owned_by is not None and s.owned_by is None and not owner_goes:
                # Before the owning column goes: dropping it would take the sequence along.
                owner_table, owner_col = old.owned_by
                self.add("set_sequence_owner", ref("sequence_owner", qn.schema, qn.name), old, s, requires=[target],
                         old_requires=[table_ref(owner_table), column_ref(owner_table, owner_col)])
            self.comment(f"SEQUENCE {qn}", target, old.comment if old else None, s.comment)
        for qn, s in self.old.sequences.items():
            if qn in self.new.sequences:
                continue
            if s.owned_by is not None and self._column_goes(s.owned_by):
                continue  # the server drops an owned sequence with its column
            if self._serial_to_identity(qn) is not None:
                continue  # the identity takes its value over, then drops it (alter_identity)
            self.add("drop_sequence", sequence_ref(qn), s, None, drops=[sequence_ref(qn)])

    def _restart(self, key: object, old: SequenceOptions | None, new: SequenceOptions | None) -> tuple[Any, ...]:
        """(("restart", last value or None),) when the new options need the sequence restarted.

        ALTER SEQUENCE checks the value the sequence stands at against the new bounds and refuses
        one outside them ('RESTART value (1) cannot be less than MINVALUE (10)').  A sequence that
        never handed a value out stands at a start value the catalog may no longer show, and
        restarting it loses nothing: it is restarted whenever its bounds or start change, as a new
        one would begin.  One that did is restarted only when its value falls outside."""
        positions = self.old.sequence_positions
        if key not in positions or old is None or new is None:
            return ()
        value = positions[key]
        if value is None:
            changed = (old.minvalue, old.maxvalue, old.start) != (new.minvalue, new.maxvalue, new.start)
            return (("restart", None),) if changed else ()
        return (("restart", value),) if not new.minvalue <= value <= new.maxvalue else ()

    def _refuse_partition_key(self, table: QualifiedName, column: str, what: str) -> None:
        """The server will not retype a column of a partition key ('cannot alter column ... because
        it is part of the partition key'): only a new table, filled from the old, could.  Said
        here, before any statement runs, rather than by the server halfway through the apply."""
        from ..graph import _columns_named
        for t in self.old.tables.values():
            if t.partition_by is None or not self._within(t, table):
                continue
            key = t.partition_by.key
            names = {e["PartitionElem"]["name"] for e in orjson.loads(key).get("PartitionSpec", {}).get(
                "partParams", ()) if "name" in e.get("PartitionElem", {})} | _columns_named(key)
            if column in names:
                raise UnsupportedChange(f"column {table}.{column}",
                                        f"{what}, and it is part of the partition key of {t.name}; the server "
                                        "cannot retype it in place: create a new table and copy the rows")

    def _within(self, t: Table, root: QualifiedName) -> bool:
        """Is `t` the table `root` or one of its partitions, at any depth?"""
        seen: set[QualifiedName] = set()
        at: Table | None = t
        while at is not None and at.name not in seen:
            if at.name == root:
                return True
            seen.add(at.name)
            at = self.old.tables.get(at.partition_of) if at.partition_of is not None else None
        return False

    def _identity_to_serial(self, table: QualifiedName, prev: Column, col: Column) -> QualifiedName | None:
        """The new sequence that takes an identity column's counter over when the files make it a
        serial (named like the identity's own, <table>_<column>_seq)."""
        if not prev.identity or col.identity or col.default is None:
            return None
        from ..model.naming import make_object_name
        seq = QualifiedName(table.schema, make_object_name(table.name, col.name, "seq"))
        if seq in self.old.sequences or seq not in self.new.sequences or seq not in sequences_used(col.default.key):
            return None
        return seq

    def _serial_to_identity(self, qn: QualifiedName) -> tuple[QualifiedName, str] | None:
        """(table, column) when the sequence `qn` is a column's serial default that the files make
        an identity column: the sequence goes, its counter goes on in the identity's."""
        s = self.old.sequences.get(qn)
        if s is None or s.owned_by is None or qn in self.new.sequences:
            return None
        table, column = s.owned_by
        old_t, new_t = self.old.tables.get(table), self.new.tables.get(table)
        prev = old_t.column(column) if old_t is not None else None
        col = new_t.column(column) if new_t is not None else None
        if prev is None or col is None or prev.identity or not col.identity or prev.default is None:
            return None
        if qn not in sequences_used(prev.default.key):
            return None
        others = (c.default for t in self.new.tables.values() for c in t.columns if c.default is not None)
        return None if any(qn in sequences_used(d.key) for d in others) else (table, column)

    def _column_goes(self, owner: tuple[QualifiedName, str]) -> bool:
        table, col = owner
        t = self.new.tables.get(table)
        old_t = self.old.tables.get(table)
        if t is None or old_t is None or self._recreated(old_t, t):
            return True
        return t.column(col) is None

    # -- tables ----------------------------------------------------------------------------
    @staticmethod
    def _recreated(old: Table, new: Table) -> bool:
        """Differences no ALTER can make: the table is dropped and created again."""
        return (old.partition_by != new.partition_by
                or (old.partition_of is None) != (new.partition_of is None) and old.partition_by is not None
                or old.inherits != new.inherits)

    def tables(self) -> None:
        recreated = {qn for qn, t in self.old.tables.items()
                     if qn in self.new.tables and self._recreated(t, self.new.tables[qn])}
        # The partitions of a re-created parent go with its DROP TABLE: they are created again too.
        grown = True
        while grown:
            more = {qn for qn, t in self.old.tables.items() if qn in self.new.tables and qn not in recreated
                    and t.partition_of in recreated and self.new.tables[qn].partition_of == t.partition_of}
            recreated |= more
            grown = bool(more)
        self._dropped_tables = {qn for qn in self.old.tables if qn not in self.new.tables} | recreated
        for qn, t in self.new.tables.items():
            old = self.old.tables.get(qn)
            if old is not None and qn in recreated:
                self._drop_table(old)
                old = None
            if old is None:
                self._create_table(t)
            elif old != t or _to_validate(old, t) or _renames_not_null(old, t):  # most tables are unchanged: compare
                self._alter_table(old, t)                                   # once, not by member
        for qn, t in self.old.tables.items():
            if qn not in self.new.tables:
                self._drop_table(t)

    def _create_table(self, t: Table) -> None:
        target = table_ref(t.name)
        inline = tuple(c for c in t.constraints if c.kind != "f")
        creates = [target, *(column_ref(t.name, c.name) for c in t.columns),
                   *(constraint_ref(t.name, c.name) for c in inline)]
        requires = table_dependencies(t, self.new)
        self.add("create_table", target, None, t, args=(("constraints", inline),), creates=creates,
                 requires=requires)
        for con in t.constraints:
            if con.kind == "f":
                self._add_constraint(t, con)
        self._comments(None, t)
        if t.cluster_on:
            self.add("set_cluster", ref("cluster", *target.path), Table(t.name), t,
                     requires=[target, index_ref(QualifiedName(t.name.schema, t.cluster_on)),
                               constraint_ref(t.name, t.cluster_on)])
        if t.replica_identity != "d":
            identity_requires = [target]
            if t.replica_identity not in ("d", "f", "n"):
                identity_requires.append(index_ref(QualifiedName(t.name.schema, t.replica_identity)))
            self.add("set_replica_identity", ref("replica_identity", *target.path), Table(t.name), t,
                     requires=identity_requires)
        if t.rls_enabled or t.rls_forced:
            self.add("set_row_security", ref("row_security", *target.path), Table(t.name), t, requires=[target])
        self._partition_not_null((), t)

    def _drop_table(self, t: Table) -> None:
        target = table_ref(t.name)
        for con in t.constraints:
            # Foreign keys between tables that are all dropped: drop the keys first, so
            # the tables can go in any order (cycles included).
            if con.kind == "f" and con.ref_table != t.name and (
                    con.ref_table not in self.new.tables or con.ref_table in self._dropped_tables):
                self._drop_constraint(t, con)
        drops = [target, *(column_ref(t.name, c.name) for c in t.columns),
                 *(constraint_ref(t.name, c.name) for c in t.constraints)]
        # What the table's remaining foreign keys use goes after it (the keys go with the table);
        # keys between dropped tables were dropped on their own above, so cycles stay breakable.
        old_requires = set(table_dependencies(t, self.old))
        # Its triggers go with it (no DROP TRIGGER of their own): their functions go after it.
        for trig in self.old.triggers.values():
            if trig.table == t.name:
                old_requires |= trigger_dependencies(trig, self.old) - {target}
        for con in t.constraints:
            if con.kind == "f" and con.ref_table in self.new.tables and con.ref_table not in self._dropped_tables:
                old_requires |= {r for r in constraint_dependencies(t.name, con, self.old)
                                 if r.path[:2] != (t.name.schema, t.name.name)}
        self.add("drop_table", target, t, None, drops=drops, old_requires=old_requires)

    def _alter_table(self, old: Table, t: Table) -> None:
        target = table_ref(t.name)
        if old.partition_of != t.partition_of or old.partition_bound != t.partition_bound:
            if old.partition_of is not None:
                self.add("detach_partition", target, old, t, requires=[target],
                         old_requires=[table_ref(old.partition_of)])
            if t.partition_of is not None:
                self.add("attach_partition", ref("partition", t.name.schema, t.name.name), old, t,
                         requires=[target, table_ref(t.partition_of)])
        if old.unlogged != t.unlogged:
            self.add("set_logged", target, old, t, requires=[target])
        if old.options != t.options:
            self.add("set_table_options", target, old, t, requires=[target])
        if old.cluster_on != t.cluster_on:
            requires = [target] + ([index_ref(QualifiedName(t.name.schema, t.cluster_on)),
                                    constraint_ref(t.name, t.cluster_on)] if t.cluster_on else [])
            self.add("set_cluster", ref("cluster", *target.path), old, t, requires=requires)
        if old.access_method != t.access_method:
            self.add("set_access_method", ref("access_method", *target.path), old, t, requires=[target])
        if old.replica_identity != t.replica_identity:
            requires = [target]
            if t.replica_identity not in ("d", "f", "n"):
                requires.append(index_ref(QualifiedName(t.name.schema, t.replica_identity)))
                requires.append(constraint_ref(t.name, t.replica_identity))
            self.add("set_replica_identity", ref("replica_identity", *target.path), old, t, requires=requires)
        if (old.rls_enabled, old.rls_forced) != (t.rls_enabled, t.rls_forced):
            self.add("set_row_security", ref("row_security", *target.path), old, t, requires=[target])
        self._columns(old, t)
        self._constraints(old, t)
        self._comments(old, t)
        self._partition_not_null(old.partition_not_null, t)

    def _partition_not_null(self, had: tuple[str, ...], t: Table) -> None:
        """A partition's own NOT NULLs (see Table.partition_not_null). Dropping one runs after
        the key that implied it is dropped (phase order), or the server refuses."""
        if had == t.partition_not_null:
            return
        root = t
        inherited: set[str] = set()
        while root.partition_of is not None and root.partition_of in self.new.tables:
            root = self.new.tables[root.partition_of]
            inherited |= set(root.partition_not_null) | {c.name for c in root.columns if c.not_null}
        for name in sorted(set(had) ^ set(t.partition_not_null)):
            parent_col = root.column(name)
            if parent_col is None or name in inherited:
                continue  # the parent's column goes, or has NOT NULL itself: the partition follows it
            now = name in t.partition_not_null
            cref = column_ref(t.name, name)
            self.add("set_not_null", ref("column_not_null", *cref.path), replace(parent_col, not_null=not now),
                     replace(parent_col, not_null=now), args=(("table", t.name),),
                     requires=[table_ref(t.name), column_ref(root.name, name)])

    def _columns(self, old: Table, t: Table) -> None:
        for position, col in enumerate(t.columns):
            prev = old.column(col.name)
            cref = column_ref(t.name, col.name)
            deps = column_dependencies(t.name, col, self.new) | {table_ref(t.name)}
            if prev is None:
                self.add("add_column", cref, None, col, args=(("table", t.name), ("position", position)),
                         creates=[cref], requires=deps)
                continue
            if self._new_expression_only(prev, col):
                # PostgreSQL 17+: the column stays (and what depends on it); its rows are recomputed.
                self.add("set_generated_expression", ref("column_expression", *cref.path), prev, col,
                         args=(("table", t.name),), requires=deps | {cref},
                         old_requires=column_dependencies(t.name, prev, self.old) - deps)
                self._alter_column(t.name, replace(prev, generated=col.generated), col, deps)
                continue
            if (prev.generated is None) != (col.generated is None) or (
                    prev.generated is not None and (prev.generated != col.generated
                                                    or prev.generated_kind != col.generated_kind)):
                self.add("drop_column", cref, prev, None, args=(("table", t.name),), drops=[cref],
                         old_requires=column_dependencies(t.name, prev, self.old))
                self.add("add_column", cref, None, col, args=(("table", t.name),), creates=[cref], requires=deps)
                continue
            self._alter_column(t.name, prev, col, deps)
        for prev in old.columns:
            if t.column(prev.name) is None:
                cref = column_ref(t.name, prev.name)
                self.add("drop_column", cref, prev, None, args=(("table", t.name),), drops=[cref],
                         old_requires=column_dependencies(t.name, prev, self.old))

    def _new_expression_only(self, prev: Column, col: Column) -> bool:
        """A stored generated column whose expression alone changes, on a server that has
        ALTER COLUMN ... SET EXPRESSION (17+)."""
        version = self.old.server_version or 0
        return (version >= 170000 and prev.generated is not None and col.generated is not None
                and prev.generated != col.generated and prev.generated_kind == col.generated_kind == "stored")

    def _alter_column(self, table: QualifiedName, prev: Column, col: Column, deps: set[Any]) -> None:
        cref = column_ref(table, col.name)
        args = (("table", table),)
        old_deps = column_dependencies(table, prev, self.old)
        type_changes = prev.type != col.type or prev.collation != col.collation
        if type_changes:
            self._refuse_partition_key(table, col.name, f"type {prev.type} -> {col.type}")
            # The type change also drops and sets the default (see render/ddl.py).
            # It "drops and creates" the column for ordering: views over it go before, come back after.
            self.add("alter_column_type", cref, prev, col, args=args, requires=deps, drops=[cref], creates=[cref],
                     old_requires=old_deps | _default_uses(prev, self.old))
        takeover = self._identity_to_serial(table, prev, col)
        # An identity column takes no default: a default comes after DROP IDENTITY.
        identity_dropped = prev.identity is not None and col.identity is None
        if prev.default != col.default and col.identity is None and not type_changes:
            gone = {ref("column_identity_gone", *cref.path)} if identity_dropped else set()
            self.add("set_column_default", ref("column_default", *cref.path), prev, col, args=args,
                     requires=deps | {cref} | gone, old_requires=_default_uses(prev, self.old))
        if prev.identity != col.identity or prev.identity_options != col.identity_options:
            # An identity's sequence is named like a serial's (<table>_<column>_seq): dropping the
            # identity frees the name, adding one needs it free.  A serial's default goes first, on
            # its own, so that its sequence can be dropped before the identity takes the name.
            from ..model.naming import make_object_name
            seq = sequence_ref(QualifiedName(table.schema, make_object_name(table.name, col.name, "seq")))
            drops, creates = [], []
            serial = None
            if prev.identity and not col.identity:
                drops.append(seq)
            if col.identity and not prev.identity:
                creates.append(seq)
                used = sequences_used(prev.default.key) if prev.default is not None else set()
                serial = next((s for s in sorted(used) if self._serial_to_identity(s)), None)
                # Not in `drops`: what depends on the column (its key) does not depend on the sequence.
                if prev.default is not None:
                    self.add("set_column_default", ref("column_default", *cref.path), prev,
                             replace(col, default=None, identity=None), args=args, requires=[cref],
                             old_requires={sequence_ref(s) for s in sequences_used(prev.default.key)})
                    prev = replace(prev, default=None)
            if takeover is not None:
                # identity -> serial: the identity's sequence makes way for the serial's (same name),
                # which goes on from its counter before the identity (and its sequence) goes.
                self.add("alter_identity", ref("column_identity", *cref.path), prev, col,
                         args=args + (("counter_to", takeover),), requires=[cref], drops=[seq])
                self.add("identity_to_serial", ref("column_identity_drop", *cref.path), prev, col,
                         args=args + (("counter_to", takeover),), requires=[cref, sequence_ref(takeover)],
                         creates=[ref("column_identity_gone", *cref.path)])
            else:
                restart = self._restart((table, col.name), prev.identity_options, col.identity_options) \
                    if prev.identity and col.identity else ()
                if identity_dropped:
                    creates.append(ref("column_identity_gone", *cref.path))
                self.add("alter_identity", ref("column_identity", *cref.path), prev, col,
                         args=args + ((("serial_sequence", serial),) if serial is not None else ()) + restart,
                         requires=[cref], drops=drops, creates=creates)
        if (prev.storage, prev.compression, prev.statistics, prev.options) != (
                col.storage, col.compression, col.statistics, col.options):
            self.add("alter_column_settings", ref("column_settings", *cref.path), prev, col, args=args,
                     requires=[cref])
        named = ref("column_not_null_set", *cref.path)
        # DROP IDENTITY renders its own DROP NOT NULL (render/ddl.py alter_identity).
        dropped_with_identity = identity_dropped and takeover is None and not col.not_null
        if prev.not_null != col.not_null and not (col.identity and col.not_null) and not dropped_with_identity:
            self.add("set_not_null", ref("column_not_null", *cref.path), prev, col, args=args, requires=[cref],
                     creates=[named])
        self._not_null_name(table, prev, col, args, named)

    def _not_null_name(self, table: QualifiedName, prev: Column, col: Column, args: tuple[Any, ...],
                       named: ObjectRef) -> None:
        """PostgreSQL 18 names a NOT NULL: the files' name is given to it (after SET NOT NULL, which
        names it <table>_<column>_not_null).  A NOT NULL the files leave unnamed keeps whatever name
        it has; a server older than 18 keeps no name."""
        version = self.old.server_version
        if not col.not_null or col.identity or col.not_null_name is None or (version is not None and version < 180000):
            return
        from ..model.naming import make_object_name
        had = prev.not_null_name if prev.not_null and prev.not_null_name else make_object_name(
            table.name, col.name, "not_null")
        if had != col.not_null_name:
            self.add("rename_not_null", ref("column_not_null_name", *column_ref(table, col.name).path), prev, col,
                     args=args + (("from", had),), requires=[column_ref(table, col.name), named])

    def _constraints(self, old: Table, t: Table) -> None:
        old_by_name = {c.name: c for c in old.constraints}
        matched: set[str] = set()
        pending: list[Constraint] = []
        for con in t.constraints:
            prev = old_by_name.get(con.name)
            if prev is not None:
                matched.add(prev.name)
                if not self._same_definition(prev.definition, con.definition):
                    self._drop_constraint(old, prev)
                    self._add_constraint(t, con)
                    self._constraint_comments(t, None, con)
                else:
                    self._constraint_comments(t, prev, con)
                    if con.validated and not prev.validated:
                        self._validate_constraint(t, con)
            else:
                pending.append(con)
        for con in pending:
            self._add_constraint(t, con)
            self._constraint_comments(t, None, con)
        for prev in old.constraints:
            if prev.name not in matched:
                self._drop_constraint(old, prev)

    def _add_constraint(self, t: Table, con: Constraint) -> None:
        cref = constraint_ref(t.name, con.name)
        self.add("add_constraint", cref, None, con, args=(("table", t.name),), creates=[cref],
                 requires=constraint_dependencies(t.name, con, self.new))

    def _same_definition(self, old: Expr, new: Expr) -> bool:
        """Equal keys, or keys that differ only by an operator class the server takes by default."""
        if old == new:
            return True
        defaults = self.old.default_opclasses | self.new.default_opclasses
        if not defaults or "opclass" not in old.key + new.key:
            return False
        return without_default_opclasses(old.key, defaults) == without_default_opclasses(new.key, defaults)

    def _validate_constraint(self, t: Table, con: Constraint) -> None:
        """Valid in the files, NOT VALID in the database: rows may break it, so it differs.

        The reverse (NOT VALID in the files, valid in the database) is no difference: NOT VALID
        only says the rows were not checked yet, and a validated constraint is all it asks for.
        VALIDATE CONSTRAINT scans under SHARE UPDATE EXCLUSIVE (writes go on), and finishes an
        online apply stopped between its ADD ... NOT VALID and its VALIDATE."""
        cref = constraint_ref(t.name, con.name)
        self.add("validate_constraint", ref("constraint_validation", *cref.path), None, con,
                 args=(("table", t.name),), requires=[cref])

    def _drop_constraint(self, t: Table, con: Constraint) -> None:
        cref = constraint_ref(t.name, con.name)
        self.add("drop_constraint", cref, con, None, args=(("table", t.name),), drops=[cref],
                 old_requires=constraint_dependencies(t.name, con, self.old))

    def _comments(self, old: Table | None, t: Table) -> None:
        target = table_ref(t.name)
        self.comment(f"TABLE {t.name}", target, old.comment if old else None, t.comment)
        for col in t.columns:
            prev = old.column(col.name) if old else None
            self.comment(f"COLUMN {t.name}.{_q(col.name)}", column_ref(t.name, col.name),
                         prev.comment if prev else None, col.comment)
        if old is None:
            for con in t.constraints:
                self._constraint_comments(t, None, con)

    def _constraint_comments(self, t: Table, prev: Constraint | None, con: Constraint) -> None:
        cref = constraint_ref(t.name, con.name)
        self.comment(f"CONSTRAINT {_q(con.name)} ON {t.name}", cref, prev.comment if prev else None, con.comment)
        if con.kind in ("p", "u", "x"):
            index = QualifiedName(t.name.schema, con.name)
            old_text = prev.index_comment if prev else None
            if old_text != con.index_comment:
                self.add("set_comment", ref("comment", index.schema, index.name, "index"), old_text,
                         con.index_comment, args=(("on", f"INDEX {index}"),), requires=(cref,))

    # -- indexes ---------------------------------------------------------------------------
    def indexes(self) -> None:
        recreated = {c.target for c in self.changes if c.kind in ("drop_table", "drop_view")}

        def owner(i: Index, cat: Catalog) -> ObjectRef:
            return ref("view", i.table.schema, i.table.name) if i.table in cat.views else table_ref(i.table)
        for qn, idx in self.new.indexes.items():
            old = self.old.indexes.get(qn)
            target = index_ref(qn)
            if old is not None and (owner(old, self.old) in recreated or old.table != idx.table
                                    or not self._same_definition(old.definition, idx.definition)
                                    or qn in self.old.invalid_indexes):
                if owner(old, self.old) not in recreated:
                    self.add("drop_index", target, old, None, drops=[target],
                             old_requires=index_dependencies(old, self.old))
                old = None
            if old is None:
                self.add("create_index", target, None, idx, creates=[target],
                         requires=index_dependencies(idx, self.new))
            if (old.comment if old else None) != idx.comment:  # the label costs more than the check
                self.comment(f"INDEX {qn}", target, old.comment if old else None, idx.comment)
            if (old.statistics if old else ()) != idx.statistics:
                self.add("set_index_statistics", ref("index_statistics", qn.schema, qn.name), old, idx,
                         requires=[target])
        for qn, idx in self.old.indexes.items():
            if qn not in self.new.indexes and owner(idx, self.old) not in recreated:
                self.add("drop_index", index_ref(qn), idx, None, drops=[index_ref(qn)],
                         old_requires=index_dependencies(idx, self.old))


    # -- dependents that block a change ------------------------------------------------------
    def rebuild_blocked(self) -> None:
        """Objects that PostgreSQL will not let a change pass under: drop them first, create them after.

        Walks the server's dependency edges (graph.dependencies) from everything the plan drops
        or retypes.  What is reached and cannot stay (see _blocked) is replaced too, and the walk
        goes on from it: a view over a replaced view, a default or an index calling a function whose
        signature changes, a function returning a re-created table's rows.  What goes with a
        dropped owner (an index of a dropped table) is left to the server.  They come back exactly
        as declared, with their indexes, comments and (through diff_grants) privileges.
        """
        from ..graph import column_default_ref, dependents
        dropped: set[ObjectRef] = set()
        retyped: set[ObjectRef] = set()
        for c in self.changes:
            if c.kind in ("alter_column_type", "rebuild_enum"):
                retyped |= c.drops  # the columns change type: what reads them must go and come back
            else:
                dropped |= c.drops
        if not dropped and not retyped:
            return
        reverse = dependents(self.old)
        handled = set(dropped) | {c.target for c in self.changes
                                  if c.kind.startswith(("drop_", "create_")) or c.kind == "set_column_default"}
        # A retyped column's default is dropped and set again by the type change itself.
        handled |= {column_default_ref(QualifiedName(*r.path[:2]), r.path[2]) for r in retyped if r.kind == "column"}
        owners_gone = {r for r in dropped if r.kind in ("table", "view")}
        todo: list[ObjectRef] = []
        queue = [(r, r in dropped) for r in sorted(dropped | retyped)]
        while queue:
            r, gone = queue.pop(0)
            for dep in sorted(reverse.get(r, ())):
                if dep in handled or self._goes_with_owner(dep, owners_gone, dropped) or not self._blocked(
                        dep, gone or self._reads_retyped(dep, r)):
                    continue
                handled.add(dep)
                todo.append(dep)
                if dep.kind == "view":
                    owners_gone.add(dep)
                queue.append((dep, True))
        # A default the plan sets anyway is reached too: it is dropped first and set at the end.
        for c in list(self.changes):
            if c.kind == "set_column_default" and c.target not in todo and any(
                    r in dropped for r in c.old_requires if r.kind == "function"):
                todo.append(c.target)
        for dep in todo:
            self._rebuild(dep)

    def _blocked(self, r: ObjectRef, gone: bool) -> bool:
        """Must `r` be replaced when something it uses is dropped (`gone`) or changes type?"""
        if r.kind in ("view", "policy", "function"):
            return True  # the server refuses to retype a column they read, or to drop what they use
        if r.kind == "column":
            t = self.old.tables.get(QualifiedName(*r.path[:2]))
            col = t.column(r.path[2]) if t is not None else None
            return col is not None and col.generated is not None
        return gone and r.kind in ("trigger", "constraint", "index", "column_default")

    def _reads_retyped(self, r: ObjectRef, used: ObjectRef) -> bool:
        """Must `r` be re-created when the column `used` changes type, although the server keeps it?

        The server carries a CHECK, a foreign key and an index over a type change by printing
        them and parsing them again: a CHECK keeps the old type's casts (`(amount)::numeric >
        (0)::numeric`, unlike a new `amount > 0`), an index predicate or a CHECK comparing a
        rebuilt enum's column with a label fails against the renamed old type, and a foreign key
        whose two sides change to a type the old one has no cast to fails on whichever goes
        first.  Dropped before the change and added after, they are what the files make; an
        index on the plain column is rebuilt by the server as it is."""
        if used.kind != "column":
            return False
        if r.kind == "constraint":
            t = self.old.tables.get(QualifiedName(*r.path[:2]))
            con = next((c for c in t.constraints if c.name == r.path[2]), None) if t is not None else None
            if t is not None and con is not None and con.kind == "f":
                return not self._foreign_key_survives(t.name, con)
            return con is not None and con.kind == "c"
        if r.kind == "index":
            from ..graph import _columns_named
            idx = self.old.indexes.get(QualifiedName(*r.path))
            return idx is not None and tuple(used.path[:2]) == (idx.table.schema, idx.table.name) \
                and used.path[2] in _columns_named(idx.definition.key)
        return False

    def _foreign_key_survives(self, table: QualifiedName, con: Constraint) -> bool:
        """Does the server carry foreign key `con` over the type changes of its columns?

        ALTER COLUMN TYPE on either side re-adds the key itself, and succeeds when the two
        types still compare through the referenced key's btree operator family or an implicit
        cast from the referencing type (int -> bigint): whichever side the plan retypes
        first, each pair of old or new types the two sides can hold must do."""
        pairs = zip(con.columns, con.ref_columns)
        for fk_col, pk_col in pairs:
            fk_types = self._column_types(table, fk_col)
            pk_types = self._column_types(con.ref_table, pk_col)
            if fk_types is None or pk_types is None:
                return False
            if not all(_comparable_for_key(f, p) for f in fk_types for p in pk_types):
                return False
        return True

    def _column_types(self, table: QualifiedName | None, name: str) -> set[str] | None:
        """The column's type before and after the plan (None when either side lacks it)."""
        out = set()
        for catalog in (self.old, self.new):
            t = catalog.tables.get(table) if table is not None else None
            col = t.column(name) if t is not None else None
            if col is None:
                return None
            out.add(without_typmod(col.type))
        return out

    def _goes_with_owner(self, r: ObjectRef, owners_gone: set[ObjectRef], dropped: set[ObjectRef]) -> bool:
        """Does `r` belong to a table or view the plan drops (its index, key, trigger, policy)?"""
        owner: tuple[str, ...] | None
        if r.kind == "index":
            idx = self.old.indexes.get(QualifiedName(*r.path))
            owner = (idx.table.schema, idx.table.name) if idx is not None else None
        elif r.kind in ("constraint", "trigger", "policy", "column", "column_default"):
            owner = r.path[:2]
        else:
            return False
        if owner is None:
            return False
        if r.kind == "column_default" and ref("column", *r.path) in dropped:
            return True  # the default goes with its column (re-added with it, if it comes back)
        return ref("table", *owner) in owners_gone or ref("view", *owner) in owners_gone

    def _supersede(self, target: ObjectRef, kinds: tuple[str, ...]) -> None:
        """Take out the plan's own change of `target`: a rebuild drops and re-creates it instead."""
        self.changes = [c for c in self.changes if not (c.target == target and c.kind in kinds)]

    def _rebuild(self, r: ObjectRef) -> None:
        from ..graph import function_dependencies, policy_dependencies, trigger_dependencies
        if r.kind == "view":
            qn = QualifiedName(*r.path)
            old, new = self.old.views[qn], self.new.views.get(qn)
            self._supersede(r, ("set_view_options",))
            self._supersede_view_indexes(qn)
            self.add("drop_view", r, old, None, drops=[r], old_requires=old.depends_on)
            if new is not None:
                self.add("create_view", r, None, new, creates=[r], requires=new.depends_on | {schema_ref(qn.schema)})
                kind = "MATERIALIZED VIEW" if new.materialized else "VIEW"
                self.comment(f"{kind} {qn}", r, None, new.comment)
                for col, text in new.column_comments:
                    self.comment(f"COLUMN {qn}.{_q(col)}", ref("column", *r.path, col), None, text, requires=[r])
                for idx in self.new.indexes_of(qn):
                    self.add("create_index", index_ref(idx.name), None, idx, creates=[index_ref(idx.name)],
                             requires=index_dependencies(idx, self.new))
                    self.comment(f"INDEX {idx.name}", index_ref(idx.name), None, idx.comment)
                for (table, name), trig in self.new.triggers.items():
                    if table == qn:
                        self._create_trigger(ref("trigger", qn.schema, qn.name, name), trig)
        elif r.kind == "constraint":
            qn = QualifiedName(r.path[0], r.path[1])
            t_old = self.old.tables[qn]
            con = next(c for c in t_old.constraints if c.name == r.path[2])
            self._drop_constraint(t_old, con)
            t_new = self.new.tables.get(qn)
            new_con = next((c for c in t_new.constraints if c.name == con.name), None) if t_new else None
            if t_new is not None and new_con is not None:
                self._add_constraint(t_new, new_con)
                self._constraint_comments(t_new, None, new_con)
        elif r.kind == "index":
            qn = QualifiedName(*r.path)
            ix_old = self.old.indexes[qn]
            self.add("drop_index", r, ix_old, None, drops=[r], old_requires=index_dependencies(ix_old, self.old))
            ix_new = self.new.indexes.get(qn)
            if ix_new is not None:
                self.add("create_index", r, None, ix_new, creates=[r], requires=index_dependencies(ix_new, self.new))
                self.comment(f"INDEX {qn}", r, None, ix_new.comment)
        elif r.kind == "trigger":
            key = (QualifiedName(r.path[0], r.path[1]), r.path[2])
            trig_old = self.old.triggers[key]
            self._supersede(ref("trigger_state", *r.path), ("set_trigger_state",))
            self.add("drop_trigger", r, trig_old, None, drops=[r],
                     old_requires=trigger_dependencies(trig_old, self.old))
            trig_new = self.new.triggers.get(key)
            if trig_new is not None:
                self._create_trigger(r, trig_new)
        elif r.kind == "policy":
            key = (QualifiedName(r.path[0], r.path[1]), r.path[2])
            pol_old, pol_new = self.old.policies[key], self.new.policies.get(key)
            self._supersede(r, ("alter_policy",))
            self.add("drop_policy", r, pol_old, None, drops=[r], old_requires=policy_dependencies(pol_old, self.old))
            if pol_new is not None:
                self.add("create_policy", r, None, pol_new, creates=[r],
                         requires=policy_dependencies(pol_new, self.new))
                self.comment(f"POLICY {_q(pol_new.name)} ON {pol_new.table}", r, None, pol_new.comment)
        elif r.kind == "function":
            fn = next(f for f in self.old.functions if function_ref(f) == r)
            fn_old, fn_new = self.old.functions[fn], self.new.functions.get(fn)
            self._supersede(r, ("replace_function",))
            self.add("drop_function", r, fn_old, None, drops=[r], old_requires=function_dependencies(fn_old, self.old))
            if fn_new is not None:
                self.add("create_function", r, None, fn_new, creates=[r],
                         requires=function_dependencies(fn_new, self.new))
                self.comment(f"{fn_new.kind.upper()} {fn}", r, None, fn_new.comment)
        elif r.kind == "column_default":
            self._rebuild_default(QualifiedName(*r.path[:2]), r.path[2])
        elif r.kind == "column":
            self._rebuild_generated(QualifiedName(*r.path[:2]), r.path[2])

    def _supersede_view_indexes(self, qn: QualifiedName) -> None:
        """A rebuilt (materialized) view's indexes go with it and come back with it: the plan's own
        drop, creation and comment of each (a new or changed index) would make it twice."""
        new_on_view = {i.name for i in self.new.indexes_of(qn)}
        for name in new_on_view | {i.name for i in self.old.indexes_of(qn)
                                   if i.name in new_on_view or i.name not in self.new.indexes}:
            self._supersede(index_ref(name), ("create_index", "drop_index"))
            self._supersede(ref("comment", name.schema, name.name, "index"), ("set_comment",))

    def _create_trigger(self, r: ObjectRef, trig: Trigger) -> None:
        from ..graph import trigger_dependencies
        self.add("create_trigger", r, None, trig, creates=[r], requires=trigger_dependencies(trig, self.new))
        if trig.enabled != "O":
            self.add("set_trigger_state", ref("trigger_state", *r.path), None, trig, requires=[r])
        self.comment(f"TRIGGER {_q(trig.name)} ON {trig.table}", r, None, trig.comment)

    def _rebuild_default(self, table: QualifiedName, column: str) -> None:
        """DROP DEFAULT before what the old default calls goes, SET DEFAULT after what the new one
        calls exists: the column, its key and its table stay as they are."""
        from ..graph import column_default_ref
        target = column_default_ref(table, column)
        self._supersede(target, ("set_column_default",))
        prev = self.old.tables[table].column(column)
        assert prev is not None  # a dependent found in the old catalog's graph: its column is there
        t_new = self.new.tables.get(table)
        col = t_new.column(column) if t_new is not None else None
        cref = column_ref(table, column)
        self.add("set_column_default", target, prev, replace(prev, default=None), args=(("table", table),),
                 drops=[target], old_requires=_default_uses(prev, self.old))
        if col is not None and col.default is not None:
            self.add("set_column_default", target, replace(col, default=None), col, args=(("table", table),),
                     creates=[target], requires=_default_uses(col, self.new) | {cref})

    def _rebuild_generated(self, table: QualifiedName, column: str) -> None:
        """A generated column holds nothing of its own: it is dropped and added again, computed anew."""
        prev = self.old.tables[table].column(column)
        assert prev is not None  # a dependent found in the old catalog's graph: its column is there
        t_new = self.new.tables.get(table)
        col = t_new.column(column) if t_new is not None else None
        cref = column_ref(table, column)
        for kind, target in (("alter_column_type", cref), ("set_not_null", ref("column_not_null", *cref.path)),
                             ("alter_column_settings", ref("column_settings", *cref.path))):
            self._supersede(target, (kind,))
        self.add("drop_column", cref, prev, None, args=(("table", table), ("recomputed", True)), drops=[cref],
                 old_requires=column_dependencies(table, prev, self.old))
        if col is not None:
            self.add("add_column", cref, None, col, args=(("table", table),), creates=[cref],
                     requires=column_dependencies(table, col, self.new) | {table_ref(table)})
            self.comment(f"COLUMN {table}.{_q(col.name)}", cref, None, col.comment)


def _version_order(installed: str, wanted: str) -> int:
    """1 when `installed` is newer than `wanted`, -1 when older, 0 when the spellings do not tell
    (1.10 > 1.9; "1.0beta" is left to the server, which names a missing update path itself)."""
    def parts(v: str) -> tuple[int, ...] | None:
        return tuple(int(p) for p in v.split(".")) if all(p.isdigit() for p in v.split(".")) else None
    a, b = parts(installed), parts(wanted)
    if a is None or b is None or a == b:
        return 0
    return 1 if a > b else -1


def _renames_not_null(old: Table, t: Table) -> bool:
    """The files name a NOT NULL the database names otherwise (Column.not_null_name is not
    compared: an unnamed one matches any name, and a default name is kept as None)."""
    named = {c.name: c.not_null_name for c in t.columns if c.not_null_name is not None}
    return bool(named) and any(named.get(c.name, c.not_null_name) != c.not_null_name for c in old.columns)


def _default_uses(col: Column, catalog: Catalog) -> set[ObjectRef]:
    """The functions and sequences a column's default calls."""
    from ..graph import functions_used
    if col.default is None:
        return set()
    return functions_used(col.default.key, catalog) | {sequence_ref(s) for s in sequences_used(col.default.key)}


def _to_validate(old: Table, new: Table) -> bool:
    """Does the live table hold NOT VALID a constraint the files have valid? (Validity takes no
    part in equality: see _validate_constraint.)"""
    if all(c.validated for c in old.constraints):
        return False
    valid = {c.name for c in new.constraints if c.validated}
    return any(not c.validated and c.name in valid for c in old.constraints)


def _q(name: str) -> str:
    from ..model import quote_ident
    return quote_ident(name)


def _is_subsequence(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    it = iter(long)
    return all(any(x == y for y in it) for x in short)


@gc_paused
def diff_catalogs(old: Catalog, new: Catalog) -> list[Change]:
    """Every change that turns `old` (the live database) into `new` (the files)."""
    from .renames import plan_renames, suggest_renames
    renames, old = plan_renames(old, new)
    old, new = with_moved_partitions(old, new)
    d = _Differ(old, new)
    d.schemas()
    d.extensions()
    d.enums()
    d.sequences()
    diff_types(d)
    diff_functions(d)
    d.tables()
    diff_views(d)
    d.indexes()
    diff_attachments(d)
    diff_triggers(d)
    diff_policies(d)
    from .carried import diff_carried
    diff_carried(d)
    d.rebuild_blocked()
    drop_with_tables(d)
    after_detach(d)
    diff_grants(d)
    diff_owners(d)
    from .names import claim_relation_names
    return claim_relation_names(renames + suggest_renames(d.changes))


# Types whose btree operator family compares them with each other (integer_ops, float_ops,
# text_ops, which varchar columns use, datetime_ops): a foreign key between two of one group is
# valid.  This table and the next were checked against PostgreSQL 18 creating a key for every pair.
_KEY_FAMILIES = (frozenset({"smallint", "integer", "bigint"}), frozenset({"real", "double precision"}),
                 frozenset({"text", "character varying"}),
                 frozenset({"date", "timestamp without time zone", "timestamp with time zone"}))
# Implicit casts from a referencing column's type to a referenced key's, which a foreign key
# also accepts (PostgreSQL compares through the key's own equality then).
_IMPLICIT_TO = {"smallint": {"numeric", "real", "double precision"}, "integer": {"numeric", "real", "double precision"},
                "bigint": {"numeric", "real", "double precision"}, "numeric": {"real", "double precision"},
                "real": {"double precision"}, "character": {"text", "character varying"},
                "text": {"character"}, "character varying": {"character"}}


def _comparable_for_key(fk_type: str, pk_type: str) -> bool:
    if fk_type == pk_type:
        return True
    if any(fk_type in f and pk_type in f for f in _KEY_FAMILIES):
        return True
    return pk_type in _IMPLICIT_TO.get(fk_type, ())
