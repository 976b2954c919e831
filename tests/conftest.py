from fix_db import db, pg  # noqa: F401 - fixtures

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))


def pytest_addoption(parser):
    parser.addoption("--update-goldens", action="store_true", default=False,
                     help="rewrite the golden files under tests/fixtures/ from the current output")


import pytest  # noqa: E402


@pytest.fixture
def update_goldens(request) -> bool:
    """True under --update-goldens: tests rewrite their expected files instead of comparing."""
    return bool(request.config.getoption("--update-goldens"))
