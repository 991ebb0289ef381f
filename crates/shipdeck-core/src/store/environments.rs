//! Parity and health runs of a workspace's environments: figures only,
//! never a value.

use serde::Serialize;
use ts_rs::TS;

use super::{now_ms, q, Store};
use crate::error::Result;

#[derive(Debug, Clone, Serialize, TS, sqlx::FromRow)]
pub struct EnvRun {
    pub id: i64,
    /// Unix milliseconds.
    pub at: i64,
    /// `parity` or `health`.
    pub kind: String,
    /// Parity: % of keys consistent across every environment.
    pub score: Option<f64>,
    pub errors: i64,
    pub warnings: i64,
    /// JSON: per environment, the run's figures (parity: missing, differs,
    /// errors, warnings; health: status, latency_ms, version).
    pub detail: String,
}

impl Store {
    pub async fn env_run(
        &self,
        workspace_id: &str,
        kind: &str,
        score: Option<f64>,
        (errors, warnings): (i64, i64),
        detail: &serde_json::Value,
    ) -> Result<()> {
        q(
            "INSERT INTO env_runs (workspace_id, at, kind, score, errors, warnings, detail)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(workspace_id)
        .bind(now_ms())
        .bind(kind)
        .bind(score)
        .bind(errors)
        .bind(warnings)
        .bind(detail.to_string())
        .execute(self.db().await?)
        .await?;
        Ok(())
    }

    /// Newest first.
    pub async fn env_runs(&self, workspace_id: &str, kind: &str, limit: i64) -> Result<Vec<EnvRun>> {
        q(
            "SELECT id, at, kind, score, errors, warnings, detail FROM env_runs
             WHERE workspace_id = $1 AND kind = $2 ORDER BY at DESC, id DESC LIMIT $3",
        )
        .bind(workspace_id)
        .bind(kind)
        .bind(limit)
        .fetch_all(self.db().await?)
        .await
    }
}
