//! Finds the manifests of a workspace and reads their direct dependencies,
//! each with the version its lockfile holds.

mod cargo;
mod jslock;
mod npm;
pub(crate) mod python;

use std::path::{Path, PathBuf};

use crate::error::DepsError;
use crate::Ecosystem;

/// At most this many manifests are read in one run.
pub const MAX_MANIFESTS: usize = 1_000;
/// At most this many dependencies are checked per manifest.
pub const MAX_DEPS_PER_MANIFEST: usize = 2_000;
/// Manifests and lockfiles larger than this are refused (a lockfile of a big
/// monorepo is a few MiB).
pub const MAX_FILE_BYTES: u64 = 32 << 20;
const MAX_DEPTH: usize = 12;
/// Folders that hold installed or built copies, not the project's own manifests.
const SKIPPED_DIRS: &[&str] = &[
    ".git",
    "node_modules",
    "target",
    ".venv",
    "venv",
    "__pycache__",
    ".tox",
    ".cargo",
    ".pnpm-store",
];

/// One direct dependency as its manifest declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Direct {
    pub ecosystem: Ecosystem,
    /// The name the registry knows (an npm alias's target, a renamed crate's `package`).
    pub name: String,
    /// The manifest's path, relative to the workspace, with `/`.
    pub manifest: String,
    /// `dependencies`, `devDependencies`, `dev-dependencies`, `optional:GROUP`, …
    pub kind: String,
    pub requirement: String,
    pub current: Option<String>,
    /// A Cargo registry other than crates.io (`registry = "NAME"`).
    pub registry: Option<String>,
}

/// Every manifest file under `root` (no symbolic links followed), sorted.
pub fn find_manifests(root: &Path) -> Result<Vec<PathBuf>, DepsError> {
    let mut out = Vec::new();
    let mut stack = vec![(root.to_path_buf(), 0usize)];
    while let Some((dir, depth)) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let Ok(ft) = entry.file_type() else { continue };
            let name = entry.file_name().to_string_lossy().into_owned();
            if ft.is_dir() {
                if depth < MAX_DEPTH && !SKIPPED_DIRS.contains(&name.as_str()) {
                    stack.push((entry.path(), depth + 1));
                }
            } else if ft.is_file() && is_manifest(&name) {
                out.push(entry.path());
                if out.len() > MAX_MANIFESTS {
                    return Err(DepsError::TooManyManifests { limit: MAX_MANIFESTS });
                }
            }
        }
    }
    out.sort();
    Ok(out)
}

fn is_manifest(name: &str) -> bool {
    matches!(name, "Cargo.toml" | "package.json" | "pyproject.toml")
        || (name.starts_with("requirements") && name.ends_with(".txt"))
}

/// The direct dependencies of every manifest under `root`.
pub fn read_workspace(root: &Path) -> Result<Vec<Direct>, DepsError> {
    let mut out = Vec::new();
    for path in find_manifests(root)? {
        let rel = relative(root, &path);
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let deps = match name {
            "Cargo.toml" => cargo::read(root, &path, &rel)?,
            "package.json" => npm::read(root, &path, &rel)?,
            "pyproject.toml" => python::read_pyproject(root, &path, &rel)?,
            _ => python::read_requirements(&path, &rel)?,
        };
        if deps.len() > MAX_DEPS_PER_MANIFEST {
            return Err(DepsError::TooManyDependencies {
                path: rel,
                limit: MAX_DEPS_PER_MANIFEST,
            });
        }
        out.extend(deps);
    }
    Ok(out)
}

pub use shipdeck_base::workspace::relative;

/// Reads a text file of bounded size; `None` when it does not exist.
pub fn read_text(root: &Path, path: &Path) -> Result<Option<String>, DepsError> {
    let rel = relative(root, path);
    let bad = |message: String| DepsError::InvalidManifest {
        path: rel.clone(),
        message,
    };
    let meta = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(bad(e.to_string())),
    };
    if !meta.is_file() {
        return Ok(None);
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(bad(format!(
            "{} bytes, more than the {MAX_FILE_BYTES} read",
            meta.len()
        )));
    }
    std::fs::read_to_string(path)
        .map(Some)
        .map_err(|e| bad(e.to_string()))
}

/// The nearest file named `name` in `start` or its parents, not above `root`.
pub fn nearest(root: &Path, start: &Path, name: &str) -> Option<PathBuf> {
    let mut dir = Some(start);
    while let Some(d) = dir {
        let candidate = d.join(name);
        if candidate.is_file() {
            return Some(candidate);
        }
        if d == root {
            break;
        }
        dir = d.parent().filter(|p| p.starts_with(root));
    }
    None
}
