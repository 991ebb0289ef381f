//! Finding and reading reports. The walk ignores `.gitignore` (coverage
//! output usually is ignored) but skips `.git`, `node_modules`, `target`
//! and virtualenvs; it never follows a symbolic link, and is bounded in
//! depth and entries. A report over [`MAX_REPORT_BYTES`] is not read.

use std::io::Read;
use std::path::{Component, Path, PathBuf};

use shipdeck_base::jobs::Progress;

use crate::error::{CoverageError, Result};

/// The largest report read: 256 MiB.
pub const MAX_REPORT_BYTES: u64 = 256 * 1024 * 1024;
/// The deepest folder the walk enters below the workspace.
pub const MAX_DEPTH: usize = 32;
/// The most entries (files and folders) the walk visits.
pub const MAX_ENTRIES: usize = 500_000;

const SKIPPED_DIRS: &[&str] = &[
    ".git",
    "node_modules",
    "target",
    ".venv",
    "venv",
    ".tox",
    ".nox",
    "__pycache__",
];

/// Whether a file name is one a coverage tool writes: `lcov.info`,
/// `*.lcov`, `coverage.xml`, `cobertura*.xml`, `coverage.json`,
/// `coverage-final.json`, `coverage-summary.json`, and `*llvm-cov*.json`
/// (cargo-llvm-cov has no default name). `.coverage` (coverage.py's SQLite
/// data) is not a report.
pub fn is_report_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    matches!(
        lower.as_str(),
        "lcov.info" | "coverage.xml" | "coverage.json" | "coverage-final.json" | "coverage-summary.json"
    ) || lower.ends_with(".lcov")
        || (lower.starts_with("cobertura") && lower.ends_with(".xml"))
        || (lower.contains("llvm-cov") && lower.ends_with(".json"))
}

fn is_virtualenv(dir: &Path) -> bool {
    dir.join("pyvenv.cfg").is_file()
}

/// Every report under `root` (sorted), and those passed over for their size.
pub fn find(root: &Path, progress: &Progress) -> shipdeck_base::error::Result<(Vec<PathBuf>, Vec<PathBuf>)> {
    let mut found = Vec::new();
    let mut too_large = Vec::new();
    let walk = walkdir::WalkDir::new(root)
        .follow_links(false)
        .max_depth(MAX_DEPTH)
        .into_iter()
        .filter_entry(|e| {
            !(e.depth() > 0
                && e.file_type().is_dir()
                && (SKIPPED_DIRS.contains(&e.file_name().to_string_lossy().as_ref())
                    || is_virtualenv(e.path())))
        });
    for (n, entry) in walk.enumerate() {
        if n >= MAX_ENTRIES {
            return Err(CoverageError::TooManyEntries { limit: MAX_ENTRIES }.into());
        }
        if n % 4096 == 0 {
            progress.checkpoint()?;
        }
        let Ok(entry) = entry else { continue };
        if !entry.file_type().is_file() || !is_report_name(&entry.file_name().to_string_lossy()) {
            continue;
        }
        match entry.metadata() {
            Ok(m) if m.len() > MAX_REPORT_BYTES => too_large.push(entry.into_path()),
            Ok(_) => found.push(entry.into_path()),
            Err(_) => {}
        }
    }
    found.sort();
    too_large.sort();
    Ok((found, too_large))
}

/// A `--file` path: relative to the workspace, a regular file inside it
/// (symbolic links resolved and held to the workspace too).
pub fn named(root: &Path, rel: &Path) -> Result<PathBuf> {
    let shown = rel.display().to_string();
    let fail = |m: &str| CoverageError::BadPath {
        path: shown.clone(),
        message: m.into(),
    };
    let joined = normalize(&root.join(rel))
        .filter(|p| p.starts_with(root))
        .ok_or_else(|| fail("leaves the workspace"))?;
    let real = joined.canonicalize().map_err(|e| fail(&e.to_string()))?;
    if !real.starts_with(root) {
        return Err(fail("leaves the workspace"));
    }
    if !real.is_file() {
        return Err(fail("is not a regular file"));
    }
    Ok(real)
}

/// A report's bytes, at most [`MAX_REPORT_BYTES`].
pub fn read(path: &Path, shown: &str) -> Result<Vec<u8>> {
    let too_large = || CoverageError::TooLarge {
        path: shown.to_string(),
        limit: MAX_REPORT_BYTES,
    };
    let io = |e: std::io::Error| crate::error::bad(shown, e);
    let file = std::fs::File::open(path).map_err(io)?;
    let len = file.metadata().map_err(io)?.len();
    if len > MAX_REPORT_BYTES {
        return Err(too_large());
    }
    // Sized once: growing by doubling would touch twice the memory.
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0).saturating_add(1));
    file.take(MAX_REPORT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > MAX_REPORT_BYTES {
        return Err(too_large());
    }
    Ok(bytes)
}

/// `.` and `..` resolved without touching the disk; None above the root.
pub fn normalize(p: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::ParentDir => {
                if !out.pop() || out.as_os_str().is_empty() {
                    return None;
                }
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    Some(out)
}

pub use shipdeck_base::workspace::relative;

/// Where a path inside a report points: against each of `sources`, then
/// the report's folder, then each parent up to the workspace; the first
/// that exists wins, else the first inside the workspace. None when every
/// candidate leaves the workspace (such paths are neither read nor shown).
pub fn resolve(root: &Path, report_dir: &Path, sources: &[String], raw: &str) -> Option<String> {
    let raw = raw.strip_prefix("file://").unwrap_or(raw);
    let rawp = Path::new(raw);
    let mut candidates = Vec::new();
    if rawp.is_absolute() {
        candidates.push(rawp.to_path_buf());
    } else {
        for s in sources {
            candidates.push(report_dir.join(s).join(rawp));
        }
        let mut dir = Some(report_dir);
        while let Some(d) = dir.filter(|d| d.starts_with(root)) {
            candidates.push(d.join(rawp));
            dir = d.parent();
        }
    }
    let inside: Vec<PathBuf> = candidates
        .iter()
        .filter_map(|c| normalize(c))
        .filter(|c| c.starts_with(root) && c != root)
        .collect();
    let pick = inside
        .iter()
        .find(|c| c.symlink_metadata().is_ok())
        .or(inside.first())?;
    Some(relative(root, pick))
}
