use std::sync::Arc;

use shipdeck_core::advisor::{CheckInfo, Suggestion};
use shipdeck_core::api::{AcceptedFinding, AdvisorOptions, AdvisorView};
use shipdeck_core::charts::{Chart, Theme};
use shipdeck_core::jobs::ProgressEvent;
use shipdeck_core::store::AdvisorRun;
use shipdeck_core::{DatabaseChoice, Result, Shipdeck};
use tauri::ipc::Channel;
use tauri::State;

use super::ChannelSink;
use crate::input;

/// The UI names a configured database; URLs never cross IPC.
fn choice(database: Option<String>) -> DatabaseChoice {
    DatabaseChoice { database, url: None }
}

#[tauri::command]
pub fn advisor_checks(core: State<'_, Shipdeck>) -> Vec<CheckInfo> {
    core.advisor_checks()
}

#[tauri::command]
pub async fn advisor_run(
    core: State<'_, Shipdeck>,
    path: String,
    database: Option<String>,
    checks: Vec<String>,
    on_progress: Channel<ProgressEvent>,
) -> Result<AdvisorView> {
    core.advisor_run(
        &input::path(&path)?,
        &choice(database),
        &checks,
        AdvisorOptions::default(),
        Arc::new(ChannelSink(on_progress)),
    )
    .await
}

#[tauri::command]
pub async fn advisor_latest(
    core: State<'_, Shipdeck>,
    path: String,
    database: Option<String>,
) -> Result<Option<AdvisorView>> {
    core.advisor_latest(&input::path(&path)?, &choice(database)).await
}

#[tauri::command]
pub async fn advisor_suggest(
    core: State<'_, Shipdeck>,
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

#[tauri::command]
pub async fn advisor_accept(
    core: State<'_, Shipdeck>,
    path: String,
    database: Option<String>,
    key: String,
) -> Result<AcceptedFinding> {
    core.advisor_accept(&input::path(&path)?, &choice(database), &key)
        .await
}

#[tauri::command]
pub async fn advisor_dismiss(
    core: State<'_, Shipdeck>,
    path: String,
    database: Option<String>,
    key: String,
    reason: String,
) -> Result<()> {
    core.advisor_dismiss(&input::path(&path)?, &choice(database), &key, &reason)
        .await
}

#[tauri::command]
pub async fn advisor_restore(
    core: State<'_, Shipdeck>,
    path: String,
    database: Option<String>,
    key: String,
) -> Result<bool> {
    core.advisor_restore(&input::path(&path)?, &choice(database), &key)
        .await
}

#[tauri::command]
pub async fn advisor_runs(
    core: State<'_, Shipdeck>,
    path: String,
    database: Option<String>,
) -> Result<Vec<AdvisorRun>> {
    core.advisor_runs(&input::path(&path)?, &choice(database), 200)
        .await
}

#[tauri::command]
pub async fn advisor_charts(
    core: State<'_, Shipdeck>,
    path: String,
    database: Option<String>,
    theme: Theme,
) -> Result<Vec<Chart>> {
    core.advisor_charts(&input::path(&path)?, &choice(database), theme)
        .await
}
