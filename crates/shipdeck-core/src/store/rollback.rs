//! Rollback: the schema version each release expects, and the runs.

use super::{now_ms, q, Store};
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
        q(
            "INSERT INTO release_schema (workspace_id, package, version, database, migration_version, recorded_at)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (workspace_id, package, version, database) DO UPDATE SET
                 migration_version = excluded.migration_version, recorded_at = excluded.recorded_at",
        )
        .bind(workspace_id)
        .bind(package)
        .bind(version)
        .bind(database)
        .bind(migration_version)
        .bind(now_ms())
        .execute(self.db().await?)
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
        q("SELECT migration_version FROM release_schema
             WHERE workspace_id = $1 AND version = $2 AND database = $3 ORDER BY recorded_at DESC LIMIT 1")
        .bind(workspace_id)
        .bind(version)
        .bind(database)
        .scalar_optional(self.db().await?)
        .await
    }

    pub async fn rollback_run(&self, workspace_id: &str, r: NewRollbackRun<'_>) -> Result<()> {
        q(
            "INSERT INTO rollback_runs (workspace_id, job_id, env, from_version, to_version, completed, steps, started_at, finished_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
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
        .execute(self.db().await?)
        .await?;
        Ok(())
    }

    /// When `env` last completed a rollback run (unix milliseconds).
    pub async fn last_rehearsed(&self, workspace_id: &str, env: &str) -> Result<Option<i64>> {
        q(
            "SELECT MAX(finished_at) FROM rollback_runs WHERE workspace_id = $1 AND env = $2 AND completed = TRUE",
        )
        .bind(workspace_id)
        .bind(env)
        .scalar(self.db().await?)
        .await
    }
}
