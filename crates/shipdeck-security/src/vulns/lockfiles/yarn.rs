//! `yarn.lock`: Yarn 1's own format, or Yarn 2+'s YAML (with `__metadata`).
//! Both key an entry by every descriptor (`name@range`) it satisfies, and a
//! dependency `name range` finds its entry by the descriptor `name@range`.

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;

use super::graph::{Found, Graph, Kind};
use super::npm::from_registry;
use super::{npm_name_ok, yaml};

/// One entry: its descriptors, name, version, whether the registry
/// served it, whether it is the workspace's own, and its dependencies.
#[derive(Debug, Default)]
struct Entry {
    specs: Vec<String>,
    name: String,
    version: String,
    kind: Option<Kind>,
    deps: Vec<(String, String)>,
}

pub fn parse(text: &str, manifest: Option<&str>) -> Result<Vec<Found>, String> {
    let berry = text.lines().any(|l| l.starts_with("__metadata:"));
    let entries = if berry {
        berry_entries(text)?
    } else {
        classic_entries(text)?
    };
    let mut graph = Graph::default();
    let mut by_spec: HashMap<&str, usize> = HashMap::new();
    for e in &entries {
        let id = graph.add(&e.name, &e.version, e.kind.unwrap_or(Kind::Other));
        for s in &e.specs {
            by_spec.insert(s.as_str(), id);
        }
    }
    let find = |name: &str, range: &str| {
        by_spec
            .get(format!("{name}@{range}").as_str())
            .or_else(|| by_spec.get(format!("{name}@npm:{range}").as_str()))
            .copied()
    };
    for (id, e) in entries.iter().enumerate() {
        for (name, range) in &e.deps {
            if let Some(to) = find(name, range) {
                graph.edge(id, to);
            }
        }
    }
    let has_project = entries.iter().any(|e| e.kind == Some(Kind::Project));
    if !has_project {
        match manifest.and_then(|m| serde_json::from_str::<Value>(m).ok()) {
            Some(m) => {
                for field in ["dependencies", "devDependencies", "optionalDependencies"] {
                    for (name, range) in m.get(field).and_then(Value::as_object).into_iter().flatten() {
                        if let Some(to) = range.as_str().and_then(|r| find(name, r)) {
                            graph.direct(to);
                        }
                    }
                }
            }
            None => {
                for t in graph.unrequired() {
                    graph.direct(t);
                }
            }
        }
    }
    Ok(graph.packages())
}

/// Each descriptor (`name@range`, as the key lists it) and the version its
/// entry resolved to, for readers that only ask "which version did this
/// `package.json` range get" (the Dependencies area).
pub fn descriptor_versions(text: &str) -> Result<BTreeMap<String, String>, String> {
    let berry = text.lines().any(|l| l.starts_with("__metadata:"));
    let entries = if berry {
        berry_entries(text)?
    } else {
        classic_entries(text)?
    };
    Ok(entries
        .into_iter()
        .flat_map(|e| {
            let version = e.version;
            e.specs.into_iter().map(move |s| (s, version.clone()))
        })
        .collect())
}

/// `name@range` split at the `@` that ends the name (a scope's `@` is the
/// first character).
fn split_spec(spec: &str) -> Option<(&str, &str)> {
    let at = spec.get(1..)?.find('@')? + 1;
    Some((&spec[..at], &spec[at + 1..]))
}

/// Ranges that do not name a registry version.
fn elsewhere(range: &str) -> bool {
    [
        "file:",
        "link:",
        "portal:",
        "workspace:",
        "git",
        "http:",
        "https:",
        "github:",
        "exec:",
    ]
    .iter()
    .any(|p| range.starts_with(p))
        || range.contains("://")
}

fn unquote(s: &str) -> String {
    let s = s.trim();
    match s.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
        Some(inner) => inner.replace("\\\"", "\""),
        None => s.to_string(),
    }
}

/// `first rest`, where `first` may be quoted and contain spaces.
fn split_field(line: &str) -> (String, String) {
    let line = line.trim();
    if let Some(rest) = line.strip_prefix('"') {
        if let Some(end) = rest.find('"') {
            return (rest[..end].to_string(), unquote(&rest[end + 1..]));
        }
    }
    match line.split_once(char::is_whitespace) {
        Some((k, v)) => (k.to_string(), unquote(v)),
        None => (line.trim_end_matches(':').to_string(), String::new()),
    }
}

/// Descriptors of a key line, `a@^1, "b@^2 || ^3":` (commas inside quotes
/// are not separators).
fn key_specs(line: &str) -> Vec<String> {
    let line = line.trim_end().trim_end_matches(':');
    let mut specs = Vec::new();
    let (mut cur, mut quoted) = (String::new(), false);
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => specs.push(std::mem::take(&mut cur).trim().to_string()),
            c => cur.push(c),
        }
    }
    specs.push(cur.trim().to_string());
    specs.retain(|s| !s.is_empty());
    specs
}

/// Yarn 1's format: indentation-structured but not YAML (unquoted
/// `key value` pairs), and no maintained parser crate reads it, hence
/// this reader of its three levels: entry keys, fields, dependency lists.
fn classic_entries(text: &str) -> Result<Vec<Entry>, String> {
    let mut entries: Vec<Entry> = Vec::new();
    let mut resolved: Option<String> = None;
    let mut in_deps = false;
    let finish = |e: &mut Entry, resolved: Option<String>| {
        let range = e
            .specs
            .first()
            .and_then(|s| split_spec(s))
            .map(|(_, r)| r.to_string());
        let range = range.unwrap_or_default();
        let registry = !elsewhere(&range) && from_registry(resolved.as_deref(), &e.version);
        e.kind = Some(if registry && npm_name_ok(&e.name) {
            Kind::Package
        } else {
            Kind::Other
        });
    };
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        match indent {
            0 => {
                if let Some(last) = entries.last_mut() {
                    finish(last, resolved.take());
                }
                let specs = key_specs(line);
                let Some((name, range)) = specs.first().and_then(|s| split_spec(s)) else {
                    return Err(format!("line {}: not a yarn.lock entry", n + 1));
                };
                // An alias, `name@npm:real@^1`, is the real package.
                let name = match range.strip_prefix("npm:").and_then(split_spec) {
                    Some((real, _)) => real.to_string(),
                    None => name.to_string(),
                };
                entries.push(Entry {
                    specs: specs.clone(),
                    name,
                    ..Entry::default()
                });
                in_deps = false;
            }
            _ => {
                let Some(entry) = entries.last_mut() else {
                    return Err(format!("line {}: a field outside an entry", n + 1));
                };
                let (key, value) = split_field(line);
                if indent <= 2 {
                    in_deps =
                        value.is_empty() && matches!(key.as_str(), "dependencies" | "optionalDependencies");
                    match key.as_str() {
                        "version" => entry.version = value,
                        "resolved" => resolved = Some(value),
                        _ => {}
                    }
                } else if in_deps {
                    entry.deps.push((key, value));
                }
            }
        }
    }
    if let Some(last) = entries.last_mut() {
        finish(last, resolved.take());
    }
    Ok(entries)
}

/// Yarn 2+: YAML; `resolution` says where each entry comes from.
fn berry_entries(text: &str) -> Result<Vec<Entry>, String> {
    let lock = yaml::parse(text)?;
    let lock = lock.as_object().ok_or("not a yarn.lock: not a mapping")?;
    let mut entries = Vec::new();
    for (key, entry) in lock {
        if key == "__metadata" {
            continue;
        }
        let field = |f: &str| entry.get(f).and_then(Value::as_str).unwrap_or_default();
        let Some((name, how)) = split_spec(field("resolution")) else {
            continue;
        };
        let version = field("version").to_string();
        let semver = version.starts_with(|c: char| c.is_ascii_digit());
        let kind = if how.starts_with("workspace:") {
            Kind::Project
        // A patched registry package is still that package at that version.
        } else if semver
            && npm_name_ok(name)
            && (how.starts_with("npm:") || how.starts_with(&format!("patch:{name}@npm%3A")))
        {
            Kind::Package
        } else {
            Kind::Other
        };
        let deps = entry
            .get("dependencies")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .filter_map(|(n, r)| Some((n.clone(), r.as_str()?.to_string())))
            .collect();
        entries.push(Entry {
            specs: key_specs(key),
            name: name.to_string(),
            version,
            kind: Some(kind),
            deps,
        });
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn got(found: Vec<Found>) -> Vec<String> {
        let mut v: Vec<String> = found
            .into_iter()
            .map(|f| format!("{}@{} {}", f.name, f.version, f.via.join(">")))
            .collect();
        v.sort();
        v
    }

    #[test]
    fn classic_reads_scoped_quoted_aliased_and_skips_git_and_files() {
        let text = r#"# yarn lockfile v1


"@s/a@^1.0.0", "@s/a@^1.1.0":
  version "1.2.0"
  resolved "https://registry.yarnpkg.com/@s/a/-/a-1.2.0.tgz#abc"
  dependencies:
    "js-tokens" "^3.0.0 || ^4.0.0"
    g "git+https://example.com/g.git"

"js-tokens@^3.0.0 || ^4.0.0":
  version "4.0.0"

al@npm:real@^2:
  version "2.0.1"
  resolved "https://registry.yarnpkg.com/real/-/real-2.0.1.tgz"

"g@git+https://example.com/g.git":
  version "0.1.0"
  resolved "git+https://example.com/g.git#deadbeef"

l@file:./l:
  version "0.0.1"
"#;
        let manifest = r#"{"dependencies": {"@s/a": "^1.0.0"}, "devDependencies": {"al": "npm:real@^2"}}"#;
        assert_eq!(
            got(parse(text, Some(manifest)).unwrap()),
            vec![
                "@s/a@1.2.0 @s/a",
                "js-tokens@4.0.0 @s/a>js-tokens",
                "real@2.0.1 real"
            ]
        );
    }

    #[test]
    fn classic_garbage_is_an_error() {
        assert!(parse("  version \"1\"\n", None).is_err());
        assert!(parse("nonsense:\n", None).is_err());
    }

    #[test]
    fn berry_skips_workspaces_links_and_keeps_patched_npm_packages() {
        let text = r#"
__metadata:
  version: 8
  cacheKey: 10c0

"root@workspace:.":
  version: 0.0.0-use.local
  resolution: "root@workspace:."
  dependencies:
    a: "npm:^1.0.0"
    l: "link:./l"
    r: "patch:r@npm%3A1.0.0#~builtin<compat/r>"
  languageName: unknown
  linkType: soft

"a@npm:^1.0.0, a@npm:^1.1.0":
  version: 1.1.0
  resolution: "a@npm:1.1.0"
  dependencies:
    "@s/b": "npm:2.0.0"
  languageName: node
  linkType: hard

"@s/b@npm:2.0.0":
  version: 2.0.0
  resolution: "@s/b@npm:2.0.0"

"l@link:./l::locator=root%40workspace%3A.":
  version: 0.0.0-use.local
  resolution: "l@link:./l::locator=root%40workspace%3A."
  linkType: soft

"r@patch:r@npm%3A1.0.0#~builtin<compat/r>":
  version: 1.0.0
  resolution: "r@patch:r@npm%3A1.0.0#~builtin<compat/r>::version=1.0.0&hash=abc"
"#;
        assert_eq!(
            got(parse(text, None).unwrap()),
            vec!["@s/b@2.0.0 a>@s/b", "a@1.1.0 a", "r@1.0.0 r"]
        );
    }
}
