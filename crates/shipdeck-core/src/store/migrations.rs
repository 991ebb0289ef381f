//! Migration runs, and the SQL of applied migrations by checksum.

use serde::Serialize;
use ts_rs::TS;

use super::{actor, now_ms, q, Store};
use crate::error::Result;
use crate::secrets::redact;

#[derive(Debug, Clone, Serialize, TS, sqlx::FromRow)]
pub struct MigrationRun {
    pub id: i64,
    pub at: i64,
    pub actor: String,
    pub database: String,
    /// With any password masked.
    pub url: String,
    /// `up`, `down`, `repair` or `baseline`.
    pub action: String,
    /// `ok`, `failed`, `cancelled` or `dry_run`.
    pub outcome: String,
    /// JSON array of versions.
    pub versions: String,
    /// JSON.
    pub detail: String,
}

pub struct NewMigrationRun<'a> {
    pub database: &'a str,
    pub url: &'a str,
    pub action: &'a str,
    pub outcome: &'a str,
    pub versions: &'a [i64],
    pub detail: serde_json::Value,
}

impl Store {
    pub async fn migration_run(&self, workspace_id: &str, r: NewMigrationRun<'_>) -> Result<()> {
        q(
            "INSERT INTO migration_runs (workspace_id, at, actor, database, url, action, outcome, versions, detail)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(workspace_id)
        .bind(now_ms())
        .bind(actor())
        .bind(r.database)
        .bind(redact(r.url).into_owned())
        .bind(r.action)
        .bind(r.outcome)
        .bind(serde_json::to_string(r.versions).unwrap_or_else(|_| "[]".into()))
        .bind(redact(&r.detail.to_string()).into_owned())
        .execute(self.db().await?)
        .await?;
        Ok(())
    }

    pub async fn migration_runs(
        &self,
        workspace_id: &str,
        database: &str,
        limit: i64,
    ) -> Result<Vec<MigrationRun>> {
        q(
            "SELECT id, at, actor, database, url, action, outcome, versions, detail FROM migration_runs
             WHERE workspace_id = $1 AND database = $2 ORDER BY at DESC, id DESC LIMIT $3",
        )
        .bind(workspace_id)
        .bind(database)
        .bind(limit)
        .fetch_all(self.db().await?)
        .await
    }

    /// Keeps the SQL of applied migrations (checksum hex → text). The
    /// caller masks literals first: this table is never a place for secrets.
    pub async fn save_applied_sql(&self, rows: &[(String, String)]) -> Result<()> {
        let mut tx = self.db().await?.begin().await?;
        for (checksum, sql) in rows {
            q("INSERT INTO applied_sql (checksum, sql) VALUES ($1, $2) ON CONFLICT (checksum) DO NOTHING")
                .bind(checksum)
                .bind(sql)
                .execute(&mut tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn applied_sql(&self, checksum: &str) -> Result<Option<String>> {
        q("SELECT sql FROM applied_sql WHERE checksum = $1")
            .bind(checksum)
            .scalar_optional(self.db().await?)
            .await
    }
}
