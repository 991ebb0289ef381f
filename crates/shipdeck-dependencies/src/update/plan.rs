//! The plan of an update: which rows are taken and to which version, the
//! branches they go on, the manifest edits (computed on HEAD's tree, so a
//! dry run and the real run see the same files), the package-manager
//! commands, the commit messages and the plan's digest.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use super::edit::{self, Edited};
use super::{Bump, UpdateRequest};
use crate::error::DepsError;
use crate::manifest::MAX_FILE_BYTES;
use crate::registry::Package;
use crate::resolve::{class, Class};
use crate::settings::{DependenciesConfig, Rules};
use crate::{Ecosystem, Outdated};

/// HEAD's tree, read for the manifests and lockfiles a plan needs.
pub struct Snapshot<'r> {
    pub tree: git2::Tree<'r>,
    pub repo: &'r git2::Repository,
    /// The workspace's folder inside the repository (empty at its top).
    pub prefix: PathBuf,
}

/// `rel` when it is a plain relative path (no `..`, not absolute).
pub fn contained(rel: &str) -> Result<PathBuf, DepsError> {
    let p = Path::new(rel);
    let ok = !rel.is_empty() && p.components().all(|c| matches!(c, Component::Normal(_)));
    ok.then(|| p.to_path_buf())
        .ok_or_else(|| DepsError::UnsafePath { path: rel.into() })
}

impl Snapshot<'_> {
    /// A text file of HEAD; `None` when absent. A symbolic link (or a path
    /// through one) is refused: it could point out of the workspace.
    pub fn read(&self, rel: &str) -> Result<Option<String>, DepsError> {
        let path = self.prefix.join(contained(rel)?);
        let entry = match self.tree.get_path(&path) {
            Ok(e) => e,
            Err(e) if e.code() == git2::ErrorCode::NotFound => {
                return self.through_link(&path).map(|()| None);
            }
            Err(e) => return Err(git(&e)),
        };
        if entry.filemode() == 0o120_000 {
            return Err(DepsError::UnsafePath { path: rel.into() });
        }
        let Ok(blob) = entry.to_object(self.repo).and_then(|o| o.peel_to_blob()) else {
            return Ok(None);
        };
        if blob.size() as u64 > MAX_FILE_BYTES {
            return Err(DepsError::InvalidManifest {
                path: rel.into(),
                message: format!("more than the {MAX_FILE_BYTES} bytes read"),
            });
        }
        String::from_utf8(blob.content().to_vec())
            .map(Some)
            .map_err(|e| DepsError::InvalidManifest {
                path: rel.into(),
                message: e.to_string(),
            })
    }

    /// An error when a folder on `path` is a symbolic link.
    fn through_link(&self, path: &Path) -> Result<(), DepsError> {
        let mut cur = PathBuf::new();
        for c in path.components() {
            cur.push(c);
            if let Ok(e) = self.tree.get_path(&cur) {
                if e.filemode() == 0o120_000 {
                    return Err(DepsError::UnsafePath {
                        path: path.display().to_string(),
                    });
                }
            }
        }
        Ok(())
    }

    pub fn exists(&self, rel: &str) -> bool {
        matches!(self.read(rel), Ok(Some(_)))
    }
}

pub fn git(e: &git2::Error) -> DepsError {
    DepsError::Git {
        detail: e.message().to_string(),
    }
}

/// A package-manager command, run in `dir` (relative to the workspace).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cmd {
    pub program: String,
    pub args: Vec<String>,
    pub dir: String,
    /// The lockfile it regenerates, for messages.
    pub lockfile: String,
}

impl Cmd {
    /// As a shell would show it.
    pub fn display(&self) -> String {
        let quote = |a: &str| {
            if !a.is_empty()
                && a.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.=/@^~:+,".contains(c))
            {
                a.to_string()
            } else {
                format!("'{}'", a.replace('\'', r"'\''"))
            }
        };
        let line = std::iter::once(self.program.as_str())
            .chain(self.args.iter().map(String::as_str))
            .map(quote)
            .collect::<Vec<_>>()
            .join(" ");
        if self.dir.is_empty() {
            line
        } else {
            format!("cd {} && {line}", quote(&self.dir))
        }
    }
}

/// One step of a branch's work in its worktree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Write the edited manifests (again: a package manager that pins a
    /// version may have rewritten the requirement in its own style).
    Write,
    Run(Cmd),
}

/// A file of the plan, before and after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEdit {
    pub path: String,
    pub before: String,
    pub after: String,
}

#[derive(Debug, Clone)]
pub struct Planned {
    pub branch: String,
    pub bumps: Vec<Bump>,
    pub edits: Vec<FileEdit>,
    pub steps: Vec<Step>,
    /// Lockfiles the commands regenerate: staged with the edits.
    pub lockfiles: Vec<String>,
    pub message: String,
}

/// The rows `request` and the configuration take, each with the classes
/// its update may be of.
pub fn select<'a>(
    rows: &'a [Outdated],
    request: &UpdateRequest,
    config: &DependenciesConfig,
) -> Vec<(&'a Outdated, Vec<Class>)> {
    let only = |r: &Outdated| {
        request.only.is_empty()
            || request
                .only
                .iter()
                .any(|o| *o == r.name || *o == format!("{}:{}", r.ecosystem.as_str(), r.name))
    };
    rows.iter()
        .filter(|r| r.class.is_some() && r.error.is_none() && r.latest.is_some() && only(r))
        .filter(|r| !config.is_ignored(r))
        .filter_map(|r| {
            let limit = request.class.unwrap_or(Class::Major);
            let allowed: Vec<Class> = config
                .allowed_classes(r)
                .into_iter()
                .filter(|c| *c <= limit)
                .collect();
            (!allowed.is_empty()).then_some((r, allowed))
        })
        .collect()
}

/// The version a row moves from: the locked one, else what its
/// requirement resolves to.
pub fn from_version(r: &Outdated) -> Option<&str> {
    r.current.as_deref().or(r.wanted.as_deref())
}

/// Version parts for comparing and classing, per ecosystem; `None` for a
/// prerelease or an unreadable version.
fn release_key(eco: Ecosystem, v: &str) -> Option<(Vec<u64>, [u64; 3])> {
    let parts: Vec<u64> = match eco {
        Ecosystem::Npm => {
            let v = nodejs_semver::Version::parse(v).ok()?;
            v.pre_release()
                .is_empty()
                .then(|| vec![v.major(), v.minor(), v.patch()])?
        }
        Ecosystem::Cargo => {
            let v = semver::Version::parse(v).ok()?;
            v.pre.is_empty().then(|| vec![v.major, v.minor, v.patch])?
        }
        Ecosystem::Pypi => {
            let v: pep440_rs::Version = v.parse().ok()?;
            if v.any_prerelease() {
                return None;
            }
            let mut r = v.release().to_vec();
            if let Some(post) = v.post() {
                r.push(u64::MAX);
                r.push(post);
            }
            r
        }
    };
    let triple = [0, 1, 2].map(|i| parts.get(i).copied().unwrap_or(0));
    Some((parts, triple))
}

/// The version to move to: `latest` when its class is allowed, else the
/// highest release (not yanked, deprecated or a prerelease, not past
/// `latest`) whose class from the current version is allowed.
pub fn target(r: &Outdated, allowed: &[Class], pkg: Option<&Package>) -> Option<(String, Class)> {
    let latest = r.latest.as_deref()?;
    if let Some(c) = r.class.filter(|c| allowed.contains(c)) {
        return Some((latest.to_string(), c));
    }
    let (from_parts, from) = release_key(r.ecosystem, from_version(r)?)?;
    let (latest_parts, _) = release_key(r.ecosystem, latest)?;
    pkg?.releases
        .iter()
        .filter(|rel| !rel.yanked && !rel.deprecated)
        .filter_map(|rel| {
            let (parts, t) = release_key(r.ecosystem, &rel.version)?;
            let c = class(from, t, parts > from_parts)?;
            (allowed.contains(&c) && parts <= latest_parts).then_some((parts, rel.version.clone(), c))
        })
        .max_by(|a, b| a.0.cmp(&b.0))
        .map(|(_, v, c)| (v, c))
}

/// The digest of a plan: its base commit, and each branch's name, bumps,
/// edits and commands.
pub fn digest(base: &str, plans: &[Planned]) -> String {
    let mut d = shipdeck_base::plan_digest::PlanDigest::new("deps.update");
    d.field("base", base);
    for p in plans {
        d.field("branch", &p.branch);
        d.field("bumps", serde_json::to_vec(&p.bumps).unwrap_or_default());
        for e in &p.edits {
            d.field("path", &e.path).content("after", &e.after);
        }
        for s in &p.steps {
            if let Step::Run(c) = s {
                d.field("command", c.display());
            }
        }
    }
    d.finish()
}

/// The lockfile a manifest's package manager keeps, nearest first.
pub fn lockfile(snap: &Snapshot, manifest: &str) -> Option<String> {
    let file = Path::new(manifest).file_name()?.to_str()?;
    let names: &[&str] = match file {
        "Cargo.toml" => &["Cargo.lock"],
        "package.json" => &[
            "npm-shrinkwrap.json",
            "package-lock.json",
            "pnpm-lock.yaml",
            "yarn.lock",
        ],
        "pyproject.toml" => &["uv.lock", "poetry.lock"],
        _ => return None,
    };
    let mut dir = Path::new(manifest).parent();
    while let Some(d) = dir {
        for n in names {
            let rel = rel_join(d, n);
            if snap.exists(&rel) {
                return Some(rel);
            }
        }
        dir = d.parent();
    }
    None
}

pub fn rel_join(dir: &Path, name: &str) -> String {
    let s = dir.join(name).to_string_lossy().replace('\\', "/");
    s.trim_start_matches("./").to_string()
}

fn parent_dir(rel: &str) -> String {
    Path::new(rel)
        .parent()
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .unwrap_or_default()
}

/// One bump's manifest edit applied to the texts edited so far; the bump
/// gets its requirements. Returns the file edited.
fn edit_one(
    snap: &Snapshot,
    files: &mut BTreeMap<String, (String, String)>,
    bump: &mut Bump,
    bump_floor: bool,
) -> Result<(), DepsError> {
    let mut path = bump.manifest.clone();
    for _ in 0..16 {
        let text = match files.get(&path) {
            Some((_, t)) => t.clone(),
            None => snap.read(&path)?.ok_or_else(|| DepsError::InvalidManifest {
                path: path.clone(),
                message: "not in HEAD".into(),
            })?,
        };
        let file = Path::new(&path)
            .file_name()
            .and_then(|f| f.to_str())
            .unwrap_or("");
        let bad = |message: String| DepsError::InvalidManifest {
            path: path.clone(),
            message,
        };
        let edited = match file {
            "Cargo.toml" => edit::cargo(&text, &bump.name, &bump.to, bump_floor).map_err(bad)?,
            "package.json" => edit::package_json(&text, &bump.name, &bump.to, bump_floor).map_err(bad)?,
            "pyproject.toml" => edit::pyproject(&text, &bump.name, &bump.to, bump_floor).map_err(bad)?,
            _ => edit::requirements(&text, &bump.name, &bump.to),
        };
        match edited {
            Edited::Changed {
                text: after,
                from,
                to,
            } => {
                bump.requirement_from = from;
                bump.requirement_to = to;
                let before = files.get(&path).map_or(text, |(b, _)| b.clone());
                files.insert(path, (before, after));
                return Ok(());
            }
            Edited::Absent => {
                return Err(DepsError::InvalidManifest {
                    path,
                    message: format!("{} is not declared in an editable form", bump.name),
                })
            }
            Edited::Inherited => {
                // The workspace root above declares it.
                let mut dir = Path::new(&path).parent().and_then(Path::parent);
                path = loop {
                    let Some(d) = dir else {
                        return Err(bad("no [workspace.dependencies] above declares it".into()));
                    };
                    let candidate = rel_join(d, "Cargo.toml");
                    if snap.exists(&candidate) {
                        break candidate;
                    }
                    dir = d.parent();
                };
            }
        }
    }
    Err(DepsError::InvalidManifest {
        path,
        message: "workspace inheritance too deep".into(),
    })
}

/// The edits, commands and lockfiles of one branch's bumps.
pub fn plan_branch(
    snap: &Snapshot,
    branch: String,
    group: Option<&str>,
    mut bumps: Vec<Bump>,
) -> Result<Planned, DepsError> {
    let mut files: BTreeMap<String, (String, String)> = BTreeMap::new();
    let mut locks: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, b) in bumps.iter_mut().enumerate() {
        let lock = lockfile(snap, &b.manifest);
        edit_one(snap, &mut files, b, lock.is_none())?;
        if let Some(l) = lock {
            locks.entry(l).or_default().push(i);
        }
    }
    let mut steps = Vec::new();
    for (lock, idx) in &locks {
        let members: Vec<&Bump> = idx.iter().map(|i| &bumps[*i]).collect();
        steps.extend(super::tools::steps(snap, lock, &members));
    }
    let message = super::branch::message(group, &bumps);
    // Unchanged manifests stay in: they are written back after a package
    // manager that rewrote them.
    let edits = files
        .into_iter()
        .map(|(path, (before, after))| FileEdit { path, before, after })
        .collect();
    Ok(Planned {
        branch,
        bumps,
        edits,
        steps,
        lockfiles: locks.into_keys().collect(),
        message,
    })
}

/// `dir` of a manifest relative to its lockfile's folder (empty when the same).
pub fn member_of(lock: &str, manifest: &str) -> String {
    let l = parent_dir(lock);
    let m = parent_dir(manifest);
    if l.is_empty() {
        m
    } else {
        m.strip_prefix(&format!("{l}/")).unwrap_or("").to_string()
    }
}

pub fn lock_dir(lock: &str) -> String {
    parent_dir(lock)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_stay_within_the_allowed_classes() {
        let pkg = Package {
            releases: ["1.2.3", "1.2.9", "1.3.0", "1.9.1", "2.0.0", "2.1.0-beta.1"]
                .iter()
                .map(|v| crate::registry::Release {
                    version: (*v).into(),
                    ..Default::default()
                })
                .collect(),
            ..Package::default()
        };
        let mut r = crate::Outdated {
            ecosystem: Ecosystem::Cargo,
            name: "x".into(),
            manifest: "Cargo.toml".into(),
            requirement: "1.2.3".into(),
            current: Some("1.2.3".into()),
            wanted: Some("1.9.1".into()),
            latest: Some("2.0.0".into()),
            class: Some(Class::Major),
            kind: "dependencies".into(),
            released: None,
            homepage: None,
            repository: None,
            release_notes: None,
            advisories: vec![],
            group: None,
            error: None,
        };
        let t = |r: &Outdated, a: &[Class]| target(r, a, Some(&pkg)).map(|(v, _)| v);
        assert_eq!(t(&r, &[Class::Patch]).as_deref(), Some("1.2.9"));
        assert_eq!(t(&r, &[Class::Patch, Class::Minor]).as_deref(), Some("1.9.1"));
        assert_eq!(t(&r, &[Class::Major]).as_deref(), Some("2.0.0"));
        r.current = Some("1.9.1".into());
        assert_eq!(t(&r, &[Class::Patch]), None);
    }
}
