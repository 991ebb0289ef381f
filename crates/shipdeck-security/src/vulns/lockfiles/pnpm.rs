//! `pnpm-lock.yaml`, lockfile versions 5.x, 6.x and 9.x. Their package
//! keys differ: `/name/1.0.0_peer@2.0.0` (5), `/name@1.0.0(peer@2.0.0)` (6),
//! `name@1.0.0(peer@2.0.0)` (9, whose dependency edges are in `snapshots`).
//! The workspace's projects are `importers` (or, before 9, the top-level
//! dependency maps of a single project).

use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value};

use super::graph::{Found, Graph, Kind};
use super::{npm_name_ok, yaml};

const DEP_FIELDS: [&str; 3] = ["dependencies", "devDependencies", "optionalDependencies"];

/// The name and version a package key stands for, peers stripped.
pub fn split_key(key: &str, major: u32) -> Option<(String, String)> {
    let key = key.strip_prefix('/').unwrap_or(key);
    let (name, version) = if major < 6 {
        let (name, rest) = key.rsplit_once('/')?;
        (name, rest.split('_').next().unwrap_or(rest))
    } else {
        let bare = key.split('(').next().unwrap_or(key);
        let at = bare.rfind('@').filter(|&i| i > 0)?;
        (&bare[..at], &bare[at + 1..])
    };
    if name.is_empty() || version.is_empty() {
        return None;
    }
    Some((name.to_string(), version.to_string()))
}

/// The package key a dependency `name: reference` points to.
fn key_of(name: &str, reference: &str, major: u32) -> Option<String> {
    if ["link:", "file:", "workspace:"]
        .iter()
        .any(|p| reference.starts_with(p))
    {
        return None;
    }
    if !reference.starts_with(|c: char| c.is_ascii_digit()) {
        return Some(reference.to_string());
    }
    Some(match major {
        0..=5 => format!("/{name}/{reference}"),
        6..=8 => format!("/{name}@{reference}"),
        _ => format!("{name}@{reference}"),
    })
}

/// A dependency map's references: strings before 6, `{version}` after.
fn references(deps: &Map<String, Value>) -> Vec<(String, String)> {
    deps.iter()
        .filter_map(|(name, v)| {
            let r = v.as_str().or_else(|| v.get("version").and_then(Value::as_str))?;
            Some((name.clone(), r.to_string()))
        })
        .collect()
}

fn dependency_refs(entry: &Value) -> Vec<(String, String)> {
    DEP_FIELDS
        .iter()
        .filter_map(|f| entry.get(*f).and_then(Value::as_object))
        .flat_map(references)
        .collect()
}

/// The lockfile as a mapping, and its major version.
fn read(text: &str) -> Result<(Map<String, Value>, u32), String> {
    let lock = yaml::parse(text)?;
    let Value::Object(lock) = lock else {
        return Err("not a pnpm-lock.yaml: not a mapping".into());
    };
    let version = lock.get("lockfileVersion").and_then(Value::as_str).unwrap_or("5");
    let major: u32 = version
        .split('.')
        .next()
        .and_then(|m| m.parse().ok())
        .ok_or_else(|| format!("not a pnpm-lock.yaml: lockfileVersion {version:?}"))?;
    Ok((lock, major))
}

/// Each project (`importers` key, `.` for the root) and its direct
/// dependencies' references; a single-project lockfile before 9 keeps them
/// at the top level.
fn importer_refs(lock: &Map<String, Value>) -> Vec<(String, Vec<(String, String)>)> {
    match lock.get("importers").and_then(Value::as_object) {
        Some(imp) => imp.iter().map(|(p, e)| (p.clone(), dependency_refs(e))).collect(),
        None => {
            let top: Map<String, Value> = DEP_FIELDS
                .iter()
                .filter_map(|f| Some((f.to_string(), lock.get(*f)?.clone())))
                .collect();
            vec![(".".into(), dependency_refs(&Value::Object(top)))]
        }
    }
}

/// The registry version each direct dependency of the project at
/// `importer` (`.`, `packages/a`) resolved to, peers stripped; links,
/// files and workspace members are left out.
pub fn importer_versions(text: &str, importer: &str) -> Result<BTreeMap<String, String>, String> {
    let (lock, major) = read(text)?;
    Ok(importer_refs(&lock)
        .into_iter()
        .filter(|(p, _)| p == importer)
        .flat_map(|(_, refs)| refs)
        .filter_map(|(name, r)| {
            let (_, version) = split_key(&key_of(&name, &r, major)?, major)?;
            version
                .starts_with(|c: char| c.is_ascii_digit())
                .then_some((name, version))
        })
        .collect())
}

pub fn parse(text: &str) -> Result<Vec<Found>, String> {
    let (lock, major) = read(text)?;
    let empty = Map::new();
    let packages = lock.get("packages").and_then(Value::as_object).unwrap_or(&empty);
    let nodes = match lock.get("snapshots").and_then(Value::as_object) {
        Some(snapshots) if major >= 9 => snapshots,
        _ => packages,
    };
    let mut graph = Graph::default();
    let mut ids: HashMap<&str, usize> = HashMap::new();
    for key in nodes.keys() {
        let Some((name, version)) = split_key(key, major) else {
            continue;
        };
        // Before 9 the entry itself says how it resolves; from 9, `packages`
        // under the key without its peers.
        let meta = if major >= 9 {
            packages.get(&format!("{name}@{version}"))
        } else {
            nodes.get(key)
        };
        let resolution = meta.and_then(|m| m.get("resolution"));
        let elsewhere = resolution.is_some_and(|r| {
            r.get("type").is_some()
                || r.get("directory").is_some()
                || r.get("tarball")
                    .is_some_and(|t| t.as_str().is_some_and(|t| t.starts_with("file:")))
        });
        let semver = version.starts_with(|c: char| c.is_ascii_digit());
        let kind = if semver && !elsewhere && npm_name_ok(&name) {
            Kind::Package
        } else {
            Kind::Other
        };
        ids.insert(key.as_str(), graph.add(&name, &version, kind));
    }
    let find = |key: &str| {
        ids.get(key).or_else(|| match key.strip_prefix('/') {
            Some(bare) => ids.get(bare),
            None => ids.get(format!("/{key}").as_str()),
        })
    };
    for (key, entry) in nodes {
        let Some(&from) = ids.get(key.as_str()) else {
            continue;
        };
        for (name, r) in dependency_refs(entry) {
            if let Some(&to) = key_of(&name, &r, major).and_then(|k| find(&k)) {
                graph.edge(from, to);
            }
        }
    }
    for (path, refs) in importer_refs(&lock) {
        let project = graph.add(&path, "", Kind::Project);
        for (name, r) in refs {
            if let Some(&to) = key_of(&name, &r, major).and_then(|k| find(&k)) {
                graph.edge(project, to);
            }
        }
    }
    Ok(graph.packages())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_of_every_version_lose_their_peers() {
        let cases = [
            ("/lodash/4.17.20", 5, "lodash", "4.17.20"),
            ("/@s/is/0.14.0_react@16.14.0", 5, "@s/is", "0.14.0"),
            (
                "/react-dom/16.14.0_react@16.14.0+@types+node@1.0.0",
                5,
                "react-dom",
                "16.14.0",
            ),
            ("/@s/is@0.14.0", 6, "@s/is", "0.14.0"),
            ("/react-dom@16.14.0(react@16.14.0)", 6, "react-dom", "16.14.0"),
            (
                "react-dom@16.14.0(react@16.14.0)(@types/react@18.0.0)",
                9,
                "react-dom",
                "16.14.0",
            ),
            ("@s/is@0.14.0", 9, "@s/is", "0.14.0"),
        ];
        for (key, major, name, version) in cases {
            assert_eq!(
                split_key(key, major),
                Some((name.into(), version.into())),
                "{key}"
            );
        }
        assert_eq!(split_key("@s", 9), None);
        assert_eq!(split_key("/x", 5), None);
    }

    #[test]
    fn v9_workspace_importers_links_aliases_and_tarballs() {
        let text = r#"
lockfileVersion: '9.0'
importers:
  .:
    dependencies:
      a: {specifier: ^1, version: 1.0.0(p@2.0.0)}
      w: {specifier: workspace:*, version: link:packages/w}
      al: {specifier: npm:b@^3, version: b@3.0.0}
  packages/w:
    devDependencies:
      c: {specifier: 1.0.0, version: 1.0.0}
packages:
  a@1.0.0: {resolution: {integrity: sha512-x}}
  p@2.0.0: {resolution: {integrity: sha512-x}}
  b@3.0.0: {resolution: {integrity: sha512-x}}
  c@1.0.0: {resolution: {integrity: sha512-x}}
  t@https://example.com/t.tgz: {resolution: {tarball: https://example.com/t.tgz}, version: 1.0.0}
snapshots:
  a@1.0.0(p@2.0.0):
    dependencies:
      p: 2.0.0
      t: https://example.com/t.tgz
  a@1.0.0: {}
  p@2.0.0: {}
  b@3.0.0: {}
  c@1.0.0: {}
  t@https://example.com/t.tgz: {}
"#;
        let mut got: Vec<String> = parse(text)
            .unwrap()
            .into_iter()
            .map(|f| format!("{}@{} {}", f.name, f.version, f.via.join(">")))
            .collect();
        got.sort();
        got.dedup();
        assert_eq!(
            got,
            vec!["a@1.0.0 ", "a@1.0.0 a", "b@3.0.0 b", "c@1.0.0 c", "p@2.0.0 a>p"]
        );
    }
}
