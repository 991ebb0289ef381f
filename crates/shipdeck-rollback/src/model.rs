//! The plan's public shape: what `rollback plan --json` prints, exactly:
//! `{env, from, to, steps: [{kind, description, command, sql, reversible}]}`.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(rename = "RollbackStepKind")]
pub enum StepKind {
    /// The platform's own rollback (`kubectl rollout undo`, `vercel rollback`, …).
    Deploy,
    /// Migrations down to the version the target release expects.
    Database,
    /// The release rollback (revert, tag, forge).
    Release,
    /// Poll the health endpoint until it reports the target version.
    Verify,
}

/// One step, in the order it runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RollbackStep {
    pub kind: StepKind,
    pub description: String,
    /// The exact command line (or HTTP request) this step runs, if any.
    pub command: Option<String>,
    /// The SQL a database step runs, if any.
    pub sql: Option<String>,
    /// `false` when the step loses data (an irreversible down migration).
    pub reversible: bool,
}

/// The steps that take an environment from the release it runs back to `to`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RollbackPlan {
    pub env: String,
    /// The release the environment runs now (`null` when unknown).
    pub from: Option<String>,
    pub to: String,
    pub steps: Vec<RollbackStep>,
}

/// How a step of a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(rename = "RollbackStepStatus")]
pub enum StepStatus {
    Done,
    Failed,
    /// Declined when asked to confirm, or cancelled.
    Declined,
    /// Not reached: an earlier step failed or was declined.
    NotRun,
}

/// One step of a run: the planned step and what happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(rename = "RollbackStepResult")]
pub struct StepResult {
    pub step: RollbackStep,
    pub status: StepStatus,
    /// What the step printed or answered (bounded, redacted).
    pub output: String,
    pub duration_ms: i64,
}

/// A rollback run: every step in order with its outcome; `completed` when
/// all ran and the environment reports the target version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RollbackRunResult {
    pub env: String,
    pub from: Option<String>,
    pub to: String,
    pub steps: Vec<StepResult>,
    pub completed: bool,
}

/// The generated `docs/rollback-procedures.md`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(rename = "RollbackRunbook")]
pub struct Runbook {
    /// Relative to the workspace.
    pub path: String,
    pub markdown: String,
    /// Whether the file in the workspace equals `markdown`.
    pub up_to_date: bool,
    /// Whether this call wrote it.
    pub written: bool,
}
