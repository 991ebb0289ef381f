use std::path::PathBuf;
use std::sync::Arc;

use shipdeck_core::api::{BundleView, BundleViewRequest};
use shipdeck_core::jobs::ProgressEvent;
use shipdeck_core::{Error, Result, Shipdeck};
use tauri::ipc::Channel;

use super::ChannelSink;
use crate::input;

/// `request.dir` is relative to the workspace (the core keeps it inside).
pub async fn bundle_view(
    core: &Shipdeck,
    path: String,
    request: BundleViewRequest,
    on_progress: Channel<ProgressEvent>,
) -> Result<BundleView> {
    let dir = match request.dir.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(d) if d.len() > 4096 || d.contains('\0') => {
            return Err(Error::InvalidInput {
                field: "dir",
                reason: "not a valid folder path".into(),
            })
        }
        Some(d) => Some(PathBuf::from(d)),
    };
    let sink = Arc::new(ChannelSink(on_progress));
    core.bundle_view(&input::path(&path)?, dir, request.theme, sink)
        .await
}
