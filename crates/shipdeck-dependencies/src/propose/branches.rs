//! Which update branches to propose, into which base, and what each one
//! bumps: read from the `Shipdeck-Bump` trailers of its commits that the
//! base lacks.

use git2::{BranchType, Oid, Repository, Sort};
use shipdeck_base::error::Result;
use shipdeck_releases::ReleaseError;

use crate::error::DepsError;
use crate::update::{parse_bump_trailers, Bump};

/// Where `deps update` makes its branches.
pub const BRANCH_PREFIX: &str = "shipdeck/deps/";
/// Commits of one branch read for trailers; an update branch has a few.
const MAX_COMMITS: usize = 200;
/// Update branches proposed in one run.
const MAX_BRANCHES: usize = 50;

/// One branch to propose.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub name: String,
    pub tip: Oid,
    /// The subject of its first commit past the base.
    pub title: String,
    pub bumps: Vec<Bump>,
}

/// The branch pull requests merge into: HEAD's branch, else (detached
/// HEAD) the remote's default branch. Its short name and commit.
pub fn base_branch(repo: &Repository, remote: &str) -> Result<(String, Oid)> {
    if let Ok(head) = repo.head() {
        if head.is_branch() {
            if let (Some(name), Some(oid)) = (head.shorthand(), head.target()) {
                return Ok((name.to_string(), oid));
            }
        }
    }
    let default = repo
        .find_reference(&format!("refs/remotes/{remote}/HEAD"))
        .ok()
        .and_then(|r| {
            let target = r.symbolic_target()?.to_string();
            let oid = r.resolve().ok()?.target()?;
            let name = target
                .strip_prefix(&format!("refs/remotes/{remote}/"))?
                .to_string();
            Some((name, oid))
        });
    default.ok_or_else(|| ReleaseError::DetachedHead.into())
}

/// `branch`, or every local `shipdeck/deps/…` branch, with its commits
/// past `base`; a branch with none is not a candidate.
pub fn candidates(repo: &Repository, base: Oid, branch: Option<&str>) -> Result<Vec<Candidate>> {
    let names: Vec<String> = match branch {
        Some(b) => vec![b.to_string()],
        None => {
            let mut names: Vec<String> = repo
                .branches(Some(BranchType::Local))?
                .filter_map(|b| b.ok()?.0.name().ok().flatten().map(str::to_string))
                .filter(|n| n.starts_with(BRANCH_PREFIX))
                .collect();
            names.sort();
            names
        }
    };
    let mut out = Vec::new();
    for name in names.into_iter().take(MAX_BRANCHES) {
        let Ok(found) = repo.find_branch(&name, BranchType::Local) else {
            return Err(DepsError::NoUpdateBranch {
                detail: format!("there is no local branch {name:?}"),
            }
            .into());
        };
        let Some(tip) = found.get().target() else { continue };
        if let Some(c) = candidate(repo, &name, tip, base)? {
            out.push(c);
        }
    }
    if out.is_empty() {
        let detail = match branch {
            Some(b) => format!("{b} has no commits that the base branch lacks"),
            None => format!("no local {BRANCH_PREFIX}… branch has commits that the base branch lacks"),
        };
        return Err(DepsError::NoUpdateBranch { detail }.into());
    }
    Ok(out)
}

fn candidate(repo: &Repository, name: &str, tip: Oid, base: Oid) -> Result<Option<Candidate>> {
    let mut walk = repo.revwalk()?;
    walk.push(tip)?;
    walk.hide(base)?;
    walk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)?;
    let mut title = None;
    let mut bumps: Vec<Bump> = Vec::new();
    for oid in walk.take(MAX_COMMITS) {
        let commit = repo.find_commit(oid?)?;
        let message = String::from_utf8_lossy(commit.message_bytes()).into_owned();
        if title.is_none() {
            title = Some(message.lines().next().unwrap_or_default().trim().to_string());
        }
        for b in parse_bump_trailers(&message) {
            // A later commit of the branch moving the same dependency wins.
            bumps.retain(|x| (x.ecosystem, &x.name, &x.manifest) != (b.ecosystem, &b.name, &b.manifest));
            bumps.push(b);
        }
    }
    Ok(title.map(|title| Candidate {
        name: name.to_string(),
        tip,
        title: if title.is_empty() { name.to_string() } else { title },
        bumps,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_detached_head_proposes_into_the_remote_default_branch() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        let sig = git2::Signature::now("T", "t@example.com").unwrap();
        let tree = repo
            .find_tree(repo.index().unwrap().write_tree().unwrap())
            .unwrap();
        let c = repo
            .commit(Some("HEAD"), &sig, &sig, "first", &tree, &[])
            .unwrap();
        repo.set_head_detached(c).unwrap();
        let err = base_branch(&repo, "origin").unwrap_err();
        assert_eq!(err.code(), "release.detached_head");
        repo.reference("refs/remotes/origin/trunk", c, true, "fetched")
            .unwrap();
        repo.reference_symbolic(
            "refs/remotes/origin/HEAD",
            "refs/remotes/origin/trunk",
            true,
            "default",
        )
        .unwrap();
        assert_eq!(base_branch(&repo, "origin").unwrap(), ("trunk".to_string(), c));
    }
}
