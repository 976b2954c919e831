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
    assert pickle.loads(pickle.dumps(s)).note == "n"  # compare=False fields travel too


@value
class One:
    only: int


def test_pickle_goes_through_the_constructor_with_every_field():
    assert pickle.loads(pickle.dumps(One(7))) == One(7)
    assert One(7).__reduce__() == (One, (7,))
    assert Sample("x", 1, (2,), "n").__reduce__() == (Sample, ("x", 1, (2,), "n"))


def test_a_catalog_pickles_whole_with_its_mappings_read_only_and_in_order():
    from types import MappingProxyType

    from schemadiff.parse import catalog_from_sql
    catalog = catalog_from_sql("CREATE TABLE b (id int PRIMARY KEY, n text DEFAULT 'x' CHECK (n <> ''));\n"
                               "CREATE TABLE a (id int);\nCREATE INDEX ON b (lower(n)) WHERE id > 0;\n"
                               "CREATE VIEW v AS SELECT id FROM a;\nCOMMENT ON TABLE a IS 'c';\n")
    copy = pickle.loads(pickle.dumps(catalog, protocol=pickle.HIGHEST_PROTOCOL))
    assert copy == catalog
    assert type(copy.tables) is MappingProxyType and list(copy.tables) == list(catalog.tables)
    assert [c.name for c in copy.tables[next(iter(copy.tables))].columns] == \
        [c.name for c in catalog.tables[next(iter(catalog.tables))].columns]
    assert copy.indexes == catalog.indexes and copy.views == catalog.views
