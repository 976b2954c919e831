"""Finding: one problem a lint rule found, as a value."""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import Location

SEVERITIES = ("info", "warning", "error")  # ascending


def severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity)


@dataclass(frozen=True, slots=True, order=True)
class Finding:
    """What a rule reports: where, about which object, what is wrong and how to fix it.

    `object` is the object's kind and qualified name ("index public.users_email_idx").
    """

    rule: str
    severity: str  # one of SEVERITIES
    object: str
    location: Location
    message: str
    fix: str = ""

    def at_least(self, severity: str) -> bool:
        return severity_rank(self.severity) >= severity_rank(severity)


@dataclass(frozen=True, slots=True)
class Report:
    """What a rule function yields; the registry adds the rule id and its severity.

    `severity` overrides the rule's own (plan rules lower it on small tables).
    """

    object: str
    location: Location
    message: str
    fix: str = ""
    severity: str | None = None
