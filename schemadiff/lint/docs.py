"""docs/lint-rules.md, generated from the rules' docstrings and registration."""
from __future__ import annotations

from .registry import RULES, Rule
from .runner import LintConfig

_TARGETS = {"schema": "Schema rules", "plan": "Plan rules (`schemadiff lint --plan`)"}


def _rule_section(r: Rule) -> list[str]:
    flags = [f"severity: **{r.severity}**"]
    if r.target == "plan" and r.id not in ("data-loss",) and r.severity == "warning":
        flags.append("info when the table is not big")
    if r.opt_in:
        flags.append("opt-in (off unless enabled)")
    out = [f"### `{r.id}`", "", f"{r.summary} ({'; '.join(flags)})", ""]
    for title, body in r.sections:
        out.append(f"**{title}.**")
        out.append("")
        if title == "Example":
            out += ["```sql", body, "```"]
        else:
            out += _with_sql_blocks(body)
        out.append("")
    return out


def _with_sql_blocks(body: str) -> list[str]:
    """Indented lines inside a section are SQL: fence them."""
    out: list[str] = []
    block: list[str] = []
    for line in body.splitlines():
        if line.startswith("    "):
            block.append(line[4:])
            continue
        if block and not line.strip():
            block.append("")
            continue
        if block:
            while block and not block[-1]:
                block.pop()
            out += ["```sql", *block, "```", ""]
            block = []
        out.append(line)
    if block:
        while block and not block[-1]:
            block.pop()
        out += ["", "```sql", *block, "```"] if out and out[-1] else ["```sql", *block, "```"]
    return out


def rules_markdown() -> str:
    """The whole docs/lint-rules.md page."""
    default = LintConfig()
    lines = [
        "# Lint rules",
        "",
        "<!-- Generated from the rule docstrings in schemadiff/lint/rules/ by",
        "     schemadiff.lint.docs.rules_markdown(); do not edit by hand:",
        "     python -c 'from schemadiff.lint.docs import write_docs; write_docs()' -->",
        "",
        "`schemadiff lint` checks the schema files (or `--db`, a live database) and, with `--plan`,",
        "the migration plan from the database to the files. Each finding prints as",
        "`file:line: severity: rule: message` followed by its fix; `--format json` and",
        "`--format github` (workflow annotations) are available. The exit code is 1 when a",
        f"finding is at or above `--fail-on` (default `{default.fail_on}`), 0 otherwise, 2 on errors.",
        "",
        "Configuration, in `pyproject.toml`:",
        "",
        "```toml",
        "[tool.schemadiff.lint]",
        'disable = ["varchar-length"]      # rules not to run',
        'enable = ["missing-comment"]      # opt-in rules to run',
        'fail-on = "warning"               # error | warning | info | never',
        "big-table-rows = 100000           # plan rules: a table this big (reltuples) ...",
        'big-table-size = "100MB"          # ... or this big (pg_total_relation_size) gets warnings',
        "```",
        "",
        "One object can be excused with a comment line directly above the statement that",
        "declares it: `-- schemadiff: ignore fk-without-index` (several rules: separate them",
        "with commas). Say why on the same or the next comment line.",
        "",
        "| rule | severity | checks |",
        "|---|---|---|",
    ]
    ordered = sorted(RULES.values(), key=lambda r: (list(_TARGETS).index(r.target), r.id))
    for r in ordered:
        opt = " (opt-in)" if r.opt_in else ""
        lines.append(f"| [`{r.id}`](#{r.id}) | {r.severity}{opt} | {r.summary} |")
    lines.append("")
    for target, title in _TARGETS.items():
        lines += [f"## {title}", ""]
        for r in ordered:
            if r.target == target:
                lines += _rule_section(r)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n"


def docs_path():
    from pathlib import Path
    return Path(__file__).resolve().parents[2] / "docs" / "lint-rules.md"


def write_docs() -> None:
    docs_path().write_text(rules_markdown(), encoding="utf-8")
