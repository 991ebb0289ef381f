//! The catalog checks: one set-based query each over the statistics views
//! and system catalogs.

use sqlx::{PgConnection, Row};

use super::super::{
    create_index_sql, Evidence, Finding, Metrics, QueryMetric, Relation, Severity, TableMetric, Thresholds,
};
use super::{db, f, qualified, s, Statement, PG, SYSTEM_SCHEMAS};
use shipdeck_base::error::Result;

/// The key columns of index `i`, in index order, as an array (a column
/// name may hold a comma).
const INDEX_COLUMNS: &str = "ARRAY(SELECT a.attname::text FROM unnest(i.indkey) WITH ORDINALITY k(n, o)
    JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n ORDER BY k.o)";

/// The columns of constraint `c`, in key order, as an array.
const FK_COLUMNS: &str = "ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(n, o)
    JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.o)";

fn drop_index(index: &Relation) -> String {
    format!("DROP INDEX CONCURRENTLY IF EXISTS {};", index.quoted(PG))
}

fn list(row: &sqlx::postgres::PgRow, i: usize) -> Vec<String> {
    row.try_get::<Option<Vec<String>>, _>(i)
        .ok()
        .flatten()
        .unwrap_or_default()
}

pub(super) async fn long_running(conn: &mut PgConnection, t: &Thresholds) -> Result<Vec<Finding>> {
    let rows = sqlx::query(
        "SELECT pid::float8, state, EXTRACT(EPOCH FROM now() - query_start)::float8, query
         FROM pg_stat_activity
         WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle'
           AND backend_type = 'client backend'
           AND query_start < now() - make_interval(secs => $1)
         ORDER BY query_start",
    )
    .bind(t.long_running_seconds)
    .fetch_all(&mut *conn)
    .await
    .map_err(db)?;
    Ok(rows
        .iter()
        .map(|r| {
            let (pid, secs) = (f(r, 0), f(r, 2));
            let mut e = Evidence::default()
                .figure("pid", pid, "")
                .figure("running_s", secs, "s");
            e.query = Some(s(r, 3));
            Finding::new(
                "long_running_query",
                Severity::Warning,
                format!("backend {pid:.0} ({}) has been running for {secs:.0} s", s(r, 1)),
            )
            .evidence(e)
            .maintenance(format!("SELECT pg_cancel_backend({pid:.0});"))
        })
        .collect())
}

pub(super) async fn unused_indexes(conn: &mut PgConnection, t: &Thresholds) -> Result<Vec<Finding>> {
    let rows = sqlx::query(&format!(
        "SELECT s.schemaname::text, s.relname::text, s.indexrelname::text, s.idx_scan::float8,
                pg_relation_size(s.indexrelid)::float8,
                (SELECT EXTRACT(EPOCH FROM now() - stats_reset) / 86400 FROM pg_stat_database
                 WHERE datname = current_database())::float8,
                {INDEX_COLUMNS}
         FROM pg_stat_user_indexes s
         JOIN pg_index i ON i.indexrelid = s.indexrelid
         WHERE NOT i.indisunique AND s.idx_scan <= $1 AND i.indisvalid
           AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = s.indexrelid)
           AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = s.indexrelid AND d.deptype = 'e')
         ORDER BY pg_relation_size(s.indexrelid) DESC, s.indexrelname"
    ))
    .bind(t.unused_index_scans)
    .fetch_all(&mut *conn)
    .await
    .map_err(db)?;
    Ok(rows
        .iter()
        .map(|r| {
            let (schema, table, index) = (s(r, 0), s(r, 1), s(r, 2));
            let rel = Relation::pg(&schema, table);
            let mut e =
                Evidence::default()
                    .figure("index_scans", f(r, 3), "")
                    .figure("size_bytes", f(r, 4), "bytes");
            if let Ok(Some(days)) = r.try_get::<Option<f64>, _>(5) {
                e = e.figure("days_since_stats_reset", days, "days");
            }
            Finding::new(
                "unused_index",
                Severity::Info,
                format!(
                    "{index} on {} has not been used since statistics were reset",
                    rel.display()
                ),
            )
            .index(index.clone())
            .columns(list(r, 6))
            .evidence(e)
            .fix(drop_index(&rel.sibling(index)))
            .table(rel)
        })
        .collect())
}

pub(super) async fn duplicate_indexes(conn: &mut PgConnection) -> Result<Vec<Finding>> {
    // An index is covered by another on the same table, method, predicate
    // and expressions whose key columns (and operator classes) start with
    // its own. A unique index is only covered by an identical unique one.
    let rows = sqlx::query(&format!(
        "SELECT n.nspname::text, t.relname::text, ci.relname::text, cc.relname::text,
                pg_relation_size(i.indexrelid)::float8,
                {INDEX_COLUMNS}
         FROM pg_index i
         JOIN pg_index c ON c.indrelid = i.indrelid AND c.indexrelid <> i.indexrelid
         JOIN pg_class ci ON ci.oid = i.indexrelid
         JOIN pg_class cc ON cc.oid = c.indexrelid
         JOIN pg_class t ON t.oid = i.indrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace
         WHERE {SYSTEM_SCHEMAS}
           AND ci.relam = cc.relam AND i.indisvalid AND c.indisvalid
           AND (c.indkey::text = i.indkey::text OR c.indkey::text LIKE i.indkey::text || ' %')
           AND (c.indclass::text = i.indclass::text OR c.indclass::text LIKE i.indclass::text || ' %')
           AND coalesce(pg_get_expr(i.indpred, i.indrelid), '') = coalesce(pg_get_expr(c.indpred, c.indrelid), '')
           AND coalesce(pg_get_expr(i.indexprs, i.indrelid), '') = coalesce(pg_get_expr(c.indexprs, c.indrelid), '')
           AND (NOT i.indisunique OR (c.indisunique AND c.indkey::text = i.indkey::text))
           AND (c.indkey::text <> i.indkey::text OR i.indisunique = c.indisunique AND i.indexrelid > c.indexrelid
                OR c.indisunique AND NOT i.indisunique)
           AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
         ORDER BY 1, 2, 3"
    ))
    .fetch_all(&mut *conn)
    .await
    .map_err(db)?;
    let mut seen = std::collections::BTreeSet::new();
    Ok(rows
        .iter()
        .filter(|r| seen.insert((s(r, 0), s(r, 2))))
        .map(|r| {
            let (schema, table, index, covering) = (s(r, 0), s(r, 1), s(r, 2), s(r, 3));
            let rel = Relation::pg(&schema, table);
            Finding::new(
                "duplicate_index",
                Severity::Info,
                format!("{index} is covered by {covering} on {}", rel.display()),
            )
            .index(index.clone())
            .columns(list(r, 5))
            .evidence(Evidence::default().figure("size_bytes", f(r, 4), "bytes"))
            .fix(drop_index(&rel.sibling(index)))
            .table(rel)
        })
        .collect())
}

pub(super) async fn unindexed_foreign_keys(conn: &mut PgConnection) -> Result<Vec<Finding>> {
    let rows = sqlx::query(&format!(
        "SELECT n.nspname::text, t.relname::text, c.conname::text,
                {FK_COLUMNS},
                c.confrelid::regclass::text, t.reltuples::float8
         FROM pg_constraint c
         JOIN pg_class t ON t.oid = c.conrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace
         WHERE c.contype = 'f' AND {SYSTEM_SCHEMAS}
           AND NOT EXISTS (
             SELECT 1 FROM pg_index i
             WHERE i.indrelid = c.conrelid AND i.indpred IS NULL AND i.indisvalid
               AND (string_to_array(i.indkey::text, ' ')::int2[])[1:cardinality(c.conkey)] @> c.conkey
               AND (string_to_array(i.indkey::text, ' ')::int2[])[1:cardinality(c.conkey)] <@ c.conkey)
         ORDER BY 1, 2, 3"
    ))
    .fetch_all(&mut *conn)
    .await
    .map_err(db)?;
    Ok(rows
        .iter()
        .map(|r| {
            let rel = Relation::pg(&s(r, 0), s(r, 1));
            let columns = list(r, 3);
            Finding::new(
                "foreign_key_without_index",
                Severity::Warning,
                format!(
                    "{} ({}) references {} but no index starts with those columns",
                    rel.display(),
                    columns.join(", "),
                    s(r, 4)
                ),
            )
            .columns(columns.clone())
            .evidence(Evidence::default().figure("rows", f(r, 5).max(0.0), "rows"))
            .fix(create_index_sql(PG, &rel, &columns))
            .table(rel)
        })
        .collect())
}

pub(super) async fn cache_hit(conn: &mut PgConnection, t: &Thresholds) -> Result<Vec<Finding>> {
    let row = sqlx::query(
        "SELECT (SELECT sum(heap_blks_hit)::float8 FROM pg_statio_user_tables),
                (SELECT sum(heap_blks_read)::float8 FROM pg_statio_user_tables),
                (SELECT sum(idx_blks_hit)::float8 FROM pg_statio_user_indexes),
                (SELECT sum(idx_blks_read)::float8 FROM pg_statio_user_indexes)",
    )
    .fetch_one(&mut *conn)
    .await
    .map_err(db)?;
    let mut out = Vec::new();
    for (what, hit, read) in [
        ("table", f(&row, 0), f(&row, 1)),
        ("index", f(&row, 2), f(&row, 3)),
    ] {
        // Too few block reads to say anything (a fresh database).
        if hit + read < 1000.0 {
            continue;
        }
        let pct = 100.0 * hit / (hit + read);
        if pct < t.cache_hit_pct {
            out.push(
                Finding::new(
                    "cache_hit_ratio",
                    Severity::Warning,
                    format!(
                        "{what} cache hit ratio is {pct:.2} % (below {} %)",
                        t.cache_hit_pct
                    ),
                )
                .index(if what == "index" { "(all indexes)" } else { "" })
                .evidence(
                    Evidence::default()
                        .figure("hit_pct", pct, "%")
                        .figure("blocks_hit", hit, "")
                        .figure("blocks_read", read, ""),
                ),
            );
        }
    }
    for f in &mut out {
        if f.index.as_deref() == Some("") {
            f.index = None;
        }
    }
    Ok(out)
}

pub(super) async fn table_bloat(conn: &mut PgConnection, t: &Thresholds) -> Result<Vec<Finding>> {
    // The statistics-based estimate: expected pages from the row count and
    // the average row width (pg_stats), against the pages the table holds.
    // A row costs its 23-byte header (padded to 24), the null bitmap, the
    // data and a 4-byte line pointer; a page loses 24 bytes to its header
    // and keeps (100 - fillfactor) % free.
    let rows = sqlx::query(&format!(
        "WITH w AS (
           SELECT s.schemaname, s.tablename, sum((1 - s.null_frac) * s.avg_width) AS width,
                  count(*) FILTER (WHERE s.null_frac > 0) AS nullable
           FROM pg_stats s GROUP BY 1, 2)
         SELECT n.nspname::text, c.relname::text, c.relpages::float8, c.reltuples::float8,
                current_setting('block_size')::float8,
                w.width::float8, w.nullable::float8,
                coalesce(substring(array_to_string(c.reloptions, ',') from 'fillfactor=([0-9]+)')::float8, 100),
                coalesce(st.n_dead_tup, 0)::float8
         FROM pg_class c
         JOIN pg_namespace n ON n.oid = c.relnamespace
         JOIN w ON w.schemaname = n.nspname AND w.tablename = c.relname
         LEFT JOIN pg_stat_user_tables st ON st.relid = c.oid
         WHERE c.relkind = 'r' AND c.relpages > 0 AND c.reltuples >= 0 AND {SYSTEM_SCHEMAS}"
    ))
    .fetch_all(&mut *conn)
    .await
    .map_err(db)?;
    let mut out = Vec::new();
    for r in &rows {
        let (pages, tuples, block, width, nullable, ff, dead) =
            (f(r, 2), f(r, 3), f(r, 4), f(r, 5), f(r, 6), f(r, 7), f(r, 8));
        let header = 24.0 + if nullable > 0.0 { 8.0 } else { 0.0 };
        let row = ((header + width) / 8.0).ceil() * 8.0 + 4.0;
        let per_page = ((block - 24.0) * ff / 100.0 / row).floor().max(1.0);
        let expected = (tuples / per_page).ceil().max(1.0);
        let size = pages * block;
        let waste = ((pages - expected) * block).max(0.0);
        let pct = if size > 0.0 { 100.0 * waste / size } else { 0.0 };
        if pct >= t.bloat_pct && waste >= t.bloat_bytes {
            let rel = Relation::pg(&s(r, 0), s(r, 1));
            out.push(
                Finding::new(
                    "table_bloat",
                    Severity::Warning,
                    format!(
                        "{}: an estimated {pct:.0} % ({}) of the table is dead space",
                        rel.display(),
                        bytes(waste)
                    ),
                )
                .evidence(
                    Evidence::default()
                        .figure("bloat_pct", pct, "%")
                        .figure("bloat_bytes", waste, "bytes")
                        .figure("size_bytes", size, "bytes")
                        .figure("dead_rows", dead, "rows"),
                )
                .maintenance(format!(
                    "-- Rewrites the table under an ACCESS EXCLUSIVE lock; pg_repack does it online.\nVACUUM (FULL, ANALYZE) {};",
                    rel.quoted(PG)
                ))
                .table(rel),
            );
        }
    }
    Ok(out)
}

fn bytes(b: f64) -> String {
    if b >= 1024.0 * 1024.0 * 1024.0 {
        format!("{:.1} GiB", b / 1024.0 / 1024.0 / 1024.0)
    } else {
        format!("{:.1} MiB", b / 1024.0 / 1024.0)
    }
}

pub(super) async fn wraparound(conn: &mut PgConnection, t: &Thresholds) -> Result<Vec<Finding>> {
    let rows = sqlx::query(&format!(
        "SELECT n.nspname::text, c.relname::text,
                (2146483648 - greatest(age(c.relfrozenxid), age(tc.relfrozenxid)))::float8 AS remaining
         FROM pg_class c
         JOIN pg_namespace n ON n.oid = c.relnamespace
         LEFT JOIN pg_class tc ON tc.oid = c.reltoastrelid
         WHERE c.relkind IN ('r', 'm') AND {SYSTEM_SCHEMAS}
           AND 2146483648 - greatest(age(c.relfrozenxid), age(tc.relfrozenxid)) < $1
         ORDER BY 3"
    ))
    .bind(t.wraparound_remaining)
    .fetch_all(&mut *conn)
    .await
    .map_err(db)?;
    Ok(rows
        .iter()
        .map(|r| {
            let rel = Relation::pg(&s(r, 0), s(r, 1));
            Finding::new(
                "transaction_id_wraparound",
                Severity::Critical,
                format!(
                    "{}: {:.0} transactions left before wraparound protection stops writes",
                    rel.display(),
                    f(r, 2)
                ),
            )
            .evidence(Evidence::default().figure("transactions_left", f(r, 2), "xids"))
            .maintenance(format!("VACUUM (FREEZE, VERBOSE) {};", rel.quoted(PG)))
            .table(rel)
        })
        .collect())
}

pub(super) async fn sequences(conn: &mut PgConnection, t: &Thresholds) -> Result<Vec<Finding>> {
    // A sequence runs out at its own maximum or at its column type's,
    // whichever comes first (an int column fed by a bigint sequence).
    let rows = sqlx::query(
        "SELECT s.schemaname::text, s.sequencename::text, s.last_value::float8, s.max_value::float8,
                tn.nspname::text, t.relname::text, a.attname::text, format_type(a.atttypid, NULL)
         FROM pg_sequences s
         JOIN pg_namespace sn ON sn.nspname = s.schemaname
         JOIN pg_class sc ON sc.relname = s.sequencename AND sc.relnamespace = sn.oid
         LEFT JOIN pg_depend d ON d.objid = sc.oid AND d.classid = 'pg_class'::regclass
              AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i') AND d.refobjsubid > 0
         LEFT JOIN pg_class t ON t.oid = d.refobjid
         LEFT JOIN pg_namespace tn ON tn.oid = t.relnamespace
         LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
         WHERE s.last_value IS NOT NULL AND s.increment_by > 0",
    )
    .fetch_all(&mut *conn)
    .await
    .map_err(db)?;
    let mut out = Vec::new();
    for r in &rows {
        let (last, seq_max) = (f(r, 2), f(r, 3));
        let col_type = s(r, 7);
        let type_max = match col_type.as_str() {
            "smallint" => 32767.0,
            "integer" => 2147483647.0,
            _ => f64::MAX,
        };
        let max = seq_max.min(type_max);
        let pct = 100.0 * last / max;
        if pct <= t.sequence_pct {
            continue;
        }
        let sequence = Relation::pg(&s(r, 0), s(r, 1));
        let table = (!s(r, 5).is_empty()).then(|| Relation::pg(&s(r, 4), s(r, 5)));
        let column = s(r, 6);
        let mut finding = Finding::new(
            "sequence_exhaustion",
            Severity::Critical,
            format!(
                "{} has used {pct:.1} % of its range ({last:.0} of {max:.0})",
                sequence.display()
            ),
        )
        .index(sequence.display())
        .evidence(
            Evidence::default()
                .figure("used_pct", pct, "%")
                .figure("last_value", last, "")
                .figure("max_value", max, ""),
        );
        if let Some(table) = table {
            if type_max < f64::MAX {
                finding = finding.fix(format!(
                    "-- Rewrites the table under an ACCESS EXCLUSIVE lock: plan a window, or add a bigint\n-- column, backfill it in batches and swap.\nALTER SEQUENCE {} AS bigint;\nALTER TABLE {} ALTER COLUMN {} TYPE bigint;",
                    sequence.quoted(PG),
                    table.quoted(PG),
                    super::super::quote_ident(PG, &column)
                ));
            }
            finding = finding.table(table).columns(vec![column]);
        }
        out.push(finding);
    }
    Ok(out)
}

pub(super) async fn no_primary_key(conn: &mut PgConnection) -> Result<Vec<Finding>> {
    let rows = sqlx::query(&format!(
        "SELECT n.nspname::text, c.relname::text, greatest(c.reltuples, 0)::float8,
                EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'id' AND NOT a.attisdropped)
         FROM pg_class c
         JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND {SYSTEM_SCHEMAS}
           AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype = 'p')
           AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')
         ORDER BY 1, 2"
    ))
    .fetch_all(&mut *conn)
    .await
    .map_err(db)?;
    Ok(rows
        .iter()
        .map(|r| {
            let rel = Relation::pg(&s(r, 0), s(r, 1));
            let has_id: bool = r.try_get(3).unwrap_or(true);
            let finding = Finding::new(
                "no_primary_key",
                Severity::Warning,
                format!("{} has no primary key", rel.display()),
            )
            .evidence(Evidence::default().figure("rows", f(r, 2), "rows"));
            let finding = if has_id {
                finding
            } else {
                finding.fix(format!(
                    "ALTER TABLE {} ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY;",
                    rel.quoted(PG)
                ))
            };
            finding.table(rel)
        })
        .collect())
}

pub(super) async fn invalid_indexes(conn: &mut PgConnection) -> Result<Vec<Finding>> {
    let rows = sqlx::query(&format!(
        "SELECT n.nspname::text, t.relname::text, ci.relname::text, pg_get_indexdef(i.indexrelid)
         FROM pg_index i
         JOIN pg_class ci ON ci.oid = i.indexrelid
         JOIN pg_class t ON t.oid = i.indrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace
         WHERE NOT i.indisvalid AND {SYSTEM_SCHEMAS}
         ORDER BY 1, 2, 3"
    ))
    .fetch_all(&mut *conn)
    .await
    .map_err(db)?;
    Ok(rows
        .iter()
        .map(|r| {
            let (schema, table, index) = (s(r, 0), s(r, 1), s(r, 2));
            let rel = Relation::pg(&schema, table);
            let e = Evidence {
                plan: Some(s(r, 3)),
                ..Evidence::default()
            };
            Finding::new(
                "invalid_index",
                Severity::Critical,
                format!(
                    "{index} on {} is invalid (a failed concurrent build)",
                    rel.display()
                ),
            )
            .index(index.clone())
            .evidence(e)
            .fix(format!(
                "REINDEX INDEX CONCURRENTLY {};",
                rel.sibling(index).quoted(PG)
            ))
            .table(rel)
        })
        .collect())
}

pub(super) async fn metrics(conn: &mut PgConnection, stmts: &[Statement]) -> Result<Metrics> {
    let row = sqlx::query(
        "SELECT (SELECT sum(heap_blks_hit) + sum(coalesce(idx_blks_hit, 0)) FROM pg_statio_user_tables)::float8,
                (SELECT sum(heap_blks_read) + sum(coalesce(idx_blks_read, 0)) FROM pg_statio_user_tables)::float8",
    )
    .fetch_one(&mut *conn)
    .await
    .map_err(db)?;
    let (hit, read) = (f(&row, 0), f(&row, 1));
    let tables = sqlx::query(&format!(
        "SELECT n.nspname::text, c.relname::text, pg_total_relation_size(c.oid)::float8, greatest(c.reltuples, 0)::float8
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE c.relkind IN ('r', 'm', 'p') AND {SYSTEM_SCHEMAS}
         ORDER BY 3 DESC, 1, 2 LIMIT 20"
    ))
    .fetch_all(&mut *conn)
    .await
    .map_err(db)?;
    Ok(Metrics {
        cache_hit_pct: (hit + read > 0.0).then(|| 100.0 * hit / (hit + read)),
        queries: stmts
            .iter()
            .take(10)
            .map(|st| QueryMetric {
                id: super::super::query_id(&st.query),
                query: st.query.clone(),
                calls: st.calls,
                mean_ms: st.mean_ms,
                total_ms: st.total_ms,
            })
            .collect(),
        tables: tables
            .iter()
            .map(|r| TableMetric {
                table: qualified(&s(r, 0), &s(r, 1)),
                bytes: f(r, 2),
                rows: f(r, 3),
            })
            .collect(),
    })
}
