//! The workspace's git history, read once: for every path, the commits that
//! touched it (newest first). Merge commits are passed over (their
//! branches' own commits are walked), like `git log -- PATH` shows them.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use git2::{DiffOptions, Oid, Repository, Sort};
use serde::Serialize;
use shipdeck_base::jobs::Progress;
use ts_rs::TS;

use crate::error::DocsError;

/// At most this many commits are read, newest first.
pub const MAX_COMMITS: usize = 50_000;

/// One commit, as shown for a stale page.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(rename = "DocCommit")]
pub struct CommitInfo {
    pub id: String,
    pub subject: String,
    pub author: String,
    /// RFC 3339, UTC.
    pub date: String,
}

pub struct History {
    repo: Repository,
    /// Walk order: index 0 is the newest.
    commits: Vec<(Oid, CommitInfo)>,
    /// Workspace-relative path → indexes into `commits`, ascending.
    touched: BTreeMap<String, Vec<usize>>,
    /// The workspace inside the repository (`""`: its root).
    prefix: String,
}

impl History {
    /// Reads the history of the repository holding `root` (canonical);
    /// `None` when it is in none, or it has no commit yet.
    pub fn open(root: &Path, progress: &Progress) -> shipdeck_base::error::Result<Option<History>> {
        let Ok(repo) = Repository::discover(root) else {
            return Ok(None);
        };
        let Some(workdir) = repo.workdir().and_then(|w| w.canonicalize().ok()) else {
            return Ok(None);
        };
        let Some(prefix) = crate::find::relative(&workdir, root) else {
            return Ok(None);
        };
        if repo.head().ok().and_then(|h| h.target()).is_none() {
            return Ok(None);
        }
        let mut history = History {
            repo,
            commits: Vec::new(),
            touched: BTreeMap::new(),
            prefix,
        };
        history.walk(progress)?;
        Ok(Some(history))
    }

    fn walk(&mut self, progress: &Progress) -> shipdeck_base::error::Result<()> {
        let mut walk = self.repo.revwalk().map_err(DocsError::from)?;
        walk.set_sorting(Sort::TOPOLOGICAL | Sort::TIME)
            .map_err(DocsError::from)?;
        walk.push_head().map_err(DocsError::from)?;
        for (n, oid) in walk.take(MAX_COMMITS).enumerate() {
            if n % 200 == 0 {
                progress.checkpoint()?;
                progress.report(n as u64, None, "reading history");
            }
            let oid = oid.map_err(DocsError::from)?;
            let commit = self.repo.find_commit(oid).map_err(DocsError::from)?;
            if commit.parent_count() > 1 {
                continue;
            }
            let paths = self.changed(&commit)?;
            let index = self.commits.len();
            for p in paths {
                self.touched.entry(p).or_default().push(index);
            }
            self.commits.push((oid, info(&commit)));
        }
        Ok(())
    }

    /// The workspace-relative paths `commit` changes against its parent.
    fn changed(&self, commit: &git2::Commit) -> Result<BTreeSet<String>, DocsError> {
        let tree = commit.tree()?;
        let parent = commit.parents().next().map(|p| p.tree()).transpose()?;
        let prefix = self.prefix.as_str();
        let mut opts = DiffOptions::new();
        if !prefix.is_empty() {
            opts.pathspec(prefix);
        }
        let diff = self
            .repo
            .diff_tree_to_tree(parent.as_ref(), Some(&tree), Some(&mut opts))?;
        let mut out = BTreeSet::new();
        for d in diff.deltas() {
            for f in [d.old_file(), d.new_file()] {
                let Some(p) = f.path().and_then(|p| p.to_str()) else {
                    continue;
                };
                let rel = if prefix.is_empty() {
                    Some(p)
                } else {
                    p.strip_prefix(prefix).and_then(|r| r.strip_prefix('/'))
                };
                if let Some(rel) = rel {
                    out.insert(rel.to_string());
                }
            }
        }
        Ok(out)
    }

    /// The newest commit that touched `path` (a file), by walk index.
    pub fn last(&self, path: &str) -> Option<usize> {
        self.touched.get(path).and_then(|v| v.first().copied())
    }

    /// The walk index of `id` (a full commit id), when it was walked.
    pub fn index_of(&self, id: &str) -> Option<usize> {
        let oid = Oid::from_str(id).ok()?;
        self.commits.iter().position(|(o, _)| *o == oid)
    }

    /// Commits newer than `since` (a walk index) that touched `path` or,
    /// for a folder, anything under it.
    pub fn newer(&self, path: &str, since: usize) -> BTreeSet<usize> {
        let folder = format!("{path}/");
        let exact = self.touched.get(path).into_iter();
        let under = self
            .touched
            .range(folder.clone()..)
            .take_while(|(k, _)| k.starts_with(&folder))
            .map(|(_, v)| v);
        exact
            .chain(under)
            .flat_map(|v| v.iter().copied().take_while(|&i| i < since))
            .collect()
    }

    pub fn commit(&self, index: usize) -> &CommitInfo {
        &self.commits[index].1
    }

    /// Files changed, lines added and removed by the commit at `index`,
    /// counted only in `pathspecs` (workspace-relative paths).
    pub fn stat(&self, index: usize, pathspecs: &[String]) -> Option<(usize, usize, usize)> {
        let commit = self.repo.find_commit(self.commits[index].0).ok()?;
        let tree = commit.tree().ok()?;
        let parent = commit.parents().next().and_then(|p| p.tree().ok());
        let mut opts = DiffOptions::new();
        for p in pathspecs {
            if self.prefix.is_empty() {
                opts.pathspec(p);
            } else {
                opts.pathspec(format!("{}/{p}", self.prefix));
            }
        }
        let diff = self
            .repo
            .diff_tree_to_tree(parent.as_ref(), Some(&tree), Some(&mut opts))
            .ok()?;
        let s = diff.stats().ok()?;
        Some((s.files_changed(), s.insertions(), s.deletions()))
    }
}

fn info(c: &git2::Commit) -> CommitInfo {
    CommitInfo {
        id: c.id().to_string(),
        subject: c.summary().unwrap_or_default().chars().take(200).collect(),
        author: c.author().name().unwrap_or_default().chars().take(100).collect(),
        date: rfc3339(c.time().seconds()),
    }
}

pub fn rfc3339(seconds: i64) -> String {
    chrono::DateTime::from_timestamp(seconds, 0)
        .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default()
}

/// RFC 3339 (UTC) of unix milliseconds.
pub fn rfc3339_ms(ms: i64) -> String {
    rfc3339(ms.div_euclid(1000))
}
