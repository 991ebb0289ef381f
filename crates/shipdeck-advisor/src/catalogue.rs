//! Every check: its id (stable, part of the CLI and JSON), the engines it
//! runs on, its default threshold, where that threshold comes from, and why
//! a finding matters.

use serde::Serialize;
use ts_rs::TS;

use shipdeck_migrations::Engine;

#[derive(Debug, Clone, Serialize, TS)]
#[ts(rename = "AdvisorCheck")]
pub struct CheckInfo {
    pub id: &'static str,
    pub engines: Vec<Engine>,
    pub title: &'static str,
    /// The default threshold, in words.
    pub threshold: &'static str,
    /// Where the check and its threshold come from.
    pub source: &'static str,
    /// What it needs beyond the system catalogs.
    pub needs: Option<&'static str>,
}

use Engine::{Mysql as M, Postgres as P, Sqlite as S};

struct Row(
    &'static str,
    &'static [Engine],
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
    &'static str,
);

const CHECKS: &[Row] = &[
    Row("slow_query", &[P, M], "Slow queries",
        "≥ 100 calls and ≥ 20 ms mean (slow_query_calls, slow_query_ms)",
        "PgHero slow queries; MySQL sys.statement_analysis",
        Some("pg_stat_statements (PostgreSQL) or performance_schema (MariaDB/MySQL)"),
        "Called often and slow on average: it holds connections and CPU on every call, and usually hides a missing index or an N+1 pattern."),
    Row("long_running_query", &[P], "Long-running queries",
        "running > 60 s (long_running_seconds)", "PgHero long running queries", None,
        "A query running for minutes holds locks and its snapshot, which blocks VACUUM from removing dead rows everywhere."),
    Row("missing_index", &[P, S], "Missing indexes",
        "tables ≥ 10,000 rows using an index in < 95 % of scans (missing_index_rows, missing_index_use_pct); SQLite: SCAN of a table ≥ 1,000 rows (sqlite_scan_rows)",
        "PgHero missing indexes + Dexter's suggestions; SQLite .expert", Some("pg_stat_statements for the columns, HypoPG to verify"),
        "Sequential scans read the whole table on every query; an index on the filtered columns reads a few pages instead."),
    Row("full_table_scan", &[M], "Full table scans",
        "statements that used no index (performance_schema digests)",
        "MySQL sys.statements_with_full_table_scans", Some("performance_schema"),
        "A statement that uses no index reads every row of the table each time it runs."),
    Row("temp_b_tree", &[S], "Sorts without an index",
        "USE TEMP B-TREE in the plan", "SQLite EXPLAIN QUERY PLAN", None,
        "SQLite builds a temporary B-tree to sort or group on every run; an index in that order avoids it."),
    Row("automatic_index", &[S], "Automatic indexes",
        "AUTOMATIC INDEX in the plan", "SQLite EXPLAIN QUERY PLAN", None,
        "SQLite builds a throw-away index for this query on every run; a real index is built once."),
    Row("unused_index", &[P, M], "Unused indexes",
        "0 scans since statistics were reset, not unique, not backing a constraint (unused_index_scans)",
        "PgHero unused indexes; MySQL sys.schema_unused_indexes", Some("performance_schema (MariaDB/MySQL)"),
        "Every write updates every index: an index nothing reads costs write time, WAL, cache and disk."),
    Row("duplicate_index", &[P, M, S], "Duplicate indexes",
        "an index whose columns are a prefix of another index on the same table and method",
        "PgHero duplicate indexes; MySQL sys.schema_redundant_indexes", None,
        "The longer index serves every query the shorter one does; the shorter one only costs writes and space."),
    Row("foreign_key_without_index", &[P, S], "Foreign keys without an index",
        "no index whose leading columns are the foreign key's columns",
        "PostgreSQL and SQLite documentation on foreign keys", None,
        "Deleting or updating a referenced row scans the referencing table for matches, under lock."),
    Row("cache_hit_ratio", &[P], "Cache hit ratio",
        "< 99 % of table and index blocks found in shared buffers (cache_hit_pct)",
        "PgHero cache hit rate", None,
        "Reads that miss the cache go to disk; below 99 % the working set no longer fits in memory."),
    Row("table_bloat", &[P], "Table bloat",
        "estimated waste ≥ 50 % and ≥ 10 MiB (bloat_pct, bloat_bytes)",
        "PgHero's and check_postgres's statistics-based bloat estimate", None,
        "Dead space is still read by sequential scans and kept in cache; it is reclaimed only by VACUUM FULL or pg_repack."),
    Row("transaction_id_wraparound", &[P], "Transaction ID wraparound",
        "< 10,000,000 transactions before the forced anti-wraparound vacuum (wraparound_remaining)",
        "PgHero transaction ID danger", None,
        "When the limit is reached PostgreSQL stops accepting writes until the table is vacuumed."),
    Row("sequence_exhaustion", &[P], "Sequences near their limit",
        "> 90 % of the column's range used (sequence_pct)", "PgHero sequence danger", None,
        "When the sequence or its column's type runs out, every insert fails."),
    Row("no_primary_key", &[P, M], "Tables without a primary key",
        "no PRIMARY KEY constraint", "PostgreSQL logical replication and InnoDB documentation", None,
        "Rows cannot be identified for updates by replication and tools; InnoDB uses a hidden key nobody can query."),
    Row("invalid_index", &[P], "Invalid indexes",
        "pg_index.indisvalid = false", "PgHero invalid indexes", None,
        "A failed CREATE INDEX CONCURRENTLY leaves an index that is maintained on every write but never used."),
];

/// The catalogue, in display order.
pub fn checks() -> Vec<CheckInfo> {
    CHECKS
        .iter()
        .map(|r| CheckInfo {
            id: r.0,
            engines: r.1.to_vec(),
            title: r.2,
            threshold: r.3,
            source: r.4,
            needs: r.5,
        })
        .collect()
}

/// The checks that run on `engine`.
pub fn ids_for(engine: Engine) -> Vec<&'static str> {
    CHECKS
        .iter()
        .filter(|r| r.1.contains(&engine))
        .map(|r| r.0)
        .collect()
}

pub fn is_known(id: &str) -> bool {
    CHECKS.iter().any(|r| r.0 == id)
}

/// Why a check's findings matter.
pub fn why(id: &str) -> &'static str {
    CHECKS.iter().find(|r| r.0 == id).map(|r| r.6).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_every_check_explains_itself() {
        let mut ids: Vec<_> = CHECKS.iter().map(|r| r.0).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), CHECKS.len());
        assert!(CHECKS.iter().all(|r| !r.6.is_empty() && !r.1.is_empty()));
    }

    #[test]
    fn every_engine_has_checks() {
        for e in [Engine::Postgres, Engine::Mysql, Engine::Sqlite] {
            assert!(ids_for(e).len() >= 4, "{e:?}");
        }
    }
}
