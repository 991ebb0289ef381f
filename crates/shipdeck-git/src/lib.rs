//! Reading a repository's tags the one way every area needs: each tag
//! peeled to the commit it names, optionally with the version its name
//! carries, and what HEAD contains. Errors are plain `git2::Error`s; the
//! caller's error type converts them.
#![cfg_attr(test, allow(clippy::too_many_lines))] // unit tests read best as one scenario

use std::sync::LazyLock;

use git2::{Oid, Repository};
use regex::Regex;
use semver::Version;

#[cfg(test)]
mod tests;

/// A tag and the commit it leads to (through an annotated tag object or
/// directly).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagCommit {
    pub name: String,
    pub commit: Oid,
    /// The commit's time, epoch seconds.
    pub time: i64,
}

/// A tag whose name carries a semantic version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionTag {
    pub name: String,
    pub version: Version,
    pub commit: Oid,
    /// The commit's time, epoch seconds.
    pub time: i64,
}

/// Every tag that leads to a commit, in name order. Tags of trees or
/// blobs, and tags whose target is missing, are left out.
pub fn tag_commits(repo: &Repository) -> Result<Vec<TagCommit>, git2::Error> {
    let mut out = Vec::new();
    for name in repo.tag_names(None)?.iter().flatten() {
        if let Ok(commit) = repo
            .revparse_single(&format!("refs/tags/{name}"))
            .and_then(|o| o.peel_to_commit())
        {
            out.push(TagCommit {
                name: name.to_string(),
                commit: commit.id(),
                time: commit.time().seconds(),
            });
        }
    }
    Ok(out)
}

/// The tags `parse` finds a version in, highest version first (ties in
/// name order).
pub fn version_tags(
    repo: &Repository,
    parse: impl Fn(&str) -> Option<Version>,
) -> Result<Vec<VersionTag>, git2::Error> {
    Ok(with_versions(&tag_commits(repo)?, parse))
}

/// Of tags already read with [`tag_commits`] (one scan serving several
/// packages' patterns), those `parse` finds a version in, highest first.
pub fn with_versions(tags: &[TagCommit], parse: impl Fn(&str) -> Option<Version>) -> Vec<VersionTag> {
    let mut out: Vec<VersionTag> = tags
        .iter()
        .filter_map(|t| {
            Some(VersionTag {
                version: parse(&t.name)?,
                name: t.name.clone(),
                commit: t.commit,
                time: t.time,
            })
        })
        .collect();
    out.sort_by(|a, b| b.version.cmp(&a.version).then_with(|| a.name.cmp(&b.name)));
    out
}

/// The version in a tag name matched by `re`: its `version` group.
pub fn version_in(re: &Regex, name: &str) -> Option<Version> {
    Version::parse(&re.captures(name)?["version"]).ok()
}

/// `v1.2.3`, `1.2.3`, `api-v1.2.3`, `api@1.2.3`, with pre-release/build parts.
pub fn parse_version_tag(name: &str) -> Option<Version> {
    static VERSION_SUFFIX: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(?:.*[-@/])?v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.\-]+)?(?:\+[0-9A-Za-z.\-]+)?)$")
            .expect("a valid pattern")
    });
    let caps = VERSION_SUFFIX.captures(name)?;
    Version::parse(&caps[1]).ok()
}

/// The names of the tags that lead to `commit`, in name order.
pub fn tags_at(repo: &Repository, commit: Oid) -> Result<Vec<String>, git2::Error> {
    Ok(tag_commits(repo)?
        .into_iter()
        .filter(|t| t.commit == commit)
        .map(|t| t.name)
        .collect())
}

/// HEAD's commit, or `None` on an unborn branch.
pub fn head_commit(repo: &Repository) -> Result<Option<Oid>, git2::Error> {
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
        Err(e) => Err(e),
    }
}

/// Commits reachable from `from` and not from `hide`.
pub fn count_commits(repo: &Repository, from: Oid, hide: Option<Oid>) -> Result<u32, git2::Error> {
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

/// Among `candidates` (a tag's commit, its version, anything), the highest
/// version reachable from `head`. Candidates are tried from the highest
/// version down, so usually one short reachability check decides; no sort
/// of the whole history is needed.
pub fn highest_reachable<T>(
    repo: &Repository,
    head: Oid,
    mut candidates: Vec<(Oid, Version, T)>,
) -> Result<Option<(Oid, Version, T)>, git2::Error> {
    candidates.sort_by(|a, b| b.1.cmp(&a.1));
    for c in candidates {
        if c.0 == head || repo.graph_descendant_of(head, c.0)? {
            return Ok(Some(c));
        }
    }
    Ok(None)
}

/// The names of the tags whose commit HEAD contains: one walk of HEAD's
/// history, stopping once every tagged commit is seen.
pub fn reachable_tags(repo: &Repository) -> Result<Vec<String>, git2::Error> {
    let Some(head) = head_commit(repo)? else {
        return Ok(Vec::new());
    };
    let mut by_commit: std::collections::HashMap<Oid, Vec<String>> = std::collections::HashMap::new();
    for t in tag_commits(repo)? {
        by_commit.entry(t.commit).or_default().push(t.name);
    }
    let mut found = Vec::new();
    if by_commit.is_empty() {
        return Ok(found);
    }
    let mut walk = repo.revwalk()?;
    walk.push(head)?;
    for oid in walk {
        if let Some(names) = by_commit.remove(&oid?) {
            found.extend(names);
            if by_commit.is_empty() {
                break;
            }
        }
    }
    Ok(found)
}
