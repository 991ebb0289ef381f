//! `package-lock.json` and `npm-shrinkwrap.json`. Versions 2 and 3 list
//! every installed copy under `packages`, keyed by its `node_modules` path;
//! version 1 nests copies in `dependencies`. Both are turned into the same
//! paths, and a dependency resolves the way Node finds it: the nearest
//! `node_modules` up the path.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::graph::{Found, Graph, Kind};
use super::npm_name_ok;

const DEP_FIELDS: [&str; 4] = [
    "dependencies",
    "devDependencies",
    "optionalDependencies",
    "peerDependencies",
];

pub fn parse(text: &str, manifest: Option<&str>) -> Result<Vec<Found>, String> {
    let lock: Value = serde_json::from_str(text).map_err(|e| format!("not a package-lock.json: {e}"))?;
    let lock = lock.as_object().ok_or("not a package-lock.json: not an object")?;
    match lock.get("packages").and_then(Value::as_object) {
        Some(packages) => Ok(modern(packages)),
        None => Ok(legacy(lock, manifest)),
    }
}

/// Where Node finds `dep` required from the copy at `from`.
fn resolve(paths: &HashMap<String, usize>, from: &str, dep: &str) -> Option<usize> {
    let mut base = from;
    loop {
        let at = if base.is_empty() {
            format!("node_modules/{dep}")
        } else {
            format!("{base}/node_modules/{dep}")
        };
        if let Some(&i) = paths.get(&at) {
            return Some(i);
        }
        if base.is_empty() {
            return None;
        }
        base = match base.rfind("/node_modules/") {
            Some(k) => &base[..k],
            None => "",
        };
    }
}

/// The package name of an installed path: after the last `node_modules/`.
fn name_of_path(path: &str) -> Option<&str> {
    path.rfind("node_modules/")
        .map(|k| &path[k + "node_modules/".len()..])
}

/// Whether a copy came from the registry, by its `resolved` (absent in
/// some lockfiles: then its version says).
pub(super) fn from_registry(resolved: Option<&str>, version: &str) -> bool {
    let by_url = resolved.is_none_or(|r| r.starts_with("https://") || r.starts_with("http://"));
    let codeload = resolved.is_some_and(|r| r.contains("codeload.github.com"));
    by_url && !codeload && version.starts_with(|c: char| c.is_ascii_digit())
}

fn names(entry: &Map<String, Value>) -> Vec<String> {
    let mut out = Vec::new();
    for field in DEP_FIELDS {
        if let Some(deps) = entry.get(field).and_then(Value::as_object) {
            out.extend(deps.keys().cloned());
        }
    }
    out
}

fn modern(packages: &Map<String, Value>) -> Vec<Found> {
    let mut graph = Graph::default();
    let mut paths: HashMap<String, usize> = HashMap::new();
    let mut links: Vec<(usize, String)> = Vec::new();
    let mut requires: Vec<(usize, String, Vec<String>)> = Vec::new();
    for (path, entry) in packages {
        let Some(entry) = entry.as_object() else { continue };
        let str_of = |k: &str| entry.get(k).and_then(Value::as_str);
        let id = match name_of_path(path) {
            // The root and the workspace's own folders.
            None => graph.add(str_of("name").unwrap_or(path), "", Kind::Project),
            Some(last) => {
                let name = str_of("name").unwrap_or(last);
                let version = str_of("version").unwrap_or_default();
                let link = entry.get("link").and_then(Value::as_bool) == Some(true);
                let registry = !link && from_registry(str_of("resolved"), version);
                let kind = if registry && npm_name_ok(name) {
                    Kind::Package
                } else {
                    Kind::Other
                };
                let id = graph.add(name, version, kind);
                if let (true, Some(target)) = (link, str_of("resolved")) {
                    links.push((id, target.to_string()));
                }
                id
            }
        };
        paths.insert(path.clone(), id);
        requires.push((id, path.clone(), names(entry)));
    }
    // A link stands for the folder it points to.
    for (id, target) in links {
        if let Some(&t) = paths.get(&target) {
            graph.edge(id, t);
        }
    }
    for (id, path, deps) in requires {
        for dep in deps {
            if let Some(t) = resolve(&paths, &path, &dep) {
                graph.edge(id, t);
            }
        }
    }
    graph.packages()
}

/// Version 1: the nested `dependencies` tree, each copy's `requires`.
fn legacy(lock: &Map<String, Value>, manifest: Option<&str>) -> Vec<Found> {
    let mut graph = Graph::default();
    let mut paths: HashMap<String, usize> = HashMap::new();
    let mut requires: Vec<(usize, String, Vec<String>)> = Vec::new();
    let mut stack: Vec<(String, &Map<String, Value>)> = Vec::new();
    if let Some(top) = lock.get("dependencies").and_then(Value::as_object) {
        stack.push((String::new(), top));
    }
    while let Some((base, deps)) = stack.pop() {
        for (name, entry) in deps {
            let Some(entry) = entry.as_object() else { continue };
            let path = if base.is_empty() {
                format!("node_modules/{name}")
            } else {
                format!("{base}/node_modules/{name}")
            };
            let version = entry.get("version").and_then(Value::as_str).unwrap_or_default();
            // An alias: `"version": "npm:real-name@1.2.3"`.
            let (real, version) = match version.strip_prefix("npm:").and_then(|v| v.rsplit_once('@')) {
                Some((real, v)) if !real.is_empty() => (real, v),
                _ => (name.as_str(), version),
            };
            let resolved = entry.get("resolved").and_then(Value::as_str);
            let kind = if from_registry(resolved, version) && npm_name_ok(real) {
                Kind::Package
            } else {
                Kind::Other
            };
            let id = graph.add(real, version, kind);
            paths.insert(path.clone(), id);
            let req = entry.get("requires").and_then(Value::as_object);
            requires.push((
                id,
                path.clone(),
                req.map(|r| r.keys().cloned().collect()).unwrap_or_default(),
            ));
            if let Some(nested) = entry.get("dependencies").and_then(Value::as_object) {
                stack.push((path, nested));
            }
        }
    }
    for (id, path, deps) in requires {
        for dep in deps {
            if let Some(t) = resolve(&paths, &path, &dep) {
                graph.edge(id, t);
            }
        }
    }
    let direct: Option<Vec<String>> = manifest
        .and_then(|m| serde_json::from_str::<Value>(m).ok())
        .and_then(|m| m.as_object().map(names));
    match direct {
        Some(direct) => {
            for d in direct {
                if let Some(t) = resolve(&paths, "", &d) {
                    graph.direct(t);
                }
            }
        }
        None => {
            for t in graph.unrequired() {
                graph.direct(t);
            }
        }
    }
    graph.packages()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn got(found: &[Found]) -> Vec<String> {
        let mut v: Vec<String> = found
            .iter()
            .map(|f| format!("{}@{} {}", f.name, f.version, f.via.join(">")))
            .collect();
        v.sort();
        v
    }

    #[test]
    fn modern_skips_root_links_and_git_keeps_nested_copies_and_aliases() {
        let text = r#"{"lockfileVersion": 3, "packages": {
          "": {"name": "root", "dependencies": {"a": "^1", "w": "*", "al": "npm:real@2"}},
          "node_modules/a": {"version": "1.0.0", "resolved": "https://registry.npmjs.org/a/-/a-1.0.0.tgz", "dependencies": {"@s/b": "^2"}},
          "node_modules/@s/b": {"version": "1.0.0", "resolved": "https://registry.npmjs.org/@s/b/-/b-1.0.0.tgz"},
          "node_modules/a/node_modules/@s/b": {"version": "2.0.0", "resolved": "https://registry.npmjs.org/@s/b/-/b-2.0.0.tgz", "dependencies": {"g": "*"}},
          "node_modules/g": {"version": "1.0.0", "resolved": "git+ssh://git@github.com/x/g.git#abc"},
          "node_modules/w": {"resolved": "packages/w", "link": true},
          "packages/w": {"name": "w", "version": "0.0.1", "dependencies": {"c": "1"}},
          "node_modules/c": {"version": "1.0.0", "dev": true},
          "node_modules/al": {"name": "real", "version": "2.0.0", "resolved": "https://registry.npmjs.org/real/-/real-2.0.0.tgz"}
        }}"#;
        assert_eq!(
            got(&parse(text, None).unwrap()),
            vec![
                "@s/b@1.0.0 ",
                "@s/b@2.0.0 a>@s/b",
                "a@1.0.0 a",
                "c@1.0.0 c",
                "real@2.0.0 real"
            ]
        );
    }

    #[test]
    fn legacy_uses_requires_and_the_manifest() {
        let text = r#"{"lockfileVersion": 1, "dependencies": {
          "a": {"version": "1.0.0", "requires": {"b": "^2"}, "dependencies": {
              "b": {"version": "2.0.0"}}},
          "b": {"version": "1.0.0"},
          "x": {"version": "npm:y@3.0.0"},
          "f": {"version": "file:../f"}
        }}"#;
        let manifest = r#"{"dependencies": {"a": "1", "b": "1"}, "devDependencies": {"x": "*"}}"#;
        assert_eq!(
            got(&parse(text, Some(manifest)).unwrap()),
            vec!["a@1.0.0 a", "b@1.0.0 b", "b@2.0.0 a>b", "y@3.0.0 y"]
        );
    }

    #[test]
    fn nesting_deeper_than_json_allows_is_an_error() {
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert!(parse(&deep, None).is_err());
        assert!(parse("[1]", None).is_err());
    }
}
