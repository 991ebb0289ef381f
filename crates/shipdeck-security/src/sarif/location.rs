//! Where a result is, as a path relative to the workspace. SARIF names a
//! file by a URI, relative to a base (`uriBaseId`, looked up in the run's
//! `originalUriBaseIds`, which may chain) or absolute (`file://`). URI
//! joining, dot segments and percent-decoding are `url`'s; a path that
//! lands outside the workspace is refused, never read.

use std::path::{Component, Path};

use url::Url;

use super::model::{ArtifactLocation, Run};

/// How many `uriBaseId` links an import follows before giving up (a
/// hostile file may make them loop).
const MAX_BASE_DEPTH: usize = 8;
/// A workspace file read for a snippet is at most this large.
const MAX_SOURCE_BYTES: u64 = 4 * 1024 * 1024;
/// A snippet is cut to this many characters.
pub(super) const MAX_SNIPPET_CHARS: usize = 400;

/// Where a result's first location points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Place {
    /// Relative to the workspace, `/`-separated.
    Inside(String),
    /// Outside the workspace, or not a file at all: never read.
    Outside,
    /// The result names no file.
    Unknown,
}

/// The workspace folder as a directory URL (ends with `/`).
pub(super) fn root_url(root: &Path) -> Option<Url> {
    Url::from_directory_path(root).ok()
}

/// The URL a base id stands for: the run's `originalUriBaseIds` entry
/// (itself maybe relative to another base), else the workspace folder.
fn base_url(run: &Run, id: Option<&str>, root: &Url, depth: usize) -> Option<Url> {
    let Some(id) = id else {
        return Some(root.clone());
    };
    let Some(entry) = run.original_uri_base_ids.get(id) else {
        // An id the run does not define (`%SRCROOT%`, `PROJECTROOT`):
        // the producer meant the folder it scanned, the workspace.
        return Some(root.clone());
    };
    if depth >= MAX_BASE_DEPTH {
        return None;
    }
    let parent = base_url(run, entry.uri_base_id.as_deref(), root, depth + 1)?;
    match entry.uri.as_deref() {
        None => Some(parent),
        Some(uri) => {
            // A base names a folder; make sure joining keeps its last segment.
            let uri = if uri.ends_with('/') {
                uri.to_string()
            } else {
                format!("{uri}/")
            };
            parent.join(&uri).ok()
        }
    }
}

/// Resolves a result's artifact location against the run and the workspace.
pub(super) fn resolve(loc: &ArtifactLocation, run: &Run, root: &Path) -> Place {
    let from_index = loc
        .index
        .and_then(|i| run.artifacts.get(i))
        .and_then(|a| a.location.clone());
    let (uri, base_id) = match (&loc.uri, from_index) {
        (Some(uri), _) => (uri.clone(), loc.uri_base_id.clone()),
        (None, Some(a)) => match a.uri {
            Some(uri) => (uri, a.uri_base_id.or_else(|| loc.uri_base_id.clone())),
            None => return Place::Unknown,
        },
        (None, None) => return Place::Unknown,
    };
    if uri.is_empty() || uri.contains('\0') {
        return Place::Unknown;
    }
    let Some(root_url) = root_url(root) else {
        return Place::Unknown;
    };
    let Some(base) = base_url(run, base_id.as_deref(), &root_url, 0) else {
        return Place::Outside;
    };
    let Ok(url) = base.join(&uri) else {
        return Place::Outside;
    };
    if url.scheme() != "file" {
        return Place::Outside;
    }
    let Ok(path) = url.to_file_path() else {
        return Place::Outside;
    };
    relative_to(&path, root)
}

/// `path` relative to `root` (also tried with `root` canonicalised, for a
/// producer that wrote the resolved path of a symlinked folder).
fn relative_to(path: &Path, root: &Path) -> Place {
    let canonical = root.canonicalize().ok();
    let rest = path
        .strip_prefix(root)
        .ok()
        .or_else(|| canonical.as_deref().and_then(|c| path.strip_prefix(c).ok()));
    let Some(rest) = rest else {
        return Place::Outside;
    };
    let mut parts = Vec::new();
    for c in rest.components() {
        match c {
            Component::Normal(s) => parts.push(s.to_string_lossy().into_owned()),
            Component::CurDir => {}
            // `url` already removed dot segments; anything else is not a
            // plain path below the workspace.
            _ => return Place::Outside,
        }
    }
    if parts.is_empty() {
        return Place::Unknown;
    }
    Place::Inside(parts.join("/"))
}

/// Line `line` (1-based) of the workspace file `rel`, trimmed and cut, when
/// the file is a regular file inside the workspace (symlinks followed, then
/// checked) and small enough.
pub(super) fn source_line(root: &Path, rel: &str, line: u64) -> Option<String> {
    let root = root.canonicalize().ok()?;
    let path = root.join(rel).canonicalize().ok()?;
    if !path.starts_with(&root) || path.components().any(|c| c.as_os_str() == ".git") {
        return None;
    }
    let meta = std::fs::metadata(&path).ok()?;
    if !meta.is_file() || meta.len() > MAX_SOURCE_BYTES {
        return None;
    }
    let bytes = std::fs::read(&path).ok()?;
    let text = String::from_utf8_lossy(&bytes);
    let index = usize::try_from(line.checked_sub(1)?).ok()?;
    let text = text.lines().nth(index)?.trim();
    (!text.is_empty()).then(|| cut(text, MAX_SNIPPET_CHARS))
}

/// `text` cut to `max` characters (`…` marks a cut).
pub(super) fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}
