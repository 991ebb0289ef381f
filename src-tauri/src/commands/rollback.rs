use std::sync::Arc;

use shipdeck_core::api::{RollbackPlanRequest, RollbackRunRequest};
use shipdeck_core::jobs::ProgressEvent;
use shipdeck_core::rollback::{RollbackPlan, RollbackRunResult, Runbook};
use shipdeck_core::{Result, Shipdeck};
use tauri::ipc::Channel;

use super::ChannelSink;
use crate::input;

pub async fn rollback_plan(
    core: &Shipdeck,
    path: String,
    request: RollbackPlanRequest,
) -> Result<RollbackPlan> {
    core.rollback_plan(&input::path(&path)?, &request).await
}

pub async fn rollback_run(
    core: &Shipdeck,
    path: String,
    request: RollbackRunRequest,
    on_progress: Channel<ProgressEvent>,
) -> Result<RollbackRunResult> {
    core.rollback_run(&input::path(&path)?, request, Arc::new(ChannelSink(on_progress)))
        .await
}

pub async fn rollback_confirm(core: &Shipdeck, job_id: i64, step: u32, proceed: bool) -> Result<()> {
    core.rollback_confirm(job_id, step, proceed)
}

pub async fn rollback_runbook(core: &Shipdeck, path: String, write: bool) -> Result<Runbook> {
    core.rollback_runbook(&input::path(&path)?, write).await
}
