//! What a blueprint is: `blueprint.toml` (a description, the variables and
//! where the checklist page lands) and the templates under `files/`, from
//! the workspace's `blueprints/<name>/` or shipped in the binary.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{bad, io, BlueprintError, Result};

/// At most this many files under a blueprint's `files/`.
pub const MAX_FILES: usize = 200;
/// At most this many bytes per template, and per `blueprint.toml`.
pub const MAX_TEMPLATE_BYTES: u64 = 1024 * 1024;
/// At most this many blueprints read from the workspace.
pub const MAX_BLUEPRINTS: usize = 100;
/// Names the renderer fills in itself; a variable cannot take them.
pub const RESERVED: &[&str] = &["ecosystems", "frontend", "typescript"];

/// One value a blueprint asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(rename = "BlueprintVariable")]
pub struct Variable {
    pub name: String,
    /// The question asked for it.
    pub prompt: String,
    #[serde(default)]
    pub default: Option<String>,
    /// The only values allowed, when not empty.
    #[serde(default)]
    pub choices: Vec<String>,
    /// A regular expression the whole value must match.
    #[serde(default)]
    pub pattern: Option<String>,
}

/// Where a blueprint comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(rename = "BlueprintSource")]
pub enum Source {
    /// `blueprints/<name>/` in the workspace (wins over a shipped one).
    Workspace,
    /// Shipped with Shipdeck.
    Builtin,
}

/// A blueprint as listed: what it is and what it asks for.
#[derive(Debug, Clone, Serialize, TS)]
pub struct Blueprint {
    pub name: String,
    pub description: String,
    pub source: Source,
    pub variables: Vec<Variable>,
    /// The path template of its checklist page, when it has one.
    pub checklist: Option<String>,
    #[serde(skip)]
    #[ts(skip)]
    pub(crate) dir: Option<PathBuf>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    description: String,
    #[serde(default)]
    checklist: Option<String>,
    #[serde(default)]
    variables: Vec<Variable>,
}

/// One template: its path (itself a template) relative to `files/`, and
/// its content.
#[derive(Debug, Clone)]
pub(crate) struct Template {
    pub path: String,
    pub content: String,
}

/// Reads a `blueprint.toml`'s text into a blueprint, checking its variables.
pub(crate) fn parse(name: &str, text: &str, source: Source, dir: Option<PathBuf>) -> Result<Blueprint> {
    let m: Manifest = toml::from_str(text).map_err(|e| bad(name, e.message()))?;
    let mut seen = std::collections::BTreeSet::new();
    for v in &m.variables {
        if !valid_identifier(&v.name) || RESERVED.contains(&v.name.as_str()) {
            return Err(bad(name, format!("{:?} is not a usable variable name", v.name)));
        }
        if !seen.insert(v.name.clone()) {
            return Err(bad(name, format!("variable {:?} is declared twice", v.name)));
        }
        if let Some(p) = &v.pattern {
            crate::values::full_match(p).map_err(|e| bad(name, format!("{}: {e}", v.name)))?;
        }
        if let Some(d) = &v.default {
            crate::values::check(v, d).map_err(|e| bad(name, format!("the default of {e}")))?;
        }
    }
    Ok(Blueprint {
        name: name.to_string(),
        description: m.description,
        source,
        variables: m.variables,
        checklist: m.checklist,
        dir,
    })
}

/// A template variable name: a letter or `_`, then letters, digits, `_`.
fn valid_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A blueprint's name: what a folder and a command-line argument can hold.
pub(crate) fn valid_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// The blueprints under `root/blueprints/`, by name. A folder that is a
/// link, or has no `blueprint.toml`, is not one.
pub(crate) fn workspace_blueprints(root: &Path) -> Result<Vec<Blueprint>> {
    let dir = root.join("blueprints");
    let Ok(meta) = std::fs::symlink_metadata(&dir) else {
        return Ok(Vec::new());
    };
    if !meta.is_dir() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).map_err(io(&dir))? {
        let entry = entry.map_err(io(&dir))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        let manifest = entry.path().join("blueprint.toml");
        if !is_dir || !valid_name(&name) || !manifest.is_file() {
            continue;
        }
        if out.len() == MAX_BLUEPRINTS {
            return Err(BlueprintError::TooLarge {
                what: "the number of blueprints".into(),
                limit: MAX_BLUEPRINTS,
            });
        }
        let text = read_bounded(&manifest)?;
        out.push(parse(&name, &text, Source::Workspace, Some(entry.path()))?);
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// A text file of at most [`MAX_TEMPLATE_BYTES`].
fn read_bounded(path: &Path) -> Result<String> {
    let meta = std::fs::symlink_metadata(path).map_err(io(path))?;
    if meta.len() > MAX_TEMPLATE_BYTES {
        return Err(BlueprintError::TooLarge {
            what: path.display().to_string(),
            limit: MAX_TEMPLATE_BYTES as usize,
        });
    }
    std::fs::read_to_string(path).map_err(io(path))
}

/// The templates under a workspace blueprint's `files/`. Links are refused:
/// a template reads nothing outside its blueprint.
pub(crate) fn workspace_templates(bp: &Blueprint, dir: &Path) -> Result<Vec<Template>> {
    let files = dir.join("files");
    if !files.is_dir() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(&files)
        .follow_links(false)
        .sort_by_file_name()
    {
        let entry = entry.map_err(|e| bad(&bp.name, e))?;
        let kind = entry.file_type();
        if kind.is_symlink() {
            let rel = entry.path().strip_prefix(&files).unwrap_or(entry.path());
            return Err(bad(&bp.name, format!("files/{} is a link", rel.display())));
        }
        if !kind.is_file() {
            continue;
        }
        if out.len() == MAX_FILES {
            return Err(BlueprintError::TooLarge {
                what: format!("the number of files of {}", bp.name),
                limit: MAX_FILES,
            });
        }
        let rel = entry.path().strip_prefix(&files).unwrap_or(entry.path());
        let path = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        let content = read_bounded(entry.path())?;
        out.push(Template { path, content });
    }
    Ok(out)
}
