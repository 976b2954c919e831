"""[tool.schemadiff] in pyproject.toml; command-line flags win over it."""
from __future__ import annotations

import fnmatch
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ConfigError
from ..model import QualifiedName


@dataclass
class Config:
    project_dir: Path
    schema: list[str] = field(default_factory=lambda: ["schema"])
    exclude: list[str] = field(default_factory=list)
    database_url_env: str = "DATABASE_URL"
    groups: dict[str, list[str]] = field(default_factory=dict)
    online: bool = False
    lock_timeout: str | None = "5s"
    statement_timeout: str | None = None
    lint: dict = field(default_factory=dict)  # [tool.schemadiff.lint], checked by schemadiff.lint.lint_config
    # INSERT / UPDATE / DELETE / SELECT setval(...) in the schema files (Rails' structure.sql appends
    # INSERT INTO schema_migrations): skipped when true, an error naming each one when false.
    ignore_data_statements: bool = False


def find_project_dir(start: Path | None = None) -> Path:
    here = (start or Path.cwd()).resolve()
    for d in (here, *here.parents):
        if (d / "pyproject.toml").is_file():
            return d
    return here


def load_config(start: Path | None = None) -> Config:
    project = find_project_dir(start)
    cfg = Config(project)
    path = project / "pyproject.toml"
    if not path.is_file():
        return cfg
    try:
        data = tomllib.loads(path.read_text())
    except (tomllib.TOMLDecodeError, OSError) as exc:
        raise ConfigError(f"{path}: {exc}") from None
    section = data.get("tool", {}).get("schemadiff", {})
    if not isinstance(section, dict):
        raise ConfigError(f"{path}: [tool.schemadiff] must be a table")
    unknown = set(section) - {"schema", "exclude", "database_url_env", "online", "lock_timeout",
                              "statement_timeout", "groups", "lint", "ignore_data_statements"}
    if unknown:
        raise ConfigError(f"{path}: unknown [tool.schemadiff] keys: {', '.join(sorted(unknown))}")
    if "schema" in section:
        cfg.schema = _str_list(section["schema"], "schema", path)
    if "exclude" in section:
        cfg.exclude = _str_list(section["exclude"], "exclude", path)
    if "database_url_env" in section:
        cfg.database_url_env = str(section["database_url_env"])
    if "online" in section:
        cfg.online = bool(section["online"])
    if "ignore_data_statements" in section:
        if not isinstance(section["ignore_data_statements"], bool):
            raise ConfigError(f"{path}: [tool.schemadiff] ignore_data_statements must be true or false")
        cfg.ignore_data_statements = section["ignore_data_statements"]
    for key in ("lock_timeout", "statement_timeout"):
        if key in section:
            setattr(cfg, key, str(section[key]) if section[key] not in (None, "", False) else None)
    if "groups" in section:
        groups = section["groups"]
        if not isinstance(groups, dict):
            raise ConfigError(f"{path}: [tool.schemadiff.groups] must be a table of name = [patterns]")
        cfg.groups = {str(k): _str_list(v, f"groups.{k}", path) for k, v in groups.items()}
    if "lint" in section:
        if not isinstance(section["lint"], dict):
            raise ConfigError(f"{path}: [tool.schemadiff.lint] must be a table")
        cfg.lint = section["lint"]
    return cfg


def _str_list(value, key: str, path: Path) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    raise ConfigError(f"{path}: [tool.schemadiff] {key} must be a string or a list of strings")


def database_url(cfg: Config) -> str | None:
    return os.environ.get(cfg.database_url_env) or None


def exclusion(patterns: list[str]):
    """A predicate keeping names that no pattern matches ('schema.name', or 'name' alone)."""
    def keep(qn: QualifiedName) -> bool:
        full = f"{qn.schema}.{qn.name}"
        for p in patterns:
            if fnmatch.fnmatchcase(full, p) or ("." not in p and fnmatch.fnmatchcase(qn.name, p)):
                return False
        return True
    return keep
