"""The lint rules, one module per group; importing this package registers them all."""
from . import comments, indexes, keys, partitions, plan, types  # noqa: F401
