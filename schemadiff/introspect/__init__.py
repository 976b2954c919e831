"""Introspection: a live database's schema as declarative SQL text (see inspector.py)."""
from .inspector import dump_schema_sql, server_version_num

__all__ = ["dump_schema_sql", "server_version_num"]
