"""The live side of aggregates: CREATE AGGREGATE text in pg_dump's form, read by parse/aggregates.py.

Run with search_path = public like every catalog query (introspect/queries.py): regproc and
format_type print what public holds unqualified, as the files usually write it.
"""
from __future__ import annotations

from .programs import _USER_NS, _not_ext


def _fn(column: str, option: str) -> str:
    return f"CASE WHEN a.{column} <> 0 THEN ', {option} = ' || a.{column}::regproc::text ELSE '' END"


AGGREGATES = f"""
SELECT 'CREATE AGGREGATE ' || pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(p.proname) || '('
       || CASE WHEN p.pronargs = 0 THEN '*' ELSE pg_catalog.pg_get_function_identity_arguments(p.oid) END || ') ('
       || 'SFUNC = ' || a.aggtransfn::regproc::text
       || ', STYPE = ' || pg_catalog.format_type(a.aggtranstype, NULL)
       || CASE WHEN a.aggtransspace <> 0 THEN ', SSPACE = ' || a.aggtransspace ELSE '' END
       || {_fn('aggfinalfn', 'FINALFUNC')}
       || CASE WHEN a.aggfinalextra THEN ', FINALFUNC_EXTRA' ELSE '' END
       || CASE a.aggfinalmodify WHEN 's' THEN ', FINALFUNC_MODIFY = SHAREABLE'
                                WHEN 'w' THEN ', FINALFUNC_MODIFY = READ_WRITE' ELSE '' END
       || {_fn('aggcombinefn', 'COMBINEFUNC')} || {_fn('aggserialfn', 'SERIALFUNC')}
       || {_fn('aggdeserialfn', 'DESERIALFUNC')}
       || coalesce(', INITCOND = ' || pg_catalog.quote_literal(a.agginitval), '')
       || {_fn('aggmtransfn', 'MSFUNC')} || {_fn('aggminvtransfn', 'MINVFUNC')}
       || CASE WHEN a.aggmtranstype <> 0 THEN ', MSTYPE = ' || pg_catalog.format_type(a.aggmtranstype, NULL)
               ELSE '' END
       || CASE WHEN a.aggmtransspace <> 0 THEN ', MSSPACE = ' || a.aggmtransspace ELSE '' END
       || {_fn('aggmfinalfn', 'MFINALFUNC')}
       || CASE WHEN a.aggmfinalextra THEN ', MFINALFUNC_EXTRA' ELSE '' END
       || CASE WHEN a.aggmtransfn <> 0 THEN CASE a.aggmfinalmodify WHEN 's' THEN ', MFINALFUNC_MODIFY = SHAREABLE'
                                          WHEN 'w' THEN ', MFINALFUNC_MODIFY = READ_WRITE' ELSE '' END ELSE '' END
       || coalesce(', MINITCOND = ' || pg_catalog.quote_literal(a.aggminitval), '')
       || CASE WHEN a.aggsortop <> 0 THEN ', SORTOP = ' || a.aggsortop::regoper::text ELSE '' END
       || CASE p.proparallel WHEN 's' THEN ', PARALLEL = SAFE' WHEN 'r' THEN ', PARALLEL = RESTRICTED' ELSE '' END
       || CASE WHEN a.aggkind = 'h' THEN ', HYPOTHETICAL' ELSE '' END
       || ');'
FROM pg_catalog.pg_aggregate a JOIN pg_catalog.pg_proc p ON p.oid = a.aggfnoid
JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
WHERE p.pronamespace IN {_USER_NS} AND {_not_ext('pg_proc', 'p.oid')}
ORDER BY p.oid::regprocedure::text"""
