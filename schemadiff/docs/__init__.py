"""docs: Catalog -> a Markdown documentation site with ER diagrams (see site.py for the layout)."""
from __future__ import annotations

from .site import GENERATED, Site, build_site
from .sync import Difference, check_site, write_site

__all__ = ["GENERATED", "Site", "build_site", "Difference", "check_site", "write_site"]
