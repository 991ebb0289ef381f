use std::sync::Arc;

use shipdeck_core::api::{PublishRequest, ReleaseHistory};
use shipdeck_core::charts::{Chart, Theme};
use shipdeck_core::jobs::ProgressEvent;
use shipdeck_core::releases::cut::CutResult;
use shipdeck_core::releases::publish::PublishResult;
use shipdeck_core::releases::rollback::{RollbackRequest, RollbackResult};
use shipdeck_core::releases::{PlanRequest, ReleasePlan};
use shipdeck_core::{Result, Shipdeck};
use tauri::ipc::Channel;

use super::ChannelSink;
use crate::input;

pub async fn releases_plan(
    core: &Shipdeck,
    path: String,
    request: PlanRequest,
    on_progress: Channel<ProgressEvent>,
) -> Result<ReleasePlan> {
    core.release_plan(&input::path(&path)?, request, Arc::new(ChannelSink(on_progress)))
        .await
}

pub async fn releases_cut(
    core: &Shipdeck,
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

pub async fn releases_publish(
    core: &Shipdeck,
    path: String,
    request: PublishRequest,
    on_progress: Channel<ProgressEvent>,
) -> Result<PublishResult> {
    core.release_publish(
        &input::path(&path)?,
        request.dry_run,
        request.skip_forge,
        Arc::new(ChannelSink(on_progress)),
    )
    .await
}

pub async fn releases_rollback(
    core: &Shipdeck,
    path: String,
    request: RollbackRequest,
    on_progress: Channel<ProgressEvent>,
) -> Result<RollbackResult> {
    core.release_rollback(&input::path(&path)?, request, Arc::new(ChannelSink(on_progress)))
        .await
}

pub async fn releases_history(core: &Shipdeck, path: String) -> Result<ReleaseHistory> {
    core.release_history(&input::path(&path)?).await
}

pub async fn releases_cadence_chart(core: &Shipdeck, path: String, theme: Theme) -> Result<Chart> {
    core.release_cadence_chart(&input::path(&path)?, theme).await
}
