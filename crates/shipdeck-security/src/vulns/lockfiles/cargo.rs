//! `Cargo.lock`, every version (1 to 4): `[[package]]` tables whose
//! `dependencies` name other packages as `name`, `name version` or
//! `name version (source)`.

use std::collections::HashMap;

use serde::Deserialize;

use super::graph::{Found, Graph, Kind};

#[derive(Deserialize)]
struct Lock {
    /// Version 1 lockfiles of old Cargo put the root package apart.
    root: Option<Package>,
    #[serde(default)]
    package: Vec<Package>,
}

#[derive(Deserialize)]
struct Package {
    name: String,
    version: String,
    source: Option<String>,
    #[serde(default)]
    dependencies: Vec<String>,
}

/// crates.io, through its git or its sparse index. Other registries'
/// crates are not crates.io's, whatever their names.
fn from_crates_io(source: &str) -> bool {
    (source.starts_with("registry+") || source.starts_with("sparse+"))
        && (source.contains("github.com/rust-lang/crates.io-index") || source.contains("index.crates.io"))
}

pub fn parse(text: &str) -> Result<Vec<Found>, String> {
    let lock: Lock = toml::from_str(text).map_err(|e| format!("not a Cargo.lock: {e}"))?;
    let packages: Vec<Package> = lock.root.into_iter().chain(lock.package).collect();
    let mut graph = Graph::default();
    let mut by_name: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, p) in packages.iter().enumerate() {
        let kind = match p.source.as_deref() {
            None => Kind::Project,
            Some(s) if from_crates_io(s) => Kind::Package,
            Some(_) => Kind::Other,
        };
        let id = graph.add(&p.name, &p.version, kind);
        debug_assert_eq!(id, i);
        by_name.entry(p.name.as_str()).or_default().push(i);
    }
    for (i, p) in packages.iter().enumerate() {
        for dep in &p.dependencies {
            let mut parts = dep.splitn(3, ' ');
            let name = parts.next().unwrap_or_default();
            let version = parts.next();
            let source = parts
                .next()
                .map(|s| s.trim_start_matches('(').trim_end_matches(')'));
            let target = by_name.get(name).and_then(|ids| {
                ids.iter().copied().find(|&j| {
                    version.is_none_or(|v| packages[j].version == v)
                        && source.is_none_or(|s| packages[j].source.as_deref() == Some(s))
                })
            });
            if let Some(j) = target {
                graph.edge(i, j);
            }
        }
    }
    Ok(graph.packages())
}

#[cfg(test)]
mod tests {
    use super::*;

    const V1: &str = r#"
[root]
name = "app"
version = "0.1.0"
dependencies = [
 "smallvec 1.6.0 (registry+https://github.com/rust-lang/crates.io-index)",
 "local 0.1.0",
]

[[package]]
name = "local"
version = "0.1.0"
dependencies = [
 "time 0.1.43 (registry+https://github.com/rust-lang/crates.io-index)",
 "priv 1.0.0 (registry+https://my.example/index)",
 "g 0.1.0 (git+https://example.com/g#abc)",
]

[[package]]
name = "smallvec"
version = "1.6.0"
source = "registry+https://github.com/rust-lang/crates.io-index"

[[package]]
name = "time"
version = "0.1.43"
source = "registry+https://github.com/rust-lang/crates.io-index"

[[package]]
name = "priv"
version = "1.0.0"
source = "registry+https://my.example/index"

[[package]]
name = "g"
version = "0.1.0"
source = "git+https://example.com/g#abc"

[metadata]
"checksum smallvec 1.6.0 (registry+https://github.com/rust-lang/crates.io-index)" = "fe0f37c9e8f3c5a4a66ad655a93c74daac4ad00c441533bf5c6e7990bb42604e"
"#;

    #[test]
    fn version_one_with_a_root_table_keeps_crates_io_crates_only() {
        let mut found = parse(V1).unwrap();
        found.sort_by(|a, b| a.name.cmp(&b.name));
        let got: Vec<(&str, &str, Vec<String>)> = found
            .iter()
            .map(|f| (f.name.as_str(), f.version.as_str(), f.via.clone()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("smallvec", "1.6.0", vec!["smallvec".to_string()]),
                ("time", "0.1.43", vec!["time".to_string()]),
            ]
        );
    }

    #[test]
    fn two_versions_of_one_crate_resolve_by_version() {
        let text = r#"
version = 4
[[package]]
name = "app"
version = "0.1.0"
dependencies = ["a", "rand 0.8.5"]
[[package]]
name = "a"
version = "1.0.0"
source = "sparse+https://index.crates.io/"
dependencies = ["rand 0.7.3"]
[[package]]
name = "rand"
version = "0.7.3"
source = "registry+https://github.com/rust-lang/crates.io-index"
[[package]]
name = "rand"
version = "0.8.5"
source = "registry+https://github.com/rust-lang/crates.io-index"
"#;
        let found = parse(text).unwrap();
        let via = |v: &str| found.iter().find(|f| f.version == v).unwrap().via.clone();
        assert_eq!(via("0.8.5"), vec!["rand"]);
        assert_eq!(via("0.7.3"), vec!["a", "rand"]);
    }

    #[test]
    fn a_broken_lockfile_is_an_error_not_a_panic() {
        assert!(parse("[[package]]\nname = 1").is_err());
        assert!(parse("version = ").is_err());
    }
}
