use std::path::PathBuf;
use std::sync::Arc;

use shipdeck_core::api::ReadinessReportRequest;
use shipdeck_core::jobs::ProgressEvent;
use shipdeck_core::readiness::{ReadinessHistoryEntry, ReadinessRun};
use shipdeck_core::{Result, Shipdeck};
use tauri::ipc::Channel;

use super::ChannelSink;
use crate::input;

pub async fn readiness_gate(
    core: &Shipdeck,
    path: String,
    on_progress: Channel<ProgressEvent>,
) -> Result<ReadinessRun> {
    core.readiness_gate(&input::path(&path)?, Arc::new(ChannelSink(on_progress)))
        .await
}

pub async fn readiness_history(
    core: &Shipdeck,
    path: String,
    limit: Option<i64>,
) -> Result<Vec<ReadinessHistoryEntry>> {
    core.readiness_history(&input::path(&path)?, limit.unwrap_or(50).clamp(1, 500))
        .await
}

pub async fn readiness_run(core: &Shipdeck, path: String, run_id: i64) -> Result<ReadinessRun> {
    core.readiness_run(&input::path(&path)?, run_id).await
}

pub async fn readiness_report(
    core: &Shipdeck,
    path: String,
    request: ReadinessReportRequest,
) -> Result<String> {
    let ws = input::path(&path)?;
    let file = input::path(&request.file)?;
    let run = core.readiness_run(&ws, request.run_id).await?;
    let written: PathBuf = core.readiness_report(&ws, &run, request.format, &file).await?;
    Ok(written.to_string_lossy().into_owned())
}
