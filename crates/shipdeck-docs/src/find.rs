//! Which pages the check reads: `README*` at the workspace root, every
//! Markdown file under `docs/`, and the globs of `[docs] check`. The walk
//! follows no symbolic links and stops at a bounded number of entries.

use std::path::{Path, PathBuf};

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use shipdeck_base::jobs::Progress;

use crate::error::{DocsError, Result};

/// The pages read when `[docs] check` adds nothing.
pub const DEFAULT_GLOBS: [&str; 2] = ["README*", "docs/**/*.md"];

/// At most this many entries are walked, and this many pages checked.
pub const MAX_ENTRIES: usize = 200_000;
pub const MAX_DOCS: usize = 5_000;

/// Folders never walked: version control, dependencies, build output.
const SKIP_DIRS: [&str; 5] = [".git", "node_modules", "target", ".venv", "dist"];

/// The pages under `root` (canonical) matching the default globs or
/// `extra`, as workspace-relative `/`-separated paths, sorted.
pub fn pages(
    root: &Path,
    extra: &[String],
    progress: &Progress,
) -> shipdeck_base::error::Result<Vec<String>> {
    let set = globs(extra)?;
    let mut found = Vec::new();
    let walker = walkdir::WalkDir::new(root)
        .follow_links(false)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !(e.file_type().is_dir() && skipped(e.file_name())));
    for (n, entry) in walker.enumerate() {
        if n >= MAX_ENTRIES {
            return Err(DocsError::TooMany {
                what: "entries",
                limit: MAX_ENTRIES,
            }
            .into());
        }
        if n % 1000 == 0 {
            progress.checkpoint()?;
            progress.report(n as u64, None, "finding pages");
        }
        let Ok(entry) = entry else { continue };
        if !entry.file_type().is_file() || !is_markdown(entry.path()) {
            continue;
        }
        let Some(rel) = relative(root, entry.path()) else {
            continue;
        };
        if set.is_match(&rel) {
            if found.len() >= MAX_DOCS {
                return Err(DocsError::TooMany {
                    what: "pages",
                    limit: MAX_DOCS,
                }
                .into());
            }
            found.push(rel);
        }
    }
    found.sort();
    Ok(found)
}

fn skipped(name: &std::ffi::OsStr) -> bool {
    SKIP_DIRS.iter().any(|d| name == *d)
}

fn globs(extra: &[String]) -> Result<GlobSet> {
    let mut b = GlobSetBuilder::new();
    for g in DEFAULT_GLOBS
        .iter()
        .copied()
        .chain(extra.iter().map(String::as_str))
    {
        let glob = GlobBuilder::new(g)
            .literal_separator(true)
            .build()
            .map_err(|e| DocsError::BadConfig {
                message: format!("{g:?}: {e}"),
            })?;
        b.add(glob);
    }
    b.build().map_err(|e| DocsError::BadConfig {
        message: e.to_string(),
    })
}

/// `.md` or `.markdown`, any case.
pub fn is_markdown(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"))
}

/// `path` relative to `root`, `/`-separated; `None` outside it or not UTF-8.
pub fn relative(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
    Some(parts?.join("/"))
}

/// The real file of a workspace-relative path, when it exists and, links
/// followed, stays inside `root` (canonical).
pub fn existing(root: &Path, rel: &str) -> Option<PathBuf> {
    let real = root.join(rel).canonicalize().ok()?;
    real.starts_with(root).then_some(real)
}

/// A page named by the user (`--mark-reviewed`): relative to the workspace
/// (or absolute inside it), an existing Markdown file that stays inside it.
/// Returns it workspace-relative.
pub fn named_page(root: &Path, raw: &str) -> crate::error::Result<String> {
    let bad = |message: &str| DocsError::BadPath {
        path: raw.to_string(),
        message: message.to_string(),
    };
    let given = Path::new(raw);
    let rel = if given.is_absolute() {
        relative(root, given).ok_or_else(|| bad("is outside the workspace"))?
    } else {
        raw.to_string()
    };
    let rel = crate::target::normalize("", &rel).ok_or_else(|| bad("is outside the workspace"))?;
    let real = existing(root, &rel).ok_or_else(|| bad("does not exist in the workspace"))?;
    if !real.is_file() || !is_markdown(&real) {
        return Err(bad("is not a Markdown file (.md)"));
    }
    Ok(rel)
}
