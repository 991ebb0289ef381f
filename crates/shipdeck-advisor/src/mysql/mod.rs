//! MariaDB/MySQL: duplicate indexes and tables without a primary key from
//! information_schema, unused indexes, full table scans and slow statements
//! from performance_schema (as the sys schema's views read them), and index
//! suggestions from plain `EXPLAIN`. Neither server can plan a hypothetical
//! index, so suggestions are `Unverified`.
//!
//! Every check is one set-based query, whatever the number of tables. The
//! queries run over the text protocol (`raw_sql`): values arrive as text and
//! are parsed here, which sidesteps the column types that differ between
//! MariaDB and MySQL versions.

use std::collections::HashMap;
use std::str::FromStr;
use std::time::Duration;

use sqlparser::ast::Statement;
use sqlx::mysql::{MySqlConnectOptions, MySqlConnection, MySqlDatabaseError, MySqlRow};
use sqlx::{ConnectOptions, Connection, Row};

use super::{predicates, AdvisorError, Notice, Outcome, RunRequest, Step, Suggestion, Thresholds};
use shipdeck_base::error::{Error, Result};
use shipdeck_migrations::split::split;
use shipdeck_migrations::target::Target;
use shipdeck_migrations::Engine;

mod catalog;
mod explain;

use catalog::{duplicates, full_scans, no_primary_key, query_metrics, slow, table_metrics, unused};
use explain::advise;

const E: Engine = Engine::Mysql;

/// Leaves out the advisor's own statements, other catalog reads and the
/// session set-up every client sends.
const NOT_OURS: &str = "DIGEST_TEXT IS NOT NULL AND DIGEST_TEXT NOT LIKE '%information\\_schema%' \
     AND DIGEST_TEXT NOT LIKE '%performance\\_schema%' AND DIGEST_TEXT NOT LIKE 'EXPLAIN %' \
     AND DIGEST_TEXT NOT LIKE 'SHOW %' AND DIGEST_TEXT NOT LIKE 'SET %'";

/// Statements that read rows (DDL also counts as using no index).
const DML: &str = "(DIGEST_TEXT LIKE 'SELECT %' OR DIGEST_TEXT LIKE 'WITH %' OR DIGEST_TEXT LIKE 'UPDATE %' \
     OR DIGEST_TEXT LIKE 'DELETE %' OR DIGEST_TEXT LIKE 'INSERT %' OR DIGEST_TEXT LIKE 'REPLACE %')";

const DIGESTS: &str = "performance_schema.events_statements_summary_by_digest";

fn db_err(e: sqlx::Error) -> Error {
    AdvisorError::Database {
        detail: e.to_string(),
    }
    .into()
}

async fn rows(conn: &mut MySqlConnection, sql: &str) -> std::result::Result<Vec<MySqlRow>, sqlx::Error> {
    sqlx::raw_sql(sql).fetch_all(&mut *conn).await
}

fn text(r: &MySqlRow, i: usize) -> Option<String> {
    r.try_get_unchecked::<Option<String>, _>(i).ok().flatten()
}

fn num(r: &MySqlRow, i: usize) -> f64 {
    text(r, i).and_then(|v| v.trim().parse().ok()).unwrap_or(0.0)
}

/// A threshold as an SQL literal.
fn lit(x: f64) -> String {
    if x.is_finite() {
        x.to_string()
    } else {
        "0".into()
    }
}

pub async fn run(target: &Target, req: &RunRequest, step: &mut Step<'_>) -> Result<Outcome> {
    let mut conn = connect(target).await?;
    let (database, ps) = server(&mut conn).await?;
    let t = &req.thresholds;
    let mut out = Outcome::default();
    let mut cat = Catalog::new(database);
    if ["duplicate_index", "unused_index", "full_table_scan"]
        .iter()
        .any(|c| req.wants(c))
    {
        cat.load_indexes(&mut conn).await?;
    }
    let status = status(&mut conn).await;
    out.notices.extend(superuser_notice(&mut conn).await);
    if req.wants("duplicate_index") {
        step("duplicate_index")?;
        out.findings.extend(duplicates(&cat.indexes));
    }
    for check in ["unused_index", "full_table_scan", "slow_query"] {
        if !req.wants(check) {
            continue;
        }
        step(check)?;
        if !ps {
            out.notices.push(Notice {
                check: check.into(),
                message: format!("performance_schema is off, so {check} cannot run."),
                hint: "Set performance_schema=ON under [mysqld] in my.cnf and restart the server; \
                       the statistics accumulate from the restart."
                    .into(),
            });
            continue;
        }
        let found = match check {
            "unused_index" => unused(&mut conn, &cat, t, &status).await,
            "full_table_scan" => full_scans(&mut conn, &mut cat).await,
            _ => slow(&mut conn, t).await,
        };
        match found {
            Ok(f) => out.findings.extend(f),
            Err(e) if denied(&e) => out.notices.push(Notice {
                check: check.into(),
                message: format!("This user cannot read performance_schema, so {check} cannot run."),
                hint: "GRANT SELECT ON performance_schema.* TO the advisor's user.".into(),
            }),
            Err(e) => return Err(db_err(e)),
        }
    }
    if req.wants("no_primary_key") {
        step("no_primary_key")?;
        out.findings
            .extend(no_primary_key(&mut conn).await.map_err(db_err)?);
    }
    out.metrics.tables = table_metrics(&mut conn).await.map_err(db_err)?;
    if ps {
        out.metrics.queries = query_metrics(&mut conn).await.unwrap_or_default();
    }
    let (reads, requests) = (
        status.get("innodb_buffer_pool_reads"),
        status.get("innodb_buffer_pool_read_requests"),
    );
    if let (Some(reads), Some(requests)) = (reads, requests.filter(|r| **r > 0.0)) {
        out.metrics.cache_hit_pct = Some((1.0 - reads / requests) * 100.0);
    }
    finish(conn).await;
    Ok(out)
}

pub async fn suggest(target: &Target, sql: &str, _t: &Thresholds) -> Result<Suggestion> {
    let stmt = predicates::parse(sql, E)?;
    let one = split(sql, E);
    if !plannable(&stmt) || one.len() != 1 {
        return Err(AdvisorError::Parse {
            detail: "not one SELECT, UPDATE or DELETE".into(),
        }
        .into());
    }
    let mut conn = connect(target).await?;
    let (database, _) = server(&mut conn).await?;
    let mut cat = Catalog::new(database);
    cat.load_indexes(&mut conn).await?;
    cat.load_columns(&mut conn).await?;
    let s = advise(&mut conn, &cat, one[0].sql.trim(), &stmt).await;
    let notice = superuser_notice(&mut conn).await;
    finish(conn).await;
    let mut s = s?;
    s.notices.extend(notice);
    Ok(s)
}

/// A notice when the user holds global administrative privileges (`ALL
/// PRIVILEGES` or `SUPER` on `*.*`): EXPLAIN may run stored functions with
/// them. Read from `SHOW GRANTS`; nothing when it cannot be read.
async fn superuser_notice(conn: &mut MySqlConnection) -> Option<Notice> {
    let grants = rows(conn, "SHOW GRANTS FOR CURRENT_USER()").await.ok()?;
    let admin = grants.iter().filter_map(|r| text(r, 0)).any(|g| {
        let g = g.to_uppercase();
        g.contains(" ON *.* ") && (g.contains("ALL PRIVILEGES") || g.contains("SUPER"))
    });
    admin.then(|| Notice {
        check: "connection".into(),
        message: "The advisor is connected with global administrative privileges.".into(),
        hint: "Connect as a user granted only SELECT and SHOW VIEW on the database and SELECT on \
               performance_schema; see the advisor's documentation."
            .into(),
    })
}

/// Ends the session's transaction without keeping anything.
async fn finish(mut conn: MySqlConnection) {
    let _ = sqlx::raw_sql("ROLLBACK").execute(&mut conn).await;
    let _ = conn.close().await;
}

async fn connect(target: &Target) -> Result<MySqlConnection> {
    let url = match target.url().strip_prefix("mariadb:") {
        Some(rest) => format!("mysql:{rest}"),
        None => target.url().to_string(),
    };
    // The parse error would quote the URL: say what is wrong without it.
    let opts = MySqlConnectOptions::from_str(&url).map_err(|_| Error::DatabaseUnreachable {
        detail: format!("{} is not a valid MySQL URL", target.display_url),
    })?;
    match tokio::time::timeout(Duration::from_secs(15), opts.connect()).await {
        Ok(Ok(mut c)) => {
            // Read-only, in a transaction rolled back at the end: EXPLAIN
            // evaluates constant expressions, stored functions included, with
            // the advisor's privileges; here they cannot write.
            for sql in ["SET SESSION TRANSACTION READ ONLY", "START TRANSACTION READ ONLY"] {
                sqlx::raw_sql(sql).execute(&mut c).await.map_err(db_err)?;
            }
            Ok(c)
        }
        Ok(Err(e)) => Err(Error::DatabaseUnreachable {
            detail: e.to_string(),
        }),
        Err(_) => Err(Error::DatabaseUnreachable {
            detail: "no answer within 15 s".into(),
        }),
    }
}

/// The current database, and whether performance_schema is on.
async fn server(conn: &mut MySqlConnection) -> Result<(String, bool)> {
    let r = rows(conn, "SELECT DATABASE(), @@performance_schema")
        .await
        .map_err(db_err)?;
    let Some(database) = r.first().and_then(|r| text(r, 0)) else {
        return Err(AdvisorError::Database {
            detail: "the URL names no database: add it after the host (mysql://host:3306/name)".into(),
        }
        .into());
    };
    let ps = r
        .first()
        .and_then(|r| text(r, 1))
        .is_some_and(|v| v == "1" || v.eq_ignore_ascii_case("ON"));
    Ok((database, ps))
}

/// Global status counters, lower-case names; empty when not readable.
async fn status(conn: &mut MySqlConnection) -> HashMap<String, f64> {
    let sql = "SHOW GLOBAL STATUS WHERE Variable_name IN \
               ('Innodb_buffer_pool_reads', 'Innodb_buffer_pool_read_requests', 'Uptime')";
    rows(conn, sql)
        .await
        .map(|rs| {
            rs.iter()
                .map(|r| (text(r, 0).unwrap_or_default().to_lowercase(), num(r, 1)))
                .collect()
        })
        .unwrap_or_default()
}

fn denied(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .and_then(|d| d.try_downcast_ref::<MySqlDatabaseError>())
        .is_some_and(|d| matches!(d.number(), 1044 | 1142 | 1227))
}

fn plannable(stmt: &Statement) -> bool {
    matches!(
        stmt,
        Statement::Query(_) | Statement::Update(_) | Statement::Delete(_)
    )
}

/// An index of the current database.
#[derive(Debug, Clone)]
struct Index {
    table: String,
    name: String,
    kind: String,
    unique: bool,
    names: Vec<String>,
    /// Column, prefix length and direction: what must match for a prefix.
    keys: Vec<String>,
}

/// What the current database holds; columns are loaded only for
/// suggestions.
struct Catalog {
    database: String,
    indexes: Vec<Index>,
    columns: HashMap<String, Vec<String>>,
    lower: HashMap<String, String>,
}

impl Catalog {
    fn new(database: String) -> Catalog {
        Catalog {
            database,
            indexes: Vec::new(),
            columns: HashMap::new(),
            lower: HashMap::new(),
        }
    }

    async fn load_indexes(&mut self, conn: &mut MySqlConnection) -> Result<()> {
        let sql = "SELECT TABLE_NAME, INDEX_NAME, INDEX_TYPE, NON_UNIQUE, COLUMN_NAME, SUB_PART, COLLATION \
                   FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() \
                   ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX";
        for r in rows(conn, sql).await.map_err(db_err)? {
            let (table, name) = (text(&r, 0).unwrap_or_default(), text(&r, 1).unwrap_or_default());
            // A functional key part (MySQL 8) has no column name.
            let col = text(&r, 4).unwrap_or_else(|| format!("<expression {}>", self.indexes.len()));
            let mut key = col.to_lowercase();
            if let Some(len) = text(&r, 5) {
                key.push_str(&format!("({len})"));
            }
            if text(&r, 6).as_deref() == Some("D") {
                key.push_str(" DESC");
            }
            match self
                .indexes
                .last_mut()
                .filter(|i| i.table == table && i.name == name)
            {
                Some(i) => {
                    i.names.push(col);
                    i.keys.push(key);
                }
                None => self.indexes.push(Index {
                    table,
                    name,
                    kind: text(&r, 2).unwrap_or_default(),
                    unique: num(&r, 3) == 0.0,
                    names: vec![col],
                    keys: vec![key],
                }),
            }
        }
        Ok(())
    }

    async fn load_columns(&mut self, conn: &mut MySqlConnection) -> Result<()> {
        if !self.columns.is_empty() {
            return Ok(());
        }
        let sql = "SELECT TABLE_NAME, COLUMN_NAME FROM information_schema.COLUMNS \
                   WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, ORDINAL_POSITION";
        for r in rows(conn, sql).await.map_err(db_err)? {
            let (table, col) = (text(&r, 0).unwrap_or_default(), text(&r, 1).unwrap_or_default());
            self.lower.insert(table.to_lowercase(), table.clone());
            self.columns.entry(table).or_default().push(col);
        }
        Ok(())
    }

    /// The table a name of a query refers to (table names are
    /// case-sensitive on most Linux servers: exact match first).
    fn table(&self, name: &str) -> Option<String> {
        // A quoted name may hold a dot itself: the whole name first.
        if self.columns.contains_key(name) {
            return Some(name.to_string());
        }
        let (schema, bare) = match name.rsplit_once('.') {
            Some((s, b)) => (Some(s), b),
            None => (None, name),
        };
        if schema.is_some_and(|s| !s.eq_ignore_ascii_case(&self.database)) {
            return None;
        }
        if self.columns.contains_key(bare) {
            return Some(bare.to_string());
        }
        self.lower.get(&bare.to_lowercase()).cloned()
    }

    fn column(&self, table: &str, name: &str) -> Option<String> {
        self.columns
            .get(table)?
            .iter()
            .find(|c| c.eq_ignore_ascii_case(name))
            .cloned()
    }

    /// Real and lower-case column names (the parser lower-cases unquoted
    /// identifiers).
    fn columns_for(&self, name: &str) -> Vec<String> {
        let cols = self
            .table(name)
            .and_then(|t| self.columns.get(&t).cloned())
            .unwrap_or_default();
        cols.iter()
            .map(|c| c.to_lowercase())
            .chain(cols.iter().cloned())
            .collect()
    }
}
