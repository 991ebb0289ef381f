use std::sync::Arc;
use std::time::Duration;

use shipdeck_core::api::{LintReport, MigrationDetail};
use shipdeck_core::charts::{Chart, Theme};
use shipdeck_core::jobs::ProgressEvent;
use shipdeck_core::migrations::create::CreatedMigration;
use shipdeck_core::migrations::run::{
    BaselineReport, DownTarget, MigrationStatus, RepairAction, RepairReport, RunOptions, RunReport,
};
use shipdeck_core::migrations::target::DatabaseInfo;
use shipdeck_core::store::MigrationRun;
use shipdeck_core::{DatabaseChoice, Error, Result, Shipdeck};
use tauri::ipc::Channel;
use tauri::State;

use super::ChannelSink;
use crate::input;

/// The app waits as long as the CLI does by default.
const LOCK_TIMEOUT: Duration = Duration::from_secs(30);

/// The app picks databases by name only; URLs come from shipdeck.toml.
fn choice(database: Option<String>) -> DatabaseChoice {
    DatabaseChoice { database, url: None }
}

fn options(dry_run: bool, expect: Option<String>) -> RunOptions {
    RunOptions {
        dry_run,
        lock_timeout: LOCK_TIMEOUT,
        ignore_missing: false,
        expect,
    }
}

#[tauri::command]
pub async fn migration_databases(core: State<'_, Shipdeck>, path: String) -> Result<Vec<DatabaseInfo>> {
    core.migration_databases(&input::path(&path)?).await
}

#[tauri::command]
pub async fn migrate_status(
    core: State<'_, Shipdeck>,
    path: String,
    database: Option<String>,
) -> Result<MigrationStatus> {
    core.migrate_status(&input::path(&path)?, &choice(database)).await
}

#[tauri::command]
pub async fn migrate_up(
    core: State<'_, Shipdeck>,
    path: String,
    database: Option<String>,
    to: Option<i64>,
    dry_run: bool,
    expect: Option<String>,
    on_progress: Channel<ProgressEvent>,
) -> Result<RunReport> {
    let sink = Arc::new(ChannelSink(on_progress));
    core.migrate_up(
        &input::path(&path)?,
        &choice(database),
        to,
        options(dry_run, expect),
        sink,
    )
    .await
}

#[tauri::command]
#[allow(clippy::too_many_arguments)]
pub async fn migrate_down(
    core: State<'_, Shipdeck>,
    path: String,
    database: Option<String>,
    steps: Option<usize>,
    to: Option<i64>,
    dry_run: bool,
    expect: Option<String>,
    on_progress: Channel<ProgressEvent>,
) -> Result<RunReport> {
    let how = match (steps, to) {
        (Some(_), Some(_)) => {
            return Err(Error::InvalidInput {
                field: "to",
                reason: "give steps or a version, not both".into(),
            })
        }
        (_, Some(v)) => DownTarget::To(v),
        (n, None) => DownTarget::Steps(n.unwrap_or(1)),
    };
    let sink = Arc::new(ChannelSink(on_progress));
    core.migrate_down(
        &input::path(&path)?,
        &choice(database),
        how,
        options(dry_run, expect),
        sink,
    )
    .await
}

#[tauri::command]
pub async fn migrate_create(
    core: State<'_, Shipdeck>,
    path: String,
    database: Option<String>,
    name: String,
    reversible: bool,
) -> Result<CreatedMigration> {
    core.migrate_create(&input::path(&path)?, database.as_deref(), &name, reversible)
        .await
}

#[tauri::command]
pub async fn migrate_lint(
    core: State<'_, Shipdeck>,
    path: String,
    database: Option<String>,
) -> Result<LintReport> {
    core.migrate_lint(&input::path(&path)?, &choice(database)).await
}

#[tauri::command]
pub async fn migrate_repair(
    core: State<'_, Shipdeck>,
    path: String,
    database: Option<String>,
    version: i64,
    action: RepairAction,
) -> Result<RepairReport> {
    core.migrate_repair(
        &input::path(&path)?,
        &choice(database),
        version,
        action,
        LOCK_TIMEOUT,
    )
    .await
}

#[tauri::command]
pub async fn migrate_baseline(
    core: State<'_, Shipdeck>,
    path: String,
    database: Option<String>,
    version: i64,
) -> Result<BaselineReport> {
    core.migrate_baseline(&input::path(&path)?, &choice(database), version, LOCK_TIMEOUT)
        .await
}

#[tauri::command]
pub async fn migrate_show(
    core: State<'_, Shipdeck>,
    path: String,
    database: Option<String>,
    version: i64,
) -> Result<MigrationDetail> {
    core.migrate_show(&input::path(&path)?, &choice(database), version)
        .await
}

#[tauri::command]
pub async fn migration_runs(
    core: State<'_, Shipdeck>,
    path: String,
    database: String,
) -> Result<Vec<MigrationRun>> {
    core.migration_runs(&input::path(&path)?, &database, 50).await
}

#[tauri::command]
pub async fn migration_chart(
    core: State<'_, Shipdeck>,
    path: String,
    database: Option<String>,
    theme: Theme,
) -> Result<Chart> {
    let status = core
        .migrate_status(&input::path(&path)?, &choice(database))
        .await?;
    core.migration_chart(&status, theme)
}
