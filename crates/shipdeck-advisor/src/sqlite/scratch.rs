//! Verification on a scratch in-memory copy of the schema and its
//! statistics, as the sqlite3 shell's `.expert` does it: the candidate
//! index created there and the query planned again; and the missing_index,
//! temp_b_tree and automatic_index findings built on it.

use std::collections::{HashMap, HashSet};

use sqlx::sqlite::SqliteConnection;
use sqlx::Connection;

use super::super::predicates::{relations, Use};
use super::super::{
    create_index_sql, index_name, quote_ident, Evidence, Finding, Relation, Severity, Verification,
};
use super::planner::{plan, plan_text, Facts, PlanRow, Planned};
use super::{db_err, Schema, E};
use shipdeck_base::error::Result;

/// A problem of a plan that an index may fix.
pub(super) enum Problem {
    Scan(String),
    Temp,
    Auto(String, Vec<String>),
}

impl Problem {
    pub(super) fn describe(&self) -> String {
        match self {
            Problem::Scan(t) => format!("the full scan of {t}"),
            Problem::Temp => "the temporary B-tree".into(),
            Problem::Auto(t, _) => format!("the automatic index on {t}"),
        }
    }
}

/// The in-memory copy of the schema and its statistics. Tables are copied
/// as queries need them: replaying thousands of CREATE statements costs
/// SQLite more than planning a few queries.
pub(super) struct Scratch {
    conn: SqliteConnection,
    /// The source's (type, name, table, sql), tables first.
    ddl: Vec<(String, String, String, String)>,
    /// The source's `sqlite_stat1` rows.
    stats: Vec<(String, Option<String>, String)>,
    /// Tables copied so far; views are copied with every table at once.
    loaded: HashSet<String>,
    views: bool,
    /// Verdicts by problem and query text: a query repeated in the
    /// workspace is verified once.
    memo: HashMap<String, Option<Verified>>,
}

/// The index that fixes a problem: table, columns, and the plan with it.
pub(super) type Verified = (String, Vec<String>, Vec<PlanRow>);

impl Scratch {
    pub(super) async fn open(src: &mut SqliteConnection) -> Result<Scratch> {
        let mut conn = SqliteConnection::connect("sqlite::memory:")
            .await
            .map_err(db_err)?;
        // Creates sqlite_stat1.
        sqlx::raw_sql("ANALYZE")
            .execute(&mut conn)
            .await
            .map_err(db_err)?;
        let ddl = sqlx::query_as(
            "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE sql IS NOT NULL \
             AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND type IN ('table', 'index', 'view') \
             ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 ELSE 2 END, rowid",
        )
        .fetch_all(&mut *src)
        .await
        .map_err(db_err)?;
        let has_stats: bool =
            sqlx::query_scalar("SELECT count(*) > 0 FROM sqlite_master WHERE name = 'sqlite_stat1'")
                .fetch_one(&mut *src)
                .await
                .map_err(db_err)?;
        let mut stats = Vec::new();
        if has_stats {
            stats = sqlx::query_as("SELECT tbl, idx, stat FROM sqlite_stat1")
                .fetch_all(&mut *src)
                .await
                .map_err(db_err)?;
        }
        Ok(Scratch {
            conn,
            ddl,
            stats,
            loaded: HashSet::new(),
            views: false,
            memo: HashMap::new(),
        })
    }

    /// Copies the tables `names` refer to, with their indexes and
    /// statistics (the row count when the source has none); a view makes it
    /// copy everything.
    async fn ensure(&mut self, names: &[String], schema: &Schema) -> Result<()> {
        let views = names.iter().any(|n| {
            self.ddl
                .iter()
                .any(|(k, name, ..)| k == "view" && name.eq_ignore_ascii_case(n))
        });
        let tables: Vec<String> = if views {
            schema.tables.clone()
        } else {
            names.iter().filter_map(|n| schema.table(n)).collect()
        };
        let new: HashSet<&str> = tables
            .iter()
            .map(String::as_str)
            .filter(|t| !self.loaded.contains(*t))
            .collect();
        let add_views = views && !self.views;
        if new.is_empty() && !add_views {
            return Ok(());
        }
        let ddl: Vec<&(String, String, String, String)> = self
            .ddl
            .iter()
            .filter(|(k, _, t, _)| {
                if k == "view" {
                    add_views
                } else {
                    new.contains(t.as_str())
                }
            })
            .collect();
        // In one batch; when a statement fails (a virtual table whose module
        // is missing, a view over one), one at a time, skipping it: the rest
        // is still worth planning against.
        let batch = format!(
            "BEGIN; {}; COMMIT",
            ddl.iter().map(|d| d.3.as_str()).collect::<Vec<_>>().join(";\n")
        );
        if sqlx::raw_sql(&batch).execute(&mut self.conn).await.is_err() {
            let _ = sqlx::raw_sql("ROLLBACK").execute(&mut self.conn).await;
            for (kind, name, _, sql) in ddl {
                if let Err(e) = sqlx::raw_sql(sql).execute(&mut self.conn).await {
                    tracing::debug!(kind, name, error = %e, "advisor: scratch schema statement skipped");
                }
            }
        }
        let mut rows: Vec<(String, Option<String>, String)> = self
            .stats
            .iter()
            .filter(|(t, ..)| new.contains(t.as_str()))
            .cloned()
            .collect();
        for t in &new {
            if let Some(n) = schema.rows.get(*t).filter(|_| !rows.iter().any(|(x, ..)| x == t)) {
                rows.push((t.to_string(), None, n.to_string()));
            }
        }
        let mut tx = self.conn.begin().await.map_err(db_err)?;
        for (tbl, idx, stat) in rows {
            sqlx::query("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (?1, ?2, ?3)")
                .bind(tbl)
                .bind(idx)
                .bind(stat)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
        }
        tx.commit().await.map_err(db_err)?;
        // Makes the planner read the statistics just written.
        sqlx::raw_sql("ANALYZE sqlite_schema")
            .execute(&mut self.conn)
            .await
            .map_err(db_err)?;
        self.loaded.extend(new.into_iter().map(str::to_string));
        self.views |= add_views;
        Ok(())
    }

    /// The plan of `sql` with an index on `table (cols)`, and its name.
    async fn with_index(
        &mut self,
        sql: &str,
        table: &str,
        cols: &[String],
    ) -> Option<(String, Vec<PlanRow>)> {
        let rel = Relation::bare(table);
        let name = index_name(&rel, cols);
        let taken: Option<i64> =
            sqlx::query_scalar("SELECT 1 FROM sqlite_master WHERE name = ?1 COLLATE NOCASE")
                .bind(&name)
                .fetch_optional(&mut self.conn)
                .await
                .ok()?;
        if taken.is_some() {
            return None;
        }
        sqlx::raw_sql(&create_index_sql(E, &rel, cols))
            .execute(&mut self.conn)
            .await
            .ok()?;
        let after = plan(&mut self.conn, sql).await;
        let drop = format!("DROP INDEX IF EXISTS {}", quote_ident(E, &name));
        let _ = sqlx::raw_sql(&drop).execute(&mut self.conn).await;
        Some((name, after.ok()?))
    }
}

/// The first candidate index that fixes `problem` on the scratch copy
/// without making the rest of the plan worse: (table, columns, plan).
pub(super) async fn verify(
    scratch: &mut Scratch,
    p: &Planned<'_>,
    schema: &Schema,
    problem: &Problem,
    min_rows: f64,
) -> Option<Verified> {
    let memo = format!("{}\n{}", problem.describe(), p.sql);
    if let Some(known) = scratch.memo.get(&memo) {
        return known.clone();
    }
    let Some(stmt) = &p.stmt else { return None };
    let names: Vec<String> = relations(stmt).into_iter().map(|(t, _)| t).collect();
    if let Err(e) = scratch.ensure(&names, schema).await {
        tracing::debug!(error = %e, "advisor: scratch copy incomplete, suggestion left unverified");
        return None;
    }
    let before = p.facts(&p.rows, schema, min_rows);
    let mut candidates: Vec<(String, Vec<String>)> = Vec::new();
    match problem {
        Problem::Scan(t) => candidates.extend(p.candidates(schema, t).into_iter().map(|c| (t.clone(), c))),
        Problem::Auto(t, cols) => {
            if let Some(cols) = cols
                .iter()
                .map(|c| schema.column(t, c))
                .collect::<Option<Vec<_>>>()
            {
                candidates.push((t.clone(), cols));
            }
            candidates.extend(p.candidates(schema, t).into_iter().map(|c| (t.clone(), c)));
        }
        Problem::Temp => {
            for u in &p.uses {
                let Some(t) = schema.table(&u.table) else { continue };
                for c in p.candidates(schema, &t) {
                    candidates.push((t.clone(), c));
                }
            }
            let sorts = |t: &str, c: &[String]| {
                p.uses.iter().any(|u| {
                    schema.table(&u.table).as_deref() == Some(t)
                        && u.columns
                            .iter()
                            .any(|(n, how)| *how == Use::Sort && c.iter().any(|x| x.eq_ignore_ascii_case(n)))
                })
            };
            candidates.sort_by_key(|(t, c)| !sorts(t, c));
        }
    }
    // Of the candidates that fix it, the one that leaves the fewest other
    // problems (an index for the filter and the sort beats one for the
    // filter alone), then the first: the parser's best guess.
    let mut best: Option<((usize, usize, usize), Verified)> = None;
    for (table, cols) in candidates.into_iter().take(8) {
        let Some((name, after)) = scratch.with_index(&p.sql, &table, &cols).await else {
            continue;
        };
        let f = p.facts(&after, schema, min_rows);
        let reads = |search: bool| {
            f.reads
                .iter()
                .any(|(t, i, s)| *t == table && i.eq_ignore_ascii_case(&name) && (*s || !search))
        };
        let no_worse = f.full_reads() <= before.full_reads();
        let fixed = match problem {
            Problem::Scan(t) => {
                reads(true)
                    && !f.scans.contains(t)
                    && !f.index_scans.contains(t)
                    && f.full_reads() < before.full_reads()
            }
            Problem::Temp => reads(false) && f.temps.len() < before.temps.len() && no_worse,
            Problem::Auto(t, _) => reads(true) && !f.autos.iter().any(|(x, _)| x == t) && no_worse,
        };
        let rank = (f.full_reads(), f.autos.len(), f.temps.len());
        if fixed && best.as_ref().is_none_or(|(r, _)| rank < *r) {
            best = Some((rank, (table, cols, after)));
        }
    }
    let found = best.map(|(_, found)| found);
    scratch.memo.insert(memo, found.clone());
    found
}

/// The findings of `check` for one planned query.
pub(super) async fn query_findings(
    conn: &mut SqliteConnection,
    scratch: &mut Option<Scratch>,
    schema: &Schema,
    p: &Planned<'_>,
    check: &str,
    min_rows: f64,
) -> Result<Vec<Finding>> {
    let facts = p.facts(&p.rows, schema, min_rows);
    let mut out = Vec::new();
    for problem in problems(check, &facts, p, schema) {
        if scratch.is_none() {
            *scratch = Some(Scratch::open(conn).await?);
        }
        let verified = match scratch.as_mut() {
            Some(s) => verify(s, p, schema, &problem, min_rows).await,
            None => None,
        };
        let (severity, what) = headline(&problem, schema, &facts);
        let mut e = Evidence {
            query: Some(p.sql.clone()),
            plan: Some(plan_text(&p.rows)),
            ..Evidence::default()
        };
        let table = problem_table(&problem, p, schema);
        if let Some(t) = &table {
            e = e.figure("rows", schema.rows(t) as f64, "rows");
        }
        let f = match verified {
            Some((t, cols, after)) => {
                let fix = create_index_sql(E, &Relation::bare(&t), &cols);
                e.verification = Some(Verification::ScratchCopy);
                let msg = format!(
                    "{}the query {what}; an index on {t} ({}) fixes it on a scratch copy of the schema and statistics. Plan with the index:\n{}",
                    p.origin(),
                    cols.join(", "),
                    plan_text(&after)
                );
                Finding::new(check, severity, msg)
                    .table(Relation::bare(t))
                    .columns(cols)
                    .evidence(e)
                    .fix(fix)
            }
            None => {
                e.verification = Some(Verification::Unverified);
                let msg = format!(
                    "{}the query {what}; no index on the columns it filters, joins or sorts on changed that on a scratch copy.",
                    p.origin()
                );
                let f = Finding::new(check, severity, msg).evidence(e);
                match table {
                    Some(t) => f.table(Relation::bare(t)),
                    None => f,
                }
            }
        };
        out.push(f.keyed());
    }
    Ok(out)
}

/// What `check` looks for in one query's plan facts.
fn problems(check: &str, facts: &Facts, p: &Planned<'_>, schema: &Schema) -> Vec<Problem> {
    match check {
        "missing_index" => facts
            .scans
            .iter()
            .filter(|t| p.filters(schema, t))
            .cloned()
            .map(Problem::Scan)
            .collect(),
        "automatic_index" => facts
            .autos
            .iter()
            .map(|(t, c)| Problem::Auto(t.clone(), c.clone()))
            .collect(),
        _ if facts.temps.is_empty() => Vec::new(),
        _ => vec![Problem::Temp],
    }
}

/// A problem's severity and what the query does, as the finding says it.
fn headline(problem: &Problem, schema: &Schema, facts: &Facts) -> (Severity, String) {
    match problem {
        Problem::Scan(t) => (
            Severity::Warning,
            format!("scans all {} rows of {t}", schema.rows(t)),
        ),
        Problem::Temp => (
            Severity::Info,
            format!("sorts in a temporary B-tree for {}", facts.temps.join(", ")),
        ),
        Problem::Auto(t, c) => (
            Severity::Warning,
            format!("builds an automatic index on {t} ({}) on every run", c.join(", ")),
        ),
    }
}

/// The table a problem is about; for a sort, the first table sorted on.
fn problem_table(problem: &Problem, p: &Planned<'_>, schema: &Schema) -> Option<String> {
    match problem {
        Problem::Scan(t) | Problem::Auto(t, _) => Some(t.clone()),
        Problem::Temp => p
            .uses
            .iter()
            .find(|u| u.columns.iter().any(|(_, h)| *h == Use::Sort))
            .and_then(|u| schema.table(&u.table)),
    }
}
