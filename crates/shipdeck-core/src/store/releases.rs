//! Release events and the parsed-commit cache.

use serde::Serialize;
use ts_rs::TS;

use super::{actor, now_ms, Store};
use crate::error::Result;
use crate::secrets::redact;

#[derive(Debug, Clone, Serialize, TS, sqlx::FromRow)]
pub struct ReleaseEvent {
    pub id: i64,
    pub at: i64,
    pub actor: String,
    /// `plan`, `cut`, `publish` or `rollback`.
    pub action: String,
    pub package: Option<String>,
    pub version: Option<String>,
    pub tag: Option<String>,
    pub sha: Option<String>,
    /// `ok`, `failed` or `dry_run`.
    pub outcome: String,
    pub reason: Option<String>,
    pub detail: String,
}

pub struct NewReleaseEvent<'a> {
    pub action: &'a str,
    pub package: Option<&'a str>,
    pub version: Option<&'a str>,
    pub tag: Option<&'a str>,
    pub sha: Option<&'a str>,
    pub outcome: &'a str,
    pub reason: Option<&'a str>,
    pub detail: serde_json::Value,
}

/// SQLite allows a bounded number of parameters per statement.
const CHUNK: usize = 500;

impl Store {
    pub async fn release_event(&self, workspace_id: &str, e: NewReleaseEvent<'_>) -> Result<()> {
        sqlx::query(
            "INSERT INTO release_events (workspace_id, at, actor, action, package, version, tag, sha, outcome, reason, detail)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(workspace_id)
        .bind(now_ms())
        .bind(actor())
        .bind(e.action)
        .bind(e.package)
        .bind(e.version)
        .bind(e.tag)
        .bind(e.sha)
        .bind(e.outcome)
        .bind(e.reason.map(|r| redact(r).into_owned()))
        .bind(redact(&e.detail.to_string()).into_owned())
        .execute(self.pool().await?)
        .await?;
        Ok(())
    }

    pub async fn release_events(&self, workspace_id: &str, limit: i64) -> Result<Vec<ReleaseEvent>> {
        Ok(sqlx::query_as(
            "SELECT id, at, actor, action, package, version, tag, sha, outcome, reason, detail FROM release_events
             WHERE workspace_id = ? ORDER BY at DESC, id DESC LIMIT ?",
        )
        .bind(workspace_id)
        .bind(limit)
        .fetch_all(self.pool().await?)
        .await?)
    }

    pub async fn cached_commits(&self, shas: &[String]) -> Result<Vec<(String, String)>> {
        let mut out = Vec::with_capacity(shas.len());
        for chunk in shas.chunks(CHUNK) {
            let marks = vec!["?"; chunk.len()].join(",");
            let sql = format!("SELECT sha, data FROM commit_cache WHERE sha IN ({marks})");
            let mut q = sqlx::query_as::<_, (String, String)>(&sql);
            for sha in chunk {
                q = q.bind(sha);
            }
            out.extend(q.fetch_all(self.pool().await?).await?);
        }
        Ok(out)
    }

    pub async fn cache_commits(&self, rows: &[(String, String)]) -> Result<()> {
        let mut tx = self.pool().await?.begin().await?;
        for (sha, data) in rows {
            sqlx::query("INSERT OR REPLACE INTO commit_cache (sha, data) VALUES (?, ?)")
                .bind(sha)
                .bind(data)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
