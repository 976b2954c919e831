"""Moved to schemadiff/model/naming.py: the diff and the plan choose names the server's way too,
and they import nothing of the parser.  The parse modules keep importing it from here."""
from __future__ import annotations

from ..model.naming import (NAMEDATALEN, choose_name, index_column_names, make_object_name,  # noqa: F401
                            name_addition)
