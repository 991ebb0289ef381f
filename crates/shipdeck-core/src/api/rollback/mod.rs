//! `rollback`: the plan back to a previous release for one environment
//! (deploy, database, release, verify), its run as one job with each step
//! confirmed, and the generated runbook.

mod confirm;
mod plan;
mod run;
mod runbook;
mod steps;

use std::path::Path;
use std::sync::Arc;

use serde::Deserialize;
use ts_rs::TS;

use super::{DatabaseChoice, Shipdeck};
use crate::error::{Error, Result};
use crate::jobs::ProgressSink;
use crate::rollback::{RollbackPlan, RollbackRunResult, Runbook};

pub use run::summary as rollback_summary;

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
    /// The steps back to `to` (default: the release before the one the
    /// environment runs); a read: runs nothing.
    pub async fn rollback_plan(&self, path: &Path, request: &RollbackPlanRequest) -> Result<RollbackPlan> {
        Ok(self
            .prepare(path, &request.env, request.to.as_deref())
            .await?
            .plan)
    }

    /// Runs the plan as one job; unless `yes`, each step waits for
    /// [`Shipdeck::rollback_confirm`] (the view) or the CLI's prompt.
    /// Refused before anything runs when a migration to undo has no down
    /// file (`rollback.irreversible`) or loses data without
    /// `allow_data_loss` (`rollback.data_loss`).
    pub async fn rollback_run(
        &self,
        path: &Path,
        request: RollbackRunRequest,
        sink: Arc<dyn ProgressSink>,
    ) -> Result<RollbackRunResult> {
        self.registered(path).await?;
        let prepared = self.prepare(path, &request.env, request.to.as_deref()).await?;
        run::refuse(&prepared, request.allow_data_loss)?;
        self.release_preflight(&prepared).await?;
        self.run_steps(path, &prepared, request.yes, sink).await
    }

    /// Answers the running rollback job `job_id` waiting at `step`.
    pub fn rollback_confirm(&self, job_id: i64, step: u32, proceed: bool) -> Result<()> {
        confirm::answer(job_id, step, proceed).map_err(Error::area)
    }

    /// `docs/rollback-procedures.md` from the configuration; written when `write`.
    pub async fn rollback_runbook(&self, path: &Path, write: bool) -> Result<Runbook> {
        let ws = if write {
            self.registered(path).await?
        } else {
            self.workspace(path).await?
        };
        self.runbook(&ws, write).await
    }
}
