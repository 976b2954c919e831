"""Every plan is proved by applying it.

For each case in tests/fixtures/roundtrip/<case>/{a.sql,b.sql} and each of the
four directions (a->b, b->a, empty->b, b->empty) a fresh database is loaded
with the 'from' SQL, the 'to' SQL is written to a schema directory, and the
plan computed through the Python API is applied.  Then:

1. planning again gives nothing (the plan converged, and says so);
2. the migrated database equals a reference database loaded directly with the
   'to' SQL, both as schemadiff reads it (Catalog equality) and as the shared
   conformance harness fingerprints it from pg_catalog (acl and validity
   sections aside), so that the test does not only trust schemadiff's eyes.

Besides, `load_schema(sql) == inspect_database(db loaded with sql)` for every
fixture file: the cheapest test of normalization.

A case directory may hold a marker file naming the oldest server it needs
(`pg15`); on an older server the case is skipped with that reason.
"""
from __future__ import annotations

import re

from collections.abc import Mapping, Set as AbstractSet
from dataclasses import dataclass, fields, is_dataclass
from pathlib import Path

import pglast
import pytest
from fix_harness import TOOLS, harness
from schemadiff.apply import apply_plan
from schemadiff.diff import diff_catalogs
from schemadiff.errors import UnsupportedChange
from schemadiff.introspect.catalog import inspect_database
from schemadiff.model import Catalog
from schemadiff.parse import load_schema
from schemadiff.plan import plan_migration

pytestmark = pytest.mark.db

FIXTURES = Path(__file__).parent / "fixtures" / "roundtrip"
CASES = sorted(d.name for d in FIXTURES.iterdir() if (d / "a.sql").is_file() and (d / "b.sql").is_file())
DIRECTIONS = {
    "a-to-b": ("a", "b"),
    "b-to-a": ("b", "a"),
    "empty-to-b": (None, "b"),
    "b-to-empty": ("b", None),
}
# Marker file in a case directory -> the server_version_num it needs.
VERSION_MARKERS = {"pg15": 150000, "pg16": 160000, "pg17": 170000, "pg18": 180000}
IGNORED_SECTIONS = ("acl", "validity")

# "<case>/<direction>" -> why it fails today.  Each is a bug in schemadiff,
# kept as a strict xfail so that the fix shows up as XPASS.
KNOWN_BUGS: dict[str, str] = {
}
# "<case>/<direction>" -> what the plan must refuse, by design, instead of converging (UnsupportedChange).
REFUSED: dict[str, str] = {
    # Removing a value from an enum that types a partition key: the server cannot retype the key
    # in place; only a new table filled from the old could, which schemadiff does not do.
    "enum_partition_key/b-to-a": "part of the partition key of public.shop",
}
# "<case>/<a|b>" -> why parse(sql) != introspect(db loaded with sql) today.
KNOWN_PARSE_BUGS: dict[str, str] = {
}


def _params(ids, bugs):
    out = []
    for id_ in ids:
        marks = [pytest.mark.xfail(strict=True, reason=bugs[id_])] if id_ in bugs else []
        out.append(pytest.param(*id_.split("/"), id=id_, marks=marks))
    return out


def _sql(case: str, side: str | None) -> str:
    return "" if side is None else (FIXTURES / case / f"{side}.sql").read_text()


def _require_version(pg, case: str) -> None:
    for marker, version in VERSION_MARKERS.items():
        if (FIXTURES / case / marker).exists() and pg.version_num < version:
            pytest.skip(f"case {case} needs PostgreSQL {version // 10000}+ "
                        f"(marker file {marker}); the server is {pg.version}")


def _fingerprint(dsn: str) -> dict[str, list[str]] | None:
    converge = harness()
    if converge is None:
        return None
    fp = converge.fingerprint(dsn)
    return without_own_schema({k: v for k, v in fp.items() if k not in IGNORED_SECTIONS})


def without_own_schema(fp: dict[str, list[str]]) -> dict[str, list[str]]:
    """A fingerprint less the lines about schema schemadiff (sections left empty go too)."""
    kept = {k: [line for line in v if not _OWN_SCHEMA.search(line)] for k, v in fp.items()}
    return {k: v for k, v in kept.items() if v or not fp[k]}


# Schema schemadiff is where apply keeps its own history (schemadiff/history.py), outside the
# user's schema: it is left out of plans and dumps, and so of the comparison.
_OWN_SCHEMA = re.compile(r"(^|[\s(])schemadiff(\.|\s|$)")


@dataclass
class Reference:
    catalog: Catalog
    fingerprint: dict[str, list[str]] | None


@pytest.fixture(scope="session")
def references(scratch):
    """What a database loaded directly with some SQL looks like, per distinct text (per test process)."""
    cache: dict[str, Reference] = {}

    def get(sql: str) -> Reference:
        if sql not in cache:
            dsn = scratch.load("reference", sql)
            cache[sql] = Reference(inspect_database(dsn), _fingerprint(dsn))
        return cache[sql]

    return get


def _explain(a, e, path: str) -> list[str]:
    """The smallest differing parts of two model values, one line each."""
    if a == e:
        return []
    if is_dataclass(a) and type(a) is type(e):
        out = []
        for f in fields(a):
            if f.compare:
                out += _explain(getattr(a, f.name), getattr(e, f.name), f"{path}.{f.name}")
        return out or [f"{path}: {a!r} != {e!r}"]
    if isinstance(a, tuple) and isinstance(e, tuple) and all(hasattr(x, "name") for x in a + e):
        names_a, names_e = [x.name for x in a], [x.name for x in e]
        if names_a != names_e and sorted(map(str, names_a)) == sorted(map(str, names_e)):
            return [f"{path}: order {names_a} != {names_e}"]
        by_a, by_e = {x.name: x for x in a}, {x.name: x for x in e}
        out = []
        for name in sorted(set(by_a) | set(by_e), key=str):
            out += _explain(by_a.get(name), by_e.get(name), f"{path}[{name}]")
        return out
    return [f"{path}:\n    actual:   {a!r}\n    expected: {e!r}"]


def catalog_differences(actual: Catalog, expected: Catalog) -> list[str]:
    """Readable lines for what differs between two catalogs (objects by identity)."""
    lines = []
    for f in fields(Catalog):
        if not f.compare:
            continue
        a, e = getattr(actual, f.name), getattr(expected, f.name)
        if a == e:
            continue
        if isinstance(a, Mapping) and isinstance(e, Mapping):
            for key in sorted(set(a) | set(e), key=str):
                lines += _explain(a.get(key), e.get(key), f"{f.name}[{key}]")
        elif isinstance(a, AbstractSet) and isinstance(e, AbstractSet):
            lines += [f"{f.name}: only in actual:   {x!r}" for x in sorted(a - e, key=repr)]
            lines += [f"{f.name}: only in expected: {x!r}" for x in sorted(e - a, key=repr)]
        else:
            lines.append(f"{f.name}:\n  actual:   {a!r}\n  expected: {e!r}")
    return lines


def _plan_text(plan) -> str:
    return "\n".join(s.sql for s in plan.steps) or "(empty)"


@pytest.mark.parametrize(("case", "direction"),
                         _params([f"{c}/{d}" for c in CASES for d in DIRECTIONS], KNOWN_BUGS))
def test_plan_converges(pg, scratch, references, tmp_path, case, direction):
    _require_version(pg, case)
    src, dst = DIRECTIONS[direction]
    from_sql, to_sql = _sql(case, src), _sql(case, dst)
    dsn = scratch.load("migrated", from_sql)
    schema_dir = tmp_path / "schema"
    schema_dir.mkdir()
    (schema_dir / "schema.sql").write_text(to_sql)

    desired = load_schema([schema_dir])
    if f"{case}/{direction}" in REFUSED:
        with pytest.raises(UnsupportedChange, match=re.escape(REFUSED[f"{case}/{direction}"])):
            plan_migration(inspect_database(dsn), desired)
        return
    plan = plan_migration(inspect_database(dsn), desired)
    assert plan, f"{case}: {src or 'empty'} and {dst or 'empty'} differ, yet the plan is empty"
    for step in plan.steps:
        assert len(pglast.parse_sql(step.sql)) == 1, f"not exactly one statement: {step.sql}"

    apply_plan(dsn, plan)

    migrated = inspect_database(dsn)
    again = plan_migration(migrated, desired)
    assert not again, ("a second plan is not empty.\nfirst plan:\n" + _plan_text(plan)
                       + "\n\nsecond plan:\n" + _plan_text(again))

    ref = references(to_sql)
    assert migrated == ref.catalog, ("migrated database differs from the reference (schemadiff's view):\n"
                                     + "\n".join(catalog_differences(migrated, ref.catalog))
                                     + "\n\nplan:\n" + _plan_text(plan))

    if ref.fingerprint is None:
        pytest.skip(f"the conformance harness is not checked out at {TOOLS}; "
                    "only schemadiff's own view was compared")
    fp = _fingerprint(dsn)
    if fp != ref.fingerprint:
        lines = harness().fingerprint_diff(ref.fingerprint, fp, max_lines=60)
        pytest.fail("migrated database differs from the reference (catalog fingerprint; "
                    "'-' reference, '+' migrated):\n" + "\n".join(lines) + "\n\nplan:\n" + _plan_text(plan))


@pytest.mark.parametrize(("case", "side"),
                         _params([f"{c}/{s}" for c in CASES for s in ("a", "b")], KNOWN_PARSE_BUGS))
def test_parse_equals_introspect(pg, references, case, side):
    _require_version(pg, case)
    sql = _sql(case, side)
    parsed = load_schema([FIXTURES / case / f"{side}.sql"])
    introspected = references(sql).catalog
    assert parsed == introspected, ("parse(sql) != introspect(db loaded with sql):\n"
                                    + "\n".join(catalog_differences(parsed, introspected))
                                    + "\n\nchanges it would plan:\n"
                                    + "\n".join(c.description for c in diff_catalogs(introspected, parsed)))


def test_fixture_cases_are_many_and_distinct():
    """The cases cover the table family: guard against a directory going missing."""
    assert len(CASES) >= 30
    for case in CASES:
        assert _sql(case, "a").strip() != _sql(case, "b").strip(), case
