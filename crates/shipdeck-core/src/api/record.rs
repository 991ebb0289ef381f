//! The one recording path. An action runs as a job ([`Shipdeck::run_recorded`])
//! and, from its typed outcome, leaves its area's event (a release event, a
//! migration run, an environment run) and, when it changed something, an
//! audit entry. Reads never come here.

use std::sync::Arc;

use super::{EnvRunKind, Shipdeck};
use crate::error::{Error, Result};
use crate::jobs::{JobKind, JobOutput, Progress, ProgressSink};
use crate::store::{NewCoverageRun, NewMigrationRun, NewReleaseEvent};
use crate::workspace::Workspace;

/// How an action ended, as its event records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    Ok,
    DryRun,
    Failed,
    Cancelled,
}

impl Outcome {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::DryRun => "dry_run",
            Outcome::Failed => "failed",
            Outcome::Cancelled => "cancelled",
        }
    }

    /// `DryRun` or `Ok`.
    pub(crate) fn done(dry_run: bool) -> Outcome {
        if dry_run {
            Outcome::DryRun
        } else {
            Outcome::Ok
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ReleaseAction {
    Cut,
    Publish,
    Rollback,
}

impl ReleaseAction {
    fn as_str(self) -> &'static str {
        match self {
            ReleaseAction::Cut => "cut",
            ReleaseAction::Publish => "publish",
            ReleaseAction::Rollback => "rollback",
        }
    }
}

/// One release event: what happened to which package.
#[derive(Debug, Clone)]
pub(crate) struct ReleaseRecord {
    pub action: ReleaseAction,
    pub package: Option<String>,
    pub version: Option<String>,
    pub tag: Option<String>,
    pub sha: Option<String>,
    pub outcome: Outcome,
    pub reason: Option<String>,
    pub detail: serde_json::Value,
}

impl ReleaseRecord {
    /// The event of an action that failed before naming a package.
    pub(crate) fn failed(action: ReleaseAction, reason: Option<&str>, error: &Error) -> ReleaseRecord {
        ReleaseRecord {
            action,
            package: None,
            version: None,
            tag: None,
            sha: None,
            outcome: Outcome::Failed,
            reason: reason.map(str::to_string),
            detail: serde_json::json!({ "error": error.payload() }),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MigrationAction {
    Up,
    Down,
    Repair,
    Baseline,
}

impl MigrationAction {
    fn as_str(self) -> &'static str {
        match self {
            MigrationAction::Up => "up",
            MigrationAction::Down => "down",
            MigrationAction::Repair => "repair",
            MigrationAction::Baseline => "baseline",
        }
    }

    pub(crate) fn audit(self) -> AuditAction {
        AuditAction::Migrate(self)
    }
}

/// One migration run on a database, named by its masked URL.
#[derive(Debug, Clone)]
pub(crate) struct MigrationRecord {
    pub database: String,
    pub url: String,
    pub action: MigrationAction,
    pub outcome: Outcome,
    pub versions: Vec<i64>,
    pub detail: serde_json::Value,
}

/// One parity or health run of the environments.
#[derive(Debug, Clone)]
pub(crate) struct EnvRecord {
    pub kind: EnvRunKind,
    pub score: Option<f64>,
    /// (errors, warnings)
    pub counts: (i64, i64),
    pub detail: serde_json::Value,
}

/// An area event.
#[derive(Debug, Clone)]
pub(crate) enum Event {
    Release(ReleaseRecord),
    Migration(MigrationRecord),
    Env(EnvRecord),
    /// A `coverage report` run, for the history per commit.
    Coverage(Box<NewCoverageRun>),
}

/// What an audit entry says was changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AuditAction {
    Release(ReleaseAction),
    Migrate(MigrationAction),
    EnvReveal,
    AdvisorAccept,
    AdvisorDismiss,
    SecretSet,
    SecretRm,
    /// "Not a secret": a secrets finding added to `.gitleaksignore`.
    SecuritySecretDismiss,
    DemoCreate,
    /// Update branches made by `deps update`.
    DepsUpdate,
    /// Update branches pushed and their pull requests opened or updated.
    DepsPropose,
    /// Files generated from a blueprint.
    BlueprintCreate,
    /// One step of a rollback run (ran, failed or declined).
    RollbackStep,
}

impl AuditAction {
    fn name(self) -> String {
        match self {
            AuditAction::Release(a) => format!("release.{}", a.as_str()),
            AuditAction::Migrate(a) => format!("migrate.{}", a.as_str()),
            AuditAction::EnvReveal => "env.reveal".into(),
            AuditAction::AdvisorAccept => "advisor.accept".into(),
            AuditAction::AdvisorDismiss => "advisor.dismiss".into(),
            AuditAction::SecretSet => "secret.set".into(),
            AuditAction::SecretRm => "secret.rm".into(),
            AuditAction::SecuritySecretDismiss => "security.secret_dismiss".into(),
            AuditAction::DemoCreate => "demo.create".into(),
            AuditAction::DepsUpdate => "deps.update".into(),
            AuditAction::DepsPropose => "deps.propose".into(),
            AuditAction::BlueprintCreate => "blueprint.create".into(),
            AuditAction::RollbackStep => "rollback.step".into(),
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Audit {
    pub action: AuditAction,
    pub detail: serde_json::Value,
}

/// Everything one action leaves in the store besides its job row.
#[derive(Debug, Clone, Default)]
pub(crate) struct Records {
    pub events: Vec<Event>,
    pub audit: Option<Audit>,
}

impl Records {
    pub(crate) fn event(event: Event) -> Records {
        Records {
            events: vec![event],
            audit: None,
        }
    }

    pub(crate) fn audited(mut self, action: AuditAction, detail: serde_json::Value) -> Records {
        self.audit = Some(Audit { action, detail });
        self
    }
}

impl Shipdeck {
    /// Runs `work` as a recorded job of `ws`, then writes what `record`
    /// makes of its result: the area's events and the audit entry. An event
    /// that cannot be written is logged; an audit entry that cannot be
    /// written fails the call.
    pub(crate) async fn run_recorded<T, F, R>(
        &self,
        ws: &Workspace,
        kind: JobKind,
        sink: Arc<dyn ProgressSink>,
        work: F,
        record: R,
    ) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Progress) -> Result<JobOutput<T>> + Send + 'static,
        R: FnOnce(&Result<T>) -> Records,
    {
        let result = self.jobs_ref().run(Some(&ws.id), kind, sink, work).await;
        self.write_records(ws, record(&result)).await?;
        result
    }

    /// Writes an action's records; for actions quick enough to need no job.
    pub(crate) async fn write_records(&self, ws: &Workspace, records: Records) -> Result<()> {
        let store = self.store_ref();
        for event in records.events {
            let written = match &event {
                Event::Release(r) => {
                    let e = NewReleaseEvent {
                        action: r.action.as_str(),
                        package: r.package.as_deref(),
                        version: r.version.as_deref(),
                        tag: r.tag.as_deref(),
                        sha: r.sha.as_deref(),
                        outcome: r.outcome.as_str(),
                        reason: r.reason.as_deref(),
                        detail: r.detail.clone(),
                    };
                    store.release_event(&ws.id, e).await
                }
                Event::Migration(r) => {
                    let run = NewMigrationRun {
                        database: &r.database,
                        url: &r.url,
                        action: r.action.as_str(),
                        outcome: r.outcome.as_str(),
                        versions: &r.versions,
                        detail: r.detail.clone(),
                    };
                    store.migration_run(&ws.id, run).await
                }
                Event::Env(r) => {
                    store
                        .env_run(&ws.id, r.kind.as_str(), r.score, r.counts, &r.detail)
                        .await
                }
                Event::Coverage(run) => store.coverage_run_save(&ws.id, run).await.map(|_| ()),
            };
            if let Err(e) = written {
                tracing::warn!(error = %e.payload().message, "event not recorded");
            }
        }
        match records.audit {
            Some(audit) => self.audit_entry(Some(ws), audit.action, audit.detail).await,
            None => Ok(()),
        }
    }

    /// The audit entry of a change (of a workspace, or of none).
    pub(crate) async fn audit_entry(
        &self,
        ws: Option<&Workspace>,
        action: AuditAction,
        detail: serde_json::Value,
    ) -> Result<()> {
        let id = ws.map(|w| w.id.as_str());
        self.store_ref().audit(id, &action.name(), detail).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_and_actions_keep_their_stored_names() {
        let names: Vec<&str> = [Outcome::Ok, Outcome::DryRun, Outcome::Failed, Outcome::Cancelled]
            .iter()
            .map(|o| o.as_str())
            .collect();
        assert_eq!(names, ["ok", "dry_run", "failed", "cancelled"]);
        assert_eq!(
            AuditAction::Release(ReleaseAction::Rollback).name(),
            "release.rollback"
        );
        assert_eq!(
            AuditAction::Migrate(MigrationAction::Baseline).name(),
            "migrate.baseline"
        );
        assert_eq!(AuditAction::EnvReveal.name(), "env.reveal");
        assert_eq!(AuditAction::SecretRm.name(), "secret.rm");
        assert_eq!(AuditAction::DepsPropose.name(), "deps.propose");
        assert_eq!(AuditAction::BlueprintCreate.name(), "blueprint.create");
        assert_eq!(AuditAction::AdvisorDismiss.name(), "advisor.dismiss");
        assert_eq!(
            AuditAction::SecuritySecretDismiss.name(),
            "security.secret_dismiss"
        );
        assert_eq!(Outcome::done(true), Outcome::DryRun);
    }
}
