//! `rollback`: the plan back to a previous release for one environment
//! (deploy, database, release, verify), its run as one job with each step
//! confirmed, and the generated runbook.

use std::path::Path;
use std::sync::Arc;

use serde::Deserialize;
use ts_rs::TS;

use super::Shipdeck;
use crate::error::{Error, Result};
use crate::jobs::ProgressSink;
use crate::rollback::{RollbackPlan, RollbackRunResult, Runbook};

/// What `rollback plan` and the Rollback view ask for.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct RollbackPlanRequest {
    pub env: String,
    /// The release to go back to (default: the one before the current).
    pub to: Option<String>,
}

/// What `rollback run` and the Rollback view ask for.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct RollbackRunRequest {
    pub env: String,
    pub to: Option<String>,
    /// Run irreversible down migrations (data is lost).
    #[serde(default)]
    pub allow_data_loss: bool,
    /// Run every step without asking.
    #[serde(default)]
    pub yes: bool,
}

impl Shipdeck {
    pub async fn rollback_plan(&self, path: &Path, request: &RollbackPlanRequest) -> Result<RollbackPlan> {
        let _ = (path, request);
        Err(Error::Internal("rollback plan: not built yet".into()))
    }

    /// Runs the plan as one job; unless `yes`, each step waits for
    /// [`Shipdeck::rollback_confirm`] (the view) or the CLI's prompt.
    pub async fn rollback_run(
        &self,
        path: &Path,
        request: RollbackRunRequest,
        sink: Arc<dyn ProgressSink>,
    ) -> Result<RollbackRunResult> {
        let _ = (path, request, sink);
        Err(Error::Internal("rollback run: not built yet".into()))
    }

    /// Answers the running rollback job `job_id` waiting at `step`.
    pub fn rollback_confirm(&self, job_id: i64, step: u32, proceed: bool) -> Result<()> {
        let _ = (job_id, step, proceed);
        Err(Error::Internal("rollback confirm: not built yet".into()))
    }

    /// `docs/rollback-procedures.md` from the configuration; written when `write`.
    pub async fn rollback_runbook(&self, path: &Path, write: bool) -> Result<Runbook> {
        let _ = (path, write);
        Err(Error::Internal("rollback runbook: not built yet".into()))
    }
}
