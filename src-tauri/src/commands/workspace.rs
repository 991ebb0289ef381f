use shipdeck_core::charts::{Chart, Theme};
use shipdeck_core::jobs::ProgressEvent;
use shipdeck_core::store::RecentWorkspace;
use shipdeck_core::workspace::{HistoryStats, WorkspaceInfo};
use shipdeck_core::{Result, Shipdeck};
use tauri::ipc::Channel;

use super::ChannelSink;
use crate::input;

pub async fn workspace_open(core: &Shipdeck, path: String) -> Result<WorkspaceInfo> {
    core.workspace_open(&input::path(&path)?).await
}

pub async fn workspace_recent(core: &Shipdeck) -> Result<Vec<RecentWorkspace>> {
    core.workspace_recent().await
}

pub async fn workspace_forget(core: &Shipdeck, id: String) -> Result<()> {
    core.workspace_forget(&id).await
}

pub async fn workspace_scan(
    core: &Shipdeck,
    path: String,
    on_progress: Channel<ProgressEvent>,
) -> Result<HistoryStats> {
    core.workspace_scan(
        &input::path(&path)?,
        std::sync::Arc::new(ChannelSink(on_progress)),
    )
    .await
}

pub async fn workspace_last_scan(core: &Shipdeck, path: String) -> Result<Option<HistoryStats>> {
    core.workspace_last_scan(&input::path(&path)?).await
}

/// The commits-per-week chart of the newest scan, drawn for `theme`.
pub async fn workspace_chart(core: &Shipdeck, path: String, theme: Theme) -> Result<Option<Chart>> {
    let stats = core.workspace_last_scan(&input::path(&path)?).await?;
    stats.map(|s| core.workspace_chart(&s, theme)).transpose()
}

/// Creates (once) and returns the demo workspace in the data folder.
pub async fn demo_create_default(core: &Shipdeck) -> Result<String> {
    Ok(core.demo_default().await?.display().to_string())
}
