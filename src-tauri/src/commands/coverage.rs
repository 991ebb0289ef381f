use std::sync::Arc;

use shipdeck_core::api::CoverageView;
use shipdeck_core::charts::{Chart, Theme};
use shipdeck_core::coverage::source::SourceText;
use shipdeck_core::jobs::ProgressEvent;
use shipdeck_core::store::CoverageRun;
use shipdeck_core::{Error, Result, Shipdeck};
use tauri::ipc::Channel;

use super::ChannelSink;
use crate::input;

/// Runs shown by the view's history.
const HISTORY_LIMIT: i64 = 500;
const MAX_FILE: usize = 4096;

pub async fn coverage_report(
    core: &Shipdeck,
    path: String,
    on_progress: Channel<ProgressEvent>,
) -> Result<CoverageView> {
    core.coverage_view(
        &input::path(&path)?,
        Vec::new(),
        Arc::new(ChannelSink(on_progress)),
    )
    .await
}

pub async fn coverage_history(
    core: &Shipdeck,
    path: String,
    area: Option<String>,
) -> Result<Vec<CoverageRun>> {
    core.coverage_history(&input::path(&path)?, area.as_deref(), HISTORY_LIMIT)
        .await
}

pub async fn coverage_chart(core: &Shipdeck, path: String, area: String, theme: Theme) -> Result<Chart> {
    core.coverage_chart(&input::path(&path)?, &area, theme).await
}

pub async fn coverage_source(core: &Shipdeck, path: String, file: String) -> Result<SourceText> {
    if file.len() > MAX_FILE {
        return Err(Error::InvalidInput {
            field: "file",
            reason: "the path is too long".into(),
        });
    }
    core.coverage_source(&input::path(&path)?, &file).await
}
