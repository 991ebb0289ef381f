//! Python: pyproject.toml (PEP 621 `[project]` dependencies and optional
//! groups, PEP 735 `[dependency-groups]`, Poetry's tables) and
//! requirements*.txt; the locked version comes from uv.lock or poetry.lock.

use std::path::Path;

use toml::{Table, Value};

use super::{nearest, read_text, relative, Direct};
use crate::error::DepsError;
use crate::Ecosystem;

/// PEP 503 normalized name: lowercase, runs of `-_.` become one `-`.
pub fn normalize(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut sep = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            sep = true;
        } else {
            if sep && !out.is_empty() {
                out.push('-');
            }
            sep = false;
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

/// `(name, specifiers)` of a PEP 508 requirement; `None` for a direct URL
/// reference (`name @ https://…`), which no index answers for.
///
/// Written by hand rather than with a PEP 508 crate: only the name and the
/// version specifiers are needed (extras and markers are dropped, the
/// specifiers are then parsed by `pep440_rs`).
pub fn split_requirement(line: &str) -> Option<(String, String)> {
    let line = line.split(';').next()?.trim();
    let end = line
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(line.len());
    let name = &line[..end];
    if name.is_empty() {
        return None;
    }
    let mut rest = line[end..].trim_start();
    if rest.starts_with('[') {
        rest = rest.find(']').map_or("", |i| &rest[i + 1..]).trim_start();
    }
    if rest.starts_with('@') {
        return None;
    }
    let spec = rest.trim_start_matches('(').trim_end_matches(')').trim();
    Some((normalize(name), spec.to_string()))
}

fn direct(rel: &str, kind: &str, name: String, req: String, lock: &[(String, String)]) -> Direct {
    let current = lock.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone());
    Direct {
        ecosystem: Ecosystem::Pypi,
        name,
        manifest: rel.to_string(),
        kind: kind.to_string(),
        requirement: req,
        current,
        registry: None,
    }
}

fn pep508_list(out: &mut Vec<Direct>, rel: &str, kind: &str, v: Option<&Value>, lock: &[(String, String)]) {
    for item in v.and_then(Value::as_array).into_iter().flatten() {
        if let Some((name, req)) = item.as_str().and_then(split_requirement) {
            out.push(direct(rel, kind, name, req, lock));
        }
    }
}

pub fn read_pyproject(root: &Path, path: &Path, rel: &str) -> Result<Vec<Direct>, DepsError> {
    let Some(text) = read_text(root, path)? else {
        return Ok(vec![]);
    };
    let doc: Table = text
        .parse()
        .map_err(|e: toml::de::Error| DepsError::InvalidManifest {
            path: rel.to_string(),
            message: e.to_string().trim().to_string(),
        })?;
    let dir = path.parent().unwrap_or(root);
    let lock = match nearest(root, dir, "uv.lock").or_else(|| nearest(root, dir, "poetry.lock")) {
        Some(l) => read_lock(root, &l)?,
        None => vec![],
    };
    let mut out = Vec::new();
    let project = doc.get("project").and_then(Value::as_table);
    pep508_list(
        &mut out,
        rel,
        "dependencies",
        project.and_then(|p| p.get("dependencies")),
        &lock,
    );
    let optional = project
        .and_then(|p| p.get("optional-dependencies"))
        .and_then(Value::as_table);
    for (group, list) in optional.into_iter().flatten() {
        pep508_list(&mut out, rel, &format!("optional:{group}"), Some(list), &lock);
    }
    let groups = doc.get("dependency-groups").and_then(Value::as_table);
    for (group, list) in groups.into_iter().flatten() {
        pep508_list(&mut out, rel, &format!("group:{group}"), Some(list), &lock);
    }
    let poetry = doc
        .get("tool")
        .and_then(|t| t.get("poetry"))
        .and_then(Value::as_table);
    if let Some(poetry) = poetry {
        poetry_table(&mut out, rel, "dependencies", poetry.get("dependencies"), &lock);
        poetry_table(
            &mut out,
            rel,
            "dev-dependencies",
            poetry.get("dev-dependencies"),
            &lock,
        );
        for (group, g) in poetry
            .get("group")
            .and_then(Value::as_table)
            .into_iter()
            .flatten()
        {
            poetry_table(
                &mut out,
                rel,
                &format!("group:{group}"),
                g.get("dependencies"),
                &lock,
            );
        }
    }
    Ok(out)
}

fn poetry_table(out: &mut Vec<Direct>, rel: &str, kind: &str, v: Option<&Value>, lock: &[(String, String)]) {
    for (name, spec) in v.and_then(Value::as_table).into_iter().flatten() {
        if name == "python" {
            continue;
        }
        let req = match spec {
            Value::String(s) => s.clone(),
            Value::Table(t)
                if !t.contains_key("git") && !t.contains_key("path") && !t.contains_key("url") =>
            {
                t.get("version")
                    .and_then(Value::as_str)
                    .unwrap_or("*")
                    .to_string()
            }
            _ => continue,
        };
        out.push(direct(rel, kind, normalize(name), poetry_to_pep440(&req), lock));
    }
}

/// Poetry's `^` and `~` constraints as PEP 440 specifiers; anything else
/// (`>=1,<2`, `==1.2`) is already one. `*` allows every version.
pub fn poetry_to_pep440(req: &str) -> String {
    let req = req.trim();
    if req == "*" {
        return String::new();
    }
    let bound = |v: &str, caret: bool| {
        let parts: Vec<u64> = v.split('.').map_while(|p| p.parse().ok()).collect();
        if parts.is_empty() {
            return None;
        }
        let upper = if caret {
            let i = parts.iter().position(|p| *p != 0).unwrap_or(parts.len() - 1);
            let mut u = parts[..=i].to_vec();
            u[i] += 1;
            u
        } else {
            let keep = if parts.len() > 1 { 2 } else { 1 };
            let mut u = parts[..keep].to_vec();
            u[keep - 1] += 1;
            u
        };
        let upper: Vec<String> = upper.iter().map(u64::to_string).collect();
        Some(format!(">={v},<{}", upper.join(".")))
    };
    if let Some(v) = req.strip_prefix('^') {
        return bound(v.trim(), true).unwrap_or_else(|| req.to_string());
    }
    if let Some(v) = req.strip_prefix('~').filter(|v| !v.starts_with('=')) {
        return bound(v.trim(), false).unwrap_or_else(|| req.to_string());
    }
    if req.starts_with(|c: char| c.is_ascii_digit()) {
        return format!("=={req}");
    }
    req.to_string()
}

/// `(normalized name, version)` of every package in uv.lock or poetry.lock.
fn read_lock(root: &Path, path: &Path) -> Result<Vec<(String, String)>, DepsError> {
    let Some(text) = read_text(root, path)? else {
        return Ok(vec![]);
    };
    let doc: Table = text
        .parse()
        .map_err(|e: toml::de::Error| DepsError::InvalidManifest {
            path: relative(root, path),
            message: e.to_string().trim().to_string(),
        })?;
    Ok(doc
        .get("package")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|p| {
            let name = p.get("name")?.as_str()?;
            let version = p.get("version")?.as_str()?;
            Some((normalize(name), version.to_string()))
        })
        .collect())
}

/// requirements*.txt: one PEP 508 requirement per line; options (`-r`,
/// `-e`, `--index-url`), comments and URLs are skipped. A single exact pin
/// (`==1.2.3`) is the file's lock, so it is also the current version.
pub fn read_requirements(path: &Path, rel: &str) -> Result<Vec<Direct>, DepsError> {
    let root = path.parent().unwrap_or(path);
    let Some(text) = read_text(root, path)? else {
        return Ok(vec![]);
    };
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.split(" #").next().unwrap_or("").trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with('-') || line.contains("://") {
            continue;
        }
        let Some((name, req)) = split_requirement(line) else {
            continue;
        };
        let pin = req
            .strip_prefix("==")
            .filter(|v| !v.contains([',', '*']))
            .map(|v| v.trim().to_string());
        let mut d = direct(rel, "requirements", name, req, &[]);
        d.current = pin;
        out.push(d);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requirements_split_name_and_specifiers() {
        assert_eq!(
            split_requirement("Requests[socks] >=2.0,<3 ; python_version>'3'"),
            Some(("requests".into(), ">=2.0,<3".into()))
        );
        assert_eq!(
            split_requirement("zope.interface"),
            Some(("zope-interface".into(), String::new()))
        );
        assert_eq!(split_requirement("pkg @ https://x/pkg.whl"), None);
        assert_eq!(
            split_requirement("pkg (>=1.0)"),
            Some(("pkg".into(), ">=1.0".into()))
        );
    }

    #[test]
    fn poetry_constraints_become_pep440() {
        assert_eq!(poetry_to_pep440("^1.2.3"), ">=1.2.3,<2");
        assert_eq!(poetry_to_pep440("^0.2.3"), ">=0.2.3,<0.3");
        assert_eq!(poetry_to_pep440("~1.2.3"), ">=1.2.3,<1.3");
        assert_eq!(poetry_to_pep440("1.2"), "==1.2");
        assert_eq!(poetry_to_pep440(">=1,<2"), ">=1,<2");
        assert_eq!(poetry_to_pep440("*"), "");
    }
}
