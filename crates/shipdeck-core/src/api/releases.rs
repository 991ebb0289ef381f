//! The Releases area's actions: plan, changelog, cut, publish, roll back,
//! history. Each runs as a recorded job where it can take time, and leaves
//! a release event (and, when it changes the repository, an audit entry).

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use serde::Serialize;
use ts_rs::TS;

use super::Shipdeck;
use crate::charts::{self, Chart, Theme};
use crate::config::{Config, UrlSource};
use crate::error::Result;
use crate::jobs::{JobKind, JobOutput, ProgressSink};
use crate::releases::commits::ParsedCommit;
use crate::releases::cut::{cut, CutResult};
use crate::releases::history::{cadence, releases, Cadence, ReleaseEntry};
use crate::releases::publish::{
    create_forge_release, mark_superseded, pending, push, PendingRelease, PublishResult,
};
use crate::releases::rollback::{rollback, RollbackRequest, RollbackResult};
use crate::releases::CommitCache;
use crate::releases::{changelog_range, plan, PlanRequest, ReleaseError, ReleasePlan};
use crate::store::{NewReleaseEvent, ReleaseEvent, Store};
use crate::workspace::Workspace;

#[derive(Debug, Clone, Serialize, TS)]
pub struct ReleaseHistory {
    pub releases: Vec<ReleaseEntry>,
    /// Recorded plans, cuts, publishes and rollbacks, newest first.
    pub events: Vec<ReleaseEvent>,
    /// Releases in each of the last 12 calendar months (months without a
    /// release count 0) and commits per recent release: the cadence chart's
    /// data, for the table beside it.
    pub cadence: Cadence,
}

/// The parsed-commit cache in the store, used from a job's blocking thread.
struct StoreCache {
    store: Store,
    rt: tokio::runtime::Handle,
}

impl CommitCache for StoreCache {
    fn load(&mut self, shas: &[String]) -> HashMap<String, ParsedCommit> {
        match self.rt.block_on(self.store.cached_commits(shas)) {
            Ok(rows) => rows
                .into_iter()
                .filter_map(|(sha, data)| serde_json::from_str(&data).ok().map(|c| (sha, c)))
                .collect(),
            Err(e) => {
                tracing::warn!(error = %e.payload().message, "commit cache unavailable");
                HashMap::new()
            }
        }
    }

    fn save(&mut self, commits: &[ParsedCommit]) {
        let rows: Vec<(String, String)> = commits
            .iter()
            .filter_map(|c| serde_json::to_string(c).ok().map(|d| (c.sha.clone(), d)))
            .collect();
        if let Err(e) = self.rt.block_on(self.store.cache_commits(&rows)) {
            tracing::warn!(error = %e.payload().message, "commit cache not written");
        }
    }
}

fn config_of(ws: &Workspace) -> Result<Option<Config>> {
    Config::load(&ws.root)
}

impl Shipdeck {
    fn cache(&self) -> StoreCache {
        StoreCache {
            store: self.store_ref().clone(),
            rt: tokio::runtime::Handle::current(),
        }
    }

    async fn event(&self, ws: &Workspace, e: NewReleaseEvent<'_>) {
        if let Err(err) = self.store_ref().release_event(&ws.id, e).await {
            tracing::warn!(error = %err.payload().message, "release event not recorded");
        }
    }

    /// The forge token named by `release.token`, if any.
    async fn forge_token(&self, ws: &Workspace, config: Option<&Config>) -> Result<Option<String>> {
        let Some(raw) = config.and_then(|c| c.release.token.clone()) else {
            return Ok(None);
        };
        let token = match UrlSource::parse(&raw) {
            UrlSource::Env(var) => std::env::var(&var).ok(),
            UrlSource::Keyring(name) => self.secret_value(&ws.root, &name).await?,
            UrlSource::Literal(_) => None,
        };
        if let Some(t) = &token {
            crate::secrets::register_secret(t);
        }
        Ok(token)
    }

    /// Read-only plan of the next release.
    pub async fn release_plan(
        &self,
        path: &Path,
        req: PlanRequest,
        sink: Arc<dyn ProgressSink>,
    ) -> Result<ReleasePlan> {
        let ws = self.registered(path).await?;
        let config = config_of(&ws)?;
        let mut cache = self.cache();
        let root = ws.root.clone();
        let result = self
            .jobs_ref()
            .run(Some(&ws.id), JobKind::ReleasePlan, sink, move |progress| {
                let repo = git2::Repository::open(&root)?;
                let plan = plan(&repo, &root, config.as_ref(), &req, &mut cache, Some(progress))?;
                let summary = plan
                    .packages
                    .iter()
                    .map(|p| match &p.next_version {
                        Some(v) => format!("{} → {v} ({})", p.name, p.bump.as_str()),
                        None => format!("{}: nothing to release", p.name),
                    })
                    .collect::<Vec<_>>()
                    .join(", ");
                Ok(JobOutput {
                    value: plan,
                    summary,
                    result: None,
                })
            })
            .await;
        let detail = match &result {
            Ok(plan) => serde_json::json!({ "packages": plan.packages.iter().map(|p| serde_json::json!({
                "name": p.name, "current": p.current_version, "next": p.next_version, "bump": p.bump.as_str(),
            })).collect::<Vec<_>>() }),
            Err(e) => serde_json::json!({ "error": e.payload() }),
        };
        let outcome = if result.is_ok() { "ok" } else { "failed" };
        self.event(
            &ws,
            NewReleaseEvent {
                action: "plan",
                package: None,
                version: None,
                tag: None,
                sha: None,
                outcome,
                reason: None,
                detail,
            },
        )
        .await;
        result
    }

    /// Changelog text for a range, or for every release (`all`); writes nothing.
    pub async fn release_changelog(
        &self,
        path: &Path,
        package: Option<String>,
        from: Option<String>,
        to: Option<String>,
        all: bool,
    ) -> Result<String> {
        let ws = self.workspace(path).await?;
        let config = config_of(&ws)?;
        tokio::task::spawn_blocking(move || {
            let repo = git2::Repository::open(&ws.root)?;
            changelog_range(
                &repo,
                &ws.root,
                config.as_ref(),
                package.as_deref(),
                from.as_deref(),
                to.as_deref(),
                all,
            )
        })
        .await?
    }

    /// Cuts the release (or shows exactly what it would write, with `dry_run`).
    pub async fn release_cut(
        &self,
        path: &Path,
        req: PlanRequest,
        dry_run: bool,
        sink: Arc<dyn ProgressSink>,
    ) -> Result<CutResult> {
        let ws = self.registered(path).await?;
        let config = config_of(&ws)?;
        let mut cache = self.cache();
        let root = ws.root.clone();
        let reason = req.reason.clone();
        let result = self
            .jobs_ref()
            .run(Some(&ws.id), JobKind::ReleaseCut, sink, move |progress| {
                let repo = git2::Repository::open(&root)?;
                let (result, _) = cut(
                    &repo,
                    &root,
                    config.as_ref(),
                    &req,
                    dry_run,
                    &mut cache,
                    Some(progress),
                )?;
                let tags: Vec<&str> = result.releases.iter().map(|r| r.tag.as_str()).collect();
                let summary = format!("{}{}", if dry_run { "dry run: " } else { "" }, tags.join(", "));
                Ok(JobOutput {
                    value: result,
                    summary,
                    result: None,
                })
            })
            .await;
        match &result {
            Ok(r) => {
                for rel in &r.releases {
                    let outcome = if dry_run { "dry_run" } else { "ok" };
                    let detail = serde_json::json!({ "files": r.files.iter().map(|f| &f.path).collect::<Vec<_>>(), "signed": r.signed_tags });
                    self.event(
                        &ws,
                        NewReleaseEvent {
                            action: "cut",
                            package: Some(&rel.package),
                            version: Some(&rel.version),
                            tag: Some(&rel.tag),
                            sha: r.commit.as_deref(),
                            outcome,
                            reason: reason.as_deref(),
                            detail,
                        },
                    )
                    .await;
                }
                if !dry_run {
                    self.store_ref()
                        .audit(Some(&ws.id), "release.cut", serde_json::json!({ "tags": r.releases.iter().map(|x| &x.tag).collect::<Vec<_>>(), "commit": r.commit, "reason": reason }))
                        .await?;
                }
            }
            Err(e) => {
                self.event(
                    &ws,
                    NewReleaseEvent {
                        action: "cut",
                        package: None,
                        version: None,
                        tag: None,
                        sha: None,
                        outcome: "failed",
                        reason: reason.as_deref(),
                        detail: serde_json::json!({ "error": e.payload() }),
                    },
                )
                .await;
            }
        }
        result
    }

    /// Pushes the release commit and tags, then creates the forge releases.
    pub async fn release_publish(
        &self,
        path: &Path,
        dry_run: bool,
        skip_forge: bool,
        sink: Arc<dyn ProgressSink>,
    ) -> Result<PublishResult> {
        let ws = self.registered(path).await?;
        let config = config_of(&ws)?;
        let token = self.forge_token(&ws, config.as_ref()).await?;
        let root = ws.root.clone();
        let push_token = token.clone();
        let mut result = self
            .jobs_ref()
            .run(Some(&ws.id), JobKind::ReleasePublish, sink, move |progress| {
                push_releases(
                    &root,
                    config.as_ref(),
                    (dry_run, skip_forge),
                    push_token.as_deref(),
                    progress,
                )
            })
            .await;
        if let (Ok(r), Some(token)) = (&mut result, &token) {
            self.create_forge_releases(&ws, token, r).await?;
        }
        self.record_publish(&ws, &result).await?;
        result
    }

    /// After a real push, one forge release per tag; the first failure is
    /// recorded and returned.
    async fn create_forge_releases(&self, ws: &Workspace, token: &str, r: &mut PublishResult) -> Result<()> {
        let (false, Some(forge)) = (r.dry_run, r.forge.clone()) else {
            return Ok(());
        };
        for rel in r.releases.clone() {
            match create_forge_release(&forge, token, &rel).await {
                Ok(fr) => r.forge_releases.push(fr),
                Err(e) => {
                    let detail = serde_json::json!({ "error": e.payload(), "pushed": true });
                    self.event(ws, publish_event(&rel, "failed", detail)).await;
                    return Err(e);
                }
            }
        }
        Ok(())
    }

    /// A release event per published package (or one for the failure), and
    /// an audit entry when something was pushed.
    async fn record_publish(&self, ws: &Workspace, result: &Result<PublishResult>) -> Result<()> {
        match result {
            Ok(r) => {
                for rel in &r.releases {
                    let url = r
                        .forge_releases
                        .iter()
                        .find(|f| f.tag == rel.tag)
                        .and_then(|f| f.url.clone());
                    let outcome = if r.dry_run { "dry_run" } else { "ok" };
                    let detail = serde_json::json!({ "remote": r.remote, "url": url });
                    self.event(ws, publish_event(rel, outcome, detail)).await;
                }
                if !r.dry_run {
                    self.store_ref()
                        .audit(
                            Some(&ws.id),
                            "release.publish",
                            serde_json::json!({ "remote": r.remote, "refs": r.refs }),
                        )
                        .await?;
                }
            }
            Err(e) => {
                self.event(
                    ws,
                    NewReleaseEvent {
                        action: "publish",
                        package: None,
                        version: None,
                        tag: None,
                        sha: None,
                        outcome: "failed",
                        reason: None,
                        detail: serde_json::json!({ "error": e.payload() }),
                    },
                )
                .await;
            }
        }
        Ok(())
    }

    /// Rolls a release back (see `releases::rollback` for the two cases).
    /// `not_pushed` skips asking the remote (for a tag known never to have
    /// left this machine, when the remote cannot be reached).
    pub async fn release_rollback(
        &self,
        path: &Path,
        request: RollbackRequest,
        sink: Arc<dyn ProgressSink>,
    ) -> Result<RollbackResult> {
        let RollbackRequest {
            package,
            version,
            reason,
            not_pushed,
            dry_run,
        } = request;
        let ws = self.registered(path).await?;
        let config = config_of(&ws)?;
        let token = self.forge_token(&ws, config.as_ref()).await?;
        let root = ws.root.clone();
        let why = reason.clone();
        let forge_config = config.clone();
        let mut result = self
            .jobs_ref()
            .run(Some(&ws.id), JobKind::ReleaseRollback, sink, move |_| {
                let repo = git2::Repository::open(&root)?;
                let r = rollback(
                    &repo,
                    &root,
                    config.as_ref(),
                    package.as_deref(),
                    &version,
                    &why,
                    not_pushed.then_some(false),
                    dry_run,
                )?;
                let summary = format!("{}rolled back {}", if dry_run { "dry run: " } else { "" }, r.tag);
                Ok(JobOutput {
                    value: r,
                    summary,
                    result: None,
                })
            })
            .await;
        if let (Ok(r), Some(token)) = (&mut result, &token) {
            self.mark_rolled_back(&ws, forge_config.as_ref(), token, &reason, r)
                .await?;
        }
        self.record_rollback(&ws, &reason, &result).await?;
        result
    }

    /// After a pushed rollback, notes on the forge release that it was
    /// rolled back and by what.
    async fn mark_rolled_back(
        &self,
        ws: &Workspace,
        forge_config: Option<&Config>,
        token: &str,
        reason: &str,
        r: &mut RollbackResult,
    ) -> Result<()> {
        if r.pushed && !r.dry_run {
            let repo = git2::Repository::open(&ws.root)?;
            let remote = forge_config
                .and_then(|c| c.release.remote.clone())
                .unwrap_or_else(|| "origin".into());
            let url = repo
                .find_remote(&remote)
                .ok()
                .and_then(|rm| rm.url().map(str::to_string));
            let release_cfg = forge_config.map(|c| c.release.clone()).unwrap_or_default();
            if let Some(forge) =
                url.and_then(|u| crate::releases::Forge::detect(&u, &release_cfg).ok().flatten())
            {
                let note = format!(
                    "Rolled back: {reason}. Superseded by {}.",
                    r.new_tag.clone().unwrap_or_default()
                );
                match mark_superseded(&forge, token, &r.tag, &note).await {
                    Ok(()) => r
                        .steps
                        .push(format!("marked the forge release {} as rolled back", r.tag)),
                    Err(e) => r.steps.push(format!(
                        "could not mark the forge release {}: {}",
                        r.tag,
                        e.payload().message
                    )),
                }
            }
        }
        Ok(())
    }

    /// The rollback's release event, and an audit entry when it changed
    /// the repository.
    async fn record_rollback(
        &self,
        ws: &Workspace,
        reason: &str,
        result: &Result<RollbackResult>,
    ) -> Result<()> {
        match result {
            Ok(r) => {
                let outcome = if r.dry_run { "dry_run" } else { "ok" };
                self.event(ws, NewReleaseEvent { action: "rollback", package: Some(&r.package), version: Some(&r.version), tag: Some(&r.tag), sha: r.revert_commit.as_deref(), outcome, reason: Some(reason), detail: serde_json::json!({ "pushed": r.pushed, "steps": r.steps, "new_tag": r.new_tag }) }).await;
                if !r.dry_run {
                    self.store_ref()
                        .audit(Some(&ws.id), "release.rollback", serde_json::json!({ "tag": r.tag, "pushed": r.pushed, "reason": reason, "steps": r.steps }))
                        .await?;
                }
            }
            Err(e) => {
                self.event(
                    ws,
                    NewReleaseEvent {
                        action: "rollback",
                        package: None,
                        version: None,
                        tag: None,
                        sha: None,
                        outcome: "failed",
                        reason: Some(reason),
                        detail: serde_json::json!({ "error": e.payload() }),
                    },
                )
                .await;
            }
        }
        Ok(())
    }

    pub async fn release_history(&self, path: &Path) -> Result<ReleaseHistory> {
        let ws = self.registered(path).await?;
        let config = config_of(&ws)?;
        let root = ws.root.clone();
        let list = tokio::task::spawn_blocking(move || {
            let repo = git2::Repository::open(&root)?;
            releases(&repo, &root, config.as_ref())
        })
        .await??;
        let events = self.store_ref().release_events(&ws.id, 200).await?;
        Ok(ReleaseHistory {
            cadence: cadence(&list, chrono::Utc::now()),
            releases: list,
            events,
        })
    }

    pub async fn release_cadence_chart(&self, path: &Path, theme: Theme) -> Result<Chart> {
        let history = self.release_history(path).await?;
        charts::release_cadence(&history.cadence, theme)
    }
}

/// The publish job: push the release commit and tags (or list them, on a
/// dry run), with the flags `(dry_run, skip_forge)`.
fn push_releases(
    root: &Path,
    config: Option<&Config>,
    (dry_run, skip_forge): (bool, bool),
    push_token: Option<&str>,
    progress: &crate::jobs::Progress,
) -> Result<JobOutput<PublishResult>> {
    let repo = git2::Repository::open(root)?;
    let (releases, forge, remote) = pending(&repo, root, config)?;
    let forge = forge.filter(|_| !skip_forge);
    if forge.is_some() && push_token.is_none() {
        return Err(ReleaseError::NoToken {
            detail: "the remote is on a forge but release.token is not set or empty".into(),
        }
        .into());
    }
    let tags: Vec<String> = releases.iter().map(|r| r.tag.clone()).collect();
    let refs = if dry_run {
        let branch = repo.head()?.name().unwrap_or("HEAD").to_string();
        std::iter::once(branch)
            .chain(tags.iter().map(|t| format!("refs/tags/{t}")))
            .collect()
    } else {
        progress.report(0, Some(2), format!("pushing to {remote}"));
        push(&repo, &remote, &tags, push_token)?
    };
    let summary = format!(
        "{}pushed {}",
        if dry_run { "dry run: " } else { "" },
        tags.join(", ")
    );
    Ok(JobOutput {
        value: PublishResult {
            dry_run,
            remote,
            refs,
            releases,
            forge,
            forge_releases: Vec::new(),
        },
        summary,
        result: None,
    })
}

/// The release event of one published package.
fn publish_event<'a>(
    rel: &'a PendingRelease,
    outcome: &'a str,
    detail: serde_json::Value,
) -> NewReleaseEvent<'a> {
    NewReleaseEvent {
        action: "publish",
        package: Some(&rel.package),
        version: Some(&rel.version),
        tag: Some(&rel.tag),
        sha: None,
        outcome,
        reason: None,
        detail,
    }
}
