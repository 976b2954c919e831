"""The rule registry: `@rule("fk-without-index", severity="warning")` registers a function.

Why a registry: the CLI, the config check and the generated docs all list the
rules from one place, and a rule is one decorated function in one small module.
Every rule documents itself in a fixed shape (ruff's rule docs): its docstring
starts with a one-line summary followed by the sections "What it does:",
"Why it matters:", "Example:" and "Fix:"; registration refuses anything else,
so docs/lint-rules.md can be generated from the docstrings.
"""
from __future__ import annotations

import inspect
import re
import textwrap
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from .findings import SEVERITIES, Finding, Report

SECTIONS = ("What it does", "Why it matters", "Example", "Fix")
TARGETS = ("schema", "plan")

RuleFunction = Callable[..., Iterable[Report]]


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str  # the default (and, for plan rules, the highest) severity
    target: str  # "schema": Catalog -> reports; "plan": PlanContext -> reports
    opt_in: bool
    function: RuleFunction = field(repr=False, compare=False)
    summary: str = ""
    sections: tuple[tuple[str, str], ...] = ()  # (title, text) in SECTIONS order

    def run(self, subject: Any) -> list[Finding]:
        return [Finding(self.id, r.severity or self.severity, r.object, r.location, r.message, r.fix)
                for r in self.function(subject)]

    def section(self, title: str) -> str:
        return dict(self.sections)[title]


RULES: dict[str, Rule] = {}


def rule(rule_id: str, *, severity: str, target: str = "schema", opt_in: bool = False
         ) -> Callable[[RuleFunction], RuleFunction]:
    """Register a lint rule; registering an id twice raises."""
    if severity not in SEVERITIES:
        raise ValueError(f"rule {rule_id}: severity must be one of {', '.join(SEVERITIES)}")
    if target not in TARGETS:
        raise ValueError(f"rule {rule_id}: target must be one of {', '.join(TARGETS)}")
    if not re.fullmatch(r"[a-z][a-z0-9-]*", rule_id):
        raise ValueError(f"rule id {rule_id!r}: lowercase words joined by '-'")

    def register(fn: RuleFunction) -> RuleFunction:
        if rule_id in RULES:
            raise RuntimeError(f"lint rule {rule_id} is registered twice")
        summary, sections = parse_doc(rule_id, fn.__doc__ or "")
        RULES[rule_id] = Rule(rule_id, severity, target, opt_in, fn, summary, sections)
        return fn

    return register


def parse_doc(rule_id: str, doc: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """Summary line and the four sections of a rule's docstring (see the module docstring)."""
    text = inspect.cleandoc(doc)
    if not text:
        raise ValueError(f"rule {rule_id} has no docstring")
    summary, _, rest = text.partition("\n")
    found: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in rest.splitlines():
        header = line.rstrip().removesuffix(":")
        if line.rstrip().endswith(":") and not line.startswith(" ") and header in SECTIONS:
            if header in found:
                raise ValueError(f"rule {rule_id}: section {header!r} appears twice")
            current = found[header] = []
        elif current is not None:
            current.append(line)
        elif line.strip():
            raise ValueError(f"rule {rule_id}: text before the first section: {line.strip()!r}")
    if list(found) != list(SECTIONS):
        raise ValueError(f"rule {rule_id}: the docstring needs the sections {', '.join(SECTIONS)} in this "
                         f"order, each as 'Title:' on a line of its own; found {', '.join(found) or 'none'}")
    sections = []
    for title in SECTIONS:
        body = textwrap.dedent("\n".join(found[title])).strip("\n").rstrip()
        if not body:
            raise ValueError(f"rule {rule_id}: section {title!r} is empty")
        sections.append((title, body))
    return summary.strip(), tuple(sections)
