"""The names PostgreSQL gives to objects declared without one.

Why: `PRIMARY KEY (id)` in a file and `t_pkey` in the catalog are the same
constraint; to match them (and to create objects under the same names a plain
`psql -f` would) we choose names exactly as the server does
(src/backend/commands/indexcmds.c and catalog/pg_constraint.c).
"""
from __future__ import annotations

NAMEDATALEN = 64


def _clip(name: str, nbytes: int) -> str:
    """Clip to at most nbytes of UTF-8 without splitting a character (pg_mbcliplen)."""
    raw = name.encode()
    if len(raw) <= nbytes:
        return name
    return raw[:nbytes].decode("utf-8", errors="ignore")


def make_object_name(name1: str, name2: str | None, label: str | None) -> str:
    n1 = len(name1.encode())
    n2 = len(name2.encode()) if name2 else 0
    overhead = (len(label) + 1 if label else 0) + (1 if name2 else 0)
    avail = NAMEDATALEN - 1 - overhead
    while n1 + n2 > avail:
        if n1 > n2:
            n1 -= 1
        else:
            n2 -= 1
    name = _clip(name1, n1)
    if name2:
        name += "_" + _clip(name2, n2)
    if label:
        name += "_" + label
    return name


def choose_name(name1: str, name2: str | None, label: str, taken: set[str]) -> str:
    """ChooseRelationName / ChooseConstraintName: add 1, 2, ... to the label until free."""
    modlabel, n = label, 0
    while True:
        name = make_object_name(name1, name2, modlabel)
        if name not in taken:
            taken.add(name)
            return name
        n += 1
        modlabel = f"{label}{n}"


def index_column_names(columns: list[str | None]) -> list[str]:
    """ChooseIndexColumnNames: expressions are "expr"; duplicates get numbers."""
    out: list[str] = []
    for col in columns:
        base = col or "expr"
        name, n = base, 0
        while name in out:
            n += 1
            name = make_object_name(base, None, None)[: NAMEDATALEN - 1 - len(str(n))] + str(n)
        out.append(name)
    return out


def name_addition(names: list[str]) -> str:
    """ChooseIndexNameAddition / ChooseForeignKeyConstraintNameAddition."""
    buf = ""
    for name in names:
        if buf:
            buf += "_"
        buf += name
        if len(buf.encode()) >= NAMEDATALEN:
            break
    return _clip(buf, NAMEDATALEN - 1)
