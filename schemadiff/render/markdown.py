"""A plan as Markdown: a review-ready summary for a pull request comment."""
from __future__ import annotations

from collections import Counter

from ..plan import Plan


def plan_markdown(plan: Plan, diagram: str | None = None) -> str:
    """`diagram`: the path or URL of the plan's diagram (plan --diagram), shown under the summary."""
    if not plan:
        return "### schemadiff plan\n\nNo changes: the database matches the schema.\n"
    objects = sorted({str(c.target) for s in plan.steps if (c := s.change) is not None})
    hazards = Counter(h.kind for s in plan.steps if s.change is not None for h in s.hazards)
    out = ["### schemadiff plan", "",
           f"**{len(plan.steps)} statement(s)** touching **{len(objects)} object(s)**"
           + (f", **{len(plan.destructive_steps)} destructive**" if plan.destructive_steps else "") + ".", ""]
    if hazards:
        out += ["| hazard | statements |", "|---|---|"]
        out += [f"| `{k}` | {n} |" for k, n in sorted(hazards.items())]
        out.append("")
    if plan.destructive_steps:
        out += ["**Data loss:**", ""]
        out += [f"- `{s.sql.splitlines()[0]}`: {', '.join(h.reason for h in s.hazards if h.kind == 'data-loss')}"
                for s in plan.destructive_steps]
        out.append("")
    if diagram:
        out += [f"![What the plan changes: added, dropped and altered tables]({diagram})", "",
                f"[the diagram of the changes]({diagram})", ""]
    out += ["<details><summary>Objects changed</summary>", ""]
    out += [f"- `{o}`" for o in objects]
    out += ["", "</details>", "", "```sql"]
    for s in plan.steps:
        for h in s.hazards:
            out.append(f"-- hazard {h.kind}: {h.reason}")
        if not s.transactional:
            out.append("-- runs outside a transaction")
        out.append(s.sql)
    out += ["```", ""]
    return "\n".join(out)
