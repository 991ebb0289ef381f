//! Release events and the parsed-commit cache.

use serde::Serialize;
use ts_rs::TS;

use super::{actor, host, now_ms, q, Store};
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
    /// The machine it ran on (absent on events recorded before).
    pub host: Option<String>,
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
        q(
            "INSERT INTO release_events (workspace_id, at, actor, action, package, version, tag, sha, outcome, reason, detail, host)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
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
        .bind(host())
        .execute(self.db().await?)
        .await?;
        Ok(())
    }

    pub async fn release_events(&self, workspace_id: &str, limit: i64) -> Result<Vec<ReleaseEvent>> {
        q(
            "SELECT id, at, actor, action, package, version, tag, sha, outcome, reason, detail, host FROM release_events
             WHERE workspace_id = $1 ORDER BY at DESC, id DESC LIMIT $2",
        )
        .bind(workspace_id)
        .bind(limit)
        .fetch_all(self.db().await?)
        .await
    }

    pub async fn cached_commits(&self, shas: &[String]) -> Result<Vec<(String, String)>> {
        let mut out = Vec::with_capacity(shas.len());
        for chunk in shas.chunks(CHUNK) {
            let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let mut query = q(format!(
                "SELECT sha, data FROM commit_cache WHERE sha IN ({})",
                marks.join(",")
            ));
            for sha in chunk {
                query = query.bind(sha);
            }
            out.extend(query.fetch_all::<(String, String)>(self.db().await?).await?);
        }
        Ok(out)
    }

    pub async fn cache_commits(&self, rows: &[(String, String)]) -> Result<()> {
        let mut tx = self.db().await?.begin().await?;
        for (sha, data) in rows {
            q("INSERT INTO commit_cache (sha, data) VALUES ($1, $2) ON CONFLICT (sha) DO UPDATE SET data = excluded.data")
                .bind(sha)
                .bind(data)
                .execute(&mut tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
