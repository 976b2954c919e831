"""What every render/ddl*.py module uses: the renderer registry (@renders) and shared clauses.

Why a module of its own: ddl.py imports the other ddl_* modules so that their renderers are
registered; with the registry here, below all of them, none imports ddl.py back.
"""
from __future__ import annotations

from typing import Callable

from ..diff import Change

Renderer = Callable[[Change], list[str]]
RENDERERS: dict[str, Renderer] = {}


def renders(kind: str) -> Callable[[Renderer], Renderer]:
    def register(fn: Renderer) -> Renderer:
        if kind in RENDERERS:
            raise RuntimeError(f"two renderers for {kind}")
        RENDERERS[kind] = fn
        return fn
    return register


def options_delta(alter: str, old_options, new_options) -> list[str]:
    """RESET what went, SET what is new or changed: storage parameters of tables, views, columns."""
    old = dict(o.split("=", 1) for o in old_options)
    new = dict(o.split("=", 1) for o in new_options)
    out = []
    gone = sorted(set(old) - set(new))
    if gone:
        out.append(f"{alter} RESET ({', '.join(gone)});")
    changed = [f"{k}={v}" for k, v in sorted(new.items()) if old.get(k) != v]
    if changed:
        out.append(f"{alter} SET ({', '.join(changed)});")
    return out
