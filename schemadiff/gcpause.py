"""Pause Python's cyclic garbage collector around the big build-a-catalog steps.

Why: parsing a schema allocates millions of small dicts and lists (the parser's JSON,
the normalized expression trees, the frozen model), none of which form garbage cycles.
Each allocation burst triggers generation-2 collections that walk everything built so
far, so collection time grows with the square of the schema: at 1,000 tables it was half
of `plan`'s wall time. Reference counting still frees everything as usual meanwhile.

On the way out, what survived is frozen (gc.freeze) rather than left for the collector:
it is the catalog, immutable and kept to the end, and walking it once per generation
cost 3.3 s at 10,000 tables. The price is that a reference cycle made inside is never
freed, so the loaders make none: no recursive closures, no classes made per call
(tests/test_memory.py holds them to it).
"""
from __future__ import annotations

import functools
import gc
from typing import Callable, ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


def gc_paused(fn: Callable[P, R]) -> Callable[P, R]:
    """Run `fn` with the cyclic collector off; nested uses keep it off until the outermost returns."""
    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return fn(*args, **kwargs)
        finally:
            if was_enabled:
                # Everything allocated meanwhile is still in the youngest generation; the first
                # collection after enable() would walk it all, and each older generation again
                # later (3.3 s at 10,000 tables). What survived is long-lived: move it out of
                # the collector's sight.
                gc.freeze()
                gc.enable()
    return wrapper
