"""The live side of carried kinds (parse/carried.py): operators, casts, collations, extended
statistics, rules, event triggers, as the CREATE statements pg_dump writes, each followed by its
comment and, when it is not the reading role's, its owner.

Run with search_path = public like every catalog query: regproc, regprocedure and format_type print
what public holds unqualified, as the files usually write it.
"""
from __future__ import annotations

from .programs import _ME, _USER_NS, _not_ext


def _extras(kind: str, name: str, oid: str, catalog: str, owner: str | None) -> str:
    """`|| ' COMMENT ON ...' || ' ALTER ... OWNER TO ...'`, each only when there is one."""
    out = (f"|| coalesce(' COMMENT ON {kind} ' || {name} || ' IS ' "
           f"|| pg_catalog.quote_literal(pg_catalog.obj_description({oid}, '{catalog}')) || ';', '')")
    if owner:
        out += (f" || CASE WHEN {owner} <> {_ME} THEN ' ALTER {kind} ' || {name} || ' OWNER TO ' "
                f"|| pg_catalog.quote_ident(pg_catalog.pg_get_userbyid({owner})) || ';' ELSE '' END")
    return out


_OP_NAME = ("pg_catalog.quote_ident(n.nspname) || '.' || o.oprname || ' (' "
            "|| CASE WHEN o.oprleft = 0 THEN 'NONE' ELSE pg_catalog.format_type(o.oprleft, NULL) END || ', ' "
            "|| CASE WHEN o.oprright = 0 THEN 'NONE' ELSE pg_catalog.format_type(o.oprright, NULL) END || ')'")


def _op_ref(column: str) -> str:
    return (f"(SELECT 'OPERATOR(' || pg_catalog.quote_ident(xn.nspname) || '.' || x.oprname || ')' "
            f"FROM pg_catalog.pg_operator x JOIN pg_catalog.pg_namespace xn ON xn.oid = x.oprnamespace "
            f"WHERE x.oid = o.{column})")


OPERATORS = f"""
SELECT 'CREATE OPERATOR ' || pg_catalog.quote_ident(n.nspname) || '.' || o.oprname || ' ('
       || 'FUNCTION = ' || o.oprcode::regproc::text
       || CASE WHEN o.oprleft <> 0 THEN ', LEFTARG = ' || pg_catalog.format_type(o.oprleft, NULL) ELSE '' END
       || CASE WHEN o.oprright <> 0 THEN ', RIGHTARG = ' || pg_catalog.format_type(o.oprright, NULL) ELSE '' END
       || coalesce(', COMMUTATOR = ' || {_op_ref('oprcom')}, '')
       || coalesce(', NEGATOR = ' || {_op_ref('oprnegate')}, '')
       || CASE WHEN o.oprrest <> 0 THEN ', RESTRICT = ' || o.oprrest::regproc::text ELSE '' END
       || CASE WHEN o.oprjoin <> 0 THEN ', JOIN = ' || o.oprjoin::regproc::text ELSE '' END
       || CASE WHEN o.oprcanhash THEN ', HASHES' ELSE '' END
       || CASE WHEN o.oprcanmerge THEN ', MERGES' ELSE '' END || ');'
       {_extras('OPERATOR', _OP_NAME, 'o.oid', 'pg_operator', 'o.oprowner')}
FROM pg_catalog.pg_operator o JOIN pg_catalog.pg_namespace n ON n.oid = o.oprnamespace
WHERE o.oprnamespace IN {_USER_NS} AND {_not_ext('pg_operator', 'o.oid')}
ORDER BY 1"""

_TYPE_CAST = ("'(' || pg_catalog.format_type(c.castsource, NULL) || ' AS ' "
              "|| pg_catalog.format_type(c.casttarget, NULL) || ')'")

CASTS = f"""
SELECT 'CREATE CAST ' || {_TYPE_CAST} || ' '
       || CASE c.castmethod WHEN 'f' THEN 'WITH FUNCTION ' || c.castfunc::regprocedure::text
                            WHEN 'i' THEN 'WITH INOUT' ELSE 'WITHOUT FUNCTION' END
       || CASE c.castcontext WHEN 'i' THEN ' AS IMPLICIT' WHEN 'a' THEN ' AS ASSIGNMENT' ELSE '' END || ';'
       {_extras('CAST', _TYPE_CAST, 'c.oid', 'pg_cast', None)}
FROM pg_catalog.pg_cast c
WHERE c.oid >= 16384 AND {_not_ext('pg_cast', 'c.oid')}
  -- a range type's casts to its multirange come with the type (an internal dependency)
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_cast'::regclass
                  AND d.objid = c.oid AND d.deptype = 'i')
ORDER BY 1"""


def _collations(version: int) -> str:
    locale = "c.colllocale" if version >= 170000 else "c.colliculocale" if version >= 150000 else "c.collcollate"
    name = "pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.collname)"
    return f"""
SELECT 'CREATE COLLATION ' || {name} || ' (provider = '
       || CASE c.collprovider WHEN 'i' THEN 'icu' WHEN 'b' THEN 'builtin' ELSE 'libc' END
       || CASE WHEN NOT c.collisdeterministic THEN ', deterministic = false' ELSE '' END
       || CASE WHEN c.collprovider = 'c' THEN
                 CASE WHEN c.collcollate = c.collctype THEN ', locale = ' || pg_catalog.quote_literal(c.collcollate)
                      ELSE ', lc_collate = ' || pg_catalog.quote_literal(c.collcollate)
                           || ', lc_ctype = ' || pg_catalog.quote_literal(c.collctype) END
               ELSE coalesce(', locale = ' || pg_catalog.quote_literal({locale}), '') END || ');'
       {_extras('COLLATION', name, 'c.oid', 'pg_collation', 'c.collowner')}
FROM pg_catalog.pg_collation c JOIN pg_catalog.pg_namespace n ON n.oid = c.collnamespace
WHERE c.collnamespace IN {_USER_NS} AND {_not_ext('pg_collation', 'c.oid')}
ORDER BY 1"""


_STATS_NAME = "pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(s.stxname)"

STATISTICS = f"""
SELECT pg_catalog.pg_get_statisticsobjdef(s.oid) || ';'
       -- the sampling target when set (-1 before PostgreSQL 17, NULL since, is the default)
       || CASE WHEN s.stxstattarget >= 0 THEN ' ALTER STATISTICS ' || {_STATS_NAME} || ' SET STATISTICS '
               || s.stxstattarget || ';' ELSE '' END
       {_extras('STATISTICS', _STATS_NAME, 's.oid', 'pg_statistic_ext', 's.stxowner')}
FROM pg_catalog.pg_statistic_ext s JOIN pg_catalog.pg_namespace n ON n.oid = s.stxnamespace
WHERE s.stxnamespace IN {_USER_NS} AND {_not_ext('pg_statistic_ext', 's.oid')}
ORDER BY 1"""

_RULE_NAME = ("pg_catalog.quote_ident(r.rulename) || ' ON ' || pg_catalog.quote_ident(n.nspname) || '.' "
              "|| pg_catalog.quote_ident(c.relname)")

RULES = f"""
SELECT pg_catalog.pg_get_ruledef(r.oid)
       {_extras('RULE', _RULE_NAME, 'r.oid', 'pg_rewrite', None)}
FROM pg_catalog.pg_rewrite r JOIN pg_catalog.pg_class c ON c.oid = r.ev_class
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE r.rulename <> '_RETURN' AND c.relnamespace IN {_USER_NS} AND {_not_ext('pg_class', 'c.oid')}
ORDER BY 1"""

EVENT_TRIGGERS = f"""
SELECT 'CREATE EVENT TRIGGER ' || pg_catalog.quote_ident(et.evtname) || ' ON ' || et.evtevent
       || coalesce(' WHEN TAG IN (' || (SELECT string_agg(pg_catalog.quote_literal(t), ', ')
                                        FROM unnest(et.evttags) t) || ')', '')
       || ' EXECUTE FUNCTION ' || et.evtfoid::regproc::text || '();'
       {_extras('EVENT TRIGGER', 'pg_catalog.quote_ident(et.evtname)', 'et.oid', 'pg_event_trigger', 'et.evtowner')}
FROM pg_catalog.pg_event_trigger et
WHERE {_not_ext('pg_event_trigger', 'et.oid')}
ORDER BY 1"""


_TS_DICT = "pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(d.dictname)"

TEXT_SEARCH_DICTIONARIES = f"""
SELECT 'CREATE TEXT SEARCH DICTIONARY ' || {_TS_DICT} || ' (TEMPLATE = '
       || pg_catalog.quote_ident(tn.nspname) || '.' || pg_catalog.quote_ident(t.tmplname)
       || coalesce(', ' || d.dictinitoption, '') || ');'
       {_extras('TEXT SEARCH DICTIONARY', _TS_DICT, 'd.oid', 'pg_ts_dict', 'd.dictowner')}
FROM pg_catalog.pg_ts_dict d JOIN pg_catalog.pg_namespace n ON n.oid = d.dictnamespace
JOIN pg_catalog.pg_ts_template t ON t.oid = d.dicttemplate JOIN pg_catalog.pg_namespace tn ON tn.oid = t.tmplnamespace
WHERE d.dictnamespace IN {_USER_NS} AND {_not_ext('pg_ts_dict', 'd.oid')}
ORDER BY 1"""

_TS_CONFIG = "pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.cfgname)"

TEXT_SEARCH_CONFIGURATIONS = f"""
SELECT 'CREATE TEXT SEARCH CONFIGURATION ' || {_TS_CONFIG} || ' (PARSER = '
       || pg_catalog.quote_ident(pn.nspname) || '.' || pg_catalog.quote_ident(p.prsname) || ');'
       || coalesce((SELECT string_agg(' ALTER TEXT SEARCH CONFIGURATION ' || {_TS_CONFIG} || ' ADD MAPPING FOR '
                                      || m.alias || ' WITH ' || m.dicts || ';', '' ORDER BY m.alias)
                    FROM (SELECT t.alias, string_agg(pg_catalog.quote_ident(dn.nspname) || '.'
                                                     || pg_catalog.quote_ident(dd.dictname), ', ' ORDER BY mm.mapseqno)
                                          AS dicts
                          FROM pg_catalog.pg_ts_config_map mm
                          JOIN pg_catalog.pg_ts_dict dd ON dd.oid = mm.mapdict
                          JOIN pg_catalog.pg_namespace dn ON dn.oid = dd.dictnamespace
                          JOIN LATERAL pg_catalog.ts_token_type(c.cfgparser) t ON t.tokid = mm.maptokentype
                          WHERE mm.mapcfg = c.oid GROUP BY t.alias) m), '')
       {_extras('TEXT SEARCH CONFIGURATION', _TS_CONFIG, 'c.oid', 'pg_ts_config', 'c.cfgowner')}
FROM pg_catalog.pg_ts_config c JOIN pg_catalog.pg_namespace n ON n.oid = c.cfgnamespace
JOIN pg_catalog.pg_ts_parser p ON p.oid = c.cfgparser JOIN pg_catalog.pg_namespace pn ON pn.oid = p.prsnamespace
WHERE c.cfgnamespace IN {_USER_NS} AND {_not_ext('pg_ts_config', 'c.oid')}
ORDER BY 1"""

def _publications(version: int) -> str:
    """pg_dump's form: CREATE PUBLICATION ... WITH (...), then one ALTER PUBLICATION ... ADD per table
    (with its column list and row filter, 15+) and per schema (15+)."""
    pub = "pg_catalog.quote_ident(p.pubname)"
    columns = where = "''"
    schemas = "''"
    if version >= 150000:
        columns = ("coalesce(' (' || (SELECT string_agg(pg_catalog.quote_ident(a.attname), ', ' ORDER BY a.attnum) "
                   "FROM pg_catalog.pg_attribute a WHERE a.attrelid = r.prrelid "
                   "AND a.attnum = ANY(r.prattrs::int2[])) || ')', '')")
        where = "coalesce(' WHERE (' || pg_catalog.pg_get_expr(r.prqual, r.prrelid) || ')', '')"
        schemas = (f"coalesce((SELECT string_agg(' ALTER PUBLICATION ' || {pub} || ' ADD TABLES IN SCHEMA ' "
                   f"|| pg_catalog.quote_ident(sn.nspname) || ';', '' ORDER BY sn.nspname) "
                   f"FROM pg_catalog.pg_publication_namespace ps "
                   f"JOIN pg_catalog.pg_namespace sn ON sn.oid = ps.pnnspid "
                   f"WHERE ps.pnpubid = p.oid), '')")
    return f"""
SELECT 'CREATE PUBLICATION ' || {pub} || CASE WHEN p.puballtables THEN ' FOR ALL TABLES' ELSE '' END
       || ' WITH (publish = ' || pg_catalog.quote_literal(concat_ws(', ', CASE WHEN p.pubinsert THEN 'insert' END,
              CASE WHEN p.pubupdate THEN 'update' END, CASE WHEN p.pubdelete THEN 'delete' END,
              CASE WHEN p.pubtruncate THEN 'truncate' END))
       || CASE WHEN p.pubviaroot THEN ', publish_via_partition_root = true' ELSE '' END || ');'
       || coalesce((SELECT string_agg(' ALTER PUBLICATION ' || {pub} || ' ADD TABLE ONLY '
                                      || pg_catalog.quote_ident(rn.nspname) || '.' || pg_catalog.quote_ident(rc.relname)
                                      || {columns} || {where} || ';', '' ORDER BY rn.nspname, rc.relname)
                    FROM pg_catalog.pg_publication_rel r JOIN pg_catalog.pg_class rc ON rc.oid = r.prrelid
                    JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace WHERE r.prpubid = p.oid), '')
       || {schemas}
       {_extras('PUBLICATION', pub, 'p.oid', 'pg_publication', 'p.pubowner')}
FROM pg_catalog.pg_publication p
ORDER BY 1"""


# Statistics targets of index columns (expression columns: pg_dump writes ALTER INDEX ... ALTER COLUMN n).
INDEX_STATISTICS = f"""
SELECT 'ALTER INDEX ' || pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname)
       || ' ALTER COLUMN ' || a.attnum || ' SET STATISTICS ' || a.attstattarget || ';'
FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('i', 'I') AND a.attnum > 0 AND a.attstattarget >= 0 AND c.relnamespace IN {_USER_NS}
  AND {_not_ext('pg_class', 'c.oid')}
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k WHERE k.conindid = c.oid)
ORDER BY 1"""


def carried_queries(version: int) -> list[str]:
    return [OPERATORS, CASTS, _collations(version), STATISTICS, RULES, EVENT_TRIGGERS, INDEX_STATISTICS,
            TEXT_SEARCH_DICTIONARIES, TEXT_SEARCH_CONFIGURATIONS, _publications(version)]
