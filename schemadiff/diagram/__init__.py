"""diagram: Catalog -> ER diagram (DOT text; SVG/PNG/PDF through graphviz's `dot`)."""
from __future__ import annotations

from .dot import DiagramOptions, catalog_to_dot, select
from .groups import resolve_groups
from .relations import Relationship, relationships, view_reads
from .render import format_of, render_dot, write_diagram

__all__ = ["DiagramOptions", "catalog_to_dot", "select", "resolve_groups",
           "Relationship", "relationships", "view_reads", "format_of", "render_dot", "write_diagram"]
