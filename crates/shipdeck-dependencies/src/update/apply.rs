//! Making the branches without touching the user's checkout: each branch
//! gets a linked worktree (git2) in a temporary folder, checked out at the
//! base commit; the edits and the package managers run there; the result
//! is committed on the branch. Whatever happens, the worktrees are removed,
//! and on failure every branch this run made is deleted again.

use std::path::{Path, PathBuf};
use std::time::Duration;

use git2::{Repository, WorktreeAddOptions, WorktreePruneOptions};
use shipdeck_base::error::Result;
use shipdeck_base::jobs::Progress;

use super::plan::{contained, git, Planned, Step};
use super::tools;
use crate::config::UserEnv;
use crate::error::DepsError;

/// Undoes what a run made unless it is told it succeeded; runs on drop, so
/// an early return or a panic cleans up as well.
struct Cleanup<'r> {
    repo: &'r Repository,
    worktrees: Vec<(String, tempfile::TempDir)>,
    branches: Vec<String>,
    keep_branches: bool,
}

impl Cleanup<'_> {
    fn remove_worktrees(&mut self) {
        for (name, dir) in self.worktrees.drain(..) {
            let _ = std::fs::remove_dir_all(dir.path().join("wt"));
            if let Ok(wt) = self.repo.find_worktree(&name) {
                let mut opts = WorktreePruneOptions::new();
                opts.valid(true).working_tree(true).locked(true);
                let _ = wt.prune(Some(&mut opts));
            }
            drop(dir);
        }
    }
}

impl Drop for Cleanup<'_> {
    fn drop(&mut self) {
        self.remove_worktrees();
        if !self.keep_branches {
            for name in &self.branches {
                if let Ok(mut b) = self.repo.find_branch(name, git2::BranchType::Local) {
                    let _ = b.delete();
                }
            }
        }
    }
}

/// Refuses a tree with changes: modified, staged, deleted or untracked
/// files (ignored files do not count).
pub fn check_clean(repo: &Repository) -> Result<(), DepsError> {
    let mut opts = git2::StatusOptions::new();
    opts.include_untracked(true)
        .include_ignored(false)
        .recurse_untracked_dirs(false)
        .exclude_submodules(true);
    let statuses = repo.statuses(Some(&mut opts)).map_err(|e| git(&e))?;
    let files: Vec<String> = statuses
        .iter()
        .filter(|s| s.status() != git2::Status::CURRENT && !s.status().is_ignored())
        .take(20)
        .filter_map(|s| s.path().map(String::from))
        .collect();
    if files.is_empty() {
        Ok(())
    } else {
        Err(DepsError::DirtyTree { files })
    }
}

pub fn check_free(repo: &Repository, branch: &str) -> Result<(), DepsError> {
    match repo.find_branch(branch, git2::BranchType::Local) {
        Ok(_) => Err(DepsError::BranchExists {
            branch: branch.into(),
        }),
        Err(_) => Ok(()),
    }
}

/// What running a plan needs besides the plan.
pub struct Run<'a> {
    pub repo: &'a Repository,
    /// The workspace's folder inside the repository.
    pub prefix: &'a Path,
    pub base: git2::Oid,
    pub env: &'a UserEnv,
    pub timeout: Duration,
}

/// Makes every planned branch; the commit ids, in order.
pub fn apply(run: &Run, plans: &[Planned], progress: &Progress) -> Result<Vec<git2::Oid>> {
    let mut cleanup = Cleanup {
        repo: run.repo,
        worktrees: Vec::new(),
        branches: Vec::new(),
        keep_branches: false,
    };
    let base = run.repo.find_commit(run.base).map_err(|e| git(&e))?;
    let mut commits = Vec::new();
    let total = plans.len() as u64;
    for (i, plan) in plans.iter().enumerate() {
        progress.checkpoint()?;
        progress.report(i as u64, Some(total), &plan.branch);
        let branch = run.repo.branch(&plan.branch, &base, false).map_err(|e| git(&e))?;
        cleanup.branches.push(plan.branch.clone());
        let dir = tempfile::Builder::new()
            .prefix("shipdeck-deps-")
            .tempdir()
            .map_err(|e| DepsError::Git {
                detail: e.to_string(),
            })?;
        let name = format!(
            "shipdeck-deps-{}",
            dir.path()
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("wt")
                .trim_start_matches("shipdeck-deps-")
        );
        let path = dir.path().join("wt");
        let mut opts = WorktreeAddOptions::new();
        let reference = branch.into_reference();
        opts.reference(Some(&reference));
        run.repo
            .worktree(&name, &path, Some(&opts))
            .map_err(|e| git(&e))?;
        cleanup.worktrees.push((name, dir));
        let commit = in_worktree(run, &path, plan, progress, (i as u64, total))?;
        commits.push(commit);
        cleanup.remove_worktrees();
    }
    progress.report(total, Some(total), "done");
    cleanup.keep_branches = true;
    Ok(commits)
}

/// Writes a planned file in the worktree; a symbolic link on the way is refused.
fn write(root: &Path, rel: &str, text: &str) -> Result<(), DepsError> {
    let unsafe_path = || DepsError::UnsafePath { path: rel.into() };
    let rel_path = contained(rel)?;
    let mut cur = PathBuf::from(root);
    for c in rel_path.components() {
        cur.push(c);
        if std::fs::symlink_metadata(&cur).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(unsafe_path());
        }
    }
    std::fs::write(&cur, text).map_err(|e| DepsError::InvalidManifest {
        path: rel.into(),
        message: e.to_string(),
    })
}

fn in_worktree(
    run: &Run,
    path: &Path,
    plan: &Planned,
    progress: &Progress,
    (done, total): (u64, u64),
) -> Result<git2::Oid> {
    let ws = path.join(run.prefix);
    let write_all = || -> Result<(), DepsError> {
        for e in &plan.edits {
            write(&ws, &e.path, &e.after)?;
        }
        Ok(())
    };
    write_all()?;
    for step in &plan.steps {
        progress.checkpoint()?;
        match step {
            Step::Write => write_all()?,
            Step::Run(c) => {
                progress.report(done, Some(total), format!("{}: {}", plan.branch, c.display()));
                tools::run(c, &ws, run.env, run.timeout, progress)?;
            }
        }
    }
    commit(run, path, plan)
}

fn commit(run: &Run, path: &Path, plan: &Planned) -> Result<git2::Oid> {
    let repo = Repository::open(path).map_err(|e| git(&e))?;
    let mut index = repo.index().map_err(|e| git(&e))?;
    let files = plan.edits.iter().map(|e| &e.path).chain(&plan.lockfiles);
    for rel in files {
        let p = run.prefix.join(rel);
        if path.join(&p).is_file() {
            index.add_path(&p).map_err(|e| git(&e))?;
        }
    }
    index.write().map_err(|e| git(&e))?;
    let tree_id = index.write_tree().map_err(|e| git(&e))?;
    let parent = repo.find_commit(run.base).map_err(|e| git(&e))?;
    if tree_id == parent.tree_id() {
        return Err(DepsError::NoChange {
            branch: plan.branch.clone(),
        }
        .into());
    }
    let tree = repo.find_tree(tree_id).map_err(|e| git(&e))?;
    let sig = repo
        .signature()
        .or_else(|_| git2::Signature::now("Shipdeck", "shipdeck@localhost"))
        .map_err(|e| git(&e))?;
    let oid = repo
        .commit(Some("HEAD"), &sig, &sig, &plan.message, &tree, &[&parent])
        .map_err(|e| git(&e))?;
    Ok(oid)
}

/// The unified diff of a commit against the base (bounded).
pub fn commit_diff(repo: &Repository, base: git2::Oid, commit: git2::Oid) -> String {
    const MAX: usize = 1 << 20;
    let tree = |id| repo.find_commit(id).and_then(|c| c.tree()).ok();
    let (Some(a), Some(b)) = (tree(base), tree(commit)) else {
        return String::new();
    };
    let Ok(diff) = repo.diff_tree_to_tree(Some(&a), Some(&b), None) else {
        return String::new();
    };
    let mut out = String::new();
    let _ = diff.print(git2::DiffFormat::Patch, |_, _, line| {
        if out.len() > MAX {
            return false;
        }
        if matches!(line.origin(), '+' | '-' | ' ') {
            out.push(line.origin());
        }
        out.push_str(&String::from_utf8_lossy(line.content()));
        true
    });
    out
}
