use std::sync::Arc;

use shipdeck_core::api::ReleaseHistory;
use shipdeck_core::charts::{Chart, Theme};
use shipdeck_core::jobs::ProgressEvent;
use shipdeck_core::releases::cut::CutResult;
use shipdeck_core::releases::publish::PublishResult;
use shipdeck_core::releases::rollback::RollbackResult;
use shipdeck_core::releases::{PlanRequest, ReleasePlan};
use shipdeck_core::{Result, Shipdeck};
use tauri::ipc::Channel;
use tauri::State;

use super::ChannelSink;
use crate::input;

#[tauri::command]
pub async fn release_plan(
    core: State<'_, Shipdeck>,
    path: String,
    request: PlanRequest,
    on_progress: Channel<ProgressEvent>,
) -> Result<ReleasePlan> {
    core.release_plan(&input::path(&path)?, request, Arc::new(ChannelSink(on_progress)))
        .await
}

#[tauri::command]
pub async fn release_cut(
    core: State<'_, Shipdeck>,
    path: String,
    request: PlanRequest,
    dry_run: bool,
    on_progress: Channel<ProgressEvent>,
) -> Result<CutResult> {
    core.release_cut(
        &input::path(&path)?,
        request,
        dry_run,
        Arc::new(ChannelSink(on_progress)),
    )
    .await
}

#[tauri::command]
pub async fn release_publish(
    core: State<'_, Shipdeck>,
    path: String,
    dry_run: bool,
    skip_forge: bool,
    on_progress: Channel<ProgressEvent>,
) -> Result<PublishResult> {
    core.release_publish(
        &input::path(&path)?,
        dry_run,
        skip_forge,
        Arc::new(ChannelSink(on_progress)),
    )
    .await
}

#[tauri::command]
#[allow(clippy::too_many_arguments)]
pub async fn release_rollback(
    core: State<'_, Shipdeck>,
    path: String,
    package: Option<String>,
    version: String,
    reason: String,
    not_pushed: bool,
    dry_run: bool,
    on_progress: Channel<ProgressEvent>,
) -> Result<RollbackResult> {
    core.release_rollback(
        &input::path(&path)?,
        package,
        version,
        reason,
        not_pushed,
        dry_run,
        Arc::new(ChannelSink(on_progress)),
    )
    .await
}

#[tauri::command]
pub async fn release_history(core: State<'_, Shipdeck>, path: String) -> Result<ReleaseHistory> {
    core.release_history(&input::path(&path)?).await
}

#[tauri::command]
pub async fn release_cadence_chart(core: State<'_, Shipdeck>, path: String, theme: Theme) -> Result<Chart> {
    core.release_cadence_chart(&input::path(&path)?, theme).await
}
