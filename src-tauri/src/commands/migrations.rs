use std::sync::Arc;

use shipdeck_core::api::{CreateMigrationRequest, DownRequest, LintReport, MigrationDetail, RepairRequest};
use shipdeck_core::charts::{Chart, Theme};
use shipdeck_core::jobs::ProgressEvent;
use shipdeck_core::migrations::create::CreatedMigration;
use shipdeck_core::migrations::run::{
    BaselineReport, MigrationStatus, RepairReport, RunOptions, RunReport, DEFAULT_LOCK_TIMEOUT,
};
use shipdeck_core::migrations::target::DatabaseInfo;
use shipdeck_core::store::MigrationRun;
use shipdeck_core::{DatabaseChoice, Result, Shipdeck};
use tauri::ipc::Channel;

use super::ChannelSink;
use crate::input;

/// The app picks databases by name only; URLs come from shipdeck.toml.
fn choice(database: Option<String>) -> DatabaseChoice {
    DatabaseChoice { database, url: None }
}

fn options(dry_run: bool, expect: Option<String>) -> RunOptions {
    RunOptions {
        dry_run,
        lock_timeout: DEFAULT_LOCK_TIMEOUT,
        ignore_missing: false,
        expect,
    }
}

pub async fn migrations_databases(core: &Shipdeck, path: String) -> Result<Vec<DatabaseInfo>> {
    core.migration_databases(&input::path(&path)?).await
}

pub async fn migrations_status(
    core: &Shipdeck,
    path: String,
    database: Option<String>,
) -> Result<MigrationStatus> {
    core.migrate_status(&input::path(&path)?, &choice(database)).await
}

pub async fn migrations_up(
    core: &Shipdeck,
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

pub async fn migrations_down(
    core: &Shipdeck,
    path: String,
    request: DownRequest,
    on_progress: Channel<ProgressEvent>,
) -> Result<RunReport> {
    let sink = Arc::new(ChannelSink(on_progress));
    core.migrate_down(
        &input::path(&path)?,
        &choice(request.database),
        request.target,
        options(request.dry_run, request.expect),
        sink,
    )
    .await
}

pub async fn migrations_create(
    core: &Shipdeck,
    path: String,
    request: CreateMigrationRequest,
) -> Result<CreatedMigration> {
    let CreateMigrationRequest {
        database,
        name,
        reversible,
    } = request;
    core.migrate_create(&input::path(&path)?, database.as_deref(), &name, reversible)
        .await
}

pub async fn migrations_lint(core: &Shipdeck, path: String, database: Option<String>) -> Result<LintReport> {
    core.migrate_lint(&input::path(&path)?, &choice(database)).await
}

pub async fn migrations_repair(
    core: &Shipdeck,
    path: String,
    request: RepairRequest,
) -> Result<RepairReport> {
    core.migrate_repair(
        &input::path(&path)?,
        &choice(request.database),
        request.version,
        request.action,
        DEFAULT_LOCK_TIMEOUT,
    )
    .await
}

pub async fn migrations_baseline(
    core: &Shipdeck,
    path: String,
    database: Option<String>,
    version: i64,
) -> Result<BaselineReport> {
    core.migrate_baseline(
        &input::path(&path)?,
        &choice(database),
        version,
        DEFAULT_LOCK_TIMEOUT,
    )
    .await
}

pub async fn migrations_show(
    core: &Shipdeck,
    path: String,
    database: Option<String>,
    version: i64,
) -> Result<MigrationDetail> {
    core.migrate_show(&input::path(&path)?, &choice(database), version)
        .await
}

pub async fn migrations_runs(core: &Shipdeck, path: String, database: String) -> Result<Vec<MigrationRun>> {
    core.migration_runs(&input::path(&path)?, &database, 50).await
}

pub async fn migrations_chart(
    core: &Shipdeck,
    path: String,
    database: Option<String>,
    theme: Theme,
) -> Result<Chart> {
    let status = core
        .migrate_status(&input::path(&path)?, &choice(database))
        .await?;
    core.migration_chart(&status, theme)
}
