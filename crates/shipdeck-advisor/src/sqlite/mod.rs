//! SQLite: the workspace's queries planned with `EXPLAIN QUERY PLAN`, and
//! index suggestions verified the way the sqlite3 shell's `.expert` does it:
//! on a scratch in-memory copy of the schema and its statistics, with the
//! candidate index created there and the query planned again. Foreign keys
//! and duplicate indexes come from the `pragma_*` table-valued functions, one
//! query for the whole database however many tables it has.

use std::collections::HashMap;

use sqlparser::ast::Statement;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{ConnectOptions, Connection, Row};

use super::predicates::{self, relations};
use super::{
    create_index_sql, AdvisorError, Outcome, Relation, RunRequest, Step, SuggestedIndex, Suggestion,
    Thresholds, Verification,
};
use shipdeck_base::error::{Error, Result};
use shipdeck_migrations::split::split;
use shipdeck_migrations::target::Target;
use shipdeck_migrations::Engine;

mod catalog;
mod planner;
mod scratch;

use catalog::{duplicates, foreign_keys, load_indexes, table_metrics};
use planner::{plan, plan_queries, plan_text, Planned};
use scratch::{query_findings, verify, Problem, Scratch};

const E: Engine = Engine::Sqlite;

/// Ordinary tables: not SQLite's own, not virtual (their module may be
/// missing here, and they have no B-tree indexes to advise on).
const REAL_TABLES: &str =
    "m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND m.sql NOT LIKE 'CREATE VIRTUAL%'";

fn db_err(e: sqlx::Error) -> Error {
    AdvisorError::Database {
        detail: e.to_string(),
    }
    .into()
}

pub async fn run(target: &Target, req: &RunRequest, step: &mut Step<'_>) -> Result<Outcome> {
    let mut conn = open(target).await?;
    let mut schema = Schema::load(&mut conn).await?;
    let all = schema.tables.clone();
    schema.count(&mut conn, &all).await?;
    let mut out = Outcome::default();
    let query_checks = ["missing_index", "temp_b_tree", "automatic_index"];
    if query_checks.iter().any(|c| req.wants(c)) {
        let planned = plan_queries(&mut conn, &schema, &req.queries, &mut out.notices).await;
        let mut scratch: Option<Scratch> = None;
        let min_rows = req.thresholds.sqlite_scan_rows;
        for check in query_checks.into_iter().filter(|c| req.wants(c)) {
            step(check)?;
            for p in &planned {
                let found = query_findings(&mut conn, &mut scratch, &schema, p, check, min_rows).await?;
                for f in found {
                    if !out.findings.iter().any(|x| x.key == f.key) {
                        out.findings.push(f);
                    }
                }
            }
        }
    }
    let want_fk = req.wants("foreign_key_without_index");
    let want_dup = req.wants("duplicate_index");
    if want_fk || want_dup {
        let indexes = load_indexes(&mut conn, &schema).await?;
        if want_fk {
            step("foreign_key_without_index")?;
            out.findings
                .extend(foreign_keys(&mut conn, &schema, &indexes).await?);
        }
        if want_dup {
            step("duplicate_index")?;
            out.findings.extend(duplicates(&indexes));
        }
    }
    out.metrics.tables = table_metrics(&mut conn, &schema).await;
    let _ = conn.close().await;
    Ok(out)
}

pub async fn suggest(target: &Target, sql: &str, _t: &Thresholds) -> Result<Suggestion> {
    let stmt = predicates::parse(sql, E)?;
    if !is_plannable(&stmt) {
        return Err(AdvisorError::Parse {
            detail: "not a SELECT, UPDATE or DELETE".into(),
        }
        .into());
    }
    let sql = single(sql).unwrap_or_else(|| sql.trim().to_string());
    let mut conn = open(target).await?;
    let mut schema = Schema::load(&mut conn).await?;
    let used: Vec<String> = relations(&stmt)
        .iter()
        .filter_map(|(t, _)| schema.table(t))
        .collect();
    schema.count(&mut conn, &used).await?;
    let before = plan(&mut conn, &sql).await.map_err(|e| AdvisorError::Explain {
        detail: e.to_string(),
    })?;
    let p = Planned::new(None, sql.clone(), Some(stmt), before, &schema);
    let facts = p.facts(&p.rows, &schema, 0.0);
    let mut problems: Vec<Problem> = facts.scans.iter().cloned().map(Problem::Scan).collect();
    problems.extend(
        facts
            .autos
            .iter()
            .map(|(t, c)| Problem::Auto(t.clone(), c.clone())),
    );
    if !facts.temps.is_empty() {
        problems.push(Problem::Temp);
    }
    let mut s = Suggestion {
        query: sql,
        index: None,
        cost_before: None,
        cost_after: None,
        verification: Verification::Unverified,
        plan_before: Some(plan_text(&p.rows)),
        plan_after: None,
        notices: Vec::new(),
        message: "The plan reads every table through an index and sorts without a temporary B-tree: \
                  nothing to add."
            .into(),
    };
    if problems.is_empty() {
        return Ok(s);
    }
    let mut scratch = Scratch::open(&mut conn).await?;
    for problem in &problems {
        if let Some((table, cols, after)) = verify(&mut scratch, &p, &schema, problem, 0.0).await {
            s.plan_after = Some(plan_text(&after));
            s.verification = Verification::ScratchCopy;
            s.message = format!(
                "On a scratch copy of the schema and its statistics, an index on {table} ({}) fixes {}.",
                cols.join(", "),
                problem.describe()
            );
            s.index = Some(SuggestedIndex {
                sql: create_index_sql(E, &Relation::bare(&table), &cols),
                relation: Relation::bare(&table),
                table,
                columns: cols,
            });
            return Ok(s);
        }
    }
    s.message = format!(
        "No index on the columns the query filters, joins or sorts on fixed {} on a scratch copy; \
         review the query itself.",
        problems
            .iter()
            .map(Problem::describe)
            .collect::<Vec<_>>()
            .join(", ")
    );
    Ok(s)
}

async fn open(target: &Target) -> Result<SqliteConnection> {
    let Some(file) = &target.sqlite_file else {
        return Err(Error::DatabaseUnreachable {
            detail: "the SQLite URL names no database file; an in-memory database has nothing to advise on"
                .into(),
        });
    };
    if !file.is_file() {
        return Err(Error::DatabaseUnreachable {
            detail: format!("the SQLite database {} does not exist", file.display()),
        });
    }
    // Read-only: the advisor never writes to the user's database.
    SqliteConnectOptions::new()
        .filename(file)
        .read_only(true)
        .create_if_missing(false)
        .connect()
        .await
        .map_err(|e| Error::DatabaseUnreachable {
            detail: format!("cannot open {}: {e}", file.display()),
        })
}

/// Always-quoted identifier and string literal, for the advisor's own SQL.
fn ident(name: &str) -> String {
    super::names::delimit(E, name)
}

fn literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// Tables, their columns and (once counted) their rows.
#[derive(Default)]
struct Schema {
    tables: Vec<String>,
    /// Lower-case name → name.
    by_lower: HashMap<String, String>,
    columns: HashMap<String, Vec<String>>,
    /// `INTEGER PRIMARY KEY` and other primary key columns, in key order.
    pk: HashMap<String, Vec<String>>,
    rows: HashMap<String, i64>,
}

impl Schema {
    async fn load(conn: &mut SqliteConnection) -> Result<Schema> {
        let sql = format!(
            "SELECT m.name, p.name, p.pk FROM sqlite_master m JOIN pragma_table_info(m.name) p \
             WHERE {REAL_TABLES} ORDER BY m.rowid, p.cid"
        );
        let mut s = Schema::default();
        let mut pk: HashMap<String, Vec<(i64, String)>> = HashMap::new();
        for r in sqlx::query(&sql).fetch_all(&mut *conn).await.map_err(db_err)? {
            let (table, column, key): (String, String, i64) = (
                r.try_get(0).map_err(db_err)?,
                r.try_get(1).map_err(db_err)?,
                r.try_get(2).map_err(db_err)?,
            );
            if !s.columns.contains_key(&table) {
                s.by_lower.insert(table.to_lowercase(), table.clone());
                s.tables.push(table.clone());
            }
            if key > 0 {
                pk.entry(table.clone()).or_default().push((key, column.clone()));
            }
            s.columns.entry(table).or_default().push(column);
        }
        for (t, mut cols) in pk {
            cols.sort();
            s.pk.insert(t, cols.into_iter().map(|(_, c)| c).collect());
        }
        Ok(s)
    }

    /// The table a name (as written in a query or plan) refers to.
    fn table(&self, name: &str) -> Option<String> {
        let lower = name.to_lowercase();
        let bare = lower.strip_prefix("main.").unwrap_or(&lower);
        self.by_lower.get(bare).cloned()
    }

    fn column(&self, table: &str, name: &str) -> Option<String> {
        self.columns
            .get(table)?
            .iter()
            .find(|c| c.eq_ignore_ascii_case(name))
            .cloned()
    }

    fn rows(&self, table: &str) -> i64 {
        self.rows.get(table).copied().unwrap_or(0)
    }

    /// Counts the rows of `tables` not counted yet, a few hundred tables per
    /// query (SQLite allows 500 terms in a compound SELECT).
    async fn count(&mut self, conn: &mut SqliteConnection, tables: &[String]) -> Result<()> {
        let todo: Vec<&String> = tables.iter().filter(|t| !self.rows.contains_key(*t)).collect();
        let count = |t: &str| format!("SELECT {}, count(*) FROM {}", literal(t), ident(t));
        for chunk in todo.chunks(200) {
            let sql = chunk
                .iter()
                .map(|t| count(t))
                .collect::<Vec<_>>()
                .join(" UNION ALL ");
            let rows = match sqlx::raw_sql(&sql).fetch_all(&mut *conn).await {
                Ok(rows) => rows,
                // One table SQLite cannot read (a module it lacks): the
                // others one by one, that one left at 0.
                Err(_) => {
                    let mut rows = Vec::new();
                    for t in chunk {
                        rows.extend(
                            sqlx::raw_sql(&count(t))
                                .fetch_all(&mut *conn)
                                .await
                                .unwrap_or_default(),
                        );
                    }
                    rows
                }
            };
            for r in rows {
                self.rows
                    .insert(r.try_get(0).map_err(db_err)?, r.try_get(1).map_err(db_err)?);
            }
        }
        Ok(())
    }
}

fn is_plannable(stmt: &Statement) -> bool {
    matches!(
        stmt,
        Statement::Query(_) | Statement::Update(_) | Statement::Delete(_)
    )
}

/// The statement of `sql` when it holds exactly one.
fn single(sql: &str) -> Option<String> {
    let mut stmts = split(sql, E);
    (stmts.len() == 1).then(|| stmts.remove(0).sql.trim().to_string())
}
