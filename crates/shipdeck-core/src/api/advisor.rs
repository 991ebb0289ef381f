//! The advisor's actions: run the checks on a configured database (a
//! recorded, cancellable job whose findings are stored), suggest an index
//! for one query, turn a finding into a linted migration, dismiss and
//! restore findings, and chart the stored runs.

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use serde::Serialize;
use ts_rs::TS;

use super::record::AuditAction;
use super::{DatabaseChoice, Shipdeck};
use crate::advisor::accept::{down_sql, migration_name, migration_sql};
use crate::advisor::inputs;
use crate::advisor::{self, AdvisorConfig, AdvisorError, AdvisorReport, Finding, RunRequest, Suggestion};
use crate::charts::{self, Chart, Theme};
use crate::error::{Error, Result};
use crate::jobs::{JobKind, JobOutput, ProgressSink};
use crate::migrations::create::{create, CreatedMigration};
use crate::migrations::lint::{lint_sql, LintFinding};
use crate::migrations::target::{DatabaseSpec, Target};
use crate::migrations::Engine;
use crate::store::{AdvisorRun, Dismissal, FindingHistory};
use crate::workspace::Workspace;

/// The advisor view's data: the newest run (fresh or stored) with each
/// finding's history and the dismissed findings.
#[derive(Debug, Clone, Serialize, TS)]
pub struct AdvisorView {
    #[serde(flatten)]
    pub report: AdvisorReport,
    /// The stored run; `None` when nothing was ever run.
    #[ts(type = "number | null")]
    pub run_id: Option<i64>,
    /// Unix milliseconds of the run.
    #[ts(type = "number | null")]
    pub at: Option<i64>,
    pub history: Vec<FindingHistory>,
    pub dismissals: Vec<Dismissal>,
}

/// A finding turned into a migration.
#[derive(Debug, Clone, Serialize, TS)]
pub struct AcceptedFinding {
    pub migration: CreatedMigration,
    /// The up file, relative to the workspace.
    pub file: String,
    pub sql: String,
    /// The migration lint's findings on the new file.
    pub lint: Vec<LintFinding>,
}

/// What the user allows a run or a suggestion to do beyond the defaults.
#[derive(Debug, Clone, Copy, Default)]
pub struct AdvisorOptions {
    /// PostgreSQL: plan statements that call functions owned by roles the
    /// advisor does not trust (the session stays read-only).
    pub allow_untrusted_functions: bool,
}

fn advisor_config(ws: &Workspace) -> Result<AdvisorConfig> {
    Ok(ws.config_or_default()?.advisor)
}

impl Shipdeck {
    async fn advisor_target(&self, path: &Path, choice: &DatabaseChoice) -> Result<(Workspace, Target)> {
        let ws = self.registered(path).await?;
        let target = self.target(&ws, choice).await?;
        Ok((ws, target))
    }

    /// The workspace and the configured database a choice names, without
    /// resolving its URL (stored runs are keyed by the name).
    /// Registers nothing: reads need no workspace row, and the actions that
    /// take a spec act on a stored run, which has one.
    async fn advisor_spec(&self, path: &Path, choice: &DatabaseChoice) -> Result<(Workspace, DatabaseSpec)> {
        let ws = self.workspace(path).await?;
        let spec = crate::migrations::target::spec(ws.config()?, choice.database.as_deref())?;
        Ok((ws, spec))
    }

    /// Every check, for `advisor checks` and the docs.
    pub fn advisor_checks(&self) -> Vec<advisor::CheckInfo> {
        advisor::checks()
    }

    /// Runs the checks as a recorded job, stores the run, and returns it
    /// without the dismissed findings.
    pub async fn advisor_run(
        &self,
        path: &Path,
        choice: &DatabaseChoice,
        checks: &[String],
        options: AdvisorOptions,
        sink: Arc<dyn ProgressSink>,
    ) -> Result<AdvisorView> {
        let (ws, target) = self.advisor_target(path, choice).await?;
        let config = advisor_config(&ws)?;
        let only = inputs::checks_for(target.engine, checks)?;
        let req = RunRequest {
            thresholds: config.thresholds.clone(),
            only: only.clone(),
            queries: inputs::workspace_queries(&ws.root, &config, target.engine),
            allow_untrusted_functions: options.allow_untrusted_functions,
        };
        let database = target.name.clone();
        let engine = target.engine;
        let mut report = self
            .jobs_ref()
            .run(Some(&ws.id), JobKind::AdvisorRun, sink, move |p| {
                let handle = tokio::runtime::Handle::current();
                let started = Instant::now();
                let total = only.len() as u64;
                let mut done = 0u64;
                let mut step = |id: &str| -> Result<()> {
                    if p.is_cancelled() {
                        return Err(Error::Cancelled);
                    }
                    done += 1;
                    p.report(done, Some(total), id);
                    Ok(())
                };
                let outcome = handle.block_on(async {
                    match engine {
                        Engine::Postgres => advisor::postgres::run(&target, &req, &mut step).await,
                        Engine::Mysql => advisor::mysql::run(&target, &req, &mut step).await,
                        Engine::Sqlite => advisor::sqlite::run(&target, &req, &mut step).await,
                    }
                })?;
                let mut findings = outcome.findings;
                findings
                    .sort_by(|a, b| (a.severity, &a.check, &a.table).cmp(&(b.severity, &b.check, &b.table)));
                let report = AdvisorReport {
                    database: target.name.clone(),
                    engine,
                    findings,
                    notices: outcome.notices,
                    dismissed: 0,
                    metrics: outcome.metrics,
                    checks: only,
                    duration_ms: started.elapsed().as_millis() as u64,
                };
                Ok(JobOutput {
                    summary: format!(
                        "{}: {} findings ({} checks)",
                        report.database,
                        report.findings.len(),
                        report.checks.len()
                    ),
                    result: None,
                    value: report,
                })
            })
            .await?;
        inputs::scrub(&mut report);
        let store = self.store_ref();
        let run_id = store.advisor_run(&ws.id, &report).await?;
        self.advisor_view(&ws, &database, report, run_id, Some(crate::store::now_ms()))
            .await
    }

    /// Filters dismissed findings out and adds history and dismissals.
    async fn advisor_view(
        &self,
        ws: &Workspace,
        database: &str,
        mut report: AdvisorReport,
        run_id: i64,
        at: Option<i64>,
    ) -> Result<AdvisorView> {
        let store = self.store_ref();
        let dismissals = store.advisor_dismissals(&ws.id, database).await?;
        let before = report.findings.len();
        report
            .findings
            .retain(|f| !dismissals.iter().any(|d| d.key == f.key));
        report.dismissed = before - report.findings.len();
        Ok(AdvisorView {
            report,
            run_id: Some(run_id),
            at,
            history: store.advisor_history(&ws.id, database).await?,
            dismissals,
        })
    }

    /// The newest stored run of a database, without running anything.
    pub async fn advisor_latest(&self, path: &Path, choice: &DatabaseChoice) -> Result<Option<AdvisorView>> {
        let (ws, spec) = self.advisor_spec(path, choice).await?;
        let store = self.store_ref();
        let runs = store.advisor_runs(&ws.id, &spec.name, 1).await?;
        let Some(run) = runs.into_iter().next() else {
            return Ok(None);
        };
        let Some((run_id, engine, mut findings)) = store.advisor_latest(&ws.id, &spec.name).await? else {
            return Ok(None);
        };
        findings.sort_by(|a, b| (a.severity, &a.check, &a.table).cmp(&(b.severity, &b.check, &b.table)));
        let report = AdvisorReport {
            database: spec.name.clone(),
            engine,
            findings,
            notices: run.notices,
            dismissed: 0,
            metrics: run.metrics,
            checks: run.checks,
            duration_ms: run.duration_ms as u64,
        };
        Ok(Some(
            self.advisor_view(&ws, &spec.name, report, run_id, Some(run.at))
                .await?,
        ))
    }

    /// The index that would help one query, with the plan's estimated cost
    /// before and after.
    pub async fn advisor_suggest(
        &self,
        path: &Path,
        choice: &DatabaseChoice,
        query: &str,
        options: AdvisorOptions,
    ) -> Result<Suggestion> {
        let (ws, target) = self.advisor_target(path, choice).await?;
        let t = advisor_config(&ws)?.thresholds;
        let query = query.to_string();
        // The planner's futures borrow the connection across awaits in a
        // way the compiler cannot prove Send; they run on a blocking thread
        // of their own, like the checks.
        let handle = tokio::runtime::Handle::current();
        tokio::task::spawn_blocking(move || {
            handle.block_on(async {
                match target.engine {
                    Engine::Postgres => {
                        advisor::postgres::suggest(&target, &query, &t, options.allow_untrusted_functions)
                            .await
                    }
                    Engine::Mysql => advisor::mysql::suggest(&target, &query, &t).await,
                    Engine::Sqlite => advisor::sqlite::suggest(&target, &query, &t).await,
                }
            })
        })
        .await?
    }

    /// The finding `key` of the newest run of a database.
    async fn stored_finding(&self, ws: &Workspace, database: &str, key: &str) -> Result<(Finding, Engine)> {
        let latest = self.store_ref().advisor_latest(&ws.id, database).await?;
        latest
            .and_then(|(_, engine, fs)| Some((fs.into_iter().find(|f| f.key == key)?, engine)))
            .ok_or_else(|| {
                AdvisorError::UnknownFinding {
                    database: database.into(),
                    key: key.into(),
                }
                .into()
            })
    }

    /// Writes a finding's fix as a new migration (named like `migrate
    /// create`), lints it, and returns both.
    pub async fn advisor_accept(
        &self,
        path: &Path,
        choice: &DatabaseChoice,
        key: &str,
    ) -> Result<AcceptedFinding> {
        let (ws, spec) = self.advisor_spec(path, choice).await?;
        let (finding, engine) = self.stored_finding(&ws, &spec.name, key).await?;
        if finding.fix_sql.is_none() || !finding.migration {
            return Err(AdvisorError::NoFix.into());
        }
        // Stored before tables were kept as (schema, name): its SQL was built
        // from text and is not trusted.
        if finding.relation.is_none() {
            return Err(AdvisorError::OutdatedFinding { key: key.into() }.into());
        }
        let sql = migration_sql(&finding, engine, &spec.name);
        let down = down_sql(&finding, engine);
        let folder = spec.folder_in(&ws.root)?;
        let label = spec.folder.clone();
        let name = migration_name(&finding);
        let root = ws.root.clone();
        let (migration, file) = {
            let sql = sql.clone();
            tokio::task::spawn_blocking(move || -> Result<(CreatedMigration, String)> {
                let created = create(
                    &folder,
                    &label,
                    &name,
                    down.is_some(),
                    Some(engine),
                    chrono::Utc::now(),
                )?;
                let up = created
                    .files
                    .iter()
                    .find(|f| !f.ends_with(".down.sql"))
                    .cloned()
                    .ok_or_else(|| Error::Internal("create wrote no up file".into()))?;
                std::fs::write(root.join(&up), &sql).map_err(Error::io("write", root.join(&up)))?;
                if let (Some(down), Some(path)) =
                    (down, created.files.iter().find(|f| f.ends_with(".down.sql")))
                {
                    std::fs::write(root.join(path), down).map_err(Error::io("write", root.join(path)))?;
                }
                Ok((created, up))
            })
            .await??
        };
        let in_tx = !sql.starts_with("-- shipdeck:no-transaction");
        let lint = lint_sql(&sql, engine, in_tx)
            .into_iter()
            .map(|mut l| {
                l.file = file.clone();
                l.version = migration.version;
                l
            })
            .collect();
        self.audit_entry(
            Some(&ws),
            AuditAction::AdvisorAccept,
            serde_json::json!({"database": spec.name, "check": finding.check, "key": key, "file": file}),
        )
        .await?;
        Ok(AcceptedFinding {
            migration,
            file,
            sql,
            lint,
        })
    }

    /// Hides a finding of a database from now on, with the reason.
    pub async fn advisor_dismiss(
        &self,
        path: &Path,
        choice: &DatabaseChoice,
        key: &str,
        reason: &str,
    ) -> Result<()> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(Error::InvalidInput {
                field: "reason",
                reason: "a dismissal needs a reason (why this finding does not apply)".into(),
            });
        }
        let (ws, spec) = self.advisor_spec(path, choice).await?;
        let (finding, _) = self.stored_finding(&ws, &spec.name, key).await?;
        self.store_ref()
            .advisor_dismiss(&ws.id, &spec.name, &finding, reason)
            .await?;
        self.audit_entry(
            Some(&ws),
            AuditAction::AdvisorDismiss,
            serde_json::json!({"database": spec.name, "check": finding.check, "key": key, "reason": reason}),
        )
        .await
    }

    /// Shows a dismissed finding again.
    pub async fn advisor_restore(&self, path: &Path, choice: &DatabaseChoice, key: &str) -> Result<bool> {
        let (ws, spec) = self.advisor_spec(path, choice).await?;
        self.store_ref().advisor_restore(&ws.id, &spec.name, key).await
    }

    /// Stored runs of a database, newest first.
    pub async fn advisor_runs(
        &self,
        path: &Path,
        choice: &DatabaseChoice,
        limit: i64,
    ) -> Result<Vec<AdvisorRun>> {
        let (ws, spec) = self.advisor_spec(path, choice).await?;
        self.store_ref().advisor_runs(&ws.id, &spec.name, limit).await
    }

    /// Slow-query mean time and calls over time, cache-hit trend and table
    /// sizes, from the stored runs.
    pub async fn advisor_charts(
        &self,
        path: &Path,
        choice: &DatabaseChoice,
        theme: Theme,
    ) -> Result<Vec<Chart>> {
        let runs = self.advisor_runs(path, choice, 200).await?;
        charts::advisor::charts(&runs, theme)
    }
}
