from .catalog import DEFAULT_SCHEMA, Catalog
from .renames import RenameHint
from .names import ObjectRef, QualifiedName, quote_ident, quote_literal, ref
from .objects import (Carried, Column, CompositeType, Constraint, DefaultPrivilege, Domain, DomainCheck, EnumType, Expr,
                      Extension, Function, FunctionName, Grant, Index, Owner, OwnerPrivileges, Policy, RangeType, Schema, Sequence,
                      SequenceOptions, Table, Trigger, View)

__all__ = ["DEFAULT_SCHEMA", "Catalog", "ObjectRef", "QualifiedName", "quote_ident", "quote_literal", "ref",
           "Column", "Constraint", "EnumType", "Expr", "Extension", "Index", "Schema", "Sequence",
           "SequenceOptions", "Table", "CompositeType", "DefaultPrivilege", "Domain", "DomainCheck", "Function",
           "FunctionName", "Grant", "Owner", "OwnerPrivileges", "Policy", "RangeType", "Trigger", "View", "Carried",
           "RenameHint"]
