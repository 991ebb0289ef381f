//! Every lockfile of the workspace, read into [`LockedPackage`]s.
//!
//! Only what a registry serves is a locked package: the workspace's own
//! members, path, link, git and URL sources are not (no advisory database
//! speaks of them). A lockfile larger than [`MAX_LOCKFILE_BYTES`] or one that
//! cannot be read as its format says stops the read with an error naming it
//! (`security.lockfile_too_large`, `security.bad_lockfile`): a scan that
//! silently left a lockfile out would report fewer vulnerabilities than
//! there are. A lockfile that is a symbolic link leading out of the
//! workspace is not read (a warning says so). The search goes
//! [`MAX_DEPTH`] directories deep and visits at most [`MAX_ENTRIES`]
//! entries, never into `node_modules`, `target`, `venv`, `__pycache__` or
//! hidden directories (`.git`, `.venv`, ...).
//!
//! `via` is the shortest chain from a direct dependency, names as the
//! lockfile spells them (PyPI's normalised); it is empty when the lockfile
//! does not tell (`Pipfile.lock`, requirements files) or the chain is longer
//! than [`MAX_CHAIN`].

mod cargo;
mod graph;
mod npm;
mod pnpm;
mod python;
mod yaml;
mod yarn;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use shipdeck_base::error::Result;

use super::{Ecosystem, LockedPackage};
use crate::error::SecurityError;

pub use graph::{Found, MAX_CHAIN};
pub use pnpm::importer_versions as pnpm_importer_versions;
pub use yarn::descriptor_versions as yarn_descriptor_versions;

/// The largest lockfile read, in bytes.
pub const MAX_LOCKFILE_BYTES: u64 = 64 * 1024 * 1024;
/// How deep under the workspace lockfiles are looked for.
pub const MAX_DEPTH: usize = 8;
/// How many directory entries the walk visits at most.
pub const MAX_ENTRIES: usize = 200_000;

/// What the lockfiles of a workspace pin.
#[derive(Debug, Clone, Default)]
pub struct Locked {
    /// One per (lockfile, ecosystem, name, version): duplicate copies at one
    /// version are one package.
    pub packages: Vec<LockedPackage>,
    /// The lockfiles read, relative to the workspace.
    pub lockfiles: Vec<String>,
}

/// The formats read, by file name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockfileKind {
    Cargo,
    PackageLock,
    Pnpm,
    Yarn,
    Poetry,
    Uv,
    Pipfile,
    Requirements,
}

impl LockfileKind {
    /// The kind of a file named `name`; `top` when it sits at the
    /// workspace's top (requirements files count only there).
    pub fn of(name: &str, top: bool) -> Option<Self> {
        Some(match name {
            "Cargo.lock" => Self::Cargo,
            "package-lock.json" | "npm-shrinkwrap.json" => Self::PackageLock,
            "pnpm-lock.yaml" => Self::Pnpm,
            "yarn.lock" => Self::Yarn,
            "poetry.lock" => Self::Poetry,
            "uv.lock" => Self::Uv,
            "Pipfile.lock" => Self::Pipfile,
            n if top && n.starts_with("requirements") && n.ends_with(".txt") => Self::Requirements,
            _ => return None,
        })
    }

    pub fn ecosystem(self) -> Ecosystem {
        match self {
            Self::Cargo => Ecosystem::CratesIo,
            Self::PackageLock | Self::Pnpm | Self::Yarn => Ecosystem::Npm,
            Self::Poetry | Self::Uv | Self::Pipfile | Self::Requirements => Ecosystem::PyPI,
        }
    }

    /// The manifest next to the lockfile that names the direct
    /// dependencies, for the formats whose lockfile does not.
    fn manifest(self) -> Option<&'static str> {
        match self {
            Self::PackageLock | Self::Yarn => Some("package.json"),
            Self::Poetry => Some("pyproject.toml"),
            _ => None,
        }
    }
}

/// Reads one lockfile's text. `manifest` is the text of the manifest next
/// to it (`package.json`, `pyproject.toml`) when there is one; it only
/// tells which dependencies are direct. The error is the reason, without
/// the path.
pub fn parse(
    kind: LockfileKind,
    text: &str,
    manifest: Option<&str>,
) -> std::result::Result<Vec<Found>, String> {
    match kind {
        LockfileKind::Cargo => cargo::parse(text),
        LockfileKind::PackageLock => npm::parse(text, manifest),
        LockfileKind::Pnpm => pnpm::parse(text),
        LockfileKind::Yarn => yarn::parse(text, manifest),
        LockfileKind::Poetry => python::poetry(text, manifest),
        LockfileKind::Uv => python::uv(text),
        LockfileKind::Pipfile => python::pipfile(text),
        LockfileKind::Requirements => Ok(python::requirements(text)),
    }
}

/// Finds and reads every lockfile under `root` (`Cargo.lock`,
/// `package-lock.json`, `npm-shrinkwrap.json`, `pnpm-lock.yaml`,
/// `yarn.lock`, `poetry.lock`, `uv.lock`, `Pipfile.lock`, top-level
/// `requirements*.txt`).
pub fn read_all(root: &Path) -> Result<Locked> {
    let canon_root = root.canonicalize().map_err(|e| SecurityError::BadFile {
        path: root.display().to_string(),
        reason: e.to_string(),
    })?;
    let mut locked = Locked::default();
    for (rel, kind) in discover(&canon_root) {
        let Some(text) = read_contained(&canon_root, &rel)? else {
            continue;
        };
        let manifest = match kind.manifest() {
            Some(name) => {
                let sibling = match rel.rsplit_once('/') {
                    Some((dir, _)) => format!("{dir}/{name}"),
                    None => name.to_string(),
                };
                // A manifest that cannot be read only costs the `via` chains.
                read_contained(&canon_root, &sibling).ok().flatten()
            }
            None => None,
        };
        let found = parse(kind, &text, manifest.as_deref()).map_err(|reason| SecurityError::BadLockfile {
            path: rel.clone(),
            reason,
        })?;
        locked
            .packages
            .extend(dedupe(found).into_iter().map(|f| LockedPackage {
                ecosystem: kind.ecosystem(),
                name: f.name,
                version: f.version,
                lockfile: rel.clone(),
                via: f.via,
            }));
        locked.lockfiles.push(rel);
    }
    Ok(locked)
}

/// One entry per (name, version): the shortest known chain wins.
pub fn dedupe(found: Vec<Found>) -> Vec<Found> {
    let mut by: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for f in found {
        match by.get_mut(&(f.name.clone(), f.version.clone())) {
            Some(via) => {
                let better = match (via.is_empty(), f.via.is_empty()) {
                    (true, false) => true,
                    (false, false) => (f.via.len(), &f.via) < (via.len(), via),
                    _ => false,
                };
                if better {
                    *via = f.via;
                }
            }
            None => {
                by.insert((f.name, f.version), f.via);
            }
        }
    }
    by.into_iter()
        .map(|((name, version), via)| Found { name, version, via })
        .collect()
}

/// Directories never looked into: dependencies installed, build output,
/// virtual environments, hidden directories.
fn skipped_dir(name: &str) -> bool {
    name.starts_with('.')
        || matches!(
            name,
            "node_modules" | "target" | "venv" | "__pycache__" | "bower_components"
        )
}

/// The lockfiles under `root`, relative and `/`-separated, sorted.
fn discover(root: &Path) -> Vec<(String, LockfileKind)> {
    let walk = walkdir::WalkDir::new(root)
        .follow_links(false)
        .max_depth(MAX_DEPTH)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0 || !e.file_type().is_dir() || !skipped_dir(&e.file_name().to_string_lossy())
        });
    let mut out = Vec::new();
    for (seen, entry) in walk.enumerate() {
        if seen >= MAX_ENTRIES {
            tracing::warn!(limit = MAX_ENTRIES, "lockfile search stopped: too many files");
            break;
        }
        let Ok(entry) = entry else { continue };
        if entry.file_type().is_dir() {
            continue;
        }
        let name = entry.file_name().to_string_lossy();
        let Some(kind) = LockfileKind::of(&name, entry.depth() == 1) else {
            continue;
        };
        let Ok(rel) = entry.path().strip_prefix(root) else {
            continue;
        };
        let parts: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        out.push((parts.join("/"), kind));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// The text of `rel` under `root`; `None` when it is missing, not a file,
/// or a link leading out of the workspace.
fn read_contained(root: &Path, rel: &str) -> Result<Option<String>> {
    let path: PathBuf = root.join(rel);
    let Ok(real) = path.canonicalize() else {
        return Ok(None);
    };
    if !real.starts_with(root) {
        tracing::warn!(lockfile = rel, "not read: it leads out of the workspace");
        return Ok(None);
    }
    if !real.is_file() {
        return Ok(None);
    }
    let bad = |reason: String| SecurityError::BadLockfile {
        path: rel.to_string(),
        reason,
    };
    let file = std::fs::File::open(&real).map_err(|e| bad(e.to_string()))?;
    let size = file.metadata().map_err(|e| bad(e.to_string()))?.len();
    let too_large = |size| SecurityError::LockfileTooLarge {
        path: rel.to_string(),
        size,
        limit: MAX_LOCKFILE_BYTES,
    };
    if size > MAX_LOCKFILE_BYTES {
        return Err(too_large(size).into());
    }
    let mut bytes = Vec::new();
    file.take(MAX_LOCKFILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| bad(e.to_string()))?;
    if bytes.len() as u64 > MAX_LOCKFILE_BYTES {
        return Err(too_large(bytes.len() as u64).into());
    }
    let text = String::from_utf8(bytes).map_err(|_| bad("not UTF-8 text".into()))?;
    Ok(Some(text))
}

/// PEP 503: lower case, every run of `-`, `_` and `.` one `-`.
pub fn pep503(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut sep = false;
    for c in name.trim().chars() {
        if matches!(c, '-' | '_' | '.') {
            sep = true;
            continue;
        }
        if sep && !out.is_empty() {
            out.push('-');
        }
        sep = false;
        out.extend(c.to_lowercase());
    }
    out
}

/// An npm registry name: a `@scope/name` or a plain name, nothing odd.
fn npm_name_ok(name: &str) -> bool {
    !name.is_empty() && name.len() <= 214 && !name.contains(['\\', ' ', ':'])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pep503_normalises_case_and_separator_runs() {
        assert_eq!(pep503("Jinja2"), "jinja2");
        assert_eq!(pep503("zope.interface"), "zope-interface");
        assert_eq!(pep503("Foo__Bar-._baz"), "foo-bar-baz");
    }

    #[test]
    fn requirements_count_only_at_the_top() {
        assert_eq!(
            LockfileKind::of("requirements-dev.txt", true),
            Some(LockfileKind::Requirements)
        );
        assert_eq!(LockfileKind::of("requirements.txt", false), None);
        assert_eq!(LockfileKind::of("Cargo.lock", false), Some(LockfileKind::Cargo));
    }

    #[test]
    fn dedupe_keeps_the_shortest_known_chain() {
        let f = |via: &[&str]| Found {
            name: "a".into(),
            version: "1".into(),
            via: via.iter().map(|s| s.to_string()).collect(),
        };
        let out = dedupe(vec![f(&[]), f(&["x", "y", "a"]), f(&["z", "a"]), f(&[])]);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].via, vec!["z", "a"]);
    }
}
