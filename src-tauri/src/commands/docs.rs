use std::sync::Arc;

use shipdeck_core::api::{DocsCheckRequest, SchemaDoc};
use shipdeck_core::docs_check::{DocsReport, Review};
use shipdeck_core::jobs::ProgressEvent;
use shipdeck_core::{DatabaseChoice, Error, Result, Shipdeck};
use tauri::ipc::Channel;

use super::ChannelSink;
use crate::input;

/// The domain model page of a database (by name: the app never sends
/// URLs), written into the workspace when `write`.
pub async fn docs_schema(
    core: &Shipdeck,
    path: String,
    database: Option<String>,
    write: bool,
) -> Result<SchemaDoc> {
    let choice = DatabaseChoice { database, url: None };
    core.docs_schema(&input::path(&path)?, &choice, write).await
}

/// Every page against the code it references and its links, as a job.
pub async fn docs_check(
    core: &Shipdeck,
    path: String,
    request: DocsCheckRequest,
    on_progress: Channel<ProgressEvent>,
) -> Result<DocsReport> {
    let sink = Arc::new(ChannelSink(on_progress));
    core.docs_check(&input::path(&path)?, request.links, sink).await
}

/// `page` is relative to the workspace; the core keeps it inside.
pub async fn docs_mark_reviewed(core: &Shipdeck, path: String, page: String) -> Result<Review> {
    if page.trim().is_empty() || page.len() > 4096 || page.contains('\0') {
        return Err(Error::InvalidInput {
            field: "page",
            reason: "not a valid page path".into(),
        });
    }
    core.docs_mark_reviewed(&input::path(&path)?, page.trim()).await
}
