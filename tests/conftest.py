from fix_db import db, pg  # noqa: F401 - fixtures

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
