"""`@value`: the frozen, slotted dataclass every model object is, with a faster constructor.

Why: a frozen dataclass's generated __init__ sets each field through a lookup of
object.__setattr__, and a 10,000-table schema builds 190,000 columns, 100,000 expressions
and 70,000 keys and indexes per side: the constructors alone were 0.5 s of a plan. This one
sets each slot through its descriptor (looked up once, when the class is made), which takes
half the time. Everything else, equality, hashing, ordering, repr, `dataclasses.replace`,
is the dataclass's own; the constructor takes the same arguments, defaults and factories
and calls __post_init__ the same way.

Pickling goes through the constructor too (`__reduce__`: the class and its field values, read
by one C-level attrgetter), not the dataclass's `__getstate__`/`__setstate__`, which loop over
the fields in Python: a cached catalog (schemadiff/cache.py) loads in a third of the time.
"""
from __future__ import annotations

from dataclasses import MISSING, dataclass, fields
from operator import attrgetter
from typing import Any, Callable, TypeVar, dataclass_transform, overload

T = TypeVar("T")


@overload
def value(cls: type[T], /) -> type[T]: ...
@overload
def value(cls: None = None, /, *, order: bool = False) -> Callable[[type[T]], type[T]]: ...


# dataclass_transform: type checkers see a frozen dataclass (fields, constructor, replace()).
@dataclass_transform(frozen_default=True)
def value(cls: type[T] | None = None, /, *, order: bool = False) -> type[T] | Callable[[type[T]], type[T]]:
    def wrap(c: type[T]) -> type[T]:
        c = dataclass(frozen=True, slots=True, order=order)(c)
        setattr(c, "__init__", _slot_init(c))  # setattr: assigning a method on a class is what this does
        setattr(c, "__reduce__", _reducer(c))
        return c
    return wrap if cls is None else wrap(cls)


def _slot_init(cls: type) -> Callable[..., None]:
    namespace: dict[str, Any] = {"_MISSING": MISSING}
    params, body = ["__value_self__"], []
    for i, f in enumerate(fields(cls)):
        if not f.init:
            raise TypeError(f"@value does not support init=False fields ({cls.__name__}.{f.name})")
        namespace[f"_set{i}"] = cls.__dict__[f.name].__set__
        if f.default is not MISSING:
            namespace[f"_default{i}"] = f.default
            params.append(f"{f.name}=_default{i}")
        elif f.default_factory is not MISSING:
            namespace[f"_factory{i}"] = f.default_factory
            params.append(f"{f.name}=_MISSING")
            body.append(f"if {f.name} is _MISSING: {f.name} = _factory{i}()")
        else:
            params.append(f.name)
        body.append(f"_set{i}(__value_self__, {f.name})")
    if hasattr(cls, "__post_init__"):
        body.append("__value_self__.__post_init__()")
    source = f"def __init__({', '.join(params)}):\n" + "".join(f"    {line}\n" for line in body or ["pass"])
    exec(source, namespace)  # noqa: S102 - generated from the class's own field names
    init: Callable[..., None] = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    return init


def _reducer(cls: type) -> Callable[[Any], tuple[type, tuple[Any, ...]]]:
    names = [f.name for f in fields(cls)]
    if len(names) == 1:
        one = attrgetter(names[0])

        def __reduce__(self: Any) -> tuple[type, tuple[Any, ...]]:
            return cls, (one(self),)
    else:
        get = attrgetter(*names)

        def __reduce__(self: Any) -> tuple[type, tuple[Any, ...]]:
            return cls, get(self)
    __reduce__.__qualname__ = f"{cls.__qualname__}.__reduce__"
    return __reduce__
