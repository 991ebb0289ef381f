#!/usr/bin/env python3
"""The advisor benchmark's database: schema, data and a workload.

    gen.py TABLES OUT_DIR

Writes into OUT_DIR:
  schema.sql    TABLES tables t_0000.. in one transaction: mostly `id bigserial`
                primary keys (every 100th table has none, every 200th an
                `integer` serial), 5-7 columns, 1-3 secondary indexes, a
                foreign key to an earlier table on every 4th (half of them
                indexed), an exact duplicate index on every 25th and an index
                covered by a wider one on every 25th + 5;
  data.sql      a few thousand rows in a handful of tables, updates and
                deletes that leave dead rows, a sequence at 93 % of its range;
  invalid.sql   a unique index built CONCURRENTLY on duplicate values: it
                fails and leaves an invalid index (run it outside a
                transaction, expect the error);
  workload.sql  a few hundred statements after the statistics are reset, so
                pg_stat_statements and pg_qualstats describe them alone:
                lookups by key, filters on unindexed columns, joins along the
                foreign keys, aggregates, updates.
"""

import os
import random
import sys

LOADED = {0: 20000, 1: 10000, 2: 5000, 3: 5000, 4: 3000, 10: 2000, 100: 2000, 500: 1000}
STATUSES = ["open", "closed", "pending", "failed", "archived"]


def name(i):
    return f"t_{i:04d}"


def has_pk(i):
    return i % 100 != 99


def serial_int(i):
    return i % 200 == 7


def fk_target(i):
    """The table t_i references (None: no foreign key)."""
    if i % 4 != 1 or i < 4:
        return None
    j = i // 2
    while not has_pk(j):
        j -= 1
    return j


def main():
    n, out = int(sys.argv[1]), sys.argv[2]
    rnd = random.Random(42)
    os.makedirs(out, exist_ok=True)

    schema = ["BEGIN;"]
    index_candidates = [
        ["account_id"], ["status"], ["created_at"], ["account_id", "created_at"],
        ["status", "created_at"], ["amount"],
    ]
    for i in range(n):
        t = name(i)
        cols = []
        if has_pk(i):
            cols.append("id serial PRIMARY KEY" if serial_int(i) else "id bigserial PRIMARY KEY")
        else:
            cols.append("id bigint NOT NULL")
        cols += [
            "account_id integer NOT NULL",
            "status text NOT NULL DEFAULT 'open'",
            "amount numeric(12,2)",
            "created_at timestamptz NOT NULL DEFAULT now()",
        ]
        if i % 2 == 0:
            cols.append("note text")
        target = fk_target(i)
        if target is not None:
            cols.append(f"parent_id bigint REFERENCES {name(target)} (id)")
        schema.append(f"CREATE TABLE {t} (\n  " + ",\n  ".join(cols) + "\n);")
        count = 1 + i % 3
        start = rnd.randrange(len(index_candidates))
        for k in range(count):
            c = index_candidates[(start + k) % len(index_candidates)]
            schema.append(f"CREATE INDEX {t}_{'_'.join(c)}_idx ON {t} ({', '.join(c)});")
        if target is not None and i % 8 == 1:
            schema.append(f"CREATE INDEX {t}_parent_id_idx ON {t} (parent_id);")
        if i % 25 == 0:
            schema.append(f"CREATE INDEX {t}_account_id_a ON {t} (account_id);")
            schema.append(f"CREATE INDEX {t}_account_id_b ON {t} (account_id);")
        if i % 25 == 5:
            schema.append(f"CREATE INDEX {t}_status_only ON {t} (status);")
            schema.append(f"CREATE INDEX {t}_status_wide ON {t} (status, amount);")
    schema.append("COMMIT;")
    write(out, "schema.sql", schema)

    data = []
    for i, rows in sorted(LOADED.items()):
        if i >= n:
            continue
        t = name(i)
        note = ", note" if i % 2 == 0 else ""
        note_val = ", 'note ' || (g % 97)" if i % 2 == 0 else ""
        ids = "" if has_pk(i) else "id, "
        id_val = "" if has_pk(i) else "g, "
        data.append(
            f"INSERT INTO {t} ({ids}account_id, status, amount, created_at{note}) "
            f"SELECT {id_val}g % 500, (ARRAY{STATUSES!r})[1 + g % 5], (g % 1000) * 1.5, "
            f"now() - g * interval '1 minute'{note_val} FROM generate_series(1, {rows}) g;"
        )
    # Dead rows (bloat, vacuum), and a sequence close to its end.
    data.append(f"UPDATE {name(0)} SET amount = amount + 1 WHERE id % 3 = 0;")
    data.append(f"DELETE FROM {name(1)} WHERE id % 5 = 0;")
    seq_table = next((i for i in range(n) if serial_int(i)), None)
    if seq_table is not None:
        data.append(f"SELECT setval(pg_get_serial_sequence('{name(seq_table)}', 'id'), 2000000000);")
    data.append("ANALYZE;")
    write(out, "data.sql", data)

    # A unique index on a column with duplicates: CONCURRENTLY leaves it invalid.
    write(out, "invalid.sql", [f"CREATE UNIQUE INDEX CONCURRENTLY {name(3)}_status_key ON {name(3)} (status);"])

    work = [
        "SELECT pg_stat_statements_reset();",
        "SELECT pg_qualstats_reset();",
    ]
    loaded = [i for i in sorted(LOADED) if i < n]
    # Lookups by primary key on the loaded tables.
    for k in range(60):
        i = loaded[k % len(loaded)]
        work.append(f"SELECT * FROM {name(i)} WHERE id = {1 + rnd.randrange(1000)};")
    # Filters on columns without a useful index (sequential scans, qualstats).
    for k in range(60):
        i = loaded[k % len(loaded)]
        work.append(
            f"SELECT count(*) FROM {name(i)} WHERE amount > {rnd.randrange(1500)} "
            f"AND account_id = {rnd.randrange(500)};"
        )
    for k in range(20):
        work.append(f"SELECT * FROM {name(0)} WHERE note = 'note {k}' ORDER BY created_at DESC LIMIT 20;")
    # Joins along foreign keys, aggregates.
    for k in range(30):
        i = next(j for j in range(4 + 8 * k, n) if fk_target(j) is not None)
        work.append(
            f"SELECT c.id, p.status FROM {name(i)} c JOIN {name(fk_target(i))} p ON p.id = c.parent_id "
            f"WHERE c.account_id = {k};"
        )
    for i in loaded:
        work.append(f"SELECT status, count(*), sum(amount) FROM {name(i)} GROUP BY status;")
    # One statement per table across many tables (distinct entries).
    for i in range(0, n, 5):
        work.append(f"SELECT count(*) FROM {name(i)} WHERE status = 'open';")
    # Writes.
    for k in range(20):
        work.append(f"UPDATE {name(2)} SET status = 'closed' WHERE account_id = {k};")
    for k in range(10):
        work.append(
            f"INSERT INTO {name(4)} (account_id, status, amount) VALUES ({k}, 'open', {k}.5);"
        )
    # A few heavier statements (the slowest entries).
    for _ in range(3):
        work.append(
            f"SELECT a.account_id, count(*) FROM {name(0)} a JOIN {name(1)} b "
            f"ON b.account_id = a.account_id AND b.status = a.status GROUP BY 1 ORDER BY 2 DESC LIMIT 5;"
        )
    write(out, "workload.sql", work)
    print(f"{n} tables; workload: {len(work) - 2} statements")


def write(out, file, lines):
    with open(os.path.join(out, file), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
