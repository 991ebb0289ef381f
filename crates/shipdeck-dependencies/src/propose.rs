//! Proposing update branches: push, then open (or update) the pull or merge
//! request on the workspace's forge with the upstream changelog excerpts.
//!
//! The forge, the push and the pull request are the Releases area's
//! ([`shipdeck_releases::forge`], [`shipdeck_releases::publish::push_refs`],
//! [`shipdeck_releases::pulls`]): one place decides where the workspace's
//! token may go. This module decides what is proposed and what the request
//! says; the upstream notes are read without any credential.

pub mod body;
pub mod branches;
pub mod notes;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use git2::Repository;
use serde::{Deserialize, Serialize};
use shipdeck_base::config::Config;
use shipdeck_base::error::{Error, Result};
use shipdeck_base::jobs::Progress;
use shipdeck_base::secrets::redact;
use shipdeck_releases::forge::{Forge, ForgeKind};
use shipdeck_releases::publish::push_refs;
use shipdeck_releases::pulls::{find_open_pull_request, open_or_update_pull_request, PullRequestDraft};
use shipdeck_releases::ReleaseError;
use ts_rs::TS;

use crate::error::DepsError;
use crate::update::Bump;
use crate::{Ecosystem, OutdatedOptions};
use branches::Candidate;
use notes::Notes;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct ProposeRequest {
    /// The update branch; every local `shipdeck/deps/…` branch ahead of HEAD when absent.
    pub branch: Option<String>,
}

/// One pull/merge request opened or updated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Proposal {
    pub branch: String,
    pub title: String,
    pub url: Option<String>,
    pub number: Option<u64>,
    /// False when an open request for the branch existed and was updated.
    pub created: bool,
    pub bumps: Vec<Bump>,
    /// The branch the request merges into.
    #[serde(default)]
    pub base: String,
    /// The commit pushed as the branch's head.
    #[serde(default)]
    pub commit: String,
    /// The request's body as sent (Markdown).
    #[serde(default)]
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ProposeOutcome {
    pub remote: String,
    pub proposals: Vec<Proposal>,
}

/// How `propose` reaches the registries and the upstream forges.
#[derive(Debug, Clone)]
pub struct ProposeOptions {
    /// How the registries are read to find each package's repository.
    pub registry: OutdatedOptions,
    /// Self-hosted upstream forges: `host[:port]` → kind (see
    /// [`notes::parse_declared`]); known public forges need no entry.
    pub upstream_forges: Vec<(String, ForgeKind)>,
    /// Per upstream releases request.
    pub notes_timeout: Duration,
    /// Packages whose notes are read in one run; the rest get a link.
    pub max_packages: usize,
}

impl Default for ProposeOptions {
    fn default() -> Self {
        Self {
            registry: OutdatedOptions {
                timeout: Duration::from_secs(10),
                ..OutdatedOptions::default()
            },
            upstream_forges: Vec::new(),
            notes_timeout: Duration::from_secs(10),
            max_packages: 20,
        }
    }
}

/// The workspace's forge and what it takes to reach it.
struct Target {
    remote: String,
    forge: Forge,
    token: String,
}

/// Pushes the update branches `request` names and opens or updates one
/// pull/merge request each. Blocks: call it from a blocking thread. For
/// each branch the open request is looked up first, so a forge that cannot
/// be reached fails the run before anything is pushed.
pub fn propose(
    root: &Path,
    config: Option<&Config>,
    request: &ProposeRequest,
    token: Option<&str>,
    opts: &ProposeOptions,
    progress: &Progress,
) -> Result<ProposeOutcome> {
    let repo = Repository::open(root)?;
    let target = target(&repo, config, token)?;
    let (base, base_oid) = branches::base_branch(&repo, &target.remote)?;
    let candidates = branches::candidates(&repo, base_oid, request.branch.as_deref())?;
    progress.report(0, None, "reading release notes");
    let notes = release_notes(root, &candidates, opts, progress)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Internal(format!("async runtime: {e}")))?;
    let total = candidates.len() as u64;
    let mut proposals = Vec::new();
    for (i, c) in candidates.into_iter().enumerate() {
        progress.checkpoint()?;
        progress.report(i as u64, Some(total), format!("proposing {}", c.name));
        proposals.push(propose_one(&repo, &runtime, &target, &base, c, &notes)?);
    }
    progress.report(total, Some(total), "proposed");
    Ok(ProposeOutcome {
        remote: target.remote,
        proposals,
    })
}

fn target(repo: &Repository, config: Option<&Config>, token: Option<&str>) -> Result<Target> {
    let release = config.map(|c| c.release.clone()).unwrap_or_default();
    let remote = release.remote.clone().unwrap_or_else(|| "origin".into());
    let url = repo
        .find_remote(&remote)
        .ok()
        .and_then(|r| r.url().map(str::to_string))
        .ok_or_else(|| ReleaseError::NoRemote { name: remote.clone() })?;
    let Some(forge) = Forge::detect(&url, &release)? else {
        return Err(DepsError::ForgeUnsupported {
            remote: format!("{remote} ({})", redact(&url)),
        }
        .into());
    };
    let token = token
        .filter(|t| !t.is_empty())
        .ok_or_else(|| ReleaseError::NoToken {
            detail: "opening a pull request needs release.token".into(),
        })?;
    Ok(Target {
        remote,
        forge,
        token: token.to_string(),
    })
}

fn propose_one(
    repo: &Repository,
    runtime: &tokio::runtime::Runtime,
    t: &Target,
    base: &str,
    c: Candidate,
    notes: &BTreeMap<(Ecosystem, String), Notes>,
) -> Result<Proposal> {
    let mut bumps = c.bumps;
    body::sort_bumps(&mut bumps);
    let draft = PullRequestDraft {
        head: c.name.clone(),
        base: base.to_string(),
        title: c.title,
        body: body::render(&bumps, notes),
        labels: vec!["dependencies".into()],
    };
    let existing = runtime.block_on(find_open_pull_request(&t.forge, &t.token, &c.name))?;
    // Shipdeck's own branches are remade by each `deps update`, so they
    // replace the remote's; a branch of the user's is pushed as git would.
    let force = if c.name.starts_with(branches::BRANCH_PREFIX) {
        "+"
    } else {
        ""
    };
    let refspec = format!("{force}refs/heads/{0}:refs/heads/{0}", c.name);
    push_refs(repo, &t.remote, &[refspec], Some(&t.token))?;
    let pr = runtime.block_on(open_or_update_pull_request(
        &t.forge,
        &t.token,
        &draft,
        existing.as_ref(),
    ))?;
    Ok(Proposal {
        branch: c.name,
        title: draft.title,
        url: pr.url,
        number: pr.number,
        created: pr.created,
        bumps,
        base: draft.base,
        commit: c.tip.to_string(),
        body: draft.body,
    })
}

/// The release notes of every bumped package (at most
/// `opts.max_packages`), keyed by package. Nothing here fails the run: a
/// package whose notes cannot be read gets its releases page, or nothing.
fn release_notes(
    root: &Path,
    candidates: &[Candidate],
    opts: &ProposeOptions,
    progress: &Progress,
) -> Result<BTreeMap<(Ecosystem, String), Notes>> {
    let mut wanted: Vec<(Ecosystem, String, String, String)> = Vec::new();
    for b in candidates.iter().flat_map(|c| &c.bumps) {
        if !wanted.iter().any(|w| w.0 == b.ecosystem && w.1 == b.name) {
            wanted.push((b.ecosystem, b.name.clone(), b.from.clone(), b.to.clone()));
        }
    }
    wanted.truncate(opts.max_packages);
    let keys: Vec<(Ecosystem, String)> = wanted.iter().map(|w| (w.0, w.1.clone())).collect();
    let repos = match crate::run::repositories(root, &opts.registry, &keys, progress) {
        Ok(r) => r,
        Err(Error::Cancelled) => return Err(Error::Cancelled),
        Err(e) => {
            tracing::warn!(error = %e.payload().message, "package repositories not read");
            BTreeMap::new()
        }
    };
    let Some(client) = notes::client(opts.notes_timeout) else {
        return Ok(BTreeMap::new());
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Internal(format!("async runtime: {e}")))?;
    let mut out = BTreeMap::new();
    for (eco, name, from, to) in wanted {
        progress.checkpoint()?;
        let Some(forge) = repos
            .get(&(eco, name.clone()))
            .and_then(|r| notes::upstream(r, &opts.upstream_forges))
        else {
            continue;
        };
        let releases = runtime
            .block_on(notes::read(&client, &forge, &from, &to))
            .unwrap_or_else(|e| {
                tracing::info!(package = %name, error = %redact(&e), "release notes not read");
                Vec::new()
            });
        let page = Some(notes::releases_page(&forge));
        out.insert((eco, name), Notes { releases, page });
    }
    Ok(out)
}
