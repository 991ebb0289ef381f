//! Cargo.toml: `[dependencies]`, `[dev-dependencies]`, `[build-dependencies]`
//! and their `[target.*]` forms; `workspace = true` entries take the root's
//! `[workspace.dependencies]`; the locked version comes from Cargo.lock.

use std::path::Path;

use toml::{Table, Value};

use super::{nearest, read_text, relative, Direct};
use crate::error::DepsError;
use crate::Ecosystem;

const KINDS: &[&str] = &["dependencies", "dev-dependencies", "build-dependencies"];

fn parse(root: &Path, path: &Path) -> Result<Option<Table>, DepsError> {
    let Some(text) = read_text(root, path)? else {
        return Ok(None);
    };
    text.parse::<Table>()
        .map(Some)
        .map_err(|e| DepsError::InvalidManifest {
            path: relative(root, path),
            message: e.to_string().trim().to_string(),
        })
}

pub fn read(root: &Path, path: &Path, rel: &str) -> Result<Vec<Direct>, DepsError> {
    let Some(doc) = parse(root, path)? else {
        return Ok(vec![]);
    };
    let dir = path.parent().unwrap_or(root);
    let workspace_deps = workspace_dependencies(root, dir)?;
    let lock = match nearest(root, dir, "Cargo.lock") {
        Some(l) => read_lock(root, &l)?,
        None => vec![],
    };
    let mut tables: Vec<(&str, &Table)> = Vec::new();
    for kind in KINDS {
        if let Some(t) = doc.get(*kind).and_then(Value::as_table) {
            tables.push((kind, t));
        }
    }
    if let Some(targets) = doc.get("target").and_then(Value::as_table) {
        for t in targets.values().filter_map(Value::as_table) {
            for kind in KINDS {
                if let Some(t) = t.get(*kind).and_then(Value::as_table) {
                    tables.push((kind, t));
                }
            }
        }
    }
    let mut out = Vec::new();
    for (kind, table) in tables {
        for (key, spec) in table {
            let Some((name, req, registry)) = entry(key, spec, workspace_deps.as_ref()) else {
                continue;
            };
            let current = locked(&lock, &name, &req);
            out.push(Direct {
                ecosystem: Ecosystem::Cargo,
                name,
                manifest: rel.to_string(),
                kind: kind.to_string(),
                requirement: req,
                current,
                registry,
            });
        }
    }
    Ok(out)
}

/// `(registry name, requirement, named registry)` of a registry dependency;
/// `None` for path and git dependencies.
fn entry(key: &str, spec: &Value, workspace: Option<&Table>) -> Option<(String, String, Option<String>)> {
    match spec {
        Value::String(req) => Some((key.to_string(), req.clone(), None)),
        Value::Table(t) => {
            if t.get("workspace").and_then(Value::as_bool) == Some(true) {
                let inherited = workspace?.get(key)?;
                return entry(key, inherited, None);
            }
            if t.contains_key("git") || (t.contains_key("path") && !t.contains_key("version")) {
                return None;
            }
            let req = t.get("version").and_then(Value::as_str).unwrap_or("*");
            let name = t.get("package").and_then(Value::as_str).unwrap_or(key);
            let registry = t.get("registry").and_then(Value::as_str).map(String::from);
            Some((name.to_string(), req.to_string(), registry))
        }
        _ => None,
    }
}

/// The `[workspace.dependencies]` of the nearest workspace root above `dir`.
fn workspace_dependencies(root: &Path, dir: &Path) -> Result<Option<Table>, DepsError> {
    let mut d = Some(dir);
    while let Some(cur) = d {
        let candidate = cur.join("Cargo.toml");
        if candidate.is_file() {
            if let Some(doc) = parse(root, &candidate)? {
                if let Some(ws) = doc.get("workspace").and_then(Value::as_table) {
                    return Ok(ws.get("dependencies").and_then(Value::as_table).cloned());
                }
            }
        }
        if cur == root {
            break;
        }
        d = cur.parent().filter(|p| p.starts_with(root));
    }
    Ok(None)
}

/// `(name, version)` of every registry package in a Cargo.lock.
fn read_lock(root: &Path, path: &Path) -> Result<Vec<(String, String)>, DepsError> {
    let Some(doc) = parse(root, path)? else {
        return Ok(vec![]);
    };
    let packages = doc.get("package").and_then(Value::as_array);
    Ok(packages
        .into_iter()
        .flatten()
        .filter_map(Value::as_table)
        .filter(|p| p.contains_key("source"))
        .filter_map(|p| {
            let name = p.get("name")?.as_str()?;
            let version = p.get("version")?.as_str()?;
            Some((name.to_string(), version.to_string()))
        })
        .collect())
}

/// The highest locked version of `name` that its requirement accepts (a
/// lockfile may hold several versions of one crate).
fn locked(lock: &[(String, String)], name: &str, req: &str) -> Option<String> {
    let req = semver::VersionReq::parse(req).ok()?;
    lock.iter()
        .filter(|(n, _)| n == name)
        .filter_map(|(_, v)| semver::Version::parse(v).ok())
        .filter(|v| req.matches(v))
        .max()
        .map(|v| v.to_string())
}
