//! Version tags: the newest tag that names a semantic version and is
//! reachable from HEAD (what `git describe --tags` would pick among version
//! tags), and how many commits HEAD has on top of it.

use std::sync::LazyLock;

use git2::{Oid, Repository};
use regex::Regex;
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
pub fn parse_version_tag(name: &str) -> Option<semver::Version> {
    static VERSION_SUFFIX: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(?:.*[-@/])?v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.\-]+)?(?:\+[0-9A-Za-z.\-]+)?)$").unwrap()
    });
    let caps = VERSION_SUFFIX.captures(name)?;
    semver::Version::parse(&caps[1]).ok()
}

/// Among `candidates` (a tag's commit, its version, its name), the highest
/// version reachable from `head`. Candidates are tried from the highest
/// version down, so usually one short reachability check decides; no sort
/// of the whole history is needed.
pub(crate) fn highest_reachable<T>(
    repo: &Repository,
    head: Oid,
    mut candidates: Vec<(Oid, semver::Version, T)>,
) -> Result<Option<(Oid, semver::Version, T)>> {
    candidates.sort_by(|a, b| b.1.cmp(&a.1));
    for c in candidates {
        if c.0 == head || repo.graph_descendant_of(head, c.0)? {
            return Ok(Some(c));
        }
    }
    Ok(None)
}

/// The highest version tag reachable from HEAD, or `None` (no HEAD yet, or
/// no version tags in its history).
pub fn nearest_version_tag(repo: &Repository) -> Result<Option<VersionTag>> {
    let Some(head) = head_commit(repo)? else {
        return Ok(None);
    };
    let mut candidates = Vec::new();
    for name in repo.tag_names(None)?.iter().flatten() {
        let Some(version) = parse_version_tag(name) else {
            continue;
        };
        if let Ok(commit) = repo
            .revparse_single(&format!("refs/tags/{name}"))
            .and_then(|o| o.peel_to_commit())
        {
            candidates.push((commit.id(), version, name.to_string()));
        }
    }
    let Some((oid, version, name)) = highest_reachable(repo, head, candidates)? else {
        return Ok(None);
    };
    Ok(Some(VersionTag {
        name,
        version: version.to_string(),
        sha: oid.to_string(),
        commits_since: count_commits(repo, head, Some(oid))?,
    }))
}

pub(crate) fn head_commit(repo: &Repository) -> Result<Option<Oid>> {
    match repo.head() {
        Ok(head) => Ok(Some(head.peel_to_commit()?.id())),
        Err(e)
            if matches!(
                e.code(),
                git2::ErrorCode::UnbornBranch | git2::ErrorCode::NotFound
            ) =>
        {
            Ok(None)
        }
        Err(e) => Err(e.into()),
    }
}

/// Commits reachable from `from` and not from `hide`.
pub(crate) fn count_commits(repo: &Repository, from: Oid, hide: Option<Oid>) -> Result<u32> {
    let mut walk = repo.revwalk()?;
    walk.push(from)?;
    if let Some(hide) = hide {
        walk.hide(hide)?;
    }
    let mut n = 0u32;
    for oid in walk {
        oid?;
        n += 1;
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_tag_names() {
        assert_eq!(parse_version_tag("v1.2.3").unwrap().to_string(), "1.2.3");
        assert_eq!(parse_version_tag("1.4.0-rc.1").unwrap().to_string(), "1.4.0-rc.1");
        assert_eq!(parse_version_tag("api-v0.3.0").unwrap().to_string(), "0.3.0");
        assert_eq!(parse_version_tag("web@2.0.0").unwrap().to_string(), "2.0.0");
        assert!(parse_version_tag("release-2024").is_none());
        assert!(parse_version_tag("v1.2").is_none());
    }
}
