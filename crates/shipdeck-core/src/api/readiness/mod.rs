//! `ready`: the release readiness gate over every area, run as one job
//! (the areas concurrently, progress per area, cancel), stored with its
//! details; the history of gate runs; the HTML/PDF report of a run.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use serde::Deserialize;
use ts_rs::TS;

use super::Shipdeck;
use crate::config::{CheckLevel, Config};
use crate::error::Result;
use crate::jobs::{CancellationToken, JobKind, JobOutput, Progress, ProgressSink};
use crate::readiness::areas;
use crate::readiness::gate::{self, level_name};
use crate::readiness::{
    Area, AreaDetails, Candidate, Check, ReadinessError, ReadinessHistoryEntry, ReadinessReport,
    ReadinessRun, Verdict,
};
use crate::releases::{plan, NoCache, PlanRequest};
use crate::workspace::Workspace;

mod artifacts;
mod operations;
mod report;
mod run;

/// Stored runs a history shows, at most.
const HISTORY_LIMIT: i64 = 500;

/// What every area's check gets: the core (for the store and the areas'
/// own option builders), the workspace at HEAD, its configuration, and the
/// gate's cancellation token.
pub(super) struct GateContext {
    pub core: Shipdeck,
    pub ws: Workspace,
    pub config: Config,
    pub token: CancellationToken,
}

/// The report's file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ReadinessReportFormat {
    Html,
    Pdf,
}

/// What the Readiness view asks for when it exports a stored run.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct ReadinessReportRequest {
    pub run_id: i64,
    pub format: ReadinessReportFormat,
    /// Absolute path of the file to write.
    pub file: String,
}

impl Shipdeck {
    /// Runs every area's check for the candidate at HEAD as one recorded
    /// job (the areas concurrently, progress per area, cancel) and stores
    /// the run. `[readiness.checks]` naming an unknown area stops it.
    pub async fn readiness_gate(&self, path: &Path, sink: Arc<dyn ProgressSink>) -> Result<ReadinessRun> {
        let ws = self.registered(path).await?;
        let config = ws.config_or_default()?;
        let levels = gate::levels(&config.readiness.checks)?;
        let cx = GateContext {
            core: self.clone(),
            ws: ws.clone(),
            config,
            token: CancellationToken::new(),
        };
        let at = crate::store::now_ms();
        let started = Instant::now();
        let mut run = self
            .jobs_ref()
            .run(Some(&ws.id), JobKind::ReadinessGate, sink, move |p| {
                let cx = GateContext {
                    token: p.cancellation(),
                    ..cx
                };
                let run = tokio::runtime::Handle::current().block_on(gate_run(&cx, &levels, p))?;
                Ok(JobOutput {
                    summary: gate::summary(&run.report.checks),
                    result: serde_json::to_value(&run.report).ok(),
                    value: run,
                })
            })
            .await?;
        run.at = at;
        run.duration_ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
        run.id = self.store_ref().readiness_save(&ws.id, &run).await?;
        Ok(run)
    }

    /// Stored gate runs, newest first (at most `limit`, and 500).
    pub async fn readiness_history(&self, path: &Path, limit: i64) -> Result<Vec<ReadinessHistoryEntry>> {
        let ws = self.workspace(path).await?;
        self.store_ref()
            .readiness_runs(&ws.id, limit.clamp(0, HISTORY_LIMIT))
            .await
    }

    /// One stored run of this workspace, with its details.
    pub async fn readiness_run(&self, path: &Path, run_id: i64) -> Result<ReadinessRun> {
        let ws = self.workspace(path).await?;
        self.store_ref()
            .readiness_run(&ws.id, run_id)
            .await?
            .ok_or_else(|| ReadinessError::RunNotFound { id: run_id }.into())
    }

    /// Writes the self-contained report of `run` to `file` and returns it.
    pub async fn readiness_report(
        &self,
        path: &Path,
        run: &ReadinessRun,
        format: ReadinessReportFormat,
        file: &Path,
    ) -> Result<PathBuf> {
        self.write_readiness_report(path, run, format, file).await
    }
}

/// The candidate, then every area's check at once, weighed by its level.
async fn gate_run(
    cx: &GateContext,
    levels: &BTreeMap<Area, CheckLevel>,
    p: &Progress,
) -> Result<ReadinessRun> {
    let (root, config, token) = (cx.ws.root.clone(), cx.ws.config_owned()?, cx.token.clone());
    let (candidate, changelog) =
        tokio::task::spawn_blocking(move || candidate(&root, config.as_ref(), token)).await??;
    p.checkpoint()?;
    let checks: Vec<(Area, run::CheckFuture<'_>)> = Area::ALL
        .into_iter()
        .filter(|a| levels[a] != CheckLevel::Off)
        .map(|a| (a, check(cx, a)))
        .collect();
    let finished = run::gather(checks, run::CHECK_TIMEOUT, p).await?;
    let mut report = ReadinessReport {
        verdict: Verdict::Pass,
        candidate,
        checks: Vec::new(),
    };
    let mut details = Vec::new();
    for area in Area::ALL {
        let level = levels[&area];
        let (outcome, error) = match finished.iter().find(|f| f.area == area) {
            Some(f) => (gate::weigh(f.outcome.clone(), level), f.error.clone()),
            None => (gate::turned_off(), None),
        };
        report.checks.push(Check {
            area,
            status: outcome.status,
            summary: outcome.summary,
            command: command(cx, area),
        });
        details.push(AreaDetails {
            area,
            level: level_name(level).into(),
            lines: outcome.lines,
            error,
        });
    }
    report.verdict = Verdict::of(&report.checks);
    Ok(ReadinessRun {
        id: 0,
        at: 0,
        duration_ms: 0,
        report,
        details,
        changelog,
    })
}

fn check<'a>(cx: &'a GateContext, area: Area) -> run::CheckFuture<'a> {
    match area {
        Area::Releases => Box::pin(operations::releases(cx)),
        Area::Migrations => Box::pin(operations::migrations(cx)),
        Area::Advisor => Box::pin(operations::advisor(cx)),
        Area::Environments => Box::pin(operations::environments(cx)),
        Area::Benchmarks => Box::pin(operations::benchmarks(cx)),
        Area::Secrets => Box::pin(artifacts::secrets(cx)),
        Area::Vulnerabilities => Box::pin(artifacts::vulnerabilities(cx)),
        Area::Dependencies => Box::pin(artifacts::dependencies(cx)),
        Area::Coverage => Box::pin(artifacts::coverage(cx)),
        Area::Bundle => Box::pin(artifacts::bundle(cx)),
        Area::Docs => Box::pin(artifacts::docs(cx)),
    }
}

/// The command that shows an area's details. With one database, it is
/// named; with several, the command's default (the first) is left to the
/// user to change.
fn command(cx: &GateContext, area: Area) -> String {
    let dbs = operations::databases(cx);
    let database = match dbs.as_slice() {
        [one] if cx.config.databases.contains_key(one) => format!(" --database {one}"),
        _ => String::new(),
    };
    match area {
        Area::Releases => "shipdeck releases plan".into(),
        Area::Migrations => format!("shipdeck migrations status{database}"),
        Area::Advisor => format!("shipdeck advisor history{database}"),
        Area::Environments => "shipdeck environments health".into(),
        Area::Benchmarks => "shipdeck benchmarks history".into(),
        Area::Secrets => areas::secrets::COMMAND.into(),
        Area::Vulnerabilities => areas::vulnerabilities::COMMAND.into(),
        Area::Dependencies => areas::dependencies::COMMAND.into(),
        Area::Coverage => areas::coverage::COMMAND.into(),
        Area::Bundle => areas::bundle::COMMAND.into(),
        Area::Docs => areas::docs::COMMAND.into(),
    }
}

/// HEAD and the release plan's next version: one package's version, or
/// `name@x.y.z` of each releasing package joined with `, ` when there are
/// several; `None` when nothing is releasable. The changelog is every
/// releasing package's section.
fn candidate(
    root: &Path,
    config: Option<&Config>,
    token: CancellationToken,
) -> Result<(Candidate, Option<String>)> {
    let repo = git2::Repository::open(root)?;
    let commit = crate::workspace::head_commit(&repo)?
        .map(|c| c.to_string())
        .unwrap_or_default();
    let progress = Progress::detached(token);
    let plan = match plan(
        &repo,
        root,
        config,
        &PlanRequest::default(),
        &mut NoCache,
        Some(&progress),
    ) {
        Ok(plan) => plan,
        Err(e) if e.code() == "job.cancelled" => return Err(e),
        Err(e) => {
            tracing::debug!(error = %e.payload().message, "readiness: no release plan");
            return Ok((
                Candidate {
                    version: None,
                    commit,
                },
                None,
            ));
        }
    };
    let releasing: Vec<_> = plan
        .packages
        .iter()
        .filter_map(|p| Some((p, p.next_version.as_deref()?)))
        .collect();
    let version = match releasing.as_slice() {
        [] => None,
        [(_, v)] if plan.packages.len() == 1 => Some(v.to_string()),
        many => Some(
            many.iter()
                .map(|(p, v)| format!("{}@{v}", p.name))
                .collect::<Vec<_>>()
                .join(", "),
        ),
    };
    let changelog = (!releasing.is_empty()).then(|| {
        let text = releasing
            .iter()
            .map(|(p, _)| p.changelog.trim_end())
            .collect::<Vec<_>>()
            .join("\n\n");
        crate::secrets::redact(&text).into_owned()
    });
    Ok((Candidate { version, commit }, changelog))
}
