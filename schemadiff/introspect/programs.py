"""The live side of views, functions, triggers, domains, composite and range types, row-level
security, policies, privileges and their comments: more declarative SQL text for the parser.

Same rules as inspector.py: a handful of catalog queries (one per object kind), run with
search_path = public in the inspector's read-only snapshot (the tables' too), each row already a
complete statement.
"""
from __future__ import annotations

_USER_NS = """(SELECT n.oid FROM pg_catalog.pg_namespace n
  WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp_|toast_temp_)'
    AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e WHERE e.classid = 'pg_catalog.pg_namespace'::regclass
                    AND e.objid = n.oid AND e.deptype = 'e'))"""


def _not_ext(catalog: str, oid: str) -> str:
    return (f"NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e WHERE e.classid = 'pg_catalog.{catalog}'::regclass "
            f"AND e.objid = {oid} AND e.deptype = 'e')")


# Range types bring constructor functions of their own (an internal dependency): not the user's.
_NOT_IMPLICIT = """NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_proc'::regclass
                  AND d.objid = p.oid AND d.deptype = 'i')"""

_QN = "pg_catalog.quote_ident({ns}) || '.' || pg_catalog.quote_ident({name})"
_REL = _QN.format(ns="n.nspname", name="c.relname")

DOMAINS = f"""
SELECT 'CREATE DOMAIN ' || {_QN.format(ns='n.nspname', name='t.typname')} || ' AS '
       || pg_catalog.format_type(t.typbasetype, t.typtypmod)
       || CASE WHEN t.typcollation <> b.typcollation AND t.typcollation <> 0 THEN ' COLLATE '
               || (SELECT CASE WHEN cn.nspname = 'pg_catalog' THEN '' ELSE pg_catalog.quote_ident(cn.nspname) || '.' END
                          || '"' || co.collname || '"' FROM pg_catalog.pg_collation co
                   JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace WHERE co.oid = t.typcollation)
               ELSE '' END
       || coalesce(' DEFAULT ' || pg_catalog.pg_get_expr(t.typdefaultbin, 0), '')
       || CASE WHEN t.typnotnull THEN ' NOT NULL' ELSE '' END
       || coalesce((SELECT string_agg(' CONSTRAINT ' || pg_catalog.quote_ident(k.conname) || ' '
                                      || pg_catalog.pg_get_constraintdef(k.oid), '' ORDER BY k.conname)
                    FROM pg_catalog.pg_constraint k WHERE k.contypid = t.oid AND k.contype = 'c'), '') || ';'
FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
JOIN pg_catalog.pg_type b ON b.oid = t.typbasetype
WHERE t.typtype = 'd' AND t.typnamespace IN {_USER_NS} AND {_not_ext('pg_type', 't.oid')}
ORDER BY 1"""

COMPOSITES = f"""
SELECT 'CREATE TYPE ' || {_QN.format(ns='n.nspname', name='t.typname')} || ' AS ('
       || coalesce((SELECT string_agg(pg_catalog.quote_ident(a.attname) || ' '
                                      || pg_catalog.format_type(a.atttypid, a.atttypmod)
                                      || CASE WHEN a.attcollation <> at.typcollation AND a.attcollation <> 0
                                              THEN ' COLLATE "' || co.collname || '"' ELSE '' END,
                                      ', ' ORDER BY a.attnum)
                    FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_type at ON at.oid = a.atttypid
                    LEFT JOIN pg_catalog.pg_collation co ON co.oid = a.attcollation
                    WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped), '') || ');'
FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
JOIN pg_catalog.pg_class c ON c.oid = t.typrelid
WHERE t.typtype = 'c' AND c.relkind = 'c' AND t.typnamespace IN {_USER_NS} AND {_not_ext('pg_type', 't.oid')}
ORDER BY 1"""

RANGES = f"""
SELECT 'CREATE TYPE ' || {_QN.format(ns='n.nspname', name='t.typname')} || ' AS RANGE (SUBTYPE = '
       || pg_catalog.format_type(r.rngsubtype, NULL)
       || CASE WHEN NOT o.opcdefault THEN ', SUBTYPE_OPCLASS = ' || pg_catalog.quote_ident(o.opcname) ELSE '' END
       || CASE WHEN r.rngcanonical <> 0 THEN ', CANONICAL = ' || r.rngcanonical::regproc::text ELSE '' END
       || CASE WHEN r.rngsubdiff <> 0 THEN ', SUBTYPE_DIFF = ' || r.rngsubdiff::regproc::text ELSE '' END
       || ');'
FROM pg_catalog.pg_range r JOIN pg_catalog.pg_type t ON t.oid = r.rngtypid
JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace JOIN pg_catalog.pg_opclass o ON o.oid = r.rngsubopc
WHERE t.typnamespace IN {_USER_NS} AND {_not_ext('pg_type', 't.oid')}
ORDER BY 1"""

FUNCTIONS = f"""
SELECT pg_catalog.pg_get_functiondef(p.oid) || ';'
FROM pg_catalog.pg_proc p
WHERE p.pronamespace IN {_USER_NS} AND p.prokind IN ('f', 'p', 'w') AND {_not_ext('pg_proc', 'p.oid')}
  AND {_NOT_IMPLICIT}
ORDER BY p.oid::regprocedure::text"""

VIEWS = f"""
SELECT CASE c.relkind WHEN 'm' THEN 'CREATE MATERIALIZED VIEW ' ELSE 'CREATE VIEW ' END || {_REL}
       || coalesce(' WITH (' || array_to_string(c.reloptions, ', ') || ')', '') || ' AS '
       || rtrim(rtrim(pg_catalog.pg_get_viewdef(c.oid, false)), ';')
       || CASE WHEN c.relkind = 'm' AND NOT c.relispopulated THEN ' WITH NO DATA' ELSE '' END || ';'
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('v', 'm') AND c.relnamespace IN {_USER_NS} AND {_not_ext('pg_class', 'c.oid')}
ORDER BY 1"""

MATVIEW_INDEXES = f"""
SELECT pg_catalog.pg_get_indexdef(i.indexrelid) || ';'
FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = i.indrelid
WHERE c.relkind = 'm' AND c.relnamespace IN {_USER_NS} AND {_not_ext('pg_class', 'c.oid')}
ORDER BY 1"""

TRIGGERS = f"""
SELECT pg_catalog.pg_get_triggerdef(t.oid, false) || ';'
       || CASE t.tgenabled WHEN 'O' THEN ''
               ELSE ' ALTER TABLE ' || {_REL} || CASE t.tgenabled WHEN 'D' THEN ' DISABLE TRIGGER '
                    WHEN 'R' THEN ' ENABLE REPLICA TRIGGER ' ELSE ' ENABLE ALWAYS TRIGGER ' END
                    || pg_catalog.quote_ident(t.tgname) || ';' END
FROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE NOT t.tgisinternal AND t.tgparentid = 0 AND c.relnamespace IN {_USER_NS} AND {_not_ext('pg_class', 'c.oid')}
ORDER BY 1"""

POLICIES = f"""
SELECT 'CREATE POLICY ' || pg_catalog.quote_ident(p.polname) || ' ON ' || {_REL}
       || CASE WHEN p.polpermissive THEN ' AS PERMISSIVE' ELSE ' AS RESTRICTIVE' END
       || ' FOR ' || CASE p.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE'
                                   WHEN 'd' THEN 'DELETE' ELSE 'ALL' END
       || ' TO ' || (SELECT string_agg(CASE WHEN r = 0 THEN 'PUBLIC'
                                           ELSE pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(r)) END, ', ')
                     FROM unnest(p.polroles) r)
       || coalesce(' USING (' || pg_catalog.pg_get_expr(p.polqual, p.polrelid) || ')', '')
       || coalesce(' WITH CHECK (' || pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid) || ')', '') || ';'
FROM pg_catalog.pg_policy p JOIN pg_catalog.pg_class c ON c.oid = p.polrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relnamespace IN {_USER_NS}
ORDER BY 1"""


def _acl_grants(kind: str, target: str, acl: str, owner: str, full: str, where: str, from_: str,
                default_public: str | None = None) -> str:
    """GRANT statements for the non-owner entries of an ACL (the parser folds a full set into ALL).

    `default_public` (EXECUTE for functions, USAGE for types): what PUBLIC has while the ACL is
    NULL; when an ACL exists without it, a REVOKE ... FROM PUBLIC is written.
    """
    revoke = ""
    if default_public:
        revoke = f"""
UNION ALL
SELECT 'REVOKE {default_public} ON {kind} ' || {target} || ' FROM PUBLIC;'
FROM {from_} WHERE ({where}) AND {acl} IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.aclexplode({acl}) a
                  WHERE a.grantee = 0 AND a.privilege_type = '{default_public}')"""
    return f"""
SELECT 'GRANT ' || array_to_string(g.privs, ', ')
       || ' ON {kind} ' || g.target || ' TO ' || g.grantee || CASE WHEN g.grantable THEN ' WITH GRANT OPTION' ELSE '' END
       || ';'
FROM (SELECT {target} AS target,
             CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(a.grantee)) END
               AS grantee,
             a.is_grantable AS grantable,
             array_agg(a.privilege_type ORDER BY a.privilege_type) AS privs
      FROM {from_}, LATERAL pg_catalog.aclexplode({acl}) a
      WHERE ({where}) AND a.grantee <> {owner}
        AND NOT (a.grantee = 0 AND {'true' if default_public else 'false'} AND a.privilege_type = '{default_public}')
      GROUP BY 1, 2, 3) g{revoke}
ORDER BY 1"""


def _owner_acl(kind: str, target: str, acl: str, owner: str, full: str, where: str, from_: str) -> str:
    """An owner that revoked some of its own privileges: `REVOKE ALL ... FROM owner` and a GRANT of
    what it kept, in that order (the parser replays statements in order: parse/privileges.py
    OwnerPrivileges).  An owner that holds everything writes nothing, as the files do."""
    held = f"""(SELECT array_agg(a.privilege_type ORDER BY a.privilege_type)
                 FROM pg_catalog.aclexplode({acl}) a WHERE a.grantee = {owner} AND a.privilege_type IN ({full}))"""
    return f"""
SELECT 'REVOKE ALL ON {kind} ' || {target} || ' FROM ' || pg_catalog.quote_ident(pg_catalog.pg_get_userbyid({owner}))
       || ';' || coalesce(' GRANT ' || array_to_string({held}, ', ') || ' ON {kind} ' || {target} || ' TO '
                          || pg_catalog.quote_ident(pg_catalog.pg_get_userbyid({owner})) || ';', '')
FROM {from_} WHERE ({where}) AND {acl} IS NOT NULL
  AND coalesce(array_length({held}, 1), 0) < array_length(ARRAY[{full}], 1)
ORDER BY 1"""


# The user-defined types that carry grants: enums, domains, ranges and standalone composites.
_TYPE_WHERE = (f"t.typnamespace IN {_USER_NS} AND t.typtype IN ('e', 'd', 'r') OR (t.typtype = 'c' AND "
               f"t.typnamespace IN {_USER_NS} AND EXISTS (SELECT 1 FROM pg_catalog.pg_class k "
               f"WHERE k.oid = t.typrelid AND k.relkind = 'c'))")


def _grant_queries(version: int) -> list[str]:
    table_all = "'DELETE','INSERT','REFERENCES','SELECT','TRIGGER','TRUNCATE','UPDATE'" + (
        ",'MAINTAIN'" if version >= 170000 else "")
    rel_from = "pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
    rel_where = f"c.relnamespace IN {_USER_NS} AND {_not_ext('pg_class', 'c.oid')}"
    # (kind, name, acl, owner, every privilege, which objects, from): what owners and grants read alike
    table = ("TABLE", _REL, "c.relacl", "c.relowner", table_all,
             f"c.relkind IN ('r', 'p', 'v', 'm', 'f') AND {rel_where}", rel_from)
    sequence = ("SEQUENCE", _REL, "c.relacl", "c.relowner", "'SELECT','UPDATE','USAGE'",
                f"c.relkind = 'S' AND {rel_where}", rel_from)
    function = ("FUNCTION", "p.oid::regprocedure::text", "p.proacl", "p.proowner", "'EXECUTE'",
                f"p.pronamespace IN {_USER_NS} AND p.prokind IN ('f', 'p', 'w', 'a') AND {_not_ext('pg_proc', 'p.oid')}"
                f" AND {_NOT_IMPLICIT}", "pg_catalog.pg_proc p")
    type_ = ("TYPE", _QN.format(ns="n.nspname", name="t.typname"), "t.typacl", "t.typowner", "'USAGE'",
             _TYPE_WHERE, "pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace")

    def schema(where: str) -> tuple[str, ...]:
        return ("SCHEMA", "pg_catalog.quote_ident(n.nspname)", "n.nspacl", "n.nspowner", "'CREATE','USAGE'",
                f"n.oid IN {_USER_NS}{where}", "pg_catalog.pg_namespace n")

    return [
        *(_owner_acl(*kind) for kind in (table, sequence, function, schema(""), type_)),
        _acl_grants(*table),
        _acl_grants(*sequence),
        _acl_grants(*function, default_public="EXECUTE"),
        _acl_grants(*schema(" AND n.nspname <> 'public'")),
        # Schema public starts with grants to PUBLIC, which differ by version (the parser starts
        # from them too): its ACL is written whole, after taking everything away.
        f"""SELECT 'REVOKE ALL ON SCHEMA public FROM PUBLIC;' FROM pg_catalog.pg_namespace n
            WHERE n.nspname = 'public' AND n.oid IN {_USER_NS}""",
        _acl_grants(*schema(" AND n.nspname = 'public'")),
        _acl_grants(*type_, default_public="USAGE"),
        # column privileges: never ALL (the column set is what matters)
        f"""SELECT 'GRANT ' || a.privilege_type || ' (' || pg_catalog.quote_ident(att.attname) || ') ON TABLE '
                   || {_REL} || ' TO ' || CASE WHEN a.grantee = 0 THEN 'PUBLIC'
                   ELSE pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(a.grantee)) END
                   || CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END || ';'
            FROM pg_catalog.pg_attribute att JOIN pg_catalog.pg_class c ON c.oid = att.attrelid
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace,
            LATERAL pg_catalog.aclexplode(att.attacl) a
            WHERE att.attacl IS NOT NULL AND att.attnum > 0 AND NOT att.attisdropped AND {rel_where}
            ORDER BY 1""",
        """SELECT 'ALTER DEFAULT PRIVILEGES FOR ROLE ' || pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(d.defaclrole))
                   || coalesce(' IN SCHEMA ' || pg_catalog.quote_ident(dn.nspname), '')
                   || ' GRANT ' || a.privilege_type || ' ON '
                   || CASE d.defaclobjtype WHEN 'r' THEN 'TABLES' WHEN 'S' THEN 'SEQUENCES' WHEN 'f' THEN 'FUNCTIONS'
                                           WHEN 'T' THEN 'TYPES' ELSE 'SCHEMAS' END
                   || ' TO ' || CASE WHEN a.grantee = 0 THEN 'PUBLIC'
                                     ELSE pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(a.grantee)) END
                   || CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END || ';'
            FROM pg_catalog.pg_default_acl d LEFT JOIN pg_catalog.pg_namespace dn ON dn.oid = d.defaclnamespace,
            LATERAL pg_catalog.aclexplode(d.defaclacl) a
            WHERE a.grantee <> d.defaclrole OR d.defaclnamespace <> 0  -- IN SCHEMA adds to what a role has
            ORDER BY 1""",
        # A role's own entry for functions or types without PUBLIC: the built-in default taken away.
        """SELECT 'ALTER DEFAULT PRIVILEGES FOR ROLE ' || pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(d.defaclrole))
                   || CASE d.defaclobjtype WHEN 'f' THEN ' REVOKE EXECUTE ON FUNCTIONS' ELSE ' REVOKE USAGE ON TYPES' END
                   || ' FROM PUBLIC;'
            FROM pg_catalog.pg_default_acl d
            WHERE d.defaclnamespace = 0 AND d.defaclobjtype IN ('f', 'T')
              AND NOT EXISTS (SELECT 1 FROM pg_catalog.aclexplode(d.defaclacl) a WHERE a.grantee = 0)
            ORDER BY 1""",
    ]


# The role reading the catalog.
_ME = "(SELECT oid FROM pg_catalog.pg_roles WHERE rolname = current_user)"

# Owners other than the role reading the catalog: the files state an owner only where it matters,
# and an object nobody stated one for belongs to whoever deploys (Catalog.default_owner).
# Sequences owned by a column follow their table's owner and cannot be given another.
OWNERS = f"""
SELECT 'ALTER ' || CASE c.relkind WHEN 'v' THEN 'VIEW ' WHEN 'm' THEN 'MATERIALIZED VIEW '
                                  WHEN 'S' THEN 'SEQUENCE ' ELSE 'TABLE ' END
       || {_REL} || ' OWNER TO ' || pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(c.relowner)) || ';'
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S') AND c.relowner <> {_ME}
  AND c.relnamespace IN {_USER_NS} AND {_not_ext('pg_class', 'c.oid')}
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_class'::regclass
                  AND d.objid = c.oid AND d.refclassid = 'pg_catalog.pg_class'::regclass AND d.deptype IN ('a', 'i')
                  AND c.relkind = 'S')
UNION ALL
SELECT 'ALTER ' || CASE p.prokind WHEN 'a' THEN 'AGGREGATE ' ELSE 'ROUTINE ' END || p.oid::regprocedure::text
       || ' OWNER TO ' || pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(p.proowner)) || ';'
FROM pg_catalog.pg_proc p
WHERE p.proowner <> {_ME}
  AND p.pronamespace IN {_USER_NS} AND p.prokind IN ('f', 'p', 'w', 'a') AND {_not_ext('pg_proc', 'p.oid')} AND {_NOT_IMPLICIT}
UNION ALL
SELECT 'ALTER SCHEMA ' || pg_catalog.quote_ident(n.nspname) || ' OWNER TO '
       || pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(n.nspowner)) || ';'
FROM pg_catalog.pg_namespace n
WHERE n.oid IN {_USER_NS} AND n.nspname <> 'public'
  AND n.nspowner <> {_ME}
UNION ALL
SELECT 'ALTER ' || CASE t.typtype WHEN 'd' THEN 'DOMAIN ' ELSE 'TYPE ' END || {_QN.format(ns="n.nspname", name="t.typname")}
       || ' OWNER TO ' || pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(t.typowner)) || ';'
FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
WHERE t.typnamespace IN {_USER_NS} AND {_not_ext('pg_type', 't.oid')}
  AND t.typowner <> {_ME}
  AND (t.typtype IN ('e', 'd', 'r') OR (t.typtype = 'c' AND EXISTS (
       SELECT 1 FROM pg_catalog.pg_class k WHERE k.oid = t.typrelid AND k.relkind = 'c')))
ORDER BY 1"""


COMMENTS = f"""
SELECT 'COMMENT ON ' || CASE
         WHEN d.classoid = 'pg_catalog.pg_proc'::regclass THEN
           CASE p.prokind WHEN 'p' THEN 'PROCEDURE ' WHEN 'a' THEN 'AGGREGATE ' ELSE 'FUNCTION ' END
           || p.oid::regprocedure::text
         WHEN d.classoid = 'pg_catalog.pg_trigger'::regclass THEN
           'TRIGGER ' || pg_catalog.quote_ident(tg.tgname) || ' ON ' || tg.tgrelid::regclass::text
         WHEN d.classoid = 'pg_catalog.pg_policy'::regclass THEN
           'POLICY ' || pg_catalog.quote_ident(po.polname) || ' ON ' || po.polrelid::regclass::text
         WHEN d.classoid = 'pg_catalog.pg_type'::regclass THEN
           CASE WHEN ty.typtype = 'd' THEN 'DOMAIN ' ELSE 'TYPE ' END
           || pg_catalog.quote_ident(tn.nspname) || '.' || pg_catalog.quote_ident(ty.typname)
         WHEN d.classoid = 'pg_catalog.pg_class'::regclass AND d.objsubid = 0 THEN
           CASE cl.relkind WHEN 'm' THEN 'MATERIALIZED VIEW ' WHEN 'i' THEN 'INDEX ' ELSE 'VIEW ' END
           || pg_catalog.quote_ident(cn.nspname) || '.' || pg_catalog.quote_ident(cl.relname)
         ELSE 'COLUMN ' || pg_catalog.quote_ident(cn.nspname) || '.' || pg_catalog.quote_ident(cl.relname) || '.'
           || pg_catalog.quote_ident((SELECT attname FROM pg_catalog.pg_attribute
                                      WHERE attrelid = cl.oid AND attnum = d.objsubid))
       END || ' IS ' || pg_catalog.quote_literal(d.description) || ';'
FROM pg_catalog.pg_description d
LEFT JOIN pg_catalog.pg_proc p ON d.classoid = 'pg_catalog.pg_proc'::regclass AND p.oid = d.objoid
LEFT JOIN pg_catalog.pg_trigger tg ON d.classoid = 'pg_catalog.pg_trigger'::regclass AND tg.oid = d.objoid
LEFT JOIN pg_catalog.pg_policy po ON d.classoid = 'pg_catalog.pg_policy'::regclass AND po.oid = d.objoid
LEFT JOIN pg_catalog.pg_type ty ON d.classoid = 'pg_catalog.pg_type'::regclass AND ty.oid = d.objoid
LEFT JOIN pg_catalog.pg_namespace tn ON tn.oid = ty.typnamespace
LEFT JOIN pg_catalog.pg_class cl ON d.classoid = 'pg_catalog.pg_class'::regclass AND cl.oid = d.objoid
LEFT JOIN pg_catalog.pg_namespace cn ON cn.oid = cl.relnamespace
WHERE (p.oid IS NOT NULL AND p.pronamespace IN {_USER_NS} AND {_not_ext('pg_proc', 'p.oid')} AND {_NOT_IMPLICIT})
   OR (tg.oid IS NOT NULL AND NOT tg.tgisinternal)
   OR po.oid IS NOT NULL
   OR (ty.oid IS NOT NULL AND ty.typtype IN ('d', 'c', 'r') AND ty.typnamespace IN {_USER_NS}
       AND {_not_ext('pg_type', 'ty.oid')})
   OR (cl.oid IS NOT NULL AND cl.relkind IN ('v', 'm') AND cl.relnamespace IN {_USER_NS})
   -- a materialized view's index (a table's is read with the table's comments)
   OR (cl.oid IS NOT NULL AND cl.relkind = 'i' AND d.objsubid = 0 AND cl.relnamespace IN {_USER_NS}
       AND EXISTS (SELECT FROM pg_catalog.pg_index mi JOIN pg_catalog.pg_class m ON m.oid = mi.indrelid
                   WHERE mi.indexrelid = cl.oid AND m.relkind = 'm'))
ORDER BY 1"""


def program_queries(version: int) -> list[str]:
    """The queries that write the programmable objects, their grants, owners and comments as
    statements, one per row (the inspector runs them in its snapshot, after the tables')."""
    # Row security and replica identity come with the tables (inspector.py).
    from .aggregates import AGGREGATES
    from .carried import carried_queries
    return [*carried_queries(version), DOMAINS, COMPOSITES, RANGES, FUNCTIONS, AGGREGATES, VIEWS, MATVIEW_INDEXES, TRIGGERS,
            POLICIES, *(_grant_queries(version)), OWNERS, COMMENTS]
