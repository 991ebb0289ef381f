//! Version tags: the newest tag that names a semantic version and is
//! reachable from HEAD (what `git describe --tags` would pick among version
//! tags), and how many commits HEAD has on top of it.

use git2::{Oid, Repository};
use serde::Serialize;
use ts_rs::TS;

use crate::error::Result;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct VersionTag {
    pub name: String,
    pub version: String,
    /// The tagged commit.
    pub sha: String,
    /// Commits reachable from HEAD but not from the tag.
    pub commits_since: u32,
}

/// `v1.2.3`, `1.2.3`, `api-v1.2.3`, `api@1.2.3`, with pre-release/build parts.
pub use shipdeck_git::parse_version_tag;

/// The highest version tag reachable from HEAD, or `None` (no HEAD yet, or
/// no version tags in its history).
pub fn nearest_version_tag(repo: &Repository) -> Result<Option<VersionTag>> {
    let Some(head) = head_commit(repo)? else {
        return Ok(None);
    };
    let candidates = shipdeck_git::version_tags(repo, parse_version_tag)?
        .into_iter()
        .map(|t| (t.commit, t.version, t.name))
        .collect();
    let Some((oid, version, name)) = shipdeck_git::highest_reachable(repo, head, candidates)? else {
        return Ok(None);
    };
    Ok(Some(VersionTag {
        name,
        version: version.to_string(),
        sha: oid.to_string(),
        commits_since: count_commits(repo, head, Some(oid))?,
    }))
}

pub fn head_commit(repo: &Repository) -> Result<Option<Oid>> {
    Ok(shipdeck_git::head_commit(repo)?)
}

/// Commits reachable from `from` and not from `hide`.
pub fn count_commits(repo: &Repository, from: Oid, hide: Option<Oid>) -> Result<u32> {
    Ok(shipdeck_git::count_commits(repo, from, hide)?)
}
