"""Run the rules: configuration, selection, suppression, ordering."""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Iterable

from ..errors import ConfigError
from ..introspect.sizes import table_sizes  # noqa: F401 - part of lint's API
from ..model import Catalog
from ..model.objects import DATABASE
from . import rules as _rules  # noqa: F401 - registers the rules
from .findings import SEVERITIES, Finding
from .registry import RULES, Rule
from .rules.plan import PlanContext
from .suppress import clear_cache, ignored_rules

FAIL_ON = (*SEVERITIES, "never")


@dataclass(frozen=True)
class LintConfig:
    """[tool.schemadiff.lint]: which rules run and when lint fails."""

    disable: frozenset[str] = frozenset()
    enable: frozenset[str] = frozenset()  # opt-in rules to run
    fail_on: str = "warning"
    big_table_rows: int = 100_000
    big_table_bytes: int = 100 * 1024 * 1024

    def active(self, target: str) -> list[Rule]:
        return [r for r in RULES.values() if r.target == target and r.id not in self.disable
                and (not r.opt_in or r.id in self.enable)]


_KEYS = {"disable", "enable", "fail-on", "big-table-rows", "big-table-size"}
_UNITS = {"": 1, "b": 1, "kb": 1024, "mb": 1024 ** 2, "gb": 1024 ** 3, "tb": 1024 ** 4}


def lint_config(section: dict | None, *, disable: Iterable[str] = (), enable: Iterable[str] = (),
                fail_on: str | None = None, where: str = "[tool.schemadiff.lint]") -> LintConfig:
    """Validate a [tool.schemadiff.lint] table, command-line choices winning over it."""
    section = dict(section or {})
    unknown = set(section) - _KEYS
    if unknown:
        raise ConfigError(f"{where}: unknown keys: {', '.join(sorted(unknown))} "
                          f"(known: {', '.join(sorted(_KEYS))})")
    dis = set(_rule_ids(section.get("disable", []), "disable", where)) | set(_rule_ids(disable, "--disable", where))
    en = set(_rule_ids(section.get("enable", []), "enable", where)) | set(_rule_ids(enable, "--enable", where))
    dis -= set(enable)  # --enable on the command line wins over the file's disable
    level = fail_on or section.get("fail-on", "warning")
    if level not in FAIL_ON:
        raise ConfigError(f"{where}: fail-on must be one of {', '.join(FAIL_ON)}, not {level!r}")
    rows = section.get("big-table-rows", 100_000)
    if not isinstance(rows, int) or isinstance(rows, bool) or rows < 0:
        raise ConfigError(f"{where}: big-table-rows must be a non-negative integer")
    size = _size(section.get("big-table-size", "100MB"), where)
    return LintConfig(frozenset(dis), frozenset(en), level, rows, size)


def _rule_ids(value, key: str, where: str) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: {key} must be a list of rule ids")
    bad = [v for v in value if v not in RULES]
    if bad:
        raise ConfigError(f"{where}: {key}: unknown rule(s) {', '.join(bad)} (see `schemadiff lint --list-rules`)")
    return list(value)


def _size(value, where: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if isinstance(value, str):
        text = value.strip().lower().replace(" ", "")
        num = text.rstrip("abcdefghijklmnopqrstuvwxyz")
        unit = text[len(num):]
        if num.replace(".", "", 1).isdigit() and unit in _UNITS:
            return int(float(num) * _UNITS[unit])
    raise ConfigError(f"{where}: big-table-size must be bytes or a size like '100MB', not {value!r}")


def _finish(findings: list[Finding]) -> list[Finding]:
    # Objects read from a database carry positions in the introspector's text: not a place to show.
    findings = [replace(f, location=DATABASE) if f.location.file == DATABASE.file else f for f in findings]
    kept = [f for f in findings if f.rule not in ignored_rules(f.location)]
    order = {s: i for i, s in enumerate(reversed(SEVERITIES))}
    return sorted(set(kept), key=lambda f: (f.location.file, f.location.line, order[f.severity], f.rule, f.object,
                                            f.message))


def lint_catalog(catalog: Catalog, config: LintConfig = LintConfig()) -> list[Finding]:
    """The findings of the active schema rules, minus those ignored by comments, in file order."""
    clear_cache()
    findings: list[Finding] = []
    for r in config.active("schema"):
        findings += r.run(catalog)
    return _finish(findings)


def lint_plan(context: PlanContext, config: LintConfig = LintConfig()) -> list[Finding]:
    """The findings of the active plan rules (the plan's hazards, weighed by table size)."""
    clear_cache()
    findings: list[Finding] = []
    for r in config.active("plan"):
        findings += r.run(context)
    return _finish(findings)


def failing(findings: list[Finding], fail_on: str) -> list[Finding]:
    if fail_on == "never":
        return []
    return [f for f in findings if f.at_least(fail_on)]
