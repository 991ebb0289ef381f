//! Rollback: the schema version each release expects, and the runs.

use super::{now_ms, Store};
use crate::error::Result;

/// A finished rollback run, as stored.
pub struct NewRollbackRun<'a> {
    pub job_id: Option<i64>,
    pub env: &'a str,
    pub from: Option<&'a str>,
    pub to: &'a str,
    pub completed: bool,
    pub steps: serde_json::Value,
    pub started_at: i64,
}

impl Store {
    /// Records the highest migration of `database` at a release (replaces
    /// an earlier record of the same release).
    pub async fn record_release_schema(
        &self,
        workspace_id: &str,
        package: &str,
        version: &str,
        database: &str,
        migration_version: i64,
    ) -> Result<()> {
        sqlx::query(
            "INSERT OR REPLACE INTO release_schema (workspace_id, package, version, database, migration_version, recorded_at)
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(workspace_id)
        .bind(package)
        .bind(version)
        .bind(database)
        .bind(migration_version)
        .bind(now_ms())
        .execute(self.pool().await?)
        .await?;
        Ok(())
    }

    /// The recorded schema of a release (any package), if any.
    pub async fn release_schema(
        &self,
        workspace_id: &str,
        version: &str,
        database: &str,
    ) -> Result<Option<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT migration_version FROM release_schema
             WHERE workspace_id = ? AND version = ? AND database = ? ORDER BY recorded_at DESC LIMIT 1",
        )
        .bind(workspace_id)
        .bind(version)
        .bind(database)
        .fetch_optional(self.pool().await?)
        .await?)
    }

    pub async fn rollback_run(&self, workspace_id: &str, r: NewRollbackRun<'_>) -> Result<()> {
        sqlx::query(
            "INSERT INTO rollback_runs (workspace_id, job_id, env, from_version, to_version, completed, steps, started_at, finished_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(workspace_id)
        .bind(r.job_id)
        .bind(r.env)
        .bind(r.from)
        .bind(r.to)
        .bind(r.completed)
        .bind(r.steps.to_string())
        .bind(r.started_at)
        .bind(now_ms())
        .execute(self.pool().await?)
        .await?;
        Ok(())
    }

    /// When `env` last completed a rollback run (unix milliseconds).
    pub async fn last_rehearsed(&self, workspace_id: &str, env: &str) -> Result<Option<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT MAX(finished_at) FROM rollback_runs WHERE workspace_id = ? AND env = ? AND completed = 1",
        )
        .bind(workspace_id)
        .bind(env)
        .fetch_one(self.pool().await?)
        .await?)
    }
}
