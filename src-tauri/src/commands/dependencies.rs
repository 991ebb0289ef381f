use std::sync::Arc;

use shipdeck_core::dependencies::{
    OutdatedReport, ProposeOutcome, ProposeRequest, UpdateOutcome, UpdateRequest,
};
use shipdeck_core::jobs::ProgressEvent;
use shipdeck_core::{Result, Shipdeck};
use tauri::ipc::Channel;

use super::ChannelSink;
use crate::input;

pub async fn deps_outdated(
    core: &Shipdeck,
    path: String,
    on_progress: Channel<ProgressEvent>,
) -> Result<OutdatedReport> {
    core.deps_outdated(&input::path(&path)?, Arc::new(ChannelSink(on_progress)))
        .await
}

pub async fn deps_update(
    core: &Shipdeck,
    path: String,
    request: UpdateRequest,
    on_progress: Channel<ProgressEvent>,
) -> Result<UpdateOutcome> {
    core.deps_update(&input::path(&path)?, request, Arc::new(ChannelSink(on_progress)))
        .await
}

pub async fn deps_propose(
    core: &Shipdeck,
    path: String,
    request: ProposeRequest,
    on_progress: Channel<ProgressEvent>,
) -> Result<ProposeOutcome> {
    core.deps_propose(&input::path(&path)?, request, Arc::new(ChannelSink(on_progress)))
        .await
}
