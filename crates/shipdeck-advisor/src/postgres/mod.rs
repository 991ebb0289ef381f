//! PostgreSQL checks: PgHero's catalogue and thresholds over the statistics
//! views, and index suggestions verified with HypoPG as Dexter does (a
//! hypothetical index, the plan's cost before and after).
//!
//! Every check is one set-based query, so a database with thousands of
//! tables costs the same dozen round trips.

use sqlx::postgres::PgRow;
use sqlx::{Connection, Executor, PgConnection, Row};

use super::predicates;
use super::{
    cost_drop_pct, create_index_sql, AdvisorError, Finding, Notice, Outcome, RunRequest, Step,
    SuggestedIndex, Suggestion, Thresholds, Verification,
};
use shipdeck_base::error::{Error, Result};
use shipdeck_migrations::target::Target;
use shipdeck_migrations::Engine;

mod catalog;
mod planner;
mod trust;

use catalog::*;
use planner::Advisor;

const PG: Engine = Engine::Postgres;

/// Schemas that hold no user tables.
const SYSTEM_SCHEMAS: &str =
    "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'";

pub(crate) async fn connect(target: &Target) -> Result<PgConnection> {
    let mut conn = PgConnection::connect(target.url())
        .await
        .map_err(|e| Error::DatabaseUnreachable {
            detail: e.to_string(),
        })?;
    // A statement that hangs on a lock must not hang the run. Everything
    // runs in one read-only transaction that is rolled back: planning may
    // run other users' functions (see `trust`), and in a read-only
    // transaction they can neither write nor change a role.
    // `transaction_read_only` cannot be turned off once a query has run in
    // the transaction, so a function cannot undo it.
    conn.execute(
        "SET statement_timeout = '30s'; SET lock_timeout = '2s'; SET application_name = 'shipdeck advisor';
         SET default_transaction_read_only = on; BEGIN TRANSACTION READ ONLY",
    )
    .await
    .map_err(db)?;
    Ok(conn)
}

/// Ends the session's transaction without keeping anything.
async fn finish(mut conn: PgConnection) {
    let _ = conn.execute("ROLLBACK").await;
    let _ = conn.close().await;
}

/// A notice when the advisor runs as a superuser: planning other users'
/// statements with every privilege is what a least-privilege role avoids.
async fn superuser_notice(conn: &mut PgConnection) -> Result<Option<Notice>> {
    Ok(trust::is_superuser(conn).await?.then(|| Notice {
        check: "connection".into(),
        message: "The advisor is connected as a superuser.".into(),
        hint: "Connect as a role with only pg_monitor (and pg_read_all_stats) granted; see the advisor's \
               documentation for the GRANTs."
            .into(),
    }))
}

/// One notice for the statements left unplanned because they call
/// untrusted functions.
fn skipped_notice(skipped: &[(&str, &[String])]) -> Option<Notice> {
    if skipped.is_empty() {
        return None;
    }
    let mut functions: Vec<&str> = skipped
        .iter()
        .flat_map(|(_, f)| f.iter().map(String::as_str))
        .collect();
    functions.sort();
    functions.dedup();
    let shown = functions.iter().take(5).copied().collect::<Vec<_>>().join(", ");
    Some(Notice {
        check: "missing_index".into(),
        message: format!(
            "{} statement(s) were not planned: they call functions owned by roles the advisor does not trust ({shown}).",
            skipped.len()
        ),
        hint: "Planning runs such functions with the advisor's privileges. Review them; to plan these statements \
               anyway (the session stays read-only), run with --allow-untrusted-functions."
            .into(),
    })
}

fn db(e: sqlx::Error) -> Error {
    AdvisorError::from(e).into()
}

/// `schema.table`, or `table` in `public`: for people and charts, never
/// for SQL.
fn qualified(schema: &str, table: &str) -> String {
    if schema == "public" {
        table.to_string()
    } else {
        format!("{schema}.{table}")
    }
}

fn s(row: &PgRow, i: usize) -> String {
    row.try_get::<Option<String>, _>(i)
        .ok()
        .flatten()
        .unwrap_or_default()
}

fn f(row: &PgRow, i: usize) -> f64 {
    row.try_get::<Option<f64>, _>(i).ok().flatten().unwrap_or(0.0)
}

/// What the database offers beyond the catalogs.
#[derive(Debug, Default)]
struct Capabilities {
    /// pg_stat_statements is loaded and created in this database.
    statements: bool,
    statements_hint: Option<(String, String)>,
    /// HypoPG is created in this database.
    hypopg: bool,
    hypopg_available: bool,
}

async fn capabilities(conn: &mut PgConnection) -> Result<Capabilities> {
    let row = sqlx::query(
        "SELECT
           EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements'),
           current_setting('shared_preload_libraries') LIKE '%pg_stat_statements%',
           EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_stat_statements'),
           EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'hypopg'),
           EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'hypopg')",
    )
    .fetch_one(&mut *conn)
    .await
    .map_err(db)?;
    let (created, preloaded, available): (bool, bool, bool) = (row.get(0), row.get(1), row.get(2));
    let statements_hint = match (created, preloaded, available) {
        (true, true, _) => None,
        (_, false, _) => Some((
            "pg_stat_statements is not loaded by the server".to_string(),
            "Add `shared_preload_libraries = 'pg_stat_statements'` to postgresql.conf, restart PostgreSQL, then run `CREATE EXTENSION pg_stat_statements;` in this database.".to_string(),
        )),
        (false, true, _) => Some((
            "pg_stat_statements is loaded but not created in this database".to_string(),
            "Run `CREATE EXTENSION pg_stat_statements;` in this database.".to_string(),
        )),
    };
    let _ = available;
    Ok(Capabilities {
        statements: created && preloaded,
        statements_hint,
        hypopg: row.get(3),
        hypopg_available: row.get(4),
    })
}

/// A statement from pg_stat_statements.
#[derive(Debug, Clone)]
struct Statement {
    query: String,
    calls: f64,
    mean_ms: f64,
    total_ms: f64,
    rows: f64,
}

async fn statements(conn: &mut PgConnection) -> Result<Vec<Statement>> {
    let rows = sqlx::query(
        "SELECT query, calls::float8, mean_exec_time, total_exec_time, rows::float8
         FROM pg_stat_statements
         WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
           AND userid = userid
           AND query !~* '^\\s*(BEGIN|COMMIT|ROLLBACK|SET|SHOW|DEALLOCATE|PREPARE|EXPLAIN|VACUUM|ANALYZE|CREATE|DROP|ALTER|COPY)\\M'
           AND query NOT LIKE '%pg_stat_statements%'
           AND query NOT LIKE '%hypopg%'
         ORDER BY total_exec_time DESC
         LIMIT 200",
    )
    .fetch_all(&mut *conn)
    .await
    .map_err(db)?;
    Ok(rows
        .iter()
        .map(|r| Statement {
            query: s(r, 0),
            calls: f(r, 1),
            mean_ms: f(r, 2),
            total_ms: f(r, 3),
            rows: f(r, 4),
        })
        .collect())
}

/// Runs every wanted check.
pub async fn run(target: &Target, req: &RunRequest, step: &mut Step<'_>) -> Result<Outcome> {
    let mut conn = connect(target).await?;
    let caps = capabilities(&mut conn).await?;
    let t = &req.thresholds;
    let mut out = Outcome::default();
    out.notices.extend(superuser_notice(&mut conn).await?);
    let stmts = if caps.statements {
        statements(&mut conn).await?
    } else {
        Vec::new()
    };
    if !caps.hypopg && (req.wants("missing_index") || req.wants("slow_query")) {
        out.notices.push(hypopg_notice(&caps));
    }
    let mut advisor = Advisor::new(&mut conn, caps.hypopg, t);
    advisor.allow_untrusted = req.allow_untrusted_functions;
    let need_statements = |check: &str, out: &mut Outcome| {
        if let Some((message, hint)) = &caps.statements_hint {
            out.notices.push(Notice {
                check: check.into(),
                message: message.clone(),
                hint: hint.clone(),
            });
        }
    };

    if req.wants("slow_query") {
        step("slow_query")?;
        if caps.statements {
            for st in stmts
                .iter()
                .filter(|s| s.calls >= t.slow_query_calls && s.mean_ms >= t.slow_query_ms)
                .take(50)
            {
                out.findings.push(advisor.slow_query(st).await?);
            }
        } else {
            need_statements("slow_query", &mut out);
        }
    }
    if req.wants("missing_index") {
        step("missing_index")?;
        if !caps.statements {
            need_statements("missing_index", &mut out);
        }
        let planned = with_workspace_queries(&stmts, req);
        out.findings.extend(advisor.missing_indexes(t, &planned).await?);
    }
    out.notices.extend(skipped_notice(&advisor.skipped()));
    let session = advisor.conn;
    catalog_checks(&mut *session, req, step, &mut out).await?;
    out.metrics = metrics(&mut *session, &stmts).await?;
    out.findings = out.findings.into_iter().map(Finding::keyed).collect();
    finish(conn).await;
    Ok(out)
}

/// The notice that index suggestions go unverified without HypoPG.
fn hypopg_notice(caps: &Capabilities) -> Notice {
    Notice {
        check: "missing_index".into(),
        message: "HypoPG is not enabled: index suggestions are not verified".into(),
        hint: if caps.hypopg_available {
            "Run `CREATE EXTENSION hypopg;` in this database to verify suggestions with hypothetical indexes."
        } else {
            "Install HypoPG (Debian: postgresql-<version>-hypopg) and run `CREATE EXTENSION hypopg;` to verify suggestions."
        }
        .into(),
    }
}

/// The statements to plan for missing indexes: the server's, then the
/// workspace's own queries — without pg_stat_statements they are the only
/// statements that say which columns to index.
fn with_workspace_queries(stmts: &[Statement], req: &RunRequest) -> Vec<Statement> {
    let mut planned = stmts.to_vec();
    for q in &req.queries {
        let sql = q.sql.trim().trim_end_matches(';').trim_end();
        if !sql.is_empty() && !planned.iter().any(|s| s.query.trim() == sql) {
            planned.push(Statement {
                query: sql.to_string(),
                calls: 0.0,
                mean_ms: 0.0,
                total_ms: 0.0,
                rows: 0.0,
            });
        }
    }
    planned
}

/// The wanted checks that are one catalogue query each, in their fixed order.
async fn catalog_checks(
    session: &mut PgConnection,
    req: &RunRequest,
    step: &mut Step<'_>,
    out: &mut Outcome,
) -> Result<()> {
    let t = &req.thresholds;
    type Check = for<'c> fn(
        &'c mut PgConnection,
        &'c Thresholds,
    ) -> futures::future::BoxFuture<'c, Result<Vec<Finding>>>;
    let catalog_checks: [(&str, Check); 10] = [
        ("long_running_query", |c, t| Box::pin(long_running(c, t))),
        ("unused_index", |c, t| Box::pin(unused_indexes(c, t))),
        ("duplicate_index", |c, _| Box::pin(duplicate_indexes(c))),
        ("foreign_key_without_index", |c, _| {
            Box::pin(unindexed_foreign_keys(c))
        }),
        ("cache_hit_ratio", |c, t| Box::pin(cache_hit(c, t))),
        ("table_bloat", |c, t| Box::pin(table_bloat(c, t))),
        ("transaction_id_wraparound", |c, t| Box::pin(wraparound(c, t))),
        ("sequence_exhaustion", |c, t| Box::pin(sequences(c, t))),
        ("no_primary_key", |c, _| Box::pin(no_primary_key(c))),
        ("invalid_index", |c, _| Box::pin(invalid_indexes(c))),
    ];
    for (id, check) in catalog_checks {
        if req.wants(id) {
            step(id)?;
            out.findings.extend(check(&mut *session, t).await?);
        }
    }
    Ok(())
}

/// Suggests an index for one query.
pub async fn suggest(
    target: &Target,
    sql: &str,
    t: &Thresholds,
    allow_untrusted: bool,
) -> Result<Suggestion> {
    let mut conn = connect(target).await?;
    let caps = capabilities(&mut conn).await?;
    let notices: Vec<Notice> = superuser_notice(&mut conn).await?.into_iter().collect();
    let mut advisor = Advisor::new(&mut conn, caps.hypopg, t);
    advisor.allow_untrusted = allow_untrusted;
    let stmt = predicates::parse(sql, PG)?;
    let before = advisor
        .explain(sql)
        .await
        .map_err(|e| match e.downcast::<AdvisorError>() {
            Ok(AdvisorError::Database { detail }) => AdvisorError::Explain { detail }.into(),
            Ok(other) => other.into(),
            Err(other) => other,
        })?;
    let uses = advisor.uses(&stmt).await?;
    let best = advisor.best_index(sql, &uses, before.cost).await?;
    let mut out = Suggestion {
        query: sql.to_string(),
        index: None,
        cost_before: Some(before.cost),
        cost_after: None,
        verification: if caps.hypopg {
            Verification::Hypopg
        } else {
            Verification::Unverified
        },
        plan_before: Some(before.text),
        plan_after: None,
        message: String::new(),
        notices,
    };
    match best {
        Some(b) => {
            out.message = match &b.after {
                Some(a) => format!(
                    "An index on {} ({}) cuts the estimated cost from {:.0} to {:.0} ({:.0} % less).",
                    b.table.display(),
                    b.columns.join(", "),
                    before.cost,
                    a.cost,
                    cost_drop_pct(before.cost, a.cost)
                ),
                None => format!(
                    "Unverified: an index on {} ({}) matches the query's filters; enable HypoPG to check it helps.",
                    b.table.display(),
                    b.columns.join(", ")
                ),
            };
            out.cost_after = b.after.as_ref().map(|a| a.cost);
            out.plan_after = b.after.map(|a| a.text);
            out.index = Some(SuggestedIndex {
                sql: create_index_sql(PG, &b.table, &b.columns),
                table: b.table.display(),
                relation: b.table,
                columns: b.columns,
            });
        }
        None if uses.is_empty() => {
            out.message = "The query filters on no column of a table; there is no index to suggest.".into();
        }
        None => {
            out.message = format!(
                "No index on the filtered columns cuts the estimated cost by {:.0} % or more.",
                t.min_cost_drop_pct
            );
        }
    }
    finish(conn).await;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::planner::total_cost;
    use super::*;

    #[test]
    fn the_total_cost_is_read_from_the_plan_line() {
        assert_eq!(
            total_cost("Seq Scan on orders  (cost=0.00..1693.00 rows=1 width=4)"),
            Some(1693.0)
        );
        assert_eq!(
            total_cost("Index Scan using x on t  (cost=0.29..8.31 rows=1 width=40)"),
            Some(8.31)
        );
        assert_eq!(total_cost("Result"), None);
    }

    #[test]
    fn public_tables_are_not_qualified() {
        assert_eq!(qualified("public", "orders"), "orders");
        assert_eq!(qualified("billing", "orders"), "billing.orders");
    }
}
