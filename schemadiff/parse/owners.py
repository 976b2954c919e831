"""ALTER ... OWNER TO -> Owner values, one per object the files give an owner.

Why a module of its own: ownership arrives through two statement kinds
(AlterTableStmt for relations, AlterOwnerStmt for the rest) and resolves
names against every kind of object; pg_dump writes one for every object it
dumps, so a dump used as the schema files must read without complaint.
"""
from __future__ import annotations

from ..errors import ParseError
from ..graph import function_ref, schema_ref, sequence_ref, table_ref, type_ref, view_ref
from ..model import Owner, QualifiedName, quote_ident
from .builder import Builder, Context, Unsupported
from .nodes import strings, unwrap
from .privileges import declared_function
from .programs import _role_name


def relation_owner(b: Builder, node: dict, role_spec: dict, ctx: Context) -> None:
    """ALTER TABLE / VIEW / MATERIALIZED VIEW / SEQUENCE ... OWNER TO (ALTER TABLE takes any of them)."""
    relation = node["relation"]
    pools = {**b.sequences, **b.views, **b.tables}
    qn = b.qualify(relation, ctx, pools)
    if qn in b.tables:
        owner = Owner(table_ref(qn), "TABLE", str(qn), _role(role_spec))
    elif qn in b.views:
        keyword = "MATERIALIZED VIEW" if b.views[qn]["materialized"] else "VIEW"
        owner = Owner(view_ref(qn), keyword, str(qn), _role(role_spec))
    elif qn in b.sequences:
        owner = Owner(sequence_ref(qn), "SEQUENCE", str(qn), _role(role_spec))
    else:
        raise ParseError([(ctx.location, f"OWNER TO on {qn.display}, which is declared nowhere")])
    _record(b, owner)


def owner_statement(b: Builder, node: dict, ctx: Context) -> None:
    """ALTER FUNCTION / PROCEDURE / ROUTINE / SCHEMA / TYPE / DOMAIN ... OWNER TO."""
    kind = node.get("objectType")
    role = _role(node["newowner"])
    obj = node.get("object")
    if kind in ("OBJECT_FUNCTION", "OBJECT_PROCEDURE", "OBJECT_ROUTINE", "OBJECT_AGGREGATE"):
        fn = declared_function(b, unwrap(obj)[1], ctx, "OWNER TO on")
        keyword = "AGGREGATE" if b.functions[fn].get("aggregate") else "ROUTINE"  # as pg_dump writes it
        _record(b, Owner(function_ref(fn), keyword, str(fn), role))
    elif kind == "OBJECT_SCHEMA":
        name = unwrap(obj)[1].get("sval", "")
        if name not in b.schemas and name != "public":
            raise ParseError([(ctx.location, f"OWNER TO on schema {name}, which is declared nowhere")])
        _record(b, Owner(schema_ref(name), "SCHEMA", quote_ident(name), role))
    elif kind in ("OBJECT_TYPE", "OBJECT_DOMAIN"):
        names = strings(unwrap(obj)[1].get("items", ()))
        qn = QualifiedName(names[-2], names[-1]) if len(names) > 1 else _type_in_path(b, names[-1], ctx)
        if qn in b.domains:
            keyword = "DOMAIN"
        elif qn in b.enums or qn in b.composites or qn in b.ranges:
            keyword = "TYPE"
        else:
            raise ParseError([(ctx.location, f"OWNER TO on type {qn.display}, which is declared nowhere")])
        _record(b, Owner(type_ref(qn), keyword, str(qn), role))
    else:
        from .carried import owner as carried_owner
        if not carried_owner(b, node, role, ctx):
            raise Unsupported(f"ALTER {str(kind).removeprefix('OBJECT_').replace('_', ' ')} ... OWNER TO")


def _type_in_path(b: Builder, name: str, ctx: Context) -> QualifiedName:
    for schema in ctx.search_path:
        qn = QualifiedName(schema, name)
        if qn in b.domains or qn in b.enums or qn in b.composites or qn in b.ranges:
            return qn
    return QualifiedName(ctx.schema, name)


def _role(spec: dict) -> str:
    """OWNER TO carries a bare RoleSpec, GRANT a wrapped one."""
    return _role_name(spec if "RoleSpec" in spec else {"RoleSpec": spec})


def _record(b: Builder, owner: Owner) -> None:
    b.owners[owner.target] = owner  # the last statement wins, as on the server


def schema_authorization(b: Builder, role_spec: dict, name: str | None = None) -> str:
    """CREATE SCHEMA [name] AUTHORIZATION role: the role owns the schema (named after it when
    no name is given); returns the schema's name."""
    role = _role(role_spec)
    name = name or role
    _record(b, Owner(schema_ref(name), "SCHEMA", quote_ident(name), role))
    return name
