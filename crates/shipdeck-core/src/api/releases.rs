//! The Releases area's actions: plan, changelog, cut, publish, roll back,
//! history. Plan, changelog and history are reads and record nothing; cut,
//! publish and roll back run as recorded jobs ([`Shipdeck::run_recorded`])
//! that leave release events and, when they change the repository, an
//! audit entry.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use serde::Serialize;
use ts_rs::TS;

use super::record::{AuditAction, Event, Outcome, Records, ReleaseAction, ReleaseRecord};
use super::Shipdeck;
use crate::charts::{self, Chart, Theme};
use crate::config::{Config, UrlSource};
use crate::error::Result;
use crate::jobs::{JobKind, JobOutput, ProgressSink};
use crate::releases::commits::ParsedCommit;
use crate::releases::cut::{cut, CutResult};
use crate::releases::history::{cadence, releases, Cadence, ReleaseEntry};
use crate::releases::publish::{PendingRelease, PublishResult};
use crate::releases::rollback::{rollback, RollbackRequest, RollbackResult};
use crate::releases::steps::{create_forge_releases, mark_rolled_back, push_pending};
use crate::releases::CommitCache;
use crate::releases::{changelog_range, plan, PlanRequest, ReleasePlan};
use crate::store::{ReleaseEvent, Store};
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

impl Shipdeck {
    fn cache(&self) -> StoreCache {
        StoreCache {
            store: self.store_ref().clone(),
            rt: tokio::runtime::Handle::current(),
        }
    }

    /// The forge token named by `release.token`, if any.
    pub(super) async fn forge_token(
        &self,
        ws: &Workspace,
        config: Option<&Config>,
    ) -> Result<Option<String>> {
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

    /// The plan of the next release: a read, so nothing is recorded (it
    /// still reports progress and can be cancelled like a job).
    pub async fn release_plan(
        &self,
        path: &Path,
        req: PlanRequest,
        sink: Arc<dyn ProgressSink>,
    ) -> Result<ReleasePlan> {
        let ws = self.workspace(path).await?;
        let config = ws.config_owned()?;
        let mut cache = self.cache();
        let root = ws.root.clone();
        self.jobs_ref()
            .run_unrecorded(Some(&ws.id), JobKind::ReleasePlan, sink, move |progress| {
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
            .await
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
        let config = ws.config_owned()?;
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
        let config = ws.config_owned()?;
        let mut cache = self.cache();
        let root = ws.root.clone();
        let reason = req.reason.clone();
        let cut = self
            .run_recorded(
                &ws,
                JobKind::ReleaseCut,
                sink,
                move |progress| {
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
                },
                |result| cut_records(result, dry_run, reason.as_deref()),
            )
            .await?;
        if !dry_run {
            let tags = cut
                .releases
                .iter()
                .map(|r| (r.package.clone(), r.version.clone(), r.tag.clone()));
            self.record_release_schemas(&ws, tags.collect()).await;
        }
        Ok(cut)
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
        let config = ws.config_owned()?;
        let token = self.forge_token(&ws, config.as_ref()).await?;
        let root = ws.root.clone();
        let published = self
            .run_recorded(
                &ws,
                JobKind::ReleasePublish,
                sink,
                move |progress| {
                    let mut result = push_pending(
                        &root,
                        config.as_ref(),
                        (dry_run, skip_forge),
                        token.as_deref(),
                        progress,
                    )?;
                    let summary = result.summary();
                    let forge_failure = match &token {
                        Some(token) => create_forge_releases(token, &mut result),
                        None => None,
                    };
                    Ok(JobOutput {
                        value: Published {
                            result,
                            forge_failure,
                        },
                        summary,
                        result: None,
                    })
                },
                publish_records,
            )
            .await?;
        if !dry_run {
            let r = &published.result.releases;
            let tags = r
                .iter()
                .map(|r| (r.package.clone(), r.version.clone(), r.tag.clone()));
            self.record_release_schemas(&ws, tags.collect()).await;
        }
        match published.forge_failure {
            Some((_, e)) => Err(e),
            None => Ok(published.result),
        }
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
        let config = ws.config_owned()?;
        let token = self.forge_token(&ws, config.as_ref()).await?;
        let root = ws.root.clone();
        let why = reason.clone();
        self.run_recorded(
            &ws,
            JobKind::ReleaseRollback,
            sink,
            move |_| {
                let repo = git2::Repository::open(&root)?;
                let mut r = rollback(
                    &repo,
                    &root,
                    config.as_ref(),
                    package.as_deref(),
                    &version,
                    &why,
                    not_pushed.then_some(false),
                    dry_run,
                )?;
                if let Some(token) = &token {
                    mark_rolled_back(&repo, config.as_ref(), token, &why, &mut r);
                }
                let summary = format!("{}rolled back {}", if dry_run { "dry run: " } else { "" }, r.tag);
                Ok(JobOutput {
                    value: r,
                    summary,
                    result: None,
                })
            },
            |result| rollback_records(result, &reason),
        )
        .await
    }

    /// Releases and recorded events; a read.
    pub async fn release_history(&self, path: &Path) -> Result<ReleaseHistory> {
        let ws = self.workspace(path).await?;
        let config = ws.config_owned()?;
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

/// A publish as its job ends: pushed (or listed), and the first forge
/// release that could not be created, if any.
struct Published {
    result: PublishResult,
    forge_failure: Option<(PendingRelease, crate::error::Error)>,
}

/// A cut's events, one per package, and its audit entry when it wrote.
fn cut_records(result: &Result<CutResult>, dry_run: bool, reason: Option<&str>) -> Records {
    let r = match result {
        Ok(r) => r,
        Err(e) => {
            return Records::event(Event::Release(ReleaseRecord::failed(
                ReleaseAction::Cut,
                reason,
                e,
            )))
        }
    };
    let detail = serde_json::json!({ "files": r.files.iter().map(|f| &f.path).collect::<Vec<_>>(), "signed": r.signed_tags });
    let events = r
        .releases
        .iter()
        .map(|rel| {
            Event::Release(ReleaseRecord {
                action: ReleaseAction::Cut,
                package: Some(rel.package.clone()),
                version: Some(rel.version.clone()),
                tag: Some(rel.tag.clone()),
                sha: r.commit.clone(),
                outcome: Outcome::done(dry_run),
                reason: reason.map(str::to_string),
                detail: detail.clone(),
            })
        })
        .collect();
    let records = Records { events, audit: None };
    if dry_run {
        return records;
    }
    records.audited(
        AuditAction::Release(ReleaseAction::Cut),
        serde_json::json!({ "tags": r.releases.iter().map(|x| &x.tag).collect::<Vec<_>>(), "commit": r.commit, "reason": reason }),
    )
}

/// A publish's events, one per package (or the failed one), and its audit
/// entry when something was pushed and every forge release was created.
fn publish_records(result: &Result<Published>) -> Records {
    let p = match result {
        Ok(p) => p,
        Err(e) => {
            return Records::event(Event::Release(ReleaseRecord::failed(
                ReleaseAction::Publish,
                None,
                e,
            )))
        }
    };
    let r = &p.result;
    if let Some((rel, e)) = &p.forge_failure {
        let detail = serde_json::json!({ "error": e.payload(), "pushed": true });
        return Records::event(publish_event(rel, Outcome::Failed, detail));
    }
    let events = r
        .releases
        .iter()
        .map(|rel| {
            let url = r
                .forge_releases
                .iter()
                .find(|f| f.tag == rel.tag)
                .and_then(|f| f.url.clone());
            let detail = serde_json::json!({ "remote": r.remote, "url": url });
            publish_event(rel, Outcome::done(r.dry_run), detail)
        })
        .collect();
    let records = Records { events, audit: None };
    if r.dry_run {
        return records;
    }
    records.audited(
        AuditAction::Release(ReleaseAction::Publish),
        serde_json::json!({ "remote": r.remote, "refs": r.refs }),
    )
}

/// The release event of one published package.
fn publish_event(rel: &PendingRelease, outcome: Outcome, detail: serde_json::Value) -> Event {
    Event::Release(ReleaseRecord {
        action: ReleaseAction::Publish,
        package: Some(rel.package.clone()),
        version: Some(rel.version.clone()),
        tag: Some(rel.tag.clone()),
        sha: None,
        outcome,
        reason: None,
        detail,
    })
}

/// A rollback's event, and its audit entry when it changed the repository.
fn rollback_records(result: &Result<RollbackResult>, reason: &str) -> Records {
    let r = match result {
        Ok(r) => r,
        Err(e) => {
            return Records::event(Event::Release(ReleaseRecord::failed(
                ReleaseAction::Rollback,
                Some(reason),
                e,
            )))
        }
    };
    let records = Records::event(Event::Release(ReleaseRecord {
        action: ReleaseAction::Rollback,
        package: Some(r.package.clone()),
        version: Some(r.version.clone()),
        tag: Some(r.tag.clone()),
        sha: r.revert_commit.clone(),
        outcome: Outcome::done(r.dry_run),
        reason: Some(reason.to_string()),
        detail: serde_json::json!({ "pushed": r.pushed, "steps": r.steps, "new_tag": r.new_tag }),
    }));
    if r.dry_run {
        return records;
    }
    records.audited(
        AuditAction::Release(ReleaseAction::Rollback),
        serde_json::json!({ "tag": r.tag, "pushed": r.pushed, "reason": reason, "steps": r.steps }),
    )
}
