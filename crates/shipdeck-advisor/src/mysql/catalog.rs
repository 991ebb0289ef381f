//! The catalog and statistics checks, one set-based query each: duplicate
//! indexes and tables without a primary key from information_schema;
//! unused indexes, full table scans and slow statements from
//! performance_schema; and the table and statement metrics for the charts.

use std::collections::HashMap;

use sqlx::mysql::MySqlConnection;

use super::super::{
    predicates, query_id, quote_ident, Evidence, Finding, QueryMetric, Relation, Severity, TableMetric,
    Thresholds,
};
use super::explain::advise;
use super::{lit, num, plannable, rows, text, Catalog, Index, DIGESTS, DML, E, NOT_OURS};
use shipdeck_migrations::split::split;

/// An index whose columns lead another index of the same table and type;
/// a unique index only duplicates an identical unique one; never PRIMARY.
pub(super) fn duplicates(indexes: &[Index]) -> Vec<Finding> {
    let mut by_table: HashMap<&str, Vec<&Index>> = HashMap::new();
    for i in indexes {
        by_table.entry(i.table.as_str()).or_default().push(i);
    }
    let mut out = Vec::new();
    for a in indexes.iter().filter(|a| a.name != "PRIMARY") {
        let cover = by_table[a.table.as_str()].iter().find(|b| {
            let same = b.keys == a.keys && b.unique == a.unique;
            b.name != a.name
                && b.kind == a.kind
                && b.keys.starts_with(&a.keys)
                && (!a.unique || (b.unique && b.keys == a.keys))
                // Two identical indexes: report the pair once.
                && (!same || b.name == "PRIMARY" || b.name < a.name)
        });
        let Some(b) = cover else { continue };
        let msg = format!(
            "Index {} on {} ({}) is covered by {} ({}).",
            a.name,
            a.table,
            a.names.join(", "),
            b.name,
            b.names.join(", ")
        );
        let fix = format!(
            "DROP INDEX {} ON {};",
            quote_ident(E, &a.name),
            quote_ident(E, &a.table)
        );
        out.push(
            Finding::new("duplicate_index", Severity::Info, msg)
                .table(Relation::bare(&a.table))
                .index(a.name.clone())
                .columns(a.names.clone())
                .evidence(Evidence::default().figure("columns", a.keys.len() as f64, ""))
                .fix(fix)
                .keyed(),
        );
    }
    out
}

/// Non-unique indexes read at most `unused_index_scans` times since the
/// server started (sys.schema_unused_indexes).
pub(super) async fn unused(
    conn: &mut MySqlConnection,
    cat: &Catalog,
    t: &Thresholds,
    status: &HashMap<String, f64>,
) -> std::result::Result<Vec<Finding>, sqlx::Error> {
    let sql = format!(
        "SELECT OBJECT_NAME, INDEX_NAME, COUNT_STAR FROM performance_schema.table_io_waits_summary_by_index_usage \
         WHERE OBJECT_SCHEMA = DATABASE() AND INDEX_NAME IS NOT NULL AND INDEX_NAME <> 'PRIMARY' \
         AND COUNT_STAR <= {} ORDER BY OBJECT_NAME, INDEX_NAME",
        lit(t.unused_index_scans)
    );
    let uptime = status.get("uptime").copied().unwrap_or(0.0);
    let mut out = Vec::new();
    for r in rows(conn, &sql).await? {
        let (table, name) = (text(&r, 0).unwrap_or_default(), text(&r, 1).unwrap_or_default());
        let Some(ix) = cat
            .indexes
            .iter()
            .find(|i| i.table == table && i.name == name && !i.unique)
        else {
            continue;
        };
        let msg = format!(
            "Index {name} on {table} ({}) was read {} times since the server started {}.",
            ix.names.join(", "),
            num(&r, 2),
            ago(uptime)
        );
        let e = Evidence::default()
            .figure("scans", num(&r, 2), "")
            .figure("uptime_s", uptime, "s");
        let fix = format!(
            "DROP INDEX {} ON {};",
            quote_ident(E, &name),
            quote_ident(E, &table)
        );
        out.push(
            Finding::new("unused_index", Severity::Info, msg)
                .table(Relation::bare(table))
                .index(name)
                .columns(ix.names.clone())
                .evidence(e)
                .fix(fix)
                .keyed(),
        );
    }
    Ok(out)
}

/// `3.5 days ago`, `5 hours ago`: how long the counters have been counting.
fn ago(seconds: f64) -> String {
    if seconds >= 2.0 * 86_400.0 {
        format!("{:.0} days ago", seconds / 86_400.0)
    } else if seconds >= 7_200.0 {
        format!("{:.0} hours ago", seconds / 3_600.0)
    } else {
        format!("{:.0} minutes ago", seconds / 60.0)
    }
}

/// Statements that read tables without an index
/// (sys.statements_with_full_table_scans), each with an index suggestion
/// when EXPLAIN of the digest shows which table is read in full.
pub(super) async fn full_scans(
    conn: &mut MySqlConnection,
    cat: &mut Catalog,
) -> std::result::Result<Vec<Finding>, sqlx::Error> {
    let sql = format!(
        "SELECT DIGEST_TEXT, COUNT_STAR, SUM_NO_INDEX_USED, AVG_TIMER_WAIT / 1e9 FROM {DIGESTS} \
         WHERE SCHEMA_NAME = DATABASE() AND SUM_NO_INDEX_USED > 0 AND {NOT_OURS} AND {DML} \
         ORDER BY SUM_TIMER_WAIT DESC LIMIT 50"
    );
    let found = rows(conn, &sql).await?;
    if !found.is_empty() && cat.load_columns(conn).await.is_err() {
        tracing::debug!("advisor: columns unavailable, full table scans without suggestions");
    }
    let mut out = Vec::new();
    for r in found {
        let query = text(&r, 0).unwrap_or_default();
        let (calls, no_index, mean) = (num(&r, 1), num(&r, 2), num(&r, 3));
        let mut e = Evidence::default()
            .figure("calls", calls, "calls")
            .figure("no_index_used", no_index, "calls")
            .figure("mean_ms", mean, "ms");
        e.query = Some(query.clone());
        let mut msg = format!(
            "{no_index:.0} of {calls:.0} calls read a table without an index ({mean:.1} ms on average)."
        );
        let suggestion = match predicates::parse(&query, E) {
            Ok(stmt) if plannable(&stmt) && split(&query, E).len() == 1 => {
                advise(conn, cat, &query, &stmt).await.ok()
            }
            _ => None,
        };
        let mut f = Finding::new("full_table_scan", Severity::Warning, String::new());
        if let Some(s) = suggestion {
            e.plan = s.plan_before;
            e.cost_before = s.cost_before;
            e.verification = Some(s.verification);
            msg = format!("{msg} {}", s.message);
            if let Some(ix) = s.index {
                f = f.table(ix.relation).columns(ix.columns).fix(ix.sql);
            }
        }
        f.message = msg;
        out.push(f.evidence(e).keyed());
    }
    Ok(out)
}

/// Statements called often and slow on average (sys.statement_analysis).
pub(super) async fn slow(
    conn: &mut MySqlConnection,
    t: &Thresholds,
) -> std::result::Result<Vec<Finding>, sqlx::Error> {
    let sql = format!(
        "SELECT DIGEST_TEXT, COUNT_STAR, AVG_TIMER_WAIT / 1e9, SUM_TIMER_WAIT / 1e9 FROM {DIGESTS} \
         WHERE SCHEMA_NAME = DATABASE() AND COUNT_STAR >= {} AND AVG_TIMER_WAIT >= {} * 1e9 AND {NOT_OURS} \
         ORDER BY SUM_TIMER_WAIT DESC LIMIT 50",
        lit(t.slow_query_calls),
        lit(t.slow_query_ms)
    );
    let mut out = Vec::new();
    for r in rows(conn, &sql).await? {
        let (calls, mean, total) = (num(&r, 1), num(&r, 2), num(&r, 3));
        let mut e = Evidence::default()
            .figure("calls", calls, "calls")
            .figure("mean_ms", mean, "ms")
            .figure("total_ms", total, "ms");
        e.query = text(&r, 0);
        let msg = format!(
            "{calls:.0} calls, {mean:.1} ms on average ({:.1} s in all).",
            total / 1000.0
        );
        out.push(
            Finding::new("slow_query", Severity::Warning, msg)
                .evidence(e)
                .keyed(),
        );
    }
    Ok(out)
}

/// Base tables without a PRIMARY KEY; the fix adds `id` unless the table
/// already has a column of that name.
pub(super) async fn no_primary_key(
    conn: &mut MySqlConnection,
) -> std::result::Result<Vec<Finding>, sqlx::Error> {
    let sql = "SELECT t.TABLE_NAME, c.TABLE_NAME IS NOT NULL, IFNULL(t.TABLE_ROWS, 0) \
               FROM information_schema.TABLES t \
               LEFT JOIN (SELECT TABLE_NAME FROM information_schema.TABLE_CONSTRAINTS \
                          WHERE TABLE_SCHEMA = DATABASE() AND CONSTRAINT_TYPE = 'PRIMARY KEY') k \
                 ON k.TABLE_NAME = t.TABLE_NAME \
               LEFT JOIN (SELECT TABLE_NAME FROM information_schema.COLUMNS \
                          WHERE TABLE_SCHEMA = DATABASE() AND COLUMN_NAME = 'id') c \
                 ON c.TABLE_NAME = t.TABLE_NAME \
               WHERE t.TABLE_SCHEMA = DATABASE() AND t.TABLE_TYPE = 'BASE TABLE' AND k.TABLE_NAME IS NULL \
               ORDER BY t.TABLE_NAME";
    let mut out = Vec::new();
    for r in rows(conn, sql).await? {
        let table = text(&r, 0).unwrap_or_default();
        let has_id = num(&r, 1) != 0.0;
        let e = Evidence::default().figure("rows", num(&r, 2), "rows");
        let mut msg = format!("{table} has no primary key.");
        if has_id {
            msg.push_str(" It has a column named id: make the key from the columns that identify a row.");
        }
        let mut f = Finding::new("no_primary_key", Severity::Warning, msg)
            .table(Relation::bare(&table))
            .evidence(e);
        if !has_id {
            f = f.fix(format!(
                "ALTER TABLE {} ADD COLUMN id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY FIRST;",
                quote_ident(E, &table)
            ));
        }
        out.push(f.keyed());
    }
    Ok(out)
}

pub(super) async fn table_metrics(
    conn: &mut MySqlConnection,
) -> std::result::Result<Vec<TableMetric>, sqlx::Error> {
    let sql = "SELECT TABLE_NAME, IFNULL(DATA_LENGTH, 0) + IFNULL(INDEX_LENGTH, 0), IFNULL(TABLE_ROWS, 0) \
               FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE' \
               ORDER BY 2 DESC, 1 LIMIT 20";
    Ok(rows(conn, sql)
        .await?
        .iter()
        .map(|r| TableMetric {
            table: text(r, 0).unwrap_or_default(),
            bytes: num(r, 1),
            rows: num(r, 2),
        })
        .collect())
}

pub(super) async fn query_metrics(
    conn: &mut MySqlConnection,
) -> std::result::Result<Vec<QueryMetric>, sqlx::Error> {
    let sql = format!(
        "SELECT DIGEST_TEXT, COUNT_STAR, AVG_TIMER_WAIT / 1e9, SUM_TIMER_WAIT / 1e9 FROM {DIGESTS} \
         WHERE SCHEMA_NAME = DATABASE() AND {NOT_OURS} ORDER BY SUM_TIMER_WAIT DESC LIMIT 10"
    );
    Ok(rows(conn, &sql)
        .await?
        .iter()
        .map(|r| {
            let query = text(r, 0).unwrap_or_default();
            QueryMetric {
                id: query_id(&query),
                query,
                calls: num(r, 1),
                mean_ms: num(r, 2),
                total_ms: num(r, 3),
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ix(name: &str, unique: bool, cols: &[&str]) -> Index {
        Index {
            table: "t".into(),
            name: name.into(),
            kind: "BTREE".into(),
            unique,
            names: cols.iter().map(|c| c.to_string()).collect(),
            keys: cols.iter().map(|c| c.to_string()).collect(),
        }
    }

    #[test]
    fn duplicates_are_prefixes_and_identical_pairs_count_once() {
        let found = duplicates(&[
            ix("PRIMARY", true, &["id"]),
            ix("a", false, &["a"]),
            ix("ab", false, &["a", "b"]),
            ix("ab2", false, &["a", "b"]),
            ix("u_a", true, &["a"]),
            ix("id_idx", false, &["id"]),
        ]);
        let mut dropped: Vec<&str> = found.iter().map(|f| f.index.as_deref().unwrap()).collect();
        dropped.sort();
        assert_eq!(dropped, ["a", "ab2", "id_idx"]);
        assert!(found
            .iter()
            .all(|f| f.fix_sql.as_deref().unwrap().starts_with("DROP INDEX ")));
    }
}
