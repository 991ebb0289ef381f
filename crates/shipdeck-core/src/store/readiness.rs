//! Release readiness gate runs: one row per completed `ready`, with the
//! report (checks as JSON) and its details.

use super::{q, Store};
use crate::error::{Error, Result};
use crate::readiness::{
    AreaDetails, AreaStatus, Candidate, Check, ReadinessHistoryEntry, ReadinessReport, ReadinessRun, Verdict,
};

type RunRow = (
    i64,
    i64,
    i64,
    Option<String>,
    String,
    String,
    String,
    String,
    Option<String>,
);

const COLUMNS: &str = "id, at, duration_ms, version, commit_sha, verdict, checks, details, changelog";

fn verdict_of(s: &str) -> Result<Verdict> {
    serde_json::from_value(serde_json::Value::String(s.into()))
        .map_err(|_| Error::Internal(format!("stored readiness verdict {s:?} is unknown")))
}

fn checks_of(s: &str) -> Result<Vec<Check>> {
    serde_json::from_str(s).map_err(|e| Error::Internal(format!("stored readiness checks: {e}")))
}

fn json<T: serde::Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| Error::Internal(format!("readiness run as JSON: {e}")))
}

fn run_of(row: RunRow) -> Result<ReadinessRun> {
    let (id, at, duration_ms, version, commit, verdict, checks, details, changelog) = row;
    Ok(ReadinessRun {
        id,
        at,
        duration_ms,
        report: ReadinessReport {
            verdict: verdict_of(&verdict)?,
            candidate: Candidate { version, commit },
            checks: checks_of(&checks)?,
        },
        details: serde_json::from_str::<Vec<AreaDetails>>(&details)
            .map_err(|e| Error::Internal(format!("stored readiness details: {e}")))?,
        changelog,
    })
}

impl Store {
    /// Stores a completed gate run and returns its id.
    pub async fn readiness_save(&self, workspace_id: &str, run: &ReadinessRun) -> Result<i64> {
        let r = &run.report;
        let verdict = crate::readiness::gate::verdict_name(r.verdict);
        let (id,): (i64,) = q(
            "INSERT INTO readiness_runs (workspace_id, at, duration_ms, version, commit_sha, verdict, checks, details, changelog)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(workspace_id)
        .bind(run.at)
        .bind(run.duration_ms)
        .bind(&r.candidate.version)
        .bind(&r.candidate.commit)
        .bind(verdict)
        .bind(json(&r.checks)?)
        .bind(json(&run.details)?)
        .bind(&run.changelog)
        .fetch_one(self.db().await?)
        .await?;
        Ok(id)
    }

    /// The workspace's runs, newest first, at most `limit`.
    pub async fn readiness_runs(&self, workspace_id: &str, limit: i64) -> Result<Vec<ReadinessHistoryEntry>> {
        let rows: Vec<RunRow> = q(format!(
            "SELECT {COLUMNS} FROM readiness_runs WHERE workspace_id = $1 ORDER BY at DESC, id DESC LIMIT $2"
        ))
        .bind(workspace_id)
        .bind(limit)
        .fetch_all(self.db().await?)
        .await?;
        rows.into_iter()
            .map(|(id, at, _, version, commit, verdict, checks, _, _)| {
                Ok(ReadinessHistoryEntry {
                    id,
                    at,
                    candidate: Candidate { version, commit },
                    verdict: verdict_of(&verdict)?,
                    statuses: checks_of(&checks)?
                        .into_iter()
                        .map(|c| AreaStatus {
                            area: c.area,
                            status: c.status,
                        })
                        .collect(),
                })
            })
            .collect()
    }

    /// One run of the workspace; `None` when the id is another
    /// workspace's or unknown.
    pub async fn readiness_run(&self, workspace_id: &str, id: i64) -> Result<Option<ReadinessRun>> {
        let row: Option<RunRow> = q(format!(
            "SELECT {COLUMNS} FROM readiness_runs WHERE workspace_id = $1 AND id = $2"
        ))
        .bind(workspace_id)
        .bind(id)
        .fetch_optional(self.db().await?)
        .await?;
        row.map(run_of).transpose()
    }
}
