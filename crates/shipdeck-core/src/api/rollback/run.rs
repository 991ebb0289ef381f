//! The run: one recorded job, each step confirmed (unless `yes`), stopped
//! at the first step that fails or is declined, one audit entry per step,
//! and the run kept for the runbook's "last rehearsed".

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use super::super::record::{AuditAction, Records};
use super::super::Shipdeck;
use super::confirm;
use super::plan::Prepared;
use crate::error::{Error, Result};
use crate::jobs::{JobKind, JobOutcome, Progress, ProgressEvent, ProgressSink, RunningJob};
use crate::rollback::{RollbackError, RollbackRunResult, StepResult, StepStatus};
use crate::store::{NewJob, NewRollbackRun};

/// Refuses a plan whose database step cannot be undone, or loses data
/// without `allow_data_loss`.
pub(super) fn refuse(p: &Prepared, allow_data_loss: bool) -> Result<()> {
    let missing: Vec<String> = p
        .input
        .undo
        .iter()
        .filter(|u| u.down_sql.is_none())
        .map(|u| u.label())
        .collect();
    if !missing.is_empty() {
        return Err(Error::area(RollbackError::Irreversible {
            migrations: missing.join(", "),
        }));
    }
    let lossy: Vec<String> = p
        .input
        .undo
        .iter()
        .filter(|u| !u.loss().is_empty())
        .map(|u| format!("{} ({})", u.label(), u.loss().join(", ")))
        .collect();
    if !lossy.is_empty() && !allow_data_loss {
        return Err(Error::area(RollbackError::DataLoss {
            to: p.input.to.clone(),
            migrations: lossy.join(", "),
        }));
    }
    Ok(())
}

fn not_run(step: &crate::rollback::RollbackStep) -> StepResult {
    StepResult {
        step: step.clone(),
        status: StepStatus::NotRun,
        output: String::new(),
        duration_ms: 0,
    }
}

/// What the run says when it stops: what was done and what remains.
pub fn summary(r: &RollbackRunResult) -> String {
    let names = |status: StepStatus| -> Vec<String> {
        r.steps
            .iter()
            .filter(|s| s.status == status)
            .map(|s| format!("{:?}", s.step.kind).to_lowercase())
            .collect()
    };
    if r.completed {
        return format!("{} rolled back to {}", r.env, r.to);
    }
    let stopped = r
        .steps
        .iter()
        .find(|s| matches!(s.status, StepStatus::Failed | StepStatus::Declined))
        .map(|s| format!("{:?} {:?}", s.step.kind, s.status).to_lowercase())
        .unwrap_or_else(|| "stopped".into());
    format!(
        "{}: rollback to {} stopped ({stopped}); done: [{}]; remaining: [{}]",
        r.env,
        r.to,
        names(StepStatus::Done).join(", "),
        names(StepStatus::NotRun).join(", ")
    )
}

impl Shipdeck {
    /// The release step's dry run, before anything runs: a dirty tree, a
    /// wrong branch or a missing tag is refused now, not after the deploy
    /// and the database went back.
    pub(super) async fn release_preflight(&self, p: &Prepared) -> Result<()> {
        let Some(from) = p.plan.from.clone() else {
            return Ok(());
        };
        let (root, config, package) = (p.ws.root.clone(), p.ws.config_owned()?, p.package.clone());
        tokio::task::spawn_blocking(move || {
            let repo = git2::Repository::open(&root)?;
            crate::releases::rollback::rollback(
                &repo,
                &root,
                config.as_ref(),
                Some(&package),
                &from,
                "rollback preflight",
                None,
                true,
            )
            .map(|_| ())
        })
        .await?
    }

    pub(super) async fn run_steps(
        &self,
        path: &Path,
        p: &Prepared,
        yes: bool,
        sink: Arc<dyn ProgressSink>,
    ) -> Result<RollbackRunResult> {
        let ws = &p.ws;
        let started_at = crate::store::now_ms();
        let job_id = self
            .store_ref()
            .job_started(NewJob {
                workspace_id: Some(&ws.id),
                kind: JobKind::RollbackRun,
            })
            .await?;
        let _alive = self.store_ref().keep_alive(job_id);
        let progress = self.jobs_ref().registry().start(
            RunningJob {
                id: job_id,
                kind: JobKind::RollbackRun,
                workspace_id: Some(ws.id.clone()),
                started_at,
                done: 0,
                total: Some(p.plan.steps.len() as u64),
                message: String::new(),
            },
            sink.clone(),
        );
        sink.emit(&ProgressEvent::Started {
            job_id,
            kind: JobKind::RollbackRun,
        });
        let steps = self.each_step(path, p, yes, &progress, &sink).await;
        self.jobs_ref().registry().finish(job_id);
        let completed = steps.iter().all(|s| s.status == StepStatus::Done);
        let result = RollbackRunResult {
            env: p.plan.env.clone(),
            from: p.plan.from.clone(),
            to: p.plan.to.clone(),
            steps,
            completed,
        };
        self.finish(&ws.id, (job_id, started_at), &result, &progress, &sink)
            .await?;
        Ok(result)
    }

    async fn each_step(
        &self,
        path: &Path,
        p: &Prepared,
        yes: bool,
        progress: &Progress,
        sink: &Arc<dyn ProgressSink>,
    ) -> Vec<StepResult> {
        let total = p.plan.steps.len() as u32;
        let mut out: Vec<StepResult> = Vec::new();
        for (i, step) in p.plan.steps.iter().enumerate() {
            if out.iter().any(|s| s.status != StepStatus::Done) {
                out.push(not_run(step));
                continue;
            }
            let n = i as u32 + 1;
            progress.report(i as u64, Some(total as u64), &step.description);
            let proceed = !progress.is_cancelled()
                && (yes || confirm::ask(progress, sink, n, total, &step.description).await);
            let start = Instant::now();
            let (status, output) = if !proceed {
                let why = if progress.is_cancelled() {
                    "cancelled"
                } else {
                    "declined"
                };
                (StepStatus::Declined, why.to_string())
            } else {
                match self.run_step(path, p, step.kind, progress).await {
                    Ok(o) => (StepStatus::Done, o),
                    Err(e) => (StepStatus::Failed, e),
                }
            };
            let result = StepResult {
                step: step.clone(),
                status,
                output: crate::secrets::redact(&output).into_owned(),
                duration_ms: start.elapsed().as_millis() as i64,
            };
            let detail = serde_json::json!({
                "env": p.plan.env, "from": p.plan.from, "to": p.plan.to, "step": n,
                "kind": step.kind, "status": status, "command": step.command,
                "outcome": step_outcome(status),
            });
            if let Err(e) = self
                .write_records(
                    &p.ws,
                    Records::default().audited(AuditAction::RollbackStep, detail),
                )
                .await
            {
                tracing::warn!(error = %e, "rollback step audit entry not written");
            }
            out.push(result);
        }
        progress.report(total as u64, Some(total as u64), "done");
        out
    }

    async fn finish(
        &self,
        ws_id: &str,
        (job_id, started_at): (i64, i64),
        r: &RollbackRunResult,
        progress: &Progress,
        sink: &Arc<dyn ProgressSink>,
    ) -> Result<()> {
        let outcome = match (r.completed, progress.is_cancelled()) {
            (true, _) => JobOutcome::Succeeded,
            (false, true) => JobOutcome::Cancelled,
            (false, false) => JobOutcome::Failed,
        };
        let line = summary(r);
        let steps: Vec<serde_json::Value> = r
            .steps
            .iter()
            .map(|s| serde_json::json!({"kind": s.step.kind, "status": s.status, "duration_ms": s.duration_ms}))
            .collect();
        let json = serde_json::to_value(r).ok();
        self.store_ref()
            .job_finished(job_id, outcome, Some(&line), json.as_ref(), None)
            .await?;
        sink.emit(&ProgressEvent::Finished {
            job_id,
            outcome,
            summary: Some(line),
            error: None,
        });
        self.store_ref()
            .rollback_run(
                ws_id,
                NewRollbackRun {
                    job_id: Some(job_id),
                    env: &r.env,
                    from: r.from.as_deref(),
                    to: &r.to,
                    completed: r.completed,
                    steps: serde_json::Value::Array(steps),
                    started_at,
                },
            )
            .await
    }
}

/// A step's status in the audit log's words.
fn step_outcome(status: StepStatus) -> &'static str {
    match status {
        StepStatus::Done => "ok",
        StepStatus::Failed => "failed",
        StepStatus::Declined => "declined",
        StepStatus::NotRun => "not_run",
    }
}
