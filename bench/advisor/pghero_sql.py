#!/usr/bin/env python3
"""Writes PgHero's SQL for the checks Shipdeck's advisor also makes, taken at
run time from a PgHero source checkout (none of PgHero's SQL is stored in this
repository).

    pghero_sql.py PGHERO_SRC OUT.sql [COUNTS.sql]

PGHERO_SRC is a work tree or a bare git directory (read at HEAD). Each method's
heredoc SQL (and its inline select_all strings) comes out of
lib/pghero/methods/*.rb as PgHero would send it: the Ruby interpolations
evaluated with PgHero's default arguments and the named binds quoted the way
ActiveRecord quotes them. OUT.sql holds the statements, for `psql -f`;
COUNTS.sql (optional) the same statements wrapped as `SELECT method, count(*)`,
to see what each one returns. The included and excluded methods are printed.
An interpolation or bind this script does not know stops it: PgHero changed
and the list below needs a look.
"""

import os
import re
import subprocess
import sys

MB = 1024 * 1024

# (file, method, values for the method's Ruby conditions and binds, what it
# stands for). Values are the method's own defaults (parsed from its `def`
# line) overridden by what PgHero passes when the setting is left at its
# default; the comments say where each one comes from.
INCLUDED = [
    # query_stats -> current_query_stats(limit: 100, sort: "total_time");
    # slow_queries filters its result in Ruby (calls >= 100, average >= 20 ms).
    ("query_stats.rb", "current_query_stats",
     {"limit": 100, "sort": "total_time", "user": None, "query_hash": None, "origin": False},
     "slow queries / query stats"),
    # long_running_queries -> running_queries(min_duration: long_running_query_sec = 60)
    ("queries.rb", "running_queries",
     {"min_duration": 60, "all": False, "binds": {"min_duration": "60 seconds"}},
     "long-running queries"),
    ("indexes.rb", "missing_indexes", {}, "missing indexes (tables read mostly by sequential scans)"),
    ("tables.rb", "table_stats", {"schema": None, "table": None}, "table stats (rows, size)"),
    ("indexes.rb", "unused_indexes", {}, "unused indexes"),
    # invalid_indexes and duplicate_indexes are computed in Ruby from this list.
    ("indexes.rb", "indexes", {}, "invalid indexes, duplicate indexes"),
    ("tables.rb", "table_hit_rate", {}, "cache hit rate (tables)"),
    ("indexes.rb", "index_hit_rate", {}, "cache hit rate (indexes)"),
    # min_size: nil -> index_bloat_bytes (100 MB)
    ("indexes.rb", "index_bloat", {"min_size": 100 * MB}, "index bloat"),
    ("maintenance.rb", "transaction_id_danger", {}, "transaction ID wraparound"),
    # sequence_danger filters in Ruby what these read (last value / max > 0.9).
    ("sequences.rb", "sequences", {}, "sequence danger"),
    ("sequences.rb", "add_sequence_attributes", {}, "sequence danger (readability)"),
    ("constraints.rb", "invalid_constraints", {}, "foreign keys (PgHero: not validated constraints)"),
]

EXCLUDED = [
    ("suggested_indexes.rb", "suggested_indexes, column_stats",
     "parses the top queries in Ruby (pg_query) and reads pg_stats for their tables: "
     "no SQL-side check; the missing-index check is covered by missing_indexes"),
    ("tables.rb / indexes.rb", "table_caching, index_caching, index_usage",
     "per-relation listings behind the two hit rates and missing_indexes, not checks"),
    ("tables.rb", "unused_tables", "no advisor counterpart"),
    ("maintenance.rb", "autovacuum_danger",
     "transaction_id_danger again with another threshold (same query)"),
    ("maintenance.rb", "vacuum_progress, maintenance_info, analyze*", "no advisor counterpart"),
    ("queries.rb", "blocked_queries", "no advisor counterpart"),
    ("query_stats.rb", "historical_query_stats, query_hash_stats",
     "need PgHero's own pghero_query_stats tables"),
    ("query_stats.rb", "query_stats_readable?, query_stats_available?",
     "availability probes, not checks"),
    ("connections.rb, replication.rb, settings.rb, space.rb, system.rb, explain.rb, kill.rb",
     "*", "no advisor counterpart"),
    ("-", "table bloat, tables without a primary key, unindexed foreign keys",
     "PgHero has no such method"),
]


def read_source(src, rel):
    path = os.path.join(src, rel)
    if os.path.isfile(path):
        with open(path, encoding="utf-8") as f:
            return f.read()
    out = subprocess.run(["git", "--git-dir", src, "show", f"HEAD:{rel}"],
                         capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"pghero_sql: cannot read {rel} from {src}: {out.stderr.strip()}")
    return out.stdout


def method_body(source, name, rel):
    """The lines of `def name` up to its `end` (the first `end` at the
    indentation of the `def`)."""
    lines = source.split("\n")
    for start, line in enumerate(lines):
        if re.match(rf"\s*def {re.escape(name)}\b", line):
            break
    else:
        sys.exit(f"pghero_sql: no method {name} in {rel}")
    indent = lines[start][: len(lines[start]) - len(lines[start].lstrip())]
    for end in range(start + 1, len(lines)):
        if lines[end].rstrip() == indent + "end":
            return lines[start:end]
    sys.exit(f"pghero_sql: no end of method {name} in {rel}")


def signature_defaults(def_line):
    """Literal keyword defaults of a `def name(a: 1, b: nil, ...)` line."""
    values = {}
    m = re.search(r"\((.*)\)", def_line)
    if not m:
        return values
    for part in m.group(1).split(","):
        kv = re.match(r"\s*(\w+):\s*(.+?)\s*$", part)
        if not kv:
            continue
        key, raw = kv.groups()
        if re.fullmatch(r"-?\d+", raw):
            values[key] = int(raw)
        elif re.fullmatch(r"-?\d+\.\d+", raw):
            values[key] = float(raw)
        elif raw == "nil":
            values[key] = None
        elif raw in ("true", "false"):
            values[key] = raw == "true"
        elif re.fullmatch(r'"[^"]*"', raw):
            values[key] = raw[1:-1]
        # anything else ([] and the like) is left out: using it stops the run
    return values


def sql_strings(body):
    """Heredocs (<<~SQL ... SQL) and select_all/select_one("...") strings, in order."""
    out = []
    i = 0
    while i < len(body):
        line = body[i]
        if "<<~SQL" in line:
            j = i + 1
            chunk = []
            while j < len(body) and body[j].strip() != "SQL":
                chunk.append(body[j])
                j += 1
            if j == len(body):
                sys.exit("pghero_sql: unterminated heredoc")
            indents = [len(c) - len(c.lstrip()) for c in chunk if c.strip()]
            cut = min(indents) if indents else 0
            out.append("\n".join(c[cut:] for c in chunk))
            i = j + 1
            continue
        for m in re.finditer(r'select_(?:all|one)\("((?:[^"\\]|\\.)*)"', line):
            out.append(m.group(1))
        i += 1
    return out


def ruby_unescape(s):
    def repl(m):
        c = m.group(1)
        return {"n": "\n", "t": "\t", "\\": "\\", '"': '"', "#": "#"}.get(c, "\\" + c)
    return re.sub(r"\\(.)", repl, s)


def eval_cond(cond, values, where):
    cond = cond.strip()
    m = re.fullmatch(r"(!?)(\w+)", cond)
    if m:
        if m.group(2) not in values:
            sys.exit(f"pghero_sql: {where}: no value for `{m.group(2)}`")
        v = values[m.group(2)]
        truthy = v is not None and v is not False
        return truthy != (m.group(1) == "!")
    m = re.fullmatch(r'(\w+) == "([^"]*)"', cond)
    if m:
        return values.get(m.group(1)) == m.group(2)
    sys.exit(f"pghero_sql: {where}: unknown condition `{cond}`")


def eval_interp(expr, values, where):
    expr = expr.strip()
    s = r'"((?:[^"\\]|\\.)*)"'
    m = re.fullmatch(s + r"\s+if\s+(.+)", expr)
    if m:
        return interpolate(m.group(1), values, where) if eval_cond(m.group(2), values, where) else ""
    m = re.fullmatch(r"(.+?)\s*\?\s*" + s + r"\s*:\s*" + s, expr)
    if m:
        chosen = m.group(2) if eval_cond(m.group(1), values, where) else m.group(3)
        return interpolate(chosen, values, where)
    m = re.fullmatch(r"quote_column_name\((\w+)\)", expr)
    if m:
        return '"' + str(values[m.group(1)]).replace('"', '""') + '"'
    sys.exit(f"pghero_sql: {where}: unknown interpolation #{{{expr}}}")


def interpolate(text, values, where):
    """Evaluates #{...} (skipping strings inside them), then unescapes."""
    out = []
    i = 0
    while i < len(text):
        if text.startswith("#{", i):
            depth, j, in_str = 1, i + 2, False
            while j < len(text) and depth:
                c = text[j]
                if in_str:
                    if c == "\\":
                        j += 1
                    elif c == '"':
                        in_str = False
                elif c == '"':
                    in_str = True
                elif c == "{":
                    depth += 1
                elif c == "}":
                    depth -= 1
                j += 1
            out.append(eval_interp(text[i + 2:j - 1], values, where))
            i = j
        else:
            out.append(text[i])
            i += 1
    return ruby_unescape("".join(out))


def quote(v):
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, (int, float)):
        return str(v)
    if isinstance(v, str):
        return "'" + v.replace("'", "''") + "'"
    sys.exit(f"pghero_sql: cannot quote {v!r}")


def bind(sql, binds, where):
    """ActiveRecord's named binds: :name, but not ::cast."""
    def repl(m):
        if m.group(1) == ":":
            return m.group(0)
        if m.group(2) not in binds or binds[m.group(2)] is None:
            sys.exit(f"pghero_sql: {where}: no value for bind :{m.group(2)}")
        return m.group(1) + quote(binds[m.group(2)])
    return re.sub(r"([:\\]?):([a-zA-Z]\w*)", repl, sql)


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    src, out_path = sys.argv[1], sys.argv[2]
    counts_path = sys.argv[3] if len(sys.argv) == 4 else None
    m = re.search(r'VERSION = "([^"]+)"', read_source(src, "lib/pghero/version.rb"))
    version = m.group(1) if m else "?"
    statements = []
    print(f"PgHero {version}: SQL of {len(INCLUDED)} methods, defaults as PgHero's own")
    for rel_file, name, overrides, stands_for in INCLUDED:
        rel = f"lib/pghero/methods/{rel_file}"
        body = method_body(read_source(src, rel), name, rel)
        values = signature_defaults(body[0])
        binds_override = overrides.get("binds", {})
        values.update({k: v for k, v in overrides.items() if k != "binds"})
        binds = dict(values, **binds_override)
        strings = sql_strings(body)
        if not strings:
            sys.exit(f"pghero_sql: no SQL in {rel}#{name}")
        for n, text in enumerate(strings, 1):
            where = f"{rel_file}#{name}"
            sql = bind(interpolate(text, values, where), binds, where).strip()
            label = name if len(strings) == 1 else f"{name}.{n}"
            statements.append((label, where, sql))
        shown = ", ".join(f"{k}: {v!r}" for k, v in sorted(binds.items()) if v is not None) or "-"
        print(f"  + {rel_file:<16} {name:<25} {stands_for}  [{shown}]")
    print("Left out:")
    for rel_file, names, why in EXCLUDED:
        print(f"  - {rel_file}: {names}: {why}")

    with open(out_path, "w", encoding="utf-8") as f:
        for label, where, sql in statements:
            f.write(f"-- PgHero {version} {where}\n{sql};\n\n")
    if counts_path:
        with open(counts_path, "w", encoding="utf-8") as f:
            for label, where, sql in statements:
                f.write(f"SELECT '{label}' AS method, count(*) AS rows FROM (\n{sql}\n) q;\n")
    print(f"{len(statements)} statements -> {out_path}")


if __name__ == "__main__":
    main()
