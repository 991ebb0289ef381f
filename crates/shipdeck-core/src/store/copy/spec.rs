//! Every table of the store, in the order a copy writes them (a table after
//! those it refers to), with how its rows are keyed. A test checks that this
//! list names every table of both schemas, so a new table cannot be left out
//! of copies and exports.

/// How a table's rows are told apart between two stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// An id the store generates: a copied row gets a new id in the target
    /// (which already holds other people's rows), and every reference to it
    /// is rewritten.
    Generated(&'static str),
    /// A key that means the same in every store (a workspace id, a sha, a
    /// setting's name…). When the target already holds the key, the
    /// target's row wins: it is the store people work with now, and the
    /// copy only brings what it lacks.
    Natural(&'static [&'static str]),
    /// Not copied: the copies' own bookkeeping.
    Skip,
}

#[derive(Debug, Clone, Copy)]
pub struct TableSpec {
    pub name: &'static str,
    pub key: Key,
    /// Columns that refer to a [`Key::Generated`] id of another table:
    /// `(column, table)`.
    pub refs: &'static [(&'static str, &'static str)],
    /// Flags: BOOLEAN on PostgreSQL, 0/1 integers on SQLite, `true`/`false`
    /// in an export.
    pub bools: &'static [&'static str],
}

const fn generated(name: &'static str) -> TableSpec {
    TableSpec {
        name,
        key: Key::Generated("id"),
        refs: &[],
        bools: &[],
    }
}

const fn natural(name: &'static str, key: &'static [&'static str]) -> TableSpec {
    TableSpec {
        name,
        key: Key::Natural(key),
        refs: &[],
        bools: &[],
    }
}

impl TableSpec {
    const fn refs(mut self, refs: &'static [(&'static str, &'static str)]) -> TableSpec {
        self.refs = refs;
        self
    }

    const fn bools(mut self, bools: &'static [&'static str]) -> TableSpec {
        self.bools = bools;
        self
    }

    /// The columns a batch is read in order of (stable pages).
    pub fn order_by(&self) -> Vec<&'static str> {
        match self.key {
            Key::Generated(id) => vec![id],
            Key::Natural(cols) => cols.to_vec(),
            Key::Skip => Vec::new(),
        }
    }

    pub fn is_bool(&self, column: &str) -> bool {
        self.bools.contains(&column)
    }

    /// The table a column refers to, when it holds a generated id.
    pub fn referenced(&self, column: &str) -> Option<&'static str> {
        self.refs.iter().find(|(c, _)| *c == column).map(|(_, t)| *t)
    }
}

pub const TABLES: &[TableSpec] = &[
    natural("workspaces", &["id"]),
    natural("workspace_aliases", &["alias"]),
    natural("settings", &["key"]),
    generated("job_runs"),
    // Append-only: rows are only ever inserted, keeping their `at`, `actor`
    // and `host`.
    generated("audit_log"),
    natural("credentials", &["workspace_id", "name"]),
    generated("release_events"),
    natural("commit_cache", &["sha"]),
    generated("migration_runs"),
    natural("applied_sql", &["checksum"]),
    generated("env_runs"),
    generated("bench_runs"),
    natural("bench_metrics", &["run_id", "name"])
        .refs(&[("run_id", "bench_runs")])
        .bools(&["lower_is_better"]),
    generated("advisor_runs"),
    natural("advisor_findings", &["run_id", "key"]).refs(&[("run_id", "advisor_runs")]),
    natural("advisor_dismissals", &["workspace_id", "database", "key"]),
    generated("security_sarif_imports"),
    generated("security_sarif_results").refs(&[
        ("first_import", "security_sarif_imports"),
        ("last_import", "security_sarif_imports"),
    ]),
    natural("security_sarif_seen", &["import_id", "result_id"]).refs(&[
        ("import_id", "security_sarif_imports"),
        ("result_id", "security_sarif_results"),
    ]),
    generated("coverage_runs").bools(&["passed"]),
    natural("coverage_run_areas", &["run_id", "name"])
        .refs(&[("run_id", "coverage_runs")])
        .bools(&["passed"]),
    natural("coverage_run_reports", &["run_id", "ord"]).refs(&[("run_id", "coverage_runs")]),
    generated("bundle_runs").bools(&["passed"]),
    natural("bundle_routes", &["run_id", "route"]).refs(&[("run_id", "bundle_runs")]),
    natural("docs_reviews", &["workspace_id", "path"]),
    generated("readiness_runs"),
    natural(
        "release_schema",
        &["workspace_id", "package", "version", "database"],
    ),
    generated("rollback_runs")
        .refs(&[("job_id", "job_runs")])
        .bools(&["completed"]),
    TableSpec {
        name: "store_imports",
        key: Key::Skip,
        refs: &[],
        bools: &[],
    },
];

pub fn table(name: &str) -> Option<&'static TableSpec> {
    TABLES.iter().find(|t| t.name == name)
}
