from .catalog import DEFAULT_SCHEMA, Catalog
from .names import ObjectRef, QualifiedName, quote_ident, quote_literal, ref
from .objects import (Column, Constraint, EnumType, Expr, Extension, Index, Schema, Sequence,
                      SequenceOptions, Table)

__all__ = ["DEFAULT_SCHEMA", "Catalog", "ObjectRef", "QualifiedName", "quote_ident", "quote_literal", "ref",
           "Column", "Constraint", "EnumType", "Expr", "Extension", "Index", "Schema", "Sequence",
           "SequenceOptions", "Table"]
