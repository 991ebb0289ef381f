//! The database advisor: what is slow or wasteful in a database, why, and
//! the fix as SQL, ready to become a migration.
//!
//! PostgreSQL checks follow PgHero's catalogue and default thresholds, index
//! suggestions are verified with HypoPG as Dexter does, MariaDB/MySQL checks
//! read information_schema and performance_schema, and SQLite queries are
//! planned with `EXPLAIN QUERY PLAN` on a scratch copy of the schema and its
//! statistics, as `.expert` does.
#![cfg_attr(test, allow(clippy::too_many_lines))] // unit tests read best as one scenario

pub mod accept;
pub mod catalogue;
pub mod error;
pub mod inputs;
pub mod mysql;
pub mod names;
pub mod postgres;
pub mod predicates;
pub mod schema;
pub mod sqlite;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use catalogue::{checks, CheckInfo};
pub use error::AdvisorError;
pub use names::{create_index_sql, index_name, quote_ident, truncate_bytes, Relation};

use shipdeck_migrations::Engine;

/// How urgent a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[ts(rename = "AdvisorSeverity")]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Data or availability at risk (wraparound, exhausted sequences,
    /// invalid indexes).
    Critical,
    /// Slower than it should be.
    Warning,
    /// Waste worth cleaning up.
    Info,
}

/// How an index suggestion was checked before it was shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Verification {
    /// A hypothetical index (HypoPG) cut the planner's cost enough.
    Hypopg,
    /// Planned on a scratch copy of the schema and its statistics.
    ScratchCopy,
    /// Not checked: nothing to check it with. Review before applying.
    Unverified,
}

/// The numbers behind a finding, and the query and plan where there is one.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(rename = "AdvisorEvidence")]
pub struct Evidence {
    /// Named figures, in display order (`("mean_ms", 31.2)`, …).
    pub figures: Vec<Figure>,
    /// The query the finding is about (normalised by the statistics view).
    pub query: Option<String>,
    /// The relevant plan, as the engine prints it.
    pub plan: Option<String>,
    /// Planner cost before and after the suggested index.
    pub cost_before: Option<f64>,
    pub cost_after: Option<f64>,
    /// For index suggestions: how they were checked.
    pub verification: Option<Verification>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(rename = "AdvisorFigure")]
pub struct Figure {
    pub name: String,
    pub value: f64,
    /// `ms`, `%`, `bytes`, `rows`, `calls`, `s`, `xids`, or empty.
    pub unit: String,
}

impl Evidence {
    pub fn figure(mut self, name: &str, value: f64, unit: &str) -> Self {
        self.figures.push(Figure {
            name: name.into(),
            value,
            unit: unit.into(),
        });
        self
    }

    pub fn get(&self, name: &str) -> Option<f64> {
        self.figures.iter().find(|f| f.name == name).map(|f| f.value)
    }
}

/// One recommendation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(rename = "AdvisorFinding")]
pub struct Finding {
    /// Stable check id (`missing_index`, …).
    pub check: String,
    pub severity: Severity,
    /// `schema.table` on PostgreSQL when the schema is not `public`: for
    /// reading only. SQL is built from `relation`, never from this text.
    pub table: Option<String>,
    pub index: Option<String>,
    pub columns: Vec<String>,
    pub evidence: Evidence,
    pub message: String,
    /// Why it matters, in a sentence or two.
    pub why: String,
    /// The fix, as SQL a migration can hold. `None` when the fix is not SQL
    /// (configuration, VACUUM scheduling, query rewrite).
    pub fix_sql: Option<String>,
    /// Whether `fix_sql` is a schema change that Accept turns into a
    /// migration (false for maintenance such as `VACUUM`).
    pub migration: bool,
    /// Identifies the finding across runs (check, table, index, columns,
    /// query): dismissals and history are keyed by it.
    pub key: String,
    /// The table of `table` as the catalog names it. Findings stored before
    /// it existed have none (and cannot be accepted).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub relation: Option<Relation>,
}

impl Finding {
    pub fn new(check: &str, severity: Severity, message: String) -> Finding {
        Finding {
            check: check.into(),
            severity,
            table: None,
            index: None,
            columns: Vec::new(),
            evidence: Evidence::default(),
            message,
            why: catalogue::why(check).to_string(),
            fix_sql: None,
            migration: false,
            key: String::new(),
            relation: None,
        }
    }

    pub fn table(mut self, t: Relation) -> Self {
        self.table = Some(t.display());
        self.relation = Some(t);
        self
    }

    pub fn index(mut self, i: impl Into<String>) -> Self {
        self.index = Some(i.into());
        self
    }

    pub fn columns(mut self, c: Vec<String>) -> Self {
        self.columns = c;
        self
    }

    pub fn evidence(mut self, e: Evidence) -> Self {
        self.evidence = e;
        self
    }

    /// A schema change: Accept writes it as a migration.
    pub fn fix(mut self, sql: impl Into<String>) -> Self {
        self.fix_sql = Some(sql.into());
        self.migration = true;
        self
    }

    /// Maintenance SQL to run by hand (not a migration).
    pub fn maintenance(mut self, sql: impl Into<String>) -> Self {
        self.fix_sql = Some(sql.into());
        self.migration = false;
        self
    }

    /// Fills `key` from the identifying fields.
    pub fn keyed(mut self) -> Self {
        let query = self.evidence.query.as_deref().map(query_id).unwrap_or_default();
        self.key = [
            self.check.as_str(),
            self.table.as_deref().unwrap_or(""),
            self.index.as_deref().unwrap_or(""),
            &self.columns.join(","),
            &query,
        ]
        .join("|");
        self
    }
}

/// A short, stable id for a query text (whitespace-insensitive).
pub fn query_id(sql: &str) -> String {
    use sha2::Digest;
    let normal: String = sql.split_whitespace().collect::<Vec<_>>().join(" ");
    hex::encode(&sha2::Sha256::digest(normal.as_bytes())[..6])
}

/// A check that could not run, and how to make it run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(rename = "AdvisorNotice")]
pub struct Notice {
    pub check: String,
    pub message: String,
    pub hint: String,
}

/// Figures kept from each run for the charts.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(rename = "AdvisorMetrics")]
pub struct Metrics {
    /// Heap + index cache hit ratio, %; `None` before any block was read.
    pub cache_hit_pct: Option<f64>,
    /// The slowest statements by total time (at most 10).
    pub queries: Vec<QueryMetric>,
    /// The largest tables (at most 20).
    pub tables: Vec<TableMetric>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct QueryMetric {
    /// `query_id` of the text.
    pub id: String,
    pub query: String,
    pub calls: f64,
    pub mean_ms: f64,
    pub total_ms: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TableMetric {
    pub table: String,
    pub bytes: f64,
    pub rows: f64,
}

/// The result of `advisor run` (the JSON contract: `database`, `engine`,
/// `findings`; the rest is extra).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct AdvisorReport {
    pub database: String,
    pub engine: Engine,
    pub findings: Vec<Finding>,
    /// Checks that could not run (a missing extension, a disabled
    /// statistics source), with how to enable them.
    pub notices: Vec<Notice>,
    /// Findings left out because they were dismissed.
    pub dismissed: usize,
    pub metrics: Metrics,
    /// Which checks ran.
    pub checks: Vec<String>,
    /// Milliseconds the checks took.
    #[ts(type = "number")]
    pub duration_ms: u64,
}

pub use shipdeck_base::config::{AdvisorConfig, Thresholds};

/// What a check run is asked to do.
#[derive(Debug, Clone)]
pub struct RunRequest {
    pub thresholds: Thresholds,
    /// Only these checks (empty: all of the engine's).
    pub only: Vec<String>,
    /// SQLite (and extra PostgreSQL/MySQL candidates): the workspace's
    /// queries, from `[advisor] queries` globs.
    pub queries: Vec<WorkspaceQuery>,
    /// PostgreSQL: plan statements that call functions owned by untrusted
    /// roles too (see `postgres::trust`).
    pub allow_untrusted_functions: bool,
}

impl RunRequest {
    pub fn wants(&self, check: &str) -> bool {
        self.only.is_empty() || self.only.iter().any(|c| c == check)
    }
}

/// A statement found in the workspace's SQL files.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct WorkspaceQuery {
    pub file: String,
    pub line: u32,
    pub sql: String,
}

/// What `advisor suggest` answers for one query.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(rename = "IndexSuggestion")]
pub struct Suggestion {
    pub query: String,
    /// The index to create, if one helps.
    pub index: Option<SuggestedIndex>,
    pub cost_before: Option<f64>,
    pub cost_after: Option<f64>,
    pub verification: Verification,
    pub plan_before: Option<String>,
    pub plan_after: Option<String>,
    /// Why there is no suggestion, or what to look at.
    pub message: String,
    /// What the advisor could not do, or warns about (a superuser
    /// connection).
    #[serde(default)]
    pub notices: Vec<Notice>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SuggestedIndex {
    /// For reading: `schema.table`, or the bare name (see `relation`).
    pub table: String,
    pub relation: Relation,
    pub columns: Vec<String>,
    /// `CREATE INDEX …` as the migration would hold it.
    pub sql: String,
}

/// What an engine's checks produce.
#[derive(Debug, Default)]
pub struct Outcome {
    pub findings: Vec<Finding>,
    pub notices: Vec<Notice>,
    pub metrics: Metrics,
}

/// Called before each check with its id: reports progress, and returns
/// `Err(Cancelled)` when the user cancelled.
pub type Step<'a> = dyn FnMut(&str) -> shipdeck_base::error::Result<()> + Send + 'a;

/// Percent drop from `before` to `after`.
pub fn cost_drop_pct(before: f64, after: f64) -> f64 {
    if before <= 0.0 {
        0.0
    } else {
        (before - after) / before * 100.0
    }
}

/// Groups findings by check, for counts in summaries.
pub fn counts_by_check(findings: &[Finding]) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for f in findings {
        *out.entry(f.check.clone()).or_insert(0) += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_ignore_whitespace_in_queries() {
        let mut e = Evidence {
            query: Some("SELECT *\n FROM t WHERE a = $1".into()),
            ..Evidence::default()
        };
        let a = Finding::new("slow_query", Severity::Warning, "x".into())
            .evidence(e.clone())
            .keyed();
        e.query = Some("SELECT * FROM t   WHERE a = $1".into());
        let b = Finding::new("slow_query", Severity::Warning, "y".into())
            .evidence(e)
            .keyed();
        assert_eq!(a.key, b.key);
        assert!(a.key.starts_with("slow_query||||"), "{}", a.key);
    }

    #[test]
    fn cost_drop_is_a_percentage() {
        assert_eq!(cost_drop_pct(200.0, 50.0), 75.0);
        assert_eq!(cost_drop_pct(0.0, 0.0), 0.0);
    }
}
