"""Pause Python's cyclic garbage collector around the big build-a-catalog steps.

Why: parsing a schema allocates millions of small dicts and lists (the parser's JSON,
the normalized expression trees, the frozen model), none of which form garbage cycles.
Each allocation burst triggers generation-2 collections that walk everything built so
far, so collection time grows with the square of the schema: at 1,000 tables it was half
of `plan`'s wall time. Reference counting still frees everything as usual meanwhile.
"""
from __future__ import annotations

import functools
import gc
from typing import Callable, TypeVar

F = TypeVar("F", bound=Callable)


def gc_paused(fn: F) -> F:
    """Run `fn` with the cyclic collector off; nested uses keep it off until the outermost returns."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return fn(*args, **kwargs)
        finally:
            if was_enabled:
                gc.enable()
    return wrapper  # type: ignore[return-value]
