//! A generation: every template rendered (paths too), every target checked
//! (inside the workspace, not in `.git`, not existing, no file where a
//! folder must be), then — unless it is a dry run — every file written.
//! Nothing is written when any check fails.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path};

use minijinja::Value;
use serde::Serialize;
use ts_rs::TS;

use crate::error::{io, BlueprintError, Result};
use crate::model::{Blueprint, Template};
use crate::render::{environment, render};
use crate::stack::Stack;

/// At most this many bytes written by one generation.
pub const MAX_TOTAL_BYTES: usize = 8 * 1024 * 1024;

/// One file of a generation.
#[derive(Debug, Clone, Serialize, TS)]
pub struct GeneratedFile {
    /// Relative to the workspace, `/`-separated.
    pub path: String,
    pub bytes: usize,
    #[serde(skip)]
    #[ts(skip)]
    pub(crate) content: String,
}

/// What a generation makes (or, in a dry run, would make).
#[derive(Debug, Clone, Serialize, TS)]
pub struct Generation {
    pub blueprint: String,
    /// Every variable's value, given or default.
    pub values: BTreeMap<String, String>,
    pub files: Vec<GeneratedFile>,
    /// The new files as a unified diff (`--- /dev/null`, `+++ b/PATH`).
    pub diff: String,
    /// The checklist page, relative to the workspace, when there is one.
    pub checklist: Option<String>,
    pub dry_run: bool,
    /// Whether the files were written.
    pub written: bool,
}

/// Renders `templates` of `bp` with `values` and `stack` and checks every
/// target; writes nothing.
pub(crate) fn plan(
    root: &Path,
    bp: &Blueprint,
    templates: &[Template],
    values: BTreeMap<String, String>,
    stack: &Stack,
) -> Result<Generation> {
    let env = environment();
    let mut ctx: BTreeMap<String, Value> = values
        .iter()
        .map(|(k, v)| (k.clone(), Value::from(v.as_str())))
        .collect();
    ctx.insert("ecosystems".into(), Value::from_serialize(&stack.ecosystems));
    ctx.insert("frontend".into(), Value::from(stack.frontend.as_str()));
    ctx.insert("typescript".into(), Value::from(stack.typescript));
    let ctx = Value::from_serialize(&ctx);

    let mut files = Vec::new();
    let mut seen = BTreeSet::new();
    let mut total = 0usize;
    for t in templates {
        let raw = render(&env, &t.path, &t.path, &ctx)?;
        let raw = raw.trim();
        if raw.is_empty() {
            continue; // a path that renders empty: a file this stack does not get
        }
        let path = contained(root, raw)?;
        if !seen.insert(path.clone()) {
            return Err(BlueprintError::BadBlueprint {
                name: bp.name.clone(),
                message: format!("two templates render to {path}"),
            });
        }
        let content = render(&env, &t.path, &t.content, &ctx)?;
        total += content.len();
        if total > MAX_TOTAL_BYTES {
            return Err(BlueprintError::TooLarge {
                what: "the generated files".into(),
                limit: MAX_TOTAL_BYTES,
            });
        }
        files.push(GeneratedFile {
            bytes: content.len(),
            path,
            content,
        });
    }
    refuse_existing(root, &files)?;
    let checklist = match &bp.checklist {
        Some(t) => Some(contained(root, render(&env, "checklist", t, &ctx)?.trim())?),
        None => None,
    };
    Ok(Generation {
        blueprint: bp.name.clone(),
        values,
        diff: diff(&files),
        files,
        checklist,
        dry_run: true,
        written: false,
    })
}

/// A rendered path, normalised, when it stays inside the workspace: no
/// root, no `..`, not `.git`, and no link on the way out of it.
fn contained(root: &Path, raw: &str) -> Result<String> {
    let outside = || BlueprintError::PathOutside {
        path: raw.to_string(),
    };
    if raw.contains('\0') || raw.contains('\\') || raw.len() > 1024 {
        return Err(outside());
    }
    let mut parts = Vec::new();
    for c in Path::new(raw).components() {
        match c {
            Component::Normal(p) => parts.push(p.to_string_lossy().into_owned()),
            Component::CurDir => {}
            _ => return Err(outside()),
        }
    }
    let git = parts.first().is_some_and(|p| p.eq_ignore_ascii_case(".git"));
    if parts.is_empty() || git {
        return Err(outside());
    }
    let rel = parts.join("/");
    shipdeck_base::workspace::inside(root, "blueprint", &rel).map_err(|_| outside())?;
    Ok(rel)
}

/// Refuses the generation when a target exists, or a folder on its way is
/// a file.
fn refuse_existing(root: &Path, files: &[GeneratedFile]) -> Result<()> {
    let mut existing = Vec::new();
    for f in files {
        let target = root.join(&f.path);
        if std::fs::symlink_metadata(&target).is_ok() {
            existing.push(f.path.clone());
            continue;
        }
        let mut dir = target.parent();
        while let Some(d) = dir.filter(|d| d.starts_with(root) && *d != root) {
            if std::fs::symlink_metadata(d).is_ok_and(|m| !m.is_dir()) {
                let rel = d.strip_prefix(root).unwrap_or(d);
                existing.push(rel.to_string_lossy().replace('\\', "/"));
                break;
            }
            dir = d.parent();
        }
    }
    if existing.is_empty() {
        Ok(())
    } else {
        existing.sort();
        existing.dedup();
        Err(BlueprintError::Exists { paths: existing })
    }
}

/// The new files as one unified diff.
fn diff(files: &[GeneratedFile]) -> String {
    let mut out = String::new();
    for f in files {
        let d = similar::TextDiff::from_lines("", f.content.as_str());
        let text = d
            .unified_diff()
            .context_radius(3)
            .header("/dev/null", &format!("b/{}", f.path))
            .to_string();
        if text.is_empty() {
            // An empty file: no hunk, the headers alone say it is new.
            out.push_str(&format!("--- /dev/null\n+++ b/{}\n", f.path));
        } else {
            out.push_str(&text);
        }
    }
    out
}

/// Writes every file of `g`, each created new (a file that appeared since
/// the check is not overwritten).
pub(crate) fn write(root: &Path, g: &mut Generation) -> Result<()> {
    use std::io::Write as _;
    for f in &g.files {
        let target = root.join(&f.path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(io(parent))?;
        }
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&target)
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::AlreadyExists => BlueprintError::Exists {
                    paths: vec![f.path.clone()],
                },
                _ => io(&target)(e),
            })?;
        file.write_all(f.content.as_bytes()).map_err(io(&target))?;
    }
    g.dry_run = false;
    g.written = true;
    Ok(())
}
