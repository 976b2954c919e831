"""lint: a schema (Catalog) or a migration plan -> findings, each with its fix.

Rules live in rules/, one small module per group, registered with `@rule`;
each documents itself (docs/lint-rules.md is generated from the docstrings).
"""
from .findings import SEVERITIES, Finding, Report
from .registry import RULES, Rule, rule
from .rules.plan import PlanContext, TableSize, tables_of
from .runner import FAIL_ON, LintConfig, failing, lint_catalog, lint_config, lint_plan, table_sizes

__all__ = ["FAIL_ON", "RULES", "SEVERITIES", "Finding", "LintConfig", "PlanContext", "Report", "Rule", "TableSize",
           "failing", "lint_catalog", "lint_config", "lint_plan", "rule", "table_sizes", "tables_of"]
