//! package.json: `dependencies`, `devDependencies`, `optionalDependencies`;
//! the locked version comes from the nearest package-lock.json (or
//! npm-shrinkwrap.json), where a workspace member's own copy wins over the
//! hoisted one.

use std::path::Path;

use serde_json::Value;

use super::{read_text, relative, Direct};
use crate::error::DepsError;
use crate::Ecosystem;

const KINDS: &[&str] = &["dependencies", "devDependencies", "optionalDependencies"];

fn parse(root: &Path, path: &Path) -> Result<Option<Value>, DepsError> {
    let Some(text) = read_text(root, path)? else {
        return Ok(None);
    };
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|e| DepsError::InvalidManifest {
            path: relative(root, path),
            message: e.to_string(),
        })
}

pub fn read(root: &Path, path: &Path, rel: &str) -> Result<Vec<Direct>, DepsError> {
    let Some(doc) = parse(root, path)? else {
        return Ok(vec![]);
    };
    if !doc.is_object() {
        return Err(DepsError::InvalidManifest {
            path: rel.to_string(),
            message: "expected a JSON object".into(),
        });
    }
    let dir = path.parent().unwrap_or(root);
    let lock = Lock::find(root, dir)?;
    let mut out = Vec::new();
    for kind in KINDS {
        let Some(deps) = doc.get(*kind).and_then(Value::as_object) else {
            continue;
        };
        for (key, spec) in deps {
            let Some(spec) = spec.as_str() else { continue };
            let (name, requirement) = match spec.strip_prefix("npm:") {
                Some(alias) => split_alias(alias),
                None => (key.clone(), spec.to_string()),
            };
            let current = lock.version(key, spec);
            out.push(Direct {
                ecosystem: Ecosystem::Npm,
                name,
                manifest: rel.to_string(),
                kind: (*kind).to_string(),
                requirement,
                current,
                registry: None,
            });
        }
    }
    Ok(out)
}

/// `real@range` of an `npm:` alias (`@scope/real@range` keeps its first `@`).
fn split_alias(alias: &str) -> (String, String) {
    let at = alias
        .char_indices()
        .skip(1)
        .find(|(_, c)| *c == '@')
        .map(|(i, _)| i);
    match at {
        Some(i) => (alias[..i].to_string(), alias[i + 1..].to_string()),
        None => (alias.to_string(), String::new()),
    }
}

/// The lockfile of a package.json: npm's, pnpm's or yarn's, nearest first.
enum Lock {
    None,
    Npm(Value, String),
    Other(super::jslock::JsLock),
}

impl Lock {
    fn find(root: &Path, dir: &Path) -> Result<Lock, DepsError> {
        let mut d = Some(dir);
        while let Some(cur) = d {
            for name in ["npm-shrinkwrap.json", "package-lock.json"] {
                let l = cur.join(name);
                if l.is_file() {
                    let member = relative(cur, dir);
                    return Ok(parse(root, &l)?.map_or(Lock::None, |v| Lock::Npm(v, member)));
                }
            }
            if let Some(other) = super::jslock::JsLock::find(root, cur, dir)? {
                return Ok(Lock::Other(other));
            }
            if cur == root {
                break;
            }
            d = cur.parent().filter(|p| p.starts_with(root));
        }
        Ok(Lock::None)
    }

    fn version(&self, key: &str, spec: &str) -> Option<String> {
        match self {
            Lock::None => None,
            Lock::Npm(v, member) => locked(v, member, key),
            Lock::Other(l) => l.version(key, spec),
        }
    }
}

/// The version installed for `key` as the lockfile records it: lockfile v2/v3
/// `packages["<member>/node_modules/<key>"]`, then the hoisted
/// `packages["node_modules/<key>"]`, then v1 `dependencies[key]`.
fn locked(lock: &Value, member: &str, key: &str) -> Option<String> {
    if let Some(packages) = lock.get("packages").and_then(Value::as_object) {
        let own = if member.is_empty() {
            None
        } else {
            packages.get(&format!("{member}/node_modules/{key}"))
        };
        let entry = own.or_else(|| packages.get(&format!("node_modules/{key}")))?;
        return entry.get("version").and_then(Value::as_str).map(String::from);
    }
    lock.get("dependencies")?
        .get(key)?
        .get("version")?
        .as_str()
        .map(String::from)
}
