from .changes import Change
from .compare import diff_catalogs

__all__ = ["Change", "diff_catalogs"]
