"""@value builds the same objects a frozen, slotted dataclass would, only faster."""
from __future__ import annotations

import dataclasses
import pickle

import pytest

from schemadiff.model.values import value


@value
class Sample:
    name: str
    size: int = 3
    tags: tuple = dataclasses.field(default_factory=tuple)
    note: str | None = dataclasses.field(default=None, compare=False)


@value(order=True)
class Ordered:
    a: int
    b: str = ""


@value
class Derived:
    raw: object
    doubled: object = None

    def __post_init__(self):
        object.__setattr__(self, "doubled", self.raw * 2)


@dataclasses.dataclass(frozen=True, slots=True)
class Plain:
    name: str
    size: int = 3
    tags: tuple = dataclasses.field(default_factory=tuple)
    note: str | None = dataclasses.field(default=None, compare=False)


@pytest.mark.parametrize("args, kwargs", [(("x",), {}), (("x", 5), {}), ((), {"name": "x", "tags": (1,)}),
                                          (("x",), {"note": "n", "size": 0})])
def test_same_fields_as_the_dataclass(args, kwargs):
    ours, theirs = Sample(*args, **kwargs), Plain(*args, **kwargs)
    assert dataclasses.astuple(ours) == dataclasses.astuple(theirs)
    assert Sample(*args, **kwargs) == ours and hash(Sample(*args, **kwargs)) == hash(ours)


def test_defaults_factories_and_errors_behave_like_the_dataclass():
    assert Sample("x").tags == () and Sample("x").size == 3
    assert Sample("x", note="a") == Sample("x", note="b")  # compare=False still holds
    with pytest.raises(TypeError):
        Sample()
    with pytest.raises(TypeError):
        Sample("x", color="red")
    with pytest.raises(dataclasses.FrozenInstanceError):
        Sample("x").name = "y"
    assert not hasattr(Sample("x"), "__dict__")


def test_post_init_replace_order_and_pickle():
    assert Derived(4).doubled == 8
    assert dataclasses.replace(Derived(4), raw=5).doubled == 10
    assert sorted([Ordered(2), Ordered(1, "b"), Ordered(1, "a")]) == [Ordered(1, "a"), Ordered(1, "b"), Ordered(2)]
    s = Sample("x", 1, (2,), "n")
    assert pickle.loads(pickle.dumps(s)) == s
