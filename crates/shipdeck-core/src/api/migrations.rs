//! The Migrations area's actions. Changes run as recorded jobs; every
//! apply, rollback, repair and baseline leaves a run in the store and an
//! audit entry naming the database by its masked URL.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use ts_rs::TS;

use super::record::{self, Event, MigrationAction, MigrationRecord, Records};
use super::Shipdeck;
use crate::charts::{self, Chart, Theme};
use crate::config::UrlSource;
use crate::error::{Error, Result};
use crate::jobs::{JobKind, JobOutput, ProgressSink};
use crate::migrations::create::{create, CreatedMigration};
use crate::migrations::lint::{lint_files, LintFinding, Severity};
use crate::migrations::literals::mask_literals;
use crate::migrations::run::{
    self, BaselineReport, ChecksumState, Direction, DownTarget, MigrationStatus, Outcome, RepairAction,
    RepairReport, RunOptions, RunReport,
};
use crate::migrations::target::{self, DatabaseInfo, DatabaseSpec, Target};
use crate::migrations::{read_dir, Engine, MigrationError};
use crate::store::MigrationRun;
use crate::workspace::Workspace;

/// Which database, and optionally a URL that overrides its configured one.
#[derive(Debug, Clone, Default, serde::Deserialize, TS)]
pub struct DatabaseChoice {
    /// A name under `[databases]`; the first one when absent.
    pub database: Option<String>,
    /// Overrides the configured URL (`--database-url`). Never recorded.
    pub url: Option<String>,
}

/// One migration's SQL, and how it differs from what was applied.
#[derive(Debug, Clone, Serialize, TS)]
pub struct MigrationDetail {
    #[ts(type = "number")]
    pub version: i64,
    pub description: String,
    pub file: Option<String>,
    pub up_sql: Option<String>,
    pub down_sql: Option<String>,
    pub checksum: ChecksumState,
    /// Unified diff from the applied SQL to the file, when it changed and
    /// the applied SQL is known. Literals are masked on both sides (`?`):
    /// an empty diff means only literal values changed.
    pub diff: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct LintReport {
    pub database: String,
    pub engine: Engine,
    pub files: usize,
    pub findings: Vec<LintFinding>,
    /// Findings of error severity (they fail `migrate lint`).
    pub errors: usize,
    pub warnings: usize,
}

fn run_outcome(error: &Option<Error>, dry_run: bool) -> record::Outcome {
    match error {
        None => record::Outcome::done(dry_run),
        Some(Error::Cancelled) => record::Outcome::Cancelled,
        Some(_) => record::Outcome::Failed,
    }
}

/// A migration run's record, with its audit entry when `audited`.
fn migration_records(
    target: &Target,
    action: MigrationAction,
    outcome: record::Outcome,
    versions: Vec<i64>,
    (detail, audit_detail): (serde_json::Value, Option<serde_json::Value>),
) -> Records {
    let records = Records::event(Event::Migration(MigrationRecord {
        database: target.name.clone(),
        url: target.display_url.clone(),
        action,
        outcome,
        versions,
        detail,
    }));
    match audit_detail {
        Some(d) => records.audited(action.audit(), d),
        None => records,
    }
}

impl Shipdeck {
    /// The URL a database spec points at, from the environment or keyring.
    async fn database_url(&self, ws: &Workspace, spec: &DatabaseSpec) -> Result<String> {
        let unavailable = |detail: String, hint: String| -> Error {
            MigrationError::UrlUnavailable {
                database: spec.name.clone(),
                detail,
                hint,
            }
            .into()
        };
        match &spec.source {
            UrlSource::Env(var) => std::env::var(var).map_err(|_| {
                unavailable(
                    format!("${var} is not set"),
                    format!("Export {var} with the database URL, or pass --database-url."),
                )
            }),
            UrlSource::Keyring(name) => self.secret_value(&ws.root, name).await?.ok_or_else(|| {
                unavailable(
                    format!("no credential named {name:?}"),
                    format!("Store the URL with `shipdeck secret set {name}`."),
                )
            }),
            UrlSource::Literal(url) => Ok(url.clone()),
        }
    }

    pub(crate) async fn target(&self, ws: &Workspace, choice: &DatabaseChoice) -> Result<Target> {
        let config = ws.config_owned()?;
        let spec = target::spec(config.as_ref(), choice.database.as_deref())?;
        let url = match &choice.url {
            Some(u) => u.clone(),
            None => self.database_url(ws, &spec).await?,
        };
        Target::new(&spec, &url, &ws.root)
    }

    /// The configured databases, and whether their URLs are available.
    pub async fn migration_databases(&self, path: &Path) -> Result<Vec<DatabaseInfo>> {
        let ws = self.workspace(path).await?;
        let config = ws.config_owned()?;
        let mut out = Vec::new();
        for spec in target::specs(config.as_ref()) {
            let resolved = match self.database_url(&ws, &spec).await {
                Ok(url) => Target::new(&spec, &url, &ws.root),
                Err(e) => Err(e),
            };
            out.push(match resolved {
                Ok(t) => DatabaseInfo {
                    name: spec.name,
                    engine: Some(t.engine),
                    url: Some(t.display_url),
                    folder: spec.folder,
                    problem: None,
                },
                Err(e) => DatabaseInfo {
                    name: spec.name,
                    engine: None,
                    url: None,
                    folder: spec.folder,
                    problem: Some(e.payload().message),
                },
            });
        }
        Ok(out)
    }

    /// Where the database stands. Reads only; records nothing.
    pub async fn migrate_status(&self, path: &Path, choice: &DatabaseChoice) -> Result<MigrationStatus> {
        let ws = self.workspace(path).await?;
        let target = self.target(&ws, choice).await?;
        run::status(&target).await
    }

    /// Applies pending migrations (up to `to`), or prints them (`dry_run`).
    pub async fn migrate_up(
        &self,
        path: &Path,
        choice: &DatabaseChoice,
        to: Option<i64>,
        opts: RunOptions,
        sink: Arc<dyn ProgressSink>,
    ) -> Result<RunReport> {
        let ws = self.registered(path).await?;
        let target = self.target(&ws, choice).await?;
        let t = target.clone();
        let dry_run = opts.dry_run;
        let outcome = self
            .run_job(&ws, JobKind::MigrateUp, sink, move |p| {
                tokio::runtime::Handle::current().block_on(run::up(&t, to, opts, Some(p)))
            })
            .await;
        self.finish_run(&ws, &target, dry_run, outcome).await
    }

    /// Rolls back the newest migrations (by steps, or down to a version that
    /// stays applied), or prints them (`dry_run`).
    pub async fn migrate_down(
        &self,
        path: &Path,
        choice: &DatabaseChoice,
        how: DownTarget,
        opts: RunOptions,
        sink: Arc<dyn ProgressSink>,
    ) -> Result<RunReport> {
        let ws = self.registered(path).await?;
        let target = self.target(&ws, choice).await?;
        let t = target.clone();
        let dry_run = opts.dry_run;
        let outcome = self
            .run_job(&ws, JobKind::MigrateDown, sink, move |p| {
                tokio::runtime::Handle::current().block_on(run::down(&t, how, opts, Some(p)))
            })
            .await;
        self.finish_run(&ws, &target, dry_run, outcome).await
    }

    async fn run_job<F>(
        &self,
        ws: &Workspace,
        kind: JobKind,
        sink: Arc<dyn ProgressSink>,
        work: F,
    ) -> Result<Outcome<RunReport>>
    where
        F: FnOnce(&crate::jobs::Progress) -> Result<Outcome<RunReport>> + Send + 'static,
    {
        // The job fails when the run fails, but the steps done before the
        // failure are still recorded: keep the report aside.
        let kept: Arc<std::sync::Mutex<Option<RunReport>>> = Arc::default();
        let keep = kept.clone();
        let result = self
            .jobs_ref()
            .run(Some(&ws.id), kind, sink, move |p| {
                let outcome = work(p)?;
                *keep.lock().unwrap_or_else(|e| e.into_inner()) = Some(outcome.report.clone());
                if let Some(e) = outcome.error {
                    return Err(e);
                }
                let r = outcome.report;
                let versions: Vec<String> = r.steps.iter().map(|s| s.version.to_string()).collect();
                let verb = match r.direction {
                    Direction::Up => "applied",
                    Direction::Down => "rolled back",
                };
                let summary = match (r.dry_run, versions.is_empty()) {
                    (_, true) => format!("{}: nothing to run", r.database),
                    (true, false) => format!("{}: dry run, would run {}", r.database, versions.join(", ")),
                    (false, false) => format!("{}: {verb} {}", r.database, versions.join(", ")),
                };
                Ok(JobOutput {
                    value: r,
                    summary,
                    result: None,
                })
            })
            .await;
        let report = kept.lock().unwrap_or_else(|e| e.into_inner()).take();
        match (result, report) {
            (Ok(report), _) => Ok(Outcome { report, error: None }),
            (Err(e), Some(report)) => Ok(Outcome {
                report,
                error: Some(e),
            }),
            (Err(e), None) => Err(e),
        }
    }

    async fn finish_run(
        &self,
        ws: &Workspace,
        target: &Target,
        dry_run: bool,
        outcome: Result<Outcome<RunReport>>,
    ) -> Result<RunReport> {
        let (report, error) = match outcome {
            Ok(o) => (Some(o.report), o.error),
            Err(e) => (None, Some(e)),
        };
        let action = match report.as_ref().map(|r| r.direction) {
            Some(Direction::Down) => MigrationAction::Down,
            _ => MigrationAction::Up,
        };
        let versions: Vec<i64> = report
            .iter()
            .flat_map(|r| r.steps.iter().map(|s| s.version))
            .collect();
        let detail = serde_json::json!({
            "steps": report.iter().flat_map(|r| r.steps.iter().map(|s| serde_json::json!({
                "version": s.version, "description": s.description, "execution_ms": s.execution_ms,
            }))).collect::<Vec<_>>(),
            "error": error.as_ref().map(Error::payload),
        });
        let outcome = run_outcome(&error, dry_run);
        let audit = (!dry_run && (!versions.is_empty() || error.is_some())).then(|| {
            serde_json::json!({ "database": target.name, "url": target.display_url, "outcome": outcome.as_str(), "versions": versions, "error": detail["error"] })
        });
        self.write_records(
            ws,
            migration_records(target, action, outcome, versions, (detail, audit)),
        )
        .await?;
        if let Some(r) = &report {
            if !dry_run && r.direction == Direction::Up {
                self.keep_applied_sql(r, target.engine).await;
            }
        }
        match (report, error) {
            (Some(r), None) => Ok(r),
            (_, Some(e)) => Err(e),
            (None, None) => Err(Error::Internal("a run ended without a report".into())),
        }
    }

    /// Keeps what `migrate show` diffs an edited file against: the applied
    /// SQL with its literals masked (a migration may set a password), keyed
    /// by the checksum of the file as it was.
    async fn keep_applied_sql(&self, r: &RunReport, engine: Engine) {
        let rows: Vec<(String, String)> = r
            .steps
            .iter()
            .map(|s| {
                (
                    hex::encode(crate::migrations::files::checksum(s.sql.as_bytes())),
                    mask_literals(&s.sql, engine),
                )
            })
            .collect();
        if let Err(e) = self.store_ref().save_applied_sql(&rows).await {
            tracing::warn!(error = %e.payload().message, "applied SQL not kept");
        }
    }

    /// Resolves a dirty migration, or accepts an edited file.
    pub async fn migrate_repair(
        &self,
        path: &Path,
        choice: &DatabaseChoice,
        version: i64,
        action: RepairAction,
        lock_timeout: Duration,
    ) -> Result<RepairReport> {
        let ws = self.registered(path).await?;
        let target = self.target(&ws, choice).await?;
        let result = run::repair(&target, version, action, lock_timeout).await;
        let detail = match &result {
            Ok(r) => serde_json::to_value(r).unwrap_or_default(),
            Err(e) => serde_json::json!({ "action": action, "error": e.payload() }),
        };
        self.record(
            &ws,
            &target,
            MigrationAction::Repair,
            result.is_ok(),
            &[version],
            detail,
        )
        .await?;
        result
    }

    /// Marks every migration up to `version` applied without running it.
    pub async fn migrate_baseline(
        &self,
        path: &Path,
        choice: &DatabaseChoice,
        version: i64,
        lock_timeout: Duration,
    ) -> Result<BaselineReport> {
        let ws = self.registered(path).await?;
        let target = self.target(&ws, choice).await?;
        let result = run::baseline(&target, version, lock_timeout).await;
        let (versions, detail) = match &result {
            Ok(r) => (r.versions.clone(), serde_json::json!({ "baseline": version })),
            Err(e) => (
                vec![version],
                serde_json::json!({ "baseline": version, "error": e.payload() }),
            ),
        };
        self.record(
            &ws,
            &target,
            MigrationAction::Baseline,
            result.is_ok(),
            &versions,
            detail,
        )
        .await?;
        result
    }

    async fn record(
        &self,
        ws: &Workspace,
        target: &Target,
        action: MigrationAction,
        ok: bool,
        versions: &[i64],
        detail: serde_json::Value,
    ) -> Result<()> {
        let outcome = if ok {
            record::Outcome::Ok
        } else {
            record::Outcome::Failed
        };
        let audit = serde_json::json!({ "database": target.name, "url": target.display_url, "outcome": outcome.as_str(), "versions": versions, "detail": detail });
        let records = migration_records(target, action, outcome, versions.to_vec(), (detail, Some(audit)));
        self.write_records(ws, records).await
    }

    /// Writes a new migration from the template.
    pub async fn migrate_create(
        &self,
        path: &Path,
        database: Option<&str>,
        name: &str,
        reversible: bool,
    ) -> Result<CreatedMigration> {
        let ws = self.workspace(path).await?;
        let config = ws.config_owned()?;
        let spec = target::spec(config.as_ref(), database)?;
        // The engine only flavours the template; a URL that is not set yet
        // must not stop anyone from writing a migration.
        let engine = match self.database_url(&ws, &spec).await {
            Ok(url) => Engine::from_url(&url).ok(),
            Err(_) => None,
        };
        let folder = spec.folder_in(&ws.root)?;
        let name = name.to_string();
        tokio::task::spawn_blocking(move || {
            create(
                &folder,
                &spec.folder,
                &name,
                reversible,
                engine,
                chrono::Utc::now(),
            )
        })
        .await?
    }

    /// Lints every migration of a database for its engine.
    pub async fn migrate_lint(&self, path: &Path, choice: &DatabaseChoice) -> Result<LintReport> {
        let ws = self.workspace(path).await?;
        let config = ws.config_owned()?;
        let spec = target::spec(config.as_ref(), choice.database.as_deref())?;
        // Lint needs the engine, not a connection: take it from the URL when
        // available, else PostgreSQL (the richest rule set).
        let url = match &choice.url {
            Some(u) => Some(u.clone()),
            None => self.database_url(&ws, &spec).await.ok(),
        };
        let engine = url
            .and_then(|u| Engine::from_url(&u).ok())
            .unwrap_or(Engine::Postgres);
        let folder = spec.folder_in(&ws.root)?;
        let label = spec.folder.clone();
        let name = spec.name.clone();
        tokio::task::spawn_blocking(move || {
            let files = read_dir(&folder)?;
            let rel = |p: &Path| match p.file_name() {
                Some(n) => format!("{}/{}", label.trim_end_matches('/'), n.to_string_lossy()),
                None => p.display().to_string(),
            };
            let findings = lint_files(&files, engine, &rel);
            let errors = findings.iter().filter(|f| f.severity == Severity::Error).count();
            Ok(LintReport {
                database: name,
                engine,
                files: files.len(),
                errors,
                warnings: findings.len() - errors,
                findings,
            })
        })
        .await?
    }

    /// One migration's SQL, with a diff when the file changed after it was
    /// applied (and Shipdeck kept the applied SQL).
    pub async fn migrate_show(
        &self,
        path: &Path,
        choice: &DatabaseChoice,
        version: i64,
    ) -> Result<MigrationDetail> {
        let ws = self.workspace(path).await?;
        let target = self.target(&ws, choice).await?;
        let status = run::status(&target).await?;
        let row = status
            .migrations
            .iter()
            .find(|m| m.version == version)
            .ok_or(MigrationError::UnknownVersion { version })?;
        let folder = target.folder.clone();
        let files = tokio::task::spawn_blocking(move || read_dir(&folder)).await??;
        let file = files.into_iter().find(|f| f.version == version);
        let mut diff = None;
        if row.checksum == ChecksumState::Changed {
            if let (Some(f), Some(applied)) = (&file, self.applied_checksum(&target, version).await?) {
                if let Some(before) = self.store_ref().applied_sql(&applied).await? {
                    // The applied SQL is kept with its literals masked: mask
                    // the file the same way, so that only real edits show.
                    let now = mask_literals(&f.up_sql, target.engine);
                    diff = Some(
                        similar::TextDiff::from_lines(&before, &now)
                            .unified_diff()
                            .header("applied", "file")
                            .to_string(),
                    );
                }
            }
        }
        Ok(MigrationDetail {
            version,
            description: row.description.clone(),
            file: row.file.clone(),
            up_sql: file.as_ref().map(|f| f.up_sql.clone()),
            down_sql: file.and_then(|f| f.down_sql),
            checksum: row.checksum,
            diff,
        })
    }

    async fn applied_checksum(&self, target: &Target, version: i64) -> Result<Option<String>> {
        let Some(mut db) = crate::migrations::db::Db::connect(target, false).await? else {
            return Ok(None);
        };
        let rows = db.applied().await;
        db.close().await;
        Ok(rows?
            .into_iter()
            .find(|r| r.version == version)
            .map(|r| hex::encode(r.checksum)))
    }

    /// Recorded runs on one database, newest first.
    pub async fn migration_runs(&self, path: &Path, database: &str, limit: i64) -> Result<Vec<MigrationRun>> {
        let ws = self.workspace(path).await?;
        self.store_ref().migration_runs(&ws.id, database, limit).await
    }

    /// Durations of the applied migrations, in the order they ran.
    pub fn migration_chart(&self, status: &MigrationStatus, theme: Theme) -> Result<Chart> {
        charts::migration_durations(status, theme)
    }
}
