//! The steps of a publish and of a rollback that run on the job's thread:
//! the push, then one forge release per tag; after a pushed rollback, the
//! note on its forge release. The API layer runs them as one recorded job.

use std::path::Path;

use shipdeck_base::config::Config;
use shipdeck_base::error::{Error, Result};
use shipdeck_base::jobs::Progress;

use super::error::ReleaseError;
use super::forge::Forge;
use super::publish::{create_forge_release, mark_superseded, pending, push, PendingRelease, PublishResult};
use super::rollback::RollbackResult;

/// A publish job's first step: push the release commit and tags (or list
/// them, on a dry run), with the flags `(dry_run, skip_forge)`.
pub fn push_pending(
    root: &Path,
    config: Option<&Config>,
    (dry_run, skip_forge): (bool, bool),
    push_token: Option<&str>,
    progress: &Progress,
) -> Result<PublishResult> {
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
    Ok(PublishResult {
        dry_run,
        remote,
        refs,
        releases,
        forge,
        forge_releases: Vec::new(),
    })
}

/// After a real push, one forge release per tag, on the job's thread; the
/// first failure ends the creation.
pub fn create_forge_releases(token: &str, r: &mut PublishResult) -> Option<(PendingRelease, Error)> {
    let (false, Some(forge)) = (r.dry_run, r.forge.clone()) else {
        return None;
    };
    let handle = tokio::runtime::Handle::current();
    for rel in r.releases.clone() {
        match handle.block_on(create_forge_release(&forge, token, &rel)) {
            Ok(fr) => r.forge_releases.push(fr),
            Err(e) => return Some((rel, e)),
        }
    }
    None
}

/// After a pushed rollback, notes on the forge release that it was rolled
/// back and by what (on the job's thread); the outcome becomes a step.
pub fn mark_rolled_back(
    repo: &git2::Repository,
    config: Option<&Config>,
    token: &str,
    reason: &str,
    r: &mut RollbackResult,
) {
    if !r.pushed || r.dry_run {
        return;
    }
    let remote = config
        .and_then(|c| c.release.remote.clone())
        .unwrap_or_else(|| "origin".into());
    let url = repo
        .find_remote(&remote)
        .ok()
        .and_then(|rm| rm.url().map(str::to_string));
    let release_cfg = config.map(|c| c.release.clone()).unwrap_or_default();
    let Some(forge) = url.and_then(|u| Forge::detect(&u, &release_cfg).ok().flatten()) else {
        return;
    };
    let note = format!(
        "Rolled back: {reason}. Superseded by {}.",
        r.new_tag.clone().unwrap_or_default()
    );
    let marked = tokio::runtime::Handle::current().block_on(mark_superseded(&forge, token, &r.tag, &note));
    r.steps.push(match marked {
        Ok(()) => format!("marked the forge release {} as rolled back", r.tag),
        Err(e) => format!(
            "could not mark the forge release {}: {}",
            r.tag,
            e.payload().message
        ),
    });
}

impl PublishResult {
    /// The job's one-line summary.
    pub fn summary(&self) -> String {
        let tags: Vec<&str> = self.releases.iter().map(|r| r.tag.as_str()).collect();
        format!(
            "{}pushed {}",
            if self.dry_run { "dry run: " } else { "" },
            tags.join(", ")
        )
    }
}
