//! Patch coverage: of the lines added or modified in `git diff BASE...HEAD`
//! (the merge-base diff of committed changes, renames followed), those the
//! coverage data measures, and how many of them ran — the numbers
//! diff-cover reports. A line is measured when a report has an entry for
//! it; with several reports, measured is the union and uncovered the
//! intersection of each report's zero-hit lines (a report that does not
//! name the file has no say). Files no report names are left out, as are
//! files with no measured changed line.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use git2::{DiffFindOptions, DiffLineType, DiffOptions, Oid, Repository};
use serde::Serialize;
use shipdeck_base::jobs::Progress;

use crate::error::CoverageError;
use crate::model::{pct, Counts, FileCov};
use crate::{load, ReportSummary, Skipped};

/// The most changed files read from one diff.
pub const MAX_CHANGED_FILES: usize = 200_000;

/// What `coverage patch` reads.
#[derive(Debug, Clone, Default)]
pub struct PatchOptions {
    /// The branch, tag or commit the patch is measured against.
    pub base: String,
    /// Reports named by the user, relative to the workspace; empty: found.
    pub files: Vec<PathBuf>,
    /// Fail (`passed: false`) when the patch's coverage is under this.
    pub fail_under: Option<f64>,
}

/// One changed file's measured lines.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PatchFile {
    /// Relative to the workspace.
    pub path: String,
    pub covered: u64,
    pub total: u64,
    pub pct: f64,
    pub uncovered_lines: Vec<u32>,
}

/// `coverage patch`'s answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PatchReport {
    pub patch: Counts,
    pub files: Vec<PatchFile>,
    /// `--base` as given, and the merge-base commit the diff starts at.
    pub base: String,
    pub merge_base: String,
    /// Added or modified lines in the diff, measured or not.
    pub changed_lines: u64,
    pub fail_under: Option<f64>,
    /// The patch's exact ratio is at or above `fail_under` (or none is set).
    pub passed: bool,
    pub reports: Vec<ReportSummary>,
    pub skipped: Vec<Skipped>,
}

/// Measures the lines `HEAD` adds or modifies since its merge base with
/// `opts.base` against the reports under `root` (or `opts.files`).
pub fn patch(
    root: &Path,
    opts: &PatchOptions,
    progress: &Progress,
) -> shipdeck_base::error::Result<PatchReport> {
    let canon = root
        .canonicalize()
        .map_err(shipdeck_base::error::Error::io("read", root))?;
    let (merge_base, changed) = changed_lines(&canon, &opts.base, progress)?;
    let (loaded, skipped) = load(&canon, &opts.files, progress)?;
    let maps: Vec<&BTreeMap<String, FileCov>> = loaded.iter().map(|l| &l.files).collect();
    let mut files = Vec::new();
    for (path, lines) in &changed {
        progress.checkpoint()?;
        if let Some(f) = measure(path, lines, &maps) {
            files.push(f);
        }
    }
    let covered = files.iter().map(|f| f.covered).sum();
    let total = files.iter().map(|f| f.total).sum();
    let passed = opts
        .fail_under
        .is_none_or(|min| total == 0 || covered as f64 * 100.0 >= min * total as f64);
    Ok(PatchReport {
        patch: Counts::new(covered, total),
        files,
        base: opts.base.clone(),
        merge_base: merge_base.to_string(),
        changed_lines: changed.values().map(|l| l.len() as u64).sum(),
        fail_under: opts.fail_under,
        passed,
        reports: loaded.into_iter().map(|l| l.summary).collect(),
        skipped,
    })
}

/// One changed file against every report that names it; None when none
/// does or none of its changed lines is measured.
fn measure(path: &str, lines: &BTreeSet<u32>, maps: &[&BTreeMap<String, FileCov>]) -> Option<PatchFile> {
    let covs: Vec<&FileCov> = maps.iter().filter_map(|m| m.get(path)).collect();
    if covs.is_empty() {
        return None;
    }
    let mut total = 0u64;
    let mut uncovered_lines = Vec::new();
    for l in lines {
        if !covs.iter().any(|c| c.lines.contains_key(l)) {
            continue;
        }
        total += 1;
        if covs.iter().all(|c| c.lines.get(l) == Some(&0)) {
            uncovered_lines.push(*l);
        }
    }
    if total == 0 {
        return None;
    }
    let covered = total - uncovered_lines.len() as u64;
    Some(PatchFile {
        path: path.to_string(),
        covered,
        total,
        pct: pct(covered, total),
        uncovered_lines,
    })
}

fn no_repo(e: impl std::fmt::Display) -> CoverageError {
    CoverageError::NoRepository {
        message: format!("not in a git repository with a commit at HEAD: {e}"),
    }
}

fn bad_ref(reference: &str, message: impl std::fmt::Display) -> CoverageError {
    CoverageError::BadRef {
        reference: reference.to_string(),
        message: message.to_string(),
    }
}

/// The merge base of `base` and HEAD, and per changed file (relative to
/// `root`, files outside it left out) the new-side numbers of the lines the
/// diff from it to HEAD adds. Binary and deleted files add none.
pub fn changed_lines(
    root: &Path,
    base: &str,
    progress: &Progress,
) -> shipdeck_base::error::Result<(Oid, BTreeMap<String, BTreeSet<u32>>)> {
    let repo = Repository::discover(root).map_err(no_repo)?;
    let head = shipdeck_git::head_commit(&repo)
        .map_err(no_repo)?
        .ok_or_else(|| no_repo("HEAD has no commit"))?;
    let base_commit = repo
        .revparse_single(base)
        .and_then(|o| o.peel_to_commit())
        .map_err(|_| bad_ref(base, "no such branch, tag or commit"))?;
    let mb = repo
        .merge_base(base_commit.id(), head)
        .map_err(|_| bad_ref(base, "has no common history with HEAD"))?;
    let prefix = workdir_prefix(&repo, root)?;
    let git = |e: git2::Error| no_repo(e.message());
    let old = repo.find_commit(mb).and_then(|c| c.tree()).map_err(git)?;
    let new = repo.find_commit(head).and_then(|c| c.tree()).map_err(git)?;
    let mut opts = DiffOptions::new();
    opts.context_lines(0).ignore_submodules(true);
    let mut diff = repo
        .diff_tree_to_tree(Some(&old), Some(&new), Some(&mut opts))
        .map_err(git)?;
    // `git diff`'s default: renames (not copies) at 50 % similarity.
    diff.find_similar(Some(DiffFindOptions::new().renames(true).rename_limit(1000)))
        .map_err(git)?;
    let n = diff.deltas().len();
    if n > MAX_CHANGED_FILES {
        return Err(CoverageError::TooManyChanges {
            limit: MAX_CHANGED_FILES,
        }
        .into());
    }
    let mut out: BTreeMap<String, BTreeSet<u32>> = BTreeMap::new();
    for i in 0..n {
        if i % 64 == 0 {
            progress.checkpoint()?;
            progress.report(i as u64, Some(n as u64), "reading the diff");
        }
        let Some(rel) = diff
            .get_delta(i)
            .and_then(|d| d.new_file().path().map(Path::to_path_buf))
            .and_then(|p| inside(&prefix, &p))
        else {
            continue;
        };
        let added = added_lines(&diff, i).map_err(git)?;
        if !added.is_empty() {
            out.entry(rel).or_default().extend(added);
        }
    }
    Ok((mb, out))
}

/// The new-side line numbers delta `i` adds; none for a binary file.
fn added_lines(diff: &git2::Diff<'_>, i: usize) -> Result<Vec<u32>, git2::Error> {
    let Some(patch) = git2::Patch::from_diff(diff, i)? else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for h in 0..patch.num_hunks() {
        for l in 0..patch.num_lines_in_hunk(h)? {
            let line = patch.line_in_hunk(h, l)?;
            if line.origin_value() == DiffLineType::Addition {
                out.extend(line.new_lineno());
            }
        }
    }
    Ok(out)
}

/// The workspace's folder relative to the repository's work tree.
fn workdir_prefix(repo: &Repository, root: &Path) -> shipdeck_base::error::Result<PathBuf> {
    let workdir = repo
        .workdir()
        .ok_or_else(|| no_repo("a bare repository has no work tree"))?;
    let workdir = workdir
        .canonicalize()
        .map_err(shipdeck_base::error::Error::io("read", workdir))?;
    Ok(root
        .strip_prefix(&workdir)
        .map(Path::to_path_buf)
        .unwrap_or_default())
}

/// A repository path as a workspace-relative, `/`-separated string; None
/// outside the workspace or when not UTF-8.
fn inside(prefix: &Path, p: &Path) -> Option<String> {
    let rel = p.strip_prefix(prefix).ok()?;
    let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
    Some(parts?.join("/")).filter(|s| !s.is_empty())
}
