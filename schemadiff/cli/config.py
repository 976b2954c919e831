"""[tool.schemadiff] in pyproject.toml; command-line flags win over it."""
from __future__ import annotations

import fnmatch
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from typing import TYPE_CHECKING, Callable

from ..errors import ConfigError
from ..settings import check_bool, check_count, check_duration

if TYPE_CHECKING:  # the model imports pglast: `schemadiff --help` needs neither
    from ..model import QualifiedName

_KEYS = {"schema", "exclude", "database_url_env", "online", "lock_timeout", "statement_timeout", "lock_retries",
         "lock_retry_delay", "apply_lock_wait", "groups", "lint",
         "ignore_data_statements", "source", "migrations", "migrations_order", "replay_setup", "cache"}
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass
class Config:
    project_dir: Path
    schema: list[str] = field(default_factory=lambda: ["schema"])
    exclude: list[str] = field(default_factory=list)
    database_url_env: str = "DATABASE_URL"
    database_url_env_set: bool = False  # named in the config: unset is then an error, not the embedded database
    groups: dict[str, list[str]] = field(default_factory=dict)
    online: bool = False
    lock_timeout: str | None = "5s"
    statement_timeout: str | None = None
    lock_retries: int = 3  # retries of a statement that ran out of lock_timeout
    lock_retry_delay: str | None = "1s"  # before the first retry; doubled each time
    apply_lock_wait: str | None = "10s"  # how long a second apply waits for the first to finish
    lint: dict = field(default_factory=dict)  # [tool.schemadiff.lint], checked by schemadiff.lint.lint_config
    # INSERT / UPDATE / DELETE / SELECT setval(...) in the schema files (Rails' structure.sql appends
    # INSERT INTO schema_migrations): skipped when true, an error naming each one when false.
    ignore_data_statements: bool = False
    env: str | None = None  # the [tool.schemadiff.env.NAME] applied over the rest, if any
    # Where the declared schema comes from (sources.py): the files in file order, or replayed.
    source: str = "files"
    migrations: str | None = None  # glob picking the migration files ("*.up.sql", "*/migration.sql")
    migrations_order: str = "name"  # or "numeric" (1_x before 10_y)
    replay_setup: list[str] = field(default_factory=list)  # files run before the migrations on replay
    cache: bool = True  # parsed catalogs kept in .schemadiff/cache (schemadiff/cache.py)

    def cache_dir(self) -> Path | None:
        """Where plan caches parsed catalogs, or None when the config or $SCHEMADIFF_CACHE says not to."""
        from ..cache import cache_enabled
        return self.project_dir / ".schemadiff" / "cache" if cache_enabled(self.cache) else None

    def source_spec(self):
        """The Source these settings describe (a --source flag has already been folded in)."""
        from ..sources import Source
        return Source(self.source, self.migrations, self.migrations_order,
                      tuple(self.project_dir / p for p in self.replay_setup), self.project_dir)


def find_project_dir(start: Path | None = None) -> Path:
    here = (start or Path.cwd()).resolve()
    for d in (here, *here.parents):
        if (d / "pyproject.toml").is_file():
            return d
    return here


def chosen_env() -> str | None:
    """The environment named by --env (on the command line, kept on the click context), else
    $SCHEMADIFF_ENV."""
    import click
    ctx = click.get_current_context(silent=True)
    return (ctx.meta.get("schemadiff.env") if ctx else None) or os.environ.get("SCHEMADIFF_ENV") or None


def load_config(start: Path | None = None, env: str | None = None) -> Config:
    """[tool.schemadiff], then [tool.schemadiff.env.NAME] over it for the chosen environment
    (`env`, else --env / $SCHEMADIFF_ENV): any key can differ per environment (the variable of
    the database URL, online mode, timeouts, exclude ...). An environment the config does not
    define is an error, never the defaults: `--env prod` must not plan against another database."""
    env = env or chosen_env()
    project = find_project_dir(start)
    cfg = Config(project)
    path = project / "pyproject.toml"
    if not path.is_file():
        if env:
            raise ConfigError(f"unknown environment {env!r}: there is no pyproject.toml with "
                              f"[tool.schemadiff.env.{env}] (looked in {project})")
        return cfg
    try:
        data = tomllib.loads(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (byte {exc.start}: {exc.reason})") from None
    except (tomllib.TOMLDecodeError, OSError) as exc:
        raise ConfigError(f"{path}: {exc}") from None
    tool = data.get("tool", {})
    if not isinstance(tool, dict):
        raise ConfigError(f"{path}: `tool` must be a table ([tool.*] sections), not {tool!r}")
    section = tool.get("schemadiff", {})
    if not isinstance(section, dict):
        raise ConfigError(f"{path}: [tool.schemadiff] must be a table")
    envs = section.get("env", {})
    if not isinstance(envs, dict) or not all(isinstance(v, dict) for v in envs.values()):
        raise ConfigError(f"{path}: [tool.schemadiff.env] must hold tables: [tool.schemadiff.env.NAME]")
    section = {k: v for k, v in section.items() if k != "env"}
    layers = [("[tool.schemadiff]", section)]
    if env:
        if env not in envs:
            known = ", ".join(sorted(envs)) or "none"
            raise ConfigError(f"{path}: unknown environment {env!r} (defined: {known}); add "
                              f"[tool.schemadiff.env.{env}], or pick one of them")
        layers.append((f"[tool.schemadiff.env.{env}]", envs[env]))
    for name, layer in layers:
        unknown = set(layer) - _KEYS - {"env"} if name == "[tool.schemadiff]" else set(layer) - _KEYS
        if unknown:
            raise ConfigError(f"{path}: unknown {name} keys: {', '.join(sorted(unknown))}")
        try:
            _apply_section(cfg, layer, path)
        except ConfigError as exc:
            raise ConfigError(f"{path}: {name} {exc}") from None
    cfg.env = env
    return cfg


def _apply_section(cfg: Config, section: dict, path: Path) -> None:
    """Each key checked by type and format; the error names the key."""
    if "schema" in section:
        cfg.schema = _str_list(section["schema"], "schema", path)
    if "exclude" in section:
        cfg.exclude = _str_list(section["exclude"], "exclude", path)
    if "database_url_env" in section:
        name = section["database_url_env"]
        if not isinstance(name, str) or not _ENV_NAME.fullmatch(name):
            raise ConfigError(f"database_url_env must name an environment variable, not {name!r}")
        cfg.database_url_env, cfg.database_url_env_set = name, True
    if "online" in section:
        cfg.online = check_bool(section["online"], "online")
    if "cache" in section:
        cfg.cache = check_bool(section["cache"], "cache")
    if "ignore_data_statements" in section:
        cfg.ignore_data_statements = check_bool(section["ignore_data_statements"], "ignore_data_statements")
    if "source" in section:
        from ..sources import SOURCES
        if section["source"] not in SOURCES:
            raise ConfigError(f"source must be one of {', '.join(SOURCES)}, not {section['source']!r}")
        cfg.source = section["source"]
    if "migrations" in section:
        if not isinstance(section["migrations"], str) or not section["migrations"].strip():
            raise ConfigError(f"migrations must be a glob such as '*.up.sql', not {section['migrations']!r}")
        cfg.migrations = section["migrations"]
    if "migrations_order" in section:
        from ..sources import ORDERS
        if section["migrations_order"] not in ORDERS:
            raise ConfigError(f"migrations_order must be one of {', '.join(ORDERS)}, "
                              f"not {section['migrations_order']!r}")
        cfg.migrations_order = section["migrations_order"]
    if "replay_setup" in section:
        cfg.replay_setup = _str_list(section["replay_setup"], "replay_setup", path)
    for key in ("lock_timeout", "statement_timeout", "lock_retry_delay", "apply_lock_wait"):
        if key in section:
            value = section[key]
            setattr(cfg, key, None if value is False else check_duration(value, key))
    if "lock_retries" in section:
        cfg.lock_retries = check_count(section["lock_retries"], "lock_retries")
    if "groups" in section:
        groups = section["groups"]
        if not isinstance(groups, dict):
            raise ConfigError("groups must be a table of name = [patterns]")
        cfg.groups = {str(k): _str_list(v, f"groups.{k}", path) for k, v in groups.items()}
    if "lint" in section:
        if not isinstance(section["lint"], dict):
            raise ConfigError("lint must be a table")
        cfg.lint = section["lint"]


def _str_list(value, key: str, path: Path) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    raise ConfigError(f"{key} must be a string or a list of strings, not {value!r}")


def database_url(cfg: Config) -> str | None:
    """The URL in the configured variable; None (the embedded database) only when no variable
    was named in the config and $DATABASE_URL is unset."""
    url = os.environ.get(cfg.database_url_env) or None
    if url is None and cfg.database_url_env_set:
        where = f"[tool.schemadiff.env.{cfg.env}]" if cfg.env else "[tool.schemadiff]"
        raise ConfigError(f"{where} database_url_env names ${cfg.database_url_env}, which is not set "
                          f"(or empty): set it, or pass --db; schemadiff will not fall back to the embedded "
                          f"database")
    return url


def exclusion(patterns: list[str]) -> Callable[[QualifiedName], bool]:
    """A predicate keeping names that no pattern matches ('schema.name', or 'name' alone)."""
    def keep(qn: QualifiedName) -> bool:
        full = f"{qn.schema}.{qn.name}"
        for p in patterns:
            if fnmatch.fnmatchcase(full, p) or ("." not in p and fnmatch.fnmatchcase(qn.name, p)):
                return False
        return True
    return keep
