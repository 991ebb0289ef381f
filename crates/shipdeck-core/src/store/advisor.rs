//! Advisor runs, their findings and the dismissed ones, per workspace and
//! configured database (by name: URLs are never stored).

use serde::Serialize;
use ts_rs::TS;

use super::{actor, now_ms, q, Store};
use crate::advisor::{AdvisorReport, Finding, Metrics, Notice};
use crate::error::Result;
use crate::migrations::Engine;

/// A stored run, for the charts and the history.
#[derive(Debug, Clone, Serialize, TS)]
pub struct AdvisorRun {
    #[ts(type = "number")]
    pub id: i64,
    /// Unix milliseconds.
    #[ts(type = "number")]
    pub at: i64,
    #[ts(type = "number")]
    pub duration_ms: i64,
    #[ts(type = "number")]
    pub findings: i64,
    pub metrics: Metrics,
    /// The check ids that ran.
    pub checks: Vec<String>,
    pub notices: Vec<Notice>,
}

/// How long a finding has been around.
#[derive(Debug, Clone, Serialize, TS)]
pub struct FindingHistory {
    pub key: String,
    /// Unix milliseconds of the first run that reported it.
    #[ts(type = "number")]
    pub first_seen: i64,
    /// How many stored runs reported it.
    #[ts(type = "number")]
    pub runs: i64,
}

#[derive(Debug, Clone, Serialize, TS, sqlx::FromRow)]
pub struct Dismissal {
    pub key: String,
    pub check_id: String,
    pub reason: String,
    pub actor: String,
    #[ts(type = "number")]
    pub at: i64,
}

/// Our own types always serialise.
fn json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// A unit enum's serde name (`postgres`, `warning`).
fn word<T: Serialize>(v: &T) -> String {
    json(v).trim_matches('"').to_string()
}

impl Store {
    /// Stores a run and its findings; returns the run's id.
    pub async fn advisor_run(&self, workspace_id: &str, report: &AdvisorReport) -> Result<i64> {
        let mut tx = self.db().await?.begin().await?;
        let id = q(
            "INSERT INTO advisor_runs (workspace_id, database, engine, at, duration_ms, checks, notices, findings, metrics)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(workspace_id)
        .bind(&report.database)
        .bind(word(&report.engine))
        .bind(now_ms())
        .bind(report.duration_ms as i64)
        .bind(json(&report.checks))
        .bind(json(&report.notices))
        .bind(report.findings.len() as i64)
        .bind(json(&report.metrics))
        .scalar::<i64>(&mut tx)
        .await?;
        for f in &report.findings {
            q(
                "INSERT INTO advisor_findings (run_id, key, check_id, severity, detail) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (run_id, key) DO UPDATE SET check_id = excluded.check_id, severity = excluded.severity,
                     detail = excluded.detail",
            )
            .bind(id)
            .bind(&f.key)
            .bind(&f.check)
            .bind(word(&f.severity))
            .bind(json(f))
            .execute(&mut tx)
            .await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    /// Newest first.
    pub async fn advisor_runs(
        &self,
        workspace_id: &str,
        database: &str,
        limit: i64,
    ) -> Result<Vec<AdvisorRun>> {
        let rows: Vec<(i64, i64, i64, i64, String, String, String)> = q(
            "SELECT id, at, duration_ms, findings, metrics, checks, notices FROM advisor_runs
             WHERE workspace_id = $1 AND database = $2 ORDER BY at DESC, id DESC LIMIT $3",
        )
        .bind(workspace_id)
        .bind(database)
        .bind(limit)
        .fetch_all(self.db().await?)
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(id, at, duration_ms, findings, metrics, checks, notices)| AdvisorRun {
                    id,
                    at,
                    duration_ms,
                    findings,
                    metrics: serde_json::from_str(&metrics).unwrap_or_default(),
                    checks: serde_json::from_str(&checks).unwrap_or_default(),
                    notices: serde_json::from_str(&notices).unwrap_or_default(),
                },
            )
            .collect())
    }

    /// The findings of the newest run of `database`, if there is one.
    pub async fn advisor_latest(
        &self,
        workspace_id: &str,
        database: &str,
    ) -> Result<Option<(i64, Engine, Vec<Finding>)>> {
        let Some((run, engine)): Option<(i64, String)> = q(
            "SELECT id, engine FROM advisor_runs WHERE workspace_id = $1 AND database = $2 ORDER BY at DESC, id DESC LIMIT 1",
        )
        .bind(workspace_id)
        .bind(database)
        .fetch_optional(self.db().await?)
        .await?
        else {
            return Ok(None);
        };
        let rows: Vec<(String,)> = q("SELECT detail FROM advisor_findings WHERE run_id = $1")
            .bind(run)
            .fetch_all(self.db().await?)
            .await?;
        let engine: Engine = serde_json::from_value(serde_json::Value::String(engine))
            .map_err(|e| crate::error::Error::Internal(format!("stored engine: {e}")))?;
        Ok(Some((
            run,
            engine,
            rows.iter()
                .filter_map(|(d,)| serde_json::from_str(d).ok())
                .collect(),
        )))
    }

    /// First sighting and number of runs of every finding of `database`.
    pub async fn advisor_history(&self, workspace_id: &str, database: &str) -> Result<Vec<FindingHistory>> {
        let rows: Vec<(String, i64, i64)> = q("SELECT f.key, min(r.at), count(*) FROM advisor_findings f
             JOIN advisor_runs r ON r.id = f.run_id
             WHERE r.workspace_id = $1 AND r.database = $2 GROUP BY f.key")
        .bind(workspace_id)
        .bind(database)
        .fetch_all(self.db().await?)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(key, first_seen, runs)| FindingHistory {
                key,
                first_seen,
                runs,
            })
            .collect())
    }

    pub async fn advisor_dismiss(
        &self,
        workspace_id: &str,
        database: &str,
        finding: &Finding,
        reason: &str,
    ) -> Result<()> {
        q(
            "INSERT INTO advisor_dismissals (workspace_id, database, key, check_id, reason, actor, at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (workspace_id, database, key) DO UPDATE SET check_id = excluded.check_id,
                 reason = excluded.reason, actor = excluded.actor, at = excluded.at",
        )
        .bind(workspace_id)
        .bind(database)
        .bind(&finding.key)
        .bind(&finding.check)
        .bind(reason)
        .bind(actor())
        .bind(now_ms())
        .execute(self.db().await?)
        .await?;
        Ok(())
    }

    /// Returns whether there was a dismissal to remove.
    pub async fn advisor_restore(&self, workspace_id: &str, database: &str, key: &str) -> Result<bool> {
        let done = q("DELETE FROM advisor_dismissals WHERE workspace_id = $1 AND database = $2 AND key = $3")
            .bind(workspace_id)
            .bind(database)
            .bind(key)
            .execute(self.db().await?)
            .await?;
        Ok(done > 0)
    }

    pub async fn advisor_dismissals(&self, workspace_id: &str, database: &str) -> Result<Vec<Dismissal>> {
        q("SELECT key, check_id, reason, actor, at FROM advisor_dismissals
             WHERE workspace_id = $1 AND database = $2 ORDER BY at DESC")
        .bind(workspace_id)
        .bind(database)
        .fetch_all(self.db().await?)
        .await
    }
}
