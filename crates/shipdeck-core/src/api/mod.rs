//! The API layer: one method per user action, plain serde types in and out.
//! The Tauri commands and the CLI are one-line calls into [`Shipdeck`].
//! Areas add their methods in their own files (`releases.rs`, …).

mod advisor;
mod audit;
mod benchmarks;
mod blueprints;
mod bundle;
mod coverage;
mod coverage_history;
mod dependencies;
mod dependencies_labels;
mod docs;
mod docs_check;
mod environments;
mod identity;
mod migrations;
mod readiness;
mod record;
mod releases;
mod requests;
mod rollback;
mod security;
mod security_sarif;
mod store;

pub use advisor::{AcceptedFinding, AdvisorOptions, AdvisorView};
pub use audit::{audit_csv, audit_json, parse_date, AuditError, AuditExportFormat, CSV_HEADER};
pub use benchmarks::{BenchRunView, CompareReport};
pub use blueprints::{BlueprintList, BlueprintRequest};
pub use bundle::{BundleHistoryEntry, BundleView, BundleViewRequest};
pub use coverage_history::CoverageView;
pub use docs::SchemaDoc;
pub use docs_check::DocsCheckRequest;
pub use environments::{HealthReport, ParityView};
pub use migrations::{DatabaseChoice, LintReport, MigrationDetail};
pub use readiness::{ReadinessReportFormat, ReadinessReportRequest};
pub use releases::ReleaseHistory;
pub use requests::{
    AdvisorRunRequest, CreateMigrationRequest, DismissRequest, DownRequest, EnvRunKind, HttpLoad,
    PublishRequest, RepairRequest,
};
pub use rollback::{rollback_summary, RollbackPlanRequest, RollbackRunRequest};
pub use security_sarif::{
    SarifFileImport, SarifFilter, SarifImportSummary, SarifList, SarifRow, SarifStatus, SarifToolState,
};
pub use store::{ImportReport, MigrateToReport};

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;
use ts_rs::TS;

use crate::charts::{self, Chart, Theme};
use crate::demo::{self, DemoOptions, DemoSummary};
use crate::error::{Error, Result};
use crate::jobs::{JobKind, JobOutput, JobRecord, JobRegistry, JobRunner, ProgressSink, RunningJob};
use crate::logs::{read_logs, LogLine, LogQuery};
use crate::secrets::{validate_name, Backend, Keyring};
use crate::store::{RecentWorkspace, Store};
use crate::workspace::{scan_history, HistoryStats, Workspace, WorkspaceInfo};
use record::AuditAction;

pub const DATA_DIR_ENV: &str = "SHIPDECK_DATA_DIR";
const LAST_WORKSPACE: &str = "last_workspace";

/// Where Shipdeck keeps its own files.
#[derive(Debug, Clone)]
pub struct Paths {
    pub data_dir: PathBuf,
}

impl Paths {
    /// `explicit`, else `$SHIPDECK_DATA_DIR`, else the OS data folder
    /// (`~/.local/share/shipdeck` on Linux).
    pub fn resolve(explicit: Option<PathBuf>) -> Result<Paths> {
        let data_dir = explicit
            .or_else(|| {
                std::env::var_os(DATA_DIR_ENV)
                    .filter(|v| !v.is_empty())
                    .map(PathBuf::from)
            })
            .or_else(|| {
                directories::ProjectDirs::from("dev", "Shipdeck", "shipdeck")
                    .map(|d| d.data_dir().to_path_buf())
            })
            .ok_or_else(|| Error::Internal("no home folder: set SHIPDECK_DATA_DIR".into()))?;
        Ok(Paths { data_dir })
    }

    pub fn logs_dir(&self) -> PathBuf {
        self.data_dir.join("logs")
    }

    pub fn demo_dir(&self) -> PathBuf {
        self.data_dir.join("demo-workspace")
    }
}

/// A credential as listed: its name, never its value.
#[derive(Debug, Clone, Serialize, TS)]
pub struct CredentialInfo {
    pub name: String,
    pub updated_at: i64,
    /// False when the keyring no longer holds it (removed outside Shipdeck).
    pub present: bool,
}

/// HEAD's commit, branch and the release tags pointing at it: where a
/// recorded run (benchmark, coverage, bundle) measured. Empty outside a
/// repository or before its first commit.
pub(super) fn commit_context(ws: &Workspace) -> crate::store::CommitContext {
    let mut ctx = crate::store::CommitContext::default();
    let Ok(repo) = ws.repo() else { return ctx };
    let Ok(head) = repo.head() else { return ctx };
    ctx.branch = head.shorthand().filter(|b| *b != "HEAD").map(str::to_string);
    let Ok(commit) = head.peel_to_commit() else {
        return ctx;
    };
    ctx.commit_sha = Some(commit.id().to_string());
    ctx.tags = shipdeck_git::tags_at(&repo, commit.id()).unwrap_or_default();
    ctx
}

fn plural(n: u64, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

pub(crate) async fn open_workspace(path: &Path) -> Result<Workspace> {
    let path = path.to_path_buf();
    tokio::task::spawn_blocking(move || Workspace::open(&path)).await?
}

/// Reads a workspace's state; needs no store, changes nothing. Its id is
/// the repository's identity, found without the cache of a data folder.
pub async fn workspace_info(path: &Path) -> Result<WorkspaceInfo> {
    let mut ws = open_workspace(path).await?;
    tokio::task::spawn_blocking(move || {
        ws.id = identity::identity(&ws, None);
        WorkspaceInfo::read(&ws)
    })
    .await?
}

#[derive(Clone)]
pub struct Shipdeck {
    paths: Paths,
    store: Store,
    jobs: JobRunner,
    keyring: Keyring,
    /// The desktop app acts only on folders the user opened in it: a
    /// webview that was tricked into naming another folder gets an error.
    opened_only: bool,
}

impl Shipdeck {
    pub(crate) fn store_ref(&self) -> &Store {
        &self.store
    }

    pub(crate) fn jobs_ref(&self) -> &JobRunner {
        &self.jobs
    }
}

impl Shipdeck {
    pub async fn open(paths: Paths) -> Result<Shipdeck> {
        let keyring = Keyring::new(Backend::from_env()?);
        // Opened by the first call that needs it.
        let store = Store::lazy(&paths.data_dir);
        let jobs = JobRunner::new(store.clone(), JobRegistry::default());
        Ok(Shipdeck {
            paths,
            store,
            jobs,
            keyring,
            opened_only: false,
        })
    }

    /// Opens the store now instead of at its first use, so that a store that
    /// cannot be opened is reported at start (the desktop app).
    pub async fn open_store(&self) -> Result<()> {
        self.store.db().await.map(|_| ())
    }

    /// From now on, every call naming a workspace must name one the user
    /// opened with [`Shipdeck::workspace_open`] (and did not forget).
    pub fn only_opened_workspaces(mut self) -> Shipdeck {
        self.opened_only = true;
        self
    }

    pub fn paths(&self) -> &Paths {
        &self.paths
    }

    pub fn keyring(&self) -> Keyring {
        self.keyring
    }

    pub(crate) async fn workspace(&self, path: &Path) -> Result<Workspace> {
        let ws = self.identified(path).await?;
        if self.opened_only && !self.store.is_opened_workspace(&ws.id).await? {
            return Err(Error::WorkspaceNotOpened { path: ws.root });
        }
        Ok(ws)
    }

    /// The workspace at `path` under its repository's identity; history the
    /// store holds under its path id moves to it the first time.
    async fn identified(&self, path: &Path) -> Result<Workspace> {
        let ws = open_workspace(path).await?;
        let data_dir = self.paths.data_dir.clone();
        let (mut ws, id) = tokio::task::spawn_blocking(move || {
            let id = identity::identity(&ws, Some(&data_dir));
            (ws, id)
        })
        .await?;
        let path_id = std::mem::replace(&mut ws.id, id);
        identity::adopt(&self.store, self.keyring, &path_id, &ws.id).await?;
        Ok(ws)
    }

    pub(crate) async fn registered(&self, path: &Path) -> Result<Workspace> {
        let ws = self.workspace(path).await?;
        self.store
            .upsert_workspace(&ws.id, &ws.root.display().to_string(), &ws.name, false)
            .await?;
        Ok(ws)
    }

    // ---- workspace ----------------------------------------------------

    /// Reads a workspace's state without recording anything.
    pub async fn workspace_info(&self, path: &Path) -> Result<WorkspaceInfo> {
        let ws = self.identified(path).await?;
        tokio::task::spawn_blocking(move || WorkspaceInfo::read(&ws)).await?
    }

    /// Opens a workspace in the app: reads it and remembers it as recent
    /// and as the one to reopen on the next start.
    pub async fn workspace_open(&self, path: &Path) -> Result<WorkspaceInfo> {
        let info = self.workspace_info(path).await?;
        self.store
            .upsert_workspace(&info.id, &info.root, &info.name, true)
            .await?;
        self.store.set_setting(LAST_WORKSPACE, &info.root).await?;
        tracing::info!(workspace = %info.root, "workspace opened");
        Ok(info)
    }

    /// The workspace to reopen on start, if it still exists.
    pub async fn workspace_last(&self) -> Result<Option<PathBuf>> {
        Ok(self
            .store
            .setting(LAST_WORKSPACE)
            .await?
            .map(PathBuf::from)
            .filter(|p| p.is_dir()))
    }

    pub async fn workspace_recent(&self) -> Result<Vec<RecentWorkspace>> {
        self.store.recent_workspaces(12).await
    }

    pub async fn workspace_forget(&self, id: &str) -> Result<()> {
        self.store.forget_workspace(id).await
    }

    /// The history scan, as a recorded, cancellable job.
    pub async fn workspace_scan(&self, path: &Path, sink: Arc<dyn ProgressSink>) -> Result<HistoryStats> {
        let ws = self.registered(path).await?;
        let id = ws.id.clone();
        self.jobs
            .run(Some(&id), JobKind::WorkspaceScan, sink, move |progress| {
                let repo = ws.repo()?;
                let stats = scan_history(&repo, progress, chrono::Utc::now())?;
                let summary = format!(
                    "{} by {}",
                    plural(stats.commits, "commit"),
                    plural(stats.authors, "author")
                );
                let result = serde_json::to_value(&stats).ok();
                Ok(JobOutput {
                    value: stats,
                    summary,
                    result,
                })
            })
            .await
    }

    /// The newest stored scan, for an instant Overview before a new one ends.
    pub async fn workspace_last_scan(&self, path: &Path) -> Result<Option<HistoryStats>> {
        let ws = self.workspace(path).await?;
        let raw = self.store.last_result(&ws.id, JobKind::WorkspaceScan).await?;
        Ok(raw.and_then(|v| serde_json::from_value(v).ok()))
    }

    pub fn workspace_chart(&self, stats: &HistoryStats, theme: Theme) -> Result<Chart> {
        charts::commits_per_week(&stats.weekly, theme)
    }

    // ---- activity -----------------------------------------------------

    pub async fn activity(&self, path: Option<&Path>, limit: i64) -> Result<Vec<JobRecord>> {
        let id = match path {
            Some(p) => Some(self.workspace(p).await?.id),
            None => None,
        };
        self.store.jobs(id.as_deref(), limit.clamp(1, 1000)).await
    }

    /// Who changed what (releases, migrations, credentials), newest first.
    pub async fn audit(&self, path: Option<&Path>, limit: i64) -> Result<Vec<crate::store::AuditEntry>> {
        let id = match path {
            Some(p) => Some(self.workspace(p).await?.id),
            None => None,
        };
        self.store.audit_log(id.as_deref(), limit.clamp(1, 1000)).await
    }

    pub fn running_jobs(&self) -> Vec<RunningJob> {
        self.jobs.registry().running()
    }

    pub fn cancel_job(&self, id: i64) -> Result<()> {
        self.jobs.registry().cancel(id)
    }

    // ---- logs ---------------------------------------------------------

    pub fn logs(&self, query: &LogQuery) -> Result<Vec<LogLine>> {
        read_logs(&self.paths.logs_dir(), query)
    }

    // ---- credentials --------------------------------------------------

    pub async fn secret_set(&self, path: &Path, name: &str, value: String) -> Result<()> {
        validate_name(name)?;
        let ws = self.registered(path).await?;
        let (keyring, id, n) = (self.keyring, ws.id.clone(), name.to_string());
        tokio::task::spawn_blocking(move || keyring.set(&id, &n, &value)).await??;
        self.store.put_credential_name(&ws.id, name).await?;
        self.audit_entry(
            Some(&ws),
            AuditAction::SecretSet,
            serde_json::json!({ "name": name }),
        )
        .await?;
        tracing::info!(name, "credential stored");
        Ok(())
    }

    pub async fn secret_list(&self, path: &Path) -> Result<Vec<CredentialInfo>> {
        let ws = self.workspace(path).await?;
        let names = self.store.credential_names(&ws.id).await?;
        let keyring = self.keyring;
        let id = ws.id.clone();
        tokio::task::spawn_blocking(move || {
            names
                .into_iter()
                .map(|(name, updated_at)| {
                    let present = keyring.get(&id, &name)?.is_some();
                    Ok(CredentialInfo {
                        name,
                        updated_at,
                        present,
                    })
                })
                .collect()
        })
        .await?
    }

    pub async fn secret_rm(&self, path: &Path, name: &str) -> Result<()> {
        validate_name(name)?;
        let ws = self.registered(path).await?;
        let (keyring, id, n) = (self.keyring, ws.id.clone(), name.to_string());
        let existed_in_keyring = tokio::task::spawn_blocking(move || {
            let existed = keyring.get(&id, &n)?.is_some();
            keyring.delete(&id, &n)?;
            Ok::<_, Error>(existed)
        })
        .await??;
        let existed_in_store = self.store.delete_credential_name(&ws.id, name).await?;
        if !existed_in_keyring && !existed_in_store {
            return Err(Error::CredentialNotFound { name: name.into() });
        }
        self.audit_entry(
            Some(&ws),
            AuditAction::SecretRm,
            serde_json::json!({ "name": name }),
        )
        .await?;
        tracing::info!(name, "credential removed");
        Ok(())
    }

    /// A credential's value, for Shipdeck's own use (database URLs, tokens).
    /// The value is registered with the redactor.
    pub async fn secret_value(&self, path: &Path, name: &str) -> Result<Option<String>> {
        let ws = self.workspace(path).await?;
        let (keyring, n) = (self.keyring, name.to_string());
        tokio::task::spawn_blocking(move || keyring.get(&ws.id, &n)).await?
    }

    // ---- demo ---------------------------------------------------------

    pub async fn demo_create(&self, dir: &Path, options: DemoOptions) -> Result<DemoSummary> {
        let dir = dir.to_path_buf();
        let summary = tokio::task::spawn_blocking(move || demo::create(&dir, &options)).await??;
        self.audit_entry(
            None,
            AuditAction::DemoCreate,
            serde_json::json!({ "root": summary.root, "head": summary.head }),
        )
        .await?;
        Ok(summary)
    }

    /// The demo workspace in the data folder, created on first use.
    pub async fn demo_default(&self) -> Result<PathBuf> {
        let dir = self.paths.demo_dir();
        if dir.join(".git").is_dir() {
            return Ok(dir);
        }
        let summary = self.demo_create(&dir, DemoOptions::default()).await?;
        Ok(PathBuf::from(summary.root))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_app_acts_only_on_workspaces_the_user_opened() {
        let data = tempfile::tempdir().unwrap();
        let ws = tempfile::tempdir().unwrap();
        git2::Repository::init(ws.path()).unwrap();
        let paths = Paths::resolve(Some(data.path().to_path_buf())).unwrap();
        let core = Shipdeck::open(paths).await.unwrap().only_opened_workspaces();
        let err = core.migration_databases(ws.path()).await.unwrap_err();
        assert_eq!(err.code(), "workspace.not_opened");
        assert!(
            err.hint().unwrap().contains("Open the folder"),
            "{:?}",
            err.hint()
        );
        let id = core.workspace_open(ws.path()).await.unwrap().id;
        assert!(core.migration_databases(ws.path()).await.is_ok());
        core.workspace_forget(&id).await.unwrap();
        let err = core.migration_databases(ws.path()).await.unwrap_err();
        assert_eq!(err.code(), "workspace.not_opened");
    }
}
