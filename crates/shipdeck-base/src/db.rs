//! Connections to the workspace's databases (SQLite, PostgreSQL, MariaDB/
//! MySQL) through sqlx's `Any` driver. URLs are secrets: they are registered
//! with the redactor before any error can mention them.

use std::time::Duration;

use sqlx::{Connection, Row};

use crate::error::{Error, Result};
use crate::secrets::register_secret;

/// Connects, asks the server for its version and disconnects.
pub async fn ping(url: &str, timeout: Duration) -> Result<String> {
    register_secret(url);
    sqlx::any::install_default_drivers();
    let attempt = async {
        let mut conn = sqlx::AnyConnection::connect(url).await?;
        let version_sql = if url.starts_with("sqlite:") {
            "SELECT sqlite_version()"
        } else {
            "SELECT version()"
        };
        let row = sqlx::query(version_sql).fetch_one(&mut conn).await?;
        let version: String = row.try_get(0)?;
        conn.close().await?;
        Ok::<_, sqlx::Error>(version)
    };
    match tokio::time::timeout(timeout, attempt).await {
        Ok(Ok(v)) => Ok(v.lines().next().unwrap_or("").chars().take(80).collect()),
        Ok(Err(e)) => Err(Error::DatabaseUnreachable {
            detail: e.to_string(),
        }),
        Err(_) => Err(Error::DatabaseUnreachable {
            detail: format!("no answer within {}s", timeout.as_secs()),
        }),
    }
}
