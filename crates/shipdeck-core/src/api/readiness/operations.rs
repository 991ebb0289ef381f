//! The gate's checks of what is being released and where it goes:
//! `releases`, `migrations`, `advisor`, `environments`, `benchmarks`.
//! Each gathers its area's data the way the area's own command does,
//! without recording anything, and lets `shipdeck_readiness` judge it.

use std::path::Path;

use futures::stream::{FuturesUnordered, StreamExt};

use super::GateContext;
use crate::api::DatabaseChoice;
use crate::environments::health::{check_health, version_drift, HealthStatus};
use crate::error::{Error, Result};
use crate::jobs::{CancellationToken, Progress};
use crate::migrations::lint::Severity as LintSeverity;
use crate::migrations::run::ChecksumState;
use crate::migrations::target;
use crate::readiness::areas::advisor::{AdvisorFacts, SeverityCounts};
use crate::readiness::areas::benchmarks::BenchFacts;
use crate::readiness::areas::environments::EnvFacts;
use crate::readiness::areas::migrations::DatabaseFacts;
use crate::readiness::areas::releases::ReleaseFacts;
use crate::readiness::areas::{advisor, benchmarks, environments, migrations, releases};
use crate::readiness::AreaOutcome;
use crate::releases::{cut::cut, plan, NoCache, PlanRequest};

/// Findings listed per database or environment in the details, at most.
const LINES_PER_SOURCE: usize = 20;

pub(super) async fn releases(cx: &GateContext) -> Result<AreaOutcome> {
    let (root, config, token) = (cx.ws.root.clone(), cx.ws.config_owned()?, cx.token.clone());
    let facts = tokio::task::spawn_blocking(move || release_facts(&root, config.as_ref(), token)).await??;
    Ok(releases::judge(&facts))
}

/// The plan, and what a dry-run cut (which writes nothing) would refuse.
fn release_facts(
    root: &Path,
    config: Option<&crate::config::Config>,
    token: CancellationToken,
) -> Result<ReleaseFacts> {
    let repo = git2::Repository::open(root)?;
    let progress = Progress::detached(token);
    let req = PlanRequest::default();
    let plan = plan(&repo, root, config, &req, &mut NoCache, Some(&progress))?;
    let refusal = match cut(&repo, root, config, &req, true, &mut NoCache, Some(&progress)) {
        Ok(_) => None,
        Err(e) if e.code() == "release.nothing_to_release" => None,
        Err(Error::Cancelled) => return Err(Error::Cancelled),
        Err(e) => Some(e.payload().message),
    };
    Ok(ReleaseFacts {
        releasing: plan
            .packages
            .iter()
            .filter_map(|p| Some((p.name.clone(), p.next_version.clone()?, p.changelog.clone())))
            .collect(),
        last_tag: plan.packages.iter().find_map(|p| p.current_tag.clone()),
        refusal,
    })
}

/// The databases the gate looks at: those under `[databases]`, or the
/// default one when there is none but a `migrations` folder exists.
pub(super) fn databases(cx: &GateContext) -> Vec<String> {
    if cx.config.databases.is_empty() && !cx.ws.root.join("migrations").is_dir() {
        return Vec::new();
    }
    target::specs(Some(&cx.config))
        .into_iter()
        .map(|s| s.name)
        .collect()
}

fn choice(name: &str) -> DatabaseChoice {
    DatabaseChoice {
        database: Some(name.to_string()),
        url: None,
    }
}

pub(super) async fn migrations(cx: &GateContext) -> Result<AreaOutcome> {
    let mut facts = Vec::new();
    for name in databases(cx) {
        if cx.token.is_cancelled() {
            return Err(Error::Cancelled);
        }
        let status = cx.core.migrate_status(&cx.ws.root, &choice(&name)).await?;
        let lint = cx.core.migrate_lint(&cx.ws.root, &choice(&name)).await?;
        let mut db = DatabaseFacts {
            name: name.clone(),
            ..Default::default()
        };
        for m in &status.migrations {
            match (m.pending, m.reversible) {
                (true, true) => db.pending_reversible.push(m.version),
                (true, false) => db.pending_irreversible.push(m.version),
                _ => {}
            }
            match m.checksum {
                ChecksumState::Changed => db.changed.push(m.version),
                ChecksumState::MissingFile => db.missing_file.push(m.version),
                ChecksumState::Ok => {}
            }
            if m.dirty {
                db.dirty.push(m.version);
            }
        }
        db.lint_errors = lint.errors;
        db.lint_warnings = lint.warnings;
        db.lint_lines = lint
            .findings
            .iter()
            .take(LINES_PER_SOURCE)
            .map(|f| {
                let level = if f.severity == LintSeverity::Error {
                    "error"
                } else {
                    "warning"
                };
                format!("{level} {}:{} {}: {}", f.file, f.line, f.rule, f.message)
            })
            .collect();
        facts.push(db);
    }
    Ok(migrations::judge(&facts))
}

pub(super) async fn advisor(cx: &GateContext) -> Result<AreaOutcome> {
    let mut facts = Vec::new();
    for name in databases(cx) {
        let latest = cx.core.advisor_latest(&cx.ws.root, &choice(&name)).await?;
        let mut f = AdvisorFacts {
            database: name,
            ..Default::default()
        };
        if let Some(view) = latest {
            let mut c = SeverityCounts::default();
            for finding in &view.report.findings {
                match finding.severity {
                    crate::advisor::Severity::Critical => {
                        c.critical += 1;
                        if f.critical_lines.len() < LINES_PER_SOURCE {
                            f.critical_lines.push(finding.message.clone());
                        }
                    }
                    crate::advisor::Severity::Warning => c.warning += 1,
                    crate::advisor::Severity::Info => c.info += 1,
                }
            }
            f.latest = Some(c);
        }
        facts.push(f);
    }
    Ok(advisor::judge(&facts))
}

pub(super) async fn environments(cx: &GateContext) -> Result<AreaOutcome> {
    let envs = &cx.config.environments.envs;
    if envs.is_empty() {
        return Ok(environments::judge(&EnvFacts::default()));
    }
    let parity = cx.core.env_parity(&cx.ws.root).await?;
    let client = crate::net::client_builder()
        .build()
        .map_err(|e| Error::Internal(format!("HTTP client: {e}")))?;
    // Each poll is bounded by the environment's health_timeout (5 s by default).
    let mut results: Vec<_> = envs
        .iter()
        .map(|(name, cfg)| check_health(&client, name, cfg))
        .collect::<FuturesUnordered<_>>()
        .collect()
        .await;
    results.retain(|r| r.status != HealthStatus::NotConfigured);
    results.sort_by_key(|r| envs.iter().position(|(n, _)| n == &r.env));
    let drift = version_drift(&results, None);
    let facts = EnvFacts {
        environments: parity.report.environments.clone(),
        parity: parity
            .report
            .findings
            .iter()
            .map(|f| {
                (
                    f.severity == crate::environments::Severity::Error,
                    format!("{}: {}", f.env, f.message),
                )
            })
            .collect(),
        health: results
            .iter()
            .map(|r| {
                (
                    r.env.clone(),
                    r.status.is_healthy(),
                    r.status.label().to_string(),
                    r.message.clone(),
                )
            })
            .collect(),
        versions: drift
            .versions
            .iter()
            .filter_map(|(env, v)| Some((env.clone(), v.clone()?)))
            .collect(),
        drift: drift.drift,
    };
    Ok(environments::judge(&facts))
}

pub(super) async fn benchmarks(cx: &GateContext) -> Result<AreaOutcome> {
    let runs: Vec<_> = cx
        .core
        .store_ref()
        .bench_runs(&cx.ws.id, 5_000)
        .await?
        .into_iter()
        .filter(|r| r.status != "failed" && r.commit_sha.is_some())
        .collect();
    let Some(head) = runs.first().and_then(|r| r.commit_sha.clone()) else {
        return Ok(benchmarks::judge(&BenchFacts::NoRuns));
    };
    let shas: Vec<String> = runs.iter().filter_map(|r| r.commit_sha.clone()).collect();
    let ws = cx.ws.clone();
    let baseline = tokio::task::spawn_blocking(move || baseline(&ws, &shas)).await??;
    let facts = match baseline {
        Err(reason) => BenchFacts::NoBaseline { reason },
        Ok((tag, base)) if base == head => BenchFacts::SameRun { reference: tag },
        Ok((tag, base)) => {
            let report = cx.core.bench_compare(&cx.ws.root, &base, &head).await?;
            let verdict = |c: &&crate::benchmarks::stats::Comparison, v| c.verdict == v;
            BenchFacts::Compared {
                base: tag,
                metrics: report.comparisons.len(),
                regressions: report
                    .comparisons
                    .iter()
                    .filter(|c| verdict(c, crate::benchmarks::stats::Verdict::Regression))
                    .map(|c| format!("{} {:+.1} %", c.name, c.change_pct))
                    .collect(),
                failed: report
                    .comparisons
                    .iter()
                    .filter(|c| verdict(c, crate::benchmarks::stats::Verdict::FailedIterations))
                    .map(|c| c.name.clone())
                    .collect(),
            }
        }
    };
    Ok(benchmarks::judge(&facts))
}

/// The last release tag and the newest run's commit at or before it, or
/// why there is none.
fn baseline(
    ws: &crate::workspace::Workspace,
    shas: &[String],
) -> Result<std::result::Result<(String, String), String>> {
    let repo = ws.repo()?;
    let Some(tag) = crate::workspace::nearest_version_tag(&repo)? else {
        return Ok(Err("no release tag to compare the benchmarks with".into()));
    };
    let tag_commit = repo.revparse_single(&tag.name)?.peel_to_commit()?.id();
    for sha in shas {
        let Ok(oid) = git2::Oid::from_str(sha) else {
            continue;
        };
        if oid == tag_commit || repo.graph_descendant_of(tag_commit, oid).unwrap_or(false) {
            return Ok(Ok((tag.name, sha.clone())));
        }
    }
    Ok(Err(format!("no benchmark run at or before {}", tag.name)))
}
