//! The Dependencies area's actions: what is outdated, read from the
//! registries (a read: nothing is recorded, but it takes time, so it runs
//! as a job with progress and cancel), and update branches (a change: a
//! recorded job with an audit entry; its dry run is a read). Registry
//! answers are cached (and revalidated) under the data folder.
//! `[dependencies]` in shipdeck.toml leaves rows out, clears disallowed
//! classes and groups rows; rows whose update fixes a known advisory are
//! labelled with it (and those updates go first).

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use super::record::{AuditAction, Records};
use super::Shipdeck;
use crate::config::Config;
use crate::dependencies::propose::notes::parse_declared;
use crate::dependencies::propose::{propose, ProposeOptions};
use crate::dependencies::{
    self, OutdatedOptions, OutdatedReport, ProposeOutcome, ProposeRequest, Rules, UpdateOptions,
    UpdateOutcome, UpdateRequest, UserEnv,
};
use crate::error::Result;
use crate::jobs::{JobKind, JobOutput, Progress, ProgressSink};

/// The Node.js version npm would run under, for its preference of versions
/// whose `engines.node` allows it; None without a working `node`.
async fn node_version() -> Option<String> {
    let run = tokio::process::Command::new("node")
        .arg("--version")
        .kill_on_drop(true)
        .output();
    let out = tokio::time::timeout(Duration::from_secs(5), run)
        .await
        .ok()?
        .ok()?;
    let v = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (out.status.success() && v.starts_with('v') && v.len() < 32).then_some(v)
}

fn summary(r: &OutdatedReport) -> String {
    let behind = r.dependencies.iter().filter(|d| d.class.is_some()).count();
    format!("{behind} of {} dependencies behind", r.dependencies.len())
}

fn update_summary(o: &UpdateOutcome) -> String {
    let bumps: usize = o.branches.iter().map(|b| b.bumps.len()).sum();
    let verb = if o.dry_run { "would update" } else { "updated" };
    format!("{verb} {bumps} dependencies on {} branches", o.branches.len())
}

/// What the audit entry of an update says: branches, commits and bumps
/// (names and versions only).
fn update_audit(o: &UpdateOutcome) -> serde_json::Value {
    serde_json::json!({
        "base": o.base,
        "digest": o.digest,
        "branches": o.branches.iter().map(|b| serde_json::json!({
            "branch": b.branch,
            "commit": b.commit,
            "bumps": b.bumps.iter().map(|x| serde_json::json!({
                "ecosystem": x.ecosystem.as_str(),
                "name": x.name,
                "manifest": x.manifest,
                "from": x.from,
                "to": x.to,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

/// `deps outdated`: the registries read, `[dependencies]` applied, the rows
/// labelled with the advisories their update fixes (`[security.vulns]
/// osv_url`, asked while the registries are read).
pub(super) fn outdated_report(
    root: &Path,
    config: &Config,
    opts: &OutdatedOptions,
    p: &Progress,
) -> Result<OutdatedReport> {
    let labels = super::dependencies_labels::start(root, config.security.vulns.osv_url.clone());
    let mut report = dependencies::outdated(root, opts, p)?;
    report.dependencies = config.dependencies.apply(report.dependencies);
    report.schedule = config.dependencies.schedule;
    labels.label(&mut report);
    Ok(report)
}

impl Shipdeck {
    /// How the Dependencies area reaches the registries: the user's
    /// environment, the cache under the data folder, the running Node.js.
    pub(super) async fn registry_options(&self) -> OutdatedOptions {
        OutdatedOptions {
            cache_dir: Some(self.paths.data_dir.join("cache").join("registries")),
            env: UserEnv::from_process(),
            node_version: node_version().await,
            ..OutdatedOptions::default()
        }
    }

    /// Every direct dependency of every manifest with its locked, wanted and
    /// latest version and the update class (`deps outdated`).
    pub async fn deps_outdated(&self, path: &Path, sink: Arc<dyn ProgressSink>) -> Result<OutdatedReport> {
        let (ws, opts) = tokio::join!(self.workspace(path), self.registry_options());
        let ws = ws?;
        let config = ws.config_or_default()?;
        let root = ws.root.clone();
        self.jobs_ref()
            .run_unrecorded(Some(&ws.id), JobKind::DepsOutdated, sink, move |p| {
                let report = outdated_report(&root, &config, &opts, p)?;
                Ok(JobOutput {
                    summary: summary(&report),
                    result: None,
                    value: report,
                })
            })
            .await
    }
}

impl Shipdeck {
    /// Update branches for the outdated dependencies `request` selects
    /// (`deps update`); a dry run shows the diffs and commands only.
    pub async fn deps_update(
        &self,
        path: &Path,
        request: UpdateRequest,
        sink: Arc<dyn ProgressSink>,
    ) -> Result<UpdateOutcome> {
        let ws = if request.dry_run {
            self.workspace(path).await?
        } else {
            self.registered(path).await?
        };
        let config = ws.config_or_default()?;
        let opts = UpdateOptions {
            outdated: self.registry_options().await,
            config: config.dependencies,
            ..UpdateOptions::default()
        };
        let osv_url = config.security.vulns.osv_url;
        let root = ws.root.clone();
        let dry_run = request.dry_run;
        let work = move |p: &crate::jobs::Progress| {
            // The update applies `[dependencies]` itself (an allowed class
            // limits the target rather than hiding the row).
            let labels = super::dependencies_labels::start(&root, osv_url);
            let mut report = dependencies::outdated(&root, &opts.outdated, p)?;
            labels.label(&mut report);
            let outcome = dependencies::update(&root, &report, &request, &opts, p)?;
            Ok(JobOutput {
                summary: update_summary(&outcome),
                result: Some(serde_json::json!({
                    "branches": outcome.branches.len(),
                    "digest": outcome.digest,
                })),
                value: outcome,
            })
        };
        if dry_run {
            return self
                .jobs_ref()
                .run_unrecorded(Some(&ws.id), JobKind::DepsUpdate, sink, work)
                .await;
        }
        self.run_recorded(&ws, JobKind::DepsUpdate, sink, work, |r| match r {
            Ok(o) => Records::default().audited(AuditAction::DepsUpdate, update_audit(o)),
            Err(_) => Records::default(),
        })
        .await
    }

    /// Pushes update branches and opens or updates their pull/merge
    /// requests (`deps propose`), with the forge token of `release.token`.
    /// `SHIPDECK_UPSTREAM_FORGES` (`host[:port]=github|gitlab|gitea,…`)
    /// names self-hosted forges whose releases hold upstream notes.
    pub async fn deps_propose(
        &self,
        path: &Path,
        request: ProposeRequest,
        sink: Arc<dyn ProgressSink>,
    ) -> Result<ProposeOutcome> {
        let ws = self.registered(path).await?;
        let config = ws.config_owned()?;
        let token = self.forge_token(&ws, config.as_ref()).await?;
        let mut opts = ProposeOptions::default();
        opts.registry.cache_dir = Some(self.paths.data_dir.join("cache").join("registries"));
        opts.registry.env = UserEnv::from_process();
        opts.upstream_forges = std::env::var("SHIPDECK_UPSTREAM_FORGES")
            .map(|v| parse_declared(&v))
            .unwrap_or_default();
        let root = ws.root.clone();
        self.run_recorded(
            &ws,
            JobKind::DepsPropose,
            sink,
            move |p| {
                let outcome = propose(&root, config.as_ref(), &request, token.as_deref(), &opts, p)?;
                let created = outcome.proposals.iter().filter(|x| x.created).count();
                let summary = format!(
                    "{} opened, {} updated",
                    created,
                    outcome.proposals.len() - created
                );
                Ok(JobOutput {
                    summary,
                    result: None,
                    value: outcome,
                })
            },
            propose_records,
        )
        .await
    }
}

/// A proposal's audit entry: the branches pushed and their requests (no
/// token, no body).
fn propose_records(result: &Result<ProposeOutcome>) -> Records {
    let Ok(o) = result else {
        return Records::default();
    };
    let proposals: Vec<serde_json::Value> = o
        .proposals
        .iter()
        .map(|p| serde_json::json!({ "branch": p.branch, "commit": p.commit, "url": p.url, "number": p.number, "created": p.created }))
        .collect();
    Records::default().audited(
        AuditAction::DepsPropose,
        serde_json::json!({ "remote": o.remote, "proposals": proposals }),
    )
}
