//! Shipdeck's Coverage area: test-coverage reports found in the workspace
//! (or named), read into one per-file line map whatever their format
//! (lcov, Cobertura XML, coverage.py JSON, Istanbul, cargo-llvm-cov), with
//! each report's totals as its tool states them, and areas of the
//! workspace held to line-coverage thresholds. See docs/coverage.md.

pub mod areas;
pub mod discover;
pub mod error;
pub mod files;
pub mod formats;
pub mod model;
pub mod patch;
pub mod source;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;
use shipdeck_base::config::CoverageArea;
use shipdeck_base::jobs::Progress;
use ts_rs::TS;

pub use areas::AreaResult;
pub use discover::MAX_REPORT_BYTES;
pub use error::CoverageError;
pub use files::{file_rows, FileRow};
pub use model::{Counts, FileCov, Parsed};
pub use patch::{patch, PatchFile, PatchOptions, PatchReport};

/// What `coverage report` reads.
#[derive(Debug, Clone, Default)]
pub struct ReportOptions {
    /// Reports named by the user, relative to the workspace; empty: found.
    pub files: Vec<PathBuf>,
    /// `[coverage.areas]`; empty: the default `backend` and `frontend`.
    pub areas: BTreeMap<String, CoverageArea>,
}

/// One report's totals, as its tool states them.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ReportSummary {
    pub path: String,
    pub format: &'static str,
    pub lines: Counts,
    pub branches: Option<Counts>,
    /// Source files the report covers inside the workspace.
    pub files: usize,
}

/// A found report that was not read, and why.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Skipped {
    pub path: String,
    pub reason: String,
}

/// `coverage report`'s answer.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct CoverageReport {
    pub reports: Vec<ReportSummary>,
    pub areas: Vec<AreaResult>,
    /// Every area passed.
    pub passed: bool,
    pub skipped: Vec<Skipped>,
    /// Every report's files, merged line by line (not serialized).
    #[serde(skip)]
    #[ts(skip)]
    pub files: BTreeMap<String, FileCov>,
}

/// One report read, its paths resolved into the workspace.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub summary: ReportSummary,
    /// Its files by workspace-relative path (a file named twice in one
    /// report is merged).
    pub files: BTreeMap<String, FileCov>,
}

/// Finds (or takes) the reports under `root`, reads them and evaluates the
/// areas.
pub fn report(
    root: &Path,
    opts: &ReportOptions,
    progress: &Progress,
) -> shipdeck_base::error::Result<CoverageReport> {
    let (loaded, skipped) = load(root, &opts.files, progress)?;
    let mut reports = Vec::with_capacity(loaded.len());
    let mut files: BTreeMap<String, FileCov> = BTreeMap::new();
    for l in loaded {
        reports.push(l.summary);
        for (path, cov) in l.files {
            model::merge_into(&mut files, path, cov);
        }
    }
    let areas = areas::evaluate(&areas::configured(&opts.areas), &files)?;
    Ok(CoverageReport {
        passed: areas.iter().all(|a| a.passed),
        reports,
        areas,
        skipped,
        files,
    })
}

/// Reads each of `named` (relative to the workspace) or, when empty, every
/// report found under `root`; also returns the found ones passed over.
pub fn load(
    root: &Path,
    named: &[PathBuf],
    progress: &Progress,
) -> shipdeck_base::error::Result<(Vec<Loaded>, Vec<Skipped>)> {
    let root = root
        .canonicalize()
        .map_err(shipdeck_base::error::Error::io("read", root))?;
    let mut skipped = Vec::new();
    let paths = if named.is_empty() {
        let (found, too_large) = discover::find(&root, progress)?;
        skipped.extend(too_large.iter().map(|p| Skipped {
            path: discover::relative(&root, p),
            reason: format!("larger than {MAX_REPORT_BYTES} bytes"),
        }));
        found
    } else {
        named
            .iter()
            .map(|f| discover::named(&root, f))
            .collect::<Result<Vec<_>, _>>()?
    };
    let mut loaded = Vec::with_capacity(paths.len());
    for (i, p) in paths.iter().enumerate() {
        progress.checkpoint()?;
        let shown = discover::relative(&root, p);
        progress.report(i as u64, Some(paths.len() as u64), &shown);
        let parsed = formats::parse(&shown, &discover::read(p, &shown)?)?;
        loaded.push(resolve(&root, p, shown, parsed));
    }
    Ok((loaded, skipped))
}

/// Resolves a parsed report's paths into the workspace; paths that leave
/// it are dropped.
fn resolve(root: &Path, report: &Path, shown: String, parsed: Parsed) -> Loaded {
    let dir = report.parent().unwrap_or(root);
    let mut files: BTreeMap<String, FileCov> = BTreeMap::new();
    let mut count = 0;
    for (raw, cov) in parsed.files {
        if let Some(rel) = discover::resolve(root, dir, &parsed.sources, &raw) {
            model::merge_into(&mut files, rel, cov);
            count += 1;
        }
    }
    Loaded {
        summary: ReportSummary {
            path: shown,
            format: parsed.format,
            lines: parsed.lines,
            branches: parsed.branches,
            files: count,
        },
        files,
    }
}
