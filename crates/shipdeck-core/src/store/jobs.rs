//! Job runs in the store: one row per run, written when it starts and again
//! when it ends, so a crash leaves a row that a client marks `interrupted`:
//! on the machine that ran it, when its process is gone; anywhere, when its
//! heartbeat is older than [`STALE_AFTER_MS`] (the process or its machine
//! died). The update is conditional on `running`, so one client marks it,
//! once.

use crate::error::{ErrorPayload, Result};
use crate::jobs::{JobKind, JobOutcome, JobRecord};
use crate::secrets::redact;

use super::{actor, host, now_ms, q, Db, Store};

/// How often a running job says it is alive.
pub const HEARTBEAT_MS: i64 = 15_000;
/// A running job silent for this long is taken for dead by any client.
pub const STALE_AFTER_MS: i64 = 6 * HEARTBEAT_MS;

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
    user_name: Option<String>,
    host: Option<String>,
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
            user: r.user_name,
            host: r.host,
        }
    }
}

const COLUMNS: &str =
    "id, workspace_id, kind, started_at, finished_at, outcome, summary, error, user_name, host";

impl Store {
    pub async fn job_started(&self, job: NewJob<'_>) -> Result<i64> {
        let id = q(
            "INSERT INTO job_runs (workspace_id, kind, started_at, pid, user_name, host, heartbeat_at)
             VALUES ($1, $2, $3, $4, $5, $6, $3) RETURNING id",
        )
        .bind(job.workspace_id)
        .bind(job.kind.as_str())
        .bind(now_ms())
        .bind(i64::from(std::process::id()))
        .bind(actor())
        .bind(host())
        .scalar(self.db().await?)
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
        q(
            "UPDATE job_runs SET finished_at = $1, outcome = $2, summary = $3, result = $4, error = $5 WHERE id = $6",
        )
        .bind(now_ms())
        .bind(outcome.as_str())
        .bind(summary)
        .bind(result)
        .bind(error)
        .bind(id)
        .execute(self.db().await?)
        .await?;
        Ok(())
    }

    /// Says a running job is alive (see [`STALE_AFTER_MS`]).
    pub async fn job_heartbeat(&self, id: i64) -> Result<()> {
        q("UPDATE job_runs SET heartbeat_at = $1 WHERE id = $2 AND outcome = 'running'")
            .bind(now_ms())
            .bind(id)
            .execute(self.db().await?)
            .await?;
        Ok(())
    }

    /// Beats the job's heartbeat every [`HEARTBEAT_MS`] until dropped.
    pub fn keep_alive(&self, id: i64) -> KeepAlive {
        let store = self.clone();
        KeepAlive(tokio::spawn(async move {
            let mut every = tokio::time::interval(std::time::Duration::from_millis(HEARTBEAT_MS as u64));
            every.tick().await;
            loop {
                every.tick().await;
                // A missed beat is retried by the next one.
                let _ = store.job_heartbeat(id).await;
            }
        }))
    }

    pub async fn jobs(&self, workspace_id: Option<&str>, limit: i64) -> Result<Vec<JobRecord>> {
        // Another machine's dead run shows as what it is, not as running.
        mark_orphaned_jobs(self.db().await?).await?;
        let rows: Vec<JobRow> = q(format!(
            "SELECT {COLUMNS} FROM job_runs WHERE ($1 IS NULL OR workspace_id = $1)
             ORDER BY started_at DESC, id DESC LIMIT $2"
        ))
        .bind(workspace_id)
        .bind(limit)
        .fetch_all(self.db().await?)
        .await?;
        Ok(rows.into_iter().map(JobRecord::from).collect())
    }

    pub async fn job(&self, id: i64) -> Result<Option<JobRecord>> {
        let row: Option<JobRow> = q(format!("SELECT {COLUMNS} FROM job_runs WHERE id = $1"))
            .bind(id)
            .fetch_optional(self.db().await?)
            .await?;
        Ok(row.map(JobRecord::from))
    }

    /// The result of the newest successful run of `kind` in a workspace.
    pub async fn last_result(&self, workspace_id: &str, kind: JobKind) -> Result<Option<serde_json::Value>> {
        let raw: Option<String> = q(
            "SELECT result FROM job_runs WHERE workspace_id = $1 AND kind = $2 AND outcome = 'succeeded'
             AND result IS NOT NULL ORDER BY started_at DESC, id DESC LIMIT 1",
        )
        .bind(workspace_id)
        .bind(kind.as_str())
        .scalar_optional(self.db().await?)
        .await?;
        Ok(raw.and_then(|r| serde_json::from_str(&r).ok()))
    }
}

/// Runs left `running` by a process that no longer exists crashed or
/// were killed: mark them `interrupted` so the history stays truthful.
/// A job's heartbeat: stops when dropped.
pub struct KeepAlive(tokio::task::JoinHandle<()>);

impl Drop for KeepAlive {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Marks the running jobs whose process died `interrupted`; returns how
/// many this call marked.
pub(super) async fn mark_orphaned_jobs(db: &Db) -> Result<u64> {
    let running: Vec<(i64, i64, Option<String>, Option<i64>)> =
        q("SELECT id, pid, host, heartbeat_at FROM job_runs WHERE outcome = 'running'")
            .fetch_all(db)
            .await?;
    let here = host();
    let now = now_ms();
    let mut marked = 0;
    for (id, pid, row_host, heartbeat_at) in running {
        let dead = match row_host {
            Some(h) if h != here => heartbeat_at.is_some_and(|at| now - at > STALE_AFTER_MS),
            // This machine's run (or one recorded before hosts were).
            _ => !process_alive(pid),
        };
        if dead {
            marked += q("UPDATE job_runs SET outcome = 'interrupted', finished_at = $1,
                     summary = 'the process ended before the job finished'
                 WHERE id = $2 AND outcome = 'running'")
            .bind(now)
            .bind(id)
            .execute(db)
            .await?;
        }
    }
    Ok(marked)
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
        q("INSERT INTO job_runs (kind, started_at, pid) VALUES ('workspace_scan', 1, 999999999)")
            .execute(store.db().await.unwrap())
            .await
            .unwrap();
        drop(store);
        let store = Store::open(dir.path()).await.unwrap();
        let jobs = store.jobs(None, 10).await.unwrap();
        assert!(jobs.iter().any(|j| j.outcome == JobOutcome::Interrupted));
    }

    super::super::testing::on_both_engines! {
        async fn a_dead_run_is_marked_interrupted_once_by_whoever_notices(store: Store) {
            let now = now_ms();
            let db = store.db().await.unwrap();
            let insert = |host: &str, pid: i64, heartbeat: i64| {
                q("INSERT INTO job_runs (kind, started_at, pid, user_name, host, heartbeat_at)
                   VALUES ('workspace_scan', $1, $2, 'ann', $3, $1) RETURNING id")
                .bind(heartbeat)
                .bind(pid)
                .bind(host.to_string())
                .scalar::<i64>(db)
            };
            // Another machine's run that went silent, one still beating, and
            // this machine's run whose process is gone.
            let silent = insert("elsewhere", 1, now - STALE_AFTER_MS - 1_000).await.unwrap();
            let beating = insert("elsewhere", 1, now).await.unwrap();
            let dead_here = insert(&host(), 999_999_999, now).await.unwrap();

            assert_eq!(mark_orphaned_jobs(db).await.unwrap(), 2);
            assert_eq!(mark_orphaned_jobs(db).await.unwrap(), 0, "marked once");
            let outcome = |id| {
                let store = store.clone();
                async move { store.job(id).await.unwrap().unwrap().outcome }
            };
            assert_eq!(outcome(silent).await, JobOutcome::Interrupted);
            assert_eq!(outcome(dead_here).await, JobOutcome::Interrupted);
            assert_eq!(outcome(beating).await, JobOutcome::Running);
        }

        async fn a_job_records_who_ran_it_and_where(store: Store) {
            let id = store
                .job_started(NewJob {
                    workspace_id: None,
                    kind: JobKind::WorkspaceScan,
                })
                .await
                .unwrap();
            let job = store.job(id).await.unwrap().unwrap();
            assert_eq!(job.user.as_deref(), Some(actor().as_str()));
            assert_eq!(job.host.as_deref(), Some(host().as_str()));
            store.job_heartbeat(id).await.unwrap();
            assert_eq!(store.jobs(None, 10).await.unwrap()[0].outcome, JobOutcome::Running);
        }
    }
}
