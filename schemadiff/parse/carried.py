"""Kinds schemadiff carries without modelling their parts: operators, casts, collations, extended
statistics, rules, event triggers (model/objects.py `Carried`).

Each is kept as its CREATE statement. Its identity is the name DROP, COMMENT ON and ALTER ...
OWNER TO give it; its key is the parsed statement with positions dropped and public/pg_catalog
qualifications left out (the live side prints names with search_path = public), plus a few
per-kind spellings made one (an operator's PROCEDURE = is FUNCTION =; a collation's default
provider, lc_collate = lc_ctype as locale). The live side writes the same statements
(introspect/carried.py, in pg_dump's form), so a file written by pg_dump and the database it was
loaded into compare equal; a changed definition is dropped and created again.
"""
from __future__ import annotations

import orjson

from ..errors import ParseError
from ..graph import function_ref, table_ref, type_ref, view_ref
from ..model import Carried, Expr, Owner, QualifiedName, quote_ident, ref
from ..model.exprs import to_sql
from ..model.objects import CARRIED_ON_TABLES
from ..model.types import format_type, type_schema
from .builder import Builder, Context, Unsupported, handles
from .nodes import const_value, def_names, strings, unwrap

TYPES, PROGRAMS, ALTERS = 1, 3, 4

ON_TABLES = CARRIED_ON_TABLES  # kinds created after tables (model/objects.py)


def carried_ref(kind: str, name: str):
    return ref("carried", kind, name)


def _qualified(names: list[str], ctx: Context) -> QualifiedName:
    return QualifiedName(names[-2], names[-1]) if len(names) > 1 else QualifiedName(ctx.schema, names[-1])


def _declare(b: Builder, kind: str, name: str, node: dict, ctx: Context, uses=(),
             replace: bool = False) -> None:
    key = (kind, name)
    if key in b.carried and not replace:
        raise ParseError([(ctx.location, f"{kind.lower()} {name} is declared twice")])
    b.carried[key] = {"node": node, "origin": ctx.location, "comment": None,
                      "uses": list(uses)}


# -- CREATE ---------------------------------------------------------------------------------------
def define_other(b: Builder, node: dict, ctx: Context) -> None:
    """DefineStmt other than CREATE AGGREGATE (aggregates.py): operators and collations."""
    kind = node.get("kind")
    qn = _qualified(strings(node["defnames"]), ctx)
    if kind == "OBJECT_OPERATOR":
        opts = {unwrap(d)[1]["defname"].lower(): unwrap(d)[1].get("arg") for d in node.get("definition", ())}
        left = format_type(unwrap(opts["leftarg"])[1]) if opts.get("leftarg") else "NONE"
        right = format_type(unwrap(opts["rightarg"])[1]) if opts.get("rightarg") else "NONE"
        function = opts.get("function") or opts.get("procedure")
        uses = [("function", def_names(function))] if function else []
        uses += [("type", [t]) for t in (left, right) if t != "NONE"]
        name = f"{quote_ident(qn.schema)}.{qn.name} ({left}, {right})"
        _declare(b, "OPERATOR", name, {"DefineStmt": {**node, "defnames": _with_schema(qn)}}, ctx, uses)
    elif kind == "OBJECT_TSDICTIONARY":
        _declare(b, "TEXT SEARCH DICTIONARY", str(qn), {"DefineStmt": {**node, "defnames": _with_schema(qn)}},
                 ctx)
    elif kind == "OBJECT_TSCONFIGURATION":
        opts = {unwrap(d)[1]["defname"].lower(): unwrap(d)[1].get("arg") for d in node.get("definition", ())}
        if "copy" in opts:
            parser, mappings = _copied_configuration(def_names(opts["copy"]))
        else:
            parser, mappings = _strip(def_names(opts["parser"])), {}
        _declare(b, "TEXT SEARCH CONFIGURATION", str(qn), {"DefineStmt": {**node, "defnames": _with_schema(qn)}},
                 ctx)
        b.carried[("TEXT SEARCH CONFIGURATION", str(qn))].update(parser=parser, mappings=mappings)
        _note_dictionaries(b.carried[("TEXT SEARCH CONFIGURATION", str(qn))])
    elif kind == "OBJECT_COLLATION":
        if any(unwrap(d)[1]["defname"].lower() == "from" for d in node.get("definition", ())):
            raise Unsupported("CREATE COLLATION ... FROM another: write its provider and locale as pg_dump does")
        _declare(b, "COLLATION", str(qn), {"DefineStmt": {**node, "defnames": _with_schema(qn)}}, ctx,
                 replace=bool(node.get("if_not_exists")) and ("COLLATION", str(qn)) in b.carried)
    else:
        raise Unsupported(f"CREATE {str(kind).removeprefix('OBJECT_').replace('_', ' ')}")


def _with_schema(qn: QualifiedName) -> list:
    return [{"String": {"sval": qn.schema}}, {"String": {"sval": qn.name}}]


@handles("AlterTSConfigurationStmt", ALTERS)
def alter_text_search_configuration(b: Builder, node: dict, ctx: Context) -> None:
    """ADD / ALTER / DROP MAPPING: the configuration's token -> dictionaries map."""
    qn = _qualified(strings(node["cfgname"]), ctx)
    d = b.carried.get(("TEXT SEARCH CONFIGURATION", str(qn)))
    if d is None:
        raise ParseError([(ctx.location, f"text search configuration {qn.display} is declared nowhere")])
    mappings = d["mappings"]
    tokens = strings(node.get("tokentype"))
    dicts = [_strip(strings(unwrap(x)[1].get("items"))) for x in node.get("dicts", ())]
    kind = node["kind"]
    if kind in ("ALTER_TSCONFIG_ADD_MAPPING", "ALTER_TSCONFIG_ALTER_MAPPING_FOR_TOKEN"):
        for t in tokens:
            if kind == "ALTER_TSCONFIG_ALTER_MAPPING_FOR_TOKEN" and t not in mappings:
                raise ParseError([(ctx.location, f"token {t} has no mapping in {qn.display}")])
            mappings[t] = dicts
    elif kind == "ALTER_TSCONFIG_DROP_MAPPING":
        for t in tokens:
            if mappings.pop(t, None) is None and not node.get("missing_ok"):
                raise ParseError([(ctx.location, f"token {t} has no mapping in {qn.display}")])
    else:  # ALTER MAPPING [FOR tokens] REPLACE old WITH new
        old, new = dicts
        for t in tokens or list(mappings):
            mappings[t] = [new if x == old else x for x in mappings.get(t, ())]
    _note_dictionaries(d)


def _note_dictionaries(d: dict) -> None:
    """The dictionaries a configuration's mappings use (an ordering dependency when declared)."""
    d["uses"] = [("carried", ["TEXT SEARCH DICTIONARY", ".".join(x) if len(x) > 1 else f"public.{x[0]}"])
                 for x in {tuple(x) for v in d["mappings"].values() for x in v}]


# The configurations initdb makes in pg_catalog (snowball_create.sql): `simple` maps every token
# to the simple dictionary; each language maps numbers, addresses and the like to simple, ASCII
# words to its own stemmer (English for the languages of another script) and other words to its
# own.  Checked against pg_ts_config_map of PostgreSQL 15 and 18.
_SIMPLE_TOKENS = ("email", "file", "float", "host", "hword_numpart", "int", "numhword", "numword", "sfloat",
                  "uint", "url", "url_path", "version")
_ASCII_TOKENS = ("asciihword", "asciiword", "hword_asciipart")
_WORD_TOKENS = ("hword", "hword_part", "word")
_LANGUAGES = frozenset({"arabic", "armenian", "basque", "catalan", "danish", "dutch", "english", "estonian",
                        "finnish", "french", "german", "greek", "hindi", "hungarian", "indonesian", "irish",
                        "italian", "lithuanian", "nepali", "norwegian", "portuguese", "romanian", "russian",
                        "serbian", "spanish", "swedish", "tamil", "turkish", "yiddish"})
_ENGLISH_FOR_ASCII = frozenset({"hindi", "russian"})


def _builtin_configuration(name: str) -> dict[str, list[list[str]]] | None:
    if name == "simple":
        return {t: [["simple"]] for t in _SIMPLE_TOKENS + _ASCII_TOKENS + _WORD_TOKENS}
    if name not in _LANGUAGES:
        return None
    ascii_stem = "english_stem" if name in _ENGLISH_FOR_ASCII else f"{name}_stem"
    return {**{t: [["simple"]] for t in _SIMPLE_TOKENS}, **{t: [[ascii_stem]] for t in _ASCII_TOKENS},
            **{t: [[f"{name}_stem"]] for t in _WORD_TOKENS}}


def _copied_configuration(names: list[str]) -> tuple[list[str], dict]:
    """COPY = source: the server copies the source's parser and mappings into the new
    configuration and keeps no link to it; so does the model.  Only pg_catalog's configurations
    are copied: a configuration of the files may be altered by statements that run after the
    COPY here (ALTERs run after every CREATE) though before it in the file."""
    builtin = _builtin_configuration(names[-1]) if len(names) == 1 or names[0] == "pg_catalog" else None
    if builtin is None:  # pg_catalog comes first on any search path that does not name it
        raise Unsupported(f"CREATE TEXT SEARCH CONFIGURATION ... (COPY = {'.'.join(names)}): only pg_catalog's "
                          "configurations are copied; write PARSER = and the mappings as pg_dump does")
    return ["default"], builtin


def _strip(names: list[str]) -> list[str]:
    """public and pg_catalog left out, as the live side (search_path = public) prints them."""
    return names[1:] if len(names) == 2 and names[0] in ("public", "pg_catalog") else names


@handles("CreateCastStmt", PROGRAMS)
def create_cast(b: Builder, node: dict, ctx: Context) -> None:
    source, target = format_type(node["sourcetype"]), format_type(node["targettype"])
    uses = [("type", [source]), ("type", [target])]
    if node.get("func"):
        uses.append(("function", strings(node["func"]["objname"])))
    _declare(b, "CAST", f"({source} AS {target})", {"CreateCastStmt": node}, ctx, uses)


@handles("CreateEventTrigStmt", PROGRAMS)
def create_event_trigger(b: Builder, node: dict, ctx: Context) -> None:
    _declare(b, "EVENT TRIGGER", quote_ident(node["trigname"]), {"CreateEventTrigStmt": node}, ctx,
             [("function", strings(node["funcname"]))])


@handles("CreateStatsStmt", ALTERS)
def create_statistics(b: Builder, node: dict, ctx: Context) -> None:
    if not node.get("defnames"):
        raise Unsupported("CREATE STATISTICS without a name")
    qn = _qualified(strings(node["defnames"]), ctx)
    if ("STATISTICS", str(qn)) in b.carried and node.get("if_not_exists"):
        return
    rels = [unwrap(r)[1] for r in node.get("relations", ())]
    tables = [b.qualify(rv, ctx, b.relations) for rv in rels]
    for rv, t in zip(rels, tables):
        rv["schemaname"] = t.schema
    _declare(b, "STATISTICS", str(qn), {"CreateStatsStmt": {**node, "defnames": _with_schema(qn)}}, ctx,
             [("relation", [t.schema, t.name]) for t in tables])


@handles("AlterStatsStmt", ALTERS)
def alter_statistics(b: Builder, node: dict, ctx: Context) -> None:
    """ALTER STATISTICS s SET STATISTICS n (pg_dump writes it after the CREATE): its sampling target."""
    qn = _qualified(strings(node["defnames"]), ctx)
    d = b.carried.get(("STATISTICS", str(qn)))
    if d is None:
        if node.get("missing_ok"):
            return
        raise ParseError([(ctx.location, f"statistics {qn.display} is declared nowhere")])
    target = const_value(node["stxstattarget"]) if node.get("stxstattarget") else None
    d["stattarget"] = None if target is None or int(target) < 0 else int(target)  # -1, DEFAULT: the default


@handles("RuleStmt", ALTERS)
def create_rule(b: Builder, node: dict, ctx: Context) -> None:
    table = b.qualify(node["relation"], ctx, b.relations)
    if table not in b.tables and table not in b.views:
        raise ParseError([(ctx.location, f"rule {node['rulename']}: {table.display} is declared nowhere")])
    node = {**node, "relation": {**node["relation"], "schemaname": table.schema}}
    _declare(b, "RULE", f"{quote_ident(node['rulename'])} ON {table}", {"RuleStmt": node}, ctx,
             [("relation", [table.schema, table.name])], replace=bool(node.get("replace")))


# -- COMMENT ON, OWNER TO, DROP: the name as those statements give it -------------------------------
_OBJECT_KINDS = {"OBJECT_TSCONFIGURATION": "TEXT SEARCH CONFIGURATION",
                 "OBJECT_TSDICTIONARY": "TEXT SEARCH DICTIONARY", "OBJECT_OPERATOR": "OPERATOR",
                 "OBJECT_CAST": "CAST", "OBJECT_COLLATION": "COLLATION", "OBJECT_PUBLICATION": "PUBLICATION",
                 "OBJECT_STATISTIC_EXT": "STATISTICS", "OBJECT_RULE": "RULE", "OBJECT_EVENT_TRIGGER": "EVENT TRIGGER"}


def name_of(b: Builder, objtype: str, obj, ctx: Context) -> tuple[str, str] | None:
    """(KIND, name) of the object a COMMENT / ALTER / DROP statement names, or None for other kinds."""
    kind = _OBJECT_KINDS.get(objtype)
    if kind is None:
        return None
    okind, body = unwrap(obj)
    if kind == "OPERATOR":
        qn = _qualified(strings(body["objname"]), ctx)
        args = [format_type(unwrap(a)[1]) if a else "NONE" for a in body.get("objargs", ())]
        if len(args) == 1:
            args = ["NONE", args[0]]
        return kind, f"{quote_ident(qn.schema)}.{qn.name} ({', '.join(args)})"
    if kind == "CAST":
        source, target = (format_type(unwrap(t)[1]) for t in body["items"])
        return kind, f"({source} AS {target})"
    if kind in ("EVENT TRIGGER", "PUBLICATION"):
        return kind, quote_ident(body["sval"] if okind == "String" else strings([obj])[0])
    names = strings(body.get("items", ())) if okind == "List" else [body["sval"]]
    if kind == "RULE":
        table = b.qualify_names(names[:-1], ctx, b.relations)
        return kind, f"{quote_ident(names[-1])} ON {table}"
    return kind, str(_qualified(names, ctx))


def comment(b: Builder, node: dict, ctx: Context) -> bool:
    key = name_of(b, node["objtype"], node.get("object"), ctx)
    if key is None:
        return False
    if key not in b.carried:
        raise ParseError([(ctx.location, f"{key[0].lower()} {key[1]} is declared nowhere")])
    b.carried[key]["comment"] = node.get("comment")
    return True


def owner(b: Builder, node: dict, role: str, ctx: Context) -> bool:
    key = name_of(b, node.get("objectType", ""), node.get("object"), ctx)
    if key is None:
        return False
    if key not in b.carried:
        raise ParseError([(ctx.location, f"OWNER TO on {key[0].lower()} {key[1]}, which is declared nowhere")])
    b.owners[carried_ref(*key)] = Owner(carried_ref(*key), key[0], key[1], role)
    return True


def dropper(objtype: str):
    def drop(b: Builder, obj, ctx: Context) -> str | None:
        key = name_of(b, objtype, obj, ctx)
        assert key is not None  # registered for the kinds name_of knows only (_register_drops)
        if b.carried.pop(key, None) is None:
            return f"{key[0].lower()} {key[1]}"
        b.owners.pop(carried_ref(*key), None)
        return None
    return drop


def _register_drops() -> None:
    from .drops import register
    for objtype in _OBJECT_KINDS:
        register(objtype, dropper(objtype))


_register_drops()


# -- freezing ---------------------------------------------------------------------------------------
def freeze_carried(b: Builder) -> dict:
    out = {}
    for (kind, name), d in b.carried.items():
        node = d["node"]
        if kind == "TEXT SEARCH CONFIGURATION":
            key, sql = _text_search_configuration(name, d)
        elif kind == "PUBLICATION":
            from .publications import publication_definition
            key, sql = publication_definition(name, d)
        else:
            key, sql = _key(kind, node), to_sql(node)
            if d.get("stattarget") is not None:  # STATISTICS: one more statement, part of its definition
                key += f" stattarget={d['stattarget']}"
                sql += f";\nALTER STATISTICS {name} SET STATISTICS {d['stattarget']}"
        out[(kind, name)] = Carried(kind, name, Expr(key, sql), d["comment"], d["origin"],
                                    frozenset(_uses(b, d["uses"])))
    return out


def _uses(b: Builder, uses) -> set:
    refs = set()
    for what, names in uses:
        if what == "function":
            schema, name = (names[-2], names[-1]) if len(names) > 1 else ("public", names[-1])
            refs |= {function_ref(f) for f in b.functions if (f.schema, f.name) == (schema, name)}
        elif what == "carried":
            if tuple(names) in b.carried:
                refs.add(carried_ref(*names))
        elif what == "relation":
            qn = QualifiedName(*names)
            refs.add(view_ref(qn) if qn in b.views else table_ref(qn))
        elif what == "type":
            found = type_schema(names[0])
            if found is not None:
                qn = QualifiedName(*found)
                if qn in b.enums or qn in b.domains or qn in b.composites or qn in b.ranges:
                    refs.add(type_ref(qn))
    return refs


def _text_search_configuration(name: str, d: dict) -> tuple[str, str]:
    """Key: parser and mappings; SQL: pg_dump's CREATE plus one ADD MAPPING per dictionary list."""
    mappings = d["mappings"]
    key = orjson.dumps({"parser": d["parser"], "mappings": sorted((t, v) for t, v in mappings.items())}).decode()
    def dotted(names: list[str]) -> str:
        return ".".join(quote_ident(n) for n in names)
    statements = [f"CREATE TEXT SEARCH CONFIGURATION {name} (PARSER = {dotted(d['parser'])})"]
    groups: dict[tuple, list[str]] = {}
    for token, dicts in sorted(mappings.items()):
        groups.setdefault(tuple(tuple(x) for x in dicts), []).append(token)
    for dicts, tokens in sorted(groups.items(), key=lambda g: g[1]):
        statements.append(f"ALTER TEXT SEARCH CONFIGURATION {name} ADD MAPPING FOR {', '.join(tokens)} "
                          f"WITH {', '.join(dotted(list(x)) for x in dicts)}")
    return key, ";\n".join(statements)


def _key(kind: str, node: dict) -> str:
    body = _canonical(node)
    stmt = next(iter(body.values()))
    if kind == "OPERATOR":
        for d in stmt.get("definition", ()):
            elem = d["DefElem"]
            if elem["defname"] == "procedure":
                elem["defname"] = "function"
        stmt["definition"] = sorted(stmt.get("definition", ()), key=lambda d: d["DefElem"]["defname"])
    elif kind in ("COLLATION", "TEXT SEARCH DICTIONARY"):
        opts = {d["DefElem"]["defname"].lower(): _text(d["DefElem"].get("arg")) for d in stmt.get("definition", ())}
        opts.pop("version", None)
        if "template" in opts:
            opts["template"] = opts["template"].removeprefix("pg_catalog.").removeprefix("public.")
        if opts.get("provider", "libc") == "libc":
            opts.pop("provider", None)
        if opts.get("deterministic", "true") in ("true", "on", "1"):
            opts.pop("deterministic", None)
        if "lc_collate" in opts and opts.get("lc_collate") == opts.get("lc_ctype") and "locale" not in opts:
            opts["locale"] = opts.pop("lc_collate")
            opts.pop("lc_ctype")
        stmt["definition"] = sorted(opts.items())
    elif kind == "STATISTICS":
        types = sorted(strings(stmt.get("stat_types")))
        stmt["stat_types"] = [] if types == ["dependencies", "mcv", "ndistinct"] else types
        stmt.pop("if_not_exists", None)
    stmt.pop("replace", None)
    stmt.pop("if_not_exists", None)
    return orjson.dumps(body, option=orjson.OPT_SORT_KEYS).decode()


def _text(arg) -> str:
    if arg is None:
        return "true"
    if isinstance(arg, dict) and ("TypeName" in arg or "List" in arg):
        return ".".join(strings(unwrap(arg)[1].get("names") or unwrap(arg)[1].get("items"))).lower()
    return str(const_value(arg)).lower()


def _canonical(x):
    """Positions dropped; two-part names in public or pg_catalog made one-part."""
    if isinstance(x, dict):
        out = {}
        for k, v in x.items():
            if k in ("location", "stmt_location", "stmt_len", "arg_location"):
                continue
            if k == "schemaname" and v in ("public", "pg_catalog"):
                continue
            out[k] = _canonical(v)
        return out
    if isinstance(x, list):
        items = [_canonical(v) for v in x]
        if len(items) == 2 and all(isinstance(i, dict) and "String" in i for i in items) \
                and items[0]["String"].get("sval") in ("public", "pg_catalog"):
            return items[1:]
        return items
    return x


