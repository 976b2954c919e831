"""Plans as SQL (what psql runs) and JSON (what machines read)."""
from __future__ import annotations

import json

from ..model import ObjectRef, quote_ident
from ..plan import Plan


def plan_sql(plan: Plan) -> str:
    """The plan as a SQL script; each hazard is a comment on the lines before its statement."""
    if not plan:
        return ""
    n_destructive = len(plan.destructive_steps)
    out = [f"-- schemadiff plan: {len(plan.steps)} statement(s)"
           + (f", {n_destructive} destructive" if n_destructive else "")]
    for step in plan.steps:
        out.append("")
        for h in step.hazards:
            out.append(f"-- hazard {h.kind}: {h.reason}")
        if not step.transactional:
            out.append("-- runs outside the transaction")
        out.append(step.sql)
    return "\n".join(out) + "\n"


def object_label(target: ObjectRef) -> str:
    """How --format json names what a statement changes: 'table public.t', 'function public.f(integer)',
    'comment on column public.t.c'."""
    if target.kind == "comment":
        return "comment on " + object_label(ObjectRef(target.path[-1], target.path[:-1]))
    if target.kind == "function" and len(target.path) == 3:
        schema, name, args = target.path
        return f"function {quote_ident(schema)}.{quote_ident(name)}({args})"
    return str(target)


def plan_json(plan: Plan) -> str:
    return json.dumps({
        "statements": [
            {
                "sql": s.sql,
                # A session setting at the top of an online plan comes from no change.
                "object": object_label(s.change.target) if s.change is not None else None,
                "change": s.change.kind if s.change is not None else None,
                "hazards": [{"kind": h.kind, "reason": h.reason} for h in s.hazards],
                "transactional": s.transactional,
            }
            for s in plan.steps
        ],
        "destructive": len(plan.destructive_steps),
    }, indent=2) + "\n"
