"""Findings -> text, JSON, or GitHub workflow annotations."""
from __future__ import annotations

import json
import os
from collections import Counter

from ..errors import Location
from .findings import SEVERITIES, Finding


def display_path(file: str) -> str:
    """A path relative to the working directory when it lies below it (annotations need that)."""
    if not file or file in ("database", "<sql>") or not os.path.isabs(file):
        return file
    try:
        rel = os.path.relpath(file)
    except ValueError:
        return file
    return file if rel.startswith("..") else rel


def _where(loc: Location) -> str:
    path = display_path(loc.file)
    return f"{path}:{loc.line}" if loc.line else path


def summary(findings: list[Finding]) -> str:
    if not findings:
        return "no findings"
    counts = Counter(f.severity for f in findings)
    parts = [f"{counts[s]} {s}{'s' if counts[s] != 1 and s != 'info' else ''}" for s in reversed(SEVERITIES)
             if counts[s]]
    return f"{len(findings)} finding{'s' if len(findings) != 1 else ''}: " + ", ".join(parts)


def findings_text(findings: list[Finding]) -> str:
    out = []
    for f in findings:
        out.append(f"{_where(f.location)}: {f.severity}: {f.rule}: {f.message}")
        if f.fix:
            out.append(f"  fix: {f.fix}")
    return "".join(line + "\n" for line in out)


def findings_json(findings: list[Finding], fail_on: str) -> str:
    failing = [f for f in findings if fail_on != "never" and f.at_least(fail_on)]
    doc = {
        "findings": [{"rule": f.rule, "severity": f.severity, "object": f.object,
                      "file": display_path(f.location.file) if f.location.line else None,
                      "line": f.location.line or None, "message": f.message, "fix": f.fix} for f in findings],
        "summary": {s: sum(1 for f in findings if f.severity == s) for s in SEVERITIES},
        "fail_on": fail_on,
        "failed": bool(failing),
    }
    return json.dumps(doc, indent=2) + "\n"


_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def _escape_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(s: str) -> str:
    return _escape_data(s).replace(":", "%3A").replace(",", "%2C")


def findings_github(findings: list[Finding]) -> str:
    """GitHub Actions workflow commands: ::warning file=f,line=n,title=rule::message."""
    out = []
    for f in findings:
        props = []
        if f.location.line:
            props += [f"file={_escape_property(display_path(f.location.file))}", f"line={f.location.line}"]
        props.append(f"title={_escape_property(f.rule)}")
        message = f.message + (f"\nfix: {f.fix}" if f.fix else "")
        out.append(f"::{_LEVEL[f.severity]} {','.join(props)}::{_escape_data(message)}")
    return "".join(line + "\n" for line in out)
