use std::path::PathBuf;
use std::sync::Arc;

use shipdeck_core::bundle::BundleReport;
use shipdeck_core::jobs::ProgressEvent;
use shipdeck_core::{Error, Result, Shipdeck};
use tauri::ipc::Channel;

use super::ChannelSink;
use crate::input;

/// `dir` is relative to the workspace (the core keeps it inside).
pub async fn bundle_analyze(
    core: &Shipdeck,
    path: String,
    dir: Option<String>,
    on_progress: Channel<ProgressEvent>,
) -> Result<BundleReport> {
    let dir = match dir.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(d) if d.len() > 4096 || d.contains('\0') => {
            return Err(Error::InvalidInput {
                field: "dir",
                reason: "not a valid folder path".into(),
            })
        }
        Some(d) => Some(PathBuf::from(d)),
    };
    core.bundle_analyze(&input::path(&path)?, dir, Arc::new(ChannelSink(on_progress)))
        .await
}
