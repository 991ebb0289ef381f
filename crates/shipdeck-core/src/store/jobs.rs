//! Job runs in the store: one row per run, written when it starts and again
//! when it ends, so a crash leaves a row that the next start marks
//! `interrupted`.

use crate::error::{ErrorPayload, Result};
use crate::jobs::{JobKind, JobOutcome, JobRecord};
use crate::secrets::redact;

use sqlx::SqlitePool;

use super::{now_ms, Store};

pub struct NewJob<'a> {
    pub workspace_id: Option<&'a str>,
    pub kind: JobKind,
}

#[derive(sqlx::FromRow)]
struct JobRow {
    id: i64,
    workspace_id: Option<String>,
    kind: String,
    started_at: i64,
    finished_at: Option<i64>,
    outcome: String,
    summary: Option<String>,
    error: Option<String>,
}

impl From<JobRow> for JobRecord {
    fn from(r: JobRow) -> Self {
        JobRecord {
            id: r.id,
            workspace_id: r.workspace_id,
            kind: r.kind.parse().unwrap_or(JobKind::Unknown),
            started_at: r.started_at,
            finished_at: r.finished_at,
            duration_ms: r.finished_at.map(|f| f - r.started_at),
            outcome: r.outcome.parse().unwrap_or(JobOutcome::Failed),
            summary: r.summary,
            error: r
                .error
                .and_then(|e| serde_json::from_str::<ErrorPayload>(&e).ok()),
        }
    }
}

const COLUMNS: &str = "id, workspace_id, kind, started_at, finished_at, outcome, summary, error";

impl Store {
    pub async fn job_started(&self, job: NewJob<'_>) -> Result<i64> {
        let id = sqlx::query_scalar(
            "INSERT INTO job_runs (workspace_id, kind, started_at, pid) VALUES (?, ?, ?, ?) RETURNING id",
        )
        .bind(job.workspace_id)
        .bind(job.kind.as_str())
        .bind(now_ms())
        .bind(i64::from(std::process::id()))
        .fetch_one(self.pool().await?)
        .await?;
        Ok(id)
    }

    /// Records the end of a run. Summary, result and error are redacted.
    pub async fn job_finished(
        &self,
        id: i64,
        outcome: JobOutcome,
        summary: Option<&str>,
        result: Option<&serde_json::Value>,
        error: Option<&ErrorPayload>,
    ) -> Result<()> {
        let summary = summary.map(|s| redact(s).into_owned());
        let result = result.map(|r| redact(&r.to_string()).into_owned());
        let error = error.map(|e| serde_json::to_string(e).expect("payload serializes"));
        sqlx::query(
            "UPDATE job_runs SET finished_at = ?, outcome = ?, summary = ?, result = ?, error = ? WHERE id = ?",
        )
        .bind(now_ms())
        .bind(outcome.as_str())
        .bind(summary)
        .bind(result)
        .bind(error)
        .bind(id)
        .execute(self.pool().await?)
        .await?;
        Ok(())
    }

    pub async fn jobs(&self, workspace_id: Option<&str>, limit: i64) -> Result<Vec<JobRecord>> {
        let rows: Vec<JobRow> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM job_runs WHERE (?1 IS NULL OR workspace_id = ?1)
             ORDER BY started_at DESC, id DESC LIMIT ?2"
        ))
        .bind(workspace_id)
        .bind(limit)
        .fetch_all(self.pool().await?)
        .await?;
        Ok(rows.into_iter().map(JobRecord::from).collect())
    }

    pub async fn job(&self, id: i64) -> Result<Option<JobRecord>> {
        let row: Option<JobRow> = sqlx::query_as(&format!("SELECT {COLUMNS} FROM job_runs WHERE id = ?"))
            .bind(id)
            .fetch_optional(self.pool().await?)
            .await?;
        Ok(row.map(JobRecord::from))
    }

    /// The result of the newest successful run of `kind` in a workspace.
    pub async fn last_result(&self, workspace_id: &str, kind: JobKind) -> Result<Option<serde_json::Value>> {
        let raw: Option<String> = sqlx::query_scalar(
            "SELECT result FROM job_runs WHERE workspace_id = ? AND kind = ? AND outcome = 'succeeded'
             AND result IS NOT NULL ORDER BY started_at DESC, id DESC LIMIT 1",
        )
        .bind(workspace_id)
        .bind(kind.as_str())
        .fetch_optional(self.pool().await?)
        .await?;
        Ok(raw.and_then(|r| serde_json::from_str(&r).ok()))
    }
}

/// Runs left `running` by a process that no longer exists crashed or
/// were killed: mark them `interrupted` so the history stays truthful.
pub(super) async fn mark_orphaned_jobs(pool: &SqlitePool) -> Result<()> {
    let running: Vec<(i64, i64)> = sqlx::query_as("SELECT id, pid FROM job_runs WHERE outcome = 'running'")
        .fetch_all(pool)
        .await?;
    for (id, pid) in running {
        if !process_alive(pid) {
            sqlx::query(
                "UPDATE job_runs SET outcome = 'interrupted', summary = 'the process ended before the job finished'
                 WHERE id = ? AND outcome = 'running'",
            )
            .bind(id)
            .execute(pool)
            .await?;
        }
    }
    Ok(())
}

pub(super) fn process_alive(pid: i64) -> bool {
    if pid == i64::from(std::process::id()) {
        return true;
    }
    if cfg!(target_os = "linux") {
        std::path::Path::new(&format!("/proc/{pid}")).exists()
    } else {
        // Without a portable check, keep the row as it is.
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn job_lifecycle_and_orphans() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).await.unwrap();
        let id = store
            .job_started(NewJob {
                workspace_id: None,
                kind: JobKind::WorkspaceScan,
            })
            .await
            .unwrap();
        store
            .job_finished(
                id,
                JobOutcome::Succeeded,
                Some("12 commits"),
                Some(&serde_json::json!({"n": 12})),
                None,
            )
            .await
            .unwrap();
        let job = store.job(id).await.unwrap().unwrap();
        assert_eq!(job.outcome, JobOutcome::Succeeded);
        assert!(job.duration_ms.unwrap() >= 0);

        // A row left running by a dead process becomes interrupted on open.
        sqlx::query("INSERT INTO job_runs (kind, started_at, pid) VALUES ('workspace_scan', 1, 999999999)")
            .execute(store.pool().await.unwrap())
            .await
            .unwrap();
        drop(store);
        let store = Store::open(dir.path()).await.unwrap();
        let jobs = store.jobs(None, 10).await.unwrap();
        assert!(jobs.iter().any(|j| j.outcome == JobOutcome::Interrupted));
    }
}
