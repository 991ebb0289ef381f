//! Which store holds the history, and copying history between stores:
//! `store use`, `store migrate-to`, `store export`, `store import`.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use serde::Serialize;

use super::Shipdeck;
use crate::error::{Error, Result};
use crate::jobs::{JobKind, JobOutput, ProgressSink};
use crate::store::copy::{self, CopyReport, ExportSummary, Source, StoreError, TableCount};
use crate::store::{settings, Location, Store, StoreStatus, DB_FILE};

/// What `store migrate-to` copied.
#[derive(Debug, Clone, Serialize)]
pub struct MigrateToReport {
    pub source_store: String,
    /// The target's URL without its password.
    pub target: String,
    pub tables: BTreeMap<String, TableCount>,
    /// The settings are unchanged: what to run to use the target.
    pub next: String,
}

/// What `store import` copied into the current store.
#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    pub source_store: String,
    pub tables: BTreeMap<String, TableCount>,
}

fn shared_url(url: &str) -> Result<String> {
    crate::secrets::register_secret(url);
    let url = url.trim();
    if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
        return Err(Error::InvalidInput {
            field: "store URL",
            reason: format!(
                "{}: a shared store is a PostgreSQL database (postgres://user@host/db)",
                crate::migrations::target::display_url(url)
            ),
        });
    }
    Ok(url.to_string())
}

impl Shipdeck {
    /// Makes the PostgreSQL store at `url` this data dir's store (password
    /// to the keyring), then opens it, which brings its schema up to date.
    pub async fn store_use(&self, url: &str) -> Result<StoreStatus> {
        let url = shared_url(url)?;
        let data_dir = self.paths.data_dir.clone();
        tokio::task::spawn_blocking(move || settings::use_shared(&data_dir, &url)).await??;
        Ok(Store::lazy(&self.paths.data_dir).status().await)
    }

    /// Copies this data dir's SQLite history (whatever the settings say)
    /// into the PostgreSQL store at `url`. The settings stay as they are.
    pub async fn store_migrate_to(&self, url: &str, sink: Arc<dyn ProgressSink>) -> Result<MigrateToReport> {
        let url = shared_url(url)?;
        let file = self.paths.data_dir.join(DB_FILE);
        if !file.is_file() {
            return Err(StoreError::NoLocalHistory {
                path: file.display().to_string(),
            }
            .into());
        }
        let source = Store::at(Location::Local {
            data_dir: self.paths.data_dir.clone(),
        });
        let target = Store::at(Location::Shared {
            url: url.clone(),
            keyring: false,
        });
        target.db().await?;
        let report = self.copy_job(source, target, sink).await?;
        let shown = crate::migrations::target::display_url(&url);
        Ok(MigrateToReport {
            source_store: report.source_store,
            next: format!("run `shipdeck store use {shown}` to use it"),
            target: shown,
            tables: report.tables,
        })
    }

    /// Writes every table of the current store to `out` as JSON.
    pub async fn store_export(
        &self,
        mut out: Box<dyn Write + Send>,
        sink: Arc<dyn ProgressSink>,
    ) -> Result<ExportSummary> {
        let store = self.store.clone();
        self.jobs
            .run_unrecorded(None, JobKind::StoreCopy, sink, move |p| {
                let summary =
                    tokio::runtime::Handle::current().block_on(copy::export(&store, &mut out, p))?;
                Ok(JobOutput {
                    summary: format!("exported store {}", summary.store_id),
                    result: None,
                    value: summary,
                })
            })
            .await
    }

    /// Imports a `store export` file into the current store; rows already
    /// imported from the same store are skipped.
    pub async fn store_import(&self, file: &Path, sink: Arc<dyn ProgressSink>) -> Result<ImportReport> {
        let path = file.to_path_buf();
        let doc = tokio::task::spawn_blocking(move || {
            let input = std::fs::File::open(&path).map_err(Error::io("read", &path))?;
            copy::read_export(input)
        })
        .await??;
        let store = self.store.clone();
        let report = self
            .jobs
            .run_unrecorded(None, JobKind::StoreCopy, sink, move |p| {
                let report = tokio::runtime::Handle::current().block_on(store.import(&doc, p))?;
                Ok(JobOutput {
                    summary: format!("imported {} rows", report.copied()),
                    result: None,
                    value: report,
                })
            })
            .await?;
        Ok(ImportReport {
            source_store: report.source_store,
            tables: report.tables,
        })
    }

    async fn copy_job(
        &self,
        source: Store,
        target: Store,
        sink: Arc<dyn ProgressSink>,
    ) -> Result<CopyReport> {
        self.jobs
            .run_unrecorded(None, JobKind::StoreCopy, sink, move |p| {
                let report = tokio::runtime::Handle::current().block_on(copy::copy(
                    &Source::Store(&source),
                    &target,
                    p,
                ))?;
                Ok(JobOutput {
                    summary: format!("copied {} rows", report.copied()),
                    result: None,
                    value: report,
                })
            })
            .await
    }
}
