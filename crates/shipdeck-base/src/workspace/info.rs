//! The Overview's facts about a workspace, read in one pass.

use git2::{Repository, StatusOptions};
use serde::Serialize;
use ts_rs::TS;

use super::detect::{detect_manifests, detect_migration_folders, ecosystems, Manifest, MigrationFolder};
use super::tags::{count_commits, head_commit, nearest_version_tag};
use super::Workspace;
use crate::config::ConfigStatus;
use crate::error::Result;

#[derive(Debug, Clone, Serialize, TS)]
pub struct CommitSummary {
    pub sha: String,
    pub short_sha: String,
    pub subject: String,
    pub author: String,
    /// Commit time, Unix epoch milliseconds.
    pub time: i64,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct WorkspaceInfo {
    pub id: String,
    pub root: String,
    pub name: String,
    /// Current branch; `null` when HEAD is detached.
    pub branch: Option<String>,
    pub detached: bool,
    /// Full sha of HEAD; `null` in a repository without commits.
    pub head: Option<String>,
    pub head_commit: Option<CommitSummary>,
    pub dirty: bool,
    /// Changed, staged and untracked files (ignored ones excluded).
    pub dirty_files: u32,
    pub last_tag: Option<String>,
    pub last_version: Option<String>,
    /// Commits on top of `last_tag`, or in the whole history without one.
    pub commits_since_tag: u32,
    pub ecosystems: Vec<String>,
    pub manifests: Vec<Manifest>,
    pub migration_folders: Vec<MigrationFolder>,
    pub config: ConfigStatus,
}

impl WorkspaceInfo {
    pub fn read(ws: &Workspace) -> Result<WorkspaceInfo> {
        let repo = ws.repo()?;
        let (branch, detached) = branch(&repo)?;
        let head = head_commit(&repo)?;
        let head_commit = head.map(|oid| summarize(&repo, oid)).transpose()?;
        let dirty_files = dirty_files(&repo)?;
        let tag = nearest_version_tag(&repo)?;
        let commits_since_tag = match (&tag, head) {
            (Some(t), _) => t.commits_since,
            (None, Some(h)) => count_commits(&repo, h, None)?,
            (None, None) => 0,
        };
        let config = ws.config().ok().flatten();
        let manifests = detect_manifests(&ws.root);
        Ok(WorkspaceInfo {
            id: ws.id.clone(),
            root: ws.root.display().to_string(),
            name: ws.name.clone(),
            branch,
            detached,
            head: head.map(|h| h.to_string()),
            head_commit,
            dirty: dirty_files > 0,
            dirty_files,
            last_tag: tag.as_ref().map(|t| t.name.clone()),
            last_version: tag.map(|t| t.version),
            commits_since_tag,
            ecosystems: ecosystems(&manifests),
            manifests,
            migration_folders: detect_migration_folders(&ws.root, config),
            config: ConfigStatus::of(ws.config()),
        })
    }
}

/// (branch name, detached). An unborn branch (no commits yet) still has a name.
fn branch(repo: &Repository) -> Result<(Option<String>, bool)> {
    if repo.head_detached()? {
        return Ok((None, true));
    }
    let head = repo.find_reference("HEAD")?;
    let target = head.symbolic_target().unwrap_or("");
    Ok((Some(target.trim_start_matches("refs/heads/").to_string()), false))
}

pub(crate) fn summarize(repo: &Repository, oid: git2::Oid) -> Result<CommitSummary> {
    let commit = repo.find_commit(oid)?;
    let sha = oid.to_string();
    let author = commit.author().name().unwrap_or("unknown").to_string();
    Ok(CommitSummary {
        short_sha: sha[..7].to_string(),
        sha,
        subject: commit.summary().unwrap_or("").to_string(),
        author,
        time: commit.time().seconds() * 1000,
    })
}

fn dirty_files(repo: &Repository) -> Result<u32> {
    let mut opts = StatusOptions::new();
    opts.include_untracked(true)
        .recurse_untracked_dirs(true)
        .include_ignored(false)
        .exclude_submodules(true);
    let statuses = repo.statuses(Some(&mut opts))?;
    Ok(statuses
        .iter()
        .filter(|s| !s.status().is_ignored() && s.status() != git2::Status::CURRENT)
        .count() as u32)
}
