"""Make the introspector's statements read like hand-written ones.

- Primary key, unique, check, exclusion and foreign key constraints move into
  the CREATE TABLE of a plain table, and of a partitioned one when they reach
  every partition (not for partitions and inheritance trees, where ALTER TABLE
  [ONLY] decides what children get, and not NOT VALID ones, which CREATE TABLE
  cannot express).
- `integer DEFAULT nextval('t_id_seq')` with its sequence is written `serial`
  when that is exactly what serial makes.
- Sequence and identity options equal to the defaults are left out.
- A constant's cast to the column's own type is left out of a column default
  ('x'::character varying on a varchar column).
- Every statement is printed by pglast's prettifier, casts as x::type; the
  printed text is parsed again and must give the same tree, else the next
  printer is tried (pglast's own, then one line), and failing all of them the
  statement is kept as the introspector wrote it.
"""
from __future__ import annotations

from typing import Any

import pglast
from pglast import ast
from pglast.enums import AlterTableType, ConstrType
from pglast.stream import IndentedStream, RawStream

from .statements import Item, _qn

_PRETTY: dict[str, Any] = {"comma_at_eoln": True, "compact_lists_margin": 80, "split_string_literals_threshold": 0}

_FOLDABLE = {ConstrType.CONSTR_PRIMARY, ConstrType.CONSTR_UNIQUE, ConstrType.CONSTR_CHECK,
             ConstrType.CONSTR_EXCLUSION, ConstrType.CONSTR_FOREIGN}


def fold_constraints(group: list[Item], inheritance_parents: set) -> list[Item]:
    """Items of one table's group with its constraints moved into the CREATE TABLE."""
    creates = {it.subject: it for it in group if isinstance(it.node, ast.CreateStmt)}
    # A partitioned table's keys may have adopted a partition's own index or key: those
    # are stated on the partition before the parent's ALTER TABLE, which then stays.
    adopting = any(isinstance(it.node, (ast.IndexStmt, ast.AlterTableStmt)) and it.subject != it.owner
                   for it in group)
    kept = []
    for it in group:
        n = it.node
        target = creates.get(it.subject)
        if (target is not None and isinstance(n, ast.AlterTableStmt) and _foldable(target.node, n, adopting)
                and it.subject not in inheritance_parents and n.cmds and len(n.cmds) == 1
                and n.cmds[0].subtype == AlterTableType.AT_AddConstraint
                and n.cmds[0].def_.contype in _FOLDABLE and not n.cmds[0].def_.skip_validation):
            target.node.tableElts = (*(target.node.tableElts or ()), n.cmds[0].def_)
            target.text = ""  # no longer the introspector's statement
            continue
        kept.append(it)
    for it in creates.values():  # columns, then keys, checks and foreign keys (stable within a kind)
        elts = it.node.tableElts or ()
        it.node.tableElts = tuple(sorted(elts, key=_element_rank)) or it.node.tableElts
    return fold_serials(kept)


_CONSTRAINT_RANK: dict[ConstrType | None, int] = {
    ConstrType.CONSTR_PRIMARY: 1, ConstrType.CONSTR_UNIQUE: 2, ConstrType.CONSTR_EXCLUSION: 3,
    ConstrType.CONSTR_CHECK: 4, ConstrType.CONSTR_FOREIGN: 5}


def _element_rank(elt) -> int:
    return _CONSTRAINT_RANK.get(elt.contype, 6) if isinstance(elt, ast.Constraint) else 0


# -- serial columns -----------------------------------------------------------------------
_SERIALS = {"int2": "smallserial", "int4": "serial", "int8": "bigserial"}


def fold_serials(group: list[Item]) -> list[Item]:
    """integer DEFAULT nextval('t_c_seq') + CREATE SEQUENCE + OWNED BY -> serial, when that is exact.

    Exact means: the sequence has the name `serial` would give it, every option is
    the default for the column's type, it is unlogged exactly when its table is, and no other
    statement names the sequence.
    """
    from ..introspect.ddl_text import make_object_name
    sequences = {_qn(it.node.sequence): it for it in group if isinstance(it.node, ast.CreateSeqStmt)}
    owned = {}
    for it in group:
        if isinstance(it.node, ast.AlterSeqStmt):
            opts = {o.defname: o for o in it.node.options or ()}
            if set(opts) == {"owned_by"} and len(opts["owned_by"].arg) == 3:
                schema, table, column = (x.sval for x in opts["owned_by"].arg)
                owned[_qn(it.node.sequence)] = (schema, table, column, it)
    mentioned = {it.subject for it in group if not isinstance(it.node, (ast.CreateSeqStmt, ast.AlterSeqStmt))}
    drop: set[int] = set()
    for it in group:
        n = it.node
        if not isinstance(n, ast.CreateStmt) or n.partbound is not None:
            continue
        assert n.relation is not None  # CREATE TABLE names its table
        for col in n.tableElts or ():
            if not isinstance(col, ast.ColumnDef):
                continue
            seq = _nextval_sequence(col)
            if seq is None or seq not in sequences or seq not in owned or seq in mentioned:
                continue
            if not any(c.contype == ConstrType.CONSTR_NOTNULL for c in col.constraints or ()):
                continue  # serial is NOT NULL
            schema, table, column, owner_item = owned[seq]
            table_qn = _qn(n.relation)
            type_key = _type_key(col.typeName)
            seq_opts = strip_sequence_defaults(sequences[seq].node.options, type_key)
            as_type = [o for o in seq_opts if o.defname == "as"]
            if ((schema, table, column) != (table_qn.schema, table_qn.name, col.colname)
                    or seq.schema != table_qn.schema or seq.name != make_object_name(table_qn.name, col.colname, "seq")
                    or type_key not in _SERIALS or len(seq_opts) != len(as_type)
                    or (as_type and _type_key(as_type[0].arg) != type_key)
                    or (not as_type and type_key != "int8")
                    # serial makes the sequence unlogged with its table (15+); a logged one stays spelled out
                    or (sequences[seq].node.sequence.relpersistence == "u") != (n.relation.relpersistence == "u")):
                continue
            serial = pglast.parse_sql(f"CREATE TABLE x (c {_SERIALS[type_key]})")[0].stmt
            assert isinstance(serial, ast.CreateStmt) and serial.tableElts  # what that text parses to
            col.typeName = serial.tableElts[0].typeName
            col.constraints = tuple(c for c in col.constraints or ()
                                    if c.contype not in (ConstrType.CONSTR_DEFAULT, ConstrType.CONSTR_NOTNULL)) or None
            it.text = ""
            drop |= {sequences[seq].order, owner_item.order}
    return [it for it in group if it.order not in drop]


def _nextval_sequence(col: ast.ColumnDef):
    from ..model import QualifiedName
    for con in col.constraints or ():
        if con.contype != ConstrType.CONSTR_DEFAULT:
            continue
        e = con.raw_expr
        if not (isinstance(e, ast.FuncCall) and [x.sval for x in e.funcname or ()][-1] == "nextval" and e.args
                and len(e.args) == 1 and isinstance(e.args[0], ast.TypeCast)
                and isinstance(e.args[0].arg, ast.A_Const) and isinstance(e.args[0].arg.val, ast.String)):
            return None
        parts = _split_identifier(e.args[0].arg.val.sval or "")
        if parts is None:
            return None
        return QualifiedName(parts[0] if len(parts) == 2 else "public", parts[-1])
    return None


def _split_identifier(text: str) -> list[str] | None:
    """'s."T_seq"' -> ['s', 'T_seq'] (as regclass input reads it)."""
    try:
        stmt = pglast.parse_sql(f"SELECT * FROM {text}")[0].stmt
        assert isinstance(stmt, ast.SelectStmt) and stmt.fromClause  # what that text parses to
        rv = stmt.fromClause[0]
    except Exception:  # noqa: BLE001
        return None
    if not isinstance(rv, ast.RangeVar) or rv.catalogname or rv.relname is None:
        return None
    return [rv.schemaname, rv.relname] if rv.schemaname is not None else [rv.relname]


def _foldable(create: ast.CreateStmt, alter: ast.AlterTableStmt, adopting: bool) -> bool:
    """Plain tables always; partitioned ones when the ALTER reaches the partitions (no ONLY), as
    CREATE TABLE's constraints do, and no partition has a key or index of its own."""
    if create.partbound is not None or create.inhRelations:
        return False
    if create.partspec is not None:
        assert alter.relation is not None  # ALTER TABLE names its table
        return bool(alter.relation.inh) and not adopting
    return True


# -- defaults ---------------------------------------------------------------------------
_INT_RANGES = {"int2": (-32768, 32767), "int4": (-2147483648, 2147483647),
               "int8": (-9223372036854775808, 9223372036854775807)}
_TYPE_ALIASES = {"smallint": "int2", "integer": "int4", "int": "int4", "bigint": "int8"}


def _int(node) -> int | None:
    value = getattr(node, "ival", None)
    if value is None and hasattr(node, "fval"):
        try:
            return int(node.fval)
        except (TypeError, ValueError):
            return None
    return value if value is not None else (0 if isinstance(node, ast.Integer) else None)


def _type_key(type_name) -> str | None:
    if type_name is None:
        return "int8"
    names = [n.sval for n in type_name.names]
    name = names[-1]
    return _TYPE_ALIASES.get(name, name) if name in _INT_RANGES or name in _TYPE_ALIASES else None


def strip_sequence_defaults(options, type_key: str | None) -> tuple:
    """Sequence options minus those equal to what PostgreSQL would choose anyway."""
    opts = {o.defname: o for o in options or ()}
    if "as" in opts:
        type_key = _type_key(opts["as"].arg)
    if type_key not in _INT_RANGES:
        return tuple(options or ())
    lo, hi = _INT_RANGES[type_key]
    inc = _int(opts["increment"].arg) if "increment" in opts else 1
    if inc is None:
        return tuple(options or ())
    default_min, default_max = (1, hi) if inc > 0 else (lo, -1)
    minv = _int(opts["minvalue"].arg) if "minvalue" in opts and opts["minvalue"].arg is not None else default_min
    maxv = _int(opts["maxvalue"].arg) if "maxvalue" in opts and opts["maxvalue"].arg is not None else default_max
    defaults = {
        "as": lambda o: _type_key(o.arg) == "int8",
        "increment": lambda o: inc == 1,
        "minvalue": lambda o: o.arg is None or minv == default_min,
        "maxvalue": lambda o: o.arg is None or maxv == default_max,
        "start": lambda o: _int(o.arg) == (minv if inc > 0 else maxv),
        "cache": lambda o: _int(o.arg) == 1,
        "cycle": lambda o: not getattr(o.arg, "boolval", True),
    }
    return tuple(o for o in options if not (o.defname in defaults and defaults[o.defname](o)))


def simplify(it: Item) -> None:
    """Drop default sequence options and redundant default casts, in place."""
    n = it.node
    if isinstance(n, ast.CreateSeqStmt) and n.options:
        n.options = strip_sequence_defaults(n.options, "int8") or None
    elif isinstance(n, ast.CreateStmt):
        for elt in n.tableElts or ():
            if isinstance(elt, ast.ColumnDef):
                _simplify_column(elt)


def _simplify_column(col: ast.ColumnDef) -> None:
    for con in col.constraints or ():
        if con.contype == ConstrType.CONSTR_IDENTITY and con.options:
            con.options = strip_sequence_defaults(con.options, _type_key(col.typeName)) or None
        elif con.contype == ConstrType.CONSTR_DEFAULT and isinstance(con.raw_expr, ast.TypeCast):
            cast = con.raw_expr
            if (isinstance(cast.arg, ast.A_Const) and col.typeName is not None and cast.typeName is not None
                    and [x.sval for x in cast.typeName.names or ()] == [x.sval for x in col.typeName.names or ()]
                    and cast.typeName.arrayBounds == col.typeName.arrayBounds):
                con.raw_expr = cast.arg


# -- printing ---------------------------------------------------------------------------
_BARE_CAST_ARGS = (ast.A_Const, ast.ColumnRef, ast.FuncCall, ast.TypeCast, ast.ParamRef, ast.A_ArrayExpr)


class _CastMixin(RawStream):
    """Print casts the way people and pg_dump write them, x::type, instead of CAST(x AS type)."""

    def print_node(self, node, is_name=False, is_symbol=False):
        if not isinstance(node, ast.TypeCast) or is_name:
            return super().print_node(node, is_name, is_symbol)
        bare = isinstance(node.arg, _BARE_CAST_ARGS)
        if not bare:
            self.write("(")
        super().print_node(node.arg)
        self.pending_separator = False
        if not bare:
            self.write(")")
        self.write("::")
        self.pending_separator = False
        super().print_node(node.typeName)
        return None


class _CastRawStream(_CastMixin, RawStream):
    pass


class _CastStream(_CastMixin, IndentedStream):
    def _concat_nodes(self, nodes, sep=" ", are_names=False, item_needs_parens=None):
        # IndentedStream measures compact lists on a RawStream of its own: make it one of ours.
        raw = _CastRawStream(special_functions=self.special_functions,
                             remove_pg_catalog_from_functions=self.remove_pg_catalog_from_functions)
        raw.print_list(nodes, sep, are_names=are_names, standalone_items=False,
                       item_needs_parens=item_needs_parens)
        return raw.getvalue()


def render(it: Item) -> str:
    """The statement as readable SQL, ending with ';'."""
    pretty = dict(_PRETTY)
    if isinstance(it.node, ast.CreateStmt):
        pretty["compact_lists_margin"] = None  # one column per line
    for stream in (_CastStream(**pretty), IndentedStream(**pretty), RawStream()):
        try:
            text = stream(it.node)
            again = pglast.parse_sql(text)
        except Exception:  # noqa: BLE001 - pglast raises assorted errors on what it cannot print
            continue
        if len(again) == 1 and again[0].stmt == it.node:
            return text.strip() + ";"
    if it.text:
        return it.text + ";"
    return RawStream()(it.node) + ";"  # a folded CREATE TABLE always prints

