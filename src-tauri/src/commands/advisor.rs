use std::sync::Arc;

use shipdeck_core::advisor::{CheckInfo, Suggestion};
use shipdeck_core::api::{AcceptedFinding, AdvisorOptions, AdvisorRunRequest, AdvisorView, DismissRequest};
use shipdeck_core::charts::{Chart, Theme};
use shipdeck_core::jobs::ProgressEvent;
use shipdeck_core::store::AdvisorRun;
use shipdeck_core::{DatabaseChoice, Result, Shipdeck};
use tauri::ipc::Channel;

use super::ChannelSink;
use crate::input;

/// The UI names a configured database; URLs never cross IPC.
fn choice(database: Option<String>) -> DatabaseChoice {
    DatabaseChoice { database, url: None }
}

pub async fn advisor_checks(core: &Shipdeck) -> Result<Vec<CheckInfo>> {
    Ok(core.advisor_checks())
}

pub async fn advisor_run(
    core: &Shipdeck,
    path: String,
    request: AdvisorRunRequest,
    on_progress: Channel<ProgressEvent>,
) -> Result<AdvisorView> {
    core.advisor_run(
        &input::path(&path)?,
        &choice(request.database),
        &request.checks,
        AdvisorOptions::default(),
        Arc::new(ChannelSink(on_progress)),
    )
    .await
}

pub async fn advisor_latest(
    core: &Shipdeck,
    path: String,
    database: Option<String>,
) -> Result<Option<AdvisorView>> {
    core.advisor_latest(&input::path(&path)?, &choice(database)).await
}

pub async fn advisor_suggest(
    core: &Shipdeck,
    path: String,
    database: Option<String>,
    query: String,
) -> Result<Suggestion> {
    core.advisor_suggest(
        &input::path(&path)?,
        &choice(database),
        &query,
        AdvisorOptions::default(),
    )
    .await
}

pub async fn advisor_accept(
    core: &Shipdeck,
    path: String,
    database: Option<String>,
    key: String,
) -> Result<AcceptedFinding> {
    core.advisor_accept(&input::path(&path)?, &choice(database), &key)
        .await
}

pub async fn advisor_dismiss(core: &Shipdeck, path: String, request: DismissRequest) -> Result<()> {
    let DismissRequest {
        database,
        key,
        reason,
    } = request;
    core.advisor_dismiss(&input::path(&path)?, &choice(database), &key, &reason)
        .await
}

pub async fn advisor_restore(
    core: &Shipdeck,
    path: String,
    database: Option<String>,
    key: String,
) -> Result<bool> {
    core.advisor_restore(&input::path(&path)?, &choice(database), &key)
        .await
}

pub async fn advisor_runs(
    core: &Shipdeck,
    path: String,
    database: Option<String>,
) -> Result<Vec<AdvisorRun>> {
    core.advisor_runs(&input::path(&path)?, &choice(database), 200)
        .await
}

pub async fn advisor_charts(
    core: &Shipdeck,
    path: String,
    database: Option<String>,
    theme: Theme,
) -> Result<Vec<Chart>> {
    core.advisor_charts(&input::path(&path)?, &choice(database), theme)
        .await
}
