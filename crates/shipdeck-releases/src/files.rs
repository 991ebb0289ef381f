//! Version files, edited without disturbing anything else: TOML through
//! toml_edit, JSON through a concrete syntax tree (jsonc-parser), so
//! comments, key order and indentation survive byte for byte outside the
//! version itself.
//!
//! Cargo: a crate's `version`, or `[workspace.package] version` when members
//! inherit it (`version.workspace = true`); then every dependent's version
//! requirement inside the workspace and the workspace's entries in
//! `Cargo.lock`. npm: `package.json` and, beside it, `package-lock.json`
//! (root `version` and `packages[""]`). Python: `[project] version`
//! (PEP 621) or `[tool.poetry] version`. A plain `VERSION` file. Any file
//! with a regex from shipdeck.toml.

use std::collections::BTreeMap;
use std::path::Path;

use jsonc_parser::cst::{CstInputValue, CstRootNode};
use regex::Regex;
use semver::Version;
use serde::Serialize;
use toml_edit::{DocumentMut, Item, Value};
use ts_rs::TS;

use super::error::ReleaseError;
use super::packages::Package;
use shipdeck_base::config::VersionFileConfig;

/// One file's planned change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct FileChange {
    pub path: String,
    /// `None` for a file the release creates (a first CHANGELOG.md).
    pub before: Option<String>,
    pub after: String,
}

/// Edits collected over several packages, one entry per file.
#[derive(Default)]
pub struct Edits {
    files: BTreeMap<String, (Option<String>, String)>,
}

impl Edits {
    /// The file's current text: an earlier edit's result, or the disk.
    pub fn read(&self, root: &Path, rel: &str) -> Option<String> {
        match self.files.get(rel) {
            Some((_, after)) => Some(after.clone()),
            None => read_inside(root, rel),
        }
    }

    pub fn write(&mut self, root: &Path, rel: &str, after: String) {
        let before = match self.files.remove(rel) {
            Some((before, _)) => before,
            None => read_inside(root, rel),
        };
        self.files.insert(rel.to_string(), (before, after));
    }

    /// Changed files only, sorted by path.
    pub fn into_changes(self) -> Vec<FileChange> {
        self.files
            .into_iter()
            .filter(|(_, (before, after))| before.as_deref() != Some(after.as_str()))
            .map(|(path, (before, after))| FileChange { path, before, after })
            .collect()
    }
}

/// A file's text, when it exists and lies inside the workspace: a manifest
/// naming `../elsewhere` or a link out of the tree reads as absent, so a
/// plan never shows (or edits) a file outside.
fn read_inside(root: &Path, rel: &str) -> Option<String> {
    let path = shipdeck_base::workspace::inside(root, "version_files", rel).ok()?;
    std::fs::read_to_string(path).ok()
}

fn err(path: &str, detail: impl Into<String>) -> ReleaseError {
    ReleaseError::VersionFile {
        path: path.into(),
        detail: detail.into(),
    }
}

fn file_name(rel: &str) -> &str {
    rel.rsplit('/').next().unwrap_or(rel)
}

fn join(dir: &str, file: &str) -> String {
    if dir == "." || dir.is_empty() {
        file.to_string()
    } else {
        format!("{dir}/{file}")
    }
}

fn parent(rel: &str) -> &str {
    rel.rsplit_once('/').map_or(".", |(d, _)| d)
}

/// The version files of a package: configured, else detected in its folder.
pub fn version_files(root: &Path, pkg: &Package) -> Vec<VersionFileConfig> {
    if !pkg.version_files.is_empty() {
        return pkg.version_files.clone();
    }
    ["Cargo.toml", "package.json", "pyproject.toml", "VERSION"]
        .iter()
        .map(|f| join(&pkg.path, f))
        .filter(|rel| root.join(rel).is_file())
        .map(VersionFileConfig::Path)
        .collect()
}

/// The version a package's files declare (first readable one wins).
pub fn declared_version(root: &Path, pkg: &Package) -> Option<Version> {
    version_files(root, pkg)
        .iter()
        .find_map(|spec| read_version(root, spec).ok().flatten())
}

fn read_version(root: &Path, spec: &VersionFileConfig) -> Result<Option<Version>, ReleaseError> {
    let (rel, regex) = match spec {
        VersionFileConfig::Path(p) => (p.as_str(), None),
        VersionFileConfig::Regex { path, regex } => (path.as_str(), Some(regex.as_str())),
    };
    let Some(text) = read_inside(root, rel) else {
        return Ok(None);
    };
    let raw = match (regex, file_name(rel)) {
        (Some(re), _) => compile(rel, re)?
            .captures(&text)
            .and_then(|c| c.name("version").or_else(|| c.get(1)))
            .map(|m| m.as_str().to_string()),
        (None, "Cargo.toml") => cargo_version(root, &text),
        (None, "package.json") => serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|j| j.get("version")?.as_str().map(str::to_string)),
        (None, "pyproject.toml") => text.parse::<DocumentMut>().ok().and_then(|d| {
            d.get("project")
                .and_then(|p| p.get("version"))
                .or_else(|| d.get("tool")?.get("poetry")?.get("version"))?
                .as_str()
                .map(str::to_string)
        }),
        (None, _) => Some(text.trim().to_string()),
    };
    Ok(raw.and_then(|v| Version::parse(v.trim_start_matches('v')).ok()))
}

fn cargo_version(root: &Path, text: &str) -> Option<String> {
    let doc: DocumentMut = text.parse().ok()?;
    if let Some(v) = doc.get("package").and_then(|p| p.get("version")) {
        if let Some(s) = v.as_str() {
            return Some(s.to_string());
        }
        // version.workspace = true: read the workspace root's.
        let root_doc: DocumentMut = std::fs::read_to_string(root.join("Cargo.toml"))
            .ok()?
            .parse()
            .ok()?;
        return root_doc
            .get("workspace")?
            .get("package")?
            .get("version")?
            .as_str()
            .map(str::to_string);
    }
    doc.get("workspace")?
        .get("package")?
        .get("version")?
        .as_str()
        .map(str::to_string)
}

fn compile(rel: &str, re: &str) -> Result<Regex, ReleaseError> {
    Regex::new(re).map_err(|e| err(rel, format!("invalid regex: {e}")))
}

fn set_string(item: &mut Item, value: &str) {
    // Keeps the value's decor (spacing, trailing comment).
    if let Some(v) = item.as_value_mut() {
        let decor = v.decor().clone();
        *v = Value::from(value);
        *v.decor_mut() = decor;
    }
}

/// Crates whose version changes, by name.
pub type CargoBumps = BTreeMap<String, Version>;

/// Sets the package's version in every version file; Cargo crates it
/// bumped are added to `cargo` for the dependents pass.
pub fn bump_package(
    root: &Path,
    pkg: &Package,
    version: &Version,
    edits: &mut Edits,
    cargo: &mut CargoBumps,
) -> Result<(), ReleaseError> {
    let files = version_files(root, pkg);
    if files.is_empty() {
        return Ok(());
    }
    let v = version.to_string();
    for spec in files {
        match spec {
            VersionFileConfig::Regex { path, regex } => {
                let re = compile(&path, &regex)?;
                let text = edits
                    .read(root, &path)
                    .ok_or_else(|| err(&path, "file not found"))?;
                let mut found = false;
                let out = re.replace_all(&text, |c: &regex::Captures| {
                    found = true;
                    let whole = c.get(0).expect("match");
                    let group = c.name("version").or_else(|| c.get(1)).unwrap_or(whole);
                    let (s, e) = (group.start() - whole.start(), group.end() - whole.start());
                    format!("{}{}{}", &whole.as_str()[..s], v, &whole.as_str()[e..])
                });
                if !found {
                    return Err(err(&path, format!("the regex {regex:?} matches nothing")));
                }
                let out = out.into_owned();
                edits.write(root, &path, out);
            }
            VersionFileConfig::Path(path) => match file_name(&path) {
                "Cargo.toml" => bump_cargo_manifest(root, &path, version, edits, cargo)?,
                "package.json" => bump_package_json(root, &path, &v, edits)?,
                "pyproject.toml" => bump_pyproject(root, &path, &v, edits)?,
                _ => {
                    let text = edits
                        .read(root, &path)
                        .ok_or_else(|| err(&path, "file not found"))?;
                    let old = text.trim();
                    if Version::parse(old.trim_start_matches('v')).is_err() {
                        return Err(err(&path, format!("{old:?} is not a version")));
                    }
                    let prefix = if old.starts_with('v') { "v" } else { "" };
                    edits.write(root, &path, text.replacen(old, &format!("{prefix}{v}"), 1));
                }
            },
        }
    }
    Ok(())
}

fn bump_cargo_manifest(
    root: &Path,
    rel: &str,
    version: &Version,
    edits: &mut Edits,
    cargo: &mut CargoBumps,
) -> Result<(), ReleaseError> {
    let text = edits.read(root, rel).ok_or_else(|| err(rel, "file not found"))?;
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e| err(rel, format!("not valid TOML: {e}")))?;
    let v = version.to_string();
    let pkg_name = doc
        .get("package")
        .and_then(|p| p.get("name"))
        .and_then(|n| n.as_str())
        .map(str::to_string);
    let own = doc
        .get("package")
        .and_then(|p| p.get("version"))
        .map(|v| v.as_str().is_some());
    match own {
        Some(true) => {
            set_string(&mut doc["package"]["version"], &v);
            cargo.insert(pkg_name.unwrap_or_default(), version.clone());
        }
        // Inherited: the workspace root holds the version.
        Some(false) if rel != "Cargo.toml" => {
            return bump_cargo_manifest(root, "Cargo.toml", version, edits, cargo);
        }
        Some(false) | None => {}
    }
    if doc
        .get("workspace")
        .and_then(|w| w.get("package"))
        .and_then(|p| p.get("version"))
        .is_some()
    {
        set_string(&mut doc["workspace"]["package"]["version"], &v);
        // Every member that inherits the version moves with it.
        for member in workspace_members(root, &doc) {
            let Some(m) = edits
                .read(root, &join(&member, "Cargo.toml"))
                .and_then(|t| t.parse::<DocumentMut>().ok())
            else {
                continue;
            };
            let inherits = m
                .get("package")
                .and_then(|p| p.get("version"))
                .is_some_and(|v| v.as_str().is_none());
            if let (true, Some(name)) = (
                inherits,
                m.get("package")
                    .and_then(|p| p.get("name"))
                    .and_then(|n| n.as_str()),
            ) {
                cargo.insert(name.to_string(), version.clone());
            }
        }
    } else if own.is_none() {
        return Err(err(rel, "no [package] version or [workspace.package] version"));
    }
    edits.write(root, rel, doc.to_string());
    Ok(())
}

fn workspace_members(root: &Path, doc: &DocumentMut) -> Vec<String> {
    let patterns = doc
        .get("workspace")
        .and_then(|w| w.get("members"))
        .and_then(|m| m.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    let mut out = Vec::new();
    for pattern in patterns {
        let Ok(paths) = glob::glob(&root.join(&pattern).to_string_lossy()) else {
            continue;
        };
        for p in paths.flatten().filter(|p| p.join("Cargo.toml").is_file()) {
            if let Ok(rel) =
                shipdeck_base::workspace::inside_relative(root, "workspace members", &p.to_string_lossy())
            {
                out.push(rel);
            }
        }
    }
    out.sort();
    out
}

/// After crates moved: dependents' requirements in the workspace and the
/// workspace's own entries in Cargo.lock.
pub fn update_cargo_dependents(
    root: &Path,
    cargo: &CargoBumps,
    edits: &mut Edits,
) -> Result<(), ReleaseError> {
    if cargo.is_empty() {
        return Ok(());
    }
    let Some(root_doc) = edits
        .read(root, "Cargo.toml")
        .and_then(|t| t.parse::<DocumentMut>().ok())
    else {
        return Ok(());
    };
    let mut manifests = vec!["Cargo.toml".to_string()];
    manifests.extend(
        workspace_members(root, &root_doc)
            .into_iter()
            .map(|m| join(&m, "Cargo.toml")),
    );
    for rel in manifests {
        let Some(text) = edits.read(root, &rel) else {
            continue;
        };
        let Ok(mut doc) = text.parse::<DocumentMut>() else {
            continue;
        };
        let mut changed = false;
        for table in dependency_tables(&mut doc) {
            for (key, dep) in table.iter_mut() {
                let Some(dep) = dep.as_table_like_mut() else {
                    continue;
                };
                let name = dep
                    .get("package")
                    .and_then(|p| p.as_str())
                    .unwrap_or(key.get())
                    .to_string();
                let (Some(new), true) = (cargo.get(&name), dep.contains_key("path")) else {
                    continue;
                };
                let Some(req) = dep.get("version").and_then(|v| v.as_str()).map(str::to_string) else {
                    continue;
                };
                let op: String = req.chars().take_while(|c| !c.is_ascii_digit()).collect();
                if let Some(item) = dep.get_mut("version") {
                    set_string(item, &format!("{op}{new}"));
                    changed = true;
                }
            }
        }
        if changed {
            edits.write(root, &rel, doc.to_string());
        }
    }
    if let Some(lock) = edits.read(root, "Cargo.lock") {
        let mut doc: DocumentMut = lock
            .parse()
            .map_err(|e| err("Cargo.lock", format!("not valid TOML: {e}")))?;
        if let Some(packages) = doc.get_mut("package").and_then(|p| p.as_array_of_tables_mut()) {
            for p in packages.iter_mut() {
                let local = p.get("source").is_none();
                let Some(new) = p
                    .get("name")
                    .and_then(|n| n.as_str())
                    .and_then(|n| cargo.get(n))
                    .filter(|_| local)
                else {
                    continue;
                };
                let new = new.to_string();
                set_string(&mut p["version"], &new);
            }
        }
        edits.write(root, "Cargo.lock", doc.to_string());
    }
    Ok(())
}

fn dependency_tables(doc: &mut DocumentMut) -> Vec<&mut dyn toml_edit::TableLike> {
    const KINDS: [&str; 3] = ["dependencies", "dev-dependencies", "build-dependencies"];
    let mut out: Vec<&mut dyn toml_edit::TableLike> = Vec::new();
    for (key, item) in doc.as_table_mut().iter_mut() {
        match key.get() {
            k if KINDS.contains(&k) => {
                if let Some(t) = item.as_table_like_mut() {
                    out.push(t);
                }
            }
            "workspace" => {
                if let Some(t) = item.get_mut("dependencies").and_then(|d| d.as_table_like_mut()) {
                    out.push(t);
                }
            }
            "target" => {
                if let Some(targets) = item.as_table_like_mut() {
                    for (_, target) in targets.iter_mut() {
                        if let Some(target) = target.as_table_like_mut() {
                            for (k, t) in target.iter_mut() {
                                if KINDS.contains(&k.get()) {
                                    if let Some(t) = t.as_table_like_mut() {
                                        out.push(t);
                                    }
                                }
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    out
}

fn set_json_version(rel: &str, text: &str, paths: &[&[&str]], v: &str) -> Result<String, ReleaseError> {
    let root = CstRootNode::parse(text, &Default::default())
        .map_err(|e| err(rel, format!("not valid JSON: {e}")))?;
    let obj = root.object_value().ok_or_else(|| err(rel, "not a JSON object"))?;
    let mut set_any = false;
    for path in paths {
        let (last, parents) = path.split_last().expect("non-empty path");
        let mut current = Some(obj.clone());
        for p in parents {
            current = current.and_then(|o| o.object_value(p));
        }
        if let Some(prop) = current.and_then(|o| o.get(last)) {
            prop.set_value(CstInputValue::String(v.to_string()));
            set_any = true;
        }
    }
    if !set_any {
        return Err(err(rel, "no \"version\" field"));
    }
    Ok(root.to_string())
}

fn bump_package_json(root: &Path, rel: &str, v: &str, edits: &mut Edits) -> Result<(), ReleaseError> {
    let text = edits.read(root, rel).ok_or_else(|| err(rel, "file not found"))?;
    edits.write(root, rel, set_json_version(rel, &text, &[&["version"]], v)?);
    // The lockfile beside it, and the root lockfile of an npm workspace.
    let dir = parent(rel);
    let lock = join(dir, "package-lock.json");
    if let Some(text) = edits.read(root, &lock) {
        edits.write(
            root,
            &lock,
            set_json_version(&lock, &text, &[&["version"], &["packages", "", "version"]], v)?,
        );
    } else if dir != "." {
        if let Some(text) = edits.read(root, "package-lock.json") {
            if let Ok(out) = set_json_version("package-lock.json", &text, &[&["packages", dir, "version"]], v)
            {
                edits.write(root, "package-lock.json", out);
            }
        }
    }
    Ok(())
}

fn bump_pyproject(root: &Path, rel: &str, v: &str, edits: &mut Edits) -> Result<(), ReleaseError> {
    let text = edits.read(root, rel).ok_or_else(|| err(rel, "file not found"))?;
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e| err(rel, format!("not valid TOML: {e}")))?;
    if doc.get("project").and_then(|p| p.get("version")).is_some() {
        set_string(&mut doc["project"]["version"], v);
    } else if doc
        .get("tool")
        .and_then(|t| t.get("poetry"))
        .and_then(|p| p.get("version"))
        .is_some()
    {
        set_string(&mut doc["tool"]["poetry"]["version"], v);
    } else {
        return Err(err(
            rel,
            "no [project] version or [tool.poetry] version (a dynamic version is set elsewhere)",
        ));
    }
    edits.write(root, rel, doc.to_string());
    Ok(())
}

#[cfg(test)]
mod tests;
