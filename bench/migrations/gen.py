#!/usr/bin/env python3
"""N small PostgreSQL migrations for bench/migrations, deterministic, written
twice with the same statements: sqlx's layout for Shipdeck and sqlx
(SQLX_DIR/<VERSION>_<desc>.sql) and dbmate's (DBMATE_DIR/<VERSION>_<desc>.sql
with `-- migrate:up` / `-- migrate:down` sections).

    gen.py N SQLX_DIR DBMATE_DIR

Every table gets five migrations in turn: create it (1-2 statements), add
columns (2), index a column (1), insert and update rows (2), reference the
previous table, index and set a default (2-4). Each file holds 1-4 statements.
"""
import os
import sys

n = int(sys.argv[1])
sqlx_dir, dbmate_dir = sys.argv[2:4]
os.makedirs(sqlx_dir, exist_ok=True)
os.makedirs(dbmate_dir, exist_ok=True)


def migration(i):
    """(description, up statements, down statements in the order they run) of migration i."""
    k, step = divmod(i, 5)
    t = f"t_{k:04d}"
    if step == 0:
        up = [f"CREATE TABLE {t} (\n    id bigserial PRIMARY KEY,\n    name text NOT NULL,\n"
              f"    created_at timestamptz NOT NULL DEFAULT now()\n)"]
        if k % 2:
            up.append(f"COMMENT ON TABLE {t} IS 'bench table {k}'")
        return f"create {t}", up, [f"DROP TABLE {t}"]
    if step == 1:
        return (f"add {t} status and amount",
                [f"ALTER TABLE {t} ADD COLUMN status text",
                 f"ALTER TABLE {t} ADD COLUMN amount integer NOT NULL DEFAULT 0"],
                [f"ALTER TABLE {t} DROP COLUMN amount", f"ALTER TABLE {t} DROP COLUMN status"])
    if step == 2:
        return (f"index {t} name", [f"CREATE INDEX {t}_name_idx ON {t} (name)"],
                [f"DROP INDEX {t}_name_idx"])
    if step == 3:
        return (f"seed {t}",
                [f"INSERT INTO {t} (name, status) VALUES ('first {k}', 'new'), ('second {k}', 'new')",
                 f"UPDATE {t} SET amount = {k} WHERE status = 'new'"],
                [f"DELETE FROM {t}"])
    up = [f"ALTER TABLE {t} ALTER COLUMN status SET DEFAULT 'new'"]
    down = [f"ALTER TABLE {t} ALTER COLUMN status DROP DEFAULT"]
    if k > 0:
        p = f"t_{k - 1:04d}"
        up[:0] = [f"ALTER TABLE {t} ADD COLUMN parent_id bigint REFERENCES {p} (id)",
                  f"CREATE INDEX {t}_parent_idx ON {t} (parent_id)"]
        down[:0] = [f"ALTER TABLE {t} DROP COLUMN parent_id"]
        if k % 3 == 0:
            up.append(f"ALTER TABLE {t} ADD CONSTRAINT {t}_amount_check CHECK (amount >= 0)")
            down.insert(0, f"ALTER TABLE {t} DROP CONSTRAINT {t}_amount_check")
    return f"link {t}", up, down


def sql(stmts):
    return "".join(s + ";\n" for s in stmts)


for i in range(n):
    version = 20250101000000 + i + 1  # 14 digits, as `sqlx migrate add` and dbmate name them
    desc, up, down = migration(i)
    name = f"{version}_{desc.replace(' ', '_')}.sql"
    with open(os.path.join(sqlx_dir, name), "w") as f:
        f.write(sql(up))
    with open(os.path.join(dbmate_dir, name), "w") as f:
        f.write("-- migrate:up\n" + sql(up) + "\n-- migrate:down\n" + sql(down))
