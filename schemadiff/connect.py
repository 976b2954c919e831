"""Connections: one place that turns a URL into a connection or a clear error, and one
place that renders a connection for messages.

Why: a failed connection must say which host and why, and never print the password that
may be in the URL.  libpq's own messages quote the whole connection string when it does
not parse (an SQLAlchemy-style `postgresql+psycopg://`, a bad `%` escape), and a password
with an unescaped `/` or `@` makes it read the password as a host name, so messages are
built here from a parse of our own that never keeps the password, and any other text
that reaches the user goes through `redact`.
"""
from __future__ import annotations

import os
import re
from typing import Any
from urllib.parse import parse_qsl, unquote

import psycopg
from psycopg import sql
from psycopg.abc import Params

from .errors import ConnectionFailed

_SCHEME = re.compile(r"^(postgres(?:ql)?)(\+[A-Za-z0-9_]+)?://", re.IGNORECASE)
_KEY_VALUE = re.compile(r"(\w+)\s*=\s*('(?:[^'\\]|\\.)*'|\S+)")
_secrets: set[str] = set()  # every password seen in a DSN of this process, for redact()


def _unquote(text: str) -> str:
    try:
        return unquote(text, errors="strict")
    except UnicodeDecodeError:
        return text


def _parse(dsn: str) -> tuple[dict[str, str], list[str]]:
    """(host, port, dbname, user parameters; password candidates) of any DSN form, without libpq."""
    params: dict[str, str] = {}
    secrets: list[str] = []
    match = _SCHEME.match(dsn)
    if match:
        rest = dsn[match.end():]
        userinfo, head, query = _split_url(rest)
        if userinfo is not None:
            user, _, password = userinfo.partition(":")
            if user:
                params["user"] = _unquote(user)
            if password:
                secrets += [password, _unquote(password)]
        hostport, _, dbname = head.partition("/")
        if dbname:
            params["dbname"] = _unquote(dbname)
        if hostport.startswith("["):  # [ipv6]:port
            host, _, port = hostport[1:].partition("]")
            port = port.lstrip(":")
        else:
            host, _, port = hostport.rpartition(":") if hostport.count(":") == 1 else (hostport, "", "")
        if port and port.isdigit():
            params["port"] = port
        elif port:  # "u:pass?word@h": libpq reads a host u and a port pass; both are secret
            params.pop("user", None)
            host = "(unparsable URL)"
            secrets.append(port)
        if host:
            params["host"] = _unquote(host)
        pairs = parse_qsl(query, keep_blank_values=True)
    else:
        pairs = [(k, v[1:-1].replace("\\'", "'") if v.startswith("'") else v) for k, v in _KEY_VALUE.findall(dsn)]
    for key, value in pairs:
        if key == "password":
            secrets.append(value)
        elif key in ("host", "hostaddr", "port", "dbname", "user") and not (key == "hostaddr" and "host" in params):
            params["host" if key == "hostaddr" else key] = value
    return params, [s for s in secrets if s]


def _split_url(rest: str) -> tuple[str | None, str, str]:
    """(user part or None, host/dbname part, query) of a URL after its scheme.

    The user part ends at the last '@' before the first '?': a password may hold '@' and
    '/', while an '@' after the '?' belongs to the query (?user=a@b)."""
    before_query, _, _ = rest.partition("?")
    if "@" in before_query:
        at = before_query.rfind("@")
        userinfo, rest = rest[:at], rest[at + 1:]
    else:
        userinfo = None
    head, _, query = rest.partition("?")
    return userinfo, head, query


def describe(dsn: str) -> str:
    """user@host:port/dbname of a connection, for messages; never the password, whatever the
    URL form (postgresql+driver://, unescaped characters, bad escapes, key=value)."""
    params, secrets = _parse(dsn)
    _secrets.update(secrets)
    host = params.get("host") or os.environ.get("PGHOST") or "localhost"
    if host.startswith("/"):
        host = f"socket {host}"
    port = params.get("port") or os.environ.get("PGPORT")
    user = params.get("user") or os.environ.get("PGUSER")
    db = params.get("dbname") or os.environ.get("PGDATABASE") or user or ""
    text = f"{user + '@' if user else ''}{host}{':' + port if port else ''}/{db}"
    return redact(text)


def redact(text: str) -> str:
    """`text` with every password schemadiff has seen (in DSNs, $PGPASSWORD) masked."""
    secrets = set(_secrets)
    if os.environ.get("PGPASSWORD"):
        secrets.add(os.environ["PGPASSWORD"])
    for secret in sorted(secrets, key=len, reverse=True):
        if len(secret) >= 3:
            text = text.replace(secret, "********")
    return text


def remember(dsn: str) -> str:
    """Note the DSN's password for redact(); returns the DSN."""
    _secrets.update(_parse(dsn)[1])
    return dsn


def normalize(dsn: str) -> str:
    """The DSN libpq can read: an SQLAlchemy-style `postgresql+psycopg://` loses its driver part.

    A password with an unescaped '@', '/' or '%' would be misread by libpq (as a host, or a
    database name): that is refused here with a message that says how to write it.
    """
    remember(dsn)
    match = _SCHEME.match(dsn)
    if not match:
        return dsn
    dsn = "postgresql://" + dsn[match.end():]
    userinfo, head, _ = _split_url(dsn[len("postgresql://"):])
    hostport = head.partition("/")[0]
    if not hostport.startswith("[") and hostport.count(":") == 1 and not hostport.rpartition(":")[2].isdigit() \
            and hostport.rpartition(":")[2]:
        raise ConnectionFailed(describe(dsn), "the URL does not parse: its port is not a number (a password "
                               "with an unescaped '?' or '#'? percent-encode it: ? is %3F, # is %23)")
    if userinfo is not None:
        if "/" in userinfo or "@" in userinfo or re.search(r"%(?![0-9A-Fa-f]{2})", userinfo):
            raise ConnectionFailed(describe(dsn), "the user or password in the URL holds an unescaped '/', '@' "
                                   "or '%': percent-encode it (/ is %2F, @ is %40, % is %25), or pass the "
                                   "password in $PGPASSWORD or ~/.pgpass")
    return dsn


def connect(dsn: str, *, autocommit: bool = True, **settings: str | None) -> psycopg.Connection:
    """A connection, with `settings` (lock_timeout=..., statement_timeout=...) set for its session."""
    url = normalize(dsn)
    try:
        conn = psycopg.connect(url, autocommit=autocommit, connect_timeout=10)
    except psycopg.ProgrammingError as exc:
        raise ConnectionFailed(describe(dsn), f"invalid connection URL ({redact(_first_line(exc, dsn))})") from None
    except psycopg.OperationalError as exc:
        raise ConnectionFailed(describe(dsn), redact(_first_line(exc, dsn))) from None
    if settings:
        from .settings import set_session
        set_session(conn, **settings)
        if not autocommit:
            conn.commit()
    return conn


def scalar(conn: psycopg.Connection, query: str | sql.SQL | sql.Composed, params: Params | None = None) -> Any:
    """The first value of the one row `query` returns (a SELECT without FROM, an INSERT ... RETURNING).

    Why: fetchone() says None when no row comes back; these queries always return one."""
    row = conn.execute(query, params).fetchone()
    assert row is not None, f"no row from {query!r}"  # such a query always returns a row
    return row[0]


def _first_line(exc: Exception, dsn: str) -> str:
    text = str(exc).strip().replace(dsn, "<the URL>")
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    # libpq prefixes "connection failed: connection to server at ... failed:"; keep the reason.
    reason = lines[-1] if lines else type(exc).__name__
    if "password" in reason.lower() and "@" in reason:
        reason = "authentication failed"
    return reason
