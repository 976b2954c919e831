"""Shared test configuration: the database fixtures (fix_db.py), golden files, corpus markers."""
import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from fix_db import db, pg  # noqa: E402,F401 - fixtures
from fix_scratch import scratch  # noqa: E402,F401 - fixture

# The catalog cache (schemadiff/cache.py) is off: a test that patches the parser must see its
# patch run. tests/test_cache.py turns it on where it tests it.
os.environ.setdefault("SCHEMADIFF_CACHE", "0")

_CORPUS_PREFIXES = ("sqldef/", "pg-schema-diff/")


def pytest_addoption(parser):
    parser.addoption("--update-goldens", action="store_true", default=False,
                     help="rewrite the golden files under tests/fixtures/ from the current output")


def pytest_collection_modifyitems(config, items):
    """Tests parametrized over the conformance corpora are marked `corpus`: CI runs them on
    PostgreSQL 18 only, so that the second pass (PostgreSQL 15) stays short."""
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and any(p.startswith(_CORPUS_PREFIXES) for p in callspec.id.split("-")
                                        + [callspec.id]):
            item.add_marker(pytest.mark.corpus)


@pytest.fixture
def update_goldens(request) -> bool:
    """True under --update-goldens: tests rewrite their expected files instead of comparing."""
    return bool(request.config.getoption("--update-goldens"))


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """An empty working directory with a schema/ folder; no config, no $DATABASE_URL."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    (tmp_path / "schema").mkdir()
    return tmp_path
