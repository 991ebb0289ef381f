//! Releasable packages and where their versions live.
//!
//! Packages come from `[[packages]]` in shipdeck.toml; without it, from a
//! Cargo workspace (crates with their own `version`, plus one package for
//! the crates sharing `[workspace.package] version`) or npm workspaces;
//! otherwise the workspace is one package named by its root manifest
//! (`Cargo.toml`, `package.json`, `pyproject.toml`) or, without one, after
//! its folder. Tag conventions are read from the tags HEAD contains, and a
//! folder's name never selects them: a clone's folder is the user's choice.

use std::path::Path;

use git2::{Oid, Repository};
use regex::Regex;
use semver::Version;

use super::error::ReleaseError;
use shipdeck_base::config::{Config, PackageConfig, VersionFileConfig};
use shipdeck_base::error::Result;
use shipdeck_base::workspace::inside_relative;

#[derive(Debug, Clone)]
pub struct Package {
    pub name: String,
    /// Relative to the workspace root, `/`-separated; `.` for the root.
    pub path: String,
    pub tag_format: String,
    pub version_files: Vec<VersionFileConfig>,
    pub changelog: String,
    /// Named after the workspace folder (no manifest or config names it):
    /// per-package tag formats (`{name}-…`) are not inferred for it.
    pub folder_named: bool,
}

impl Package {
    pub fn tag(&self, version: &Version) -> String {
        self.tag_format
            .replace("{name}", &self.name)
            .replace("{version}", &version.to_string())
    }

    /// A regex matching this package's tags, capturing the version.
    pub fn tag_regex(&self) -> std::result::Result<Regex, ReleaseError> {
        if !self.tag_format.contains("{version}") {
            return Err(ReleaseError::TagFormat {
                format: self.tag_format.clone(),
            });
        }
        let pattern = regex::escape(&self.tag_format)
            .replace(r"\{name\}", &regex::escape(&self.name))
            .replace(
                r"\{version\}",
                r"(?P<version>\d+\.\d+\.\d+(?:-[0-9A-Za-z.\-]+)?(?:\+[0-9A-Za-z.\-]+)?)",
            );
        Regex::new(&format!("^{pattern}$")).map_err(|e| ReleaseError::TagFormat {
            format: format!("{} ({e})", self.tag_format),
        })
    }

    /// Whether a workspace-relative path belongs to this package.
    pub fn contains(&self, path: &str) -> bool {
        self.path == "." || path == self.path || path.starts_with(&format!("{}/", self.path))
    }
}

fn changelog_for(path: &str) -> String {
    if path == "." {
        "CHANGELOG.md".into()
    } else {
        format!("{path}/CHANGELOG.md")
    }
}

fn normalise(path: &str) -> String {
    let p = path.trim().trim_start_matches("./").trim_end_matches('/');
    if p.is_empty() {
        ".".into()
    } else {
        p.to_string()
    }
}

/// Tag formats tried for a discovered package, most specific first.
const NAMED_FORMATS: &[&str] = &[
    "{name}-v{version}",
    "{name}-{version}",
    "{name}@{version}",
    "{name}/v{version}",
];
const PLAIN_FORMATS: &[&str] = &["v{version}", "{version}"];

fn matching(tags: &[String], pkg: &Package, format: &str) -> usize {
    let probe = Package {
        tag_format: format.to_string(),
        ..pkg.clone()
    };
    probe
        .tag_regex()
        .map_or(0, |re| tags.iter().filter(|t| re.is_match(t)).count())
}

/// The format of `pkg`'s newest release among `tags`, if any matches;
/// on a tie the more specific format (earlier in `formats`).
fn newest_format(tags: &[String], pkg: &Package, formats: &[&str]) -> Option<String> {
    let mut best: Option<(Version, usize)> = None;
    for (i, f) in formats.iter().enumerate() {
        let probe = Package {
            tag_format: f.to_string(),
            ..pkg.clone()
        };
        let Ok(re) = probe.tag_regex() else { continue };
        let newest = tags
            .iter()
            .filter_map(|t| Version::parse(&re.captures(t)?["version"]).ok())
            .max();
        if let Some(v) = newest {
            if best.as_ref().is_none_or(|(b, _)| v > *b) {
                best = Some((v, i));
            }
        }
    }
    best.map(|(_, i)| formats[i].to_string())
}

/// The format the repository's tags actually use for `pkg`, if any.
fn infer_format(tags: &[String], pkg: &Package, formats: &[&str]) -> Option<String> {
    formats
        .iter()
        .map(|f| (matching(tags, pkg, f), *f))
        .filter(|(n, _)| *n > 0)
        .max_by_key(|(n, f)| (*n, std::cmp::Reverse(formats.iter().position(|x| x == f))))
        .map(|(_, f)| f.to_string())
}

/// Discovered packages take the tag convention the repository uses (`tags`
/// are those HEAD contains): a single package the format of its newest
/// release, plain (`v1.2.3`, `1.2.3`) or named (`name-v1.2.3`,
/// `name-1.2.3`, `name@1.2.3`); several packages their own tags, or — when
/// only plain tags exist and every package has the same version — one
/// package released as a whole.
fn adopt_tag_conventions(root: &Path, mut packages: Vec<Package>, tags: &[String]) -> Vec<Package> {
    if let [single] = packages.as_mut_slice() {
        let mut formats: Vec<&str> = Vec::new();
        if !single.folder_named {
            formats.extend_from_slice(NAMED_FORMATS);
        }
        formats.extend_from_slice(PLAIN_FORMATS);
        if let Some(f) = newest_format(tags, single, &formats) {
            single.tag_format = f;
        }
        return packages;
    }
    let mut sibling_format: Option<String> = None;
    let mut untagged = Vec::new();
    for (i, p) in packages.iter_mut().enumerate().filter(|(_, p)| !p.folder_named) {
        match infer_format(tags, p, NAMED_FORMATS) {
            Some(f) => {
                sibling_format.get_or_insert_with(|| f.clone());
                p.tag_format = f;
            }
            None => untagged.push(i),
        }
    }
    if let Some(format) = sibling_format {
        // A member not released yet follows its siblings' convention
        // (`cocogitto-7.0.0` beside a new `cocogitto-dependency-resolver`);
        // a root package keeps plain tags if it has them.
        for i in untagged {
            let p = &packages[i];
            let plain = (p.path == ".")
                .then(|| infer_format(tags, p, PLAIN_FORMATS))
                .flatten();
            packages[i].tag_format = plain.unwrap_or_else(|| format.clone());
        }
        return packages;
    }
    if packages.is_empty() {
        return packages;
    }
    let plain = infer_format(tags, &packages[0], PLAIN_FORMATS);
    let versions: Vec<Option<Version>> = packages
        .iter()
        .map(|p| super::files::declared_version(root, p))
        .collect();
    let shared = versions.iter().all(|v| v.is_some() && *v == versions[0]);
    match plain {
        Some(format) if shared => {
            let (name, folder_named) = root_name(root);
            vec![Package {
                name,
                path: ".".into(),
                tag_format: format,
                version_files: packages.into_iter().flat_map(|p| p.version_files).collect(),
                changelog: "CHANGELOG.md".into(),
                folder_named,
            }]
        }
        _ => packages,
    }
}

/// The packages of a workspace (see the module docs for the order). `tags`
/// are the repository's tag names, to follow its tagging convention.
pub fn discover(root: &Path, config: Option<&Config>, tags: &[String]) -> Result<Vec<Package>> {
    let found = discover_layout(root, config)?;
    if config.is_some_and(|c| !c.packages.is_empty()) {
        return Ok(found);
    }
    Ok(adopt_tag_conventions(root, found, tags))
}

fn discover_layout(root: &Path, config: Option<&Config>) -> Result<Vec<Package>> {
    if let Some(c) = config.filter(|c| !c.packages.is_empty()) {
        let single = c.packages.len() == 1;
        return c.packages.iter().map(|p| configured(root, p, single)).collect();
    }
    if let Some(pkgs) = cargo_workspace(root)? {
        return Ok(pkgs);
    }
    if let Some(pkgs) = npm_workspaces(root)? {
        return Ok(pkgs);
    }
    let (name, folder_named) = root_name(root);
    Ok(vec![Package {
        name,
        path: ".".into(),
        tag_format: "v{version}".into(),
        version_files: Vec::new(),
        changelog: "CHANGELOG.md".into(),
        folder_named,
    }])
}

/// A `[[packages]]` entry, with every path it names checked to stay inside
/// the workspace and rewritten relative to it (absolute paths included).
fn configured(root: &Path, p: &PackageConfig, single: bool) -> Result<Package> {
    let key = |what: &str| format!("packages.{}.{what}", p.name);
    let path = inside_relative(root, &key("path"), &normalise(&p.path))?;
    let changelog = p.changelog.clone().unwrap_or_else(|| changelog_for(&path));
    let version_files = p
        .version_files
        .iter()
        .map(|f| -> Result<VersionFileConfig> {
            Ok(match f {
                VersionFileConfig::Path(v) => {
                    VersionFileConfig::Path(inside_relative(root, &key("version_files"), v)?)
                }
                VersionFileConfig::Regex { path, regex } => VersionFileConfig::Regex {
                    path: inside_relative(root, &key("version_files"), path)?,
                    regex: regex.clone(),
                },
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Package {
        name: p.name.clone(),
        tag_format: p.tag_format.clone().unwrap_or_else(|| {
            if single {
                "v{version}".into()
            } else {
                "{name}-v{version}".into()
            }
        }),
        version_files,
        changelog: inside_relative(root, &key("changelog"), &changelog)?,
        path,
        folder_named: false,
    })
}

/// The name the root manifest gives the project (`Cargo.toml`'s
/// `[package] name`, `package.json`'s `name`, `pyproject.toml`'s
/// `[project]` or `[tool.poetry]` name), else the folder's name (`true`).
fn root_name(root: &Path) -> (String, bool) {
    let cargo = || {
        read_toml(&root.join("Cargo.toml"))?
            .get("package")?
            .get("name")?
            .as_str()
            .map(str::to_string)
    };
    let npm = || {
        let text = std::fs::read_to_string(root.join("package.json")).ok()?;
        let json: serde_json::Value = serde_json::from_str(&text).ok()?;
        json.get("name")?.as_str().map(str::to_string)
    };
    let python = || {
        let doc = read_toml(&root.join("pyproject.toml"))?;
        let name = doc
            .get("project")
            .and_then(|p| p.get("name"))
            .or_else(|| doc.get("tool")?.get("poetry")?.get("name"))?;
        name.as_str().map(str::to_string)
    };
    match cargo()
        .or_else(npm)
        .or_else(python)
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
    {
        Some(name) => (name, false),
        None => (shipdeck_base::workspace::folder_name(root), true),
    }
}

fn read_toml(path: &Path) -> Option<toml_edit::DocumentMut> {
    std::fs::read_to_string(path).ok()?.parse().ok()
}

/// Member folders of a workspace, glob patterns expanded, sorted.
fn expand_members(root: &Path, patterns: impl Iterator<Item = String>) -> Vec<String> {
    let mut out = Vec::new();
    for pattern in patterns {
        let full = root.join(&pattern);
        let Ok(paths) = glob::glob(&full.to_string_lossy()) else {
            continue;
        };
        // A member pattern such as `../*` or a linked folder must not
        // make a package of something outside the workspace.
        for p in paths.flatten().filter(|p| p.is_dir()) {
            if let Ok(rel) = inside_relative(root, "workspace members", &p.to_string_lossy()) {
                out.push(rel);
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

fn cargo_workspace(root: &Path) -> Result<Option<Vec<Package>>> {
    let Some(doc) = read_toml(&root.join("Cargo.toml")) else {
        return Ok(None);
    };
    let Some(ws) = doc.get("workspace").and_then(|w| w.as_table_like()) else {
        return Ok(None);
    };
    let members = ws
        .get("members")
        .and_then(|m| m.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    let shared = ws
        .get("package")
        .and_then(|p| p.get("version"))
        .and_then(|v| v.as_str())
        .is_some();
    let mut own = Vec::new();
    let mut inherits = false;
    for member in expand_members(root, members.into_iter()) {
        let Some(m) = read_toml(&root.join(&member).join("Cargo.toml")) else {
            continue;
        };
        let Some(pkg) = m.get("package") else { continue };
        let name = pkg
            .get("name")
            .and_then(|n| n.as_str())
            .unwrap_or(&member)
            .to_string();
        match pkg.get("version") {
            Some(v) if v.as_str().is_some() => own.push(Package {
                name,
                tag_format: "{name}-v{version}".into(),
                version_files: vec![VersionFileConfig::Path(format!("{member}/Cargo.toml"))],
                changelog: changelog_for(&member),
                path: member,
                folder_named: false,
            }),
            Some(_) => inherits = true,
            None => {}
        }
    }
    // A root manifest that is also a package.
    if let Some(pkg) = doc.get("package") {
        if let (Some(name), Some(_)) = (
            pkg.get("name").and_then(|n| n.as_str()),
            pkg.get("version").and_then(|v| v.as_str()),
        ) {
            own.insert(
                0,
                Package {
                    name: name.to_string(),
                    tag_format: "{name}-v{version}".into(),
                    version_files: vec![VersionFileConfig::Path("Cargo.toml".into())],
                    changelog: "CHANGELOG.md".into(),
                    path: ".".into(),
                    folder_named: false,
                },
            );
        }
    }
    let mut packages = Vec::new();
    if shared && (inherits || own.is_empty()) {
        let (name, folder_named) = root_name(root);
        packages.push(Package {
            name,
            path: ".".into(),
            tag_format: "v{version}".into(),
            version_files: vec![VersionFileConfig::Path("Cargo.toml".into())],
            changelog: "CHANGELOG.md".into(),
            folder_named,
        });
    }
    packages.extend(own);
    Ok((!packages.is_empty()).then_some(packages))
}

fn npm_workspaces(root: &Path) -> Result<Option<Vec<Package>>> {
    let Ok(text) = std::fs::read_to_string(root.join("package.json")) else {
        return Ok(None);
    };
    let Ok(json) = serde_json::from_str::<serde_json::Value>(&text) else {
        return Ok(None);
    };
    let patterns: Vec<String> = match json.get("workspaces") {
        Some(serde_json::Value::Array(a)) => {
            a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect()
        }
        Some(serde_json::Value::Object(o)) => o
            .get("packages")
            .and_then(|p| p.as_array())
            .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
            .unwrap_or_default(),
        _ => return Ok(None),
    };
    let mut packages = Vec::new();
    for member in expand_members(root, patterns.into_iter()) {
        let Ok(t) = std::fs::read_to_string(root.join(&member).join("package.json")) else {
            continue;
        };
        let Ok(j) = serde_json::from_str::<serde_json::Value>(&t) else {
            continue;
        };
        if j.get("private").and_then(|p| p.as_bool()) == Some(true) && j.get("version").is_none() {
            continue;
        }
        let Some(name) = j.get("name").and_then(|n| n.as_str()) else {
            continue;
        };
        packages.push(Package {
            name: name.to_string(),
            tag_format: "{name}@{version}".into(),
            version_files: vec![VersionFileConfig::Path(format!("{member}/package.json"))],
            changelog: changelog_for(&member),
            path: member,
            folder_named: false,
        });
    }
    Ok((!packages.is_empty()).then_some(packages))
}

/// A package's latest release, as found in the tags.
#[derive(Debug, Clone)]
pub struct Released {
    pub tag: String,
    pub version: Version,
    pub commit: Oid,
}

/// For each package, its release tags, highest version first. Which of
/// them HEAD contains is decided by the caller (see `plan`).
pub fn release_tags(repo: &Repository, packages: &[Package]) -> Result<Vec<Vec<Released>>> {
    let regexes = packages
        .iter()
        .map(|p| p.tag_regex())
        .collect::<std::result::Result<Vec<_>, _>>()?;
    let tagged = shipdeck_git::tag_commits(repo)?;
    Ok(regexes
        .iter()
        .map(|re| {
            shipdeck_git::with_versions(&tagged, |name| shipdeck_git::version_in(re, name))
                .into_iter()
                .map(|t| Released {
                    tag: t.name,
                    version: t.version,
                    commit: t.commit,
                })
                .collect()
        })
        .collect())
}

#[cfg(test)]
mod tests;
