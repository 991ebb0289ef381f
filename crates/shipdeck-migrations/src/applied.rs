//! Reading `_sqlx_migrations` without changing anything (`migrate status`,
//! and the plan of every run before it takes the lock).

use std::str::FromStr;

use sqlx::postgres::{PgConnectOptions, PgConnection};
use sqlx::{ConnectOptions, Connection};

use super::db::{db_error, is_missing_table, AppliedRow, Db};
use super::target::Target;
use super::Engine;
use shipdeck_base::error::{Error, Result};

/// Every row of `_sqlx_migrations`, by version, for a read-only look.
/// PostgreSQL goes through sqlx's own driver: the `Any` driver's row
/// conversion costs more than the rest of `migrate status` on 1,000 rows.
pub async fn applied_rows(target: &Target) -> Result<Vec<AppliedRow>> {
    if target.engine != Engine::Postgres {
        let Some(mut db) = Db::connect(target, false).await? else {
            return Ok(Vec::new());
        };
        let rows = db.applied().await;
        db.close().await;
        return rows;
    }
    let unreachable = |e: sqlx::Error| Error::DatabaseUnreachable {
        detail: e.to_string(),
    };
    let options = PgConnectOptions::from_str(&target.url)
        .map_err(unreachable)?
        .disable_statement_logging();
    let mut conn = PgConnection::connect_with(&options).await.map_err(unreachable)?;
    let sql = "SELECT version, description, to_char(installed_on AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), \
               success, checksum, execution_time FROM _sqlx_migrations ORDER BY version";
    type Raw = (i64, String, Option<String>, bool, Vec<u8>, i64);
    let rows = sqlx::query_as::<_, Raw>(sql).fetch_all(&mut conn).await;
    let _ = conn.close().await;
    let rows = match rows {
        Ok(rows) => rows,
        Err(e) if is_missing_table(&e) => return Ok(Vec::new()),
        Err(e) => return Err(db_error(e)),
    };
    Ok(rows
        .into_iter()
        .map(
            |(version, description, installed_on, success, checksum, execution_time)| AppliedRow {
                version,
                description,
                installed_on,
                success,
                checksum,
                execution_time,
            },
        )
        .collect())
}
