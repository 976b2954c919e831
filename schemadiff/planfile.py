"""Plan files: the plan a reviewer approved is the plan that runs.

`schemadiff plan -o plan.json` writes the statements with two fingerprints: of the live
schema the plan was made from, and of the schema files.  `schemadiff apply plan.json` runs
exactly those statements, after checking, under the apply lock, that the live schema still
has the fingerprint it had: a database changed since (another deploy, a hotfix by hand)
would make the reviewed statements wrong, so that is an error, never a silent re-plan.

Why the fingerprint is the SQL that would create the schema: it is the catalog as
schemadiff sees it (the same exclusions, the same normalization), deterministic by
construction, and independent of OIDs, creation order and statistics.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from .errors import ConfigError, SchemaDiffError
from .model import Catalog
from .plan import Plan, Step
from .plan.hazards import Hazard

FORMAT = "schemadiff-plan/1"


class PlanFileError(SchemaDiffError):
    """A plan file that cannot be read, or that no longer fits the database."""


def schema_fingerprint(catalog: Catalog) -> str:
    """sha256 of the statements that would create `catalog` from nothing."""
    from .plan import plan_migration
    statements = [s.sql for s in plan_migration(Catalog(), catalog).steps]
    return "sha256:" + hashlib.sha256("\n;\n".join(statements).encode()).hexdigest()


def files_fingerprint(files: list[Path]) -> str:
    digest = hashlib.sha256()
    for f in sorted(files):
        digest.update(str(f).encode() + b"\0" + f.read_bytes() + b"\0")
    return "sha256:" + digest.hexdigest()


@dataclass(frozen=True)
class PlanFile:
    plan: Plan
    live_fingerprint: str
    files_fingerprint: str
    exclude: tuple[str, ...]
    source: str
    created_at: str


def write_plan_file(path: Path, plan: Plan, live: Catalog, files: list[Path], exclude: list[str], source: str
                    ) -> None:
    from .history import plan_fingerprint
    data = {
        "format": FORMAT,
        "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "source": source,  # connection as rendered for messages: never a password
        "live_fingerprint": schema_fingerprint(live),
        "files_fingerprint": files_fingerprint(files),
        "plan_fingerprint": plan_fingerprint([s.sql for s in plan.steps]),
        "exclude": list(exclude),
        "steps": [{"sql": s.sql, "transactional": s.transactional, "group": s.group,
                   "hazards": [{"kind": h.kind, "reason": h.reason} for h in s.hazards]} for s in plan.steps],
    }
    try:
        Path(path).write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot write the plan file {path}: {exc.strerror or exc}") from None


def read_plan_file(path: Path) -> PlanFile:
    from .history import plan_fingerprint
    try:
        data = json.loads(Path(path).read_bytes().decode("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PlanFileError(f"cannot read the plan file {path}: {exc}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise PlanFileError(f"{path} is not a schemadiff plan file (format {FORMAT!r}): write one with "
                            f"`schemadiff plan -o {path}`")
    try:
        steps = tuple(Step(str(s["sql"]), None, tuple(Hazard(str(h["kind"]), str(h["reason"])) for h in s["hazards"]),
                           bool(s["transactional"]), int(s["group"])) for s in data["steps"])
        result = PlanFile(Plan(steps), str(data["live_fingerprint"]), str(data["files_fingerprint"]),
                          tuple(str(p) for p in data.get("exclude", [])), str(data.get("source", "")),
                          str(data.get("created_at", "")))
    except (KeyError, TypeError, ValueError) as exc:
        raise PlanFileError(f"{path}: malformed plan file ({type(exc).__name__}: {exc})") from None
    if plan_fingerprint([s.sql for s in steps]) != data.get("plan_fingerprint"):
        raise PlanFileError(f"{path}: its statements do not match its plan_fingerprint: the file was edited "
                            f"after it was written; plan again")
    return result
