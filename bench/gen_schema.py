"""Deterministic generator of realistic schemas of N tables, and a mutator that changes ~5% of them.

Used by the catalog-scale benchmarks (bench_plan.py).  Same N and seed, same SQL, byte for byte.

    python bench/gen_schema.py 1000 > /tmp/s.sql            # base schema
    python bench/gen_schema.py 1000 --mutate > /tmp/m.sql   # the same with ~5% of it changed
"""
from __future__ import annotations

import argparse
import random

TYPES = ["integer", "bigint", "text", "varchar(100)", "numeric(12,2)", "boolean", "timestamptz", "date",
         "jsonb", "uuid", "smallint", "double precision", "text[]", "inet"]


def generate(n: int, seed: int = 42, mutate: bool = False) -> str:
    rnd = random.Random(seed)
    mut = random.Random(seed + 1)
    schemas = ["public"] + [f"app{i}" for i in range(max(0, min(4, n // 250)))]
    out = [f"CREATE SCHEMA {s};" for s in schemas[1:]]
    out.append("CREATE TYPE public.status AS ENUM ('new', 'active', 'done');")
    out.append("CREATE FUNCTION public.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
               "NEW.updated_at := now(); RETURN NEW; END $$;")
    tables: list[tuple[str, list[str]]] = []
    for i in range(n):
        schema = schemas[i % len(schemas)]
        name = f"{schema}.t{i:05d}"
        changed = mutate and mut.random() < 0.05
        ncols = rnd.randint(5, 30)
        cols = ["id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY"]
        colnames = ["id"]
        for c in range(ncols - 3):
            t = rnd.choice(TYPES)
            nn = " NOT NULL" if rnd.random() < 0.3 else ""
            default = ""
            if t == "boolean" and rnd.random() < 0.5:
                default = " DEFAULT false"
            elif t == "timestamptz" and rnd.random() < 0.5:
                default = " DEFAULT now()"
            elif t == "integer" and rnd.random() < 0.3:
                default = " DEFAULT 0"
            if t == "numeric(12,2)" and rnd.random() < 0.5:
                default += f" CHECK (c{c} >= 0)"
            if changed and c == 0 and t in ("varchar(100)", "integer"):
                # after every random draw for this column, so the rest of the schema stays the same
                t = {"varchar(100)": "varchar(200)", "integer": "bigint"}[t]
            cols.append(f"c{c} {t}{nn}{default}")
            colnames.append(f"c{c}")
        cols.append("status public.status NOT NULL DEFAULT 'new'")
        cols.append("updated_at timestamptz NOT NULL DEFAULT now()")
        if changed:
            cols.append("added_col text")
        fks = []
        if tables:
            for _ in range(rnd.choice([0, 1, 1, 2, 2, 3])):
                ref, _ = tables[rnd.randrange(len(tables))]
                col = f"ref_{ref.split('.')[1]}_{len(fks)}"
                cols.append(f"{col} bigint REFERENCES {ref} ON DELETE {rnd.choice(['CASCADE', 'SET NULL', 'NO ACTION'])}")
                fks.append(col)
        partitioned = i % 97 == 0 and i > 0
        if partitioned:
            cols[0] = "id bigint GENERATED ALWAYS AS IDENTITY"
            cols.append("PRIMARY KEY (id, updated_at)")
            cols = [c for c in cols if "REFERENCES" not in c]
            fks = []
        body = ",\n    ".join(cols)
        tail = " PARTITION BY RANGE (updated_at)" if partitioned else ""
        out.append(f"CREATE TABLE {name} (\n    {body}\n){tail};")
        if partitioned:
            for m in range(1, 4):
                out.append(f"CREATE TABLE {name}_p{m} PARTITION OF {name} "
                           f"FOR VALUES FROM ('2026-0{m}-01') TO ('2026-0{m + 1}-01');")
            out.append(f"CREATE TABLE {name}_default PARTITION OF {name} DEFAULT;")
        for col in fks:
            out.append(f"CREATE INDEX ON {name} ({col});")
        k = rnd.randint(1, 4)
        for j in range(k):
            col = rnd.choice(colnames[1:])
            kind = rnd.random()
            if kind < 0.25:
                out.append(f"CREATE INDEX {name.split('.')[1]}_ix{j} ON {name} ({col}) WHERE status <> 'done';")
            elif kind < 0.4:
                out.append(f"CREATE INDEX {name.split('.')[1]}_ix{j} ON {name} (updated_at DESC) INCLUDE ({col});")
            elif kind < 0.5:
                out.append(f"CREATE INDEX {name.split('.')[1]}_ix{j} ON {name} ((id % 16));")
            else:
                out.append(f"CREATE INDEX {name.split('.')[1]}_ix{j} ON {name} ({col});")
        if changed and mut.random() < 0.5:
            out.append(f"CREATE INDEX {name.split('.')[1]}_added ON {name} (updated_at);")
        comment = f"table {i}" + (" (changed)" if changed else "")
        out.append(f"COMMENT ON TABLE {name} IS '{comment}';")
        out.append(f"COMMENT ON COLUMN {name}.id IS 'identifier';")
        if i % 10 == 0 and not partitioned:
            out.append(f"CREATE TRIGGER {name.split('.')[1]}_touch BEFORE UPDATE ON {name} "
                       f"FOR EACH ROW EXECUTE FUNCTION public.touch();")
        if i % 20 == 0:
            out.append(f"CREATE VIEW {name}_v AS SELECT id, status, updated_at FROM {name} WHERE status = 'active';")
        if not partitioned:  # its key includes the partition key: not a target for `REFERENCES t`
            tables.append((name, colnames))
    return "\n".join(out) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--mutate", action="store_true")
    a = ap.parse_args()
    print(generate(a.n, a.seed, a.mutate), end="")


if __name__ == "__main__":
    main()
